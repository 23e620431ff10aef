package users_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/auth"
	"khung/app/authz"
	"khung/app/paging"
	"khung/app/units/unitstest"
	"khung/app/users"
	"khung/models"
	"khung/models/dbtest"
)

var now = time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)

type fixture struct {
	db    *gorm.DB
	svc   *users.Service
	admin authz.Actor
	tree  unitstest.Tree
}

func setup(t *testing.T) fixture {
	t.Helper()
	db := dbtest.Gorm(t)
	tree := unitstest.LoadHanoi(t, db)
	a := models.User{Email: "root@khung.vn", FullName: "Quản trị", Role: models.RoleAdmin, Active: true,
		UnitPosition: models.PositionOffice, Locale: "vi"}
	if err := db.Create(&a).Error; err != nil {
		t.Fatal(err)
	}
	// A fixed byte stream makes generated passwords repeatable.
	random := bytes.NewReader(bytes.Repeat([]byte("0123456789abcdefghij"), 50))
	return fixture{db: db, svc: users.New(db, random), admin: authz.Actor{UserID: a.ID, Role: models.RoleAdmin}, tree: tree}
}

func count(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func valid() users.Input {
	return users.Input{Email: "lan.nguyen@hanoi.gov.vn", FullName: "Nguyễn Thị Lan", Role: "unit",
		UnitCode: "001", UnitPosition: "head", Password: "mat-khau-dai-du"}
}

func TestCreateWritesTheUserAndAnAuditEntry(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	row, err := f.svc.Create(ctx, f.admin, valid(), now)
	if err != nil {
		t.Fatal(err)
	}
	if row.UnitCode != "001" || row.UnitName != "Quận Ba Đình" || row.Role != models.RoleUnit || !row.Active ||
		row.UnitPosition != models.PositionHead || row.Locale != "vi" {
		t.Errorf("created %+v", row)
	}
	var stored models.User
	if err := f.db.First(&stored, row.ID).Error; err != nil {
		t.Fatal(err)
	}
	if !auth.CheckPassword(stored.PasswordHash, "mat-khau-dai-du") {
		t.Error("the password was not stored as its hash")
	}
	var e models.AuditEntry
	if err := f.db.Where("entity = 'users' AND entity_id = ? AND action = 'create'", row.ID).Take(&e).Error; err != nil {
		t.Fatalf("no audit entry: %v", err)
	}
	if *e.UserID != f.admin.UserID || !strings.Contains(string(e.After), "lan.nguyen@hanoi.gov.vn") || len(e.Before) != 0 {
		t.Errorf("audit entry %+v / after %s", e, e.After)
	}
	if strings.Contains(string(e.After), stored.PasswordHash) || strings.Contains(string(e.After), "password_hash") {
		t.Error("the audit entry holds the password hash")
	}
}

func TestBadInputIsRefusedFieldByFieldAndWritesNothing(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := f.svc.Create(ctx, f.admin, users.Input{Email: "taken@khung.vn", FullName: "Đã có", Role: "viewer",
		Password: "mat-khau-dai-du"}, now); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(*users.Input)
		field  string
		rule   string
	}{
		{"missing name", func(in *users.Input) { in.FullName = "  " }, "full_name", "notblank"},
		{"bad email", func(in *users.Input) { in.Email = "lan.nguyen" }, "email", "email"},
		{"email already taken, whatever its case", func(in *users.Input) { in.Email = "TAKEN@khung.vn" }, "email", "unique"},
		{"unknown unit code", func(in *users.Input) { in.UnitCode = "99999" }, "unit_code", "exists"},
		{"a unit user needs a unit", func(in *users.Input) { in.UnitCode = "" }, "unit_code", "required_if"},
		{"unknown role", func(in *users.Input) { in.Role = "boss" }, "role", "oneof"},
		{"short password", func(in *users.Input) { in.Password = "ngắn" }, "password", "min"},
		{"missing password", func(in *users.Input) { in.Password = "" }, "password", "required"},
		{"unknown inspector profile", func(in *users.Input) { in.InspectorCode = "TTV-999" }, "inspector_code", "exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			usersBefore, auditBefore := count(t, f.db, "users"), count(t, f.db, "audit_log")
			in := valid()
			tt.change(&in)
			_, err := f.svc.Create(ctx, f.admin, in, now)
			apperrtest.Render(t, err)
			ve, ok := apperr.AsValidation(err)
			if !ok {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			var found bool
			for _, fe := range ve.Fields {
				if fe.Field == tt.field && fe.Rule == tt.rule {
					found = true
					if fe.VI == "" || fe.EN == "" || fe.VI == fe.EN {
						t.Errorf("%s needs distinct Vietnamese and English messages: %+v", tt.field, fe)
					}
				}
			}
			if !found {
				t.Errorf("want %s/%s among %+v", tt.field, tt.rule, ve.Fields)
			}
			if u, a := count(t, f.db, "users"), count(t, f.db, "audit_log"); u != usersBefore || a != auditBefore {
				t.Errorf("a refused create wrote rows: users %d→%d, audit %d→%d", usersBefore, u, auditBefore, a)
			}
		})
	}
}

