package plans_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/notices"
	"khung/app/notify"
	"khung/app/plans"
	"khung/models"
)

var repairDay = models.DateOf(today)

// cityTeamLeads are the city team's inspectors who may lead (demo data).
var cityTeamLeads = []string{"i001", "i007", "i011", "i021", "i022"}

// newRepairDemo publishes the small city's plan in which only i001 of the
// city team's leads is free from March to May 2027, so that Phường Phúc Xá's
// joint visit (led by the city team in that window) has i001 as its lead and
// no stand-in: leave of i001 on its days must move it.
func newRepairDemo(t *testing.T) (*demo, plans.Version) {
	t.Helper()
	d := newDemo(t)
	for _, code := range cityTeamLeads[1:] {
		if err := d.db.Exec(`INSERT INTO inspector_leaves (inspector_id, from_date, to_date, reason)
			VALUES (?, '2027-03-01', '2027-05-31', 'Học tập trung')`, d.id("inspectors", code)).Error; err != nil {
			t.Fatal(err)
		}
	}
	d.addProposals(smallCity()...)
	return d, d.publish(d.build())
}

// visitOf returns visit code of version id as the planner reads it.
func (d *demo) visitOf(id int64, code string) plans.Visit {
	d.t.Helper()
	det, err := d.svc.Detail(ctx, d.planner, id)
	if err != nil {
		d.t.Fatal(err)
	}
	for _, v := range append(det.Visits, det.Unscheduled...) {
		if v.Code == code {
			return v
		}
	}
	d.t.Fatalf("version %d has no visit %s", id, code)
	return plans.Visit{}
}

func leaveOver(v plans.Visit, inspector string) plans.LeaveInput {
	return plans.LeaveInput{Inspector: inspector, From: v.StartDate.String(), To: v.EndDate.String()}
}

func codes(list []plans.RepairedVisit) []string {
	var out []string
	for _, v := range list {
		out = append(out, v.Code)
	}
	return out
}

func TestALeadOnLeaveWithNoStandInMovesOnlyTheirVisitAndTheAmendmentIsSaved(t *testing.T) {
	t.Parallel()
	d, pub := newRepairDemo(t)
	phucXa := d.visitOf(pub.ID, "v-00001")
	if l := phucXa.Lead(); l == nil || l.Code != "i001" {
		t.Fatalf("Phúc Xá's visit is led by %+v, want i001 (the only free lead)", l)
	}
	in := plans.RepairInput{Leaves: []plans.LeaveInput{leaveOver(phucXa, "i001")}}
	prev, err := d.svc.Repair(ctx, d.planner, pub.ID, in, repairDay)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if got := codes(prev.Moved); !slices.Equal(got, []string{"v-00001"}) {
		t.Fatalf("moved %v, want only v-00001; preview %+v", got, prev)
	}
	if len(prev.Reteamed)+len(prev.Placed)+len(prev.Dropped)+len(prev.Cancelled) != 0 {
		t.Errorf("the repair changed more than the one visit: %+v", prev)
	}
	m := prev.Moved[0]
	if m.UnitName != phucXa.UnitName || *m.BeforeStart != *phucXa.StartDate || m.AfterStart == nil || *m.AfterStart == *phucXa.StartDate {
		t.Errorf("moved row %+v, before %s", m, phucXa.StartDate)
	}
	vi, en := strings.Join(m.NotesFor(locales(t).For("vi")), "; "), strings.Join(m.NotesFor(locales(t).For("en")), "; ")
	if !strings.Contains(vi, "Phạm Thu Trang") || strings.Contains(vi, "i001") || !strings.Contains(vi, "dời") {
		t.Errorf("Vietnamese reasons name the lead by name and say the visit moved: %q", vi)
	}
	if !strings.Contains(en, "Phạm Thu Trang is on leave") || !strings.Contains(en, "moved from") {
		t.Errorf("English reasons: %q", en)
	}
	if n := d.count("plan_versions", ""); n != 1 {
		t.Fatalf("a preview saved something: %d versions", n)
	}

	// Saving needs the reason and the lock version the page showed.
	if _, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, in, repairDay); !fieldsAre(err, "reason") {
		t.Errorf("save without a reason: %v", err)
	}
	in.Reason = "Đ/c Phạm Thu Trang nghỉ ốm"
	in.LockVersion = pub.LockVersion + 1
	if _, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, in, repairDay); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("save from a stale page: %v, want a conflict", err)
	}
	if n := d.count("plan_versions", ""); n != 1 {
		t.Fatalf("refused saves saved something: %d versions", n)
	}
	in.LockVersion = pub.LockVersion
	if _, err := d.svc.SaveRepair(ctx, d.viewer, pub.ID, in, repairDay); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a viewer saves a repair: %v", err)
	}
	am, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, in, repairDay)
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	if am.Status != models.VersionDraft || am.Number != 2 || am.ParentVersionID == nil || *am.ParentVersionID != pub.ID || am.Reason != in.Reason {
		t.Errorf("amendment %+v", am)
	}
	moved := d.visitOf(am.ID, "v-00001")
	if *moved.StartDate != *m.AfterStart || *moved.EndDate != *m.AfterEnd {
		t.Errorf("saved dates %s–%s, preview %s–%s", moved.StartDate, moved.EndDate, m.AfterStart, m.AfterEnd)
	}
	diff, err := d.svc.Diff(ctx, d.planner, pub.ID, am.ID)
	if err != nil || len(diff.Moved) != 1 || diff.Moved[0].Code != "v-00001" || len(diff.Added)+len(diff.Removed) != 0 {
		t.Errorf("diff of the amendment: %+v, %v", diff, err)
	}
	if n := d.count("audit_log", "entity = 'plan_versions' AND entity_id = ? AND action = 'repair'", am.ID); n != 1 {
		t.Errorf("%d audit rows for the repair", n)
	}

	// One version in progress at a time; only the published version is repaired.
	if _, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, in, repairDay); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a second amendment while one is a draft: %v, want a conflict", err)
	}
	if _, err := d.svc.Repair(ctx, d.planner, am.ID, in, repairDay); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("repair of a draft: %v, want a conflict", err)
	}
}

