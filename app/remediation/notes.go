package remediation

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/notify"
	"khung/app/officialdoc"
	"khung/models"
	"khung/views"
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

func (r recRef) describe(t *views.Translator) string {
	return t.T("notify.remediation.about", "Conclusion", r.Conclusion, "Unit", r.UnitName,
		"Deadline", notify.Date(t, r.Deadline.Time()), "Action", notify.Clip(r.Action, 500))
}

// ReportSubmitted tells the team leader that a unit sent a remediation report.
type ReportSubmitted struct {
	Rec   recRef
	Files int
}

// Kind names the notification's kind.
func (n ReportSubmitted) Kind() string { return "remediation_submitted" }

// Render writes the notification in t's language.
func (n ReportSubmitted) Render(t *views.Translator) notify.Content {
	args := []any{"Rec", n.Rec.describe(t), "Unit", n.Rec.UnitName, "Count", n.Files}
	return notify.Content{Link: n.Rec.link(), Subject: t.T("notify.remediation.submitted.subject", args...),
		Body: t.T("notify.remediation.submitted.body", args...)}
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

// Render writes the notification in t's language.
func (n ReportDecided) Render(t *views.Translator) notify.Content {
	id := "notify.remediation.returned"
	if n.Accepted {
		id = "notify.remediation.accepted"
	}
	args := []any{"Rec", n.Rec.describe(t), "Reason", notify.Clip(n.Reason, 1000)}
	return notify.Content{Link: n.Rec.link(), Subject: t.T(id+".subject", args...), Body: t.T(id+".body", args...)}
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
	r.Conclusion, r.UnitName = officialdoc.Number(row.Number)+"/"+row.Symbol, row.UnitName
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
	return deliver(ctx, tx, now, s.site, fmt.Sprintf("report:%d:submitted", rep.ID), note, to)
}

// notifyDecided tells the users of the recommendation's unit the verdict on rep.
func (s *Service) notifyDecided(ctx context.Context, tx *gorm.DB, rep models.RemediationReport, rec models.Recommendation, now time.Time) error {
	ref, err := loadRef(tx, rec)
	if err != nil {
		return err
	}
	// The owner's users, and the one who sent the report: the office of a
	// unit that took the owner over whole (the owner has no users left).
	to, err := recipients(tx, "role = ? AND (unit_id = ? OR id = ?)", models.RoleUnit, rec.OwnerUnitID, rep.SubmittedBy)
	if err != nil {
		return err
	}
	note := ReportDecided{Rec: ref, Accepted: rep.Outcome == models.ReportAccepted, Reason: rep.DecisionReason}
	return deliver(ctx, tx, now, s.site, fmt.Sprintf("report:%d:%s", rep.ID, rep.Outcome), note, to)
}

func deliver(ctx context.Context, tx *gorm.DB, now time.Time, site notify.Site, key string, note notify.Note, to []notify.Recipient) error {
	items := make([]notify.Item, len(to))
	for i, r := range to {
		items[i] = notify.Item{Key: key, To: r, Note: note, Mail: true}
	}
	if _, err := notify.Deliver(ctx, tx, now, site, items); err != nil {
		return fmt.Errorf("notify %s: %w", key, err)
	}
	return nil
}

// Reassigned tells the users of a successor unit that a planner gave it a
// recommendation of a unit that no longer exists, and why.
type Reassigned struct {
	Rec    recRef // owned by the successor now
	From   string // the earlier owner
	Reason string
}

// Kind names the notification's kind.
func (n Reassigned) Kind() string { return "recommendation_reassigned" }

// Render writes the notification in t's language.
func (n Reassigned) Render(t *views.Translator) notify.Content {
	args := []any{"Rec", n.Rec.describe(t), "Unit", n.Rec.UnitName, "From", n.From, "Reason", notify.Clip(n.Reason, 1000)}
	return notify.Content{Link: n.Rec.link(), Subject: t.T("notify.remediation.reassigned.subject", args...),
		Body: t.T("notify.remediation.reassigned.body", args...)}
}

// notifyReassigned tells the office and head of rec's new owner, in-app and
// by mail, once per new owner (the key names it). The recommendation comes
// from a conclusion, so its visit has begun: the unit may know of it.
func (s *Service) notifyReassigned(ctx context.Context, tx *gorm.DB, rec models.Recommendation, from string, now time.Time) error {
	ref, err := loadRef(tx, rec)
	if err != nil {
		return err
	}
	to, err := recipients(tx, "role = ? AND unit_id = ?", models.RoleUnit, rec.OwnerUnitID)
	if err != nil {
		return err
	}
	note := Reassigned{Rec: ref, From: from, Reason: rec.ReassignedReason}
	return deliver(ctx, tx, now, s.site, fmt.Sprintf("rec:%d:reassigned:%d", rec.ID, rec.OwnerUnitID), note, to)
}
