package followup

import (
	"fmt"
	"time"
)

// The notices of the legal time limits of a conclusion.
const (
	KindConclusionDueSoon Kind = "conclusion_due_soon" // the conclusion is to be signed within days
	KindConclusionOverdue Kind = "conclusion_overdue"  // the time to sign the conclusion has passed
	KindDirectiveDueSoon  Kind = "directive_due_soon"  // the implementing directive is due within days
)

// AudienceSigner is the person who received the draft conclusion and signs it.
const AudienceSigner Audience = "signer"

// Draft is what the decision needs to know of a draft conclusion waiting for
// its signature.
type Draft struct {
	VisitID    int64
	ReceivedOn time.Time
}

// limitDeadline is the last day of a limit of days (working days when
// working) counted from day.
func limitDeadline(day time.Time, days int, working bool, w *Workdays) (time.Time, error) {
	if working {
		return Deadline(w, day, days)
	}
	return day.AddDate(0, 0, days), nil
}

// ConclusionDeadline returns the last day to sign a conclusion whose draft
// was received on receivedOn (Luật Thanh tra số 84/2025/QH15, Điều 36: 15 days).
func ConclusionDeadline(receivedOn time.Time, p Policy, w *Workdays) (time.Time, error) {
	return limitDeadline(receivedOn, p.ConclusionDays, p.ConclusionInWorkingDays, w)
}

// soon tells whether today lies in the LimitReminderDays calendar days up to
// and including last.
func (p Policy) soon(last, today time.Time) bool {
	return p.LimitReminderDays > 0 && !today.After(last) && !today.Before(last.AddDate(0, 0, -p.LimitReminderDays))
}

// ConclusionDue returns the notice due today about a draft conclusion still
// unsigned: in the LimitReminderDays before its deadline a reminder to the
// signer ("draft:7:soon@2027-04-16"); from the day after the deadline the
// escalation to the signer, the department's leadership and the team lead
// ("draft:7:overdue@2027-04-16"). Each once: a reminder missed by a downtime
// that lasts past the deadline gives way to the escalation.
func ConclusionDue(d Draft, p Policy, w *Workdays, today time.Time) (Notice, bool, error) {
	last, err := ConclusionDeadline(d.ReceivedOn, p, w)
	if err != nil {
		return Notice{}, false, fmt.Errorf("draft conclusion of visit %d: deadline: %w", d.VisitID, err)
	}
	n := Notice{SubjectID: d.VisitID, Deadline: last, DaysLeft: days(today, last), Mail: true}
	switch {
	case today.After(last):
		n.Key, n.Kind = fmt.Sprintf("draft:%d:overdue@%s", d.VisitID, date(last)), KindConclusionOverdue
		n.Audiences = []Audience{AudienceSigner, AudienceLeadership, AudienceTeam}
	case p.soon(last, today):
		n.Key, n.Kind = fmt.Sprintf("draft:%d:soon@%s", d.VisitID, date(last)), KindConclusionDueSoon
		n.Audiences = []Audience{AudienceSigner}
	default:
		return Notice{}, false, nil
	}
	return n, true, nil
}

// DirectiveDueSoon returns the reminder, in the LimitReminderDays before its
// deadline, that a conclusion still has no implementing directive
// ("conclusion:12:directive-soon@2026-12-16"), to the department's leadership
// whose head issues it; MissingDirectiveDue escalates once it has passed.
func DirectiveDueSoon(c Conclusion, p Policy, w *Workdays, today time.Time) (Notice, bool, error) {
	if c.DirectiveIssued {
		return Notice{}, false, nil
	}
	last, err := DirectiveDeadline(c.SignedOn, p, w)
	if err != nil {
		return Notice{}, false, fmt.Errorf("conclusion %d: directive deadline: %w", c.ID, err)
	}
	if !p.soon(last, today) {
		return Notice{}, false, nil
	}
	return Notice{
		Key: fmt.Sprintf("conclusion:%d:directive-soon@%s", c.ID, date(last)), Kind: KindDirectiveDueSoon,
		Audiences: []Audience{AudienceLeadership}, Mail: true, SubjectID: c.ID,
		Deadline: last, DaysLeft: days(today, last),
	}, true, nil
}
