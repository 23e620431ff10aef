package main

import (
	"context"
	"io"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"khung/models"
	"khung/models/dbtest"
)

// The generator at a small scale (one province, one year): every count it
// prints is the database's, the rows hang together, and it writes what the
// report must be measured on — joint visits, visits outside the plan, secret
// ones still ahead, every state of a recommendation.
func TestGeneratorWritesTheRowsItClaimsAndEveryCaseTheReportCounts(t *testing.T) {
	// The generator copies as a replica does (no row-by-row foreign keys): a
	// superuser's right, so the test database is opened as DATABASE_URL's user.
	dbURL := asServerUser(t, dbtest.URL(t))
	today := models.NewDate(2026, time.September, 30) // a quarter of the year still ahead
	claimed, err := Generate(context.Background(), dbURL, Options{From: 2026, To: 2026, VisitsPerYear: 400, Seed: 7,
		Provinces: []string{"08"}, Today: today}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	db, err := gorm.Open(postgres.Open(dbURL), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		t.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		t.Cleanup(func() { sqlDB.Close() })
	}
	count := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	got := Counts{
		Plans:           count(`SELECT count(*) FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.status = 'published'`),
		Proposals:       count(`SELECT count(*) FROM proposals`),
		Visits:          count(`SELECT count(*) FROM visits`),
		VisitProposals:  count(`SELECT count(*) FROM visit_proposals`),
		Findings:        count(`SELECT count(*) FROM findings`),
		Conclusions:     count(`SELECT count(*) FROM conclusions`),
		Recommendations: count(`SELECT count(*) FROM recommendations`),
		Joint:           count(`SELECT count(*) FROM (SELECT visit_id FROM visit_inspections GROUP BY 1 HAVING count(*) > 1) j`),
		OutsidePlan:     count(`SELECT count(*) FROM visits WHERE plan_version_id IS NULL`),
		Unannounced:     count(`SELECT count(*) FROM visits WHERE form = 'unannounced'`),
		Verification:    count(`SELECT count(*) FROM visits WHERE form = 'verification'`),
		Cancelled:       count(`SELECT count(*) FROM visits WHERE status = 'cancelled'`),
		RecsByStatus:    map[string]int64{},
	}
	for _, s := range []string{"open", "reported", "returned", "done", "cancelled"} {
		if got.RecsByStatus[s] = count(`SELECT count(*) FROM recommendations WHERE status = ?`, s); got.RecsByStatus[s] == 0 {
			t.Errorf("no recommendation is %s", s)
		}
	}
	if diff := cmp.Diff(claimed, got); diff != "" {
		t.Errorf("printed counts differ from the database (-claimed +database):\n%s", diff)
	}
	if got.Visits != 400 || got.Joint == 0 || got.OutsidePlan == 0 || got.Unannounced == 0 || got.Verification == 0 || got.Cancelled == 0 {
		t.Errorf("missing cases: %s", got)
	}
	for what, q := range map[string]string{
		"recommendation without its conclusion": `SELECT count(*) FROM recommendations r WHERE NOT EXISTS (SELECT 1 FROM conclusions c WHERE c.id = r.conclusion_id)`,
		"recommendation of an unknown unit":     `SELECT count(*) FROM recommendations r WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.id = r.owner_unit_id)`,
		"conclusion of an unknown visit":        `SELECT count(*) FROM conclusions c WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.id = c.visit_id)`,
		"conclusion signed after today":         `SELECT count(*) FROM conclusions WHERE signed_on > '2026-09-30'`,
		"link to an unknown proposal":           `SELECT count(*) FROM visit_proposals vp WHERE NOT EXISTS (SELECT 1 FROM proposals p WHERE p.id = vp.proposal_id)`,
		"finding of an unknown visit":           `SELECT count(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.id = f.visit_id)`,
		"visit without an inspection":           `SELECT count(*) FROM visits v WHERE NOT EXISTS (SELECT 1 FROM visit_inspections vi WHERE vi.visit_id = v.id)`,
		"conclusion of a visit not yet over":    `SELECT count(*) FROM conclusions c JOIN visits v ON v.id = c.visit_id WHERE c.signed_on < v.end_date`,
		"closed visit with an open recommendation": `SELECT count(*) FROM visits v JOIN conclusions c ON c.visit_id = v.id JOIN recommendations r ON r.conclusion_id = c.id
			WHERE v.status = 'closed' AND r.closed_at IS NULL`,
	} {
		if n := count(q); n != 0 {
			t.Errorf("%d × %s", n, what)
		}
	}
	if n := count(`SELECT count(*) FROM visits WHERE form <> 'planned' AND start_date > '2026-09-30'`); n == 0 {
		t.Error("no secret visit lies ahead of today: the visibility rule is not exercised")
	}
	// Ids written by COPY: the sequences are past them, so the app can add rows.
	dbtest.MustExec(t, db, `INSERT INTO findings (visit_id, description, severity) SELECT min(id), 'x', 'low' FROM visits`)
}

// asServerUser is the URL of the database of raw as DATABASE_URL's user.
func asServerUser(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	server, err := url.Parse(os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	u.User = server.User
	return u.String()
}
