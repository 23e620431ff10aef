package inspections

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// UnplannedInput is an unannounced or verification visit that a planner
// creates outside the framework plan.
type UnplannedInput struct {
	UnitID     int64       `json:"unit_id" form:"unit_id" validate:"omitempty,min=1"`
	UnitCode   string      `json:"unit_code" form:"unit_code" validate:"max=200"` // the form's unit picker gives a code instead of UnitID
	Form       models.Form `json:"form" form:"form" validate:"required,oneof=unannounced verification"`
	LeadBodyID int64       `json:"lead_body_id" form:"lead_body_id" validate:"required,min=1"`
	Kind       string      `json:"kind" form:"kind" validate:"required,max=64"` // inspection_kinds.code: what the statistics count it as
	StartDate  models.Date `json:"start_date" form:"start_date" validate:"required" label:"field.start_date"`
	EndDate    models.Date `json:"end_date" form:"end_date" validate:"required,gtefield=StartDate"`
	LeadID     int64       `json:"lead_id" form:"lead_id" validate:"required,min=1"`
	MemberIDs  []int64     `json:"member_ids" form:"member_ids" validate:"max=30,dive,min=1"`
	Reason     string      `json:"reason" form:"reason" validate:"notblank,max=2000"`
}

// CreateUnplanned creates an unannounced or verification visit outside any
// plan (plan_version_id NULL) with its team, and records why in its history.
func (s *Service) CreateUnplanned(ctx context.Context, a authz.Actor, in UnplannedInput) (models.Visit, error) {
	in.Reason, in.Kind, in.UnitCode = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Kind), strings.TrimSpace(in.UnitCode)
	var v models.Visit
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return v, err
	}
	if err := apperr.Validate(in); err != nil {
		return v, err
	}
	unitField := "unit_id"
	if in.UnitID == 0 {
		unitField = "unit_code"
		if in.UnitCode == "" {
			return v, apperr.Field(unitField, "required", "validation.required")
		}
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var unit models.Unit
		q := tx.Select("id", "name", "valid_from", "valid_to")
		if in.UnitID != 0 {
			q = q.Where("id = ?", in.UnitID)
		} else {
			q = q.Where("code = ?", in.UnitCode)
		}
		if err := q.Limit(1).Find(&unit).Error; err != nil {
			return fmt.Errorf("unit %d %q: %w", in.UnitID, in.UnitCode, err)
		}
		var n int64
		if err := tx.Model(&models.InspectionKind{}).Where("code = ?", in.Kind).Count(&n).Error; err != nil {
			return fmt.Errorf("kind %q: %w", in.Kind, err)
		}
		if n == 0 && unit.ID != 0 {
			return apperr.Field("kind", "exists", "inspections.check.no_kind")
		}
		team, err := checkFrame(tx, unitField, unit, in.StartDate, in.LeadBodyID, in.LeadID, in.MemberIDs)
		if err != nil {
			return err
		}
		in.UnitID = unit.ID
		if v, err = insertVisit(tx, a, "v-dx-%05d", models.Visit{UnitID: in.UnitID, Form: in.Form, LeadBodyID: in.LeadBodyID,
			Kind: &in.Kind, StartDate: &in.StartDate, EndDate: &in.EndDate}, team, in.Reason); err != nil {
			return err
		}
		return audit.Record(tx, a, "visit.create_unplanned", "visit", v.ID, nil, map[string]any{"visit": v, "team": team})
	})
	return v, err
}

// Choices are what the form of an unplanned visit offers.
type Choices struct {
	Bodies     []Option
	Kinds      []Option // kinds of inspection in force
	Inspectors []InspectorOption
}

// UnplannedChoices lists (the unit is chosen with the forms' unit picker) the
// active bodies still at work (a departmental inspectorate that ended on 30
// June 2025 is not offered) and active inspectors for the form.
func (s *Service) UnplannedChoices(ctx context.Context, a authz.Actor) (Choices, error) {
	var ch Choices
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return ch, err
	}
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT id, code, name AS label FROM bodies WHERE active AND valid_to IS NULL ORDER BY precedence, name`).Scan(&ch.Bodies).Error; err != nil {
		return ch, fmt.Errorf("bodies: %w", err)
	}
	if err := db.Raw(`SELECT id, code, name_vi AS label FROM inspection_kinds WHERE valid_to IS NULL ORDER BY id`).Scan(&ch.Kinds).Error; err != nil {
		return ch, fmt.Errorf("kinds: %w", err)
	}
	var err error
	ch.Inspectors, err = activeInspectors(db)
	return ch, err
}

// insertVisit creates visit v outside any plan with its team, codes it after
// its id (code, e.g. "v-dx-%05d") and records why in its history.
func insertVisit(tx *gorm.DB, a authz.Actor, code string, v models.Visit, team []TeamEntry, reason string) (models.Visit, error) {
	start, end := *v.StartDate, *v.EndDate
	// The code is made of the new id; until then the transaction's own id
	// is a placeholder no other transaction can hold.
	var txid int64
	if err := tx.Raw(`SELECT txid_current()`).Scan(&txid).Error; err != nil {
		return v, fmt.Errorf("transaction id: %w", err)
	}
	v.Code, v.Year, v.Days, v.TeamSize = fmt.Sprintf("dx-new-%d", txid), start.Year, start.DaysUntil(end)+1, len(team)
	v.Priority, v.Status, v.Why = 1, models.VisitPlanned, models.JSON(`[]`)
	if err := tx.Create(&v).Error; err != nil {
		return v, fmt.Errorf("create unplanned visit: %w", err)
	}
	v.Code = fmt.Sprintf(code, v.ID)
	if err := tx.Model(&models.Visit{}).Where("id = ?", v.ID).Update("code", v.Code).Error; err != nil {
		return v, fmt.Errorf("code of visit %d: %w", v.ID, err)
	}
	if err := replaceTeam(tx, v.ID, team); err != nil {
		return v, err
	}
	// The reason for an unplanned visit goes into its history as its first entry.
	to := models.VisitPlanned
	ev := models.VisitEvent{VisitID: v.ID, Kind: models.EventStatusChange, ToStatus: &to, OnDate: start,
		Reason: reason, UserID: userID(a)}
	if err := tx.Omit("At").Create(&ev).Error; err != nil {
		return v, fmt.Errorf("history of visit %d: %w", v.ID, err)
	}
	return v, nil
}

// checkFrame checks what every visit made outside the plan needs: its unit
// (read by the caller; unitField names it in the form) exists on the first
// day (a ward merged away on 01/07/2025 is visited as its successor), its lead
// body is active, and its team (lead and members) is; it returns the team.
func checkFrame(tx *gorm.DB, unitField string, unit models.Unit, start models.Date, leadBody, lead int64, members []int64) ([]TeamEntry, error) {
	if unit.ID == 0 {
		return nil, apperr.Field(unitField, "exists", "inspections.check.no_unit")
	}
	if (unit.ValidFrom != nil && start.Before(*unit.ValidFrom)) || (unit.ValidTo != nil && unit.ValidTo.Before(start)) {
		return nil, apperr.Field(unitField, "in_force", "unitpicker.not_in_force", "Unit", unit.Name, "Date", start)
	}
	var n int64
	if err := tx.Model(&models.Body{}).Where("id = ? AND active", leadBody).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("body %d: %w", leadBody, err)
	}
	if n == 0 {
		return nil, apperr.Field("lead_body_id", "exists", "inspections.check.no_lead_body")
	}
	return loadTeam(tx, DecisionInput{LeadID: lead, MemberIDs: members})
}
