package planning_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"khung/app/calendar"
	"khung/app/planning"
	"khung/app/planning/check"
	"khung/app/planning/gen"
)

func generate(t testing.TB, opt gen.Options) *planning.Instance {
	t.Helper()
	inst, err := gen.Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func solve(t testing.TB, inst *planning.Instance, opt planning.Options) *planning.Plan {
	t.Helper()
	plan, err := planning.Solve(inst, opt)
	if err != nil {
		t.Fatal(err)
	}
	return planning.RenderPlan(t, plan)
}

func planJSON(t testing.TB, plan *planning.Plan) []byte {
	t.Helper()
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// agree fails unless the independent checker finds the plan valid and scores
// it exactly as the engine did.
func agree(t *testing.T, inst *planning.Instance, plan *planning.Plan) {
	t.Helper()
	rep := check.Check(inst, plan)
	for i, v := range rep.Violations {
		if i == 5 {
			t.Errorf("… %d violations in all", len(rep.Violations))
			break
		}
		t.Errorf("checker: %s %s %s %s: %s", v.Rule, v.Visit, v.Inspector, v.Day, v.Message)
	}
	if !rep.Valid {
		t.Fatal("the checker finds the plan invalid")
	}
	if rep.Penalty != plan.Metrics.Penalty || !maps.Equal(rep.PenaltyBy, plan.Metrics.PenaltyBy) {
		t.Errorf("checker penalty %v %v, engine %v %v", rep.Penalty, rep.PenaltyBy, plan.Metrics.Penalty, plan.Metrics.PenaltyBy)
	}
}

func TestCheckerAgreesWithEveryPlan(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		inst := generate(t, gen.Options{Province: "01", Proposals: 500, Seed: seed})
		for _, opt := range []planning.Options{{Greedy: true}, {Seed: seed}} {
			plan := solve(t, inst, opt)
			agree(t, inst, plan)
			visits, err := planning.Merge(inst)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(plan.Visits) + len(plan.Unscheduled); got != len(visits) {
				t.Errorf("seed %d: %d visits in the plan, merge gives %d", seed, got, len(visits))
			}
		}
	}
}

func TestEngineBeatsTheBaselineAndStaysAboveTheBound(t *testing.T) {
	inst := generate(t, gen.Options{Province: "01", Proposals: 800, Seed: 7})
	greedy := solve(t, inst, planning.Options{Greedy: true})
	engine := solve(t, inst, planning.Options{Seed: 1})
	lb, err := planning.LowerBound(inst)
	if err != nil {
		t.Fatal(err)
	}
	g, e := greedy.Metrics.Penalty, engine.Metrics.Penalty
	if e < lb-0.01 {
		t.Fatalf("engine %.2f below the lower bound %.2f: the bound is wrong", e, lb)
	}
	if closed := (g - e) / (g - lb); closed < 0.8 {
		t.Errorf("engine %.2f closes %.0f %% of the gap between greedy %.2f and bound %.2f, want ≥ 80 %%", e, 100*closed, g, lb)
	}
}

func TestSolveIsDeterministic(t *testing.T) {
	inst := generate(t, gen.Options{Province: "01", Proposals: 400, Seed: 5})
	a := planJSON(t, solve(t, inst, planning.Options{Seed: 9}))
	b := planJSON(t, solve(t, inst, planning.Options{Seed: 9}))
	if !bytes.Equal(a, b) {
		t.Fatal("two solves of the same instance differ")
	}
	c := planJSON(t, solve(t, inst, planning.Options{Seed: 10}))
	if bytes.Equal(a, c) {
		t.Log("seeds 9 and 10 gave the same plan (possible, but unusual)")
	}
}

func TestSameBytesOnOneOrTwoCores(t *testing.T) {
	// All 34 provinces, few proposals each: many independent groups in parallel.
	inst := generate(t, gen.Options{Proposals: 3000, Seed: 2})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	opt := planning.Options{Seed: 3, Iterations: 100_000}
	one := planJSON(t, solve(t, inst, opt))
	runtime.GOMAXPROCS(2)
	two := planJSON(t, solve(t, inst, opt))
	if !bytes.Equal(one, two) {
		t.Fatal("GOMAXPROCS 1 and 2 give different plans")
	}
}

func TestNationalPlanIsValidPerProvince(t *testing.T) {
	inst := generate(t, gen.Options{Proposals: 3000, Seed: 4})
	agree(t, inst, solve(t, inst, planning.Options{Seed: 1, Iterations: 100_000}))
}

// TestTryAgreesWithAFullRescore moves visits, swaps members and leads at
// random; every Try must report violations exactly when the checker finds the
// changed plan invalid, and the penalty the checker computes.
func TestTryAgreesWithAFullRescore(t *testing.T) {
	inst := generate(t, gen.Options{Province: "01", Proposals: 400, Seed: 11})
	plan := solve(t, inst, planning.Options{Seed: 1})
	s, err := planning.NewSession(inst, plan)
	if err != nil {
		t.Fatal(err)
	}
	if s.Penalty() != plan.Metrics.Penalty {
		t.Fatalf("session penalty %v, plan %v", s.Penalty(), plan.Metrics.Penalty)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for _, in := range inst.Inspectors {
		ids = append(ids, in.ID)
	}
	applied, refused := 0, 0
	for n := 0; n < 150; n++ {
		cur := s.Plan()
		v := cur.Visits[rng.IntN(len(cur.Visits))]
		c := planning.Change{Visit: v.ID}
		switch rng.IntN(4) {
		case 0, 1:
			c.Start = shiftDate(t, inst, v.Start, rng.IntN(41)-20)
		case 2:
			out := v.Team[rng.IntN(len(v.Team))].Inspector
			in := ids[rng.IntN(len(ids))]
			if slices.ContainsFunc(v.Team, func(m planning.TeamMember) bool { return m.Inspector == in }) {
				continue
			}
			c.Replace = &planning.Swap{Out: out, In: in}
		case 3:
			c.Lead = v.Team[rng.IntN(len(v.Team))].Inspector
		}
		d, err := s.Try(c)
		if err != nil {
			t.Fatalf("Try(%+v): %v", c, err)
		}
		changed := applyByHand(t, inst, cur, c)
		rep := check.Check(inst, changed)
		if rep.Valid != (len(d.Violations) == 0) {
			t.Fatalf("Try(%+v): %d violations %v, checker valid=%v %v", c, len(d.Violations), d.Violations, rep.Valid, rep.Violations)
		}
		if d.PenaltyBefore != cur.Metrics.Penalty {
			t.Fatalf("Try(%+v): penalty before %v, plan %v", c, d.PenaltyBefore, cur.Metrics.Penalty)
		}
		if rep.Valid && d.PenaltyAfter != rep.Penalty {
			t.Fatalf("Try(%+v): penalty after %v, checker %v (%v)", c, d.PenaltyAfter, rep.Penalty, d.PenaltyBy)
		}
		_, err = s.Apply(c)
		switch {
		case rep.Valid && err != nil:
			t.Fatalf("Apply(%+v) refused a valid change: %v", c, err)
		case !rep.Valid && !errors.Is(err, planning.ErrHardRule):
			t.Fatalf("Apply(%+v) = %v, want ErrHardRule", c, err)
		case rep.Valid:
			applied++
		default:
			refused++
		}
	}
	if applied == 0 || refused == 0 {
		t.Errorf("applied %d and refused %d changes: the test should exercise both", applied, refused)
	}
	agree(t, inst, s.Plan())
}

func TestTryRejectsUnknownIDs(t *testing.T) {
	inst := generate(t, gen.Options{Province: "01", Proposals: 100, Seed: 1})
	plan := solve(t, inst, planning.Options{Seed: 1})
	s, err := planning.NewSession(inst, plan)
	if err != nil {
		t.Fatal(err)
	}
	v := plan.Visits[0]
	for _, c := range []planning.Change{
		{Visit: "v-nope"},
		{Visit: v.ID, Start: "2025-13-01"},
		{Visit: v.ID, Lead: "nobody"},
		{Visit: v.ID, Replace: &planning.Swap{Out: "nobody", In: v.Team[0].Inspector}},
	} {
		if _, err := s.Try(c); err == nil {
			t.Errorf("Try(%+v) accepted", c)
		}
	}
	d, err := s.Try(planning.Change{Visit: v.ID, Start: "2025-01-04"}) // a Saturday
	if err != nil || len(d.Violations) == 0 || d.Violations[0].Rule != "H1" {
		t.Errorf("a Saturday start: %+v, %v; want an H1 violation", d, err)
	}
}

func shiftDate(t *testing.T, inst *planning.Instance, start string, n int) string {
	t.Helper()
	d, err := calendar.Parse(start)
	if err != nil {
		t.Fatal(err)
	}
	return calendar.Format(d.AddDate(0, 0, n))
}

// addWorkingDays is the date n working days after start, "" when start is not
// a working day or the result leaves the year.
func addWorkingDays(t *testing.T, inst *planning.Instance, start string, n int) string {
	t.Helper()
	parse := func(list []string) []time.Time {
		var out []time.Time
		for _, s := range list {
			d, err := calendar.Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, d)
		}
		return out
	}
	y, err := calendar.New(inst.Year, parse(inst.Calendar.Holidays), parse(inst.Calendar.ExtraWorkingDays))
	if err != nil {
		t.Fatal(err)
	}
	d, err := calendar.Parse(start)
	if err != nil {
		t.Fatal(err)
	}
	end, ok := y.AddWorkingDays(d, n)
	if !ok {
		return ""
	}
	return calendar.Format(end)
}

// applyByHand returns a copy of plan with change c made plainly (no engine code).
func applyByHand(t *testing.T, inst *planning.Instance, plan *planning.Plan, c planning.Change) *planning.Plan {
	t.Helper()
	var out planning.Plan
	b, _ := json.Marshal(plan)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for k := range out.Visits {
		v := &out.Visits[k]
		if v.ID != c.Visit {
			continue
		}
		if c.Start != "" {
			v.Start = c.Start
			v.End = addWorkingDays(t, inst, c.Start, v.Days-1)
		}
		if r := c.Replace; r != nil {
			for j := range v.Team {
				if v.Team[j].Inspector == r.Out {
					v.Team[j].Inspector = r.In
				}
			}
		}
		if c.Lead != "" {
			found := false
			for j := range v.Team {
				if v.Team[j].Inspector == c.Lead {
					found = true
				}
			}
			for j := range v.Team {
				switch {
				case v.Team[j].Inspector == c.Lead:
					v.Team[j].Role = planning.RoleLead
				case v.Team[j].Role == planning.RoleLead && found:
					v.Team[j].Role = planning.RoleMember
				case v.Team[j].Role == planning.RoleLead:
					v.Team[j].Inspector = c.Lead
				}
			}
		}
	}
	return &out
}

func TestCheckerAgreesOnAwkwardInstances(t *testing.T) {
	for seed := range uint64(80) {
		inst := planning.RandomInstance(seed, int(seed*7)%80, int(seed*3)%30)
		for _, opt := range []planning.Options{{Seed: seed, Iterations: 2000}, {Greedy: true}} {
			plan := solve(t, inst, opt)
			rep := check.Check(inst, plan)
			if !rep.Valid || rep.Penalty != plan.Metrics.Penalty || !maps.Equal(rep.PenaltyBy, plan.Metrics.PenaltyBy) {
				t.Errorf("seed %d %+v: checker valid=%v penalty %v %v, engine %v %v; violations %v",
					seed, opt, rep.Valid, rep.Penalty, rep.PenaltyBy, plan.Metrics.Penalty, plan.Metrics.PenaltyBy, rep.Violations)
			}
		}
	}
}
