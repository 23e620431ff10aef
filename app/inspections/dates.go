package inspections

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/models"
)

// The workflow keeps to the calendar: nothing is recorded as happening after
// today, the team is on site no earlier than the visit's start date, and the
// conclusion is signed no earlier than the day the work on site ended. Without
// these guards a secret visit could be concluded, and its recommendations
// shown, before the unit may know of it.

// notFuture refuses d on field when it lies after today.
func notFuture(field string, d, today models.Date) error {
	if today.Before(d) {
		return apperr.Field(field, "future", "lifecycle.date.future", "Today", today)
	}
	return nil
}

// stepDate returns the date recorded for the last move of visit visitID to
// status (ok false when it never moved there through the workflow).
func stepDate(tx *gorm.DB, visitID int64, status models.VisitStatus) (models.Date, bool, error) {
	var ev models.VisitEvent
	err := tx.Where("visit_id = ? AND kind = ? AND to_status = ?", visitID, models.EventStatusChange, status).
		Order("at DESC, id DESC").Take(&ev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Date{}, false, nil
	}
	if err != nil {
		return models.Date{}, false, fmt.Errorf("date of visit %d's move to %s: %w", visitID, status, err)
	}
	return ev.OnDate, true, nil
}

// checkStepDate applies the date guards to a move of v to status to on date on.
func checkStepDate(tx *gorm.DB, v models.Visit, to models.VisitStatus, on, today models.Date) error {
	if err := notFuture("on_date", on, today); err != nil {
		return err
	}
	switch to {
	case models.VisitOnSite:
		if v.StartDate == nil {
			return apperr.Field("on_date", "scheduled", "lifecycle.date.unscheduled")
		}
		if on.Before(*v.StartDate) {
			return apperr.Field("on_date", "gtefield", "lifecycle.date.on_site_before_start", "Date", *v.StartDate)
		}
	case models.VisitOnSiteEnded:
		started, ok, err := stepDate(tx, v.ID, models.VisitOnSite)
		if err != nil {
			return err
		}
		if ok && on.Before(started) {
			return apperr.Field("on_date", "gtefield", "lifecycle.date.before_on_site", "Date", started)
		}
	}
	return nil
}

// siteEnd is the first day a conclusion of v may be signed: the day the work
// on site ended (or, for a visit moved there before the workflow recorded
// dates, its start date).
func siteEnd(tx *gorm.DB, v models.Visit) (models.Date, bool, error) {
	ended, ok, err := stepDate(tx, v.ID, models.VisitOnSiteEnded)
	if err != nil || ok {
		return ended, ok, err
	}
	if v.StartDate != nil {
		return *v.StartDate, true, nil
	}
	return models.Date{}, false, nil
}

// checkConclusionDates refuses a conclusion signed (or its draft received)
// after today, or signed before the work on site of v ended.
func checkConclusionDates(tx *gorm.DB, v models.Visit, in ConclusionInput, today models.Date) error {
	ve := &apperr.ValidationError{}
	if today.Before(in.SignedOn) {
		ve.AddField("signed_on", "future", "lifecycle.date.future", "Today", today)
	} else {
		end, ok, err := siteEnd(tx, v)
		if err != nil {
			return err
		}
		if ok && in.SignedOn.Before(end) {
			ve.AddField("signed_on", "gtefield", "lifecycle.date.conclusion_before_site_end", "Date", end)
		}
	}
	if in.DraftReceivedOn != nil && today.Before(*in.DraftReceivedOn) {
		ve.AddField("draft_received_on", "future", "lifecycle.date.future", "Today", today)
	}
	return ve.Err()
}
