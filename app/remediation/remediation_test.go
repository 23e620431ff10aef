package remediation_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/attachments"
	"khung/app/authz"
	"khung/app/remediation"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
)

var hanoi = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

// world is a concluded visit of commune A with two recommendations, and the
// people who act on them.
type world struct {
	db   *gorm.DB
	svc  *remediation.Service
	w    *visitstest.World
	conc models.Conclusion
	// recA must be done by commune A within 10 working days; recB by district A.
	recA, recB models.Recommendation
	// otherRec belongs to commune B (another district's visit).
	otherRec models.Recommendation
	// unitA is the office of commune A, unitHeadA its head, unitB the office of commune B.
	unitA, unitHeadA, unitB, districtA authz.Actor
	lead, member, outsider, planner    authz.Actor
}

func (x *world) user(email, name string, role models.Role, unit *models.Unit, inspector int64, position models.UnitPosition) authz.Actor {
	u := models.User{Email: email, FullName: name, Role: role, Active: true, UnitPosition: position, Locale: "vi"}
	a := authz.Actor{Role: role}
	if unit != nil {
		u.UnitID = &unit.ID
		a.UnitID, a.UnitPath = unit.ID, unit.Path
	}
	if inspector != 0 {
		u.InspectorID = &inspector
		a.InspectorID = inspector
	}
	if err := x.db.Create(&u).Error; err != nil {
		panic(err)
	}
	a.UserID = u.ID
	return a
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db := dbtest.Gorm(t)
	x := &world{db: db, svc: remediation.New(db, site(t, "https://khung.example.vn"), hanoi), w: visitstest.Build(t, db)}
	w := x.w
	x.unitA = x.user("vp.phucxa@hanoi.gov.vn", "Văn phòng UBND phường Phúc Xá", models.RoleUnit, &w.CommuneA, 0, models.PositionOffice)
	x.unitHeadA = x.user("ct.phucxa@hanoi.gov.vn", "Chủ tịch UBND phường Phúc Xá", models.RoleUnit, &w.CommuneA, 0, models.PositionHead)
	x.unitB = x.user("vp.phuctan@hanoi.gov.vn", "Văn phòng UBND phường Phúc Tân", models.RoleUnit, &w.CommuneB, 0, models.PositionOffice)
	x.districtA = x.user("vp.badinh@hanoi.gov.vn", "Văn phòng UBND quận Ba Đình", models.RoleUnit, &w.DistrictA, 0, models.PositionOffice)
	x.lead = x.user("thanh.nv@sonoivu.hanoi.gov.vn", "Nguyễn Văn Thành", models.RoleInspector, nil, w.Lead.ID, models.PositionOffice)
	x.member = x.user("anh.ttn@sonoivu.hanoi.gov.vn", "Trần Thị Ngọc Ánh", models.RoleInspector, nil, w.Member.ID, models.PositionOffice)
	x.outsider = x.user("huynh.ld@sonoivu.hanoi.gov.vn", "Lê Đức Huỳnh", models.RoleInspector, nil, w.Outsider.ID, models.PositionOffice)
	x.planner = x.user("kehoach@sonoivu.hanoi.gov.vn", "Đỗ Minh Khang", models.RolePlanner, nil, 0, models.PositionOffice)

	x.conc = models.Conclusion{VisitID: w.Planned.ID, Number: 12, Symbol: "KL-SNV", IssuingBodyID: w.CityTeam.ID, Year: 2027,
		SignedOn: models.NewDate(2027, time.April, 1), SignerName: "Nguyễn Văn Hùng", Summary: "Còn chậm giải quyết hồ sơ."}
	must(t, db.Create(&x.conc).Error)
	ten := 10
	x.recA = models.Recommendation{ConclusionID: x.conc.ID, OwnerUnitID: w.CommuneA.ID, Action: "Chấn chỉnh việc tiếp nhận hồ sơ quá hạn",
		Deadline: models.NewDate(2027, time.April, 15), DeadlineWorkingDays: &ten, Severity: models.SeverityHigh}
	x.recB = models.Recommendation{ConclusionID: x.conc.ID, OwnerUnitID: w.DistrictA.ID, Action: "Rà soát quy chế làm việc",
		Deadline: models.NewDate(2027, time.June, 30), Severity: models.SeverityLow}
	must(t, db.Create(&x.recA).Error)
	must(t, db.Create(&x.recB).Error)
	otherConc := models.Conclusion{VisitID: w.Other.ID, Number: 3, Symbol: "KL-PNV", IssuingBodyID: w.DistrictBody.ID, Year: 2027,
		SignedOn: models.NewDate(2027, time.April, 2), SignerName: "Phạm Văn Đức"}
	must(t, db.Create(&otherConc).Error)
	x.otherRec = models.Recommendation{ConclusionID: otherConc.ID, OwnerUnitID: w.CommuneB.ID, Action: "Công khai thủ tục hành chính",
		Deadline: models.NewDate(2027, time.May, 5), Severity: models.SeverityMedium}
	must(t, db.Create(&x.otherRec).Error)
	return x
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (x *world) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	must(t, x.db.Raw(query, args...).Scan(&n).Error)
	return n
}

