package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"khung/app/followup"
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
// ("vi", the default, or "en").
type Note interface {
	Kind() string
	Render(locale string) Content
}

func isEN(locale string) bool { return locale == "en" }

// dateText writes a civil date as Vietnamese documents do (04/12/2026) or in
// English (4 December 2026).
func dateText(d time.Time, locale string) string {
	if isEN(locale) {
		return d.Format("2 January 2006")
	}
	return d.Format("02/01/2006")
}

// clip shortens s to at most n characters, on a rune boundary.
func clip(s string, n int) string {
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

func (r RecommendationRef) describe(locale string) string {
	if isEN(locale) {
		return fmt.Sprintf("Recommendation of inspection conclusion No. %s to %s:\n“%s”", r.Conclusion, r.UnitName, clip(r.Action, 500))
	}
	return fmt.Sprintf("Kiến nghị tại Kết luận kiểm tra số %s giao %s thực hiện:\n“%s”", r.Conclusion, r.UnitName, clip(r.Action, 500))
}

// timeLeft says how the deadline stands: "còn 7 ngày", "hôm nay là hạn cuối",
// "đã quá hạn 3 ngày".
func timeLeft(daysLeft int, locale string) string {
	switch {
	case isEN(locale) && daysLeft == 1:
		return "1 day left"
	case isEN(locale) && daysLeft > 1:
		return fmt.Sprintf("%d days left", daysLeft)
	case isEN(locale) && daysLeft == 0:
		return "due today"
	case isEN(locale):
		return fmt.Sprintf("%d days overdue", -daysLeft)
	case daysLeft > 0:
		return fmt.Sprintf("còn %d ngày", daysLeft)
	case daysLeft == 0:
		return "hôm nay là hạn cuối"
	default:
		return fmt.Sprintf("đã quá hạn %d ngày", -daysLeft)
	}
}

// overdueText says how late a recommendation is: "quá hạn 3 ngày làm việc",
// or only "quá hạn" while no working day has passed (a deadline on a Friday,
// read on the Saturday).
func overdueText(workingDays int, locale string) string {
	switch {
	case isEN(locale) && workingDays > 0:
		return fmt.Sprintf("overdue by %d working days", workingDays)
	case isEN(locale):
		return "overdue"
	case workingDays > 0:
		return fmt.Sprintf("quá hạn %d ngày làm việc", workingDays)
	default:
		return "quá hạn"
	}
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

// Render writes the reminder in locale.
func (n Reminder) Render(locale string) Content {
	r := n.Rec
	deadline := dateText(r.Deadline, locale)
	c := Content{Link: r.link()}
	late := overdueText(n.OverdueWorkingDays, locale)
	switch {
	case n.Type == followup.KindOverdue && isEN(locale):
		c.Subject = fmt.Sprintf("Recommendation %s (deadline %s)", late, deadline)
		c.Body = fmt.Sprintf("%s\nDeadline: %s; it is now %s.\n\nPlease complete it without delay and report the remediation with evidence in the system.",
			r.describe(locale), deadline, late)
	case n.Type == followup.KindOverdue:
		c.Subject = fmt.Sprintf("Kiến nghị %s (hạn %s)", late, deadline)
		c.Body = fmt.Sprintf("%s\nHạn thực hiện: %s; đến nay đã %s.\n\nĐề nghị đơn vị khẩn trương hoàn thành và báo cáo kết quả khắc phục kèm tài liệu chứng minh trên hệ thống.",
			r.describe(locale), deadline, late)
	case n.Type == followup.KindDeadlineToday && isEN(locale):
		c.Subject = fmt.Sprintf("Recommendation due on %s", deadline)
		c.Body = fmt.Sprintf("%s\nDeadline: %s (%s).\n\nPlease report the remediation with evidence in the system.", r.describe(locale), deadline, timeLeft(n.DaysLeft, locale))
	case n.Type == followup.KindDeadlineToday:
		c.Subject = fmt.Sprintf("Đến hạn thực hiện kiến nghị ngày %s", deadline)
		c.Body = fmt.Sprintf("%s\nHạn thực hiện: %s (%s).\n\nĐề nghị đơn vị báo cáo kết quả khắc phục kèm tài liệu chứng minh trên hệ thống.", r.describe(locale), deadline, timeLeft(n.DaysLeft, locale))
	case isEN(locale):
		c.Subject = fmt.Sprintf("Reminder: recommendation deadline %s (%s)", deadline, timeLeft(n.DaysLeft, locale))
		c.Body = fmt.Sprintf("%s\nDeadline: %s (%s).\n\nPlease carry it out and report the remediation with evidence in the system.", r.describe(locale), deadline, timeLeft(n.DaysLeft, locale))
	default:
		c.Subject = fmt.Sprintf("Nhắc hạn thực hiện kiến nghị: hạn %s (%s)", deadline, timeLeft(n.DaysLeft, locale))
		c.Body = fmt.Sprintf("%s\nHạn thực hiện: %s (%s).\n\nĐề nghị đơn vị khẩn trương thực hiện và báo cáo kết quả khắc phục kèm tài liệu chứng minh trên hệ thống.", r.describe(locale), deadline, timeLeft(n.DaysLeft, locale))
	}
	return c
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

// Render writes the escalation in locale.
func (n Escalation) Render(locale string) Content {
	r := n.Rec
	deadline := dateText(r.Deadline, locale)
	late := overdueText(n.OverdueWorkingDays, locale)
	c := Content{Link: r.link()}
	switch {
	case n.Level == followup.AudienceHead && isEN(locale):
		c.Subject = fmt.Sprintf("For the head of %s: recommendation %s", r.UnitName, late)
		c.Body = fmt.Sprintf("%s\nDeadline: %s; it is now %s and no remediation has been accepted.\n\nPlease direct its completion.", r.describe(locale), deadline, late)
	case n.Level == followup.AudienceHead:
		c.Subject = fmt.Sprintf("Báo cáo thủ trưởng %s: kiến nghị %s", r.UnitName, late)
		c.Body = fmt.Sprintf("%s\nHạn thực hiện: %s; đến nay đã %s nhưng chưa có kết quả khắc phục được chấp nhận.\n\nĐề nghị đồng chí Thủ trưởng đơn vị chỉ đạo thực hiện.", r.describe(locale), deadline, late)
	case n.Level == followup.AudienceLeadership && isEN(locale):
		c.Subject = fmt.Sprintf("For the department's leadership: %s is %s on a recommendation", r.UnitName, late)
		c.Body = fmt.Sprintf("%s\nDeadline: %s; it is now %s, and the unit's head has been told.\n\nPlease consider directing the unit or ordering a check on implementation.", r.describe(locale), deadline, late)
	case n.Level == followup.AudienceLeadership:
		c.Subject = fmt.Sprintf("Báo cáo lãnh đạo Sở: %s chậm thực hiện kiến nghị, %s", r.UnitName, late)
		c.Body = fmt.Sprintf("%s\nHạn thực hiện: %s; đến nay đã %s, thủ trưởng đơn vị đã được thông báo.\n\nKính đề nghị lãnh đạo Sở xem xét chỉ đạo đơn vị hoặc tổ chức kiểm tra việc thực hiện kết luận.", r.describe(locale), deadline, late)
	case isEN(locale):
		c.Subject = fmt.Sprintf("Recommendation %s (deadline %s)", late, deadline)
		c.Body = fmt.Sprintf("%s\nDeadline: %s; it is now %s.\n\nPlease complete it and report the remediation with evidence in the system. If it stays overdue, the unit's head and then the department's leadership will be told.", r.describe(locale), deadline, late)
	default:
		c.Subject = fmt.Sprintf("Kiến nghị %s (hạn %s)", late, deadline)
		c.Body = fmt.Sprintf("%s\nHạn thực hiện: %s; đến nay đã %s.\n\nĐề nghị đơn vị khẩn trương hoàn thành và báo cáo kết quả khắc phục kèm tài liệu chứng minh trên hệ thống. Nếu tiếp tục chậm, hệ thống sẽ báo cáo thủ trưởng đơn vị và lãnh đạo Sở.", r.describe(locale), deadline, late)
	}
	return c
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

// Render writes the notice in locale.
func (n VisitNotice) Render(locale string) Content {
	start, end := dateText(n.Start, locale), dateText(n.End, locale)
	c := Content{Link: fmt.Sprintf("/visits/%d", n.VisitID)}
	if isEN(locale) {
		c.Subject = fmt.Sprintf("Scheduled inspection of %s from %s to %s", n.UnitName, start, end)
		c.Body = fmt.Sprintf("Under the approved and published framework plan for %d, %s will inspect %s from %s to %s.\n\nPlease prepare the report following the outline, the records and documents concerned, and the people who will meet the inspection team.",
			n.PlanYear, n.LeadBody, n.UnitName, start, end)
		return c
	}
	c.Subject = fmt.Sprintf("Thông báo lịch kiểm tra tại %s từ ngày %s đến ngày %s", n.UnitName, start, end)
	c.Body = fmt.Sprintf("Thực hiện Kế hoạch khung năm %d đã được phê duyệt và công bố, %s sẽ tiến hành kiểm tra tại %s từ ngày %s đến ngày %s.\n\nĐề nghị đơn vị chuẩn bị báo cáo theo đề cương, hồ sơ, tài liệu liên quan và bố trí thành phần làm việc với Đoàn kiểm tra.",
		n.PlanYear, n.LeadBody, n.UnitName, start, end)
	return c
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

// Render writes the reminder in locale.
func (n MissingDirective) Render(locale string) Content {
	signed, last := dateText(n.SignedOn, locale), dateText(n.Deadline, locale)
	c := Content{Link: fmt.Sprintf("/conclusions/%d", n.ConclusionID)}
	if isEN(locale) {
		c.Subject = fmt.Sprintf("No directive yet to implement conclusion No. %s", n.Conclusion)
		c.Body = fmt.Sprintf("Inspection conclusion No. %s on %s was signed on %s. The directive implementing it was due by %s, and none has been recorded yet.\n\nPlease issue it and record it in the system.",
			n.Conclusion, n.UnitName, signed, last)
		return c
	}
	c.Subject = fmt.Sprintf("Chưa ban hành văn bản chỉ đạo thực hiện Kết luận số %s", n.Conclusion)
	c.Body = fmt.Sprintf("Kết luận kiểm tra số %s đối với %s được ký ngày %s. Văn bản chỉ đạo thực hiện kết luận phải được ban hành chậm nhất ngày %s; đến nay hệ thống chưa ghi nhận văn bản này.\n\nĐề nghị khẩn trương ban hành và cập nhật vào hệ thống.",
		n.Conclusion, n.UnitName, signed, last)
	return c
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

// Render writes the digest in locale.
func (n Digest) Render(locale string) Content {
	var y, w int
	fmt.Sscanf(n.Week, "%d-W%d", &y, &w)
	reports := len(n.Reports) + n.MoreReports
	var b strings.Builder
	c := Content{Link: "/recommendations"}
	var parts []string
	if isEN(locale) {
		if n.RecommendationN > 0 {
			parts = append(parts, fmt.Sprintf("%d recommendations pending, %d overdue", n.RecommendationN, n.Overdue))
		}
		if reports > 0 {
			parts = append(parts, fmt.Sprintf("%d remediation reports to review", reports))
		}
		c.Subject = fmt.Sprintf("Weekly digest, week %d/%d: %s", w, y, strings.Join(parts, ", "))
		if len(n.Items) > 0 {
			b.WriteString("Recommendations waiting for your unit:\n")
		}
	} else {
		if n.RecommendationN > 0 {
			parts = append(parts, fmt.Sprintf("%d kiến nghị đang chờ thực hiện, %d quá hạn", n.RecommendationN, n.Overdue))
		}
		if reports > 0 {
			parts = append(parts, fmt.Sprintf("%d báo cáo khắc phục chờ xem xét", reports))
		}
		c.Subject = fmt.Sprintf("Bản tin tuần %d/%d: %s", w, y, strings.Join(parts, ", "))
		if len(n.Items) > 0 {
			b.WriteString("Các kiến nghị đang chờ đơn vị thực hiện:\n")
		}
	}
	for _, it := range n.Items {
		var state string
		switch {
		case it.OverdueWorkingDays > 0 && isEN(locale):
			state = fmt.Sprintf("OVERDUE by %d working days", it.OverdueWorkingDays)
		case it.OverdueWorkingDays > 0:
			state = fmt.Sprintf("QUÁ HẠN %d ngày làm việc", it.OverdueWorkingDays)
		case isEN(locale):
			state = "deadline " + dateText(it.Deadline, locale)
		default:
			state = "hạn " + dateText(it.Deadline, locale)
		}
		fmt.Fprintf(&b, "- [%s] %s — %s (%s)\n", state, it.Conclusion, clip(it.Action, 120), it.UnitName)
	}
	if n.MoreItems > 0 {
		if isEN(locale) {
			fmt.Fprintf(&b, "… and %d more recommendations.\n", n.MoreItems)
		} else {
			fmt.Fprintf(&b, "… và %d kiến nghị khác.\n", n.MoreItems)
		}
	}
	if len(n.Reports) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		if isEN(locale) {
			b.WriteString("Remediation reports waiting for your verdict:\n")
		} else {
			b.WriteString("Báo cáo kết quả khắc phục chờ đồng chí xem xét:\n")
		}
		for _, r := range n.Reports {
			fmt.Fprintf(&b, "- %s — %s (%s, %s)\n", r.Conclusion, clip(r.Action, 120), r.UnitName, dateText(r.SubmittedOn, locale))
		}
		if n.MoreReports > 0 {
			if isEN(locale) {
				fmt.Fprintf(&b, "… and %d more reports.\n", n.MoreReports)
			} else {
				fmt.Fprintf(&b, "… và %d báo cáo khác.\n", n.MoreReports)
			}
		}
		if len(n.Items) == 0 {
			c.Link = "/remediation-reports"
		}
	}
	c.Body = strings.TrimRight(b.String(), "\n")
	return c
}
