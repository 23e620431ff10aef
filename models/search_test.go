package models_test

import (
	"testing"

	"khung/models"
	"khung/models/dbtest"
)

func TestUnaccentedSearchFindsVietnameseNames(t *testing.T) {
	db := dbtest.Gorm(t)
	city := &models.Unit{Code: "01", Name: "Thành phố Hà Nội", Kind: models.UnitCity, Path: "/01/"}
	mustCreate(t, db, city)
	for _, u := range []*models.Unit{
		{Code: "001", Name: "Quận Ba Đình", Kind: models.UnitDistrict, TypeLabel: "Quận", ParentID: &city.ID, Path: "/01/001/"},
		{Code: "006", Name: "Quận Đống Đa", Kind: models.UnitDistrict, TypeLabel: "Quận", ParentID: &city.ID, Path: "/01/006/"},
		{Code: "005", Name: "Quận Cầu Giấy", Kind: models.UnitDistrict, TypeLabel: "Quận", ParentID: &city.ID, Path: "/01/005/"},
	} {
		mustCreate(t, db, u)
	}

	cases := []struct{ query, want string }{
		{"ba dinh", "Quận Ba Đình"},
		{"dong da", "Quận Đống Đa"},
		{"ĐỐNG ĐA", "Quận Đống Đa"},
		{"Cau Giay", "Quận Cầu Giấy"},
		{"quận ba đình", "Quận Ba Đình"},
		{"006", "Quận Đống Đa"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			var names []string
			err := db.Model(&models.Unit{}).
				Where(`search_text LIKE '%' || lower(khung_unaccent(?)) || '%' ESCAPE '\'`, models.SearchPattern(c.query)).
				Order("code").Pluck("name", &names).Error
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != 1 || names[0] != c.want {
				t.Fatalf("search %q found %q, want only %q", c.query, names, c.want)
			}
		})
	}
}

func TestUnaccentMapsDStrokeToD(t *testing.T) {
	db := dbtest.Gorm(t)
	var got string
	if err := db.Raw(`SELECT khung_unaccent('Đường Đê La Thành, đường Láng')`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if want := "Duong De La Thanh, duong Lang"; got != want {
		t.Fatalf("khung_unaccent = %q, want %q", got, want)
	}
}

func TestSearchPatternEscapesLikeWildcards(t *testing.T) {
	if got, want := models.SearchPattern(` 50%_off\ `), `50\%\_off\\`; got != want {
		t.Fatalf("SearchPattern = %q, want %q", got, want)
	}
}
