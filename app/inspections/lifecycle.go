package inspections

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
	"khung/models"
)

// Steps are the statuses of a visit in the order of its work. A visit moves
// only forward, one step at a time; suspended and cancelled are events beside
// the steps.
var Steps = []models.VisitStatus{
	models.VisitPlanned, models.VisitDecisionSigned, models.VisitAnnounced, models.VisitOnSite,
	models.VisitOnSiteEnded, models.VisitConclusionIssued, models.VisitFollowUp, models.VisitClosed,
}

func stepIndex(s models.VisitStatus) int {
	for i, x := range Steps {
		if x == s {
			return i
		}
	}
	return -1
}

// Facts are what the guards of the lifecycle look at.
type Facts struct {
	Form          models.Form
	HasDecision   bool
	HasConclusion bool
	OpenRecs      int // recommendations neither done nor cancelled
}

// Next returns the status a visit in status from moves to next, or "" when
// there is none (closed, cancelled, suspended). An unannounced or
// verification visit is never announced to the unit: it goes from the signed
// decision straight on site.
func Next(form models.Form, from models.VisitStatus) models.VisitStatus {
	i := stepIndex(from)
	if i < 0 || i == len(Steps)-1 {
		return ""
	}
	next := Steps[i+1]
	if next == models.VisitAnnounced && form != models.FormPlanned {
		next = models.VisitOnSite
	}
	return next
}

// CheckStep returns nil when a visit in status from may move to to, else an
// error saying why not (409 with a message id).
func CheckStep(f Facts, from, to models.VisitStatus) error {
	switch from {
	case models.VisitCancelled:
		return conflict("inspections.step.cancelled")
	case models.VisitSuspended:
		return conflict("inspections.step.suspended")
	case models.VisitClosed:
		return conflict("inspections.step.closed")
	}
	if to != Next(f.Form, from) {
		if to == models.VisitAnnounced && f.Form != models.FormPlanned {
			return conflict("inspections.step.never_announced")
		}
		return conflict("inspections.step.next_only")
	}
	switch to {
	case models.VisitDecisionSigned:
		if !f.HasDecision {
			return conflict("inspections.step.needs_decision")
		}
	case models.VisitConclusionIssued, models.VisitFollowUp:
		if !f.HasConclusion {
			return conflict("inspections.step.needs_conclusion")
		}
	case models.VisitClosed:
		if f.OpenRecs > 0 {
			return conflict("inspections.step.open_recs", "Count", f.OpenRecs)
		}
	}
	return nil
}

// conflict is a 409 with the message id and its key/value parameters.
func conflict(id string, pairs ...any) error { return apperr.Fail(apperr.ErrConflict, id, pairs...) }

// facts reads the guards' facts of visit v.
func facts(tx *gorm.DB, v models.Visit) (Facts, error) {
	f := Facts{Form: v.Form}
	var n int64
	if err := tx.Model(&models.Decision{}).Where("visit_id = ? AND kind = ?", v.ID, models.DecisionInspection).
		Count(&n).Error; err != nil {
		return f, fmt.Errorf("decision of visit %d: %w", v.ID, err)
	}
	f.HasDecision = n > 0
	if err := tx.Model(&models.Conclusion{}).Where("visit_id = ?", v.ID).Count(&n).Error; err != nil {
		return f, fmt.Errorf("conclusion of visit %d: %w", v.ID, err)
	}
	f.HasConclusion = n > 0
	if err := tx.Model(&models.Recommendation{}).
		Where("conclusion_id IN (SELECT id FROM conclusions WHERE visit_id = ?) AND status NOT IN ('done', 'cancelled')", v.ID).
		Count(&n).Error; err != nil {
		return f, fmt.Errorf("open recommendations of visit %d: %w", v.ID, err)
	}
	f.OpenRecs = int(n)
	return f, nil
}

// StatusInput moves a visit to its next step.
type StatusInput struct {
	To     models.VisitStatus `json:"to" form:"to" validate:"required"`
	OnDate models.Date        `json:"on_date" form:"on_date" validate:"required"`
	Reason string             `json:"reason" form:"reason" validate:"max=2000"`
}

// ChangeStatus moves visit id to in.To when the guards allow it, and records
// the change in the visit's history. The date may not lie after today (at
// now); the team is on site no earlier than the visit's start date, and ends
// its work there no earlier than it started.
func (s *Service) ChangeStatus(ctx context.Context, a authz.Actor, id int64, in StatusInput, now time.Time) (models.Visit, error) {
	if err := apperr.Validate(in); err != nil {
		return models.Visit{}, err
	}
	var out models.Visit
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := lockWritable(tx, a, id)
		if err != nil {
			return err
		}
		f, err := facts(tx, v)
		if err != nil {
			return err
		}
		if err := CheckStep(f, v.Status, in.To); err != nil {
			return err
		}
		if err := checkStepDate(tx, v, in.To, in.OnDate, s.today(now)); err != nil {
			return err
		}
		out, err = moveTo(tx, a, v, in.To, in.OnDate, strings.TrimSpace(in.Reason), nil)
		return err
	})
	return out, err
}

