package plans_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/planning"
	"khung/app/planning/check"
	"khung/app/plans"
	"khung/models"
	"khung/models/dbtest"
)

// snapshot is what a refused change must leave as it was.
type snapshot struct {
	start, end string
	team       string
	lock       int
	penalty    float64
	audits     int64
}

func (d *demo) snapshot(versionID int64, code string) snapshot {
	d.t.Helper()
	page, err := d.svc.Visit(ctx, d.planner, versionID, code)
	if err != nil {
		d.t.Fatal(err)
	}
	var team []string
	for _, m := range page.Visit.Team {
		team = append(team, m.Code+":"+string(m.Role))
	}
	return snapshot{start: page.Visit.StartDate.String(), end: page.Visit.EndDate.String(), team: strings.Join(team, ","),
		lock: page.Version.LockVersion, penalty: *page.Version.Penalty, audits: d.count("audit_log", "")}
}

// validMove picks a start date the engine accepts with a penalty change
// (after the visit's own when there is one), and checks it.
func (d *demo) validMove(v plans.Version, code string, after string) (string, plans.CheckResult) {
	d.t.Helper()
	opts, err := d.svc.Options(ctx, d.planner, v.ID, code)
	if err != nil {
		d.t.Fatal(err)
	}
	var pick string
	for _, s := range opts.Starts {
		if s.PenaltyChange != 0 && (pick == "" || s.Date > after && pick < after) {
			pick = s.Date
		}
	}
	if pick == "" {
		d.t.Fatalf("no valid move for %s: %d starts", code, len(opts.Starts))
	}
	res, err := d.svc.Check(ctx, d.planner, v.ID, code, plans.ChangeInput{Start: pick, LockVersion: v.LockVersion})
	if err != nil || !res.Allowed() {
		d.t.Fatalf("check %s: %+v, %v", pick, res.Delta.Violations, err)
	}
	return pick, res
}

func TestAChangeThatBreaksAHardRuleIsRefusedAndWritesNothing(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	// An inspector whose spouse heads Phường Phúc Xá: a conflict of interest there.
	const conflicted = "i150"
	dbtest.MustExec(t, d.db, `INSERT INTO inspector_relatives (inspector_id, unit_id, relation, post)
		VALUES (?, ?, 'spouse', 'head')`, d.id("inspectors", conflicted), d.id("units", "00001"))
	v := d.build()
	const code = "v-00001" // Phường Phúc Xá, Quận Ba Đình
	before := d.snapshot(v.ID, code)
	member := strings.Split(strings.Split(before.team, ",")[1], ":")[0]
	tests := []struct {
		name   string
		change plans.ChangeInput
		rule   string
		text   string
	}{
		{"a start on New Year's Day", plans.ChangeInput{Start: "2027-01-01"}, "H1", "ngày làm việc"},
		{"a start on a Sunday", plans.ChangeInput{Start: "2027-03-07"}, "H1", "ngày làm việc"},
		{"a member with a conflict of interest", plans.ChangeInput{Replace: &plans.Swap{Out: member, In: conflicted}},
			"H4", "xung đột lợi ích"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.change.LockVersion = v.LockVersion
			preview, err := d.svc.Check(ctx, d.planner, v.ID, code, tt.change)
			if err != nil || preview.Allowed() || preview.Delta.Violations[0].Rule != tt.rule {
				t.Fatalf("check: %+v, %v; want a %s violation", preview.Delta.Violations, err, tt.rule)
			}
			res, err := d.svc.Adjust(ctx, d.planner, v.ID, code, tt.change)
			ve, ok := apperr.AsValidation(err)
			// The refusal names the rule, not its code.
			rule := map[string]string{"H1": "Working days of the year", "H4": "Conflict of interest"}[tt.rule]
			if !ok || res.Saved || !strings.Contains(ve.Fields[0].VI, tt.text) || !strings.HasPrefix(ve.Fields[0].EN, rule+": ") ||
				strings.Contains(ve.Fields[0].VI, tt.rule) {
				t.Fatalf("adjust: %v (saved %v), want a refusal naming %s", err, res.Saved, tt.rule)
			}
			if after := d.snapshot(v.ID, code); after != before {
				t.Errorf("a refused change wrote something:\n before %+v\n after  %+v", before, after)
			}
		})
	}
}

