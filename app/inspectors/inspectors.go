// Package inspectors manages inspector profiles: the body an inspector belongs
// to, their home unit, the units they worked in before and the units where a
// relative holds a key post (both conflicts of interest), their skills,
// whether they can lead a team, their leave and their yearly cap of days.
package inspectors

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/paging"
	"khung/models"
)

// Service manages inspector profiles.
type Service struct {
	db *gorm.DB
}

// New returns a Service on db.
func New(db *gorm.DB) *Service { return &Service{db: db} }

// Row is an inspector with the names of their body and home unit.
type Row struct {
	models.Inspector
	BodyCode     string `json:"body_code"`
	BodyName     string `json:"body_name"`
	HomeUnitCode string `json:"home_unit_code"`
	HomeUnitName string `json:"home_unit_name"`
}

// FormerUnit is a unit the inspector worked in, with the period when known.
type FormerUnit struct {
	models.InspectorFormerUnit
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
}

// Relative is a unit where a relative of the inspector holds a key post.
type Relative struct {
	models.InspectorRelative
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
}

// Skill is a skill of the inspector, with its catalog names.
type Skill struct {
	Code   string `json:"code"`
	NameVI string `json:"name_vi" gorm:"column:name_vi"`
	NameEN string `json:"name_en" gorm:"column:name_en"`
}

// Profile is everything about one inspector.
type Profile struct {
	Row
	FormerUnits []FormerUnit            `json:"former_units"`
	Relatives   []Relative              `json:"relatives"`
	Skills      []Skill                 `json:"skills"`
	Leaves      []models.InspectorLeave `json:"leaves"`
}

const rowSelect = `inspectors.*, bodies.code AS body_code, bodies.name AS body_name,
	coalesce(units.code, '') AS home_unit_code, coalesce(units.name, '') AS home_unit_name`

func rowsOn(db *gorm.DB) *gorm.DB {
	return db.Table("inspectors").Select(rowSelect).
		Joins("JOIN bodies ON bodies.id = inspectors.body_id").
		Joins("LEFT JOIN units ON units.id = inspectors.home_unit_id")
}

// scope limits inspectors to those a may read: staff roles read every
// profile; a unit user only those whose home unit lies in its subtree.
func scope(a authz.Actor) authz.Scope {
	return authz.UnitIDScope(a, "inspectors.home_unit_id")
}

// Filter selects inspectors for List.
type Filter struct {
	Q        string `json:"q" query:"q"`                 // name, code or e-mail, diacritics ignored
	BodyCode string `json:"body_code" query:"body_code"` // optional
	Skill    string `json:"skill" query:"skill"`         // optional skill code
	CanLead  bool   `json:"can_lead" query:"can_lead"`   // only those who can lead
	Status   string `json:"status" query:"status"`       // "", "active" or "inactive"
	paging.Page
}

// sorts are the columns the list of inspectors may be sorted by.
var sorts = paging.Columns{
	"name": paging.Text("inspectors.full_name"), "code": "inspectors.code", "body": paging.Text("bodies.name"),
	"home_unit": paging.Text("units.name"), "can_lead": "inspectors.can_lead", "status": "inspectors.active",
}

// SortKeys are the columns the list of inspectors may be sorted by.
func SortKeys() []string { return sorts.Keys() }

// List returns one page of inspectors, by name unless f.Sort names a column.
func (s *Service) List(ctx context.Context, a authz.Actor, f Filter) (paging.Result[Row], error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return paging.Result[Row]{}, err
	}
	p := f.Page.Normal()
	filter := func(db *gorm.DB) *gorm.DB {
		db = db.Scopes(scope(a))
		for _, w := range strings.Fields(f.Q) {
			db = db.Where("inspectors.search_text LIKE '%' || lower(khung_unaccent(?)) || '%'", models.SearchPattern(w))
		}
		if f.BodyCode != "" {
			db = db.Where("inspectors.body_id IN (SELECT id FROM bodies WHERE code = ?)", f.BodyCode)
		}
		if f.Skill != "" {
			db = db.Where("inspectors.id IN (SELECT inspector_id FROM inspector_skills WHERE skill_code = ?)", f.Skill)
		}
		if f.CanLead {
			db = db.Where("inspectors.can_lead")
		}
		switch f.Status {
		case "active":
			db = db.Where("inspectors.active")
		case "inactive":
			db = db.Where("NOT inspectors.active")
		}
		return db
	}
	var total int64
	if err := s.db.WithContext(ctx).Model(&models.Inspector{}).Scopes(filter).Count(&total).Error; err != nil {
		return paging.Result[Row]{}, fmt.Errorf("count inspectors: %w", err)
	}
	var out []Row
	if err := rowsOn(s.db.WithContext(ctx)).Scopes(filter).Order(sorts.Order(p.Sort, paging.Text("inspectors.full_name")+", inspectors.id", "inspectors.id")).
		Limit(p.Size).Offset(p.Offset()).Find(&out).Error; err != nil {
		return paging.Result[Row]{}, fmt.Errorf("list inspectors: %w", err)
	}
	return paging.NewResult(out, total, p), nil
}

