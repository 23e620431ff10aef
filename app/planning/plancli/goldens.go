package plancli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"khung/app/planning"
	"khung/app/planning/check"
	"khung/app/planning/gen"
	"khung/app/planning/mip"
)

// runGoldens recomputes the golden optima: for each seed, the small instance,
// its MIP solved to optimality by HiGHS, the MIP plan re-scored by the checker
// (which must agree), then the engine's penalty and its gap to the optimum.
func runGoldens(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mip-goldens", flag.ContinueOnError)
	count := fs.Int("count", 24, "number of instances")
	first := fs.Uint64("first", 1, "first seed")
	dir := fs.String("dir", "app/planning/mip/testdata", "directory of the golden files")
	node := fs.String("node", "node", "Node.js binary")
	script := fs.String("script", "tools/mip/solve.mjs", "the HiGHS script")
	limit := fs.Duration("time-limit", 10*time.Minute, "HiGHS time limit per instance")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *count < 1 {
		return usagef("mip-goldens takes flags only and --count ≥ 1 (chỉ nhận tham số dạng cờ)")
	}
	if _, err := os.Stat(*script); err != nil {
		return usagef("HiGHS script %s not found: run from the repository root or pass --script (không tìm thấy %s)", *script, *script)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fmt.Errorf("golden directory: %w", err)
	}
	solver := mip.Solver{Node: *node, Script: *script, TimeLimit: *limit}

	const row = "%5v %7v %10v %6v %10v %9v %10v %7v\n"
	fmt.Fprintf(stdout, row, "seed", "visits", "variables", "rows", "optimum", "HiGHS ms", "engine", "gap %")
	var gaps []float64
	var highsMS []int64
	var failed []uint64
	for seed := *first; seed < *first+uint64(*count); seed++ {
		inst := gen.GenerateSmall(seed)
		res, err := mip.Exact(ctx, inst, solver)
		if err != nil {
			// Keep going: one instance HiGHS cannot prove in time must not
			// throw away the others.
			fmt.Fprintf(stderr, "seed %d: %v\n", seed, err)
			failed = append(failed, seed)
			continue
		}
		g := mip.NewGolden(seed, inst, res)
		if err := g.Save(*dir); err != nil {
			return err
		}
		engine, gap, err := EngineGap(g)
		if err != nil {
			return fmt.Errorf("seed %d: %w", seed, err)
		}
		gaps = append(gaps, gap)
		highsMS = append(highsMS, g.HighsMS)
		fmt.Fprintf(stdout, row, seed, g.Visits, g.Variables, g.Constraints, fmt.Sprintf("%.2f", g.Optimum), g.HighsMS,
			fmt.Sprintf("%.2f", engine), fmt.Sprintf("%.2f", 100*gap))
	}
	if len(gaps) == 0 {
		return fmt.Errorf("no instance was solved to optimality")
	}
	mean, worst := summary(gaps)
	var total, slowest int64
	for _, ms := range highsMS {
		total += ms
		slowest = max(slowest, ms)
	}
	fmt.Fprintf(stdout, "engine vs optimum over %d instances: mean gap %.2f %%, max gap %.2f %%; HiGHS %d ms mean, %d ms max; goldens in %s\n",
		len(gaps), 100*mean, 100*worst, total/int64(len(highsMS)), slowest, *dir)
	if len(failed) > 0 {
		return fmt.Errorf("no proven optimum for seeds %v (see above)", failed)
	}
	return nil
}

// EngineGap solves a golden instance with the engine (default options), checks
// the plan independently and returns its penalty and relative gap to the
// optimum (0 when both are 0).
func EngineGap(g mip.Golden) (penalty, gap float64, err error) {
	plan, err := planning.Solve(g.Instance, planning.Options{})
	if err != nil {
		return 0, 0, fmt.Errorf("engine: %w", err)
	}
	rep := check.Check(g.Instance, plan)
	if !rep.Valid {
		return 0, 0, fmt.Errorf("engine plan breaks %d rules, first: %+v", len(rep.Violations), rep.Violations[0])
	}
	if rep.Penalty < g.Optimum-0.005 {
		return 0, 0, fmt.Errorf("engine penalty %.2f is below the proven optimum %.2f: the MIP, the checker or the golden is wrong",
			rep.Penalty, g.Optimum)
	}
	switch {
	case g.Optimum > 0:
		gap = (rep.Penalty - g.Optimum) / g.Optimum
	case rep.Penalty > 0:
		gap = 1 // any penalty above a zero optimum counts as 100 %
	}
	return rep.Penalty, gap, nil
}

func summary(gaps []float64) (mean, worst float64) {
	for _, g := range gaps {
		mean += g
		worst = max(worst, g)
	}
	if len(gaps) > 0 {
		mean /= float64(len(gaps))
	}
	return mean, worst
}