func TestAValidMoveUpdatesTheVisitAndThePenalty(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	const code = "v-00004"
	before := d.snapshot(v.ID, code)
	start, preview := d.validMove(v, code, before.start)
	if preview.Delta.PenaltyBefore != *v.Penalty {
		t.Errorf("preview starts from %v, the version's penalty is %v", preview.Delta.PenaltyBefore, *v.Penalty)
	}
	res, err := d.svc.Adjust(ctx, d.planner, v.ID, code, plans.ChangeInput{Start: start, LockVersion: v.LockVersion})
	if err != nil || !res.Saved || res.Delta.PenaltyAfter != preview.Delta.PenaltyAfter {
		t.Fatalf("adjust: %+v, %v; want saved with the previewed penalty %v", res, err, preview.Delta.PenaltyAfter)
	}
	after := d.snapshot(v.ID, code)
	if after.start != start || after.lock != before.lock+1 || after.penalty != preview.Delta.PenaltyAfter ||
		after.audits != before.audits+1 || res.LockVersion != after.lock {
		t.Errorf("after the move: %+v (before %+v, start %s)", after, before, start)
	}
	// The adjusted plan is still valid, and the checker scores it as the version says.
	detail, err := d.svc.Detail(ctx, d.planner, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	var row models.PlanVersion
	d.db.Take(&row, v.ID)
	var inst planning.Instance
	if err := row.Instance.Unmarshal(&inst); err != nil {
		t.Fatal(err)
	}
	rep := check.Check(&inst, planOf(detail))
	if !rep.Valid || rep.Penalty != after.penalty {
		t.Errorf("checker: valid %v, penalty %v (version %v): %+v", rep.Valid, rep.Penalty, after.penalty, rep.Violations)
	}
	page, _ := d.svc.Visit(ctx, d.planner, v.ID, code)
	if last := page.Visit.Why[len(page.Visit.Why)-1]; !strings.Contains(last, "changed by hand") {
		t.Errorf("why does not record the hand change: %q", last)
	}
	if w := page.Visit.WhyVi; len(w) != len(page.Visit.Why) || !strings.HasPrefix(w[len(w)-1], "Điều chỉnh thủ công: ") {
		t.Errorf("why_vi does not record the hand change in step with why: %q", w)
	}
	// The explanation is written again: the former start date is gone, the new one is said.
	old, moved := before.start, start
	for _, lines := range [][]string{page.Visit.Why, page.Visit.WhyVi} {
		all := strings.Join(lines, " | ")
		if strings.Contains(all, old) || strings.Contains(all, old[8:10]+"/"+old[5:7]+"/"+old[:4]) {
			t.Errorf("the explanation still gives the former start %s: %q", old, all)
		}
		if !strings.Contains(all, moved) && !strings.Contains(all, moved[8:10]+"/"+moved[5:7]+"/"+moved[:4]) {
			t.Errorf("the explanation does not give the new start %s: %q", moved, all)
		}
	}
	if got := len(page.Visit.WhyMsgs); got != len(page.Visit.Why) {
		t.Errorf("%d messages for %d sentences", got, len(page.Visit.Why))
	}
}

func TestTwoPlannersSavingTheSameVersionTheSecondGetsAConflict(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	a, b := "v-00004", "v-01-STP"
	startA, _ := d.validMove(v, a, d.snapshot(v.ID, a).start)
	startB, _ := d.validMove(v, b, d.snapshot(v.ID, b).start)
	beforeB := d.snapshot(v.ID, b)

	// Both read lock version v.LockVersion and save at the same moment.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, job := range []struct {
		code, start string
		who         authz.Actor
	}{{a, startA, d.planner}, {b, startB, d.planner2}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = d.svc.Adjust(ctx, job.who, v.ID, job.code, plans.ChangeInput{Start: job.start, LockVersion: v.LockVersion})
		}()
	}
	wg.Wait()
	won, lost := 0, -1
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, apperr.ErrConflict):
			lost = i
		default:
			t.Fatalf("save %d: %v", i, err)
		}
	}
	if won != 1 || lost < 0 {
		t.Fatalf("saves: %v; want exactly one saved and one conflict", errs)
	}
	var ae *apperr.Error
	if !errors.As(errs[lost], &ae) || ae.VI != "Kế hoạch đã được người khác thay đổi; hãy tải lại trang." {
		t.Errorf("conflict message = %v", errs[lost])
	}
	// Nothing of the losing save was written.
	loser := []string{a, b}[lost]
	if lost == 1 {
		if after := d.snapshot(v.ID, b); after.start != beforeB.start {
			t.Errorf("the refused save moved %s to %s", loser, after.start)
		}
	} else if after := d.snapshot(v.ID, a); after.start == startA {
		t.Errorf("the refused save moved %s", loser)
	}
	if n := d.count("audit_log", "action = 'adjust'"); n != 1 {
		t.Errorf("%d adjust audit entries, want 1", n)
	}
}

