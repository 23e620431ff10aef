package bodies_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/authz"
	"khung/app/bodies"
	"khung/app/units/unitstest"
	"khung/models"
	"khung/models/dbtest"
)

func setup(t *testing.T) (*gorm.DB, *bodies.Service, authz.Actor) {
	t.Helper()
	db := dbtest.Gorm(t)
	unitstest.LoadHanoi(t, db)
	u := models.User{Email: "root@khung.vn", FullName: "Quản trị", Role: models.RoleAdmin, Active: true,
		UnitPosition: models.PositionOffice, Locale: "vi"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return db, bodies.New(db), authz.Actor{UserID: u.ID, Role: models.RoleAdmin}
}

func counts(t *testing.T, db *gorm.DB) [2]int64 {
	t.Helper()
	var b, a int64
	db.Table("bodies").Count(&b)
	db.Table("audit_log").Count(&a)
	return [2]int64{b, a}
}

func cityTeam() bodies.Input {
	return bodies.Input{Code: "DKTCV", Name: "Đoàn kiểm tra công vụ Thành phố", Kind: "city_team", Precedence: 1,
		UnitCode: "01-SNV"}
}

func TestCreateUpdateDeleteAreAudited(t *testing.T) {
	db, svc, admin := setup(t)
	ctx := context.Background()
	b, err := svc.Create(ctx, admin, cityTeam())
	if err != nil {
		t.Fatal(err)
	}
	if b.UnitName != "Sở Nội vụ" || !b.Active || b.Precedence != 1 {
		t.Errorf("created %+v", b)
	}
	in := cityTeam()
	off := false
	in.ShortName, in.Active = "Đoàn KTCV", &off
	b, err = svc.Update(ctx, admin, b.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if b.ShortName != "Đoàn KTCV" || b.Active {
		t.Errorf("updated %+v", b)
	}
	list, err := svc.List(ctx, admin, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Errorf("an inactive body is listed: %+v", list)
	}
	if err := svc.Delete(ctx, admin, b.ID); err != nil {
		t.Fatal(err)
	}
	var actions []string
	db.Model(&models.AuditEntry{}).Where("entity = 'bodies' AND entity_id = ?", b.ID).Order("id").Pluck("action", &actions)
	if len(actions) != 3 || actions[0] != "create" || actions[1] != "update" || actions[2] != "delete" {
		t.Errorf("audit = %v", actions)
	}
}

func TestBadBodiesAreRefusedAndWriteNothing(t *testing.T) {
	db, svc, admin := setup(t)
	ctx := context.Background()
	if _, err := svc.Create(ctx, admin, cityTeam()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, field, rule string
		change            func(*bodies.Input)
	}{
		{"missing name", "name", "notblank", func(in *bodies.Input) { in.Name = "" }},
		{"duplicate code", "code", "unique", func(in *bodies.Input) {}},
		{"unknown unit code", "unit_code", "exists", func(in *bodies.Input) { in.Code, in.UnitCode = "X", "01-XYZ" }},
		{"unknown kind", "kind", "oneof", func(in *bodies.Input) { in.Code, in.Kind = "X", "police" }},
		{"negative precedence", "precedence", "min", func(in *bodies.Input) { in.Code, in.Precedence = "X", -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := counts(t, db)
			in := cityTeam()
			tt.change(&in)
			_, err := svc.Create(ctx, admin, in)
			apperrtest.Render(t, err)
			ve, ok := apperr.AsValidation(err)
			if !ok || !ve.Has(tt.field) {
				t.Fatalf("got %v, want a problem with %s", err, tt.field)
			}
			for _, f := range ve.Fields {
				if f.Field == tt.field && (f.Rule != tt.rule || f.VI == "" || f.EN == "") {
					t.Errorf("%+v, want rule %s with vi and en", f, tt.rule)
				}
			}
			if after := counts(t, db); after != before {
				t.Errorf("rows %v → %v", before, after)
			}
		})
	}
}

func TestABodyWithInspectorsIsNotDeleted(t *testing.T) {
	db, svc, admin := setup(t)
	ctx := context.Background()
	b, err := svc.Create(ctx, admin, cityTeam())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&models.Inspector{Code: "TTV-1", FullName: "Lê Văn Hùng", BodyID: b.ID, Active: true}).Error; err != nil {
		t.Fatal(err)
	}
	before := counts(t, db)
	err = svc.Delete(ctx, admin, b.ID)
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("got %v, want a conflict", err)
	}
	var e *apperr.Error
	apperrtest.Render(t, err)
	if !errors.As(err, &e) || e.VI == "" || e.EN == "" {
		t.Errorf("the conflict needs a message in both languages: %v", err)
	}
	if after := counts(t, db); after != before {
		t.Errorf("rows %v → %v", before, after)
	}
	if _, err := svc.Create(ctx, authz.Actor{UserID: admin.UserID, Role: models.RolePlanner}, bodies.Input{Code: "Y",
		Name: "Y", Kind: "division"}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a planner created a body: %v", err)
	}
}

func TestPickersOfferOnlyTheBodiesInForceOnTheDay(t *testing.T) {
	db, svc, admin := setup(t)
	ctx := context.Background()
	last := models.NewDate(2025, 6, 30)
	first := models.NewDate(2025, 7, 1)
	inspectorate := bodies.Input{Code: "tt-snv", Name: "Thanh tra Sở Nội vụ", Kind: "inspectorate", UnitCode: "01-SNV", Precedence: 2,
		ValidTo: &last, LegalBasis: "Luật Thanh tra số 11/2022/QH15; chấm dứt ngày 30/06/2025"}
	commune := bodies.Input{Code: "ubnd-x", Name: "UBND Phường X", Kind: "commune", Precedence: 30, ValidFrom: &first}
	for _, in := range []bodies.Input{cityTeam(), inspectorate, commune} {
		if _, err := svc.Create(ctx, admin, in); err != nil {
			t.Fatalf("%s: %v", in.Code, err)
		}
	}
	for _, c := range []struct {
		on   models.Date
		want []string
	}{
		{last, []string{"DKTCV", "tt-snv"}},
		{first, []string{"DKTCV", "ubnd-x"}},
	} {
		rows, err := svc.InForce(ctx, admin, c.on)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.Code)
		}
		if len(got) != len(c.want) || got[0] != c.want[0] || got[1] != c.want[1] {
			t.Errorf("in force on %s: %v, want %v", c.on, got, c.want)
		}
	}

	before := counts(t, db)
	bad := commune
	bad.Code, bad.ValidTo = "ubnd-y", &last
	_, err := svc.Create(ctx, admin, bad)
	fields := apperrtest.Fields(t, err)
	if len(fields) != 1 || fields[0].Field != "valid_to" {
		t.Errorf("a body ending before it begins: %v, want an error on valid_to", fields)
	}
	if after := counts(t, db); after != before {
		t.Errorf("a body ending before it begins changed the database: %v → %v", before, after)
	}
}
