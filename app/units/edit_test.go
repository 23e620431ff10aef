package units_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/authz"
	"khung/app/units"
	"khung/app/units/unitstest"
	"khung/models"
	"khung/models/dbtest"
)

func editSetup(t *testing.T) (*gorm.DB, *units.Service, authz.Actor, unitstest.Tree) {
	t.Helper()
	db := dbtest.Gorm(t)
	tree := unitstest.LoadHanoi(t, db)
	u := models.User{Email: "root@khung.vn", FullName: "Quản trị", Role: models.RoleAdmin, Active: true,
		UnitPosition: models.PositionOffice, Locale: "vi"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return db, units.New(db), authz.Actor{UserID: u.ID, Role: models.RoleAdmin}, tree
}

func rowCount(t *testing.T, db *gorm.DB, table string) int64 {
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAUnitIsAddedBelowItsParentAndEditedWithAudit(t *testing.T) {
	db, svc, admin, _ := editSetup(t)
	ctx := context.Background()
	n, err := svc.Create(ctx, admin, units.Input{ParentCode: "01-SNV", Code: "01-SNV-TTLT",
		Name: "Trung tâm Lưu trữ lịch sử", Kind: "public_service_unit", TypeLabel: "Trung tâm"})
	if err != nil {
		t.Fatal(err)
	}
	if n.Path != "/01/01-SNV/01-SNV-TTLT/" || n.ParentName != "Sở Nội vụ" {
		t.Errorf("created %+v", n)
	}
	res, err := svc.Search(ctx, admin, units.Query{Q: "luu tru lich su"})
	if err != nil || res.Total != 1 {
		t.Errorf("the new unit is not found without diacritics: %+v, %v", res.Items, err)
	}
	// The 1 July 2025 reform ends the districts: set Ba Đình's last day.
	end := models.MustParseDate("2025-06-30")
	baDinh, err := svc.GetByCode(ctx, admin, "001")
	if err != nil {
		t.Fatal(err)
	}
	n, err = svc.Update(ctx, admin, baDinh.ID, units.Input{Name: "Quận Ba Đình", Kind: "district", TypeLabel: "Quận",
		AreaCode: "001", ValidTo: &end, Code: "ignored", ParentCode: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	if n.ValidTo == nil || *n.ValidTo != end || n.Code != "001" || n.Path != "/01/001/" {
		t.Errorf("updated %+v", n)
	}
	var actions []string
	db.Table("audit_log").Where("entity = 'units'").Order("id").Pluck("action", &actions)
	if len(actions) != 2 || actions[0] != "create" || actions[1] != "update" {
		t.Errorf("audit %v", actions)
	}
}

func TestBadUnitsAreRefusedAndWriteNothing(t *testing.T) {
	db, svc, admin, _ := editSetup(t)
	ctx := context.Background()
	valid := func() units.Input {
		return units.Input{ParentCode: "01", Code: "01-X", Name: "Ban X", Kind: "department"}
	}
	tests := []struct {
		name, field, rule string
		change            func(*units.Input)
	}{
		{"missing name", "name", "notblank", func(in *units.Input) { in.Name = "" }},
		{"duplicate code", "code", "unique", func(in *units.Input) { in.Code = "001" }},
		{"code with spaces", "code", "format", func(in *units.Input) { in.Code = "ban x" }},
		{"unknown parent code", "parent_code", "exists", func(in *units.Input) { in.ParentCode = "99" }},
		{"unknown kind", "kind", "oneof", func(in *units.Input) { in.Kind = "village" }},
		{"valid_to before valid_from", "valid_to", "gtefield", func(in *units.Input) {
			from, to := models.MustParseDate("2025-07-01"), models.MustParseDate("2025-06-30")
			in.ValidFrom, in.ValidTo = &from, &to
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, a := rowCount(t, db, "units"), rowCount(t, db, "audit_log")
			in := valid()
			tt.change(&in)
			_, err := svc.Create(ctx, admin, in)
			apperrtest.Render(t, err)
			ve, ok := apperr.AsValidation(err)
			if !ok {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			found := false
			for _, f := range ve.Fields {
				found = found || (f.Field == tt.field && f.Rule == tt.rule && f.VI != "" && f.EN != "" && f.VI != f.EN)
			}
			if !found {
				t.Errorf("want %s/%s, got %+v", tt.field, tt.rule, ve.Fields)
			}
			if rowCount(t, db, "units") != u || rowCount(t, db, "audit_log") != a {
				t.Error("a refused unit wrote rows")
			}
		})
	}
	planner := authz.Actor{UserID: admin.UserID, Role: models.RolePlanner}
	if _, err := svc.Create(ctx, planner, valid()); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a planner created a unit: %v", err)
	}
}