// fieldsAre tells whether err is a validation error on exactly fields, each
// message rendered in Vietnamese and English.
func fieldsAre(err error, fields ...string) bool {
	ve, ok := apperr.AsValidation(err)
	if !ok {
		return false
	}
	var got []string
	for _, f := range ve.Fields {
		if f.VI == "" || f.EN == "" || f.VI == f.EN {
			return false
		}
		got = append(got, f.Field)
	}
	slices.Sort(got)
	want := slices.Clone(fields)
	slices.Sort(want)
	return slices.Equal(slices.Compact(got), want)
}

func TestBadRepairInputNamesEachFieldAndSavesNothing(t *testing.T) {
	t.Parallel()
	d, pub := newRepairDemo(t)
	phucXa := d.visitOf(pub.ID, "v-00001")
	inPlan := phucXa.Proposals[0].ID
	for _, tt := range []struct {
		name   string
		in     plans.RepairInput
		fields []string
	}{
		{"no change at all", plans.RepairInput{PinVisits: []string{"v-00001"}}, []string{"changes"}},
		{"an unknown inspector and a date that does not exist",
			plans.RepairInput{Leaves: []plans.LeaveInput{{Inspector: "i999", From: "2027-02-30", To: "2027-03-02"}}},
			[]string{"leaves[0].inspector", "leaves[0].from"}},
		{"leave that ends before it starts",
			plans.RepairInput{Leaves: []plans.LeaveInput{{Inspector: "i001", From: "2027-03-10", To: "2027-03-02"}}},
			[]string{"leaves[0].to"}},
		{"leave outside the plan's year",
			plans.RepairInput{Leaves: []plans.LeaveInput{{Inspector: "i001", From: "2028-03-01", To: "2028-03-02"}}},
			[]string{"leaves[0].from"}},
		{"visits and proposals the version does not have",
			plans.RepairInput{CancelVisits: []string{"v-nowhere"}, WithdrawProposals: []int64{999999},
				NewProposals: []int64{inPlan}, PinVisits: []string{"v-nowhere"}},
			[]string{"cancel_visits[0]", "withdraw_proposals[0]", "new_proposals[0]", "pin_visits[0]"}},
		{"a pinned visit whose lead goes on leave on its days",
			plans.RepairInput{Leaves: []plans.LeaveInput{leaveOver(phucXa, "i001")}, PinVisits: []string{"v-00001"}},
			[]string{"pin_visits"}}, // the engine names what froze it
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := d.svc.Repair(ctx, d.planner, pub.ID, tt.in, repairDay); !fieldsAre(err, tt.fields...) {
				t.Errorf("preview: %v, want fields %v", describe(err), tt.fields)
			}
			tt.in.Reason, tt.in.LockVersion = "thử", pub.LockVersion
			if _, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, tt.in, repairDay); !fieldsAre(err, tt.fields...) {
				t.Errorf("save: %v, want fields %v", describe(err), tt.fields)
			}
		})
	}
	if n := d.count("plan_versions", ""); n != 1 {
		t.Errorf("bad input saved something: %d versions", n)
	}
	// Positive control: the same leave without the pin is accepted.
	if _, err := d.svc.Repair(ctx, d.planner, pub.ID, plans.RepairInput{Leaves: []plans.LeaveInput{leaveOver(phucXa, "i001")}}, repairDay); err != nil {
		t.Errorf("a good change refused: %v", describe(err))
	}
}

