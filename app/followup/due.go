package followup

import (
	"fmt"
	"slices"
	"time"
)

// Kind says what a notification is about.
type Kind string

// Notification kinds.
const (
	KindBeforeDeadline   Kind = "reminder_before"   // n days before the deadline
	KindDeadlineToday    Kind = "reminder_due"      // on the deadline
	KindOverdue          Kind = "reminder_overdue"  // weekly while overdue
	KindEscalation       Kind = "escalation"        // overdue long enough to tell the next level
	KindVisitNotice      Kind = "visit_notice"      // a published visit is coming
	KindMissingDirective Kind = "missing_directive" // no implementing directive in time
	KindDigest           Kind = "digest"            // the weekly digest
)

// Notice is one notification that is due. Key names the subject and the
// occasion but not the recipient (the caller adds the recipient), and is the
// same whenever and wherever the decision is made.
type Notice struct {
	Key       string
	Kind      Kind
	Audiences []Audience
	// Mail says whether it also goes by e-mail; when false it is in-app only
	// (weekly overdue reminders reach mailboxes through the weekly digest).
	Mail bool
	// SubjectID is the id of the recommendation, visit or conclusion.
	SubjectID int64
	// Deadline is the recommendation's deadline, the visit's first day, or the
	// last day to issue the directive.
	Deadline time.Time
	// DaysLeft is the number of calendar days from today to Deadline (negative
	// once it has passed).
	DaysLeft int
	// OverdueWorkingDays is how many working days the deadline is overdue today.
	OverdueWorkingDays int
	// Scheduled is the day a recommendation's reminder or escalation was due
	// on: before today when it is caught up after a downtime. Zero for the
	// other notices.
	Scheduled time.Time
}

// Recommendation is what the decision needs to know of a recommendation.
type Recommendation struct {
	ID       int64
	Deadline time.Time
	// Status is open, reported, returned, done or cancelled. Only open and
	// returned recommendations wait for the unit, so only they are reminded.
	Status string
	// RecordedOn is the day it was entered: reminders scheduled before it are
	// never sent (a recommendation entered 3 days before its deadline gets no
	// "14 days left" reminder).
	RecordedOn time.Time
}

func (r Recommendation) awaitsUnit() bool { return r.Status == "open" || r.Status == "returned" }

func days(from, to time.Time) int { return int(to.Sub(from).Hours() / 24) }

func date(t time.Time) string { return t.Format(time.DateOnly) }

// catchesUp reports whether a time-based reminder scheduled on day s is due
// today: its day has come, it is at most CatchUpDays late, and it was not
// scheduled before the subject existed.
func (p Policy) catchesUp(s, today, recorded time.Time) bool {
	return !s.After(today) && days(s, today) <= p.CatchUpDays && !s.Before(recorded)
}

// RecommendationDue returns the notifications of r that are due today, whether
// or not they were already sent (the caller records keys and skips known ones):
//
//   - before the deadline, on each offset of the policy: "rec:42:before:7@2026-12-01";
//   - on the deadline: "rec:42:due@2026-12-01";
//   - once per ISO week while overdue, in-app only: "rec:42:overdue:2026-W48";
//   - each escalation level once the overdue working days reach it:
//     "rec:42:escalate:head@2026-12-01".
//
// Each is due from the day it is scheduled for CatchUpDays days, so a downtime
// of up to CatchUpDays loses none, and a sweep re-checks only recent keys, not
// every level of every recommendation overdue for months. An escalation is
// scheduled on the day its level is reached, or on the day the recommendation
// was recorded if that is later; the other reminders are never sent for a day
// before it was recorded. Keys carry the deadline, so a moved deadline starts
// its reminders afresh.
func RecommendationDue(r Recommendation, p Policy, w *Workdays, today time.Time) ([]Notice, error) {
	if !r.awaitsUnit() {
		return nil, nil
	}
	d := r.Deadline
	notice := func(kind Kind, key string, mail bool, aud Audience, on time.Time) Notice {
		return Notice{Key: key, Kind: kind, Audiences: []Audience{aud}, Mail: mail, SubjectID: r.ID,
			Deadline: d, DaysLeft: days(today, d), Scheduled: on}
	}
	var out []Notice
	offsets := slices.Clone(p.ReminderOffsetsDays)
	slices.SortFunc(offsets, func(a, b int) int { return b - a }) // earliest reminder first
	for _, n := range offsets {
		if on := d.AddDate(0, 0, -n); p.catchesUp(on, today, r.RecordedOn) {
			out = append(out, notice(KindBeforeDeadline, fmt.Sprintf("rec:%d:before:%d@%s", r.ID, n, date(d)), true, AudienceOffice, on))
		}
	}
	if p.catchesUp(d, today, r.RecordedOn) {
		out = append(out, notice(KindDeadlineToday, fmt.Sprintf("rec:%d:due@%s", r.ID, date(d)), true, AudienceOffice, d))
	}
	if !today.After(d) {
		return out, nil
	}

	overdue, err := w.Between(d, today)
	if err != nil {
		return nil, fmt.Errorf("recommendation %d: overdue working days: %w", r.ID, err)
	}
	// The weekly reminder of an ISO week is scheduled on the first overdue day of
	// that week. Walk back from this week's Monday over the weeks still inside
	// the catch-up window.
	firstOverdue := d.AddDate(0, 0, 1)
	var weekly []Notice
	for monday := today.AddDate(0, 0, 1-isoWeekday(today.Weekday())); ; monday = monday.AddDate(0, 0, -7) {
		s := monday
		if s.Before(firstOverdue) {
			s = firstOverdue
		}
		if days(s, today) > p.CatchUpDays {
			break // this week's and older reminders are stale
		}
		if p.catchesUp(s, today, r.RecordedOn) {
			n := notice(KindOverdue, fmt.Sprintf("rec:%d:overdue:%s", r.ID, Week(s)), false, AudienceOffice, s)
			n.OverdueWorkingDays = overdue
			weekly = append(weekly, n)
		}
		if !monday.After(firstOverdue) {
			break // the week the recommendation fell overdue
		}
	}
	slices.Reverse(weekly)
	out = append(out, weekly...)

	// A level is reached on the first day the overdue working days come to its
	// threshold; for a recommendation recorded later, on the day it was recorded.
	for _, e := range p.Escalation {
		if overdue < e.OverdueWorkingDays {
			continue
		}
		reached := firstOverdue
		if e.OverdueWorkingDays > 0 {
			if reached, err = w.Add(d, e.OverdueWorkingDays); err != nil {
				return nil, fmt.Errorf("recommendation %d: escalation day: %w", r.ID, err)
			}
		}
		if reached.Before(r.RecordedOn) {
			reached = r.RecordedOn
		}
		if p.catchesUp(reached, today, r.RecordedOn) {
			n := notice(KindEscalation, fmt.Sprintf("rec:%d:escalate:%s@%s", r.ID, e.Audience, date(d)), true, e.Audience, reached)
			n.OverdueWorkingDays = overdue
			out = append(out, n)
		}
	}
	return out, nil
}

