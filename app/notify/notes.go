package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"khung/app/followup"
	"khung/views"
)

// Content is a notification rendered in one language: the in-app item shows
// Subject, Body and Link; the mail adds a greeting, the absolute link and a
// signature around the same Body.
type Content struct {
	Subject string
	Body    string
	Link    string // a path inside the app, e.g. "/recommendations/42"
}

// Note is a notification that renders itself in the recipient's language
// with the messages of the catalogs (views/locales/*/notify.toml).
type Note interface {
	Kind() string
	Render(t *views.Translator) Content
}

// Date writes a civil date as the reader's documents do: 04/12/2026 in
// Vietnamese, 4 December 2026 in English (the layout is a catalog message).
func Date(t *views.Translator, d time.Time) string {
	return d.Format(t.T("notify.date_layout"))
}

// Clip shortens s to at most n characters, on a rune boundary, with its runs
// of white space made single spaces.
func Clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// RecommendationRef is what notifications say about a recommendation.
type RecommendationRef struct {
	ID         int64
	Action     string
	Deadline   time.Time
	Conclusion string // number and symbol: "12/KL-SNV"
	UnitName   string // the unit that must act
}

func (r RecommendationRef) link() string { return fmt.Sprintf("/recommendations/%d", r.ID) }

func (r RecommendationRef) describe(t *views.Translator) string {
	return t.T("notify.rec.about", "Conclusion", r.Conclusion, "Unit", r.UnitName, "Action", Clip(r.Action, 500))
}

// timeLeft says how the deadline stands: "còn 7 ngày", "hôm nay là hạn cuối",
// "đã quá hạn 3 ngày".
func timeLeft(t *views.Translator, daysLeft int) string {
	switch {
	case daysLeft > 0:
		return t.T("notify.time_left.left", "Count", daysLeft)
	case daysLeft == 0:
		return t.T("notify.time_left.today")
	default:
		return t.T("notify.time_left.overdue", "Count", -daysLeft)
	}
}

// late says how late a recommendation is: "quá hạn 3 ngày làm việc", or only
// "quá hạn" while no working day has passed (a deadline on a Friday, read on
// the Saturday).
func late(t *views.Translator, workingDays int) string {
	if workingDays > 0 {
		return t.T("notify.late.working_days", "Count", workingDays)
	}
	return t.T("notify.late.plain")
}

// Reminder is a reminder about a recommendation's deadline: before it, on the
// day, or weekly while it is overdue.
type Reminder struct {
	Rec                RecommendationRef
	Type               followup.Kind // KindBeforeDeadline, KindDeadlineToday or KindOverdue
	DaysLeft           int
	OverdueWorkingDays int
}

// Kind names the reminder's kind.
func (n Reminder) Kind() string { return string(n.Type) }

// Render writes the reminder in t's language.
func (n Reminder) Render(t *views.Translator) Content {
	id := "notify.reminder.before"
	switch n.Type {
	case followup.KindOverdue:
		id = "notify.reminder.overdue"
	case followup.KindDeadlineToday:
		id = "notify.reminder.due"
	}
	args := []any{"Rec", n.Rec.describe(t), "Deadline", Date(t, n.Rec.Deadline),
		"Left", timeLeft(t, n.DaysLeft), "Late", late(t, n.OverdueWorkingDays)}
	return Content{Subject: t.T(id+".subject", args...), Body: t.T(id+".body", args...), Link: n.Rec.link()}
}

// Escalation tells the next level that a recommendation is overdue: the
// unit's office, then its head, then the department's leadership.
type Escalation struct {
	Rec                RecommendationRef
	Level              followup.Audience
	OverdueWorkingDays int
}

// Kind names the escalation's kind.
func (n Escalation) Kind() string { return string(followup.KindEscalation) }

// Render writes the escalation in t's language.
func (n Escalation) Render(t *views.Translator) Content {
	id := "notify.escalation.office"
	switch n.Level {
	case followup.AudienceHead:
		id = "notify.escalation.head"
	case followup.AudienceLeadership:
		id = "notify.escalation.leadership"
	}
	args := []any{"Rec", n.Rec.describe(t), "Deadline", Date(t, n.Rec.Deadline), "Unit", n.Rec.UnitName,
		"Late", late(t, n.OverdueWorkingDays)}
	return Content{Subject: t.T(id+".subject", args...), Body: t.T(id+".body", args...), Link: n.Rec.link()}
}

