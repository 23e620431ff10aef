package remediation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/officialdoc"
	"khung/models"
)

// OutcomeInput is what was decided about those a recommendation of
// responsibility names: the measure (kinds.toml's [[discipline]]), whom it
// concerns, and the decision that took it.
type OutcomeInput struct {
	Measure        string      `json:"measure" form:"measure" validate:"required,max=64" label:"field.outcome_measure"`
	Subject        string      `json:"subject" form:"subject" validate:"notblank,max=500" label:"field.outcome_subject"`
	DecidedOn      models.Date `json:"decided_on" form:"decided_on" validate:"required" label:"field.outcome_decided_on"`
	DocumentNumber string      `json:"document_number" form:"document_number" validate:"notblank,max=100" label:"field.outcome_document"`
	Note           string      `json:"note" form:"note" validate:"max=2000" label:"field.outcome_note"`
}

// Outcome is one recorded outcome with its measure's names.
type Outcome struct {
	models.ResponsibilityOutcome
	MeasureName   string `json:"measure_name"`    // "Khiển trách"
	MeasureNameEN string `json:"measure_name_en"` // "Reprimand"
	RecorderName  string `json:"recorder_name"`
}

// Measures lists the measures in force on day for the form.
func Measures(day time.Time) []officialdoc.Measure {
	book, err := officialdoc.Default()
	if err != nil {
		return nil
	}
	var out []officialdoc.Measure
	for _, m := range book.Discipline {
		if m.Holds(day) {
			out = append(out, m)
		}
	}
	return out
}

// RecordOutcome records an outcome of recommendation recID, which must be a
// recommendation of responsibility that a may read: by its owner unit (or
// the unit that took it over whole) or by a planner.
func (s *Service) RecordOutcome(ctx context.Context, a authz.Actor, recID int64, in OutcomeInput, now time.Time) (models.ResponsibilityOutcome, error) {
	var o models.ResponsibilityOutcome
	if !a.Is(models.RolePlanner) {
		if err := authz.Require(a, authz.ReportRemediation); err != nil {
			return o, err
		}
	}
	in.Measure, in.Subject, in.DocumentNumber, in.Note = strings.TrimSpace(in.Measure), strings.TrimSpace(in.Subject),
		strings.TrimSpace(in.DocumentNumber), strings.TrimSpace(in.Note)
	if err := apperr.Validate(in); err != nil {
		return o, err
	}
	book, err := officialdoc.Default()
	if err != nil {
		return o, err
	}
	if _, ok := book.Measure(in.Measure, in.DecidedOn.Time()); !ok {
		return o, apperr.Field("measure", "oneof", "legal.check.measure")
	}
	today := models.DateOf(now.In(s.loc))
	if today.Before(in.DecidedOn) {
		return o, apperr.Field("decided_on", "future", "lifecycle.date.future", "Today", today)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rec struct {
			models.Recommendation
			SignedOn models.Date
		}
		err := tx.Table("recommendations").Scopes(authz.RecommendationScope(a)).
			Select("recommendations.*, c.signed_on").Joins("JOIN conclusions c ON c.id = recommendations.conclusion_id").
			Where("recommendations.id = ?", recID).Take(&rec).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("recommendation %d: %w", recID, apperr.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read recommendation %d: %w", recID, err)
		}
		if !a.Is(models.RolePlanner) {
			var mine int64
			if err := tx.Model(&models.Recommendation{}).Scopes(authz.RecommendationReportScope(a)).
				Where("recommendations.id = ?", recID).Count(&mine).Error; err != nil {
				return fmt.Errorf("check the owner of recommendation %d: %w", recID, err)
			}
			if mine == 0 {
				return apperr.Fail(apperr.ErrForbidden, "remediation.err.part_not_reassigned")
			}
		}
		if rec.Kind != models.RecommendationResponsibility {
			return apperr.Fail(apperr.ErrConflict, "legal.err.not_responsibility")
		}
		if in.DecidedOn.Before(rec.SignedOn) {
			return apperr.Field("decided_on", "gtefield", "legal.check.outcome_after_conclusion", "Date", rec.SignedOn)
		}
		o = models.ResponsibilityOutcome{RecommendationID: recID, Measure: in.Measure, Subject: in.Subject,
			DecidedOn: in.DecidedOn, DocumentNumber: in.DocumentNumber, Note: in.Note, RecordedAt: now}
		if a.UserID != 0 {
			uid := a.UserID
			o.RecordedBy = &uid
		}
		if err := tx.Create(&o).Error; err != nil {
			return fmt.Errorf("outcome of recommendation %d: %w", recID, err)
		}
		return audit.Record(tx, a, "recommendation.outcome", "recommendation", recID, nil, o)
	})
	return o, err
}

// outcomes lists the outcomes of recommendation id, oldest first.
func (s *Service) outcomes(ctx context.Context, id int64) ([]Outcome, error) {
	var out []Outcome
	if err := s.db.WithContext(ctx).Raw(`SELECT o.*, coalesce(u.full_name, '') AS recorder_name FROM responsibility_outcomes o
		LEFT JOIN users u ON u.id = o.recorded_by WHERE o.recommendation_id = ? ORDER BY o.decided_on, o.id`, id).
		Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("outcomes of recommendation %d: %w", id, err)
	}
	book, err := officialdoc.Default()
	if err != nil {
		return nil, err
	}
	for i := range out {
		for _, m := range book.Discipline {
			if m.Code == out[i].Measure {
				out[i].MeasureName, out[i].MeasureNameEN = m.Name, m.NameEN
			}
		}
	}
	return out, nil
}
