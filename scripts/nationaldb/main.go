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
	"slices"
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
		inst = keep(inst, strings.Split(*provinces, ","))
	}
	fmt.Fprintf(out, "generated %d provinces, %d units, %d bodies, %d inspectors, %d proposals in %s\n",
		len(provinceCodes(inst)), len(inst.Units), len(inst.Bodies), len(inst.Inspectors), len(inst.Proposals),
		time.Since(started).Round(time.Millisecond))

	started = time.Now()
	if err := load(ctx, db, inst); err != nil {
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

// provinceOf returns the province code of a generated id ("02.035.01252",
// "02-SNV", "02-city-team" → "02"; "i02-0001" → "02").
func provinceOf(id string) string {
	id = strings.TrimPrefix(id, "i")
	if len(id) < 2 {
		return id
	}
	return id[:2]
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

// keep narrows inst to the provinces with the given codes.
func keep(inst *planning.Instance, codes []string) *planning.Instance {
	in := func(id string) bool { return slices.Contains(codes, provinceOf(id)) }
	out := *inst
	out.Units, out.Bodies, out.Inspectors, out.Proposals = nil, nil, nil, nil
	for _, u := range inst.Units {
		if in(u.ID) {
			out.Units = append(out.Units, u)
		}
	}
	for _, b := range inst.Bodies {
		if in(b.ID) {
			out.Bodies = append(out.Bodies, b)
		}
	}
	for _, i := range inst.Inspectors {
		if in(i.Body) {
			out.Inspectors = append(out.Inspectors, i)
		}
	}
	for _, p := range inst.Proposals {
		if in(p.Unit) {
			out.Proposals = append(out.Proposals, p)
		}
	}
	return &out
}

// unitCode maps a generated unit id to the database's code, as the app codes
// the units of 1 July 2025 (seed.ReformedCode): a commune, ward or special zone
// "01.00004" → "00004-2025", a unit under it "01.00004-VP" → "00004-2025-VP";
// the province ("01") and its departments ("01-SNV") keep their ids, as the demo
// city names them.
func unitCode(id string) string {
	base, suffix, extra := strings.Cut(id, "-")
	code := base
	if i := strings.LastIndex(base, "."); i >= 0 {
		code = seed.ReformedCode(base[i+1:])
	}
	if extra {
		code += "-" + suffix
	}
	return code
}

// proposalKind is the catalog's kind of inspection for a generated
// proposal's: the generator calls the inspectorate's work "inspection", which
// the catalog (seed) files under specialised inspection (thanh tra chuyên ngành).
func proposalKind(k string) string {
	if k == "inspection" {
		return "specialised"
	}
	return k
}

// unitKind tells the kind of a generated unit from its id.
func unitKind(u planning.Unit) models.UnitKind {
	base, suffix, extra := strings.Cut(u.ID, "-")
	switch {
	case u.Parent == "":
		return models.UnitCity
	case !extra:
		return models.UnitCommune
	case !strings.Contains(base, "."):
		return models.UnitDepartment
	case suffix == "VP":
		return models.UnitOther
	}
	return models.UnitPublicServiceUnit
}

// bodyKind tells the kind of a generated body from its id.
func bodyKind(id string) models.BodyKind {
	switch {
	case strings.HasSuffix(id, "-city-team"):
		return models.BodyCityTeam
	case strings.HasSuffix(id, "-inspectorate"):
		return models.BodyInspectorate
	case strings.HasSuffix(id, "-ubnd"):
		return models.BodyCommune
	case strings.HasSuffix(id, "-kt"):
		return models.BodyDepartment
	}
	return models.BodyDivision
}

// bodyUnit is the unit code a generated body works in: a commune People's
// Committee's office, a department for its specialised checks ("01-sxd-kt" →
// "01-SXD"), or else the province's Department of Home Affairs.
func bodyUnit(id string) string {
	switch {
	case strings.HasSuffix(id, "-ubnd"):
		return unitCode(strings.TrimSuffix(id, "-ubnd") + "-VP")
	case strings.HasSuffix(id, "-kt"):
		return strings.ToUpper(strings.TrimSuffix(id, "-kt"))
	}
	return provinceOf(id) + "-SNV"
}

// load writes the instance's provinces, bodies, inspectors and proposals.
func load(ctx context.Context, db *gorm.DB, inst *planning.Instance) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := addUnits(tx, inst); err != nil {
			return err
		}
		units, err := idsBy(tx, "units", "code")
		if err != nil {
			return err
		}
		if err := addSkills(tx, inst); err != nil {
			return err
		}
		bodies := make([]models.Body, 0, len(inst.Bodies))
		for _, b := range inst.Bodies {
			unit, ok := units[bodyUnit(b.ID)]
			if !ok {
				return fmt.Errorf("body %s: no unit %s", b.ID, bodyUnit(b.ID))
			}
			bodies = append(bodies, models.Body{Code: b.ID, Name: b.Name, Kind: bodyKind(b.ID), Precedence: b.Precedence,
				UnitID: &unit, Active: true})
		}
		if err := insert(tx, bodies); err != nil {
			return fmt.Errorf("bodies: %w", err)
		}
		bodyIDs, err := idsBy(tx, "bodies", "code")
		if err != nil {
			return err
		}
		inspectors := make([]models.Inspector, 0, len(inst.Inspectors))
		for _, in := range inst.Inspectors {
			row := models.Inspector{Code: in.ID, FullName: "Cán bộ " + in.ID, Title: "Thanh tra viên",
				BodyID: bodyIDs[in.Body], CanLead: in.CanLead, MaxDaysPerYear: in.MaxDays, Active: true}
			if home, ok := units[unitCode(in.HomeUnit)]; ok {
				row.HomeUnitID = &home
			}
			inspectors = append(inspectors, row)
		}
		if err := insert(tx, inspectors); err != nil {
			return fmt.Errorf("inspectors: %w", err)
		}
		inspectorIDs, err := idsBy(tx, "inspectors", "code")
		if err != nil {
			return err
		}
		var skills []models.InspectorSkill
		var leaves []models.InspectorLeave
		for _, in := range inst.Inspectors {
			for _, s := range in.Skills {
				skills = append(skills, models.InspectorSkill{InspectorID: inspectorIDs[in.ID], SkillCode: s})
			}
			for _, u := range in.Unavailable {
				from, err1 := models.ParseDate(u.From)
				to, err2 := models.ParseDate(u.To)
				if err1 != nil || err2 != nil {
					return fmt.Errorf("leave of %s: %q–%q", in.ID, u.From, u.To)
				}
				leaves = append(leaves, models.InspectorLeave{InspectorID: inspectorIDs[in.ID], FromDate: from, ToDate: to})
			}
		}
		if err := insert(tx, skills); err != nil {
			return fmt.Errorf("inspector skills: %w", err)
		}
		if err := insert(tx, leaves); err != nil {
			return fmt.Errorf("inspector leaves: %w", err)
		}
		props := make([]models.Proposal, 0, len(inst.Proposals))
		for _, p := range inst.Proposals {
			ref := "gen-" + p.ID
			row := models.Proposal{Year: inst.Year, BodyID: bodyIDs[p.Body], UnitID: units[unitCode(p.Unit)], Kind: proposalKind(p.Kind),
				Form: models.Form(p.Form), Topics: nonNil(p.Topics), Skills: nonNil(p.Skills), Days: p.Days,
				TeamSize: p.TeamSize, Priority: p.Priority, Status: models.ProposalAccepted, ExternalRef: &ref}
			if row.UnitID == 0 || row.BodyID == 0 {
				return fmt.Errorf("proposal %s: unit %s or body %s missing", p.ID, p.Unit, p.Body)
			}
			if p.Window != nil {
				from, err1 := models.ParseDate(p.Window.From)
				to, err2 := models.ParseDate(p.Window.To)
				if err1 != nil || err2 != nil {
					return fmt.Errorf("window of %s", p.ID)
				}
				row.WindowFrom, row.WindowTo = &from, &to
			}
			props = append(props, row)
		}
		if err := insert(tx, props); err != nil {
			return fmt.Errorf("proposals: %w", err)
		}
		return nil
	})
}

