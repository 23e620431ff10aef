// Command tenyears fills a database with ten years of national inspection
// statistics, for measuring the periodic report and the dashboard at the
// scale of a country (docs/performance.md, "Reports at scale"): today's 34
// provinces and 3,321 communes with their departments, offices, bodies and
// inspectors (app/planning/gen, loaded by scripts/national), the demo's
// catalogs and users (`khung seed --demo`), and for every year a published
// plan with its proposals and visits — joint visits of several bodies,
// unannounced and verification ones, some outside the plan, cancelled ones —
// their findings, conclusions and recommendations in every state with their
// deadlines. Rows are written with COPY (pgx CopyFrom through the pool).
//
// It (re)creates the database named by -db on the server of DATABASE_URL:
//
//	make tenyears                     # khung_tenyears, 2017–2026, ≈1.5 M visits
//	go run ./scripts/tenyears -provinces 08 -from 2026 -to 2026 -visits 2000 -db khung_tenyears_small
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"khung/app/planning/gen"
	"khung/app/seed"
	"khung/config"
	"khung/models"
	"khung/scripts/national"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tenyears:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("tenyears", flag.ContinueOnError)
	name := fs.String("db", "khung_tenyears", "database to (re)create on the server of DATABASE_URL")
	opt := Options{}
	fs.IntVar(&opt.From, "from", 2017, "first year")
	fs.IntVar(&opt.To, "to", 2026, "last year")
	fs.IntVar(&opt.VisitsPerYear, "visits", 150_000, "visits a year over the provinces kept")
	fs.Uint64Var(&opt.Seed, "seed", 1, "generator seed")
	provinces := fs.String("provinces", "", "comma-separated province codes to keep (default: all 34)")
	today := fs.String("today", "", "the day the data is as of (default: today in Asia/Ho_Chi_Minh)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	opt.Today = models.DateOf(time.Now().In(cfg.TimeZone))
	if *today != "" {
		if opt.Today, err = models.ParseDate(*today); err != nil {
			return fmt.Errorf("-today: %w", err)
		}
	}
	if *provinces != "" {
		opt.Provinces = strings.Split(*provinces, ",")
	}
	ctx := context.Background()
	started := time.Now()
	dbURL, err := recreate(ctx, cfg.DatabaseURL, *name)
	if err != nil {
		return err
	}
	c, err := Generate(ctx, dbURL, opt, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %s in %s\n", *name, c, time.Since(started).Round(time.Second))
	return nil
}

// recreate drops and creates database name on the server of base, and
// returns its URL.
func recreate(ctx context.Context, base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	id := pgx.Identifier{name}.Sanitize()
	for _, q := range []string{"DROP DATABASE IF EXISTS " + id + " WITH (FORCE)", "CREATE DATABASE " + id} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return "", fmt.Errorf("%s: %w", q, err)
		}
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Generate migrates the empty database at dbURL, loads the demo's catalogs
// and users and the national units, then fills the years of opt; it prints
// each step's time to out and returns the rows written.
func Generate(ctx context.Context, dbURL string, opt Options, out io.Writer) (Counts, error) {
	var c Counts
	db, err := gorm.Open(postgres.Open(dbURL), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent),
		TranslateError: true, NowFunc: func() time.Time { return time.Now().UTC() }})
	if err != nil {
		return c, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return c, err
	}
	defer sqlDB.Close()
	step := time.Now()
	if _, err := models.Migrate(ctx, sqlDB); err != nil {
		return c, err
	}
	if _, err := seed.Demo(ctx, db.Session(&gorm.Session{Logger: logger.Discard}), seed.Options{Now: opt.Today.Time().Add(9 * time.Hour)}); err != nil {
		return c, err
	}
	inst, err := gen.Generate(gen.Options{Year: gen.DefaultYear, Proposals: 34 * 3000, Seed: opt.Seed})
	if err != nil {
		return c, err
	}
	if len(opt.Provinces) > 0 {
		inst = national.Keep(inst, opt.Provinces)
	}
	templates := inst.Proposals
	inst.Proposals = nil // the years' proposals are generated below, from these templates
	if err := national.Load(ctx, db, inst); err != nil {
		return c, err
	}
	fmt.Fprintf(out, "migrated, demo catalogs and %d units, %d bodies, %d inspectors loaded in %s\n",
		len(inst.Units), len(inst.Bodies), len(inst.Inspectors), time.Since(step).Round(time.Millisecond))

	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return c, err
	}
	// The rows are made consistent by construction: foreign keys and the
	// change triggers are not checked row by row (a replica's role), and the
	// tables the triggers keep are rebuilt set-based at the end.
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, "SET session_replication_role = replica")
		return err
	}
	cfg.MaxConns = 3
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return c, err
	}
	defer pool.Close()
	f, err := newFiller(ctx, db, inst, templates, opt)
	if err != nil {
		return c, err
	}
	step = time.Now()
	if c, err = f.fill(ctx, pool, out); err != nil {
		return c, err
	}
	fmt.Fprintf(out, "copied in %s\n", time.Since(step).Round(time.Millisecond))
	step = time.Now()
	if err := finish(ctx, db); err != nil {
		return c, err
	}
	fmt.Fprintf(out, "derived tables rebuilt, analysed in %s\n", time.Since(step).Round(time.Millisecond))
	return c, nil
}

// finish rebuilds what the skipped triggers keep, moves the identity
// sequences past the ids written, and analyses the database.
func finish(ctx context.Context, db *gorm.DB) error {
	for _, q := range []string{
		`SELECT visit_inspections_rebuild(NULL)`,
		// The copy skipped the calendar's triggers: tell running replicas
		// (app/changes, migration 00027) that what they keep is stale.
		`SELECT pg_notify('khung_calendar', '')`,
	} {
		if err := db.WithContext(ctx).Exec(q).Error; err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	for _, t := range copiedTables {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), (SELECT max(id) FROM %[1]s))`, t)
		if t == "visit_proposals" {
			continue
		}
		if err := db.WithContext(ctx).Exec(q).Error; err != nil {
			return fmt.Errorf("sequence of %s: %w", t, err)
		}
	}
	return db.WithContext(ctx).Exec("ANALYZE").Error
}
