package inspections_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/authz"
	"khung/app/holidays"
	"khung/app/inspections"
	"khung/app/msg"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

// inBothLanguages tells whether m has a text in Vietnamese and in English.
func inBothLanguages(t *testing.T, m msg.Message) bool {
	t.Helper()
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	vi, en := loc.For("vi"), loc.For("en")
	return m.ID != "" && vi.Has(m.ID) && en.Has(m.ID) && vi.Msg(m) != "" && en.Msg(m) != ""
}

var hcm = mustLoc("Asia/Ho_Chi_Minh")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// fieldInBothLanguages tells whether a field problem reads in Vietnamese and
// English: rendered from its message id, or (from the struct validator) as text.
func fieldInBothLanguages(t *testing.T, f apperr.FieldError) bool {
	t.Helper()
	if f.Msg.ID != "" {
		return inBothLanguages(t, f.Msg)
	}
	return f.VI != "" && f.EN != ""
}

// world is the visits fixture with a user for each role that acts.
type world struct {
	*visitstest.World
	db                      *gorm.DB
	svc                     *inspections.Service
	planner, lead, outsider authz.Actor
	approver                authz.Actor
	communeUser             models.User
}

func setup(t *testing.T) *world {
	t.Helper()
	db := dbtest.Gorm(t)
	w := &world{World: visitstest.Build(t, db), db: db, svc: inspections.New(db, hcm, site(t, "https://khung.example"))}
	w.planner = actor(t, db, models.RolePlanner, 0, nil)
	w.approver = actor(t, db, models.RoleApprover, 0, nil)
	w.lead = actor(t, db, models.RoleInspector, w.Lead.ID, nil)
	w.outsider = actor(t, db, models.RoleInspector, w.Outsider.ID, nil)
	u := actor(t, db, models.RoleUnit, 0, &w.CommuneA)
	if err := db.Take(&w.communeUser, u.UserID).Error; err != nil {
		t.Fatal(err)
	}
	return w
}

var userSeq int

func actor(t *testing.T, db *gorm.DB, role models.Role, inspectorID int64, unit *models.Unit) authz.Actor {
	t.Helper()
	userSeq++
	u := models.User{Email: fmt.Sprintf("%s%d@example.vn", role, userSeq), FullName: "Người dùng " + string(role),
		PasswordHash: "x", Role: role, Active: true, Locale: "vi", UnitPosition: models.PositionOffice}
	if inspectorID != 0 {
		u.InspectorID = &inspectorID
	}
	if unit != nil {
		u.UnitID = &unit.ID
	}
	if err := db.Create(&u).Error; err != nil {
		t.Fatalf("create user: %v", err)
	}
	a := authz.Actor{UserID: u.ID, Role: role, InspectorID: inspectorID}
	if unit != nil {
		a.UnitID, a.UnitPath = unit.ID, unit.Path
	}
	return a
}

func count(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func snapshot(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"decisions", "visit_events", "findings", "conclusions", "recommendations",
		"notifications", "mail_outbox", "audit_log", "attachments"} {
		out[table] = count(t, db, table)
	}
	return out
}

func sameCounts(t *testing.T, db *gorm.DB, before map[string]int64) {
	t.Helper()
	after := snapshot(t, db)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows, want %d (nothing written)", k, after[k], v)
		}
	}
}

func statusOf(t *testing.T, db *gorm.DB, id int64) models.VisitStatus {
	t.Helper()
	var v models.Visit
	if err := db.Take(&v, id).Error; err != nil {
		t.Fatal(err)
	}
	return v.Status
}

func decisionFor(signed models.Date, lead int64, members ...int64) inspections.DecisionInput {
	return inspections.DecisionInput{SignedOn: signed, SignerName: "Trần Văn Hùng", SignerTitle: "Giám đốc",
		Scope: "Việc chấp hành kỷ luật, kỷ cương hành chính", LeadID: lead, MemberIDs: members,
		Grounds: "Văn bản số 123/UBND-NC ngày 02/01/2027", OrderedBy: "UBND Thành phố"}
}

func d(s string) models.Date { return models.MustParseDate(s) }