func describe(err error) string {
	if ve, ok := apperr.AsValidation(err); ok {
		var b strings.Builder
		for _, f := range ve.Fields {
			fmt.Fprintf(&b, "[%s: %s | %s] ", f.Field, f.VI, f.EN)
		}
		return b.String()
	}
	return fmt.Sprint(err)
}

func TestAVisitAnnouncedToItsUnitIsFrozen(t *testing.T) {
	t.Parallel()
	d, pub := newRepairDemo(t)
	phucXa := d.visitOf(pub.ID, "v-00001")
	in := plans.RepairInput{Leaves: []plans.LeaveInput{leaveOver(phucXa, "i001")}}
	// The notice job recorded the visit notice for its current dates (followup's key).
	key := fmt.Sprintf("visit:%d:notice@%s:user:1", phucXa.ID, phucXa.StartDate)
	if err := d.db.Exec(`INSERT INTO sent_notification_keys (key) VALUES (?)`, key).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Repair(ctx, d.planner, pub.ID, in, repairDay); !fieldsAre(err, "notice_sent") {
		t.Errorf("leave of the lead of an announced visit: %v, want a problem on notice_sent", describe(err))
	}
	// Another change leaves it frozen and says so.
	trucBach := d.visitOf(pub.ID, "v-00004")
	prev, err := d.svc.Repair(ctx, d.planner, pub.ID, plans.RepairInput{Leaves: []plans.LeaveInput{
		leaveOver(trucBach, trucBach.Lead().Code)}}, repairDay)
	if err != nil {
		t.Fatal(describe(err))
	}
	if !slices.Equal(prev.NoticeSent, []string{"v-00001"}) || prev.Report.Frozen != 1 {
		t.Errorf("notice_sent %v, frozen %d", prev.NoticeSent, prev.Report.Frozen)
	}
	// A notice for other dates (before an earlier move) does not freeze it.
	if err := d.db.Exec(`UPDATE sent_notification_keys SET key = ?`, fmt.Sprintf("visit:%d:notice@2027-01-04:user:1", phucXa.ID)).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Repair(ctx, d.planner, pub.ID, in, repairDay); err != nil {
		t.Errorf("a notice of other dates froze the visit: %v", describe(err))
	}
}

