package models_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"gorm.io/gorm"

	"khung/models"
	"khung/models/dbtest"
)

func TestFollowUpConstraints(t *testing.T) {
	db := dbtest.Gorm(t)
	f := newPlanFixture(t, db)
	decision := &models.Decision{VisitID: f.visit.ID, Number: 1, IssuingBodyID: f.body.ID, Year: 2025, SignedOn: day("2025-03-01"), SignerName: "Giám đốc"}
	mustCreate(t, db, decision)
	finding := &models.Finding{VisitID: f.visit.ID, Description: "Chậm", Severity: models.SeverityLow}
	mustCreate(t, db, finding)
	conclusion := &models.Conclusion{VisitID: f.visit.ID, Number: 1, IssuingBodyID: f.body.ID, Year: 2025, SignedOn: day("2025-04-01"), SignerName: "Giám đốc"}
	mustCreate(t, db, conclusion)
	rec := &models.Recommendation{ConclusionID: conclusion.ID, OwnerUnitID: f.ward.ID, Action: "Khắc phục", Deadline: day("2025-05-01"), Severity: models.SeverityLow}
	mustCreate(t, db, rec)
	data := []byte("evidence")
	sum := sha256.Sum256(data)
	attachment := func(edit func(a *models.Attachment)) func(tx *gorm.DB) error {
		a := &models.Attachment{Filename: "a.txt", ContentType: "text/plain", SizeBytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data}
		edit(a)
		return create(a)
	}
	decisionWith := func(edit func(d *models.Decision)) func(tx *gorm.DB) error {
		d := &models.Decision{VisitID: f.visit.ID, Kind: models.DecisionExtension, Number: 2, IssuingBodyID: f.body.ID, Year: 2025,
			SignedOn: day("2025-03-05"), SignerName: "Giám đốc"}
		edit(d)
		return create(d)
	}
	report := func(edit func(r *models.RemediationReport)) func(tx *gorm.DB) error {
		r := &models.RemediationReport{RecommendationID: rec.ID, Body: "Đã làm", SubmittedAt: at(0)}
		edit(r)
		return create(r)
	}

	cases := []struct {
		name       string
		constraint string // "" means accepted
		insert     func(tx *gorm.DB) error
	}{
		{"an attachment with two owners is rejected", "attachments_one_owner", attachment(func(a *models.Attachment) {
			a.FindingID, a.DecisionID = &finding.ID, &decision.ID
		})},
		{"an attachment with no owner is rejected", "attachments_one_owner", attachment(func(a *models.Attachment) {})},
		{"an attachment with one owner is accepted", "", attachment(func(a *models.Attachment) { a.FindingID = &finding.ID })},
		{"an attachment whose size is not its length is rejected", "attachments_size_matches", attachment(func(a *models.Attachment) {
			a.FindingID = &finding.ID
			a.SizeBytes++
		})},
		{"an attachment with a malformed hash is rejected", "attachments_sha256_check", attachment(func(a *models.Attachment) {
			a.FindingID = &finding.ID
			a.SHA256 = "ABC"
		})},
		{"a number given twice in a register is rejected", "register_entries_pkey", func(tx *gorm.DB) error {
			return tx.Exec(`WITH r AS (INSERT INTO registers (agency, doc_type, year) VALUES ('SNV', 'QĐ', 2025) RETURNING id)
				INSERT INTO register_entries (register_id, number, entity, entity_id) SELECT id, 1, 'decision', 1 FROM r
				UNION ALL SELECT id, 1, 'decision', 2 FROM r`).Error
		}},
		{"a document numbered twice in the registers is rejected", "register_entries_entity_key", func(tx *gorm.DB) error {
			return tx.Exec(`WITH r AS (INSERT INTO registers (agency, doc_type, year) VALUES ('SNV', 'QĐ', 2025) RETURNING id)
				INSERT INTO register_entries (register_id, number, entity, entity_id) SELECT id, 1, 'decision', 1 FROM r
				UNION ALL SELECT id, 2, 'decision', 1 FROM r`).Error
		}},
		{"the same number in the next year is accepted", "", decisionWith(func(d *models.Decision) { d.Number = 1; d.Year = 2026; d.SignedOn = day("2026-01-05") })},
		{"a decision numbered in a year other than its signing is rejected", "decisions_year_of_signing", decisionWith(func(d *models.Decision) { d.Year = 2024 })},
		{"a second inspection decision for a visit is rejected", "decisions_one_inspection_decision", decisionWith(func(d *models.Decision) { d.Kind = models.DecisionInspection })},
		{"a decision with an unknown kind is rejected", "decisions_kind_check", decisionWith(func(d *models.Decision) { d.Kind = "reward" })},
		{"a decision reviewing a reversed period is rejected", "decisions_period_order", decisionWith(func(d *models.Decision) {
			d.PeriodFrom, d.PeriodTo = dayPtr("2024-12-31"), dayPtr("2024-01-01")
		})},
		{"a visit event of an unknown kind is rejected", "visit_events_kind_check", create(&models.VisitEvent{VisitID: f.visit.ID, Kind: "moved", OnDate: day("2025-03-10"), Reason: "r"})},
		{"a status change to an unknown status is rejected", "visit_events_to_status_check", func(tx *gorm.DB) error {
			s := models.VisitStatus("archived")
			return tx.Create(&models.VisitEvent{VisitID: f.visit.ID, Kind: models.EventStatusChange, ToStatus: &s, OnDate: day("2025-03-10")}).Error
		}},
		{"a cancellation without a reason is rejected", "visit_events_reason_required", create(&models.VisitEvent{VisitID: f.visit.ID, Kind: models.EventCancelled, OnDate: day("2025-03-10")})},
		{"an extension without a new end is rejected", "visit_events_extension_has_end", create(&models.VisitEvent{VisitID: f.visit.ID, Kind: models.EventExtended, OnDate: day("2025-03-10"), Reason: "r"})},
		{"a finding of unknown severity is rejected", "findings_severity_check", create(&models.Finding{VisitID: f.visit.ID, Description: "x", Severity: "critical"})},
		{"a second conclusion for a visit is rejected", "conclusions_visit_id_key", create(&models.Conclusion{VisitID: f.visit.ID, Number: 2, IssuingBodyID: f.body.ID,
			Year: 2025, SignedOn: day("2025-04-02"), SignerName: "Giám đốc"})},
		{"a conclusion signed before its draft arrived is rejected", "conclusions_signed_after_draft", func(tx *gorm.DB) error {
			return tx.Model(conclusion).Update("draft_received_on", day("2025-04-02")).Error
		}},
		{"a directive before the conclusion is rejected", "conclusions_directive_after_signing", func(tx *gorm.DB) error {
			return tx.Model(conclusion).Update("directive_issued_on", day("2025-03-31")).Error
		}},
		{"a recommendation of unknown status is rejected", "recommendations_status_check", create(&models.Recommendation{ConclusionID: conclusion.ID,
			OwnerUnitID: f.ward.ID, Action: "x", Deadline: day("2025-05-01"), Severity: models.SeverityLow, Status: "late"})},
		{"a done recommendation without a closing time is rejected", "recommendations_closed_when_final", create(&models.Recommendation{ConclusionID: conclusion.ID,
			OwnerUnitID: f.ward.ID, Action: "x", Deadline: day("2025-05-01"), Severity: models.SeverityLow, Status: models.RecommendationDone})},
		{"a deadline of zero working days is rejected", "recommendations_deadline_working_days_check", func(tx *gorm.DB) error {
			zero := 0
			return tx.Create(&models.Recommendation{ConclusionID: conclusion.ID, OwnerUnitID: f.ward.ID, Action: "x",
				Deadline: day("2025-05-01"), DeadlineWorkingDays: &zero, Severity: models.SeverityLow}).Error
		}},
		{"a returned report without a reason is rejected", "remediation_reports_return_needs_reason", report(func(r *models.RemediationReport) {
			r.Outcome, r.DecidedAt = models.ReportReturned, ptrTime(at(1))
		})},
		{"a returned report with a reason is accepted", "", report(func(r *models.RemediationReport) {
			r.Outcome, r.DecidedAt, r.DecisionReason = models.ReportReturned, ptrTime(at(1)), "Thiếu minh chứng"
		})},
		{"an accepted report without a decision time is rejected", "remediation_reports_decided_when_final", report(func(r *models.RemediationReport) {
			r.Outcome = models.ReportAccepted
		})},
		{"a report decided before it was submitted is rejected", "remediation_reports_decided_after_submission", report(func(r *models.RemediationReport) {
			r.Outcome, r.DecidedAt = models.ReportAccepted, ptrTime(at(-1))
		})},
		{"two pending reports for one recommendation are rejected", "remediation_reports_one_pending", func(tx *gorm.DB) error {
			if err := report(func(*models.RemediationReport) {})(tx); err != nil {
				return err
			}
			return report(func(*models.RemediationReport) {})(tx)
		}},
		{"a notification dedupe key used twice is rejected", "notifications_dedupe_key_key", func(tx *gorm.DB) error {
			for range 2 {
				if err := tx.Create(&models.Notification{UserID: f.user.ID, Kind: "k", DedupeKey: "same", Subject: "s"}).Error; err != nil {
					return err
				}
			}
			return nil
		}},
		{"a mail of unknown status is rejected", "mail_outbox_status_check", create(&models.MailOutbox{DedupeKey: "m1", ToEmail: "a@b.c", Subject: "s", BodyText: "b", Status: "queued"})},
		{"a sent mail without a sending time is rejected", "mail_outbox_sent_has_time", create(&models.MailOutbox{DedupeKey: "m2", ToEmail: "a@b.c", Subject: "s", BodyText: "b", Status: models.MailSent})},
		{"a pending mail gets the defaults", "", create(&models.MailOutbox{DedupeKey: "m3", ToEmail: "a@b.c", Subject: "s", BodyText: "b"})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.constraint == "" {
				accepted(t, db, c.insert)
			} else {
				rejected(t, db, c.constraint, c.insert)
			}
		})
	}
}
