// Package bodies manages the inspecting bodies: the City Public-Service
// Inspection Team, the inspectorate, the department's divisions, the other
// departments' specialised checks, the communes' People's Committees and the
// units' own inspection. A lower precedence leads joint visits. A body has a
// life span (valid_from, valid_to) and a legal basis: the departmental
// inspectorates ended on 30 June 2025 (Law 84/2025/QH15); pickers offer only
// the bodies in force on the day in question (InForce).
package bodies

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
	"khung/models"
)

// Service manages bodies.
type Service struct {
	db *gorm.DB
}

// New returns a Service on db.
func New(db *gorm.DB) *Service { return &Service{db: db} }

// Row is a body with the code and name of its own unit and its inspector count.
type Row struct {
	models.Body
	UnitCode       string `json:"unit_code"`
	UnitName       string `json:"unit_name"`
	InspectorCount int64  `json:"inspector_count"`
}

// Ended tells whether the body's last day in force lies before day d.
func (r Row) Ended(d models.Date) bool { return r.ValidTo != nil && r.ValidTo.Before(d) }

const rowSelect = `bodies.*, coalesce(units.code, '') AS unit_code, coalesce(units.name, '') AS unit_name,
	(SELECT count(*) FROM inspectors i WHERE i.body_id = bodies.id AND i.active) AS inspector_count`

func rowsOn(db *gorm.DB) *gorm.DB {
	return db.Table("bodies").Select(rowSelect).Joins("LEFT JOIN units ON units.id = bodies.unit_id")
}

// List returns every body, leading bodies first. Bodies are reference data:
// every role that reads reference data reads them all.
func (s *Service) List(ctx context.Context, a authz.Actor, includeInactive bool) ([]Row, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return nil, err
	}
	q := rowsOn(s.db.WithContext(ctx))
	if !includeInactive {
		q = q.Where("bodies.active")
	}
	var out []Row
	if err := q.Order("bodies.precedence, bodies.name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list bodies: %w", err)
	}
	return out, nil
}

// InForce returns the active bodies in force on day on, leading bodies first:
// what the pickers of forms and the planner offer for that day.
func (s *Service) InForce(ctx context.Context, a authz.Actor, on models.Date) ([]Row, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return nil, err
	}
	var out []Row
	if err := InForceOn(rowsOn(s.db.WithContext(ctx)), on).Where("bodies.active").
		Order("bodies.precedence, bodies.name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list bodies in force on %s: %w", on, err)
	}
	return out, nil
}

// InForceOn narrows a query on bodies to those in force on day on.
func InForceOn(q *gorm.DB, on models.Date) *gorm.DB {
	return q.Where("(bodies.valid_from IS NULL OR bodies.valid_from <= ?) AND (bodies.valid_to IS NULL OR bodies.valid_to >= ?)", on, on)
}

// Get returns the body id.
func (s *Service) Get(ctx context.Context, a authz.Actor, id int64) (Row, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return Row{}, err
	}
	return get(rowsOn(s.db.WithContext(ctx)), id)
}

func get(q *gorm.DB, id int64) (Row, error) {
	var r Row
	err := q.Where("bodies.id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Row{}, fmt.Errorf("body %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return Row{}, fmt.Errorf("load body %d: %w", id, err)
	}
	return r, nil
}

// Input is what the administrator enters for a body.
type Input struct {
	Code       string       `json:"code" form:"code" validate:"notblank,max=50"`
	Name       string       `json:"name" form:"name" validate:"notblank,max=300"`
	ShortName  string       `json:"short_name" form:"short_name" validate:"max=100"`
	Kind       string       `json:"kind" form:"kind" validate:"required,oneof=city_team inspectorate division department district_internal commune unit_internal"`
	Precedence int          `json:"precedence" form:"precedence" validate:"min=0,max=10000"`
	UnitCode   string       `json:"unit_code" form:"unit_code" validate:"max=50"` // the body's own unit, optional
	Active     *bool        `json:"active" form:"active"`                         // nil: active when creating, unchanged when editing
	ValidFrom  *models.Date `json:"valid_from" form:"valid_from" label:"field.body_valid_from"`
	ValidTo    *models.Date `json:"valid_to" form:"valid_to" label:"field.body_valid_to"`
	LegalBasis string       `json:"legal_basis" form:"legal_basis" validate:"max=1000"`
}

