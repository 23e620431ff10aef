package models_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"khung/models"
	"khung/models/dbtest"
)

// violation returns the name of the constraint err reports, or "" when err is
// not a constraint violation.
func violation(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "23") {
		return pgErr.ConstraintName
	}
	return ""
}

// rejected runs insert inside a rolled-back savepoint and fails the test unless
// the database refuses it with the named constraint ("" accepts any constraint).
func rejected(t *testing.T, db *gorm.DB, constraint string, insert func(tx *gorm.DB) error) {
	t.Helper()
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := insert(tx); err != nil {
			return err
		}
		return errRollback
	})
	if err == errRollback || err == nil {
		t.Fatalf("insert accepted, want a violation of %q", constraint)
	}
	got := violation(err)
	if got == "" {
		t.Fatalf("want a violation of %q, got another error: %v", constraint, err)
	}
	if constraint != "" && got != constraint {
		t.Fatalf("violated %q, want %q (%v)", got, constraint, err)
	}
}

// accepted runs insert inside a rolled-back transaction and fails on any error.
func accepted(t *testing.T, db *gorm.DB, insert func(tx *gorm.DB) error) {
	t.Helper()
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := insert(tx); err != nil {
			return err
		}
		return errRollback
	})
	if err != errRollback {
		t.Fatalf("insert refused: %v", err)
	}
}

var errRollback = errors.New("rollback")

func create(row any) func(tx *gorm.DB) error {
	return func(tx *gorm.DB) error { return tx.Create(row).Error }
}

