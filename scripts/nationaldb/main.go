// Command nationaldb fills the database at DATABASE_URL with a national-scale
// published framework plan for `make load`: the demo city (`khung seed
// --demo`: catalogs, rules, users), then every province of app/planning/gen
// (its official units, plus the departments and district Home Affairs offices
// the generator adds; its bodies, inspectors with skills and leave, and
// proposals), then one plan for the year built by the planning service from
// all of them, submitted, approved and published through the plans service,
// as a planner and an approver would. Former units, relatives and last years'
// leads of the generated instance are not loaded.
//
// It is idempotent: when the year already has a published version it does
// nothing. Run it through scripts/with-db.sh:
//
//	scripts/with-db.sh test -- go run ./scripts/nationaldb -proposals 100000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"khung/app"
	"khung/app/auth"
	"khung/app/authz"
	"khung/app/planning"
	"khung/app/planning/gen"
	"khung/app/plans"
	"khung/app/seed"
	"khung/config"
	"khung/models"
	"khung/scripts/national"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "nationaldb:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("nationaldb", flag.ContinueOnError)
	year := fs.Int("year", 2027, "year of the plan (the generator knows the holidays of 2024–2027)")
	proposals := fs.Int("proposals", gen.DefaultNationalProposals, "proposals over the whole country, shared by the provinces' sizes")
	seedN := fs.Uint64("seed", 1, "generator seed")
	provinces := fs.String("provinces", "", "comma-separated province codes to keep (default: every province of the generator)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	db, err := gorm.Open(postgres.Open(cfg.DatabaseURL), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent),
		TranslateError: true, NowFunc: func() time.Time { return time.Now().UTC() }})
	if err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	if _, err := models.Migrate(ctx, sqlDB); err != nil {
		return err
	}
	now := time.Now()
	if _, err := seed.Demo(ctx, db, seed.Options{Now: now.In(cfg.TimeZone)}); err != nil {
		return err
	}
	var published int64
	if err := db.Raw(`SELECT count(*) FROM plan_versions v JOIN plans p ON p.id = v.plan_id
		WHERE p.year = ? AND v.status = 'published'`, *year).Scan(&published).Error; err != nil {
		return err
	}
	if published > 0 {
		if err := wardUser(ctx, db, *year, out); err != nil {
			return err
		}
		return summary(db, *year, out, "already there")
	}

	started := time.Now()
	inst, err := gen.Generate(gen.Options{Year: *year, Proposals: *proposals, Seed: *seedN})
	if err != nil {
		return err
	}
	if *provinces != "" {
		inst = national.Keep(inst, strings.Split(*provinces, ","))
	}
	fmt.Fprintf(out, "generated %d provinces, %d units, %d bodies, %d inspectors, %d proposals in %s\n",
		len(provinceCodes(inst)), len(inst.Units), len(inst.Bodies), len(inst.Inspectors), len(inst.Proposals),
		time.Since(started).Round(time.Millisecond))

	started = time.Now()
	if err := national.Load(ctx, db, inst); err != nil {
		return err
	}
	fmt.Fprintf(out, "loaded into the database in %s\n", time.Since(started).Round(time.Millisecond))

	a, err := app.New(app.Deps{Config: cfg, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	planner, err := actor(db, models.RolePlanner)
	if err != nil {
		return err
	}
	approver, err := actor(db, models.RoleApprover)
	if err != nil {
		return err
	}
	started = time.Now()
	v, err := a.Plans.Build(ctx, planner, *year, plans.BuildInput{})
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	fmt.Fprintf(out, "built version %d in %s\n", v.ID, time.Since(started).Round(time.Millisecond))
	steps := []struct {
		who  authz.Actor
		take func(context.Context, authz.Actor, int64, plans.StepInput, time.Time) (plans.Version, error)
	}{{planner, a.Plans.Submit}, {approver, a.Plans.Approve}, {approver, a.Plans.Publish}}
	for _, s := range steps {
		if v, err = s.take(ctx, s.who, v.ID, plans.StepInput{LockVersion: v.LockVersion, DocumentNumber: "1"}, time.Now()); err != nil {
			return err
		}
	}
	if _, err := sqlDB.ExecContext(ctx, "ANALYZE"); err != nil {
		return err
	}
	if err := wardUser(ctx, db, *year, out); err != nil {
		return err
	}
	return summary(db, *year, out, "published")
}

// WardEmail is the unit login that `make load` reads the calendar as: the
// office of the Hanoi commune with the most visits in the published plan
// (the demo's unit logins are units that ended on 30 June 2025 and have
// none). Its password is the demo's.
const WardEmail = "ward@khung.vn"

// wardUser makes WardEmail's login once.
func wardUser(ctx context.Context, db *gorm.DB, year int, out io.Writer) error {
	var ward struct {
		ID     int64
		Name   string
		Visits int
	}
	err := db.WithContext(ctx).Raw(`SELECT c.id, c.name, count(*) AS visits
		  FROM units c
		  JOIN units u ON u.path LIKE c.path || '%'
		  JOIN visits v ON v.unit_id = u.id
		  JOIN plan_versions pv ON pv.id = v.plan_version_id AND pv.status = 'published'
		  JOIN plans p ON p.id = pv.plan_id AND p.year = ?
		 WHERE c.kind = 'commune' AND c.path LIKE '/01/%'
		 GROUP BY c.id, c.name, c.code ORDER BY count(*) DESC, c.code LIMIT 1`, year).Scan(&ward).Error
	if err != nil || ward.ID == 0 {
		return fmt.Errorf("ward login: no Hanoi commune with visits in %d: %w", year, err)
	}
	hash, err := auth.HashPassword(seed.DemoPassword)
	if err != nil {
		return err
	}
	u := models.User{Email: WardEmail, FullName: "Văn phòng " + ward.Name, PasswordHash: hash, Role: models.RoleUnit,
		UnitID: &ward.ID, UnitPosition: models.PositionOffice, Locale: "vi", Active: true}
	if err := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&u).Error; err != nil {
		return fmt.Errorf("ward login: %w", err)
	}
	fmt.Fprintf(out, "unit login %s: %s, %d visits in %d\n", WardEmail, ward.Name, ward.Visits, year)
	return nil
}