// later is a clock well after every date of the fixture, for the tests that
// are not about the workflow's dates.
var later = time.Date(2028, time.December, 1, 9, 0, 0, 0, hcm)

// The bodies of one agency (the city team and the inspectorate of Sở Nội vụ)
// share its register of decisions, QĐ-SNV, which starts again each year.
func TestDecisionNumbersArePerAgencyRegisterAndYear(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	// Three more verification visits of the inspectorate outside any plan.
	x1 := w.Unplanned(t, w.db, w.CommuneA.ID, w.Outsider.ID, d("2026-12-21"), d("2026-12-22"))
	x2 := w.Unplanned(t, w.db, w.CommuneB.ID, w.Outsider.ID, d("2027-06-07"), d("2027-06-08"))
	tests := []struct {
		name   string
		visit  models.Visit
		signed models.Date
		lead   int64
		want   string
	}{
		{"the city team's first decision of 2027", w.Planned, d("2027-03-01"), w.Lead.ID, "Số: 01/QĐ-SNV"},
		{"the city team's second decision of 2027", w.District, d("2027-03-08"), w.Lead.ID, "Số: 02/QĐ-SNV"},
		{"another body of the agency goes on in the same register", w.Unannounced, d("2027-04-01"), w.Member.ID, "Số: 03/QĐ-SNV"},
		{"another year starts at 01", x1, d("2026-12-15"), w.Outsider.ID, "Số: 01/QĐ-SNV"},
		{"the 2027 register goes on after the other year", x2, d("2027-06-01"), w.Outsider.ID, "Số: 04/QĐ-SNV"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.svc.SignDecision(ctx, w.planner, tc.visit.ID, decisionFor(tc.signed, tc.lead), later)
			if err != nil {
				t.Fatal(err)
			}
			if line := inspections.NumberLine(got.Number, got.Symbol); line != tc.want || got.Year != tc.signed.Year {
				t.Errorf("decision %s of %d, want %s", line, got.Year, tc.want)
			}
			if s := statusOf(t, w.db, tc.visit.ID); s != models.VisitDecisionSigned {
				t.Errorf("visit status %s, want decision_signed", s)
			}
		})
	}

	t.Run("two decisions signed at the same time get distinct numbers", func(t *testing.T) {
		y1 := w.Unplanned(t, w.db, w.CommuneA.ID, w.Outsider.ID, d("2028-03-06"), d("2028-03-07"))
		y2 := w.Unplanned(t, w.db, w.CommuneB.ID, w.Outsider.ID, d("2028-03-13"), d("2028-03-14"))
		var wg sync.WaitGroup
		nums := make([]int, 2)
		errs := make([]error, 2)
		for i, v := range []models.Visit{y1, y2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dec, err := w.svc.SignDecision(ctx, w.planner, v.ID, decisionFor(d("2028-02-01"), w.Outsider.ID), later)
				nums[i], errs[i] = dec.Number, err
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("errors: %v, %v", errs[0], errs[1])
		}
		if nums[0] == nums[1] || nums[0]+nums[1] != 3 {
			t.Errorf("numbers %v, want 1 and 2", nums)
		}
	})
}