// snapshot counts the rows a failed write must leave alone.
func (x *world) snapshot(t testing.TB) string {
	t.Helper()
	var s string
	must(t, x.db.Raw(`SELECT concat_ws(',',
		(SELECT count(*) FROM remediation_reports), (SELECT count(*) FROM attachments),
		(SELECT count(*) FROM notifications), (SELECT count(*) FROM mail_outbox),
		(SELECT count(*) FROM audit_log), (SELECT string_agg(id || status, ' ' ORDER BY id) FROM recommendations),
		(SELECT string_agg(id || outcome, ' ' ORDER BY id) FROM remediation_reports))`).Scan(&s).Error)
	return s
}

var (
	apr10 = time.Date(2027, time.April, 10, 9, 0, 0, 0, hanoi)
	apr12 = time.Date(2027, time.April, 12, 14, 0, 0, 0, hanoi)
)

const pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

func evidence(t testing.TB) []attachments.File {
	f, err := attachments.CheckBytes("bien-ban-khac-phuc.pdf", []byte(pdf), "files")
	must(t, err)
	return []attachments.File{f}
}

func TestAUnitSeesItsRecommendationsAndThoseBelowIt(t *testing.T) {
	x := newWorld(t)
	today := models.NewDate(2027, time.April, 20)
	ids := func(a authz.Actor, f remediation.Filter) []int64 {
		items, err := x.svc.List(t.Context(), a, f, today)
		must(t, err)
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	tests := []struct {
		name  string
		actor authz.Actor
		f     remediation.Filter
		want  []int64
	}{
		{"the commune sees its own only", x.unitA, remediation.Filter{}, []int64{x.recA.ID}},
		{"the district sees its own and its commune's", x.districtA, remediation.Filter{}, []int64{x.recA.ID, x.recB.ID}},
		{"another district's commune sees its own", x.unitB, remediation.Filter{}, []int64{x.otherRec.ID}},
		{"the team's inspector sees the visit's", x.member, remediation.Filter{}, []int64{x.recA.ID, x.recB.ID}},
		{"an inspector of another team does not", x.outsider, remediation.Filter{}, []int64{x.otherRec.ID}},
		{"the planner sees all, overdue first", x.planner, remediation.Filter{}, []int64{x.recA.ID, x.otherRec.ID, x.recB.ID}},
		{"the overdue filter keeps the past deadline", x.planner, remediation.Filter{Overdue: true}, []int64{x.recA.ID}},
		{"the status filter", x.planner, remediation.Filter{Status: models.RecommendationDone}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(tt.actor, tt.f)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestDeadlinesAreCountedInWorkingDays(t *testing.T) {
	x := newWorld(t)
	// 30/4 and 1/5 are holidays; 2027-04-30 is a Friday.
	must(t, x.db.Exec(`INSERT INTO holidays (date, kind, name_vi, name_en) VALUES
		('2027-04-30', 'holiday', 'Ngày Giải phóng miền Nam', 'Reunification Day')`).Error)
	d, err := x.svc.Get(t.Context(), x.unitA, x.recA.ID, models.NewDate(2027, time.May, 3)) // Monday
	must(t, err)
	// After Thu 15/4: 16,19,20,21,22,23,26,27,28,29 (30 off), 3/5 = 11 working days.
	if !d.Overdue || d.OverdueWorkingDays != 11 {
		t.Errorf("overdue = %v by %d working days, want true by 11", d.Overdue, d.OverdueWorkingDays)
	}
	if d.Reference() != "Số: 12/KL-SNV" {
		t.Errorf("reference = %q", d.Reference())
	}
	d, err = x.svc.Get(t.Context(), x.unitA, x.recA.ID, models.NewDate(2027, time.April, 12)) // Monday
	must(t, err)
	if d.Overdue || d.WorkingDaysLeft != 3 {
		t.Errorf("overdue = %v, %d working days left; want false, 3", d.Overdue, d.WorkingDaysLeft)
	}
	if !d.CanReport || d.CanVerify {
		t.Errorf("unit can report %v, verify %v; want true, false", d.CanReport, d.CanVerify)
	}
}

func TestAReportThenAVerdictKeepTheFullHistory(t *testing.T) {
	x := newWorld(t)
	ctx := t.Context()
	first, err := x.svc.Submit(ctx, x.unitA, x.recA.ID, remediation.ReportInput{Body: "Đã ban hành quy chế mới.", Files: evidence(t)}, apr10)
	must(t, err)
	if got := x.count(t, "SELECT count(*) FROM attachments WHERE remediation_report_id = ? AND size_bytes = octet_length(data) AND content_type = 'application/pdf'", first.ID); got != 1 {
		t.Fatalf("stored files = %d, want 1", got)
	}
	// The team leader (not the member) is told, in-app and by mail.
	if got := x.count(t, "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'remediation_submitted' AND link = ?", x.lead.UserID, "/recommendations/"+itoa(x.recA.ID)); got != 1 {
		t.Errorf("lead notifications = %d, want 1", got)
	}
	if got := x.count(t, "SELECT count(*) FROM notifications WHERE user_id = ?", x.member.UserID); got != 0 {
		t.Errorf("member notifications = %d, want 0", got)
	}
	if got := x.count(t, "SELECT count(*) FROM mail_outbox WHERE to_email = 'thanh.nv@sonoivu.hanoi.gov.vn' AND subject LIKE '%báo cáo kết quả khắc phục%'"); got != 1 {
		t.Errorf("lead mails = %d, want 1", got)
	}

	// A second report while one is pending is a conflict.
	_, err = x.svc.Submit(ctx, x.unitA, x.recA.ID, remediation.ReportInput{Body: "Lần nữa"}, apr10)
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("second pending report: err = %v, want conflict", err)
	}

	// The member returns it with a reason; the unit's two users are told.
	_, err = x.svc.Decide(ctx, x.member, first.ID, remediation.Verdict{Reason: "Thiếu quyết định ban hành quy chế."}, apr12)
	must(t, err)
	if got := x.count(t, "SELECT count(*) FROM notifications WHERE kind = 'remediation_returned' AND user_id IN (?, ?) AND body LIKE '%Thiếu quyết định%'", x.unitA.UserID, x.unitHeadA.UserID); got != 2 {
		t.Errorf("unit notifications of the return = %d, want 2", got)
	}
	second, err := x.svc.Submit(ctx, x.unitA, x.recA.ID, remediation.ReportInput{Body: "Bổ sung quyết định số 45/QĐ-UBND."}, apr12.Add(time.Hour))
	must(t, err)
	_, err = x.svc.Decide(ctx, x.lead, second.ID, remediation.Verdict{Accept: true}, apr12.Add(2*time.Hour))
	must(t, err)

	d, err := x.svc.Get(ctx, x.unitA, x.recA.ID, models.NewDate(2027, time.April, 12))
	must(t, err)
	if d.Status != models.RecommendationDone || d.ClosedAt == nil || d.CanReport {
		t.Errorf("status %s closed %v can report %v; want done, closed, no", d.Status, d.ClosedAt, d.CanReport)
	}
	if len(d.Reports) != 2 || d.Reports[0].Outcome != models.ReportReturned || d.Reports[0].DecisionReason == "" ||
		d.Reports[1].Outcome != models.ReportAccepted || d.Reports[1].DeciderName != "Nguyễn Văn Thành" ||
		len(d.Reports[0].Files) != 1 || d.Reports[0].SubmitterName == "" {
		t.Errorf("history = %+v", d.Reports)
	}
	if got := x.count(t, "SELECT count(*) FROM audit_log WHERE entity = 'remediation_report'"); got != 4 {
		t.Errorf("audit entries = %d, want 4", got)
	}
	// A closed recommendation takes no more reports.
	if _, err := x.svc.Submit(ctx, x.unitA, x.recA.ID, remediation.ReportInput{Body: "Thêm"}, apr12); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("report on a done recommendation: err = %v, want conflict", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestBadReportsAndVerdictsChangeNothing(t *testing.T) {
	x := newWorld(t)
	ctx := t.Context()
	pending, err := x.svc.Submit(ctx, x.unitA, x.recA.ID, remediation.ReportInput{Body: "Đã khắc phục."}, apr10)
	must(t, err)
	tests := []struct {
		name string
		do   func() error
		want func(error) bool
		what string
	}{
		{"a report on another unit's recommendation is not found", func() error {
			_, err := x.svc.Submit(ctx, x.unitA, x.otherRec.ID, remediation.ReportInput{Body: "x", Files: evidence(t)}, apr10)
			return err
		}, isErr(apperr.ErrNotFound), "not found"},
		{"a report on a parent unit's recommendation is not found", func() error {
			_, err := x.svc.Submit(ctx, x.unitA, x.recB.ID, remediation.ReportInput{Body: "x"}, apr10)
			return err
		}, isErr(apperr.ErrNotFound), "not found"},
		{"an inspector may not send a report", func() error {
			_, err := x.svc.Submit(ctx, x.lead, x.recB.ID, remediation.ReportInput{Body: "x"}, apr10)
			return err
		}, isErr(apperr.ErrForbidden), "forbidden"},
		{"an empty report is refused", func() error {
			_, err := x.svc.Submit(ctx, x.districtA, x.recB.ID, remediation.ReportInput{Body: "  \n"}, apr10)
			return err
		}, isField(t, "body"), "a body field error"},
		{"returning without a reason is refused", func() error {
			_, err := x.svc.Decide(ctx, x.lead, pending.ID, remediation.Verdict{Reason: " "}, apr12)
			return err
		}, isField(t, "reason"), "a reason field error"},
		{"an inspector not on the team may not accept", func() error {
			_, err := x.svc.Decide(ctx, x.outsider, pending.ID, remediation.Verdict{Accept: true}, apr12)
			return err
		}, isErr(apperr.ErrForbidden), "forbidden"},
		{"the unit may not accept its own report", func() error {
			_, err := x.svc.Decide(ctx, x.unitA, pending.ID, remediation.Verdict{Accept: true}, apr12)
			return err
		}, isErr(apperr.ErrForbidden), "forbidden"},
		{"an unknown report is not found", func() error {
			_, err := x.svc.Decide(ctx, x.lead, pending.ID+100, remediation.Verdict{Accept: true}, apr12)
			return err
		}, isErr(apperr.ErrNotFound), "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := x.snapshot(t)
			err := tt.do()
			if !tt.want(err) {
				t.Fatalf("err = %v, want %s", err, tt.what)
			}
			if after := x.snapshot(t); after != before {
				t.Errorf("rows changed: %s → %s", before, after)
			}
		})
	}
}

func isErr(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func isField(t testing.TB, field string) func(error) bool {
	return func(err error) bool {
		ve, ok := apperr.AsValidation(err)
		if !ok || !ve.Has(field) {
			return false
		}
		apperrtest.Render(t, err)
		f := ve.Fields[0]
		return f.VI != "" && f.EN != "" && f.VI != f.Msg.ID && f.EN != f.Msg.ID
	}
}

func TestTheQueueHoldsPendingReportsOfTheInspectorsVisits(t *testing.T) {
	x := newWorld(t)
	ctx := t.Context()
	_, err := x.svc.Submit(ctx, x.unitA, x.recA.ID, remediation.ReportInput{Body: "Đã khắc phục."}, apr10)
	must(t, err)
	_, err = x.svc.Submit(ctx, x.unitB, x.otherRec.ID, remediation.ReportInput{Body: "Đã công khai."}, apr10)
	must(t, err)
	today := models.NewDate(2027, time.April, 12)
	for _, tt := range []struct {
		name  string
		actor authz.Actor
		want  int
	}{{"the team's member", x.member, 1}, {"the other team's lead", x.outsider, 1}, {"the planner", x.planner, 2}} {
		q, err := x.svc.Queue(ctx, tt.actor, today)
		must(t, err)
		if len(q) != tt.want {
			t.Errorf("%s: queue of %d, want %d", tt.name, len(q), tt.want)
		}
	}
	if _, err := x.svc.Queue(ctx, x.unitA, today); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("unit queue: err = %v, want forbidden", err)
	}
}

func TestEvidenceIsDownloadedOnlyByThoseWhoReadTheRecommendation(t *testing.T) {
	x := newWorld(t)
	rep, err := x.svc.Submit(t.Context(), x.unitA, x.recA.ID, remediation.ReportInput{Body: "Đã khắc phục.", Files: evidence(t)}, apr10)
	must(t, err)
	var id int64
	must(t, x.db.Raw("SELECT id FROM attachments WHERE remediation_report_id = ?", rep.ID).Scan(&id).Error)
	for _, tt := range []struct {
		name  string
		actor authz.Actor
		ok    bool
	}{{"the unit", x.unitA, true}, {"its district", x.districtA, true}, {"the team", x.member, true},
		{"another unit", x.unitB, false}, {"another team", x.outsider, false}, {"nobody", authz.Actor{}, false}} {
		f, err := x.svc.Attachment(t.Context(), tt.actor, id)
		if tt.ok && (err != nil || string(f.Data) != pdf) {
			t.Errorf("%s: err %v, %d bytes", tt.name, err, len(f.Data))
		}
		if !tt.ok && err == nil {
			t.Errorf("%s: read the file", tt.name)
		}
	}
}

func TestTheInboxListsUnreadFirstAndMarksRead(t *testing.T) {
	x := newWorld(t)
	inbox := remediation.NewInbox(x.db)
	ctx := t.Context()
	_, err := x.svc.Submit(ctx, x.unitA, x.recA.ID, remediation.ReportInput{Body: "Đã khắc phục."}, apr10)
	must(t, err)
	must(t, x.db.Exec(`INSERT INTO notifications (user_id, kind, dedupe_key, subject, created_at, read_at)
		VALUES (?, 'x', 'old', 'Cũ', now() + interval '1 day', now())`, x.lead.UserID).Error)
	list, err := inbox.List(ctx, x.lead)
	must(t, err)
	if len(list) != 2 || list[0].ReadAt != nil || list[1].Subject != "Cũ" {
		t.Fatalf("list = %+v", list)
	}
	if n, _ := inbox.Unread(ctx, x.lead); n != 1 {
		t.Errorf("unread = %d, want 1", n)
	}
	if _, err := inbox.MarkRead(ctx, x.member, list[0].ID, apr12); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("marking someone else's: err = %v, want not found", err)
	}
	if _, err := inbox.MarkRead(ctx, x.lead, list[0].ID, apr12); err != nil {
		t.Fatal(err)
	}
	if n, _ := inbox.Unread(ctx, x.lead); n != 0 {
		t.Errorf("unread after marking = %d, want 0", n)
	}
	must(t, x.db.Exec(`UPDATE notifications SET read_at = NULL`).Error)
	if n, err := inbox.MarkAllRead(ctx, x.lead, apr12); err != nil || n != 2 {
		t.Errorf("mark all = %d, %v; want 2", n, err)
	}
}
