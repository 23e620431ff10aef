package jobs

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"khung/app"
	"khung/views"
)

// ErrUsage is returned by RunCLI for a malformed command line (exit status 2).
var ErrUsage = errors.New("usage: khung jobs list | khung jobs run NAME [--now RFC3339]")

// PrintTable writes the cron table, `khung jobs list`: each job's name,
// schedule in zone and what it does in Vietnamese and English. It needs
// neither the configuration nor the database.
func PrintTable(w io.Writer, zone string, l *views.Locales) error {
	vi, en := l.For("vi"), l.For("en")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "NAME\tSCHEDULE (%s)\tWHAT\n", zone)
	for _, e := range Table() {
		fmt.Fprintf(tw, "%s\t%s\t%s / %s\n", e.Name, e.Spec, vi.T(e.About), en.T(e.About))
	}
	return tw.Flush()
}

// ListCLI runs `khung jobs list` before any configuration is loaded: no
// DATABASE_URL needed. The zone is TZ_NAME's, by default Asia/Ho_Chi_Minh as
// in config.Load.
func ListCLI(getenv func(string) string, stdout io.Writer) error {
	zone := strings.TrimSpace(getenv("TZ_NAME"))
	if zone == "" {
		zone = "Asia/Ho_Chi_Minh"
	}
	l, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		return err
	}
	return PrintTable(stdout, zone, l)
}

// RunCLI runs `khung jobs list` and `khung jobs run NAME [--now RFC3339]`: the
// table, or one job once (as of --now, default the current time), with the
// job's report on stdout.
func RunCLI(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return ErrUsage
	}
	switch args[0] {
	case "list":
		if len(args) != 1 {
			return ErrUsage
		}
		return PrintTable(stdout, a.Location().String(), a.Locales)
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
		now := a.Now()
		if *nowText != "" {
			t, err := time.Parse(time.RFC3339, *nowText)
			if err != nil {
				return fmt.Errorf("%s / %s: %w", a.Locales.For("vi").T("jobs.cli.bad_now", "Value", *nowText),
					a.Locales.For("en").T("jobs.cli.bad_now", "Value", *nowText), err)
			}
			now = t
		}
		log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
		j, err := New(a, log)
		if err != nil {
			return err
		}
		return j.RunOnce(ctx, name, now)
	default:
		return ErrUsage
	}
}
