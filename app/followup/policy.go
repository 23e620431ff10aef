// Package followup decides which follow-up notifications are due: reminders
// before and after a recommendation's deadline, escalation when it is overdue,
// the weekly digest, notices of published visits and reminders about missing
// implementing directives. It is pure: the state, the policy and today's date
// come in as arguments, and every notification comes out with a stable key that
// the caller records once (INSERT … ON CONFLICT DO NOTHING), so running the same
// decision twice, on two servers or after a downtime gives each notification once.
package followup

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Audience is who inside or above a unit receives a notification.
type Audience string

// Audiences. Office, head and leadership are also the escalation levels (the
// unit positions of models.UnitPosition); team is the inspection team's lead.
const (
	AudienceOffice     Audience = "office"     // the unit's office (văn phòng)
	AudienceHead       Audience = "head"       // the unit's head (thủ trưởng)
	AudienceLeadership Audience = "leadership" // the department's leadership (lãnh đạo Sở)
	AudienceTeam       Audience = "team"       // the lead of the inspection team
)

// Escalation is one level of the escalation ladder: tell Audience once the
// recommendation is overdue by OverdueWorkingDays working days (0: as soon as
// it is overdue).
type Escalation struct {
	Audience           Audience
	OverdueWorkingDays int
}

// Policy is the notification policy in force on a day. The first three fields
// come from the rules notify.reminder_offsets_days, notify.escalation and
// notify.digest_weekday; the others from their own rules or DefaultPolicy.
type Policy struct {
	// ReminderOffsetsDays are the calendar days before a deadline to remind on.
	ReminderOffsetsDays []int
	// Escalation is the ladder, by increasing OverdueWorkingDays.
	Escalation []Escalation
	// DigestWeekday is the day of the weekly digest.
	DigestWeekday time.Weekday
	// VisitNoticeWorkingDays is how many working days before a published visit
	// starts its unit is told.
	VisitNoticeWorkingDays int
	// DirectiveDays is the time allowed to issue the directive implementing a
	// conclusion, counted from its signing, in working days when
	// DirectiveInWorkingDays, else in calendar days.
	DirectiveDays          int
	DirectiveInWorkingDays bool
	// ConclusionDays is the time allowed to sign a conclusion, counted from
	// the day its draft was received, in working days when
	// ConclusionInWorkingDays, else in calendar days.
	ConclusionDays          int
	ConclusionInWorkingDays bool
	// LimitReminderDays is how many calendar days before the end of a legal
	// time limit (signing the conclusion, issuing the directive) its reminder
	// goes; 0: none before, only once it has passed.
	LimitReminderDays int
	// CatchUpDays is how late a recommendation's reminder or escalation may
	// still be sent after the day it was scheduled for: after a downtime of up
	// to CatchUpDays every missed one is sent once; older ones are dropped
	// rather than flooding people with stale mail (the weekly digest still lists
	// everything pending). It also bounds the keys a sweep re-checks.
	CatchUpDays int
}

// DefaultPolicy is the policy the seed writes into the rules table (Sở Nội vụ's
// internal rules): used for a rule that is missing in the database.
func DefaultPolicy() Policy {
	return Policy{
		ReminderOffsetsDays: []int{14, 7, 1},
		Escalation: []Escalation{
			{AudienceOffice, 0},
			{AudienceHead, 5},
			{AudienceLeadership, 10},
		},
		DigestWeekday:          time.Monday,
		VisitNoticeWorkingDays: 5,
		DirectiveDays:          15, // Law on Inspection 2025, art. 53
		ConclusionDays:         15, // Law on Inspection 2025, art. 36
		LimitReminderDays:      3,
		CatchUpDays:            7,
	}
}

// Validate reports every problem of the policy at once.
func (p Policy) Validate() error {
	var errs []error
	seen := map[int]bool{}
	for _, d := range p.ReminderOffsetsDays {
		if d < 1 || d > 366 {
			errs = append(errs, fmt.Errorf("reminder offset %d days: must be between 1 and 366", d))
		}
		if seen[d] {
			errs = append(errs, fmt.Errorf("reminder offset %d days: given twice", d))
		}
		seen[d] = true
	}
	levels := map[Audience]bool{}
	for i, e := range p.Escalation {
		switch e.Audience {
		case AudienceOffice, AudienceHead, AudienceLeadership:
		default:
			errs = append(errs, fmt.Errorf("escalation level %d: position %q: must be office, head or leadership", i+1, e.Audience))
		}
		if levels[e.Audience] {
			errs = append(errs, fmt.Errorf("escalation level %d: position %q: given twice", i+1, e.Audience))
		}
		levels[e.Audience] = true
		if e.OverdueWorkingDays < 0 {
			errs = append(errs, fmt.Errorf("escalation level %d: %d overdue working days: must not be negative", i+1, e.OverdueWorkingDays))
		}
		if i > 0 && e.OverdueWorkingDays < p.Escalation[i-1].OverdueWorkingDays {
			errs = append(errs, fmt.Errorf("escalation level %d: must not come before level %d", i+1, i))
		}
	}
	if p.DigestWeekday < time.Sunday || p.DigestWeekday > time.Saturday {
		errs = append(errs, fmt.Errorf("digest weekday %d: not a weekday", p.DigestWeekday))
	}
	if p.VisitNoticeWorkingDays < 1 {
		errs = append(errs, fmt.Errorf("visit notice: %d working days: must be at least 1", p.VisitNoticeWorkingDays))
	}
	if p.DirectiveDays < 1 {
		errs = append(errs, fmt.Errorf("directive deadline: %d days: must be at least 1", p.DirectiveDays))
	}
	if p.ConclusionDays < 1 {
		errs = append(errs, fmt.Errorf("conclusion deadline: %d days: must be at least 1", p.ConclusionDays))
	}
	if p.LimitReminderDays < 0 {
		errs = append(errs, fmt.Errorf("limit reminder: %d days: must not be negative", p.LimitReminderDays))
	}
	if p.CatchUpDays < 0 {
		errs = append(errs, fmt.Errorf("catch-up: %d days: must not be negative", p.CatchUpDays))
	}
	if len(errs) > 0 {
		return fmt.Errorf("notification policy: %w", errors.Join(errs...))
	}
	return nil
}

// maxOffset is the largest reminder offset (0 without offsets).
func (p Policy) maxOffset() int {
	if len(p.ReminderOffsetsDays) == 0 {
		return 0
	}
	return slices.Max(p.ReminderOffsetsDays)
}

// RemindFrom returns the first deadline that can have a reminder due today: a
// recommendation with a later deadline has nothing due, so a sweep needs only
// the open recommendations with deadline ≤ RemindFrom(today).
func (p Policy) RemindFrom(today time.Time) time.Time {
	return today.AddDate(0, 0, p.maxOffset())
}

// ParseWeekday reads a lower-case English weekday name ("monday").
func ParseWeekday(s string) (time.Weekday, error) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(s, d.String()) {
			return d, nil
		}
	}
	return 0, fmt.Errorf("weekday %q: must be an English weekday name such as \"monday\"", s)
}

// Week returns the ISO week of day as "2026-W48".
func Week(day time.Time) string {
	y, w := day.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// isoWeekday numbers Monday 1 … Sunday 7.
func isoWeekday(d time.Weekday) int {
	if d == time.Sunday {
		return 7
	}
	return int(d)
}
