package planning

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// randomInstance builds a small but awkward instance: a three-level tree
// under one or two provinces, tight leave, blackouts, max_days, conflicts,
// skills, windows, every form, and history.
func randomInstance(seed uint64, nProposals, nInspectors int) *Instance {
	rng := rand.New(rand.NewPCG(seed, 77))
	day := func(from, span int) string {
		return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, from+rng.IntN(span)).Format(time.DateOnly)
	}
	interval := func(maxLen int) Interval {
		a := rng.IntN(330)
		b := a + rng.IntN(maxLen)
		return Interval{From: day(a, 1), To: day(min(b, 364), 1)}
	}
	inst := &Instance{Year: 2025, Calendar: Calendar{Holidays: []string{"2025-01-01", "2025-09-02"}, ExtraWorkingDays: []string{"2025-02-08"}}}
	provinces := 1 + rng.IntN(2)
	var unitIDs []string
	for p := range provinces {
		root := fmt.Sprintf("%02d", p+1)
		inst.Units = append(inst.Units, Unit{ID: root})
		unitIDs = append(unitIDs, root)
		for d := range 1 + rng.IntN(3) {
			dist := fmt.Sprintf("%s.%03d", root, d)
			inst.Units = append(inst.Units, Unit{ID: dist, Parent: root, Area: dist})
			unitIDs = append(unitIDs, dist)
			for w := range rng.IntN(4) {
				u := Unit{ID: fmt.Sprintf("%s.%02d", dist, w), Parent: dist, Area: dist}
				if rng.IntN(4) == 0 {
					u.Blackouts = []Interval{interval(200)}
				}
				inst.Units = append(inst.Units, u)
				unitIDs = append(unitIDs, u.ID)
			}
		}
	}
	bodies := []string{"a", "b", "c"}
	for k, b := range bodies {
		inst.Bodies = append(inst.Bodies, Body{ID: b, Precedence: 1 + k%2})
	}
	skills := []string{"s1", "s2", "s3"}
	for i := range nInspectors {
		in := Inspector{
			ID: fmt.Sprintf("i%02d", i), Body: bodies[rng.IntN(len(bodies))],
			HomeUnit: unitIDs[rng.IntN(len(unitIDs))], CanLead: rng.IntN(3) > 0,
		}
		if rng.IntN(2) == 0 {
			in.Skills = []string{skills[rng.IntN(len(skills))]}
		}
		if rng.IntN(3) == 0 {
			in.FormerUnits = []string{unitIDs[rng.IntN(len(unitIDs))]}
		}
		if rng.IntN(4) == 0 {
			in.ConflictUnits = []string{"99.unknown"} // allowed: cannot match a unit
		}
		if rng.IntN(3) == 0 {
			in.Unavailable = []Interval{interval(120)}
		}
		if rng.IntN(3) == 0 {
			in.MaxDays = rng.IntN(30)
		}
		inst.Inspectors = append(inst.Inspectors, in)
	}
	forms := []string{FormPlanned, FormPlanned, FormPlanned, FormUnannounced, FormVerification}
	for k := range nProposals {
		p := Proposal{
			ID: fmt.Sprintf("p%03d", k), Body: bodies[rng.IntN(len(bodies))], Unit: unitIDs[rng.IntN(len(unitIDs))],
			Kind: "public_service", Form: forms[rng.IntN(len(forms))],
			Days: 1 + rng.IntN(8), TeamSize: 1 + rng.IntN(4), Priority: 1 + rng.IntN(3),
		}
		if rng.IntN(2) == 0 {
			p.Skills = []string{skills[rng.IntN(len(skills))]}
		}
		if rng.IntN(3) > 0 {
			w := interval(90)
			p.Window = &w
		}
		inst.Proposals = append(inst.Proposals, p)
		if rng.IntN(3) == 0 && len(inst.Inspectors) > 0 {
			inst.History = append(inst.History, HistoryRow{Unit: p.Unit, Year: 2023 + rng.IntN(2),
				LeadInspector: inst.Inspectors[rng.IntN(len(inst.Inspectors))].ID})
		}
	}
	if rng.IntN(3) == 0 {
		inst.Rules = &Rules{MaxVisitDays: 1 + rng.IntN(10), MaxTeamSize: 1 + rng.IntN(5), ExtraDaysPerExtraBody: rng.IntN(3)}
	}
	return inst
}

// FuzzSolve: any generated instance gives a valid plan in which every visit
// of the merge appears exactly once, with a reason when unscheduled, and the
// penalty is never below the lower bound.
func FuzzSolve(f *testing.F) {
	for seed := range uint64(12) {
		f.Add(seed, uint8(5+seed*3), uint8(2+seed))
	}
	f.Add(uint64(99), uint8(60), uint8(3))  // far too few inspectors
	f.Add(uint64(100), uint8(1), uint8(0))  // nobody to inspect
	f.Add(uint64(101), uint8(0), uint8(10)) // nothing to do
	f.Fuzz(func(t *testing.T, seed uint64, nProposals, nInspectors uint8) {
		inst := randomInstance(seed, int(nProposals%80), int(nInspectors%30))
		for _, opt := range []Options{{Seed: seed, Iterations: 3000}, {Greedy: true}} {
			plan, err := Solve(inst, opt)
			if err != nil {
				t.Fatalf("Solve: %v", err)
			}
			renderPlan(t, plan)
			m, err := newModel(inst)
			if err != nil {
				t.Fatal(err)
			}
			viol, _ := m.evaluate(plan)
			for _, v := range viol {
				t.Errorf("%s %s %s %s: %v", v.Rule, v.Visit, v.Inspector, v.Day, v.Msg)
			}
			for _, u := range plan.Unscheduled {
				if u.Reason == "" {
					t.Errorf("%s is unscheduled without a reason", u.Visit)
				}
			}
			lb, err := LowerBound(inst)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Metrics.Penalty < lb-0.01 {
				t.Errorf("penalty %.2f is below the lower bound %.2f", plan.Metrics.Penalty, lb)
			}
		}
	})
}
