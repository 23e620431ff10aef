package plans_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"khung/app/apperr"
	"khung/app/planning"
	"khung/app/planning/check"
	"khung/app/plans"
	"khung/models"
)

var ctx = context.Background()

func TestBuildSavesTheEnginesPlanAsADraftVersion(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ids := d.addProposals(smallCity()...)
	v, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if v.Number != 1 || v.Status != models.VersionDraft || v.Year != year || v.Penalty == nil {
		t.Fatalf("version = %+v, want draft number 1 of %d with a penalty", v, year)
	}
	var plan models.Plan
	if err := d.db.Where("year = ?", year).Take(&plan).Error; err != nil {
		t.Fatal(err)
	}
	if plan.Symbol != "KH-SNV" || !strings.Contains(plan.Title, "kế hoạch khung") || plan.IssuingBodyID != d.id("bodies", "city-team") {
		t.Errorf("plan row = %+v", plan)
	}

	detail, err := d.svc.Detail(ctx, d.planner, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Four visits: the joint one, Trúc Bạch, Sở Tư pháp and the unannounced one.
	all := append(append([]plans.Visit{}, detail.Visits...), detail.Unscheduled...)
	if len(all) != 4 {
		t.Fatalf("visits = %d, want 4 (one joint visit for two proposals)", len(all))
	}
	var joint *plans.Visit
	for i := range all {
		if all[i].Code == "v-00001" {
			joint = &all[i]
		}
	}
	if joint == nil {
		t.Fatal("no visit v-00001")
	}
	if len(joint.Proposals) != 2 || joint.Proposals[0].ID != ids[0] || joint.Proposals[1].ID != ids[1] {
		t.Errorf("joint visit proposals = %+v, want %d and %d", joint.Proposals, ids[0], ids[1])
	}
	if joint.LeadBodyCode != "city-team" || joint.Days != 4 || joint.TeamSize != 3 || !joint.Joint() {
		t.Errorf("joint visit = lead %s, %d days, team %d; want city-team, 3+1 days, 3", joint.LeadBodyCode, joint.Days, joint.TeamSize)
	}
	if joint.Scheduled() && (len(joint.Team) != 3 || joint.Lead() == nil || len(joint.Why) == 0) {
		t.Errorf("joint visit team %+v, why %v", joint.Team, joint.Why)
	}
	// Every explanation is stored in Vietnamese too, sentence for sentence.
	for _, v := range all {
		switch {
		case v.Scheduled() && (len(v.WhyVi) != len(v.Why) || len(v.Why) == 0):
			t.Errorf("visit %s: why %q, why_vi %q", v.Code, v.Why, v.WhyVi)
		case v.Scheduled() && v.WhyVi[0] == v.Why[0]:
			t.Errorf("visit %s: why_vi is not Vietnamese: %q", v.Code, v.WhyVi)
		case !v.Scheduled() && (v.UnscheduledReasonVi == "" || v.UnscheduledReasonVi == v.UnscheduledReason):
			t.Errorf("unscheduled visit %s: reason %q, reason_vi %q", v.Code, v.UnscheduledReason, v.UnscheduledReasonVi)
		}
	}

	// What was saved is a valid plan of the stored instance, by the independent checker.
	var row models.PlanVersion
	if err := d.db.Take(&row, v.ID).Error; err != nil {
		t.Fatal(err)
	}
	var inst planning.Instance
	if err := row.Instance.Unmarshal(&inst); err != nil {
		t.Fatal(err)
	}
	if len(inst.Proposals) != 5 || inst.Year != year || len(inst.Calendar.Holidays) == 0 || inst.Rules == nil {
		t.Errorf("stored instance: %d proposals, year %d, %d holidays, rules %v", len(inst.Proposals), inst.Year,
			len(inst.Calendar.Holidays), inst.Rules)
	}
	rep := check.Check(&inst, planOf(detail))
	if !rep.Valid {
		t.Fatalf("saved plan is not valid: %+v", rep.Violations)
	}
	if rep.Penalty != *v.Penalty {
		t.Errorf("checker penalty %v, version penalty %v", rep.Penalty, *v.Penalty)
	}
	if n := d.count("audit_log", "entity = 'plan_versions' AND action = 'build' AND entity_id = ?", v.ID); n != 1 {
		t.Errorf("build audit entries = %d", n)
	}
}

// planOf rebuilds the engine plan from what the service read back.
func planOf(detail plans.VersionDetail) *planning.Plan {
	p := &planning.Plan{Visits: []planning.Visit{}, Unscheduled: []planning.Unscheduled{}}
	for _, v := range append(append([]plans.Visit{}, detail.Visits...), detail.Unscheduled...) {
		var refs []string
		for _, pr := range v.Proposals {
			refs = append(refs, pr.Ref())
		}
		if !v.Scheduled() {
			p.Unscheduled = append(p.Unscheduled, planning.Unscheduled{Visit: v.Code, Proposals: refs, Reason: v.UnscheduledReason})
			continue
		}
		ev := planning.Visit{ID: v.Code, Unit: v.UnitCode, Form: string(v.Form), Proposals: refs, LeadBody: v.LeadBodyCode,
			Start: v.StartDate.String(), End: v.EndDate.String(), Days: v.Days}
		for _, m := range v.Team {
			ev.Team = append(ev.Team, planning.TeamMember{Inspector: m.Code, Role: string(m.Role)})
		}
		p.Visits = append(p.Visits, ev)
	}
	return p
}

func TestRebuildingADraftReplacesIt(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v1, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{})
	if err != nil {
		t.Fatal(err)
	}
	visits := d.count("visits", "plan_version_id = ?", v1.ID)
	v2, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{LockVersion: &v1.LockVersion})
	if err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	if v2.ID != v1.ID || v2.Number != 1 || v2.LockVersion != v1.LockVersion+1 {
		t.Errorf("rebuild made %+v from %+v, want the same draft with the next lock version", v2, v1)
	}
	if got := d.count("visits", "plan_version_id = ?", v1.ID); got != visits || d.count("plan_versions", "") != 1 {
		t.Errorf("after rebuild: %d visits (want %d), %d versions", got, visits, d.count("plan_versions", ""))
	}
	// A rebuild from a page that showed an older draft is refused.
	stale := v1.LockVersion
	if _, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{LockVersion: &stale}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("stale rebuild: %v, want a conflict", err)
	}
}

func TestBuildRefusesABadInstanceAndWritesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		proposals []proposal
		field     string
		want      string
	}{
		{"no proposal for the year", nil, "year", "chưa có đề xuất"},
		{"a window outside the year", []proposal{{body: "city-team", unit: "00001", kind: "public_service",
			form: models.FormPlanned, window: [2]string{"2026-12-01", "2027-01-31"}, days: 2, team: 2}},
			"instance", "nằm ngoài năm 2027"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDemo(t)
			d.addProposals(tt.proposals...)
			audits := d.count("audit_log", "")
			_, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{})
			ve, ok := apperr.AsValidation(err)
			if !ok || !ve.Has(tt.field) {
				t.Fatalf("build: %v, want a validation error on %s", err, tt.field)
			}
			if !strings.Contains(strings.ToLower(ve.Fields[0].VI), tt.want) || ve.Fields[0].EN == "" {
				t.Errorf("message = %+v, want %q in Vietnamese and an English text", ve.Fields[0], tt.want)
			}
			for _, table := range []string{"plans", "plan_versions", "visits"} {
				if n := d.count(table, ""); n != 0 {
					t.Errorf("%s has %d rows after a refused build", table, n)
				}
			}
			if n := d.count("audit_log", ""); n != audits {
				t.Errorf("audit entries %d → %d", audits, n)
			}
		})
	}
}

func TestSoftPenaltiesOfTheVisitsAddUpToTheEnginesComponents(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	// Narrow windows in a busy month force some misses and joint visits.
	var ps []proposal
	for _, u := range []string{"00001", "00004", "00006", "00007", "00008", "00019", "00013", "00016"} {
		ps = append(ps,
			proposal{body: "city-team", unit: u, kind: "public_service", form: models.FormPlanned,
				window: [2]string{"2027-02-15", "2027-02-19"}, days: 4, team: 3},
			proposal{body: "snv-tg", unit: u, kind: "specialised", form: models.FormPlanned,
				window: [2]string{"2027-02-15", "2027-02-19"}, days: 3, team: 2})
	}
	d.addProposals(ps...)
	v, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{})
	if err != nil {
		t.Fatal(err)
	}
	detail, err := d.svc.Detail(ctx, d.planner, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	var m planning.Metrics
	if err := v.Metrics.Unmarshal(&m); err != nil {
		t.Fatal(err)
	}
	rules := planning.DefaultRules()
	var window, rotation, joint float64
	for _, vis := range detail.Visits {
		window += float64(vis.Soft.WindowDays) * float64(rules.Weights.WindowDay)
		if vis.Soft.Rotation {
			rotation += float64(rules.Weights.Rotation)
		}
		joint += float64(len(vis.Soft.MissingBodies)) * float64(rules.Weights.JointMissingBody)
	}
	if window == 0 {
		t.Error("no window misses: the fixture should force some")
	}
	for name, got := range map[string]float64{"window_day": window, "rotation": rotation, "joint_missing_body": joint} {
		if got != m.PenaltyBy[name] {
			t.Errorf("%s: visits add up to %v, the engine says %v", name, got, m.PenaltyBy[name])
		}
	}
}