// Visit is what the decision needs to know of a visit.
type Visit struct {
	ID int64
	// Form is planned, unannounced or verification.
	Form string
	// Published says the visit belongs to the published version of its plan.
	Published bool
	// Status is the visit's workflow status (planned, decision_signed, …).
	Status string
	// Start is the first day on site; zero for an unscheduled visit.
	Start time.Time
}

// VisitNoticeDue returns the notice telling a unit that a visit of the
// published plan starts in VisitNoticeWorkingDays working days
// ("visit:7:notice@2026-12-01"), due from that day until the visit starts.
// Unannounced and verification visits never get a notice: the unit must not
// learn of them in advance. Neither do unpublished, unscheduled, cancelled or
// suspended visits, nor visits already under way.
func VisitNoticeDue(v Visit, p Policy, w *Workdays, today time.Time) (Notice, bool, error) {
	if v.Form != "planned" || !v.Published || v.Start.IsZero() {
		return Notice{}, false, nil
	}
	switch v.Status {
	case "planned", "decision_signed", "announced":
	default:
		return Notice{}, false, nil
	}
	if !today.Before(v.Start) {
		return Notice{}, false, nil
	}
	from, err := w.Add(v.Start, -p.VisitNoticeWorkingDays)
	if err != nil {
		return Notice{}, false, fmt.Errorf("visit %d: notice day: %w", v.ID, err)
	}
	if today.Before(from) {
		return Notice{}, false, nil
	}
	return Notice{
		Key: fmt.Sprintf("visit:%d:notice@%s", v.ID, date(v.Start)), Kind: KindVisitNotice,
		Audiences: []Audience{AudienceOffice, AudienceHead}, Mail: true, SubjectID: v.ID,
		Deadline: v.Start, DaysLeft: days(today, v.Start),
	}, true, nil
}

// Conclusion is what the decision needs to know of a signed conclusion.
type Conclusion struct {
	ID              int64
	SignedOn        time.Time
	DirectiveIssued bool
}

// DirectiveDeadline returns the last day to issue the directive implementing a
// conclusion signed on signedOn.
func DirectiveDeadline(signedOn time.Time, p Policy, w *Workdays) (time.Time, error) {
	if p.DirectiveInWorkingDays {
		return Deadline(w, signedOn, p.DirectiveDays)
	}
	return signedOn.AddDate(0, 0, p.DirectiveDays), nil
}

// MissingDirectiveDue returns the reminder, sent once, that a conclusion still
// has no implementing directive after its deadline
// ("conclusion:12:directive@2026-12-16"): to the department's leadership,
// since the directive comes from the head of the managing body, not from the
// inspected unit (Luật Thanh tra số 84/2025/QH15), and to the team lead, who
// follows the conclusion up.
func MissingDirectiveDue(c Conclusion, p Policy, w *Workdays, today time.Time) (Notice, bool, error) {
	if c.DirectiveIssued {
		return Notice{}, false, nil
	}
	last, err := DirectiveDeadline(c.SignedOn, p, w)
	if err != nil {
		return Notice{}, false, fmt.Errorf("conclusion %d: directive deadline: %w", c.ID, err)
	}
	if !today.After(last) {
		return Notice{}, false, nil
	}
	return Notice{
		Key: fmt.Sprintf("conclusion:%d:directive@%s", c.ID, date(last)), Kind: KindMissingDirective,
		Audiences: []Audience{AudienceLeadership, AudienceTeam}, Mail: true, SubjectID: c.ID,
		Deadline: last, DaysLeft: days(today, last),
	}, true, nil
}

// DigestDue returns the key of this week's digest ("digest:2026-W48") and
// whether it is due today: from the policy's weekday to the end of the ISO
// week, so a downtime on the digest day delays the digest instead of losing it,
// and an older week's digest is never sent (this week's says everything).
func DigestDue(p Policy, today time.Time) (string, bool) {
	return "digest:" + Week(today), isoWeekday(today.Weekday()) >= isoWeekday(p.DigestWeekday)
}
