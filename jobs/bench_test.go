package jobs

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/models/dbtest"
)

// BenchmarkReminderSweep1M measures the reminders job over 1,000,000 open
// recommendations of 10,000 wards (one office and one head user each, two
// leaders), deadlines spread over [today − 30 days, today + 334 days]. It is a
// benchmark, not a test: setting up takes about a minute.
//
//	scripts/with-db.sh test -- go test -run '^$' -bench ReminderSweep1M -benchtime 5x -timeout 30m ./jobs/
//
// The first sweep (everything overdue and every reminder of the catch-up window
// is new) runs once outside the timer and is logged. Then:
//   - daily: each iteration is the next day's sweep, which writes that day's
//     new reminders and escalations — the steady state, target < 5 s;
//   - rerun: the same day again, which must decide everything and write nothing.
func BenchmarkReminderSweep1M(b *testing.B) {
	db := dbtest.Gorm(b)
	start := time.Now()
	seedMillion(b, db)
	b.Logf("generated 1,000,000 open recommendations in %v", time.Since(start).Round(time.Second))

	j := testJobs(b, db, testConfig(b))
	day := at("2026-11-23")
	start = time.Now()
	if err := j.RunOnce(b.Context(), "reminders", day); err != nil {
		b.Fatal(err)
	}
	b.Logf("first sweep (cold: every overdue recommendation's reminders and escalations are new): %v, %d notifications, %d mails",
		time.Since(start).Round(time.Millisecond), countOf(b, db, `SELECT count(*) FROM notifications`), countOf(b, db, `SELECT count(*) FROM mail_outbox`))

	b.Run("daily", func(b *testing.B) {
		before := countOf(b, db, `SELECT count(*) FROM notifications`)
		for b.Loop() {
			day = day.AddDate(0, 0, 1)
			if err := j.RunOnce(b.Context(), "reminders", day); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(countOf(b, db, `SELECT count(*) FROM notifications`)-before)/float64(b.N), "new/op")
	})
	b.Run("rerun", func(b *testing.B) {
		before := countOf(b, db, `SELECT count(*) FROM notifications`)
		for b.Loop() {
			if err := j.RunOnce(b.Context(), "reminders", day.Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
		if n := countOf(b, db, `SELECT count(*) FROM notifications`); n != before {
			b.Fatalf("a rerun wrote %d notifications", n-before)
		}
	})
}

// seedMillion generates the benchmark's city: 10,000 wards with an office and
// a head user each, one leader, one conclusion per ward and 1,000,000 open
// recommendations whose deadlines cover [2026-10-24, 2027-10-23].
func seedMillion(tb testing.TB, db *gorm.DB) {
	f := newFixture(tb, db)
	f.exec(`INSERT INTO units (code, name, kind, parent_id, path)
		SELECT lpad(g::text, 6, '0'), 'Phường số ' || g, 'commune', ?, '/01/' || lpad(g::text, 6, '0') || '/'
		  FROM generate_series(1, 10000) AS g`, f.city)
	f.exec(`INSERT INTO users (email, full_name, role, unit_id, unit_position)
		SELECT 'vp' || u.code || '@hanoi.gov.vn', 'Văn phòng ' || u.name, 'unit', u.id, 'office' FROM units u WHERE u.kind = 'commune'
		UNION ALL
		SELECT 'ct' || u.code || '@hanoi.gov.vn', 'Chủ tịch ' || u.name, 'unit', u.id, 'head' FROM units u WHERE u.kind = 'commune'`)
	f.exec(`INSERT INTO users (email, full_name, role, unit_position) VALUES ('pgd@sonoivu.hanoi.gov.vn', 'Phó Giám đốc Sở', 'approver', 'leadership')`)
	f.exec(`INSERT INTO visits (plan_version_id, code, year, unit_id, form, lead_body_id, start_date, end_date, days, team_size, status)
		SELECT ?, 'v-' || u.code, 2026, u.id, 'planned', ?, '2026-06-01', '2026-06-05', 5, 3, 'follow_up' FROM units u WHERE u.kind = 'commune'`,
		f.versions[2026], f.body)
	f.exec(`INSERT INTO conclusions (visit_id, number, issuing_body_id, year, signed_on, signer_name, directive_issued_on)
		SELECT v.id, row_number() OVER (ORDER BY v.id), ?, 2026, '2026-06-20', 'Nguyễn Văn Hùng', '2026-06-25' FROM visits v`, f.body)
	f.exec(`INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity, created_at)
		SELECT c.id, c.unit_id, 'Kiến nghị số ' || g || ': chấn chỉnh việc giải quyết thủ tục hành chính quá hạn',
		       date '2026-11-23' + ((g::bigint * 7919) % 365 - 30)::int, 'medium', timestamptz '2026-06-20 09:00+07'
		  FROM generate_series(0, 999999) AS g
		  JOIN (SELECT c.id, v.unit_id, row_number() OVER (ORDER BY c.id) - 1 AS k
		          FROM conclusions c JOIN visits v ON v.id = c.visit_id) AS c ON c.k = g % 10000`)
	f.exec(`ANALYZE`)
}
