// Command khung is the inspection planning and coordination platform of a city
// Department of Home Affairs. main only wires things together: config → DB →
// migrations → app.New (every service) → routes → jobs, plus the operator subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // the Asia/Ho_Chi_Minh zone even on a base image without tzdata

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"khung/app"
	"khung/app/planning/plancli"
	"khung/app/seed"
	"khung/app/seed/live"
	"khung/config"
	"khung/jobs"
	"khung/models"
	"khung/routes"
)

const usage = `khung — kế hoạch khung: inspection planning and follow-up

Usage:
  khung serve                          run the web app (ADDR, DATABASE_URL, …)
  khung migrate                        apply the database migrations
  khung seed --demo                    load the demo city (idempotent)
  khung units import --province CODE   import a province's units, before and since 1 July 2025, with their successor links
  khung plan gen|solve|check …         the planning engine (no database; see khung plan -h)
  khung plan mip-goldens               recompute the exact optima of the small test instances (HiGHS, slow)
  khung jobs list                      the cron jobs (reminders, escalation, digest, notices, outbox)
  khung jobs run NAME [--now RFC3339]  run one job once, now or at a given instant
  khung health                         exit 0 when the server on ADDR answers /readyz (for containers)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The planning engine needs neither configuration nor database.
	if args[0] == "plan" {
		return plancli.Run(ctx, args[1:], stdin, stdout, stderr)
	}

	// The cron table needs neither configuration nor database.
	if len(args) == 2 && args[0] == "jobs" && args[1] == "list" {
		if err := jobs.ListCLI(os.Getenv, stdout); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	}

	cfg, err := config.Load(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if args[0] == "health" {
		return health(cfg, stderr)
	}

	db, err := openDB(cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}

	switch args[0] {
	case "migrate":
		err = migrate(ctx, db, log)
	case "seed":
		err = seedCmd(ctx, db, cfg, log, args[1:], stdout)
	case "units":
		err = unitsCmd(ctx, db, args[1:], stdout)
	case "jobs":
		var a *app.App
		if a, err = app.New(app.Deps{Config: cfg, DB: db, Log: log}); err == nil {
			err = jobs.RunCLI(ctx, a, args[1:], stdout, stderr)
		}
	case "serve":
		err = serve(ctx, db, cfg, log, stdout)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) || errors.Is(err, jobs.ErrUsage) {
			fmt.Fprintf(stderr, "%v\n", err)
			return 2
		}
		fmt.Fprintf(stderr, "khung %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func openDB(cfg config.Config, log *slog.Logger) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.Open(cfg.DatabaseURL), &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

func migrate(ctx context.Context, db *gorm.DB, log *slog.Logger) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	v, err := models.Migrate(ctx, sqlDB)
	if err != nil {
		return err
	}
	log.Info("database migrated", "version", v)
	return nil
}

// seedCmd loads the demo city: Hanoi before 1 July 2025 (seed.Demo), today's
// Hanoi with its links (seed.Today), and its history built through the
// services (live.Load), each idempotent.
func seedCmd(ctx context.Context, db *gorm.DB, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "load the demo city: today's Hanoi and its units before 1 July 2025, bodies, inspectors, holidays, logins, and its history (plans, visits, conclusions, follow-up)")
	if err := fs.Parse(args); err != nil || !*demo {
		return usageError{"usage: khung seed --demo"}
	}
	now := time.Now().In(cfg.TimeZone)
	rep, err := seed.Demo(ctx, db, seed.Options{Now: now})
	if err != nil {
		return err
	}
	today, err := seed.Today(ctx, db, seed.Options{Now: now})
	if err != nil {
		return err
	}
	story, err := live.Load(ctx, app.Deps{Config: cfg, DB: db, Log: log}, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n\n%s\n\n%s\n", rep, today, story)
	return nil
}

func unitsCmd(ctx context.Context, db *gorm.DB, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError{"usage: khung units import --province CODE"}
	}
	fs := flag.NewFlagSet("units import", flag.ContinueOnError)
	province := fs.String("province", "", "official province code, e.g. 01 for Hà Nội")
	if err := fs.Parse(args[1:]); err != nil || *province == "" {
		return usageError{"usage: khung units import --province CODE"}
	}
	rep, err := seed.ImportProvince(ctx, db, *province)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, rep)
	return nil
}

func serve(ctx context.Context, db *gorm.DB, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	a, err := app.New(app.Deps{Config: cfg, DB: db, Log: log})
	if err != nil {
		return err
	}
	web := routes.New(a)
	stopListening := a.Listen(ctx)
	defer stopListening()
	if cfg.JobsEnabled {
		stopJobs := jobs.Start(ctx, a, log)
		defer stopJobs()
	}
	errc := make(chan error, 1)
	go func() { errc <- web.Listen(cfg.Addr) }()
	fmt.Fprintf(stdout, "Khung is serving on %s\n", cfg.BaseURL)
	select {
	case err := <-errc:
		return fmt.Errorf("listen: %w", err)
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return web.ShutdownWithContext(sctx)
	}
}

// health asks the local server whether it is ready; container health checks
// use it because the runtime image has no shell or curl.
func health(cfg config.Config, stderr io.Writer) int {
	_, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		fmt.Fprintln(stderr, "ADDR:", err)
		return 2
	}
	client := http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/readyz")
	if err != nil {
		fmt.Fprintln(stderr, "not ready:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "not ready:", resp.Status)
		return 1
	}
	return 0
}
