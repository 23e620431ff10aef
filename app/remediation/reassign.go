package remediation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/units"
	"khung/models"
)

// MaxReasonLength caps the reason of a re-assignment, in characters.
const MaxReasonLength = 2000

// Successor is a unit that took over, directly or through later reforms, the
// owner of a recommendation: a target of its re-assignment.
type Successor = units.Heir

// Successors returns the units in force on today that took over the owner of
// recommendation recID, a recommendation a may read: the choices of a
// re-assignment. Empty when the owner still exists or has no successor.
func (s *Service) Successors(ctx context.Context, a authz.Actor, recID int64, today models.Date) ([]Successor, error) {
	var owner []int64
	if err := s.db.WithContext(ctx).Model(&models.Recommendation{}).Scopes(authz.RecommendationScope(a)).
		Where("recommendations.id = ?", recID).Pluck("recommendations.owner_unit_id", &owner).Error; err != nil {
		return nil, fmt.Errorf("read recommendation %d: %w", recID, err)
	}
	if len(owner) == 0 {
		return nil, fmt.Errorf("recommendation %d: %w", recID, apperr.ErrNotFound)
	}
	return successorsOf(s.db.WithContext(ctx), owner[0], today)
}

func successorsOf(db *gorm.DB, unitID int64, today models.Date) ([]Successor, error) {
	return units.Heirs(db, unitID, today)
}

// ReassignInput is a planner's re-assignment of a recommendation.
type ReassignInput struct {
	UnitID int64  `json:"unit_id" form:"unit_id"` // the successor that takes it over
	Reason string `json:"reason" form:"reason"`   // why this successor (kept)
}

// Reassign gives the open (or returned) recommendation recID of a unit that no
// longer exists to unitID, a successor of that unit in force on today, and
// keeps the reason, the earlier owner, who and when on the recommendation and
// in the audit log. From then on the successor owns it fully (it reports on
// it, it is reminded of it) and its users are told, in-app and by mail.
// Only a planner may; a unit that is not a
// successor in force is a field error on unit_id (422); a recommendation
// whose owner still exists, with a report pending, or closed, is a conflict.
func (s *Service) Reassign(ctx context.Context, a authz.Actor, recID int64, in ReassignInput, now time.Time, today models.Date) (models.Recommendation, error) {
	var rec models.Recommendation
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return rec, err
	}
	reason := strings.TrimSpace(in.Reason)
	v := &apperr.ValidationError{}
	if in.UnitID <= 0 {
		v.AddField("unit_id", "required", "remediation.reassign.unit_required")
	}
	switch {
	case reason == "":
		v.AddField("reason", "required", "remediation.reassign.reason_required")
	case utf8.RuneCountInString(reason) > MaxReasonLength:
		v.AddField("reason", "max", "remediation.reassign.reason_too_long", "Max", MaxReasonLength)
	}
	if err := v.Err(); err != nil {
		return rec, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Scopes(authz.RecommendationScope(a)).First(&rec, recID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("recommendation %d: %w", recID, apperr.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read recommendation %d: %w", recID, err)
		}
		switch rec.Status {
		case models.RecommendationReported:
			return apperr.Fail(apperr.ErrConflict, "remediation.err.report_pending")
		case models.RecommendationDone, models.RecommendationCancelled:
			return apperr.Fail(apperr.ErrConflict, "remediation.err.closed")
		}
		var owner models.Unit
		if err := tx.Select("id", "name", "valid_to").First(&owner, rec.OwnerUnitID).Error; err != nil {
			return fmt.Errorf("read unit %d: %w", rec.OwnerUnitID, err)
		}
		if owner.ValidTo == nil || !owner.ValidTo.Before(today) {
			return apperr.Fail(apperr.ErrConflict, "remediation.reassign.owner_in_force", "Unit", owner.Name)
		}
		choices, err := successorsOf(tx, owner.ID, today)
		if err != nil {
			return err
		}
		ok := false
		for _, c := range choices {
			ok = ok || c.ID == in.UnitID
		}
		if !ok {
			return apperr.Field("unit_id", "successor", "remediation.reassign.not_successor", "Unit", owner.Name)
		}
		before := rec
		from, by, at := rec.OwnerUnitID, a.UserID, now
		rec.OwnerUnitID, rec.ReassignedFromUnitID, rec.ReassignedReason = in.UnitID, &from, reason
		rec.ReassignedAt, rec.ReassignedBy, rec.UpdatedAt = &at, &by, now
		if err := tx.Model(&rec).Select("owner_unit_id", "reassigned_from_unit_id", "reassigned_reason",
			"reassigned_at", "reassigned_by", "updated_at").Updates(&rec).Error; err != nil {
			return fmt.Errorf("re-assign recommendation %d: %w", rec.ID, err)
		}
		if err := audit.Record(tx, a, "recommendation.reassign", "recommendation", rec.ID, before, rec); err != nil {
			return err
		}
		return s.notifyReassigned(ctx, tx, rec, owner.Name, now)
	})
	if err != nil {
		return models.Recommendation{}, err
	}
	return rec, nil
}
