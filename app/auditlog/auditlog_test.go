package auditlog_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"khung/app/apperr"
	"khung/app/auditlog"
	"khung/app/authz"
	"khung/models"
	"khung/models/dbtest"
)

func TestTheLogIsFilteredByEntityUserAndDay(t *testing.T) {
	db := dbtest.Gorm(t)
	hanoi, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	var ids [2]int64
	for i, email := range []string{"a@khung.vn", "b@khung.vn"} {
		u := models.User{Email: email, FullName: email, Role: models.RoleAdmin, Active: true, UnitPosition: "office", Locale: "vi"}
		if err := db.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	// 2026-03-01 23:30 in Hà Nội is still 1 March there but 16:30 UTC.
	entries := []models.AuditEntry{
		{At: time.Date(2026, 3, 1, 23, 30, 0, 0, hanoi), UserID: &ids[0], Action: "create", Entity: "units", Before: nil, After: models.JSON(`{"name":"A"}`)},
		{At: time.Date(2026, 3, 2, 0, 30, 0, 0, hanoi), UserID: &ids[1], Action: "update", Entity: "units", Before: models.JSON(`{"name":"A"}`), After: models.JSON(`{"name":"B"}`)},
		{At: time.Date(2026, 3, 2, 9, 0, 0, 0, hanoi), UserID: &ids[0], Action: "create", Entity: "bodies"},
		{At: time.Date(2026, 3, 3, 9, 0, 0, 0, hanoi), Action: "import", Entity: "units"},
	}
	if err := db.Create(&entries).Error; err != nil {
		t.Fatal(err)
	}
	svc := auditlog.New(db, hanoi)
	admin := authz.Actor{UserID: ids[0], Role: models.RoleAdmin}
	ctx := context.Background()
	d := models.MustParseDate
	tests := []struct {
		name   string
		filter auditlog.Filter
		want   int64
	}{
		{"everything", auditlog.Filter{}, 4},
		{"one entity", auditlog.Filter{Entity: "units"}, 3},
		{"one user", auditlog.Filter{User: "a@khung.vn"}, 2},
		{"one day in Hà Nội time", auditlog.Filter{From: d("2026-03-02"), To: d("2026-03-02")}, 2},
		{"from a day on", auditlog.Filter{From: d("2026-03-02")}, 3},
		{"until a day", auditlog.Filter{To: d("2026-03-01")}, 1},
		{"entity, user and day together", auditlog.Filter{Entity: "units", User: "b@khung.vn", From: d("2026-03-02")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := svc.List(ctx, admin, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != tt.want || int64(len(res.Items)) != tt.want {
				t.Errorf("%d entries (%d listed), want %d", res.Total, len(res.Items), tt.want)
			}
		})
	}
	res, _ := svc.List(ctx, admin, auditlog.Filter{Entity: "units", User: "b@khung.vn"})
	if e := res.Items[0]; e.UserName != "b@khung.vn" || string(e.Before) != `{"name": "A"}` || string(e.After) != `{"name": "B"}` {
		t.Errorf("entry %+v before %s after %s", e, e.Before, e.After)
	}
	res, _ = svc.List(ctx, admin, auditlog.Filter{})
	if res.Items[0].Action != "import" || res.Items[3].Entity != "units" {
		t.Errorf("not newest first: %+v", res.Items)
	}
	if _, err := svc.List(ctx, admin, auditlog.Filter{From: d("2026-03-02"), To: d("2026-03-01")}); err == nil {
		t.Error("to before from was accepted")
	}
	for _, r := range []models.Role{models.RolePlanner, models.RoleApprover, models.RoleInspector, models.RoleUnit, models.RoleViewer} {
		if _, err := svc.List(ctx, authz.Actor{UserID: ids[0], Role: r}, auditlog.Filter{}); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s read the audit log: %v", r, err)
		}
	}
	ents, err := svc.Entities(ctx, admin)
	if err != nil || len(ents) != 2 {
		t.Errorf("entities %v, %v", ents, err)
	}
}