func nonNil(s []string) models.TextArray {
	if s == nil {
		return models.TextArray{}
	}
	return s
}

// insert adds rows in batches, leaving rows whose unique key exists alone.
func insert[T any](tx *gorm.DB, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("CreatedAt", "UpdatedAt").CreateInBatches(rows, 2000).Error
}

// addUnits adds the generated units the database does not have yet (the
// demo city already has Hà Nội and some of its departments), parents first:
// the provinces, their departments, communes and wards of 1 July 2025 (in force
// from that day), and the offices and public-service units under each commune.
func addUnits(tx *gorm.DB, inst *planning.Instance) error {
	paths, err := pathsBy(tx)
	if err != nil {
		return err
	}
	ids, err := idsBy(tx, "units", "code")
	if err != nil {
		return err
	}
	reform := models.NewDate(2025, time.July, 1)
	pending := slices.Clone(inst.Units)
	for len(pending) > 0 {
		var next []planning.Unit
		var rows []models.Unit
		for _, u := range pending {
			code := unitCode(u.ID)
			if _, ok := ids[code]; ok {
				continue
			}
			row := models.Unit{Code: code, Name: u.Name, Kind: unitKind(u), Path: models.UnitPath("", code)}
			if u.Parent != "" {
				parent := unitCode(u.Parent)
				pid, ok := ids[parent]
				if !ok {
					next = append(next, u)
					continue
				}
				row.ParentID, row.Path = &pid, models.UnitPath(paths[parent], code)
			}
			if u.Area != "" {
				row.AreaCode = u.Area
			}
			if row.Kind == models.UnitCommune {
				row.ValidFrom = &reform
			}
			rows = append(rows, row)
		}
		if len(rows) == 0 {
			if len(next) > 0 {
				return fmt.Errorf("units without a parent, e.g. %s (parent %s)", next[0].ID, next[0].Parent)
			}
			return nil
		}
		if err := insert(tx, rows); err != nil {
			return fmt.Errorf("units: %w", err)
		}
		if paths, err = pathsBy(tx); err != nil {
			return err
		}
		if ids, err = idsBy(tx, "units", "code"); err != nil {
			return err
		}
		pending = next
	}
	return nil
}

// addSkills adds to the catalog the generator's skills it does not have yet.
func addSkills(tx *gorm.DB, inst *planning.Instance) error {
	seen := map[string]bool{}
	var rows []models.Skill
	for _, in := range inst.Inspectors {
		for _, s := range in.Skills {
			if !seen[s] {
				seen[s] = true
				rows = append(rows, models.Skill{Code: s, NameVI: s, NameEN: s, ValidFrom: models.NewDate(2000, 1, 1)})
			}
		}
	}
	return insert(tx, rows)
}

func idsBy(tx *gorm.DB, table, key string) (map[string]int64, error) {
	var rows []struct {
		ID  int64
		Key string
	}
	if err := tx.Raw(fmt.Sprintf("SELECT id, %s AS key FROM %s", key, table)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("ids of %s: %w", table, err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Key] = r.ID
	}
	return out, nil
}

func pathsBy(tx *gorm.DB) (map[string]string, error) {
	var rows []struct{ Code, Path string }
	if err := tx.Raw("SELECT code, path FROM units").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("unit paths: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Code] = r.Path
	}
	return out, nil
}
