// Package plancli is the `khung plan` command line: generate an instance, solve
// it, check a plan, repair a plan after changes, and recompute the exact optima
// of the small instances.
package plancli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"khung/app/planning"
	"khung/app/planning/check"
	"khung/app/planning/gen"
	"khung/app/planning/plantext"
	"khung/views"
)

const usage = `khung plan — the planning engine (no database)

Usage:
  khung plan gen [--province CODE] [--proposals N] [--seed S] [--year Y] [--inspectors N] [--small]
        print a generated instance (JSON) on stdout; --province "" generates the
        whole country (the 34 provinces of 1 July 2025); --small prints GenerateSmall(seed)
  khung plan solve [--greedy] [--seed S] [--iterations N | --budget-ms N] [FILE]
        solve the instance in FILE (stdin when absent); the plan (indented JSON)
        goes to stdout, with metrics.solve_ms filled in
  khung plan check INSTANCE PLAN
        re-check a plan independently of the engine: metrics and violations
        (JSON) on stdout; exit status 1 when the plan is invalid
  khung plan repair [--seed S] [--iterations N] [--instance-out FILE] INSTANCE PLAN CHANGES
        adapt PLAN (a plan of INSTANCE) to CHANGES (new leave, new and withdrawn
        proposals, pinned visits, notices sent; docs/planner-spec.md §7) with as
        few moves as possible; the new plan goes to stdout, --instance-out
        writes the changed instance it is a plan of (for khung plan check)
  khung plan mip-goldens [--count N] [--first S] [--dir DIR] [--node NODE] [--script FILE] [--time-limit D]
        recompute the exact optima of the small instances with HiGHS (Node) and
        compare the engine with them (slow: seconds to a minute per instance)

--budget-ms N is a deterministic work budget, not a clock: it runs N × 500
improvement iterations (about what one core does in a millisecond on a city
instance); the engine never reads a clock, so the same command gives the same
plan on any machine.

Exit status: 0 success, 1 failure or invalid plan, 2 usage error.
`

// IterationsPerMS converts --budget-ms into an iteration budget.
const IterationsPerMS = 500

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// Run executes `khung plan ARGS…` and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "gen":
		err = runGen(args[1:], stdout, stderr)
	case "solve":
		err = runSolve(args[1:], stdin, stdout, stderr)
	case "check":
		var valid bool
		valid, err = runCheck(args[1:], stdout, stderr)
		if err == nil && !valid {
			return 1
		}
	case "repair":
		err = runRepair(args[1:], stdout, stderr)
	case "mip-goldens":
		err = runGoldens(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = usagef("unknown command %q (lệnh không hợp lệ)", args[0])
	}
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "khung plan: %s\nRun `khung plan -h` for usage (xem hướng dẫn: khung plan -h).\n", ue.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "khung plan %s: %v\n", args[0], err)
		return 1
	}
}

// parse parses flags that may come before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%s: %v (tham số không hợp lệ)", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func runGen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	province := fs.String("province", "01", `official province code; "" for the whole country`)
	proposals := fs.Int("proposals", 0, "number of proposals (0: 1,600 per province, 100,000 for the country)")
	seed := fs.Uint64("seed", 1, "random seed")
	year := fs.Int("year", gen.DefaultYear, "plan year (2024–2027)")
	inspectors := fs.Int("inspectors", 0, "number of inspectors (0: proposals/8, at least 12 per province)")
	small := fs.Bool("small", false, "print the small MIP instance of --seed")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("gen takes no file argument, got %q (lệnh gen không nhận tên tệp)", rest[0])
	}
	var inst *planning.Instance
	if *small {
		inst = gen.GenerateSmall(*seed)
	} else {
		inst, err = gen.Generate(gen.Options{Province: *province, Year: *year, Proposals: *proposals, Seed: *seed, Inspectors: *inspectors})
		if err != nil {
			return usagef("%v", err)
		}
	}
	return writeJSON(stdout, inst, false)
}