func TestDecisionReplacesTheTeamAndRefusesDoubleBooking(t *testing.T) {
	w := setup(t)
	ctx := context.Background()

	t.Run("the team of the decision becomes the visit's team", func(t *testing.T) {
		dec, err := w.svc.SignDecision(ctx, w.planner, w.District.ID, decisionFor(d("2027-03-01"), w.Lead.ID, w.Member.ID), later)
		if err != nil {
			t.Fatal(err)
		}
		var members []models.VisitMember
		w.db.Where("visit_id = ?", w.District.ID).Order("role").Find(&members)
		if len(members) != 2 || members[0].InspectorID != w.Lead.ID || members[0].Role != models.MemberLead ||
			members[1].InspectorID != w.Member.ID {
			t.Errorf("team %+v", members)
		}
		doc, err := w.svc.DecisionDocument(ctx, w.lead, w.District.ID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Leader().FullName != w.Lead.FullName || len(doc.Members()) != 1 || doc.NumberLine() != fmt.Sprintf("Số: %02d/QĐ-SNV", dec.Number) {
			t.Errorf("document %+v", doc)
		}
	})

	t.Run("an inspector already on an overlapping visit is refused and nothing is written", func(t *testing.T) {
		before := snapshot(t, w.db)
		// Lead is on the planned visit of 15–17 March; Other is 15–16 March.
		_, err := w.svc.SignDecision(ctx, w.planner, w.Other.ID, decisionFor(d("2027-03-01"), w.Outsider.ID, w.Lead.ID), later)
		if !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("err = %v, want a conflict", err)
		}
		var ae *apperr.Error
		if !errors.As(err, &ae) || !inBothLanguages(t, ae.Msg) {
			t.Errorf("err %v has no message", err)
		}
		sameCounts(t, w.db, before)
		if s := statusOf(t, w.db, w.Other.ID); s != models.VisitPlanned {
			t.Errorf("status %s", s)
		}
	})
}

func TestOnlyTheTeamWritesAndNothingIsWrittenOtherwise(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	before := snapshot(t, w.db)
	for name, a := range map[string]authz.Actor{"an inspector not on the team": w.outsider, "an approver": w.approver} {
		t.Run(name+" may not sign the decision", func(t *testing.T) {
			_, err := w.svc.SignDecision(ctx, a, w.Planned.ID, decisionFor(d("2027-03-01"), w.Lead.ID, w.Member.ID), later)
			if !errors.Is(err, apperr.ErrForbidden) {
				t.Fatalf("err = %v, want forbidden", err)
			}
			_, err = w.svc.RecordEvent(ctx, a, w.Planned.ID, inspections.EventInput{Kind: models.EventCancelled,
				OnDate: d("2027-03-01"), Reason: "Thử"}, later)
			if !errors.Is(err, apperr.ErrForbidden) {
				t.Fatalf("event err = %v, want forbidden", err)
			}
		})
	}
	sameCounts(t, w.db, before)
	t.Run("the outsider cannot even read the visit's work", func(t *testing.T) {
		if _, err := w.svc.Work(ctx, w.outsider, w.Planned.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("err = %v, want not found", err)
		}
	})
}

// toOnSiteEnded signs the decision and walks the visit to on_site_ended.
func toOnSiteEnded(t *testing.T, w *world, a authz.Actor, v models.Visit, lead int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := w.svc.SignDecision(ctx, a, v.ID, decisionFor(d("2027-01-04"), lead), later); err != nil {
		t.Fatal(err)
	}
	for {
		next := inspections.Next(v.Form, statusOf(t, w.db, v.ID))
		if _, err := w.svc.ChangeStatus(ctx, a, v.ID, inspections.StatusInput{To: next, OnDate: d("2027-01-18")}, later); err != nil {
			t.Fatalf("to %s: %v", next, err)
		}
		if next == models.VisitOnSiteEnded {
			return
		}
	}
}

