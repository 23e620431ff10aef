package units_test

import (
	"context"
	"errors"
	"testing"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/paging"
	"khung/app/units"
	"khung/app/units/unitstest"
	"khung/models"
	"khung/models/dbtest"
)

var admin = authz.Actor{UserID: 1, Role: models.RoleAdmin}

// unitUser is a unit user of the unit with code in tree.
func unitUser(t *testing.T, tree unitstest.Tree, code string) authz.Actor {
	u := tree[code]
	if u.ID == 0 {
		t.Fatalf("no unit %s", code)
	}
	return authz.Actor{UserID: 2, Role: models.RoleUnit, UnitID: u.ID, UnitPath: u.Path}
}

func names(nodes []units.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Name
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSearchIgnoresDiacriticsAndCase(t *testing.T) {
	db := dbtest.Gorm(t)
	unitstest.LoadHanoi(t, db)
	svc := units.New(db)
	ctx := context.Background()

	tests := []struct {
		q, first string
	}{
		{"ba dinh", "Quận Ba Đình"},
		{"Ba Đình", "Quận Ba Đình"},
		{"BA ĐÌNH", "Quận Ba Đình"},
		{"  ba   dinh ", "Quận Ba Đình"},
		{"phuc xa", "Phường Phúc Xá"},
		{"Phúc Xá", "Phường Phúc Xá"},
		{"dong da", "Quận Đống Đa"},
		{"van mieu quoc tu giam", "Phường Văn Miếu - Quốc Tử Giám"},
		{"00001", "Phường Phúc Xá"},
		{"noi vu", "Sở Nội vụ"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := svc.Search(ctx, admin, units.Query{Q: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) == 0 {
				t.Fatalf("%q found nothing", tt.q)
			}
			if got := res.Items[0].Name; got != tt.first {
				t.Errorf("%q: first hit %q, want %q (all: %v)", tt.q, got, tt.first, names(res.Items))
			}
			if res.Total != int64(len(res.Items)) {
				t.Errorf("total %d but %d items on the only page", res.Total, len(res.Items))
			}
		})
	}
}

func TestSearchNeedsEveryWordAndTreatsWildcardsLiterally(t *testing.T) {
	db := dbtest.Gorm(t)
	unitstest.LoadHanoi(t, db)
	svc := units.New(db)
	ctx := context.Background()

	res, err := svc.Search(ctx, admin, units.Query{Q: "ba dinh"})
	if err != nil {
		t.Fatal(err)
	}
	if contains(names(res.Items), "Huyện Ba Vì") {
		t.Errorf("'ba dinh' found Huyện Ba Vì: %v", names(res.Items))
	}
	for _, q := range []string{"%", "_", `\`, "zzzz"} {
		res, err := svc.Search(ctx, admin, units.Query{Q: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if res.Total != 0 {
			t.Errorf("%q matched %d units, want none", q, res.Total)
		}
	}
}

func TestSearchPaginatesAndFiltersByKind(t *testing.T) {
	db := dbtest.Gorm(t)
	unitstest.LoadHanoi(t, db)
	svc := units.New(db)
	ctx := context.Background()

	all, err := svc.Search(ctx, admin, units.Query{Q: "phuc", Kind: models.UnitCommune, Page: paging.Page{Size: 200}})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total < 10 {
		t.Fatalf("want at least 10 communes and wards named Phúc, got %d", all.Total)
	}
	for _, n := range all.Items {
		if n.Kind != models.UnitCommune {
			t.Errorf("kind filter let %s (%s) through", n.Name, n.Kind)
		}
	}
	seen := map[int64]bool{}
	for page := 1; page <= 4; page++ {
		res, err := svc.Search(ctx, admin, units.Query{Q: "phuc", Kind: models.UnitCommune, Page: paging.Page{Number: page, Size: 3}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != all.Total || len(res.Items) != 3 {
			t.Fatalf("page %d: %d items of %d, want 3 of %d", page, len(res.Items), res.Total, all.Total)
		}
		for _, n := range res.Items {
			if seen[n.ID] {
				t.Errorf("page %d repeats %s", page, n.Name)
			}
			seen[n.ID] = true
		}
	}
}

func TestAUnitUserSearchesOnlyItsSubtree(t *testing.T) {
	db := dbtest.Gorm(t)
	tree := unitstest.LoadHanoi(t, db)
	svc := units.New(db)
	ctx := context.Background()
	baDinh := unitUser(t, tree, "001")

	res, err := svc.Search(ctx, baDinh, units.Query{Q: "phuc"})
	if err != nil {
		t.Fatal(err)
	}
	got := names(res.Items)
	if !contains(got, "Phường Phúc Xá") || !contains(got, "Phường Vĩnh Phúc") {
		t.Errorf("Ba Đình's own wards are missing: %v", got)
	}
	if contains(got, "Phường Phúc Tân") {
		t.Errorf("a Ba Đình user found a ward of Hoàn Kiếm: %v", got)
	}
	if res.Total != 2 {
		t.Errorf("want exactly the 2 wards of Ba Đình named Phúc, got %d: %v", res.Total, got)
	}
	if _, err := svc.Get(ctx, baDinh, tree.ID(t, "002")); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a Ba Đình user read Hoàn Kiếm: err = %v", err)
	}
	if _, err := svc.Children(ctx, baDinh, tree.ID(t, "01"), paging.Page{}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a Ba Đình user listed the city's children: err = %v", err)
	}
	roots, err := svc.Roots(ctx, baDinh)
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) != 1 || roots[0].Code != "001" {
		t.Errorf("a Ba Đình user's tree must start at Ba Đình, got %v", names(roots))
	}
}

func TestTreeCountsChildrenAndDescendants(t *testing.T) {
	db := dbtest.Gorm(t)
	tree := unitstest.LoadHanoi(t, db)
	svc := units.New(db)
	ctx := context.Background()
	departments := int64(21)

	roots, err := svc.Roots(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) != 1 || roots[0].Name != "Thành phố Hà Nội" {
		t.Fatalf("roots = %v, want only Hà Nội", names(roots))
	}
	if roots[0].ChildCount != 30+departments || roots[0].DescendantCount != 30+departments+526 {
		t.Errorf("Hà Nội: %d children, %d below; want %d and %d", roots[0].ChildCount, roots[0].DescendantCount,
			30+departments, 30+departments+526)
	}

	kids, err := svc.Children(ctx, admin, roots[0].ID, paging.Page{Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	if kids.Total != 30+departments || len(kids.Items) != int(kids.Total) {
		t.Fatalf("children of Hà Nội: %d of %d", len(kids.Items), kids.Total)
	}
	var baDinh units.Node
	for _, k := range kids.Items {
		if k.Code == "001" {
			baDinh = k
		}
	}
	if baDinh.ChildCount != 13 || baDinh.DescendantCount != 13 || baDinh.ParentName != "Thành phố Hà Nội" {
		t.Errorf("Ba Đình: %+v; want 13 wards below it and the city as parent", baDinh)
	}

	counts, err := svc.CountsBelow(ctx, admin, roots[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[models.UnitKind]int64{models.UnitCommune: 526, models.UnitDepartment: departments, models.UnitDistrict: 30}
	if len(counts) != len(want) {
		t.Errorf("counts by kind = %+v, want %v", counts, want)
	}
	for _, c := range counts {
		if want[c.Kind] != c.Count {
			t.Errorf("%s: %d below Hà Nội, want %d", c.Kind, c.Count, want[c.Kind])
		}
	}

	crumbs, err := svc.Breadcrumbs(ctx, admin, tree.ID(t, "00001"))
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, c := range crumbs {
		trail = append(trail, c.Name)
	}
	if len(trail) != 3 || trail[0] != "Thành phố Hà Nội" || trail[1] != "Quận Ba Đình" || trail[2] != "Phường Phúc Xá" {
		t.Errorf("breadcrumbs = %v", trail)
	}
	crumbs, err = svc.Breadcrumbs(ctx, unitUser(t, tree, "001"), tree.ID(t, "00001"))
	if err != nil {
		t.Fatal(err)
	}
	if len(crumbs) != 2 || crumbs[0].Code != "001" {
		t.Errorf("a Ba Đình user's breadcrumbs must start at Ba Đình, got %+v", crumbs)
	}
}

func TestNobodyReadsNothing(t *testing.T) {
	db := dbtest.Gorm(t)
	unitstest.LoadHanoi(t, db)
	res, err := units.New(db).Search(context.Background(), authz.Actor{}, units.Query{Q: "ba dinh"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("an anonymous actor found %d units", res.Total)
	}
}
