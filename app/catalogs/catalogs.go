// Package catalogs manages the reference lists that proposals and visits use —
// kinds of inspection, topics and skills — and the dated rules (deadlines,
// caps, weights). Each entry has a legal basis and an effective period
// [valid_from, valid_to], because the legal base changes (1 July 2025).
package catalogs

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// Catalog names one of the code lists.
type Catalog string

// The catalogs.
const (
	Kinds  Catalog = "kinds"  // kinds of inspection (inspection_kinds)
	Topics Catalog = "topics" // topics, each optionally tied to a kind and a skill
	Skills Catalog = "skills" // skills an inspector has and a topic needs
)

// All lists the catalogs in the order the UI shows them.
func All() []Catalog { return []Catalog{Kinds, Topics, Skills} }

// Parse returns the catalog named s, and false when there is none.
func Parse(s string) (Catalog, bool) {
	for _, c := range All() {
		if string(c) == s {
			return c, true
		}
	}
	return "", false
}

// Table is the table that holds c.
func (c Catalog) Table() string {
	if c == Kinds {
		return "inspection_kinds"
	}
	return string(c)
}

// Service manages catalogs and rules.
type Service struct {
	db *gorm.DB
}

// New returns a Service on db.
func New(db *gorm.DB) *Service { return &Service{db: db} }

// Entry is one entry of a catalog. KindCode and SkillCode belong to topics only.
type Entry struct {
	ID         int64        `gorm:"primaryKey;<-:false" json:"id"`
	Code       string       `json:"code"`
	NameVI     string       `gorm:"column:name_vi" json:"name_vi"`
	NameEN     string       `gorm:"column:name_en" json:"name_en"`
	LegalBasis string       `json:"legal_basis"`
	KindCode   *string      `json:"kind_code,omitempty"`
	SkillCode  *string      `json:"skill_code,omitempty"`
	ValidFrom  models.Date  `json:"valid_from"`
	ValidTo    *models.Date `json:"valid_to"` // inclusive; nil: still valid
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
}

// InEffect tells whether the entry applies on day.
func (e Entry) InEffect(day models.Date) bool {
	return !day.Before(e.ValidFrom) && (e.ValidTo == nil || !day.After(*e.ValidTo))
}

// on reads or writes catalog c with db: topics have two more columns.
func on(db *gorm.DB, c Catalog) *gorm.DB {
	db = db.Table(c.Table())
	if c != Topics {
		db = db.Omit("kind_code", "skill_code")
	}
	return db
}

func selectEntries(db *gorm.DB, c Catalog) *gorm.DB {
	cols := "id, code, name_vi, name_en, legal_basis, valid_from, valid_to, created_at, updated_at"
	if c == Topics {
		cols += ", kind_code, skill_code"
	}
	return db.Table(c.Table()).Select(cols)
}

// List returns every entry of c, by code.
func (s *Service) List(ctx context.Context, a authz.Actor, c Catalog) ([]Entry, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return nil, err
	}
	out := []Entry{}
	if err := selectEntries(s.db.WithContext(ctx), c).Order("code").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list %s: %w", c, err)
	}
	return out, nil
}

// Get returns the entry id of c.
func (s *Service) Get(ctx context.Context, a authz.Actor, c Catalog, id int64) (Entry, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return Entry{}, err
	}
	return getEntry(s.db.WithContext(ctx), c, id)
}

func getEntry(db *gorm.DB, c Catalog, id int64) (Entry, error) {
	var e Entry
	err := selectEntries(db, c).Where("id = ?", id).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Entry{}, fmt.Errorf("%s %d: %w", c, id, apperr.ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("load %s %d: %w", c, id, err)
	}
	return e, nil
}

// EntryInput is a catalog entry as the administrator enters it. KindCode and
// SkillCode are read for topics only.
type EntryInput struct {
	Code       string       `json:"code" validate:"notblank,max=50"`
	NameVI     string       `json:"name_vi" validate:"notblank,max=300"`
	NameEN     string       `json:"name_en" validate:"max=300"`
	LegalBasis string       `json:"legal_basis" validate:"max=1000"`
	KindCode   string       `json:"kind_code" validate:"max=50"`
	SkillCode  string       `json:"skill_code" validate:"max=50"`
	ValidFrom  models.Date  `json:"valid_from" validate:"required"`
	ValidTo    *models.Date `json:"valid_to"`
}

func (in *EntryInput) normalise() {
	for _, p := range []*string{&in.Code, &in.NameVI, &in.NameEN, &in.LegalBasis, &in.KindCode, &in.SkillCode} {
		*p = strings.TrimSpace(*p)
	}
	if in.ValidTo != nil && in.ValidTo.IsZero() {
		in.ValidTo = nil
	}
}

// codePattern is what a code may hold: it appears in URLs, imports and exports.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// startChecks runs the struct rules and the checks every dated entry shares.
func startChecks(v any, code string, from models.Date, to *models.Date) (*apperr.ValidationError, error) {
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(v); err != nil {
		got, ok := apperr.AsValidation(err)
		if !ok {
			return nil, err
		}
		ve = got
	}
	if code != "" && !ve.Has("code") && !ve.Has("key") && !codePattern.MatchString(code) {
		ve.AddField("code", "format", "catalogs.code_format")
	}
	if to != nil && !from.IsZero() && to.Before(from) {
		ve.AddField("valid_to", "gtefield", "catalogs.valid_to_before")
	}
	return ve, nil
}

