package plancli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"khung/app/msg"
	"khung/app/planning"
	"khung/views"
)

// runRepair is `khung plan repair INSTANCE PLAN CHANGES`: the repaired plan
// (indented JSON) goes to stdout, its why and reason sentences rendered in
// English and Vietnamese from the engine's messages.
func runRepair(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("repair", flag.ContinueOnError)
	seed := fs.Uint64("seed", 0, "seed of the improvement's random choices")
	iterations := fs.Int("iterations", 0, "improvement iterations (0: the engine's default)")
	instanceOut := fs.String("instance-out", "", "also write the changed instance (JSON) to this file")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) != 3:
		return usagef("repair needs INSTANCE, PLAN and CHANGES files, got %d argument(s) (cần tệp dữ liệu, tệp kế hoạch và tệp thay đổi)", len(rest))
	case *iterations < 0:
		return usagef("--iterations must not be negative (không được âm)")
	}
	var inst planning.Instance
	var plan planning.Plan
	var changes planning.Changes
	for i, target := range []any{&inst, &plan, &changes} {
		f, err := os.Open(rest[i])
		if err != nil {
			return fmt.Errorf("open: %w", err)
		}
		err = readJSON(f, rest[i], target)
		f.Close()
		if err != nil {
			return err
		}
	}
	locales, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		return fmt.Errorf("load messages: %w", err)
	}
	r := newRenderer(locales)
	started := time.Now()
	res, err := planning.Repair(&inst, &plan, &changes, planning.Options{Seed: *seed, Iterations: *iterations})
	if err != nil {
		return repairError(err, r)
	}
	res.Plan.Metrics.SolveMS = time.Since(started).Milliseconds()
	res.Render(r.render)
	if *instanceOut != "" {
		f, err := os.Create(*instanceOut)
		if err != nil {
			return fmt.Errorf("create changed instance: %w", err)
		}
		err = writeJSON(f, res.Instance, false)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return writeJSON(stdout, res.Plan, true)
}

// renderer renders the engine's messages with the application's catalogs.
type renderer struct {
	en, vi *views.Translator
}

func newRenderer(l *views.Locales) *renderer {
	return &renderer{en: l.For("en"), vi: l.For("vi")}
}

// render writes m in lang ("en" or "vi"); Vietnamese dates read dd/mm/yyyy.
func (r *renderer) render(lang string, m planning.Message) string {
	if lang != "vi" {
		return r.en.Msg(msg.Message{ID: m.ID, Args: m.Args})
	}
	args := make(map[string]any, len(m.Args))
	for k, v := range m.Args {
		if s, ok := v.(string); ok && isISODate(s) {
			v = s[8:10] + "/" + s[5:7] + "/" + s[0:4]
		}
		args[k] = v
	}
	return r.vi.Msg(msg.Message{ID: m.ID, Args: args})
}

func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// repairError lists the problems of refused changes in both languages.
func repairError(err error, r *renderer) error {
	var ce *planning.ChangesError
	if !errors.As(err, &ce) {
		return instanceError(err)
	}
	var b strings.Builder
	b.WriteString("the changes cannot be applied (không áp dụng được các thay đổi):")
	for _, p := range ce.Problems {
		fmt.Fprintf(&b, "\n  %s: %s (%s)", p.Field, r.render("en", p.Msg), r.render("vi", p.Msg))
	}
	return errors.New(b.String())
}
