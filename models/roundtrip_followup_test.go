package models_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"khung/models"
	"khung/models/dbtest"
)

func TestEveryFollowUpModelRoundTripsWithEveryFieldSet(t *testing.T) {
	db := dbtest.Gorm(t)
	f := newPlanFixture(t, db)
	decision := &models.Decision{VisitID: f.visit.ID, Number: 1, IssuingBodyID: f.body.ID, Year: 2025,
		SignedOn: day("2025-03-01"), SignerName: "Giám đốc"}
	mustCreate(t, db, decision)
	finding := &models.Finding{VisitID: f.visit.ID, Description: "Chậm giải quyết hồ sơ", Severity: models.SeverityMedium}
	mustCreate(t, db, finding)
	conclusion := &models.Conclusion{VisitID: f.visit.ID, Number: 1, IssuingBodyID: f.body.ID, Year: 2025,
		SignedOn: day("2025-04-01"), SignerName: "Giám đốc"}
	mustCreate(t, db, conclusion)
	rec := &models.Recommendation{ConclusionID: conclusion.ID, OwnerUnitID: f.ward.ID, Action: "Khắc phục",
		Deadline: day("2025-05-01"), Severity: models.SeverityLow}
	mustCreate(t, db, rec)
	report := &models.RemediationReport{RecommendationID: rec.ID, Body: "Đã khắc phục", Outcome: models.ReportAccepted,
		SubmittedAt: at(0), DecidedAt: ptrTime(at(1))}
	mustCreate(t, db, report)
	data := []byte("%PDF-1.7 biên bản")
	sum := sha256.Sum256(data)

	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"decision", func(t *testing.T) {
			notice, tb := 3, "TB-SNV"
			roundTrip(t, db, &models.Decision{VisitID: f.visit.ID, Kind: models.DecisionExtension, Number: 125, Symbol: "QĐ-TTTP",
				IssuingBodyID: f.body.ID, Year: 2025, SignedOn: day("2025-03-05"), SignerName: "Nguyễn Văn Bình",
				SignerTitle: "Phó Giám đốc", PeriodFrom: dayPtr("2023-01-01"), PeriodTo: dayPtr("2024-12-31"),
				Scope:   "Việc chấp hành kỷ luật, kỷ cương hành chính",
				Team:    models.JSON(`[{"inspector_id": 1, "full_name": "Nguyễn Văn An", "role": "lead"}]`),
				Grounds: "Văn bản số 12/UBND-NC ngày 02/01/2025", OrderedBy: "UBND Thành phố", KindCode: "xac_minh",
				NoticeNumber: &notice, NoticeSymbol: &tb, NoticeOn: dayPtr("2025-03-06"),
				CreatedBy: &f.user.ID, CreatedAt: at(2), UpdatedAt: at(3)}, "number = ?", 125)
		}},
		{"visit event", func(t *testing.T) {
			from, to := models.VisitOnSite, models.VisitOnSite
			roundTrip(t, db, &models.VisitEvent{VisitID: f.visit.ID, Kind: models.EventExtended, FromStatus: &from, ToStatus: &to,
				OnDate: day("2025-03-12"), NewEndDate: dayPtr("2025-03-14"), Reason: "Cần thêm thời gian xác minh",
				DecisionID: &decision.ID, UserID: &f.user.ID, At: at(4)}, "visit_id = ? AND kind = ?", f.visit.ID, models.EventExtended)
		}},
		{"finding", func(t *testing.T) {
			roundTrip(t, db, &models.Finding{VisitID: f.visit.ID, TopicCode: &f.topic.Code, Kind: models.FindingViolation,
				Description: "Thu phí sai quy định", Severity: models.SeverityHigh, CreatedBy: &f.user.ID,
				CreatedAt: at(5), UpdatedAt: at(6)}, "description = ?", "Thu phí sai quy định")
		}},
		{"conclusion", func(t *testing.T) {
			other := &models.Visit{PlanVersionID: &f.version.ID, Code: "v-other", Year: 2025, UnitID: f.district.ID,
				Form: models.FormPlanned, LeadBodyID: f.body.ID, Days: 1, TeamSize: 1, UnscheduledReason: "x"}
			mustCreate(t, db, other)
			roundTrip(t, db, &models.Conclusion{VisitID: other.ID, Number: 12, Symbol: "KL-TTTP", IssuingBodyID: f.body.ID,
				Year: 2025, DraftReceivedOn: dayPtr("2025-04-01"), SignedOn: day("2025-04-10"), SignerName: "Nguyễn Văn Bình",
				SignerTitle: "Giám đốc", Summary: "Đơn vị cơ bản chấp hành tốt", DirectiveIssuedOn: dayPtr("2025-04-20"), KindCode: "kiem_tra",
				CreatedBy: &f.user.ID, CreatedAt: at(7), UpdatedAt: at(8)}, "visit_id = ?", other.ID)
		}},
		{"recommendation", func(t *testing.T) {
			n, liable := 10, models.LiableBoth
			roundTrip(t, db, &models.Recommendation{ConclusionID: conclusion.ID, OwnerUnitID: f.ward.ID,
				Action: "Công khai thủ tục hành chính", Deadline: day("2025-04-15"), DeadlineWorkingDays: &n,
				Severity: models.SeverityMedium, Kind: models.RecommendationResponsibility, Liable: &liable,
				Status: models.RecommendationDone, ClosedAt: ptrTime(at(9)),
				ReassignedFromUnitID: &f.district.ID, ReassignedReason: "Địa bàn chuyển về phường", ReassignedAt: ptrTime(at(8)),
				ReassignedBy: &f.user.ID, CreatedAt: at(10), UpdatedAt: at(11)}, "action = ?", "Công khai thủ tục hành chính")
		}},
		{"remediation report", func(t *testing.T) {
			acc, tb := 4, "TB-SNV"
			roundTrip(t, db, &models.RemediationReport{RecommendationID: rec.ID, SubmittedBy: &f.user.ID, Body: "Đã niêm yết",
				SubmittedAt: at(12), Outcome: models.ReportReturned, DecidedBy: &f.user.ID, DecidedAt: ptrTime(at(13)),
				DecisionReason: "Thiếu ảnh chụp", AcceptanceNumber: &acc, AcceptanceSymbol: &tb}, "body = ?", "Đã niêm yết")
		}},
		{"responsibility outcome", func(t *testing.T) {
			roundTrip(t, db, &models.ResponsibilityOutcome{RecommendationID: rec.ID, Measure: "khien_trach", Subject: "Ông Nguyễn Văn A, công chức địa chính",
				DecidedOn: day("2025-05-02"), DocumentNumber: "15/QĐ-UBND", Note: "Đã công bố", RecordedBy: &f.user.ID, RecordedAt: at(14)},
				"document_number = ?", "15/QĐ-UBND")
		}},
		{"conclusion draft", func(t *testing.T) {
			roundTrip(t, db, &models.ConclusionDraft{VisitID: f.visit.ID, ReceivedOn: day("2025-03-20"), ReceivedBy: f.user.ID,
				RecordedBy: &f.user.ID, RecordedAt: at(15)}, "visit_id = ?", f.visit.ID)
		}},
		{"attachment of each kind of owner", func(t *testing.T) {
			owners := map[string]func(a *models.Attachment){
				"VisitID":             func(a *models.Attachment) { a.VisitID = &f.visit.ID },
				"FindingID":           func(a *models.Attachment) { a.FindingID = &finding.ID },
				"RemediationReportID": func(a *models.Attachment) { a.RemediationReportID = &report.ID },
				"DecisionID":          func(a *models.Attachment) { a.DecisionID = &decision.ID },
				"ConclusionID":        func(a *models.Attachment) { a.ConclusionID = &conclusion.ID },
			}
			for owner, setOwner := range owners {
				t.Run(owner, func(t *testing.T) {
					a := &models.Attachment{Filename: owner + ".pdf", ContentType: "application/pdf",
						SizeBytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data,
						UploadedBy: &f.user.ID, UploadedAt: at(14)}
					setOwner(a)
					var others []string
					for o := range owners {
						if o != owner {
							others = append(others, o)
						}
					}
					roundTripAllowingZero(t, db, a, others, "filename = ?", owner+".pdf")
				})
			}
		}},
		{"notification", func(t *testing.T) {
			roundTrip(t, db, &models.Notification{UserID: f.user.ID, Kind: "reminder", DedupeKey: "reminder:rec:1:d7:user:1",
				Subject: "Sắp đến hạn", Body: "Kiến nghị sắp đến hạn", Link: "/recommendations/1", CreatedAt: at(15),
				ReadAt: ptrTime(at(16))}, "dedupe_key = ?", "reminder:rec:1:d7:user:1")
		}},
		{"mail outbox", func(t *testing.T) {
			roundTrip(t, db, &models.MailOutbox{DedupeKey: "mail:1", ToEmail: "office@khung.test", ToName: "Văn phòng",
				Subject: "Nhắc hạn", BodyText: "Nội dung", BodyHTML: "<p>Nội dung</p>", Status: models.MailSent, Attempts: 2,
				NextAttemptAt: at(17), ClaimedAt: ptrTime(at(18)), LastError: "421 try later", SentAt: ptrTime(at(19)),
				CreatedAt: at(20), ClaimedBy: ptrStr("khung-1:4242:AB12CD34/7"), LeaseUntil: ptrTime(at(22))}, "dedupe_key = ?", "mail:1")
		}},
		{"sent notification key", func(t *testing.T) {
			roundTrip(t, db, &models.SentNotificationKey{Key: "digest:2025-W10:user:1", SentAt: at(21)}, "key = ?", "digest:2025-W10:user:1")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}