// summary prints what the year's published plan holds.
func summary(db *gorm.DB, year int, out io.Writer, what string) error {
	var row struct{ Provinces, Units, Visits, Scheduled, Members int64 }
	err := db.Raw(`SELECT count(DISTINCT split_part(u.path, '/', 2)) AS provinces, count(DISTINCT vi.unit_id) AS units,
		count(*) AS visits, count(vi.start_date) AS scheduled,
		(SELECT count(*) FROM visit_members m JOIN visits x ON x.id = m.visit_id JOIN plan_versions pv ON pv.id = x.plan_version_id
		  JOIN plans p ON p.id = pv.plan_id WHERE p.year = ? AND pv.status = 'published') AS members
		  FROM visits vi JOIN units u ON u.id = vi.unit_id JOIN plan_versions v ON v.id = vi.plan_version_id
		  JOIN plans p ON p.id = v.plan_id WHERE p.year = ? AND v.status = 'published'`, year, year).Scan(&row).Error
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "plan %d %s: %d visits (%d scheduled) of %d units in %d provinces, %d team places\n",
		year, what, row.Visits, row.Scheduled, row.Units, row.Provinces, row.Members)
	return nil
}

// actor returns the first active user of role as an actor.
func actor(db *gorm.DB, role models.Role) (authz.Actor, error) {
	var u models.User
	if err := db.Where("role = ? AND active", role).Order("id").Take(&u).Error; err != nil {
		return authz.Actor{}, fmt.Errorf("a %s user: %w", role, err)
	}
	return authz.Actor{UserID: u.ID, Role: u.Role}, nil
}

func provinceCodes(inst *planning.Instance) []string {
	var out []string
	for _, u := range inst.Units {
		if u.Parent == "" {
			out = append(out, u.ID)
		}
	}
	return out
}
