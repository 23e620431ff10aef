package remediation

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"khung/app/notify"
	"khung/models"
)

// recRef is what the notifications say about a recommendation.
type recRef struct {
	ID         int64
	Action     string
	Deadline   models.Date
	Conclusion string // "12/KL-SNV"
	UnitName   string
}

func (r recRef) link() string { return fmt.Sprintf("/recommendations/%d", r.ID) }

func (r recRef) describe(locale string) string {
	if locale == models.LocaleEN {
		return fmt.Sprintf("Recommendation of inspection conclusion No. %s to %s (deadline %s):\n“%s”",
			r.Conclusion, r.UnitName, r.Deadline.Time().Format("2 January 2006"), clip(r.Action, 500))
	}
	return fmt.Sprintf("Kiến nghị tại Kết luận kiểm tra số %s giao %s thực hiện (hạn %s):\n“%s”",
		r.Conclusion, r.UnitName, r.Deadline.Time().Format("02/01/2006"), clip(r.Action, 500))
}

// clip shortens s to at most n characters, on a rune boundary.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n-1])) + "…"
}

// ReportSubmitted tells the team leader that a unit sent a remediation report.
type ReportSubmitted struct {
	Rec   recRef
	Files int
}

// Kind names the notification's kind.
func (n ReportSubmitted) Kind() string { return "remediation_submitted" }

// Render writes the notification in locale.
func (n ReportSubmitted) Render(locale string) notify.Content {
	c := notify.Content{Link: n.Rec.link()}
	if locale == models.LocaleEN {
		c.Subject = fmt.Sprintf("Remediation report from %s awaits your verdict", n.Rec.UnitName)
		c.Body = fmt.Sprintf("%s\n\n%s sent a remediation report with %d evidence file(s). Please accept it or return it with a reason.",
			n.Rec.describe(locale), n.Rec.UnitName, n.Files)
		return c
	}
	c.Subject = fmt.Sprintf("%s gửi báo cáo kết quả khắc phục, chờ đoàn kiểm tra xem xét", n.Rec.UnitName)
	c.Body = fmt.Sprintf("%s\n\n%s đã gửi báo cáo kết quả khắc phục kèm %d tệp tài liệu chứng minh. Đề nghị đồng chí xem xét, chấp nhận hoặc trả lại (nêu rõ lý do).",
		n.Rec.describe(locale), n.Rec.UnitName, n.Files)
	return c
}

// ReportDecided tells the unit's users the verdict on their report.
type ReportDecided struct {
	Rec      recRef
	Accepted bool
	Reason   string
}

// Kind names the notification's kind.
func (n ReportDecided) Kind() string {
	if n.Accepted {
		return "remediation_accepted"
	}
	return "remediation_returned"
}

// Render writes the notification in locale.
func (n ReportDecided) Render(locale string) notify.Content {
	c := notify.Content{Link: n.Rec.link()}
	switch {
	case locale == models.LocaleEN && n.Accepted:
		c.Subject = "Remediation report accepted: recommendation completed"
		c.Body = fmt.Sprintf("%s\n\nThe inspection team accepted your remediation report; the recommendation is completed.", n.Rec.describe(locale))
	case locale == models.LocaleEN:
		c.Subject = "Remediation report returned: please complete and report again"
		c.Body = fmt.Sprintf("%s\n\nThe inspection team returned your remediation report.\nReason: %s\n\nPlease complete the remediation and report again.", n.Rec.describe(locale), clip(n.Reason, 1000))
	case n.Accepted:
		c.Subject = "Báo cáo kết quả khắc phục đã được chấp nhận: kiến nghị hoàn thành"
		c.Body = fmt.Sprintf("%s\n\nĐoàn kiểm tra đã chấp nhận báo cáo kết quả khắc phục của đơn vị; kiến nghị được ghi nhận là đã hoàn thành.", n.Rec.describe(locale))
	default:
		c.Subject = "Báo cáo kết quả khắc phục bị trả lại: đề nghị bổ sung và báo cáo lại"
		c.Body = fmt.Sprintf("%s\n\nĐoàn kiểm tra đã trả lại báo cáo kết quả khắc phục của đơn vị.\nLý do: %s\n\nĐề nghị đơn vị tiếp tục khắc phục và báo cáo lại.", n.Rec.describe(locale), clip(n.Reason, 1000))
	}
	return c
}