// moveTo sets v's status and records the change as an event.
func moveTo(tx *gorm.DB, a authz.Actor, v models.Visit, to models.VisitStatus, on models.Date, reason string, decisionID *int64) (models.Visit, error) {
	from := v.Status
	if err := tx.Model(&models.Visit{}).Where("id = ?", v.ID).
		Updates(map[string]any{"status": to, "updated_at": gorm.Expr("now()")}).Error; err != nil {
		return v, fmt.Errorf("visit %d to %s: %w", v.ID, to, err)
	}
	ev := models.VisitEvent{VisitID: v.ID, Kind: models.EventStatusChange, FromStatus: &from, ToStatus: &to,
		OnDate: on, Reason: reason, DecisionID: decisionID, UserID: userID(a)}
	if err := tx.Omit("At").Create(&ev).Error; err != nil {
		return v, fmt.Errorf("history of visit %d: %w", v.ID, err)
	}
	after := v
	after.Status = to
	if err := audit.Record(tx, a, "visit.status", "visit", v.ID, map[string]any{"status": from}, map[string]any{"status": to, "on_date": on}); err != nil {
		return v, err
	}
	return after, nil
}

func userID(a authz.Actor) *int64 {
	if a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

// EventInput records an event beside the steps: extended (with the new last
// day on site), suspended, resumed or cancelled, each with its date and
// (except resumed) a reason.
type EventInput struct {
	Kind       models.VisitEventKind `json:"kind" form:"kind" validate:"required,oneof=extended suspended resumed cancelled"`
	OnDate     models.Date           `json:"on_date" form:"on_date" validate:"required"`
	NewEndDate *models.Date          `json:"new_end_date" form:"new_end_date"`
	Reason     string                `json:"reason" form:"reason" validate:"max=2000"`
}

// RecordEvent records an event of visit id and applies it: an extension
// moves the last day on site, a suspension stops the visit until it is
// resumed (back to the status it had), a cancellation ends it. Its date may
// not lie after today (at now).
func (s *Service) RecordEvent(ctx context.Context, a authz.Actor, id int64, in EventInput, now time.Time) (models.VisitEvent, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(in); err != nil {
		v, _ := apperr.AsValidation(err)
		if v == nil {
			return models.VisitEvent{}, err
		}
		ve = v
	}
	if in.Kind != models.EventResumed && in.Reason == "" && !ve.Has("reason") {
		ve.AddField("reason", "required", "inspections.check.reason_required")
	}
	if in.Kind == models.EventExtended && (in.NewEndDate == nil || in.NewEndDate.IsZero()) {
		ve.AddField("new_end_date", "required", "inspections.check.new_end_required")
	}
	if today := s.today(now); !in.OnDate.IsZero() && today.Before(in.OnDate) && !ve.Has("on_date") {
		ve.AddField("on_date", "future", "lifecycle.date.future", "Today", today)
	}
	if err := ve.Err(); err != nil {
		return models.VisitEvent{}, err
	}
	var ev models.VisitEvent
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := lockWritable(tx, a, id)
		if err != nil {
			return err
		}
		from := v.Status
		ev = models.VisitEvent{VisitID: v.ID, Kind: in.Kind, FromStatus: &from, OnDate: in.OnDate,
			Reason: in.Reason, UserID: userID(a)}
		updates := map[string]any{"updated_at": gorm.Expr("now()")}
		switch in.Kind {
		case models.EventExtended:
			if err := canExtend(v, *in.NewEndDate); err != nil {
				return err
			}
			ev.NewEndDate = in.NewEndDate
			updates["end_date"] = *in.NewEndDate
		case models.EventSuspended:
			if stepIndex(v.Status) < 0 || v.Status == models.VisitClosed {
				return conflict("inspections.step.cannot_suspend")
			}
			to := models.VisitSuspended
			ev.ToStatus, updates["status"] = &to, to
		case models.EventResumed:
			if v.Status != models.VisitSuspended {
				return conflict("inspections.step.not_suspended")
			}
			back, err := statusBeforeSuspension(tx, v.ID)
			if err != nil {
				return err
			}
			ev.ToStatus, updates["status"] = &back, back
		case models.EventCancelled:
			if v.Status == models.VisitCancelled || v.Status == models.VisitClosed {
				return conflict("inspections.step.cannot_cancel")
			}
			to := models.VisitCancelled
			ev.ToStatus, updates["status"] = &to, to
		}
		if err := tx.Model(&models.Visit{}).Where("id = ?", v.ID).Updates(updates).Error; err != nil {
			return fmt.Errorf("apply %s to visit %d: %w", in.Kind, v.ID, apperr.FromConstraint(err, constraints()))
		}
		if err := tx.Omit("At").Create(&ev).Error; err != nil {
			return fmt.Errorf("history of visit %d: %w", v.ID, err)
		}
		return audit.Record(tx, a, "visit."+string(in.Kind), "visit", v.ID,
			map[string]any{"status": v.Status, "end_date": v.EndDate}, ev)
	})
	return ev, err
}

// canExtend checks an extension: the visit must be scheduled, not over, and
// the new last day after the current one.
func canExtend(v models.Visit, end models.Date) error {
	switch v.Status {
	case models.VisitCancelled, models.VisitClosed, models.VisitConclusionIssued, models.VisitFollowUp:
		return conflict("inspections.step.cannot_extend")
	}
	if v.EndDate == nil {
		return apperr.Field("new_end_date", "scheduled", "inspections.check.not_scheduled")
	}
	if !end.After(*v.EndDate) {
		return apperr.Field("new_end_date", "gtfield", "inspections.check.new_end_after", "Date", *v.EndDate)
	}
	return nil
}

// statusBeforeSuspension is the status the visit had when it was last suspended.
func statusBeforeSuspension(tx *gorm.DB, visitID int64) (models.VisitStatus, error) {
	var ev models.VisitEvent
	err := tx.Where("visit_id = ? AND kind = ?", visitID, models.EventSuspended).Order("at DESC, id DESC").Take(&ev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && ev.FromStatus == nil) {
		return models.VisitPlanned, nil
	}
	if err != nil {
		return "", fmt.Errorf("last suspension of visit %d: %w", visitID, err)
	}
	return *ev.FromStatus, nil
}