func TestOfferedReplacementsAndStartsAreAcceptedByTheEngine(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	const code = "v-00001"
	opts, err := d.svc.Options(ctx, d.planner, v.ID, code)
	cands := opts.Candidates
	if err != nil || len(cands) < 10 || len(opts.Starts) < 100 {
		t.Fatalf("options: %d candidates, %d starts, %v", len(cands), len(opts.Starts), err)
	}
	for _, s := range []plans.Start{opts.Starts[0], opts.Starts[len(opts.Starts)/2], opts.Starts[len(opts.Starts)-1]} {
		res, err := d.svc.Check(ctx, d.planner, v.ID, code, plans.ChangeInput{Start: s.Date, LockVersion: v.LockVersion})
		if err != nil || !res.Allowed() || res.Diff() != s.PenaltyChange {
			t.Errorf("offered start %+v: check %+v, %v", s, res.Delta, err)
		}
	}
	// New Year's Day is never offered.
	for _, s := range opts.Starts {
		if s.Date == "2027-01-01" {
			t.Error("a holiday is offered as a start")
		}
	}
	page, _ := d.svc.Visit(ctx, d.planner, v.ID, code)
	out := page.Visit.Team[len(page.Visit.Team)-1].Code
	res, err := d.svc.Check(ctx, d.planner, v.ID, code, plans.ChangeInput{Replace: &plans.Swap{Out: out, In: cands[0].Code},
		LockVersion: v.LockVersion})
	if err != nil || !res.Allowed() || res.Diff() != cands[0].PenaltyChange || cands[0].Name == "" {
		t.Errorf("first candidate %+v: check %+v, %v", cands[0], res.Delta, err)
	}
	if _, err := d.svc.Options(ctx, d.approver, v.ID, code); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("approver asks for options: %v", err)
	}
}

func TestDiffListsAMovedVisitAndAChangedTeam(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v1 := d.publish(d.build())
	v2 := d.step(d.svc.Amend(ctx, d.planner, v1.ID, plans.StepInput{LockVersion: v1.LockVersion, Reason: "Đổi lịch Phường Trúc Bạch"}))
	const code = "v-00004"
	start, _ := d.validMove(v2, code, d.snapshot(v2.ID, code).start)
	res, err := d.svc.Adjust(ctx, d.planner, v2.ID, code, plans.ChangeInput{Start: start, LockVersion: v2.LockVersion})
	if err != nil {
		t.Fatal(err)
	}
	opts, err := d.svc.Options(ctx, d.planner, v2.ID, "v-00001")
	cands := opts.Candidates
	if err != nil || len(cands) == 0 {
		t.Fatal(err)
	}
	page, _ := d.svc.Visit(ctx, d.planner, v2.ID, "v-00001")
	out := page.Visit.Team[len(page.Visit.Team)-1].Code
	if _, err := d.svc.Adjust(ctx, d.planner, v2.ID, "v-00001", plans.ChangeInput{
		Replace: &plans.Swap{Out: out, In: cands[0].Code}, LockVersion: res.LockVersion}); err != nil {
		t.Fatal(err)
	}
	diff, err := d.svc.Diff(ctx, d.planner, v1.ID, v2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(diff.Moved) != 1 || diff.Moved[0].Code != code || *diff.Moved[0].To != start+".."+diff.Moved[0].After.EndDate.String() {
		t.Errorf("moved = %+v, want only %s to %s", diff.Moved, code, start)
	}
	if len(diff.TeamChanged) != 1 || diff.TeamChanged[0].Code != "v-00001" || diff.TeamChanged[0].Left[0].Code != out ||
		diff.TeamChanged[0].Joined[0].Code != cands[0].Code {
		t.Errorf("team changed = %+v", diff.TeamChanged)
	}
	if len(diff.Added)+len(diff.Removed) != 0 {
		t.Errorf("added %v, removed %v", diff.Added, diff.Removed)
	}
	if same, _ := d.svc.Diff(ctx, d.planner, v1.ID, v1.ID); !same.Empty() {
		t.Errorf("a version differs from itself: %+v", same)
	}
}