func TestAnUrgentProposalJoinsThePublishedPlan(t *testing.T) {
	t.Parallel()
	d, pub := newRepairDemo(t)
	// Phường Cống Vị (00007) was in no proposal when the plan was built.
	urgent := d.addProposals(proposal{body: "snv-xdcq", unit: "00007", kind: "professional", form: models.FormPlanned,
		window: [2]string{"2027-02-01", "2027-02-26"}, days: 2, team: 2})[0]
	ch, err := d.svc.RepairChoices(ctx, d.planner, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ch.NewProposals, func(c plans.Choice) bool { return c.Value == fmt.Sprint(urgent) }) || len(ch.NewProposals) != 1 {
		t.Errorf("new proposals offered: %+v", ch.NewProposals)
	}
	prev, err := d.svc.Repair(ctx, d.planner, pub.ID, plans.RepairInput{NewProposals: []int64{urgent}}, repairDay)
	if err != nil {
		t.Fatal(describe(err))
	}
	if len(prev.Placed) != 1 || prev.Placed[0].UnitName == "" || prev.Placed[0].AfterStart == nil || len(prev.Moved) != 0 {
		t.Fatalf("placed %+v, moved %v", prev.Placed, codes(prev.Moved))
	}
	if s := prev.Placed[0].AfterStart.String(); s < "2027-02-01" || s > "2027-02-26" {
		t.Errorf("the urgent visit starts %s, outside its window", s)
	}
	if why := strings.Join(prev.Placed[0].NotesFor(locales(t).For("en")), " "); !strings.Contains(why, fmt.Sprintf("#%d", urgent)) {
		t.Errorf("the new visit's reason does not name proposal #%d: %q", urgent, why)
	}
	am, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, plans.RepairInput{NewProposals: []int64{urgent},
		Reason: "Đề xuất khẩn", LockVersion: pub.LockVersion}, repairDay)
	if err != nil {
		t.Fatal(describe(err))
	}
	if v := d.visitOf(am.ID, prev.Placed[0].Code); !v.Scheduled() || v.Proposals[0].ID != urgent {
		t.Errorf("saved urgent visit %+v", v)
	}
	// The amendment's own instance holds it: it is no longer offered as new.
	if ch, err := d.svc.RepairChoices(ctx, d.planner, am.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("choices of a draft: %+v, %v", ch.NewProposals, err)
	}
}

func TestPublishingAnAmendmentTellsOnlyTheUnitsOfMovedPlannedVisits(t *testing.T) {
	t.Parallel()
	d, pub := newRepairDemo(t)
	site := notify.Site{Locales: locales(t)}
	ns := notices.New(d.db, hcm, site)
	d.svc.OnPublish(func(ctx context.Context, tx *gorm.DB, now time.Time, id, previous int64) error {
		_, err := ns.MovedVisits(ctx, tx, now, id, previous)
		return err
	})
	phucXa := d.visitOf(pub.ID, "v-00001")
	det, err := d.svc.Detail(ctx, d.planner, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	k := slices.IndexFunc(det.Visits, func(v plans.Visit) bool { return v.Form == models.FormUnannounced })
	if k < 0 {
		t.Fatal("the plan schedules no unannounced visit")
	}
	secret := det.Visits[k]
	// Every lead of the city team is away on the unannounced visit's days, and
	// i001 on Phúc Xá's: both must move.
	in := plans.RepairInput{Leaves: []plans.LeaveInput{leaveOver(phucXa, "i001")}, Reason: "Nghỉ phép", LockVersion: pub.LockVersion}
	for _, code := range cityTeamLeads {
		in.Leaves = append(in.Leaves, leaveOver(secret, code))
	}
	am, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, in, repairDay)
	if err != nil {
		t.Fatal(describe(err))
	}
	after := d.visitOf(am.ID, "v-00001")
	if *after.StartDate == *phucXa.StartDate {
		t.Fatal("Phúc Xá's visit did not move")
	}
	if s := d.visitOf(am.ID, secret.Code); s.Scheduled() && *s.StartDate == *secret.StartDate {
		t.Fatal("the unannounced visit did not move: the test would prove nothing about it")
	}
	d.publish(am)

	type row struct{ Email, Subject, Link string }
	var got []row
	if err := d.db.Raw(`SELECT u.email, n.subject, n.link FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.kind = ? ORDER BY u.email`, notices.KindVisitMoved).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Email != "phucxa@khung.vn" || got[0].Link != fmt.Sprintf("/calendar/visits/%d", after.ID) ||
		!strings.Contains(got[0].Subject, after.StartDate.Time().Format("02/01/2006")) {
		t.Errorf("notices of moved visits: %+v; want one to phucxa@khung.vn with the new date %s", got, after.StartDate)
	}
	if n := d.count("mail_outbox", "to_email = 'phucxa@khung.vn'"); n != 1 {
		t.Errorf("%d mails to Phúc Xá", n)
	}
	// Units of the unannounced visit (Quận Ba Đình) learn nothing.
	if n := d.count("notifications", "user_id IN (SELECT id FROM users WHERE unit_id = ?)", d.id("units", "001")); n != 0 {
		t.Errorf("Ba Đình's users got %d notifications about an unannounced visit", n)
	}
}