func TestConclusionDeadlines(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	days := holidays.LabourCode(2027)
	if err := w.db.Create(&days).Error; err != nil {
		t.Fatal(err)
	}
	v := w.Unplanned(t, w.db, w.CommuneA.ID, w.Lead.ID, d("2027-01-18"), d("2027-01-20"))
	toOnSiteEnded(t, w, w.lead, v, w.Lead.ID)
	afterStart := time.Date(2027, 2, 1, 9, 0, 0, 0, hcm)

	t.Run("a deadline before the conclusion's date is refused on its field and nothing is written", func(t *testing.T) {
		before := snapshot(t, w.db)
		in := inspections.ConclusionInput{SignedOn: d("2027-02-01"), SignerName: "Trần Văn Hùng", Summary: "Còn tồn tại.",
			Recommendations: []inspections.RecommendationInput{
				{OwnerUnitID: w.CommuneA.ID, Action: "Rà soát hồ sơ", WorkingDays: 10, Severity: models.SeverityLow},
				{OwnerUnitID: w.CommuneA.ID, Action: "Chấn chỉnh", Deadline: models.DatePtr(d("2027-01-29")), Severity: models.SeverityHigh},
			}}
		_, _, err := w.svc.IssueConclusion(ctx, w.lead, v.ID, in, afterStart)
		ve, ok := apperr.AsValidation(err)
		if !ok || !ve.Has("recommendations[1].deadline") || len(ve.Fields) != 1 {
			t.Fatalf("err = %v, want 422 on recommendations[1].deadline", err)
		}
		sameCounts(t, w.db, before)
		if s := statusOf(t, w.db, v.ID); s != models.VisitOnSiteEnded {
			t.Errorf("status %s", s)
		}
	})

	t.Run("an owner unit outside the visited unit is refused", func(t *testing.T) {
		in := inspections.ConclusionInput{SignedOn: d("2027-02-01"), SignerName: "Trần Văn Hùng", Summary: "Còn tồn tại.",
			Recommendations: []inspections.RecommendationInput{
				{OwnerUnitID: w.CommuneB.ID, Action: "Rà soát hồ sơ", WorkingDays: 10, Severity: models.SeverityLow}}}
		_, _, err := w.svc.IssueConclusion(ctx, w.lead, v.ID, in, afterStart)
		if ve, ok := apperr.AsValidation(err); !ok || !ve.Has("recommendations[0].owner_unit_id") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ten working days from Monday 1 February 2027 cross Tết to 22 February", func(t *testing.T) {
		in := inspections.ConclusionInput{SignedOn: d("2027-02-01"), SignerName: "Trần Văn Hùng", SignerTitle: "Giám đốc",
			Summary: "Đơn vị còn chậm cập nhật hồ sơ công chức.",
			Recommendations: []inspections.RecommendationInput{
				{OwnerUnitID: w.CommuneA.ID, Action: "Cập nhật hồ sơ", WorkingDays: 10, Severity: models.SeverityMedium},
				{OwnerUnitID: w.CommuneA.ID, Action: "Chấn chỉnh giờ làm việc", Deadline: models.DatePtr(d("2027-03-31")), Severity: models.SeverityHigh},
			}}
		c, recs, err := w.svc.IssueConclusion(ctx, w.lead, v.ID, in, afterStart)
		if err != nil {
			t.Fatal(err)
		}
		// A verification's result is a report (BC) in the agency's register.
		if got := inspections.NumberLine(c.Number, c.Symbol); got != "Số: 01/BC-SNV" {
			t.Errorf("number %s", got)
		}
		if recs[0].Deadline != d("2027-02-22") || recs[0].DeadlineWorkingDays == nil || *recs[0].DeadlineWorkingDays != 10 {
			t.Errorf("deadline %s (%v working days), want 2027-02-22 (10)", recs[0].Deadline, recs[0].DeadlineWorkingDays)
		}
		if recs[1].Deadline != d("2027-03-31") || recs[1].DeadlineWorkingDays != nil {
			t.Errorf("dated deadline %s", recs[1].Deadline)
		}
		if s := statusOf(t, w.db, v.ID); s != models.VisitConclusionIssued {
			t.Errorf("status %s", s)
		}
		var notes []models.Notification
		w.db.Where("user_id = ?", w.communeUser.ID).Find(&notes)
		if len(notes) != 1 || notes[0].Link != "/recommendations" {
			t.Fatalf("notifications of the commune's user: %+v", notes)
		}
		var mails int64
		w.db.Table("mail_outbox").Where("to_email = ?", w.communeUser.Email).Count(&mails)
		if mails != 1 {
			t.Errorf("%d mails to the commune, want 1", mails)
		}
	})

	t.Run("the implementing directive is recorded once valid, and a bad date writes nothing", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			on   models.Date
			rule string
		}{
			{"before the conclusion", d("2027-01-29"), "gtefield"},
			{"in the future", d("2027-02-02"), "future"},
			{"missing", models.Date{}, "required"},
		} {
			before := snapshot(t, w.db)
			_, err := w.svc.RecordDirective(ctx, w.lead, v.ID, inspections.DirectiveInput{IssuedOn: tt.on}, afterStart)
			apperrtest.Render(t, err)
			ve, ok := apperr.AsValidation(err)
			if !ok || !ve.Has("issued_on") || ve.Fields[0].Rule != tt.rule || !fieldInBothLanguages(t, ve.Fields[0]) {
				t.Fatalf("%s: err = %v, want 422 on issued_on (%s) in vi and en", tt.name, err, tt.rule)
			}
			sameCounts(t, w.db, before)
		}
		if _, err := w.svc.RecordDirective(ctx, w.outsider, v.ID, inspections.DirectiveInput{IssuedOn: d("2027-02-01")}, afterStart); err == nil {
			t.Fatal("an inspector not on the team recorded the directive")
		}
		c, err := w.svc.RecordDirective(ctx, w.lead, v.ID, inspections.DirectiveInput{IssuedOn: d("2027-02-01")}, afterStart)
		if err != nil {
			t.Fatal(err)
		}
		var stored models.Conclusion
		w.db.Take(&stored, c.ID)
		if stored.DirectiveIssuedOn == nil || *stored.DirectiveIssuedOn != d("2027-02-01") {
			t.Fatalf("directive_issued_on = %v", stored.DirectiveIssuedOn)
		}
		var audits int64
		w.db.Table("audit_log").Where("action = 'conclusion.directive' AND entity_id = ?", c.ID).Count(&audits)
		if audits != 1 {
			t.Errorf("%d audit rows, want 1", audits)
		}
	})
}