func (s *Service) checkEntry(tx *gorm.DB, c Catalog, in EntryInput, id int64) error {
	ve, err := startChecks(in, in.Code, in.ValidFrom, in.ValidTo)
	if err != nil {
		return err
	}
	if in.Code != "" && !ve.Has("code") {
		var n int64
		if err := tx.Table(c.Table()).Where("code = ? AND id <> ?", in.Code, id).Count(&n).Error; err != nil {
			return fmt.Errorf("check code: %w", err)
		}
		if n > 0 {
			ve.AddField("code", "unique", "catalogs.code_taken")
		}
	}
	if c == Topics {
		exists := func(field string, other Catalog, code string, msgID string) error {
			if code == "" || ve.Has(field) {
				return nil
			}
			var n int64
			if err := tx.Table(other.Table()).Where("code = ?", code).Count(&n).Error; err != nil {
				return fmt.Errorf("check %s: %w", field, err)
			}
			if n == 0 {
				ve.AddField(field, "exists", msgID)
			}
			return nil
		}
		if err := exists("kind_code", Kinds, in.KindCode, "catalogs.kind_unknown"); err != nil {
			return err
		}
		if err := exists("skill_code", Skills, in.SkillCode, "catalogs.skill_unknown"); err != nil {
			return err
		}
	}
	return ve.Err()
}

func (in EntryInput) entry(c Catalog) Entry {
	e := Entry{Code: in.Code, NameVI: in.NameVI, NameEN: in.NameEN, LegalBasis: in.LegalBasis,
		ValidFrom: in.ValidFrom, ValidTo: in.ValidTo}
	if c == Topics {
		e.KindCode, e.SkillCode = optional(in.KindCode), optional(in.SkillCode)
	}
	return e
}

// Create adds an entry to c.
func (s *Service) Create(ctx context.Context, a authz.Actor, c Catalog, in EntryInput) (Entry, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Entry{}, err
	}
	in.normalise()
	var out Entry
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.checkEntry(tx, c, in, 0); err != nil {
			return err
		}
		e := in.entry(c)
		if err := on(tx, c).Create(&e).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		var err error
		if out, err = getEntry(tx, c, e.ID); err != nil {
			return err
		}
		return audit.Record(tx, a, "create", c.Table(), e.ID, nil, out)
	})
	if err != nil {
		return Entry{}, fmt.Errorf("create %s entry: %w", c, err)
	}
	return out, nil
}

// Update changes the entry id of c. A changed code follows into the rows that
// use it (ON UPDATE CASCADE).
func (s *Service) Update(ctx context.Context, a authz.Actor, c Catalog, id int64, in EntryInput) (Entry, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Entry{}, err
	}
	in.normalise()
	var out Entry
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := getEntry(tx.Clauses(clause.Locking{Strength: "UPDATE"}), c, id)
		if err != nil {
			return err
		}
		if err := s.checkEntry(tx, c, in, id); err != nil {
			return err
		}
		changes := map[string]any{"code": in.Code, "name_vi": in.NameVI, "name_en": in.NameEN,
			"legal_basis": in.LegalBasis, "valid_from": in.ValidFrom, "valid_to": in.ValidTo, "updated_at": gorm.Expr("now()")}
		if c == Topics {
			changes["kind_code"], changes["skill_code"] = optional(in.KindCode), optional(in.SkillCode)
		}
		if err := tx.Table(c.Table()).Where("id = ?", id).Updates(changes).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		if out, err = getEntry(tx, c, id); err != nil {
			return err
		}
		return audit.Record(tx, a, "update", c.Table(), id, before, out)
	})
	if err != nil {
		return Entry{}, fmt.Errorf("update %s entry %d: %w", c, id, err)
	}
	return out, nil
}

// Delete removes the entry id of c. An entry still in use (a skill that
// inspectors have, a kind or skill that topics name, a kind that proposals
// use) is kept: close its validity with valid_to instead, so history stays.
func (s *Service) Delete(ctx context.Context, a authz.Actor, c Catalog, id int64) error {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := getEntry(tx, c, id)
		if err != nil {
			return err
		}
		var uses int64
		switch c {
		case Skills:
			err = tx.Raw(`SELECT (SELECT count(*) FROM inspector_skills WHERE skill_code = ?) +
				(SELECT count(*) FROM topics WHERE skill_code = ?)`, before.Code, before.Code).Scan(&uses).Error
		case Kinds:
			err = tx.Raw(`SELECT count(*) FROM topics WHERE kind_code = ?`, before.Code).Scan(&uses).Error
		}
		if err != nil {
			return fmt.Errorf("count uses: %w", err)
		}
		if uses > 0 {
			return inUse()
		}
		if err := tx.Table(c.Table()).Where("id = ?", id).Delete(&Entry{}).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		return audit.Record(tx, a, "delete", c.Table(), id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete %s entry %d: %w", c, id, err)
	}
	return nil
}

func inUse() error {
	return apperr.Fail(apperr.ErrConflict, "catalogs.in_use")
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// constraints names the database constraints the checks should have caught
// (two admins at once), for apperr.FromConstraint.
func constraints() apperr.Constraints {
	code := apperr.Constraint{Field: "code", Rule: "unique", ID: "constraint.catalog_code_taken"}
	order := apperr.Constraint{Field: "valid_to", Rule: "gtefield", ID: "constraint.catalog_valid_order"}
	return apperr.Constraints{
		"inspection_kinds_code_key": code, "skills_code_key": code, "topics_code_key": code,
		"inspection_kinds_valid_order": order, "skills_valid_order": order, "topics_valid_order": order,
		apperr.AnyForeignKey: {ID: "constraint.catalog_in_use"},
	}
}