// VisitNotice tells a unit that a visit of the published framework plan is
// coming. It exists only for planned visits (never unannounced or verification).
type VisitNotice struct {
	VisitID  int64
	UnitName string
	LeadBody string
	PlanYear int
	Start    time.Time
	End      time.Time
}

// Kind names the notice's kind.
func (n VisitNotice) Kind() string { return string(followup.KindVisitNotice) }

// Render writes the notice in t's language.
func (n VisitNotice) Render(t *views.Translator) Content {
	args := []any{"Unit", n.UnitName, "LeadBody", n.LeadBody, "Year", n.PlanYear,
		"Start", Date(t, n.Start), "End", Date(t, n.End)}
	return Content{Subject: t.T("notify.visit_notice.subject", args...), Body: t.T("notify.visit_notice.body", args...),
		Link: fmt.Sprintf("/visits/%d", n.VisitID)}
}

// MissingDirective says a conclusion still has no implementing directive after
// the time allowed.
type MissingDirective struct {
	ConclusionID int64
	Conclusion   string // "12/KL-SNV"
	UnitName     string
	SignedOn     time.Time
	Deadline     time.Time
}

// Kind names the reminder's kind.
func (n MissingDirective) Kind() string { return string(followup.KindMissingDirective) }

// Render writes the reminder in t's language.
func (n MissingDirective) Render(t *views.Translator) Content {
	args := []any{"Conclusion", n.Conclusion, "Unit", n.UnitName, "Signed", Date(t, n.SignedOn), "Last", Date(t, n.Deadline)}
	return Content{Subject: t.T("notify.missing_directive.subject", args...), Body: t.T("notify.missing_directive.body", args...),
		Link: fmt.Sprintf("/conclusions/%d", n.ConclusionID)}
}

// DigestItem is one recommendation pending on the digest's recipient.
type DigestItem struct {
	RecommendationRef
	OverdueWorkingDays int // 0 when not overdue
}

// DigestReport is one remediation report waiting for the recipient's verdict.
type DigestReport struct {
	RecommendationRef
	SubmittedOn time.Time
}

// Digest is the weekly digest: one message with everything pending on a
// person, instead of one mail per item.
type Digest struct {
	Week            string // ISO week, "2026-W48"
	Items           []DigestItem
	MoreItems       int // pending recommendations not listed
	Overdue         int // overdue among all pending recommendations
	Reports         []DigestReport
	MoreReports     int
	RecommendationN int // all pending recommendations (listed or not)
}

// Kind names the digest's kind.
func (n Digest) Kind() string { return string(followup.KindDigest) }

// Render writes the digest in t's language.
func (n Digest) Render(t *views.Translator) Content {
	var y, w int
	fmt.Sscanf(n.Week, "%d-W%d", &y, &w)
	reports := len(n.Reports) + n.MoreReports
	var parts []string
	if n.RecommendationN > 0 {
		parts = append(parts, t.T("notify.digest.pending", "Count", n.RecommendationN, "Overdue", n.Overdue))
	}
	if reports > 0 {
		parts = append(parts, t.T("notify.digest.reports", "Count", reports))
	}
	c := Content{Link: "/recommendations",
		Subject: t.T("notify.digest.subject", "Week", w, "Year", y, "Summary", strings.Join(parts, ", "))}

	var lines []string
	if len(n.Items) > 0 {
		lines = append(lines, t.T("notify.digest.items_title"))
	}
	for _, it := range n.Items {
		state := t.T("notify.digest.item_deadline", "Deadline", Date(t, it.Deadline))
		if it.OverdueWorkingDays > 0 {
			state = t.T("notify.digest.item_overdue", "Count", it.OverdueWorkingDays)
		}
		lines = append(lines, t.T("notify.digest.item", "State", state, "Conclusion", it.Conclusion,
			"Action", Clip(it.Action, 120), "Unit", it.UnitName))
	}
	if n.MoreItems > 0 {
		lines = append(lines, t.T("notify.digest.more_items", "Count", n.MoreItems))
	}
	if len(n.Reports) > 0 {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, t.T("notify.digest.reports_title"))
		for _, r := range n.Reports {
			lines = append(lines, t.T("notify.digest.report", "Conclusion", r.Conclusion, "Action", Clip(r.Action, 120),
				"Unit", r.UnitName, "Submitted", Date(t, r.SubmittedOn)))
		}
		if n.MoreReports > 0 {
			lines = append(lines, t.T("notify.digest.more_reports", "Count", n.MoreReports))
		}
		if len(n.Items) == 0 {
			c.Link = "/remediation-reports"
		}
	}
	c.Body = strings.Join(lines, "\n")
	return c
}
