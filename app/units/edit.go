package units

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// Input is a unit as the administrator enters it. The code and the parent are
// set when the unit is created and never change: they make up the paths that
// scopes and history rely on (a unit that moves is a new unit, the old one
// gets a valid_to).
type Input struct {
	ParentCode string       `json:"parent_code" validate:"max=50"` // creating only; "" makes a root
	Code       string       `json:"code" validate:"max=50"`        // creating only
	Name       string       `json:"name" validate:"notblank,max=300"`
	ShortName  string       `json:"short_name" validate:"max=100"`
	Kind       string       `json:"kind" validate:"required,oneof=city district commune department public_service_unit other"`
	TypeLabel  string       `json:"type_label" validate:"max=100"`
	AreaCode   string       `json:"area_code" validate:"max=50"`
	ValidFrom  *models.Date `json:"valid_from"`
	ValidTo    *models.Date `json:"valid_to"` // inclusive
}

// codePattern is the database's CHECK on units.code.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

func (in *Input) normalise() {
	for _, p := range []*string{&in.ParentCode, &in.Code, &in.Name, &in.ShortName, &in.TypeLabel, &in.AreaCode} {
		*p = strings.TrimSpace(*p)
	}
	if in.ValidFrom != nil && in.ValidFrom.IsZero() {
		in.ValidFrom = nil
	}
	if in.ValidTo != nil && in.ValidTo.IsZero() {
		in.ValidTo = nil
	}
}

// check validates in; the checks of code and parent run when creating only.
func check(tx *gorm.DB, in Input, creating bool) (parent *models.Unit, err error) {
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(in); err != nil {
		v, ok := apperr.AsValidation(err)
		if !ok {
			return nil, err
		}
		ve = v
	}
	if in.ValidFrom != nil && in.ValidTo != nil && in.ValidTo.Before(*in.ValidFrom) {
		ve.AddField("valid_to", "gtefield", "validation.on_or_after_start")
	}
	if creating {
		switch {
		case in.Code == "":
			ve.AddField("code", "required", "validation.required")
		case !codePattern.MatchString(in.Code):
			ve.AddField("code", "format", "units.code_format")
		default:
			var n int64
			if err := tx.Model(&models.Unit{}).Where("code = ?", in.Code).Count(&n).Error; err != nil {
				return nil, fmt.Errorf("check unit code: %w", err)
			}
			if n > 0 {
				ve.AddField("code", "unique", "units.code_taken")
			}
		}
		if in.ParentCode != "" {
			var p models.Unit
			err := tx.Where("code = ?", in.ParentCode).Take(&p).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound):
				ve.AddField("parent_code", "exists", "validation.unknown_unit")
			case err != nil:
				return nil, fmt.Errorf("find parent unit: %w", err)
			default:
				parent = &p
			}
		}
	}
	return parent, ve.Err()
}

// Create adds a unit below the unit named by ParentCode (or a root).
func (s *Service) Create(ctx context.Context, a authz.Actor, in Input) (Node, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Node{}, err
	}
	in.normalise()
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		parent, err := check(tx, in, true)
		if err != nil {
			return err
		}
		u := models.Unit{Code: in.Code, Name: in.Name, ShortName: in.ShortName, Kind: models.UnitKind(in.Kind),
			TypeLabel: in.TypeLabel, AreaCode: in.AreaCode, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
			Path: models.UnitPath("", in.Code)}
		if parent != nil {
			u.ParentID, u.Path = &parent.ID, models.UnitPath(parent.Path, in.Code)
		}
		if err := tx.Create(&u).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		id = u.ID
		after, err := getUnit(tx, u.ID)
		if err != nil {
			return err
		}
		return audit.Record(tx, a, "create", "units", u.ID, nil, after)
	})
	if err != nil {
		return Node{}, fmt.Errorf("create unit: %w", err)
	}
	return s.Get(ctx, a, id)
}

// Update changes the name, kind, labels and validity of the unit id (its code
// and parent stay).
func (s *Service) Update(ctx context.Context, a authz.Actor, id int64, in Input) (Node, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Node{}, err
	}
	in.normalise()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := getUnit(tx.Clauses(clause.Locking{Strength: "UPDATE"}), id)
		if err != nil {
			return err
		}
		if _, err := check(tx, in, false); err != nil {
			return err
		}
		if err := tx.Model(&models.Unit{}).Where("id = ?", id).Updates(map[string]any{
			"name": in.Name, "short_name": in.ShortName, "kind": in.Kind, "type_label": in.TypeLabel,
			"area_code": in.AreaCode, "valid_from": in.ValidFrom, "valid_to": in.ValidTo, "updated_at": gorm.Expr("now()"),
		}).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		after, err := getUnit(tx, id)
		if err != nil {
			return err
		}
		return audit.Record(tx, a, "update", "units", id, before, after)
	})
	if err != nil {
		return Node{}, fmt.Errorf("update unit %d: %w", id, err)
	}
	return s.Get(ctx, a, id)
}

func getUnit(db *gorm.DB, id int64) (models.Unit, error) {
	var u models.Unit
	err := db.Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, fmt.Errorf("unit %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("load unit %d: %w", id, err)
	}
	return u, nil
}

// constraints names the database constraints the checks should have caught
// (two admins at once), for apperr.FromConstraint. The path repeats the code.
func constraints() apperr.Constraints {
	return apperr.Constraints{
		"units_code_key": {Field: "code", Rule: "unique", ID: "units.code_taken"},
		"units_path_key": {Field: "code", Rule: "unique", ID: "units.code_taken"},
	}
}