// Get returns the whole profile of inspector id.
func (s *Service) Get(ctx context.Context, a authz.Actor, id int64) (Profile, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return Profile{}, err
	}
	return load(s.db.WithContext(ctx).Scopes(scope(a)), s.db.WithContext(ctx), id)
}

// load reads the profile id: its row through rowDB (which may carry a scope
// or a lock), its lists through db.
func load(rowDB, db *gorm.DB, id int64) (Profile, error) {
	var p Profile
	err := rowsOn(rowDB).Where("inspectors.id = ?", id).Take(&p.Row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Profile{}, fmt.Errorf("inspector %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return Profile{}, fmt.Errorf("load inspector %d: %w", id, err)
	}
	p.FormerUnits, p.Relatives, p.Skills, p.Leaves = []FormerUnit{}, []Relative{}, []Skill{}, []models.InspectorLeave{}
	err = db.Table("inspector_former_units f").Select("f.*, units.code AS unit_code, units.name AS unit_name").
		Joins("JOIN units ON units.id = f.unit_id").Where("f.inspector_id = ?", id).
		Order("f.from_date NULLS FIRST, f.id").Find(&p.FormerUnits).Error
	if err == nil {
		err = db.Table("inspector_relatives r").Select("r.*, units.code AS unit_code, units.name AS unit_name").
			Joins("JOIN units ON units.id = r.unit_id").Where("r.inspector_id = ?", id).
			Order("r.id").Find(&p.Relatives).Error
	}
	if err == nil {
		err = db.Table("inspector_skills s").Select("skills.code, skills.name_vi, skills.name_en").
			Joins("JOIN skills ON skills.code = s.skill_code").Where("s.inspector_id = ?", id).
			Order("skills.code").Find(&p.Skills).Error
	}
	if err == nil {
		err = db.Where("inspector_id = ?", id).Order("from_date, id").Find(&p.Leaves).Error
	}
	if err != nil {
		return Profile{}, fmt.Errorf("load inspector %d: %w", id, err)
	}
	return p, nil
}

// Input is an inspector's whole profile as the administrator enters it. The
// lists replace the current ones. Units, the body and skills are named by code.
type Input struct {
	Code           string            `json:"code" validate:"notblank,max=50"`
	FullName       string            `json:"full_name" validate:"notblank,max=200"`
	Email          string            `json:"email" validate:"omitempty,email,max=254"`
	Title          string            `json:"title" validate:"max=200"`
	BodyCode       string            `json:"body_code" validate:"notblank,max=50"`
	HomeUnitCode   string            `json:"home_unit_code" validate:"max=50"`
	CanLead        bool              `json:"can_lead"`
	MaxDaysPerYear int               `json:"max_days_per_year" validate:"min=0,max=366"`
	Active         *bool             `json:"active"` // nil: active when creating, unchanged when editing
	FormerUnits    []FormerUnitInput `json:"former_units" validate:"dive"`
	Relatives      []RelativeInput   `json:"relatives" validate:"dive"`
	Skills         []string          `json:"skills" validate:"dive,notblank"`
	Leaves         []LeaveInput      `json:"leaves" validate:"dive"`
}

// FormerUnitInput is a unit the inspector worked in; the period is optional.
type FormerUnitInput struct {
	UnitCode string       `json:"unit_code" validate:"notblank"`
	From     *models.Date `json:"from"`
	To       *models.Date `json:"to"`
}

// RelativeInput is a unit where a relative holds a key post.
type RelativeInput struct {
	UnitCode string `json:"unit_code" validate:"notblank"`
	Relation string `json:"relation" validate:"required,oneof=spouse parent child sibling parent_in_law"`
	Post     string `json:"post" validate:"required,oneof=head deputy personnel accounting"`
	Note     string `json:"note" validate:"max=500"`
}

// LeaveInput is a period of leave, both days included.
type LeaveInput struct {
	From   models.Date `json:"from" validate:"required" label:"field.from"`
	To     models.Date `json:"to" validate:"required,gtefield=From"`
	Reason string      `json:"reason" validate:"max=300"`
}

func (in *Input) normalise() {
	in.Code = strings.TrimSpace(in.Code)
	in.FullName = strings.TrimSpace(in.FullName)
	in.Email = strings.TrimSpace(in.Email)
	in.Title = strings.TrimSpace(in.Title)
	in.BodyCode = strings.TrimSpace(in.BodyCode)
	in.HomeUnitCode = strings.TrimSpace(in.HomeUnitCode)
	for i := range in.FormerUnits {
		in.FormerUnits[i].UnitCode = strings.TrimSpace(in.FormerUnits[i].UnitCode)
	}
	for i := range in.Relatives {
		in.Relatives[i].UnitCode = strings.TrimSpace(in.Relatives[i].UnitCode)
	}
	for i := range in.Skills {
		in.Skills[i] = strings.TrimSpace(in.Skills[i])
	}
}

// resolved holds the ids the codes of an Input stand for.
type resolved struct {
	bodyID     int64
	homeUnitID *int64
	units      map[string]int64 // unit code → id, for former units and relatives
}

// check validates in inside tx (id: the inspector edited, 0 when creating) and
// resolves its codes, reporting every problem at once.
func check(tx *gorm.DB, in Input, id int64) (resolved, error) {
	r := resolved{units: map[string]int64{}}
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(in); err != nil {
		v, ok := apperr.AsValidation(err)
		if !ok {
			return r, err
		}
		ve = v
	}
	for i, f := range in.FormerUnits {
		if f.From != nil && f.To != nil && f.To.Before(*f.From) {
			ve.AddField(fmt.Sprintf("former_units[%d].to", i), "gtefield", "validation.on_or_after_from")
		}
	}
	if in.Code != "" && !ve.Has("code") {
		var n int64
		if err := tx.Model(&models.Inspector{}).Where("code = ? AND id <> ?", in.Code, id).Count(&n).Error; err != nil {
			return r, fmt.Errorf("check inspector code: %w", err)
		}
		if n > 0 {
			ve.AddField("code", "unique", "inspectors.code_taken")
		}
	}
	if in.BodyCode != "" && !ve.Has("body_code") {
		err := tx.Model(&models.Body{}).Where("code = ?", in.BodyCode).Select("id").Take(&r.bodyID).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			ve.AddField("body_code", "exists", "validation.unknown_body")
		case err != nil:
			return r, fmt.Errorf("find body %q: %w", in.BodyCode, err)
		}
	}
	// Every unit code of the input, resolved with one query.
	var codes []string
	if in.HomeUnitCode != "" {
		codes = append(codes, in.HomeUnitCode)
	}
	for _, f := range in.FormerUnits {
		codes = append(codes, f.UnitCode)
	}
	for _, rel := range in.Relatives {
		codes = append(codes, rel.UnitCode)
	}
	if len(codes) > 0 {
		var found []models.Unit
		if err := tx.Select("id, code").Where("code IN ?", codes).Find(&found).Error; err != nil {
			return r, fmt.Errorf("find units: %w", err)
		}
		for _, u := range found {
			r.units[u.Code] = u.ID
		}
	}
	unitRef := func(field, code string) {
		if code != "" && !ve.Has(field) && r.units[code] == 0 {
			ve.AddField(field, "exists", "validation.unknown_unit")
		}
	}
	unitRef("home_unit_code", in.HomeUnitCode)
	if id, ok := r.units[in.HomeUnitCode]; ok {
		r.homeUnitID = &id
	}
	for i, f := range in.FormerUnits {
		unitRef(fmt.Sprintf("former_units[%d].unit_code", i), f.UnitCode)
	}
	for i, rel := range in.Relatives {
		unitRef(fmt.Sprintf("relatives[%d].unit_code", i), rel.UnitCode)
	}
	if len(in.Skills) > 0 {
		var known []string
		if err := tx.Model(&models.Skill{}).Where("code IN ?", in.Skills).Pluck("code", &known).Error; err != nil {
			return r, fmt.Errorf("find skills: %w", err)
		}
		seen := map[string]bool{}
		for _, k := range known {
			seen[k] = true
		}
		for i, code := range in.Skills {
			field := fmt.Sprintf("skills[%d]", i)
			if code != "" && !seen[code] && !ve.Has(field) {
				ve.AddField(field, "exists", "validation.unknown_skill")
			}
		}
	}
	return r, ve.Err()
}