func TestAnAmendmentThatDidNotMoveAVisitDoesNotAnnounceItAgain(t *testing.T) {
	t.Parallel()
	d, pub := newRepairDemo(t)
	ns := notices.New(d.db, hcm, notify.Site{Locales: locales(t)})
	phucXa := d.visitOf(pub.ID, "v-00001")
	s := phucXa.StartDate.Time()
	eve := time.Date(s.Year(), s.Month(), s.Day()-1, 8, 0, 0, 0, hcm)
	first, err := ns.VisitNotices(ctx, d.db, eve)
	if err != nil || first.New == 0 {
		t.Fatalf("the notice of Phúc Xá's visit under version 1: %+v, %v", first, err)
	}
	trucBach := d.visitOf(pub.ID, "v-00004")
	am, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, plans.RepairInput{Reason: "Nghỉ phép", LockVersion: pub.LockVersion,
		Leaves: []plans.LeaveInput{leaveOver(trucBach, trucBach.Lead().Code)}}, repairDay)
	if err != nil {
		t.Fatal(describe(err))
	}
	if v := d.visitOf(am.ID, "v-00001"); *v.StartDate != *phucXa.StartDate {
		t.Fatalf("the amendment moved Phúc Xá's visit to %s", v.StartDate)
	}
	d.publish(am)
	again, err := ns.VisitNotices(ctx, d.db, eve)
	if err != nil || again.New != 0 {
		t.Errorf("after the amendment the unchanged visit is announced again: %+v, %v", again, err)
	}
	if n := d.count("notifications", "kind = 'visit_notice'"); n != int64(first.InApp) {
		t.Errorf("%d visit notices, want the first run's %d", n, first.InApp)
	}
}

func TestALeaveEnteredWithARepairIsStoredWithTheAmendment(t *testing.T) {
	t.Parallel()
	d, pub := newRepairDemo(t)
	phucXa := d.visitOf(pub.ID, "v-00001")
	leave := leaveOver(phucXa, "i001")
	stored := func() int64 {
		return d.count("inspector_leaves", "inspector_id = ? AND from_date = ? AND to_date = ?", d.id("inspectors", "i001"), leave.From, leave.To)
	}
	in := plans.RepairInput{Leaves: []plans.LeaveInput{leave}, Reason: "Đ/c Phạm Thu Trang nghỉ ốm", LockVersion: pub.LockVersion}
	if _, err := d.svc.Repair(ctx, d.planner, pub.ID, in, repairDay); err != nil {
		t.Fatal(describe(err))
	}
	if n := stored(); n != 0 {
		t.Fatalf("a preview stored the leave (%d rows)", n)
	}
	// A refused save stores nothing either.
	stale := in
	stale.LockVersion++
	if _, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, stale, repairDay); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("save from a stale page: %v", err)
	}
	if n := stored(); n != 0 {
		t.Fatalf("a refused save stored the leave (%d rows)", n)
	}
	am, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, in, repairDay)
	if err != nil {
		t.Fatal(describe(err))
	}
	if n := d.count("inspector_leaves", "inspector_id = ? AND from_date = ? AND to_date = ? AND reason = ?",
		d.id("inspectors", "i001"), leave.From, leave.To, in.Reason); n != 1 {
		t.Fatalf("%d leaves of i001 %s–%s with the amendment's reason, want 1", n, leave.From, leave.To)
	}
	if n := d.count("audit_log", "entity = 'inspector_leaves' AND action = 'create'"); n != 1 {
		t.Errorf("%d audit rows for the stored leave", n)
	}
	// The next build knows the leave: after the amendment is published, a
	// rebuild does not put i001 on Phúc Xá's old days.
	d.publish(am)
	next, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{Reason: "Lập lại kế hoạch"})
	if err != nil {
		t.Fatal(describe(err))
	}
	det, err := d.svc.Detail(ctx, d.planner, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range det.Visits {
		if !v.Scheduled() || v.EndDate.String() < leave.From || v.StartDate.String() > leave.To {
			continue
		}
		for _, m := range v.Team {
			if m.Code == "i001" {
				t.Errorf("the rebuild puts i001 on %s (%s–%s), inside the leave %s–%s", v.Code, v.StartDate, v.EndDate, leave.From, leave.To)
			}
		}
	}
}