func (in *Input) normalise() {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = strings.TrimSpace(in.Name)
	in.ShortName = strings.TrimSpace(in.ShortName)
	in.UnitCode = strings.TrimSpace(in.UnitCode)
	in.LegalBasis = strings.TrimSpace(in.LegalBasis)
}

// check validates in inside tx (id: the body edited, 0 when creating) and
// returns the id of its unit.
func check(tx *gorm.DB, in Input, id int64) (*int64, error) {
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(in); err != nil {
		v, ok := apperr.AsValidation(err)
		if !ok {
			return nil, err
		}
		ve = v
	}
	if in.Code != "" && !ve.Has("code") {
		var n int64
		if err := tx.Model(&models.Body{}).Where("code = ? AND id <> ?", in.Code, id).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("check body code: %w", err)
		}
		if n > 0 {
			ve.AddField("code", "unique", "bodies.code_taken")
		}
	}
	if in.ValidFrom != nil && in.ValidTo != nil && in.ValidTo.Before(*in.ValidFrom) {
		ve.AddField("valid_to", "after", "bodies.valid_to_before_from")
	}
	var unitID *int64
	if in.UnitCode != "" && !ve.Has("unit_code") {
		var u models.Unit
		err := tx.Where("code = ?", in.UnitCode).Take(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			ve.AddField("unit_code", "exists", "validation.unknown_unit")
		case err != nil:
			return nil, fmt.Errorf("find unit %q: %w", in.UnitCode, err)
		default:
			unitID = &u.ID
		}
	}
	return unitID, ve.Err()
}

// Create adds a body.
func (s *Service) Create(ctx context.Context, a authz.Actor, in Input) (Row, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Row{}, err
	}
	in.normalise()
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		unitID, err := check(tx, in, 0)
		if err != nil {
			return err
		}
		b := models.Body{Code: in.Code, Name: in.Name, ShortName: in.ShortName, Kind: models.BodyKind(in.Kind),
			Precedence: in.Precedence, UnitID: unitID, Active: in.Active == nil || *in.Active,
			ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, LegalBasis: in.LegalBasis}
		if err := tx.Create(&b).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		id = b.ID
		after, err := get(rowsOn(tx), b.ID)
		if err != nil {
			return err
		}
		return audit.Record(tx, a, "create", "bodies", b.ID, nil, after)
	})
	if err != nil {
		return Row{}, fmt.Errorf("create body: %w", err)
	}
	return get(rowsOn(s.db.WithContext(ctx)), id)
}

// Update changes the body id.
func (s *Service) Update(ctx context.Context, a authz.Actor, id int64, in Input) (Row, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Row{}, err
	}
	in.normalise()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := get(rowsOn(tx).Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "bodies"}}), id)
		if err != nil {
			return err
		}
		unitID, err := check(tx, in, id)
		if err != nil {
			return err
		}
		active := before.Active
		if in.Active != nil {
			active = *in.Active
		}
		if err := tx.Model(&models.Body{}).Where("id = ?", id).Updates(map[string]any{
			"code": in.Code, "name": in.Name, "short_name": in.ShortName, "kind": in.Kind,
			"precedence": in.Precedence, "unit_id": unitID, "active": active,
			"valid_from": in.ValidFrom, "valid_to": in.ValidTo, "legal_basis": in.LegalBasis,
		}).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		after, err := get(rowsOn(tx), id)
		if err != nil {
			return err
		}
		return audit.Record(tx, a, "update", "bodies", id, before, after)
	})
	if err != nil {
		return Row{}, fmt.Errorf("update body %d: %w", id, err)
	}
	return get(rowsOn(s.db.WithContext(ctx)), id)
}

// Delete removes the body id. A body that still has inspectors (or, later,
// proposals and visits) cannot be deleted: deactivate it instead.
func (s *Service) Delete(ctx context.Context, a authz.Actor, id int64) error {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := get(rowsOn(tx), id)
		if err != nil {
			return err
		}
		if err := tx.Delete(&models.Body{}, id).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		return audit.Record(tx, a, "delete", "bodies", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete body %d: %w", id, err)
	}
	return nil
}

// constraints names the database constraints input can break, for
// apperr.FromConstraint: every table that refers to a body keeps it from
// being deleted.
func constraints() apperr.Constraints {
	return apperr.Constraints{
		"bodies_code_key":    {Field: "code", Rule: "unique", ID: "bodies.code_taken"},
		"bodies_valid_order": {Field: "valid_to", Rule: "after", ID: "bodies.valid_to_before_from"},
		apperr.AnyForeignKey: {ID: "bodies.in_use"},
	}
}