func TestTheWorkflowKeepsToTheCalendar(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	// A verification visit from Monday 18 to Wednesday 20 January 2027.
	v := w.Unplanned(t, w.db, w.CommuneA.ID, w.Lead.ID, d("2027-01-18"), d("2027-01-20"))
	at := func(day string) time.Time { return time.Date(2027, 1, d(day).Day, 9, 0, 0, 0, hcm) }
	if _, err := w.svc.SignDecision(ctx, w.lead, v.ID, decisionFor(d("2027-01-04"), w.Lead.ID), at("2027-01-04")); err != nil {
		t.Fatal(err)
	}
	refused := func(t *testing.T, err error, field, rule string) {
		t.Helper()
		ve, ok := apperr.AsValidation(err)
		if !ok || !ve.Has(field) || ve.Fields[0].Rule != rule || !fieldInBothLanguages(t, ve.Fields[0]) {
			t.Fatalf("err = %v, want 422 on %s (%s) in vi and en", err, field, rule)
		}
	}
	move := func(to models.VisitStatus, on string, now time.Time) error {
		_, err := w.svc.ChangeStatus(ctx, w.lead, v.ID, inspections.StatusInput{To: to, OnDate: d(on)}, now)
		return err
	}
	conclude := func(signed string, now time.Time) error {
		in := inspections.ConclusionInput{SignedOn: d(signed), SignerName: "Trần Văn Hùng", Summary: "Tồn tại.",
			Recommendations: []inspections.RecommendationInput{
				{OwnerUnitID: w.CommuneA.ID, Action: "Cập nhật hồ sơ", Deadline: models.DatePtr(d("2027-03-31")), Severity: models.SeverityLow}}}
		_, _, err := w.svc.IssueConclusion(ctx, w.lead, v.ID, in, now)
		return err
	}

	t.Run("a decision signed after today is refused", func(t *testing.T) {
		x := w.Unplanned(t, w.db, w.CommuneB.ID, w.Outsider.ID, d("2027-02-15"), d("2027-02-16"))
		before := snapshot(t, w.db)
		_, err := w.svc.SignDecision(ctx, w.planner, x.ID, decisionFor(d("2027-01-11"), w.Outsider.ID), at("2027-01-10"))
		refused(t, err, "signed_on", "future")
		sameCounts(t, w.db, before)
	})
	t.Run("no team on site before the visit's start date, even eight days early", func(t *testing.T) {
		before := snapshot(t, w.db)
		refused(t, move(models.VisitOnSite, "2027-01-10", at("2027-01-10")), "on_date", "gtefield")
		refused(t, move(models.VisitOnSite, "2027-01-18", at("2027-01-10")), "on_date", "future")
		sameCounts(t, w.db, before)
		if s := statusOf(t, w.db, v.ID); s != models.VisitDecisionSigned {
			t.Errorf("status %s, want decision_signed", s)
		}
	})
	t.Run("an event dated in the future is refused", func(t *testing.T) {
		before := snapshot(t, w.db)
		_, err := w.svc.RecordEvent(ctx, w.lead, v.ID, inspections.EventInput{Kind: models.EventSuspended,
			OnDate: d("2027-01-12"), Reason: "Đơn vị đề nghị"}, at("2027-01-11"))
		refused(t, err, "on_date", "future")
		sameCounts(t, w.db, before)
	})
	t.Run("the work on site cannot end before it started", func(t *testing.T) {
		if err := move(models.VisitOnSite, "2027-01-18", at("2027-01-18")); err != nil {
			t.Fatalf("on site on the first day (the control): %v", err)
		}
		refused(t, move(models.VisitOnSiteEnded, "2027-01-15", at("2027-01-19")), "on_date", "gtefield")
		if err := move(models.VisitOnSiteEnded, "2027-01-19", at("2027-01-19")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no conclusion before the work on site ended nor after today, and nobody hears of one", func(t *testing.T) {
		before := snapshot(t, w.db)
		refused(t, conclude("2027-01-18", at("2027-01-25")), "signed_on", "gtefield")
		refused(t, conclude("2027-01-26", at("2027-01-25")), "signed_on", "future")
		sameCounts(t, w.db, before)
		if n := count(t, w.db, "notifications") + count(t, w.db, "mail_outbox"); n != 0 {
			t.Errorf("%d notifications or mails, want none", n)
		}
		// The control: signed the day the work on site ended, the unit is told.
		if err := conclude("2027-01-19", at("2027-01-25")); err != nil {
			t.Fatal(err)
		}
		var notes int64
		w.db.Table("notifications").Where("user_id = ?", w.communeUser.ID).Count(&notes)
		if notes != 1 {
			t.Errorf("%d notifications to the commune, want 1", notes)
		}
	})
}

func TestAUnitNamedInAnotherUnitsConclusionIsToldAndMayOpenTheVisit(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	// The district's own visit; its conclusion names the district and one of its wards.
	v := w.Unplanned(t, w.db, w.DistrictA.ID, w.Lead.ID, d("2027-01-18"), d("2027-01-20"))
	toOnSiteEnded(t, w, w.lead, v, w.Lead.ID)
	district := actor(t, w.db, models.RoleUnit, 0, &w.DistrictA)
	elsewhere := actor(t, w.db, models.RoleUnit, 0, &w.CommuneB)
	in := inspections.ConclusionInput{SignedOn: d("2027-02-01"), SignerName: "Trần Văn Hùng", Summary: "Tồn tại.",
		Recommendations: []inspections.RecommendationInput{
			{OwnerUnitID: w.DistrictA.ID, Action: "Chỉ đạo các phường", Deadline: models.DatePtr(d("2027-03-31")), Severity: models.SeverityLow},
			{OwnerUnitID: w.CommuneA.ID, Action: "Cập nhật hồ sơ", Deadline: models.DatePtr(d("2027-03-31")), Severity: models.SeverityMedium}}}
	if _, _, err := w.svc.IssueConclusion(ctx, w.lead, v.ID, in, time.Date(2027, 2, 1, 9, 0, 0, 0, hcm)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		user int64
		want int64
	}{
		{"the ward named in the conclusion", w.communeUser.ID, 1},
		{"the visited district (the control)", district.UserID, 1},
		{"a ward elsewhere", elsewhere.UserID, 0},
	} {
		var notes, mails int64
		w.db.Table("notifications").Where("user_id = ?", tc.user).Count(&notes)
		w.db.Table("mail_outbox").Where("to_email = (SELECT email FROM users WHERE id = ?)", tc.user).Count(&mails)
		if notes != tc.want || mails != tc.want {
			t.Errorf("%s: %d notifications and %d mails, want %d of each", tc.name, notes, mails, tc.want)
		}
	}
	ward := authz.Actor{UserID: w.communeUser.ID, Role: models.RoleUnit, UnitID: w.CommuneA.ID, UnitPath: w.CommuneA.Path,
		Today: d("2027-02-02")}
	var n int64
	w.db.Model(&models.Visit{}).Scopes(authz.VisitScope(ward)).Where("visits.id = ?", v.ID).Count(&n)
	if n != 1 {
		t.Errorf("the ward may not know the visit whose conclusion names it")
	}
	elsewhere.Today = d("2027-02-02")
	w.db.Model(&models.Visit{}).Scopes(authz.VisitScope(elsewhere)).Where("visits.id = ?", v.ID).Count(&n)
	if n != 0 {
		t.Errorf("a ward elsewhere may know the visit")
	}
}

func TestEventsKeepTheirDateAndReasonAndApply(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	v := w.Planned
	rec := func(in inspections.EventInput) error {
		_, err := w.svc.RecordEvent(ctx, w.lead, v.ID, in, later)
		return err
	}
	t.Run("an extension without a reason or to an earlier day is refused on its field", func(t *testing.T) {
		before := snapshot(t, w.db)
		err := rec(inspections.EventInput{Kind: models.EventExtended, OnDate: d("2027-03-16"), NewEndDate: models.DatePtr(d("2027-03-19"))})
		if ve, ok := apperr.AsValidation(err); !ok || !ve.Has("reason") {
			t.Errorf("no reason: %v", err)
		}
		err = rec(inspections.EventInput{Kind: models.EventExtended, OnDate: d("2027-03-16"), NewEndDate: models.DatePtr(d("2027-03-16")), Reason: "Thêm hồ sơ"})
		if ve, ok := apperr.AsValidation(err); !ok || !ve.Has("new_end_date") {
			t.Errorf("earlier end: %v", err)
		}
		sameCounts(t, w.db, before)
	})
	t.Run("an extension moves the last day on site", func(t *testing.T) {
		if err := rec(inspections.EventInput{Kind: models.EventExtended, OnDate: d("2027-03-16"),
			NewEndDate: models.DatePtr(d("2027-03-19")), Reason: "Cần xác minh thêm hồ sơ"}); err != nil {
			t.Fatal(err)
		}
		var got models.Visit
		w.db.Take(&got, v.ID)
		if *got.EndDate != d("2027-03-19") {
			t.Errorf("end %s", got.EndDate)
		}
	})
	t.Run("a suspended visit resumes in the status it had", func(t *testing.T) {
		if err := rec(inspections.EventInput{Kind: models.EventSuspended, OnDate: d("2027-03-17"), Reason: "Đơn vị đề nghị"}); err != nil {
			t.Fatal(err)
		}
		if s := statusOf(t, w.db, v.ID); s != models.VisitSuspended {
			t.Fatalf("status %s", s)
		}
		if err := rec(inspections.EventInput{Kind: models.EventResumed, OnDate: d("2027-03-18")}); err != nil {
			t.Fatal(err)
		}
		if s := statusOf(t, w.db, v.ID); s != models.VisitPlanned {
			t.Errorf("status %s, want planned again", s)
		}
	})
	t.Run("a cancelled visit goes no further and the history keeps every event", func(t *testing.T) {
		if err := rec(inspections.EventInput{Kind: models.EventCancelled, OnDate: d("2027-03-18"), Reason: "Theo chỉ đạo"}); err != nil {
			t.Fatal(err)
		}
		_, err := w.svc.SignDecision(ctx, w.lead, v.ID, decisionFor(d("2027-03-18"), w.Lead.ID), later)
		if !errors.Is(err, apperr.ErrConflict) {
			t.Errorf("decision on a cancelled visit: %v", err)
		}
		work, err := w.svc.Work(ctx, w.planner, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range work.Events {
			kinds = append(kinds, string(e.Kind)+"@"+e.OnDate.String())
		}
		want := "[extended@2027-03-16 suspended@2027-03-17 resumed@2027-03-18 cancelled@2027-03-18]"
		if fmt.Sprint(kinds) != want {
			t.Errorf("history %v, want %s", kinds, want)
		}
	})
}
