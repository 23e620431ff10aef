package holidays_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/authz"
	"khung/app/holidays"
	"khung/models"
	"khung/models/dbtest"
)

var d = models.MustParseDate

func setup(t *testing.T, defaults holidays.Defaults) (*gorm.DB, *holidays.Service, authz.Actor) {
	t.Helper()
	db := dbtest.Gorm(t)
	u := models.User{Email: "root@khung.vn", FullName: "Quản trị", Role: models.RoleAdmin, Active: true,
		UnitPosition: models.PositionOffice, Locale: "vi"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return db, holidays.New(db, defaults), authz.Actor{UserID: u.ID, Role: models.RoleAdmin}
}

func counts(t *testing.T, db *gorm.DB) [2]int64 {
	var h, a int64
	db.Table("holidays").Count(&h)
	db.Table("audit_log").Count(&a)
	return [2]int64{h, a}
}

func newYear() holidays.Input {
	return holidays.Input{Date: d("2026-01-01"), Kind: "holiday", NameVI: "Tết Dương lịch", NameEN: "New Year's Day",
		LegalBasis: "Bộ luật Lao động 2019, Điều 112"}
}

func TestTheYearViewCountsWorkingDays(t *testing.T) {
	db, svc, admin := setup(t, nil)
	ctx := context.Background()
	for _, in := range []holidays.Input{
		newYear(),
		{Date: d("2026-04-30"), Kind: "holiday", NameVI: "Ngày Chiến thắng"},
		{Date: d("2026-01-10"), Kind: "working_saturday", NameVI: "Làm bù"},
		{Date: d("2025-12-31"), Kind: "holiday", NameVI: "Ngày của năm trước"},
	} {
		if _, err := svc.Create(ctx, admin, in); err != nil {
			t.Fatal(err)
		}
	}
	v, err := svc.Year(ctx, authz.Actor{UserID: admin.UserID, Role: models.RoleUnit, UnitPath: "/01/"}, 2026)
	if err != nil {
		t.Fatal(err)
	}
	// 2026 has 261 weekdays; two of them are holidays and one Saturday is worked.
	if v.WorkingDays != 260 || v.Holidays != 2 || v.WorkingSaturdays != 1 || len(v.Days) != 3 {
		t.Errorf("2026: %d working days, %d holidays, %d working Saturdays, %d days", v.WorkingDays, v.Holidays,
			v.WorkingSaturdays, len(v.Days))
	}
	jan := v.Months[0]
	if jan.WorkingDays != 22 || len(jan.Weeks) != 5 {
		t.Errorf("January: %d working days in %d weeks, want 22 in 5", jan.WorkingDays, len(jan.Weeks))
	}
	first := jan.Weeks[0]
	if first[0].Date != d("2025-12-29") || first[0].InMonth || first[3].Date != d("2026-01-01") || first[3].Working ||
		first[3].Holiday == nil || first[3].Holiday.NameVI != "Tết Dương lịch" || !first[4].Working {
		t.Errorf("first week of January: %+v", first)
	}
	if sat := jan.Weeks[1][5]; sat.Date != d("2026-01-10") || !sat.Working {
		t.Errorf("the compensatory Saturday: %+v", sat)
	}
	if len(v.Months) != 12 {
		t.Errorf("%d months", len(v.Months))
	}
	var n int64
	db.Table("audit_log").Where("entity = 'holidays' AND action = 'create'").Count(&n)
	if n != 4 {
		t.Errorf("%d audit entries for 4 created days", n)
	}
}

func TestBadDaysAreRefusedAndWriteNothing(t *testing.T) {
	db, svc, admin := setup(t, nil)
	ctx := context.Background()
	if _, err := svc.Create(ctx, admin, newYear()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, field, rule string
		change            func(*holidays.Input)
	}{
		{"duplicate date", "date", "unique", func(in *holidays.Input) {}},
		{"working day that is not a Saturday", "date", "saturday", func(in *holidays.Input) {
			in.Date, in.Kind = d("2026-01-07"), "working_saturday"
		}},
		{"missing date", "date", "required", func(in *holidays.Input) { in.Date = models.Date{} }},
		{"missing Vietnamese name", "name_vi", "notblank", func(in *holidays.Input) { in.Date, in.NameVI = d("2026-05-01"), " " }},
		{"unknown kind", "kind", "oneof", func(in *holidays.Input) { in.Date, in.Kind = d("2026-05-01"), "party" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := counts(t, db)
			in := newYear()
			tt.change(&in)
			_, err := svc.Create(ctx, admin, in)
			apperrtest.Render(t, err)
			ve, ok := apperr.AsValidation(err)
			if !ok {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			found := false
			for _, f := range ve.Fields {
				found = found || (f.Field == tt.field && f.Rule == tt.rule && f.VI != "" && f.EN != "")
			}
			if !found {
				t.Errorf("want %s/%s, got %+v", tt.field, tt.rule, ve.Fields)
			}
			if after := counts(t, db); after != before {
				t.Errorf("rows %v → %v", before, after)
			}
		})
	}
}

func TestEditDeleteAndLoadDefaults(t *testing.T) {
	defaults := func(year int) []holidays.Input {
		return []holidays.Input{
			{Date: models.NewDate(year, 1, 1), Kind: "holiday", NameVI: "Tết Dương lịch (mặc định)"},
			{Date: models.NewDate(year, 9, 2), Kind: "holiday", NameVI: "Quốc khánh"},
		}
	}
	db, svc, admin := setup(t, defaults)
	ctx := context.Background()
	h, err := svc.Create(ctx, admin, newYear())
	if err != nil {
		t.Fatal(err)
	}
	in := newYear()
	in.NameEN = "New Year"
	if h, err = svc.Update(ctx, admin, h.ID, in); err != nil || h.NameEN != "New Year" {
		t.Fatalf("update: %+v, %v", h, err)
	}
	added, err := svc.LoadDefaults(ctx, admin, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if added != 1 {
		t.Errorf("added %d defaults, want only 2 September (1 January exists)", added)
	}
	if again, _ := svc.LoadDefaults(ctx, admin, 2026); again != 0 {
		t.Errorf("loading the defaults twice added %d", again)
	}
	kept, _ := svc.Get(ctx, admin, h.ID)
	if kept.NameVI != "Tết Dương lịch" {
		t.Errorf("the defaults overwrote the administrator's day: %+v", kept)
	}
	if err := svc.Delete(ctx, admin, h.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Get(ctx, admin, h.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("deleted day: %v", err)
	}
	var actions []string
	db.Model(&models.AuditEntry{}).Where("entity = 'holidays'").Order("id").Pluck("action", &actions)
	if len(actions) != 4 || actions[3] != "delete" {
		t.Errorf("audit %v", actions)
	}
	planner := authz.Actor{UserID: admin.UserID, Role: models.RolePlanner}
	if err := svc.Delete(ctx, planner, 1); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a planner deleted a holiday: %v", err)
	}
}
