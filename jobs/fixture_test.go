package jobs

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"khung/app"
	"khung/config"
	"khung/models/dbtest"
)

var hanoi = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is 07:00 in Hanoi on the date s, the hour the deciding jobs first run.
func at(s string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, s, hanoi)
	if err != nil {
		panic(err)
	}
	return d.Add(7 * time.Hour)
}

func testConfig(t testing.TB) config.Config {
	t.Helper()
	base, _ := url.Parse("https://khung.example.vn")
	return config.Config{TimeZone: hanoi, BaseURL: base, MailFrom: "khung@sonoivu.hanoi.gov.vn"}
}

// testApp is the app main builds, on db with cfg.
func testApp(t testing.TB, db *gorm.DB, cfg config.Config) *app.App {
	t.Helper()
	a, err := app.New(app.Deps{Config: cfg, DB: db})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func testJobs(t testing.TB, db *gorm.DB, cfg config.Config) *Jobs {
	t.Helper()
	j, err := New(testApp(t, db, cfg), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func openPool(t testing.TB, dsn string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent), TranslateError: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s, err := db.DB(); err == nil {
			s.Close()
		}
	})
	return db
}

// fixture builds a small city: a body, a published plan of 2026 and 2027, the
// department's leadership, and units with their office and head users.
type fixture struct {
	t        testing.TB
	db       *gorm.DB
	body     int64
	city     int64
	versions map[int]int64 // published plan version of each year
	leader   int64
	seq      int
}

func newFixture(t testing.TB, db *gorm.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, db: db, versions: map[int]int64{}}
	f.city = f.id(`INSERT INTO units (code, name, kind, path) VALUES ('01', 'Thành phố Hà Nội', 'city', '/01/') RETURNING id`)
	f.body = f.id(`INSERT INTO bodies (code, name, kind) VALUES ('KTCV-TP', 'Đoàn kiểm tra công vụ Thành phố', 'city_team') RETURNING id`)
	for _, y := range []int{2026, 2027} {
		plan := f.id(`INSERT INTO plans (year, title, issuing_body_id) VALUES (?, ?, ?) RETURNING id`, y, fmt.Sprintf("Kế hoạch khung năm %d", y), f.body)
		f.versions[y] = f.id(`INSERT INTO plan_versions (plan_id, number, status, approved_at, published_at) VALUES (?, 1, 'published', now(), now()) RETURNING id`, plan)
	}
	f.leader = f.id(`INSERT INTO users (email, full_name, role, unit_position) VALUES ('lanhdao@sonoivu.hanoi.gov.vn', 'Lê Quang Minh', 'approver', 'leadership') RETURNING id`)
	// An approver who is not leadership receives no escalation.
	f.id(`INSERT INTO users (email, full_name, role, unit_position) VALUES ('pheduyet@sonoivu.hanoi.gov.vn', 'Phạm Thu Trang', 'approver', 'office') RETURNING id`)
	return f
}

func (f *fixture) id(query string, args ...any) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.Raw(query, args...).Scan(&id).Error; err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	dbtest.MustExec(f.t, f.db, query, args...)
}

type unitUsers struct {
	unit, office, head int64
}

// unit adds a ward under the city with an office user and a head user.
func (f *fixture) unit(name string) unitUsers {
	f.t.Helper()
	f.seq++
	code := fmt.Sprintf("%05d", f.seq)
	u := unitUsers{unit: f.id(`INSERT INTO units (code, name, kind, parent_id, path) VALUES (?, ?, 'commune', ?, ?) RETURNING id`,
		code, name, f.city, "/01/"+code+"/")}
	u.office = f.id(`INSERT INTO users (email, full_name, role, unit_id, unit_position) VALUES (?, ?, 'unit', ?, 'office') RETURNING id`,
		"vp"+code+"@hanoi.gov.vn", "Văn phòng "+name, u.unit)
	u.head = f.id(`INSERT INTO users (email, full_name, role, unit_id, unit_position) VALUES (?, ?, 'unit', ?, 'head') RETURNING id`,
		"ct"+code+"@hanoi.gov.vn", "Chủ tịch "+name, u.unit)
	return u
}

// visit adds a visit; planned visits belong to the published version of their year.
func (f *fixture) visit(unit int64, form, start, end, status string) int64 {
	f.t.Helper()
	f.seq++
	y := at(start).Year()
	var version any
	if form == "planned" {
		version = f.versions[y]
	}
	return f.id(`INSERT INTO visits (plan_version_id, code, year, unit_id, form, lead_body_id, start_date, end_date, days, team_size, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 5, 3, ?) RETURNING id`,
		version, fmt.Sprintf("v-%d", f.seq), y, unit, form, f.body, start, end, status)
}

// conclusion adds a finished visit of unit and its conclusion signed on signed.
func (f *fixture) conclusion(unit int64, signed string) (conclusion, visit int64) {
	f.t.Helper()
	visit = f.visit(unit, "planned", "2026-06-01", "2026-06-05", "follow_up")
	f.seq++
	conclusion = f.id(`INSERT INTO conclusions (visit_id, number, issuing_body_id, year, signed_on, signer_name, directive_issued_on)
		VALUES (?, ?, ?, ?, ?, 'Nguyễn Văn Hùng', ?) RETURNING id`, visit, f.seq, f.body, at(signed).Year(), signed, signed)
	return conclusion, visit
}

// rec adds an open recommendation of conclusion c for unit, entered at recorded.
func (f *fixture) rec(c, unit int64, deadline, recorded string) int64 {
	f.t.Helper()
	return f.id(`INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity, created_at)
		VALUES (?, ?, 'Rà soát, sửa đổi quy chế làm việc; chấn chỉnh việc tiếp nhận hồ sơ quá hạn', ?, 'medium', ?) RETURNING id`,
		c, unit, deadline, at(recorded))
}

// keys returns the dedupe keys of a table, sorted.
func keysOf(t testing.TB, db *gorm.DB, table string) []string {
	t.Helper()
	var out []string
	if err := db.Raw("SELECT dedupe_key FROM " + table + " ORDER BY dedupe_key").Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func countOf(t testing.TB, db *gorm.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func runDays(t testing.TB, j *Jobs, names []string, from, to string, skip func(string) bool) {
	t.Helper()
	for d := at(from); !d.After(at(to)); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		if skip != nil && skip(day) {
			continue
		}
		for _, n := range names {
			if err := j.RunOnce(t.Context(), n, d); err != nil {
				t.Fatalf("%s on %s: %v", n, day, err)
			}
		}
	}
}

var deciding = []string{"reminders", "digest", "visit-notices", "directives"}

func without(list []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == drop })
}