// loadRef reads what notifications say about rec.
func loadRef(tx *gorm.DB, rec models.Recommendation) (recRef, error) {
	r := recRef{ID: rec.ID, Action: rec.Action, Deadline: rec.Deadline}
	var row struct {
		Number   int
		Symbol   string
		UnitName string
	}
	err := tx.Raw(`SELECT c.number, c.symbol, u.name AS unit_name FROM conclusions c, units u
		WHERE c.id = ? AND u.id = ?`, rec.ConclusionID, rec.OwnerUnitID).Scan(&row).Error
	if err != nil {
		return r, fmt.Errorf("read conclusion of recommendation %d: %w", rec.ID, err)
	}
	r.Conclusion, r.UnitName = fmt.Sprintf("%d/%s", row.Number, row.Symbol), row.UnitName
	return r, nil
}

// recipients reads active users as notification recipients.
func recipients(tx *gorm.DB, query string, args ...any) ([]notify.Recipient, error) {
	var users []models.User
	if err := tx.Select("id", "email", "full_name", "locale").Where("active").Where(query, args...).
		Order("id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("read recipients: %w", err)
	}
	out := make([]notify.Recipient, len(users))
	for i, u := range users {
		out[i] = notify.Recipient{UserID: u.ID, Email: u.Email, Name: u.FullName, Locale: u.Locale}
	}
	return out, nil
}

// notifySubmitted tells the visit's team leader (every member when the team
// has no leader) that rep was sent.
func (s *Service) notifySubmitted(ctx context.Context, tx *gorm.DB, rep models.RemediationReport, rec models.Recommendation, now time.Time) error {
	ref, err := loadRef(tx, rec)
	if err != nil {
		return err
	}
	to, err := recipients(tx, `inspector_id IN (
		SELECT m.inspector_id FROM visit_members m JOIN conclusions c ON c.visit_id = m.visit_id
		 WHERE c.id = ? AND (m.role = 'lead' OR NOT EXISTS (
		       SELECT 1 FROM visit_members l WHERE l.visit_id = m.visit_id AND l.role = 'lead')))`, rec.ConclusionID)
	if err != nil {
		return err
	}
	var files int64
	if err := tx.Model(&models.Attachment{}).Where("remediation_report_id = ?", rep.ID).Count(&files).Error; err != nil {
		return fmt.Errorf("count evidence of report %d: %w", rep.ID, err)
	}
	note := ReportSubmitted{Rec: ref, Files: int(files)}
	return deliver(ctx, tx, now, s.baseURL, fmt.Sprintf("report:%d:submitted", rep.ID), note, to)
}

// notifyDecided tells the users of the recommendation's unit the verdict on rep.
func (s *Service) notifyDecided(ctx context.Context, tx *gorm.DB, rep models.RemediationReport, rec models.Recommendation, now time.Time) error {
	ref, err := loadRef(tx, rec)
	if err != nil {
		return err
	}
	to, err := recipients(tx, "role = ? AND unit_id = ?", models.RoleUnit, rec.OwnerUnitID)
	if err != nil {
		return err
	}
	note := ReportDecided{Rec: ref, Accepted: rep.Outcome == models.ReportAccepted, Reason: rep.DecisionReason}
	return deliver(ctx, tx, now, s.baseURL, fmt.Sprintf("report:%d:%s", rep.ID, rep.Outcome), note, to)
}

func deliver(ctx context.Context, tx *gorm.DB, now time.Time, baseURL, key string, note notify.Note, to []notify.Recipient) error {
	items := make([]notify.Item, len(to))
	for i, r := range to {
		items[i] = notify.Item{Key: key, To: r, Note: note, Mail: true}
	}
	if _, err := notify.Deliver(ctx, tx, now, baseURL, items); err != nil {
		return fmt.Errorf("notify %s: %w", key, err)
	}
	return nil
}