func TestOnlyTheAdministratorManagesUsers(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for _, r := range []models.Role{models.RolePlanner, models.RoleApprover, models.RoleInspector, models.RoleUnit, models.RoleViewer} {
		a := authz.Actor{UserID: f.admin.UserID, Role: r, UnitID: f.tree.ID(t, "001"), UnitPath: "/01/001/"}
		if _, err := f.svc.Create(ctx, a, valid(), now); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s created a user: %v", r, err)
		}
		if _, err := f.svc.List(ctx, a, users.Filter{}); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s listed users: %v", r, err)
		}
	}
	if n := count(t, f.db, "users"); n != 1 {
		t.Errorf("%d users, want only the admin", n)
	}
}

func TestUpdateRecordsBeforeAndAfter(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	row, err := f.svc.Create(ctx, f.admin, valid(), now)
	if err != nil {
		t.Fatal(err)
	}
	in := valid()
	in.FullName, in.UnitCode, in.Password = "Nguyễn Thị Lan Anh", "00001", ""
	got, err := f.svc.Update(ctx, f.admin, row.ID, in, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.FullName != "Nguyễn Thị Lan Anh" || got.UnitCode != "00001" {
		t.Errorf("updated %+v", got)
	}
	var stored models.User
	f.db.First(&stored, row.ID)
	if !auth.CheckPassword(stored.PasswordHash, "mat-khau-dai-du") {
		t.Error("an empty password on update changed the password")
	}
	var e models.AuditEntry
	if err := f.db.Where("entity = 'users' AND entity_id = ? AND action = 'update'", row.ID).Take(&e).Error; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(e.Before), `"unit_code": "001"`) || !strings.Contains(string(e.After), `"unit_code": "00001"`) {
		t.Errorf("before %s / after %s", e.Before, e.After)
	}

	in.Email = "root@khung.vn"
	auditBefore := count(t, f.db, "audit_log")
	if _, err := f.svc.Update(ctx, f.admin, row.ID, in, now); err == nil {
		t.Fatal("took another user's e-mail")
	}
	if count(t, f.db, "audit_log") != auditBefore {
		t.Error("a refused update wrote an audit entry")
	}
	if _, err := f.svc.Update(ctx, f.admin, 999999, valid(), now); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("updating a missing user: %v", err)
	}
}

