package jobs

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"gorm.io/gorm"

	"khung/config"
)

// ErrUsage is returned by RunCLI for a malformed command line (exit status 2).
var ErrUsage = errors.New("usage: khung jobs list | khung jobs run NAME [--now RFC3339]")

// RunCLI runs `khung jobs list` and `khung jobs run NAME [--now RFC3339]`: the
// table, or one job once (as of --now, default the current time), with the
// job's report on stdout.
func RunCLI(ctx context.Context, db *gorm.DB, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return ErrUsage
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	j, err := New(db, cfg, log)
	if err != nil {
		return err
	}
	switch args[0] {
	case "list":
		if len(args) != 1 {
			return ErrUsage
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "NAME\tSCHEDULE (%s)\tWHAT\n", j.loc)
		for _, e := range j.List() {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Name, e.Spec, e.About)
		}
		return tw.Flush()
	case "run":
		if len(args) < 2 || args[1] == "" || args[1][0] == '-' {
			return ErrUsage
		}
		name := args[1]
		fs := flag.NewFlagSet("jobs run", flag.ContinueOnError)
		fs.SetOutput(stderr)
		nowText := fs.String("now", "", "run as of this instant, RFC 3339 (e.g. 2026-12-07T07:00:00+07:00); default: now")
		if err := fs.Parse(args[2:]); err != nil || fs.NArg() > 0 {
			return ErrUsage
		}
		now := time.Now()
		if *nowText != "" {
			t, err := time.Parse(time.RFC3339, *nowText)
			if err != nil {
				return fmt.Errorf("--now %q: not an RFC 3339 time such as 2026-12-07T07:00:00+07:00 / --now không đúng định dạng RFC 3339: %w", *nowText, err)
			}
			now = t
		}
		return j.RunOnce(ctx, name, now)
	default:
		return ErrUsage
	}
}
