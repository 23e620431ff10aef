package inspectors_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/authz"
	"khung/app/inspectors"
	"khung/app/units/unitstest"
	"khung/models"
	"khung/models/dbtest"
)

type fixture struct {
	db    *gorm.DB
	svc   *inspectors.Service
	admin authz.Actor
	tree  unitstest.Tree
}

func setup(t *testing.T) fixture {
	t.Helper()
	db := dbtest.Gorm(t)
	tree := unitstest.LoadHanoi(t, db)
	u := models.User{Email: "root@khung.vn", FullName: "Quản trị", Role: models.RoleAdmin, Active: true,
		UnitPosition: models.PositionOffice, Locale: "vi"}
	dbtest.MustExec(t, db, `INSERT INTO bodies (code, name, kind, precedence) VALUES
		('DKTCV', 'Đoàn kiểm tra công vụ Thành phố', 'city_team', 1), ('TTS', 'Thanh tra Sở Nội vụ', 'inspectorate', 2)`)
	dbtest.MustExec(t, db, `INSERT INTO skills (code, name_vi, name_en, valid_from) VALUES
		('cong_vu', 'Công vụ', 'Public service', '2025-01-01'), ('tai_chinh', 'Tài chính', 'Finance', '2025-01-01')`)
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return fixture{db: db, svc: inspectors.New(db), admin: authz.Actor{UserID: u.ID, Role: models.RoleAdmin}, tree: tree}
}

func full() inspectors.Input {
	d := models.MustParseDate
	from, to := d("2019-01-01"), d("2022-06-30")
	return inspectors.Input{
		Code: "TTV-001", FullName: "Phạm Minh Tuấn", Email: "tuan.pm@sonoivu.hanoi.gov.vn", Title: "Thanh tra viên chính",
		BodyCode: "DKTCV", HomeUnitCode: "01-SNV", CanLead: true, MaxDaysPerYear: 60,
		FormerUnits: []inspectors.FormerUnitInput{{UnitCode: "006", From: &from, To: &to}},
		Relatives:   []inspectors.RelativeInput{{UnitCode: "00001", Relation: "spouse", Post: "accounting", Note: "kế toán trưởng"}},
		Skills:      []string{"tai_chinh", "cong_vu", "cong_vu"},
		Leaves:      []inspectors.LeaveInput{{From: d("2026-07-06"), To: d("2026-07-10"), Reason: "nghỉ phép"}},
	}
}