func TestDeactivatingEndsSessionsAndKeepsAnAdministrator(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	row, err := f.svc.Create(ctx, f.admin, valid(), now)
	if err != nil {
		t.Fatal(err)
	}
	sess := models.Session{ID: strings.Repeat("a", 64), UserID: row.ID, CSRFToken: "x", CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(time.Hour)}
	if err := f.db.Create(&sess).Error; err != nil {
		t.Fatal(err)
	}
	tok := models.APIToken{UserID: row.ID, Name: "script", TokenHash: "h1"}
	if err := f.db.Create(&tok).Error; err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.SetActive(ctx, f.admin, row.ID, false, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Active {
		t.Error("still active")
	}
	if n := count(t, f.db, "sessions"); n != 0 {
		t.Errorf("%d sessions left", n)
	}
	f.db.First(&tok, tok.ID)
	if tok.RevokedAt == nil {
		t.Error("the API token was not revoked")
	}
	if _, err := f.svc.SetActive(ctx, f.admin, row.ID, true, now); err != nil {
		t.Fatal(err)
	}
	var actions []string
	f.db.Model(&models.AuditEntry{}).Where("entity_id = ?", row.ID).Order("id").Pluck("action", &actions)
	if strings.Join(actions, ",") != "create,deactivate,activate" {
		t.Errorf("audit actions = %v", actions)
	}

	// The administrator cannot lock themselves out.
	if _, err := f.svc.SetActive(ctx, f.admin, f.admin.UserID, false, now); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("self-deactivation: %v", err)
	}
	// Another administrator cannot remove the last active one either.
	other, err := f.svc.Create(ctx, f.admin, users.Input{Email: "admin2@khung.vn", FullName: "Quản trị 2", Role: "admin",
		Password: "mat-khau-dai-du"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetActive(ctx, f.admin, other.ID, false, now); err != nil {
		t.Fatalf("deactivating a second admin: %v", err)
	}
	otherActor := authz.Actor{UserID: other.ID, Role: models.RoleAdmin}
	if _, err := f.svc.SetActive(ctx, otherActor, f.admin.UserID, false, now); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("the last active admin was deactivated: %v", err)
	}
}

func TestResetPasswordGivesAWorkingPasswordOnceAndEndsTheOldCredentials(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	row, err := f.svc.Create(ctx, f.admin, valid(), now)
	if err != nil {
		t.Fatal(err)
	}
	feed := models.CalendarFeedToken{UserID: row.ID, TokenHash: "feed-of-the-user", CreatedAt: now}
	if err := f.db.Create(&feed).Error; err != nil {
		t.Fatal(err)
	}
	pw, err := f.svc.ResetPassword(ctx, f.admin, row.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.First(&feed, feed.ID).Error; err != nil || feed.RevokedAt == nil {
		t.Errorf("the user's calendar feed is still alive after the reset (err %v)", err)
	}
	if len(pw) != 16 {
		t.Errorf("password %q", pw)
	}
	var stored models.User
	f.db.First(&stored, row.ID)
	if !auth.CheckPassword(stored.PasswordHash, pw) || auth.CheckPassword(stored.PasswordHash, "mat-khau-dai-du") {
		t.Error("the new password does not replace the old one")
	}
	var e models.AuditEntry
	if err := f.db.Where("action = 'reset_password' AND entity_id = ?", row.ID).Take(&e).Error; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(e.After), pw) {
		t.Error("the audit log holds the password")
	}
}

func TestListFindsUsersWithoutDiacritics(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for _, in := range []users.Input{
		{Email: "lan@khung.vn", FullName: "Nguyễn Thị Lan", Role: "planner", Password: "mat-khau-dai-du"},
		{Email: "duc@khung.vn", FullName: "Trần Đức Anh", Role: "viewer", Password: "mat-khau-dai-du"},
	} {
		if _, err := f.svc.Create(ctx, f.admin, in, now); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.svc.List(ctx, f.admin, users.Filter{Q: "tran duc"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Items[0].Email != "duc@khung.vn" {
		t.Errorf("'tran duc' → %+v", res.Items)
	}
	res, err = f.svc.List(ctx, f.admin, users.Filter{Role: models.RolePlanner, Page: paging.Page{Size: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Items[0].FullName != "Nguyễn Thị Lan" {
		t.Errorf("planners → %+v", res.Items)
	}
}
