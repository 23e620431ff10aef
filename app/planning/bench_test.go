package planning_test

import (
	"testing"
	"time"

	"khung/app/planning"
	"khung/app/planning/gen"
)

func cityInstance(b testing.TB) *planning.Instance {
	b.Helper()
	inst, err := gen.Generate(gen.Options{Province: "01", Proposals: 1600, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	return inst
}

// BenchmarkSolveCity solves Hanoi with 1,600 proposals (≈530 visits, 326 inspectors).
func BenchmarkSolveCity(b *testing.B) {
	inst := cityInstance(b)
	start := processCPU()
	for b.Loop() {
		if _, err := planning.Solve(inst, planning.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkSolveCityGreedy is the first-fit baseline on the same instance.
func BenchmarkSolveCityGreedy(b *testing.B) {
	inst := cityInstance(b)
	start := processCPU()
	for b.Loop() {
		if _, err := planning.Solve(inst, planning.Options{Greedy: true}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// reportCPU adds the process CPU time per operation (ms) since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkSolveNational solves all 34 provinces of 1 July 2025, 100,000
// proposals (≈16,000 visits, ≈15,800 inspectors; skipped with -short).
func BenchmarkSolveNational(b *testing.B) {
	if testing.Short() {
		b.Skip("national scale is skipped with -short")
	}
	inst, err := gen.Generate(gen.Options{Proposals: 100_000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	start := processCPU()
	for b.Loop() {
		if _, err := planning.Solve(inst, planning.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkTry re-checks one hand move (shift a visit a few days and swap a
// member) on the city plan.
func BenchmarkTry(b *testing.B) {
	inst := cityInstance(b)
	plan, err := planning.Solve(inst, planning.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	s, err := planning.NewSession(inst, plan)
	if err != nil {
		b.Fatal(err)
	}
	var changes []planning.Change
	for k, v := range plan.Visits {
		c := planning.Change{Visit: v.ID, Start: plan.Visits[(k+7)%len(plan.Visits)].Start}
		if k%2 == 0 && len(v.Team) > 1 {
			c.Replace = &planning.Swap{Out: v.Team[1].Inspector, In: inst.Inspectors[k%len(inst.Inspectors)].ID}
		}
		changes = append(changes, c)
	}
	b.ResetTimer()
	k := 0
	for b.Loop() {
		if _, err := s.Try(changes[k%len(changes)]); err != nil && k < len(changes) {
			// A member that is already on the team is a caller error; skip it.
			changes[k%len(changes)].Replace = nil
		}
		k++
	}
}

// BenchmarkNewSession indexes the city plan for re-checking.
func BenchmarkNewSession(b *testing.B) {
	inst := cityInstance(b)
	plan, err := planning.Solve(inst, planning.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := planning.NewSession(inst, plan); err != nil {
			b.Fatal(err)
		}
	}
}
