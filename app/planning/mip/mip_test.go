package mip_test

import (
	"context"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"khung/app/planning"
	"khung/app/planning/check"
	"khung/app/planning/gen"
	"khung/app/planning/mip"
	"khung/app/planning/plancli"
)

// The engine must be within 2 % of the proven optimum on average and within
// 10 % on every golden instance.
const (
	maxMeanGap = 0.02
	maxGap     = 0.10
	minGoldens = 20
)

func TestEngineIsCloseToTheProvenOptima(t *testing.T) {
	goldens, err := mip.LoadGoldens("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(goldens) < minGoldens {
		t.Fatalf("%d golden instances in testdata, want at least %d (make mip-optima)", len(goldens), minGoldens)
	}
	var sum, worst float64
	for _, g := range goldens {
		penalty, gap, err := plancli.EngineGap(g)
		if err != nil {
			t.Errorf("seed %d: %v", g.Seed, err)
			continue
		}
		t.Logf("seed %3d: optimum %9.2f  engine %9.2f  gap %6.2f %%", g.Seed, g.Optimum, penalty, 100*gap)
		if gap > maxGap {
			t.Errorf("seed %d: engine %.2f is %.1f %% above the optimum %.2f (limit %.0f %%)", g.Seed, penalty, 100*gap, g.Optimum, 100*maxGap)
		}
		sum += gap
		worst = max(worst, gap)
	}
	mean := sum / float64(len(goldens))
	t.Logf("mean gap %.2f %%, max gap %.2f %% over %d instances", 100*mean, 100*worst, len(goldens))
	if mean > maxMeanGap {
		t.Errorf("mean gap %.2f %% is above %.0f %%", 100*mean, 100*maxMeanGap)
	}
}

func TestGoldensAreValidInstancesWithConsistentOptima(t *testing.T) {
	goldens, err := mip.LoadGoldens("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goldens {
		rep := check.Check(g.Instance, &planning.Plan{})
		for _, v := range rep.Violations {
			if v.Rule == check.RuleInstance {
				t.Errorf("seed %d: %s", g.Seed, v.Message)
			}
		}
		if g.Scale <= 0 || math.Round(float64(g.Objective)*100/float64(g.Scale))/100 != g.Optimum {
			t.Errorf("seed %d: objective %d / scale %d does not give optimum %.2f", g.Seed, g.Objective, g.Scale, g.Optimum)
		}
	}
}

func TestModelHasEveryFamilyOfRowsAndVariables(t *testing.T) {
	m, err := mip.Build(gen.GenerateSmall(3))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Minimize", "Subject To", " assign_0:", " team_0:", " lead_0:", " link_0_", " busy_", " balhi_",
		" ballo_", " aw_", " body_0_0:", "Binary", "End",
	} {
		if !strings.Contains(m.LP, want) {
			t.Errorf("LP has no %q", want)
		}
	}
	if m.Scale < 30 || m.Scale > 40 {
		t.Errorf("scale %d, want the 39 working days of the small calendar", m.Scale)
	}
}

// highsAvailable reports whether Node and the pinned highs package are there
// (make test installs them with npm ci in tools/node).
func highsAvailable(t *testing.T) (mip.Solver, bool) {
	root := "../../.."
	if _, err := exec.LookPath("node"); err != nil {
		return mip.Solver{}, false
	}
	if _, err := os.Stat(root + "/tools/node/node_modules/highs/package.json"); err != nil {
		return mip.Solver{}, false
	}
	return mip.Solver{Script: root + "/tools/mip/solve.mjs", TimeLimit: time.Minute}, true
}

// A reduced instance solves in well under a second: the MIP's plan must be valid,
// scored by the checker exactly as the MIP objective says, and no worse than
// the engine's.
func TestMIPPlanIsValidAndScoredAlikeByTheChecker(t *testing.T) {
	solver, ok := highsAvailable(t)
	if !ok {
		t.Skip("node or tools/node/node_modules/highs missing (run make node-tools)")
	}
	// Four proposals over the four weeks from 17 February to 14 March.
	inst := gen.GenerateSmall(8)
	inst.Proposals = inst.Proposals[:4]
	for d := time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2025, 4, 12, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			inst.Calendar.Holidays = append(inst.Calendar.Holidays, d.Format(time.DateOnly))
		}
	}
	res, err := mip.Exact(context.Background(), inst, solver)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planning.Solve(inst, planning.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if engine := check.Check(inst, plan).Penalty; engine < res.Optimum-0.005 {
		t.Errorf("engine %.2f beats the proven optimum %.2f", engine, res.Optimum)
	}
	t.Logf("optimum %.2f (%v) in %d ms", res.Optimum, res.Plan.Metrics.PenaltyBy, res.HighsMS)
}
