// Package unitstest loads a real unit tree into a test database: Hanoi's
// city, 30 districts and 526 communes and wards from the embedded official
// list, plus its departments, shaped as the importer shapes them.
package unitstest

import (
	"testing"

	"gorm.io/gorm"

	"khung/app/adminunits"
	"khung/models"
)

// Tree maps an official code ('01', '001', '00001', '01-SNV') to its unit row.
type Tree map[string]models.Unit

// ID returns the id of the unit with code, failing the test when it is missing.
func (tr Tree) ID(t testing.TB, code string) int64 {
	t.Helper()
	u, ok := tr[code]
	if !ok {
		t.Fatalf("no unit %q in the test tree", code)
	}
	return u.ID
}

// LoadHanoi inserts Hanoi's units into db and returns them by code.
func LoadHanoi(t testing.TB, db *gorm.DB) Tree {
	t.Helper()
	all, err := adminunits.Official()
	if err != nil {
		t.Fatalf("read official units: %v", err)
	}
	hanoi, ok := adminunits.Find(all, "01")
	if !ok {
		t.Fatal("no province 01 in the official list")
	}
	tree := Tree{}
	insert := func(batch []models.Unit) {
		t.Helper()
		if err := db.CreateInBatches(batch, 500).Error; err != nil {
			t.Fatalf("insert units: %v", err)
		}
		for _, u := range batch {
			tree[u.Code] = u
		}
	}
	city := models.Unit{Code: hanoi.Code, Name: hanoi.Name, Kind: models.UnitCity, TypeLabel: hanoi.Type,
		AreaCode: hanoi.Code, Path: models.UnitPath("", hanoi.Code)}
	insert([]models.Unit{city})
	city = tree[hanoi.Code]

	var districts []models.Unit
	for _, d := range hanoi.Districts {
		districts = append(districts, models.Unit{Code: d.Code, Name: d.Name, Kind: models.UnitDistrict,
			TypeLabel: d.Type, ParentID: &city.ID, AreaCode: d.Code, Path: models.UnitPath(city.Path, d.Code)})
	}
	for _, dep := range adminunits.HanoiDepartments() {
		districts = append(districts, models.Unit{Code: dep.Code, Name: dep.Name, ShortName: dep.Short,
			Kind: models.UnitDepartment, TypeLabel: "Sở", ParentID: &city.ID, AreaCode: city.Code,
			Path: models.UnitPath(city.Path, dep.Code)})
	}
	insert(districts)

	var wards []models.Unit
	for _, d := range hanoi.Districts {
		parent := tree[d.Code]
		for _, w := range d.Wards {
			wards = append(wards, models.Unit{Code: w.Code, Name: w.Name, Kind: models.UnitCommune,
				TypeLabel: w.Type, ParentID: &parent.ID, AreaCode: d.Code, Path: models.UnitPath(parent.Path, w.Code)})
		}
	}
	insert(wards)
	return tree
}