func TestCoreConstraints(t *testing.T) {
	db := dbtest.Gorm(t)
	f := newCoreFixture(t, db)

	t.Run("a unit user without a unit is rejected", func(t *testing.T) {
		rejected(t, db, "users_unit_role_needs_unit", create(&models.User{Email: "u@khung.test", FullName: "U",
			Role: models.RoleUnit, UnitPosition: models.PositionOffice, Locale: "vi"}))
	})
	t.Run("a unit user with a unit is accepted", func(t *testing.T) {
		accepted(t, db, create(&models.User{Email: "u@khung.test", FullName: "U", Role: models.RoleUnit,
			UnitID: &f.ward.ID, UnitPosition: models.PositionOffice, Locale: "vi"}))
	})
	t.Run("an unknown role is rejected", func(t *testing.T) {
		rejected(t, db, "users_role_check", create(&models.User{Email: "x@khung.test", FullName: "X",
			Role: "superuser", UnitPosition: models.PositionOffice, Locale: "vi"}))
	})
	t.Run("e-mail addresses are unique ignoring case", func(t *testing.T) {
		rejected(t, db, "users_email_key", create(&models.User{Email: "PLANNER@khung.test", FullName: "Dup",
			Role: models.RoleViewer, UnitPosition: models.PositionOffice, Locale: "vi"}))
	})
	t.Run("an unknown unit kind is rejected", func(t *testing.T) {
		rejected(t, db, "units_kind_check", create(&models.Unit{Code: "002", Name: "Quận Hoàn Kiếm", Kind: "province", ParentID: &f.city.ID, Path: "/01/002/"}))
	})
	t.Run("a unit path must end with its own code", func(t *testing.T) {
		rejected(t, db, "units_path_ends_with_code", create(&models.Unit{Code: "002", Name: "Quận Hoàn Kiếm", Kind: models.UnitDistrict, ParentID: &f.city.ID, Path: "/01/003/"}))
	})
	t.Run("a unit code with a LIKE wildcard is rejected", func(t *testing.T) {
		rejected(t, db, "units_code_check", create(&models.Unit{Code: "0_2", Name: "X", Kind: models.UnitOther, ParentID: &f.city.ID, Path: "/01/0_2/"}))
	})
	t.Run("a unit valid to before valid from is rejected", func(t *testing.T) {
		rejected(t, db, "units_valid_order", create(&models.Unit{Code: "002", Name: "Quận Hoàn Kiếm", Kind: models.UnitDistrict,
			ParentID: &f.city.ID, Path: "/01/002/", ValidFrom: dayPtr("2025-07-01"), ValidTo: dayPtr("2025-06-30")}))
	})
	t.Run("a leave ending before it starts is rejected", func(t *testing.T) {
		rejected(t, db, "inspector_leaves_order", create(&models.InspectorLeave{InspectorID: f.inspector.ID,
			FromDate: day("2025-08-08"), ToDate: day("2025-08-07")}))
	})
	t.Run("a one-day leave is accepted", func(t *testing.T) {
		accepted(t, db, create(&models.InspectorLeave{InspectorID: f.inspector.ID, FromDate: day("2025-08-08"), ToDate: day("2025-08-08")}))
	})
	t.Run("an unknown relation is rejected", func(t *testing.T) {
		rejected(t, db, "inspector_relatives_relation_check", create(&models.InspectorRelative{InspectorID: f.inspector.ID,
			UnitID: f.ward.ID, Relation: "cousin", Post: models.PostHead}))
	})
	t.Run("an unknown key post is rejected", func(t *testing.T) {
		rejected(t, db, "inspector_relatives_post_check", create(&models.InspectorRelative{InspectorID: f.inspector.ID,
			UnitID: f.ward.ID, Relation: models.RelationSibling, Post: "driver"}))
	})
	t.Run("a negative yearly cap is rejected", func(t *testing.T) {
		rejected(t, db, "inspectors_max_days_per_year_check", create(&models.Inspector{Code: "I-9", FullName: "X",
			BodyID: f.body.ID, MaxDaysPerYear: -1}))
	})
	t.Run("a working Saturday must be a Saturday", func(t *testing.T) {
		rejected(t, db, "holidays_working_day_is_saturday", create(&models.Holiday{Date: day("2025-04-29"),
			Kind: models.HolidayWorkingSaturday, NameVI: "Làm bù"}))
		accepted(t, db, create(&models.Holiday{Date: day("2025-04-26"), Kind: models.HolidayWorkingSaturday, NameVI: "Làm bù"}))
	})
	t.Run("an unknown holiday kind is rejected", func(t *testing.T) {
		rejected(t, db, "holidays_kind_check", create(&models.Holiday{Date: day("2025-01-01"), Kind: "bridge", NameVI: "Tết Dương lịch"}))
	})
	t.Run("two versions of one rule may not overlap", func(t *testing.T) {
		mustCreate(t, db, &models.Rule{Key: "plan.max_planned_visits_per_unit", Value: models.JSON(`1`), ValidFrom: day("2020-01-01"), ValidTo: dayPtr("2025-06-30")})
		rejected(t, db, "rules_no_overlap", create(&models.Rule{Key: "plan.max_planned_visits_per_unit", Value: models.JSON(`2`), ValidFrom: day("2025-06-30")}))
		accepted(t, db, create(&models.Rule{Key: "plan.max_planned_visits_per_unit", Value: models.JSON(`2`), ValidFrom: day("2025-07-01")}))
	})
	t.Run("a rule ending before it starts is rejected", func(t *testing.T) {
		rejected(t, db, "rules_valid_order", create(&models.Rule{Key: "x.y", Value: models.JSON(`1`), ValidFrom: day("2025-07-01"), ValidTo: dayPtr("2025-01-01")}))
	})
	t.Run("a topic must name a kind of the catalog", func(t *testing.T) {
		rejected(t, db, "topics_kind_code_fkey", create(&models.Topic{Code: "t", NameVI: "T", KindCode: ptrStr("nope"), ValidFrom: day("2020-01-01")}))
	})
	t.Run("a session expiring before it starts is rejected", func(t *testing.T) {
		rejected(t, db, "sessions_expiry_order", create(&models.Session{ID: strings.Repeat("a", 64), UserID: f.user.ID,
			CSRFToken: "c", CreatedAt: at(10), LastSeenAt: at(10), ExpiresAt: at(9)}))
	})
}