func TestProposalsTakenOutByAnAmendmentAreWithdrawnWhenItIsPublished(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input func(v plans.Visit) plans.RepairInput
		want  func(v plans.Visit) []int64 // the proposals that end withdrawn
	}{
		{"a cancelled visit withdraws all its proposals",
			func(v plans.Visit) plans.RepairInput { return plans.RepairInput{CancelVisits: []string{v.Code}} },
			func(v plans.Visit) []int64 {
				var ids []int64
				for _, p := range v.Proposals {
					ids = append(ids, p.ID)
				}
				return ids
			}},
		{"a withdrawn proposal alone",
			func(v plans.Visit) plans.RepairInput {
				return plans.RepairInput{WithdrawProposals: []int64{v.Proposals[0].ID}}
			},
			func(v plans.Visit) []int64 { return []int64{v.Proposals[0].ID} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, pub := newRepairDemo(t)
			v := d.visitOf(pub.ID, "v-00001")
			want := tt.want(v)
			statuses := func() map[models.ProposalStatus]int64 {
				var rows []struct {
					Status models.ProposalStatus
					N      int64
				}
				if err := d.db.Raw(`SELECT status, count(*) AS n FROM proposals GROUP BY status`).Scan(&rows).Error; err != nil {
					t.Fatal(err)
				}
				out := map[models.ProposalStatus]int64{}
				for _, r := range rows {
					out[r.Status] = r.N
				}
				return out
			}
			before := statuses()
			in := tt.input(v)
			in.Reason, in.LockVersion = "Đơn vị đã sáp nhập", pub.LockVersion
			if _, err := d.svc.Repair(ctx, d.planner, pub.ID, in, repairDay); err != nil {
				t.Fatal(describe(err))
			}
			am, err := d.svc.SaveRepair(ctx, d.planner, pub.ID, in, repairDay)
			if err != nil {
				t.Fatal(describe(err))
			}
			if got := statuses(); !maps.Equal(got, before) {
				t.Fatalf("preview and save changed proposals before publication: %v → %v", before, got)
			}
			am = d.step(d.svc.Submit(ctx, d.planner, am.ID, plans.StepInput{LockVersion: am.LockVersion}, today))
			am = d.step(d.svc.Approve(ctx, d.approver, am.ID, plans.StepInput{LockVersion: am.LockVersion}, today))
			if got := statuses(); !maps.Equal(got, before) {
				t.Fatalf("approval changed proposals: %v → %v", before, got)
			}
			d.step(d.svc.Publish(ctx, d.approver, am.ID, plans.StepInput{LockVersion: am.LockVersion}, today))
			if n := d.count("proposals", "status = ?", models.ProposalWithdrawn); n != before[models.ProposalWithdrawn]+int64(len(want)) {
				t.Errorf("%d withdrawn proposals after publication, want %d more than %d", n, len(want), before[models.ProposalWithdrawn])
			}
			for _, id := range want {
				if n := d.count("proposals", "id = ? AND status = ? AND status_reason = ?", id, models.ProposalWithdrawn, in.Reason); n != 1 {
					t.Errorf("proposal %d is not withdrawn with the amendment's reason", id)
				}
				if n := d.count("audit_log", "entity = 'proposals' AND entity_id = ? AND action = 'withdraw'", id); n != 1 {
					t.Errorf("proposal %d: %d audit rows of the withdrawal", id, n)
				}
			}
		})
	}
}