// rows counts what an inspector write may touch.
func rows(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"inspectors", "inspector_former_units", "inspector_relatives", "inspector_skills",
		"inspector_leaves", "audit_log"} {
		var n int64
		if err := db.Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestAFullProfileIsStoredAndAudited(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	p, err := f.svc.Create(ctx, f.admin, full())
	if err != nil {
		t.Fatal(err)
	}
	if p.BodyName != "Đoàn kiểm tra công vụ Thành phố" || p.HomeUnitName != "Sở Nội vụ" || !p.CanLead ||
		p.MaxDaysPerYear != 60 || !p.Active || *p.Email != "tuan.pm@sonoivu.hanoi.gov.vn" {
		t.Errorf("profile %+v", p.Row)
	}
	if len(p.FormerUnits) != 1 || p.FormerUnits[0].UnitName != "Quận Đống Đa" || p.FormerUnits[0].ToDate.String() != "2022-06-30" {
		t.Errorf("former units %+v", p.FormerUnits)
	}
	if len(p.Relatives) != 1 || p.Relatives[0].UnitName != "Phường Phúc Xá" || p.Relatives[0].Relation != models.RelationSpouse ||
		p.Relatives[0].Post != models.PostAccounting {
		t.Errorf("relatives %+v", p.Relatives)
	}
	if len(p.Skills) != 2 || p.Skills[0].Code != "cong_vu" || p.Skills[1].NameVI != "Tài chính" {
		t.Errorf("skills %+v", p.Skills)
	}
	if len(p.Leaves) != 1 || p.Leaves[0].FromDate.String() != "2026-07-06" {
		t.Errorf("leaves %+v", p.Leaves)
	}
	var e models.AuditEntry
	if err := f.db.Where("entity = 'inspectors' AND entity_id = ? AND action = 'create'", p.ID).Take(&e).Error; err != nil {
		t.Fatalf("no audit entry: %v", err)
	}

	// An update replaces the lists.
	in := full()
	in.FormerUnits, in.Relatives, in.Skills = nil, nil, []string{"cong_vu"}
	in.Leaves = append(in.Leaves, inspectors.LeaveInput{From: models.MustParseDate("2026-12-28"), To: models.MustParseDate("2026-12-31")})
	p, err = f.svc.Update(ctx, f.admin, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.FormerUnits) != 0 || len(p.Relatives) != 0 || len(p.Skills) != 1 || len(p.Leaves) != 2 {
		t.Errorf("after update: %+v", p)
	}
	got := rows(t, f.db)
	if got["inspector_relatives"] != 0 || got["inspector_leaves"] != 2 || got["audit_log"] != 2 {
		t.Errorf("rows after update: %v", got)
	}
}

func TestBadProfilesAreRefusedFieldByFieldAndWriteNothing(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := f.svc.Create(ctx, f.admin, full()); err != nil {
		t.Fatal(err)
	}
	d := models.MustParseDate
	tests := []struct {
		name, field, rule string
		change            func(*inspectors.Input)
	}{
		{"duplicate code", "code", "unique", func(in *inspectors.Input) {}},
		{"missing name", "full_name", "notblank", func(in *inspectors.Input) { in.FullName = "" }},
		{"bad email", "email", "email", func(in *inspectors.Input) { in.Email = "tuan@" }},
		{"unknown body", "body_code", "exists", func(in *inspectors.Input) { in.BodyCode = "NOPE" }},
		{"unknown home unit code", "home_unit_code", "exists", func(in *inspectors.Input) { in.HomeUnitCode = "01-XYZ" }},
		{"unknown former unit code", "former_units[0].unit_code", "exists", func(in *inspectors.Input) { in.FormerUnits[0].UnitCode = "77777" }},
		{"former period ends before it starts", "former_units[0].to", "gtefield", func(in *inspectors.Input) {
			to := d("2018-12-31")
			in.FormerUnits[0].To = &to
		}},
		{"unknown relation", "relatives[0].relation", "oneof", func(in *inspectors.Input) { in.Relatives[0].Relation = "cousin" }},
		{"unknown relative unit", "relatives[0].unit_code", "exists", func(in *inspectors.Input) { in.Relatives[0].UnitCode = "nope" }},
		{"unknown skill", "skills[1]", "exists", func(in *inspectors.Input) { in.Skills[1] = "bay_luon" }},
		{"leave ends before it starts", "leaves[0].to", "gtefield", func(in *inspectors.Input) { in.Leaves[0].To = d("2026-07-05") }},
		{"leave without dates", "leaves[0].from", "required", func(in *inspectors.Input) { in.Leaves[0] = inspectors.LeaveInput{} }},
		{"negative yearly cap", "max_days_per_year", "min", func(in *inspectors.Input) { in.MaxDaysPerYear = -5 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := rows(t, f.db)
			in := full()
			if tt.name != "duplicate code" {
				in.Code = "TTV-002"
			}
			tt.change(&in)
			_, err := f.svc.Create(ctx, f.admin, in)
			apperrtest.Render(t, err)
			ve, ok := apperr.AsValidation(err)
			if !ok {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			found := false
			for _, fe := range ve.Fields {
				if fe.Field == tt.field {
					found = fe.Rule == tt.rule && fe.VI != "" && fe.EN != "" && fe.VI != fe.EN
				}
			}
			if !found {
				t.Errorf("want %s/%s with vi and en messages; got %+v", tt.field, tt.rule, ve.Fields)
			}
			after := rows(t, f.db)
			for table, n := range before {
				if after[table] != n {
					t.Errorf("%s: %d → %d rows", table, n, after[table])
				}
			}
		})
	}
}

func TestAUnitUserSeesOnlyInspectorsOfItsSubtree(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	in := full()
	in.HomeUnitCode = "00004" // Phường Trúc Bạch, in Ba Đình
	mine, err := f.svc.Create(ctx, f.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	in = full()
	in.Code = "TTV-002"
	other, err := f.svc.Create(ctx, f.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	baDinh := authz.Actor{UserID: f.admin.UserID, Role: models.RoleUnit, UnitID: f.tree.ID(t, "001"), UnitPath: "/01/001/"}
	res, err := f.svc.List(ctx, baDinh, inspectors.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Items[0].ID != mine.ID {
		t.Errorf("a Ba Đình user listed %+v", res.Items)
	}
	if _, err := f.svc.Get(ctx, baDinh, other.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a Ba Đình user read an inspector of Sở Nội vụ: %v", err)
	}
	res, err = f.svc.List(ctx, f.admin, inspectors.Filter{Q: "pham minh tuan", Skill: "tai_chinh", CanLead: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Errorf("the admin's search found %d, want 2", res.Total)
	}
	viewer := authz.Actor{UserID: f.admin.UserID, Role: models.RoleViewer}
	if _, err := f.svc.List(ctx, viewer, inspectors.Filter{}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a viewer listed inspectors: %v", err)
	}
}
