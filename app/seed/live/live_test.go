package live_test

import (
	"context"
	"testing"
	"time"

	"khung/app"
	"khung/app/authz"
	"khung/app/paging"
	"khung/app/seed"
	"khung/app/seed/live"
	"khung/app/visits"
	"khung/config"
	"khung/models"
	"khung/models/dbtest"
)

var hcm = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

// The demo's now: Monday 23 November 2026, the autumn the 2027 plan is made.
var now = time.Date(2026, 11, 23, 9, 0, 0, 0, hcm)

func TestTheDemoCityIsAliveAtFirstLogin(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	deps := app.Deps{Config: config.Config{TimeZone: hcm}, DB: db}
	start := time.Now()
	if _, err := seed.Demo(ctx, db, seed.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Today(ctx, db, seed.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	rep, err := live.Load(ctx, deps, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo city with its history in %v:\n%s", time.Since(start), rep)

	count := func(t *testing.T, q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	tables := []string{"units", "unit_successions", "bodies", "inspectors", "users", "proposals", "plans", "plan_versions",
		"visits", "visit_members", "decisions", "findings", "conclusions", "recommendations", "remediation_reports",
		"notifications", "mail_outbox", "audit_log"}
	counts := func(t *testing.T) map[string]int64 {
		out := map[string]int64{}
		for _, tb := range tables {
			out[tb] = count(t, "SELECT count(*) FROM "+tb)
		}
		return out
	}
	first := counts(t)

	t.Run("a second run adds nothing", func(t *testing.T) {
		if _, err := seed.Demo(ctx, db, seed.Options{Now: now}); err != nil {
			t.Fatal(err)
		}
		if _, err := seed.Today(ctx, db, seed.Options{Now: now}); err != nil {
			t.Fatal(err)
		}
		if _, err := live.Load(ctx, deps, now); err != nil {
			t.Fatal(err)
		}
		second := counts(t)
		for _, tb := range tables {
			if first[tb] != second[tb] {
				t.Errorf("%s: %d rows after the first run, %d after the second", tb, first[tb], second[tb])
			}
		}
	})

	t.Run("today's Hanoi: 126 communes and wards in force, the old ones linked", func(t *testing.T) {
		if n := count(t, `SELECT count(*) FROM units WHERE kind = 'commune' AND valid_to IS NULL`); n != 126 {
			t.Errorf("%d communes and wards in force, want 126", n)
		}
		if n := count(t, `SELECT count(*) FROM units u WHERE kind = 'commune' AND valid_to = '2025-06-30'
			AND NOT EXISTS (SELECT 1 FROM unit_successions s WHERE s.predecessor_id = u.id)`); n != 0 {
			t.Errorf("%d old communes without a successor", n)
		}
		if n := count(t, `SELECT count(*) FROM bodies WHERE code = 'dept-inspectorate' AND valid_to = '2025-06-30'`); n != 1 {
			t.Error("the departmental inspectorate does not end on 30/06/2025")
		}
		if n := count(t, `SELECT count(*) FROM bodies WHERE kind = 'commune' AND valid_from = '2025-07-01'`); n != 126 {
			t.Errorf("%d communes' People's Committees from 01/07/2025, want 126", n)
		}
	})

	t.Run("the 2025 plan is on the old wards, the 2026 plan on today's units, both published", func(t *testing.T) {
		for _, c := range []struct {
			year         int
			oldUnits     bool
			wantVisits   int64
			wantFinished int64
		}{{2025, true, 15, 15}, {2026, false, 15, 10}} {
			published := count(t, `SELECT count(*) FROM plan_versions v JOIN plans p ON p.id = v.plan_id
				WHERE p.year = ? AND v.status = 'published'`, c.year)
			visits := count(t, `SELECT count(*) FROM visits v JOIN plan_versions pv ON pv.id = v.plan_version_id
				WHERE v.year = ? AND pv.status = 'published'`, c.year)
			onOld := count(t, `SELECT count(*) FROM visits v JOIN units u ON u.id = v.unit_id
				WHERE v.year = ? AND u.valid_to = '2025-06-30'`, c.year)
			finished := count(t, `SELECT count(*) FROM visits WHERE year = ? AND status IN ('conclusion_issued', 'follow_up', 'closed')`, c.year)
			if published != 1 || visits < c.wantVisits || finished < c.wantFinished || (onOld > 0) != c.oldUnits {
				t.Errorf("%d: %d published versions, %d visits, %d on old units, %d concluded", c.year, published, visits, onOld, finished)
			}
		}
		if n := count(t, `SELECT count(*) FROM visits v JOIN units u ON u.id = v.unit_id WHERE v.year = 2025 AND u.code = '00001'
			AND v.status IN ('conclusion_issued', 'follow_up', 'closed')`); n != 1 {
			t.Errorf("Phường Phúc Xá (today Phường Hồng Hà) has %d concluded visits in 2025, want 1", n)
		}
	})

	t.Run("recommendations done, open, returned, awaiting a decision and overdue all exist", func(t *testing.T) {
		today := models.DateOf(now)
		for _, c := range []struct {
			what  string
			query string
			min   int64
		}{
			{"done", `SELECT count(*) FROM recommendations WHERE status = 'done'`, 10},
			{"open", `SELECT count(*) FROM recommendations WHERE status = 'open'`, 5},
			{"returned", `SELECT count(*) FROM recommendations WHERE status = 'returned'`, 3},
			{"awaiting a decision", `SELECT count(*) FROM recommendations WHERE status = 'reported'`, 3},
			{"overdue", `SELECT count(*) FROM recommendations WHERE status IN ('open', 'returned') AND deadline < '` + today.String() + `'`, 3},
			{"of several bodies in 2026", `SELECT count(DISTINCT v.lead_body_id) FROM recommendations r JOIN conclusions c ON c.id = r.conclusion_id
				JOIN visits v ON v.id = c.visit_id WHERE v.year = 2026`, 3},
			{"joint visits in 2026", `SELECT count(*) FROM (SELECT vp.visit_id FROM visit_proposals vp JOIN proposals p ON p.id = vp.proposal_id
				JOIN visits v ON v.id = vp.visit_id WHERE v.year = 2026 GROUP BY 1 HAVING count(DISTINCT p.body_id) > 1) j`, 3},
			{"mails in the outbox", `SELECT count(*) FROM mail_outbox`, 20},
		} {
			if n := count(t, c.query); n < c.min {
				t.Errorf("%s: %d, want at least %d", c.what, n, c.min)
			}
		}
	})

	t.Run("the draft 2027 plan, built from the imported proposals, awaits approval", func(t *testing.T) {
		if n := count(t, `SELECT count(*) FROM proposals WHERE year = 2027`); n < 500 {
			t.Errorf("%d proposals of 2027", n)
		}
		if n := count(t, `SELECT count(*) FROM plan_versions v JOIN plans p ON p.id = v.plan_id
			WHERE p.year = 2027 AND v.status = 'submitted'`); n != 1 {
			t.Errorf("%d versions of 2027 awaiting approval, want 1", n)
		}
		if n := count(t, `SELECT count(*) FROM visits v JOIN units u ON u.id = v.unit_id WHERE v.year = 2027 AND u.valid_to IS NOT NULL`); n != 0 {
			t.Errorf("%d visits of 2027 to units that ended", n)
		}
	})

	t.Run("Phường Hồng Hà's unannounced visit after today stays hidden from its office", func(t *testing.T) {
		a, err := app.New(app.Deps{Config: config.Config{TimeZone: hcm}, DB: db, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		var hidden models.Visit
		if err := db.Joins("JOIN units u ON u.id = visits.unit_id").
			Where("u.code = ? AND visits.form = 'unannounced' AND visits.year = 2026", seed.ReformedCode("00097")).
			Take(&hidden).Error; err != nil {
			t.Fatalf("no unannounced visit of Phường Hồng Hà: %v", err)
		}
		if hidden.StartDate == nil || !hidden.StartDate.After(models.DateOf(now)) {
			t.Fatalf("the unannounced visit starts %v, not after today", hidden.StartDate)
		}
		actor := func(email string, today models.Date) authz.Actor {
			var u models.User
			if err := db.Where("email = ?", email).Take(&u).Error; err != nil {
				t.Fatal(err)
			}
			ac := authz.Actor{UserID: u.ID, Role: u.Role, Today: today}
			if u.UnitID != nil {
				ac.UnitID = *u.UnitID
				db.Model(&models.Unit{}).Where("id = ?", *u.UnitID).Pluck("path", &ac.UnitPath)
			}
			return ac
		}
		sees := func(email string, today models.Date) (seen bool, total int) {
			res, err := a.Visits.List(context.Background(), actor(email, today), today, visits.Filter{Year: 2026}, paging.Page{Size: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range res.Items {
				seen = seen || v.ID == hidden.ID
			}
			return seen, len(res.Items)
		}
		today := models.DateOf(now)
		for _, c := range []struct {
			who  string
			on   models.Date
			want bool
		}{
			{"hongha@khung.vn", today, false},
			{"planner@khung.vn", today, true},            // positive control: the visit is there
			{"hongha@khung.vn", *hidden.StartDate, true}, // and the office sees it once it starts
		} {
			seen, total := sees(c.who, c.on)
			if seen != c.want {
				t.Errorf("%s on %s sees the unannounced visit: %v, want %v (%d visits listed)", c.who, c.on, seen, c.want, total)
			}
			if total == 0 {
				t.Errorf("%s on %s sees no visit of 2026 at all", c.who, c.on)
			}
		}
	})
}
