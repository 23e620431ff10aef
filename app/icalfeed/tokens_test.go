package icalfeed_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/icalfeed"
	"khung/models"
	"khung/models/dbtest"
)

// user inserts an active user of role, in unit when unitID is not zero.
func user(t *testing.T, db *gorm.DB, email string, role models.Role, unitID, inspectorID int64) models.User {
	t.Helper()
	u := models.User{Email: email, FullName: "Văn phòng UBND Phường Phúc Xá", PasswordHash: "x", Role: role,
		Locale: "vi", Active: true}
	if unitID != 0 {
		u.UnitID = &unitID
	}
	if inspectorID != 0 {
		u.InspectorID = &inspectorID
	}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAFeedTokenCanBeRenewedAndRevokedAndOnlyTheLiveOneWorks(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	svc := icalfeed.New(db)
	unit := models.Unit{Code: "00001", Name: "Phường Phúc Xá", Kind: models.UnitCommune, Path: "/00001/"}
	if err := db.Create(&unit).Error; err != nil {
		t.Fatal(err)
	}
	u := user(t, db, "phucxa@khung.vn", models.RoleUnit, unit.ID, 0)
	a := authz.Actor{UserID: u.ID, Role: u.Role, UnitID: unit.ID, UnitPath: unit.Path}
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

	if tok, err := svc.Active(ctx, a); err != nil || tok != nil {
		t.Fatalf("before any: %v %v", tok, err)
	}
	first, _, err := svc.Renew(ctx, a, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first, "khcal_") || len(first) < 40 {
		t.Fatalf("token %q is too weak", first)
	}
	owner, err := svc.Owner(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if owner.Actor != a || owner.FullName != u.FullName || owner.Locale != "vi" {
		t.Errorf("owner %+v, want actor %+v", owner, a)
	}
	var stored models.CalendarFeedToken
	if err := db.Take(&stored).Error; err != nil || strings.Contains(stored.TokenHash, first) || stored.TokenHash == first {
		t.Fatalf("the token must be stored hashed: %+v %v", stored, err)
	}

	second, _, err := svc.Renew(ctx, a, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Owner(ctx, first); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("the renewed token still works: %v", err)
	}
	if _, err := svc.Owner(ctx, second); err != nil {
		t.Errorf("the new token: %v", err)
	}
	if tok, err := svc.Active(ctx, a); err != nil || tok == nil || !tok.CreatedAt.Equal(now.Add(time.Hour)) {
		t.Errorf("active after renewal: %+v %v", tok, err)
	}

	if err := svc.Revoke(ctx, a, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Owner(ctx, second); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("the revoked token still works: %v", err)
	}
	if tok, _ := svc.Active(ctx, a); tok != nil {
		t.Errorf("a token is active after revocation: %+v", tok)
	}
	if err := svc.Revoke(ctx, a, now.Add(3*time.Hour)); err != nil {
		t.Errorf("revoking twice: %v", err)
	}

	var actions []string
	if err := db.Model(&models.AuditEntry{}).Order("id").Pluck("action", &actions).Error; err != nil {
		t.Fatal(err)
	}
	want := "calendar_feed.create calendar_feed.revoke calendar_feed.renew calendar_feed.revoke"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit: %s, want %s", got, want)
	}
}

func TestUnknownMalformedOrDeactivatedFeedTokensAreNotFound(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	svc := icalfeed.New(db)
	u := user(t, db, "inspector@khung.vn", models.RoleInspector, 0, 0)
	plain, _, err := svc.Renew(ctx, authz.Actor{UserID: u.ID, Role: u.Role}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&models.User{}).Where("id = ?", u.ID).Update("active", false).Error; err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{plain, "khcal_not-a-token", "", "khung_" + plain[6:], plain + "x"} {
		if _, err := svc.Owner(ctx, tok); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("token %q: %v, want not found", tok, err)
		}
	}
	if _, _, err := svc.Renew(ctx, authz.Actor{}, time.Now()); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("anonymous renew: %v", err)
	}
}
