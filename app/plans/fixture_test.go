package plans_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/peterldowns/pgtestdb"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"khung/app/authz"
	"khung/app/plans"
	"khung/app/seed"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

// The demo plans the year 2027 on 23 November 2026.
const year = 2027

var hcm = mustLocation("Asia/Ho_Chi_Minh")

var today = time.Date(2026, 11, 23, 9, 0, 0, 0, hcm)

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// demo is a database with the demo city and the service on it.
type demo struct {
	t        testing.TB
	db       *gorm.DB
	svc      *plans.Service
	planner  authz.Actor
	planner2 authz.Actor
	approver authz.Actor
	viewer   authz.Actor
}

// demoTemplate is a pgtestdb migrator whose template database holds the
// migrated schema and the demo city, so that each test clones it in a blink
// instead of loading the city again (2–3 s). Its hash covers the migrations
// and the seed's code and data: a change to either makes a new template.
type demoTemplate struct{}

func (demoTemplate) Hash() (string, error) {
	h := sha256.New()
	h.Write([]byte("plans demo template; now " + today.Format(time.RFC3339)))
	names, err := fs.Glob(models.Migrations(), "*.sql")
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(models.Migrations(), n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	// go test runs in the package folder: the seed's sources are next door.
	var files []string
	for _, pattern := range []string{"../seed/*.go", "../adminunits/*.go", "../adminunits/data/*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			return "", err
		}
		files = append(files, m...)
	}
	if len(files) < 3 {
		return "", os.ErrNotExist
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		h.Write([]byte(f))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func (demoTemplate) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	if _, err := models.Migrate(ctx, db); err != nil {
		return err
	}
	gdb, err := openGorm(db)
	if err != nil {
		return err
	}
	_, err = seed.Demo(ctx, gdb, seed.Options{Now: today})
	return err
}

func openGorm(db *sql.DB) (*gorm.DB, error) {
	return gorm.Open(postgres.New(postgres.Config{Conn: db}), &gorm.Config{
		Logger: logger.Default.LogMode(logger.Silent), TranslateError: true})
}

// newDemo returns a fresh database with the demo city (units, bodies, 200
// inspectors, holidays, users) and no proposal.
func newDemo(t testing.TB) *demo {
	t.Helper()
	db, err := openGorm(pgtestdb.New(t, dbtest.Config(t), demoTemplate{}))
	if err != nil {
		t.Fatalf("open gorm: %v", err)
	}
	d := &demo{t: t, db: db, svc: plans.New(db, nil, hcm, locales(t))}
	d.planner = d.actor("planner@khung.vn")
	d.approver = d.actor("approver@khung.vn")
	d.viewer = d.actor("viewer@khung.vn")
	second := models.User{Email: "planner2@khung.vn", FullName: "Đỗ Văn Hai", Role: models.RolePlanner,
		PasswordHash: "x", Active: true, Locale: "vi"}
	if err := db.Omit("CreatedAt", "UpdatedAt").Create(&second).Error; err != nil {
		t.Fatal(err)
	}
	d.planner2 = authz.Actor{UserID: second.ID, Role: models.RolePlanner}
	return d
}

func (d *demo) actor(email string) authz.Actor {
	d.t.Helper()
	var u models.User
	if err := d.db.Where("email = ?", email).Take(&u).Error; err != nil {
		d.t.Fatalf("user %s: %v", email, err)
	}
	a := authz.Actor{UserID: u.ID, Role: u.Role}
	if u.InspectorID != nil {
		a.InspectorID = *u.InspectorID
	}
	return a
}

func (d *demo) id(table, code string) int64 {
	d.t.Helper()
	var id int64
	if err := d.db.Table(table).Where("code = ?", code).Pluck("id", &id).Error; err != nil || id == 0 {
		d.t.Fatalf("%s %s: id %d, %v", table, code, id, err)
	}
	return id
}

// proposal is a proposal of the test, by codes.
type proposal struct {
	body, unit, kind string
	form             models.Form
	window           [2]string // ISO dates, or empty
	days, team       int
	topics           []string
}

// addProposals inserts submitted proposals of year and returns their ids.
func (d *demo) addProposals(ps ...proposal) []int64 {
	d.t.Helper()
	var ids []int64
	for _, p := range ps {
		row := models.Proposal{Year: year, BodyID: d.id("bodies", p.body), UnitID: d.id("units", p.unit), Kind: p.kind,
			Form: p.form, Topics: p.topics, Days: p.days, TeamSize: p.team, Priority: 1, Status: models.ProposalSubmitted}
		if row.Topics == nil {
			row.Topics = models.TextArray{}
		}
		row.Skills = models.TextArray{}
		if p.window[0] != "" {
			from, to := models.MustParseDate(p.window[0]), models.MustParseDate(p.window[1])
			row.WindowFrom, row.WindowTo = &from, &to
		}
		if err := d.db.Omit("CreatedAt", "UpdatedAt").Create(&row).Error; err != nil {
			d.t.Fatalf("proposal %+v: %v", p, err)
		}
		ids = append(ids, row.ID)
	}
	return ids
}

// smallCity is a handful of proposals: a joint visit to Phường Phúc Xá (the
// city team and the inspectorate), two divisions' checks of Phường Trúc Bạch
// and Sở Tư pháp, and an unannounced visit to Quận Ba Đình (never merged).
func smallCity() []proposal {
	return []proposal{
		{body: "city-team", unit: "00001", kind: "public_service", form: models.FormPlanned,
			window: [2]string{"2027-03-01", "2027-04-30"}, days: 3, team: 3, topics: []string{"ky_luat_hanh_chinh"}},
		{body: "dept-inspectorate", unit: "00001", kind: "specialised", form: models.FormPlanned,
			window: [2]string{"2027-03-15", "2027-05-31"}, days: 3, team: 3, topics: []string{"tuyen_dung_su_dung"}},
		{body: "snv-xdcq", unit: "00004", kind: "professional", form: models.FormPlanned,
			window: [2]string{"2027-06-01", "2027-06-30"}, days: 2, team: 2, topics: []string{"chinh_quyen_co_so"}},
		{body: "snv-ccvc", unit: "01-STP", kind: "professional", form: models.FormPlanned,
			days: 2, team: 2, topics: []string{"to_chuc_bo_may"}},
		{body: "city-team", unit: "001", kind: "public_service", form: models.FormUnannounced,
			window: [2]string{"2027-09-01", "2027-10-15"}, days: 2, team: 2, topics: []string{"thoi_gio_lam_viec"}},
	}
}

func (d *demo) count(table string, where string, args ...any) int64 {
	d.t.Helper()
	var n int64
	q := d.db.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		d.t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// locales are the app's message catalogs.
func locales(t testing.TB) *views.Locales {
	t.Helper()
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