// Create adds an inspector with their whole profile.
func (s *Service) Create(ctx context.Context, a authz.Actor, in Input) (Profile, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Profile{}, err
	}
	in.normalise()
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := check(tx, in, 0)
		if err != nil {
			return err
		}
		insp := models.Inspector{Code: in.Code, FullName: in.FullName, Email: optional(in.Email), Title: in.Title,
			BodyID: r.bodyID, HomeUnitID: r.homeUnitID, CanLead: in.CanLead, MaxDaysPerYear: in.MaxDaysPerYear,
			Active: in.Active == nil || *in.Active}
		if err := tx.Create(&insp).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		id = insp.ID
		if err := writeLists(tx, id, in, r); err != nil {
			return err
		}
		after, err := load(tx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(tx, a, "create", "inspectors", id, nil, after)
	})
	if err != nil {
		return Profile{}, fmt.Errorf("create inspector: %w", err)
	}
	return load(s.db.WithContext(ctx), s.db.WithContext(ctx), id)
}

// Update replaces the profile of inspector id.
func (s *Service) Update(ctx context.Context, a authz.Actor, id int64, in Input) (Profile, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Profile{}, err
	}
	in.normalise()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := load(tx.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "inspectors"}}), tx, id)
		if err != nil {
			return err
		}
		r, err := check(tx, in, id)
		if err != nil {
			return err
		}
		active := before.Active
		if in.Active != nil {
			active = *in.Active
		}
		if err := tx.Model(&models.Inspector{}).Where("id = ?", id).Updates(map[string]any{
			"code": in.Code, "full_name": in.FullName, "email": optional(in.Email), "title": in.Title,
			"body_id": r.bodyID, "home_unit_id": r.homeUnitID, "can_lead": in.CanLead,
			"max_days_per_year": in.MaxDaysPerYear, "active": active,
		}).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		for _, m := range []any{&models.InspectorFormerUnit{}, &models.InspectorRelative{}, &models.InspectorSkill{}, &models.InspectorLeave{}} {
			if err := tx.Where("inspector_id = ?", id).Delete(m).Error; err != nil {
				return fmt.Errorf("clear lists: %w", err)
			}
		}
		if err := writeLists(tx, id, in, r); err != nil {
			return err
		}
		after, err := load(tx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(tx, a, "update", "inspectors", id, before, after)
	})
	if err != nil {
		return Profile{}, fmt.Errorf("update inspector %d: %w", id, err)
	}
	return load(s.db.WithContext(ctx), s.db.WithContext(ctx), id)
}