func runSolve(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("solve", flag.ContinueOnError)
	greedy := fs.Bool("greedy", false, "plain first-fit greedy placement, no improvement")
	seed := fs.Uint64("seed", 0, "seed of the improvement's random choices")
	iterations := fs.Int("iterations", 0, "improvement iterations (0: the engine's default)")
	budget := fs.Int("budget-ms", 0, "work budget in milliseconds of one core, as a fixed number of iterations")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 1:
		return usagef("solve takes at most one instance file, got %d (chỉ nhận một tệp dữ liệu)", len(rest))
	case *iterations < 0 || *budget < 0:
		return usagef("--iterations and --budget-ms must not be negative (không được âm)")
	case *iterations > 0 && *budget > 0:
		return usagef("--iterations and --budget-ms cannot be used together (không dùng đồng thời --iterations và --budget-ms)")
	case *greedy && (*iterations > 0 || *budget > 0):
		return usagef("--greedy does no improvement: drop --iterations/--budget-ms (chế độ --greedy không cải thiện)")
	}
	if *budget > 0 {
		*iterations = *budget * IterationsPerMS
	}
	in := stdin
	name := "stdin"
	if len(rest) == 1 {
		f, err := os.Open(rest[0])
		if err != nil {
			return fmt.Errorf("open instance: %w", err)
		}
		defer f.Close()
		in, name = f, rest[0]
	}
	var inst planning.Instance
	if err := readJSON(in, name, &inst); err != nil {
		return err
	}
	started := time.Now()
	plan, err := planning.Solve(&inst, planning.Options{Seed: *seed, Iterations: *iterations, Greedy: *greedy})
	if err != nil {
		return instanceError(err)
	}
	plan.Metrics.SolveMS = time.Since(started).Milliseconds()
	en, vi, err := renderers()
	if err != nil {
		return err
	}
	plan.Render(en, vi)
	return writeJSON(stdout, plan, true)
}

// instanceError lists an invalid instance's problems in both languages.
func instanceError(err error) error {
	var ie *planning.InstanceError
	if !errors.As(err, &ie) {
		return err
	}
	if en, vi, rerr := renderers(); rerr == nil {
		ie.Render(en, vi)
	}
	var b strings.Builder
	b.WriteString("the instance is not valid (dữ liệu đầu vào không hợp lệ):")
	for _, p := range ie.Problems {
		fmt.Fprintf(&b, "\n  %s: %s (%s)", p.Field, p.Message, p.MessageVI)
	}
	return errors.New(b.String())
}

// renderers write the engine's messages in English and Vietnamese with the
// app's message catalogs.
func renderers() (en, vi planning.Renderer, err error) {
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		return nil, nil, fmt.Errorf("load the message catalogs: %w", err)
	}
	return plantext.Renderer[planning.Message](loc.For("en")), plantext.Renderer[planning.Message](loc.For("vi")), nil
}

// checkOutput is what `khung plan check` prints.
type checkOutput struct {
	Valid      bool              `json:"valid"`
	Metrics    planning.Metrics  `json:"metrics"`
	Violations []check.Violation `json:"violations"`
	Notes      []string          `json:"notes,omitempty"`
	CheckMS    float64           `json:"check_ms"`
}

func runCheck(args []string, stdout, stderr io.Writer) (bool, error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	rest, err := parse(fs, args)
	if err != nil {
		return false, err
	}
	if len(rest) != 2 {
		return false, usagef("check needs INSTANCE and PLAN files, got %d argument(s) (cần tệp dữ liệu và tệp kế hoạch)", len(rest))
	}
	var inst planning.Instance
	var plan planning.Plan
	for i, target := range []any{&inst, &plan} {
		f, err := os.Open(rest[i])
		if err != nil {
			return false, fmt.Errorf("open: %w", err)
		}
		err = readJSON(f, rest[i], target)
		f.Close()
		if err != nil {
			return false, err
		}
	}
	started := time.Now()
	rep := check.Check(&inst, &plan)
	elapsed := time.Since(started)
	out := checkOutput{Valid: rep.Valid, Metrics: rep.Metrics, Violations: rep.Violations, Notes: rep.Notes,
		CheckMS: float64(elapsed.Microseconds()) / 1000}
	return rep.Valid, writeJSON(stdout, out, true)
}

func readJSON(r io.Reader, name string, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("read %s: %w (tệp JSON không đọc được)", name, err)
	}
	return nil
}

func writeJSON(w io.Writer, v any, indent bool) error {
	enc := json.NewEncoder(w)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
