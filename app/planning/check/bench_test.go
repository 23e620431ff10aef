package check_test

import (
	"testing"

	"khung/app/planning"
	"khung/app/planning/check"
	"khung/app/planning/gen"
)

func benchmarkCheck(b *testing.B, opt gen.Options) {
	inst, err := gen.Generate(opt)
	if err != nil {
		b.Fatal(err)
	}
	plan, err := planning.Solve(inst, planning.Options{Greedy: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if rep := check.Check(inst, plan); !rep.Valid {
			b.Fatalf("invalid: %+v", rep.Violations[0])
		}
	}
	b.ReportMetric(float64(len(plan.Visits)), "visits")
}

// BenchmarkCheckCity checks a Hanoi plan (1,600 proposals, 326 inspectors).
func BenchmarkCheckCity(b *testing.B) { benchmarkCheck(b, gen.Options{Province: "01", Seed: 1}) }

// BenchmarkCheckNational checks a plan of the whole country (100,000 proposals).
func BenchmarkCheckNational(b *testing.B) { benchmarkCheck(b, gen.Options{Seed: 1}) }