// Delete removes inspector id and their lists. An inspector who sat on a team
// cannot be deleted (the visits keep them): deactivate them instead.
func (s *Service) Delete(ctx context.Context, a authz.Actor, id int64) error {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := load(tx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(&models.Inspector{}, id).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		return audit.Record(tx, a, "delete", "inspectors", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete inspector %d: %w", id, err)
	}
	return nil
}

// writeLists inserts the former units, relatives, skills and leaves of in.
func writeLists(tx *gorm.DB, id int64, in Input, r resolved) error {
	var former []models.InspectorFormerUnit
	for _, f := range in.FormerUnits {
		former = append(former, models.InspectorFormerUnit{InspectorID: id, UnitID: r.units[f.UnitCode], FromDate: f.From, ToDate: f.To})
	}
	var relatives []models.InspectorRelative
	for _, rel := range in.Relatives {
		relatives = append(relatives, models.InspectorRelative{InspectorID: id, UnitID: r.units[rel.UnitCode],
			Relation: models.Relation(rel.Relation), Post: models.KeyPost(rel.Post), Note: strings.TrimSpace(rel.Note)})
	}
	var skills []models.InspectorSkill
	seen := map[string]bool{}
	for _, code := range in.Skills {
		if !seen[code] { // a skill listed twice is one skill
			seen[code] = true
			skills = append(skills, models.InspectorSkill{InspectorID: id, SkillCode: code})
		}
	}
	var leaves []models.InspectorLeave
	for _, l := range in.Leaves {
		leaves = append(leaves, models.InspectorLeave{InspectorID: id, FromDate: l.From, ToDate: l.To, Reason: strings.TrimSpace(l.Reason)})
	}
	err := insert(tx, former)
	if err == nil {
		err = insert(tx, relatives)
	}
	if err == nil {
		err = insert(tx, skills)
	}
	if err == nil {
		err = insert(tx, leaves)
	}
	return apperr.FromConstraint(err, constraints())
}

// insert creates rows, if any (GORM refuses an empty batch).
func insert[T any](tx *gorm.DB, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	return tx.Create(&rows).Error
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// constraints names the database constraints the checks should have caught
// (a race between two admins), for apperr.FromConstraint: every table that
// refers to an inspector keeps them from being deleted.
func constraints() apperr.Constraints {
	return apperr.Constraints{
		"inspectors_code_key": {Field: "code", Rule: "unique", ID: "inspectors.code_taken"},
		apperr.AnyForeignKey:  {ID: "inspectors.in_use"},
	}
}
