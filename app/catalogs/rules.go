package catalogs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/rules"
	"khung/models"
)

// RuleRow is one dated version of a rule, marked when it applies on the day
// the list was asked for.
type RuleRow struct {
	models.Rule
	InEffect bool `json:"in_effect" gorm:"-"`
}

// Rules returns every version of every rule, by key and start date; InEffect
// marks the version that applies on day.
func (s *Service) Rules(ctx context.Context, a authz.Actor, day models.Date) ([]RuleRow, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return nil, err
	}
	var rules []models.Rule
	if err := s.db.WithContext(ctx).Order("key, valid_from").Find(&rules).Error; err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	out := make([]RuleRow, len(rules))
	for i, r := range rules {
		out[i] = RuleRow{Rule: r, InEffect: !day.Before(r.ValidFrom) && (r.ValidTo == nil || !day.After(*r.ValidTo))}
	}
	return out, nil
}

// Rule returns the rule version id.
func (s *Service) Rule(ctx context.Context, a authz.Actor, id int64) (models.Rule, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return models.Rule{}, err
	}
	return getRule(s.db.WithContext(ctx), id)
}

func getRule(db *gorm.DB, id int64) (models.Rule, error) {
	var r models.Rule
	err := db.Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, fmt.Errorf("rule %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("load rule %d: %w", id, err)
	}
	return r, nil
}

// RuleInput is one version of a rule as the administrator enters it. Value is
// the JSON its key's declaration in app/rules expects: a number of days, a
// list of offsets, an object of weights.
type RuleInput struct {
	Key           string       `json:"key" validate:"required,max=100"`
	Value         models.JSON  `json:"value"`
	DescriptionVI string       `json:"description_vi" validate:"notblank,max=1000"`
	DescriptionEN string       `json:"description_en" validate:"max=1000"`
	LegalBasis    string       `json:"legal_basis" validate:"max=1000"`
	ValidFrom     models.Date  `json:"valid_from" validate:"required"`
	ValidTo       *models.Date `json:"valid_to"`
}

// keyPattern is the database's CHECK on rules.key: lower case, digits, _ and dots.
var keyPattern = regexp.MustCompile(`^[a-z0-9_.]+$`)

func (in *RuleInput) normalise() {
	in.Key = strings.TrimSpace(in.Key)
	in.DescriptionVI = strings.TrimSpace(in.DescriptionVI)
	in.DescriptionEN = strings.TrimSpace(in.DescriptionEN)
	in.LegalBasis = strings.TrimSpace(in.LegalBasis)
	if in.ValidTo != nil && in.ValidTo.IsZero() {
		in.ValidTo = nil
	}
}

// checkRule validates in inside tx; id is the version edited (0 when creating).
// The key must be a rule of the registry (app/rules) and the value one its
// declaration accepts, so that no saved value can stop the jobs that read it.
// Versions of one key may not overlap: the database enforces it with an
// exclusion constraint, and this check names the version in the way.
func checkRule(tx *gorm.DB, in RuleInput, id int64) error {
	ve, err := startChecks(in, "", in.ValidFrom, in.ValidTo)
	if err != nil {
		return err
	}
	def, known := rules.Find(in.Key)
	if in.Key != "" && !ve.Has("key") {
		switch {
		case !keyPattern.MatchString(in.Key):
			ve.AddField("key", "format", "catalogs.rule_key_format")
		case !known:
			ve.AddField("key", "exists", "catalogs.rule_key_unknown", "Key", in.Key)
		}
	}
	value := strings.TrimSpace(string(in.Value))
	switch {
	case value == "" || value == "null":
		ve.AddField("value", "required", "catalogs.required")
	case !json.Valid(in.Value):
		ve.AddField("value", "json", "catalogs.rule_value_json")
	case known:
		for _, p := range def.Problems(in.Value) {
			ve.Fields = append(ve.Fields, apperr.FieldError{Field: "value", Rule: p.Rule, Msg: p.Msg})
		}
	}
	if in.Key != "" && !in.ValidFrom.IsZero() && !ve.Has("key") && !ve.Has("valid_to") {
		var other models.Rule
		err := tx.Where("key = ? AND id <> ? AND daterange(valid_from, valid_to, '[]') && daterange(?::date, ?::date, '[]')",
			in.Key, id, in.ValidFrom, in.ValidTo).Order("valid_from").Take(&other).Error
		switch {
		case err == nil:
			ve.AddField("valid_from", "overlap", "catalogs.rule_overlap", "From", other.ValidFrom.String())
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("check overlapping versions: %w", err)
		}
	}
	return ve.Err()
}

// CreateRule adds a version of a rule.
func (s *Service) CreateRule(ctx context.Context, a authz.Actor, in RuleInput) (models.Rule, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return models.Rule{}, err
	}
	in.normalise()
	var out models.Rule
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkRule(tx, in, 0); err != nil {
			return err
		}
		r := models.Rule{Key: in.Key, Value: in.Value, DescriptionVI: in.DescriptionVI, DescriptionEN: in.DescriptionEN,
			LegalBasis: in.LegalBasis, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo}
		if err := tx.Create(&r).Error; err != nil {
			return apperr.FromConstraint(err, ruleConstraints())
		}
		var err error
		if out, err = getRule(tx, r.ID); err != nil {
			return err
		}
		return audit.Record(tx, a, "create", "rules", r.ID, nil, out)
	})
	if err != nil {
		return models.Rule{}, fmt.Errorf("create rule: %w", err)
	}
	return out, nil
}

// UpdateRule changes the rule version id.
func (s *Service) UpdateRule(ctx context.Context, a authz.Actor, id int64, in RuleInput) (models.Rule, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return models.Rule{}, err
	}
	in.normalise()
	var out models.Rule
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := getRule(tx.Clauses(clause.Locking{Strength: "UPDATE"}), id)
		if err != nil {
			return err
		}
		if err := checkRule(tx, in, id); err != nil {
			return err
		}
		if err := tx.Model(&models.Rule{}).Where("id = ?", id).Updates(map[string]any{
			"key": in.Key, "value": in.Value, "description_vi": in.DescriptionVI, "description_en": in.DescriptionEN,
			"legal_basis": in.LegalBasis, "valid_from": in.ValidFrom, "valid_to": in.ValidTo,
		}).Error; err != nil {
			return apperr.FromConstraint(err, ruleConstraints())
		}
		if out, err = getRule(tx, id); err != nil {
			return err
		}
		return audit.Record(tx, a, "update", "rules", id, before, out)
	})
	if err != nil {
		return models.Rule{}, fmt.Errorf("update rule %d: %w", id, err)
	}
	return out, nil
}

// DeleteRule removes the rule version id.
func (s *Service) DeleteRule(ctx context.Context, a authz.Actor, id int64) error {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := getRule(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(&models.Rule{}, id).Error; err != nil {
			return err
		}
		return audit.Record(tx, a, "delete", "rules", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete rule %d: %w", id, err)
	}
	return nil
}

// ruleConstraints names the constraints of the rules table, for apperr.FromConstraint.
func ruleConstraints() apperr.Constraints {
	overlap := apperr.Constraint{Field: "valid_from", Rule: "overlap", ID: "constraint.rule_overlap"}
	return apperr.Constraints{
		"rules_key_valid_from_key": overlap,
		"rules_no_overlap":         overlap,
		"rules_valid_order":        {Field: "valid_to", Rule: "gtefield", ID: "constraint.catalog_valid_order"},
	}
}
