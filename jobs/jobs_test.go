package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"khung/app/notify/mailtest"
	"khung/models/dbtest"
)

// city is the scenario most tests share: recommendations around the end of
// November 2026, a coming published visit, an unannounced one.
type city struct {
	f                           *fixture
	phucXa, trucBach, quanThanh unitUsers
	recDue, recLate, recFar     int64
}

func newCity(t testing.TB, db *gorm.DB) city {
	f := newFixture(t, db)
	c := city{f: f, phucXa: f.unit("UBND phường Phúc Xá"), trucBach: f.unit("UBND phường Trúc Bạch"), quanThanh: f.unit("UBND phường Quán Thánh")}
	concl, _ := f.conclusion(c.phucXa.unit, "2026-09-15")
	c.recDue = f.rec(concl, c.phucXa.unit, "2026-12-04", "2026-09-15")              // reminders 20/11, 27/11, 3/12, 4/12
	c.recLate = f.rec(concl, c.phucXa.unit, "2026-11-26", "2026-09-15")             // overdue from 27/11
	c.recFar = f.rec(concl, c.phucXa.unit, "2027-03-31", "2026-09-15")              // nothing before March
	f.visit(c.trucBach.unit, "planned", "2026-12-07", "2026-12-11", "planned")      // notice from 30/11
	f.visit(c.quanThanh.unit, "unannounced", "2026-12-07", "2026-12-09", "planned") // never announced
	return c
}

func TestRunningAJobTwiceGivesNoDuplicate(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	newCity(t, db)
	j := testJobs(t, db, testConfig(t))
	now := at("2026-11-30") // Monday: reminders, escalation, digest and visit notice are all due
	for _, name := range deciding {
		if err := j.RunOnce(t.Context(), name, now); err != nil {
			t.Fatal(err)
		}
	}
	inApp, mails := keysOf(t, db, "notifications"), keysOf(t, db, "mail_outbox")
	if len(inApp) == 0 || len(mails) == 0 {
		t.Fatalf("the first run decided nothing (%d in-app, %d mails)", len(inApp), len(mails))
	}
	for _, name := range deciding {
		if err := j.RunOnce(t.Context(), name, now.Add(3*time.Hour)); err != nil { // later the same day
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(inApp, keysOf(t, db, "notifications")); diff != "" {
		t.Fatalf("a second run changed the in-app notifications:\n%s", diff)
	}
	if diff := cmp.Diff(mails, keysOf(t, db, "mail_outbox")); diff != "" {
		t.Fatalf("a second run changed the outbox:\n%s", diff)
	}
}

func TestTwoProcessesAtOnceSendEachReminderOnce(t *testing.T) {
	t.Parallel()
	dsn := dbtest.URL(t)
	a, b := openPool(t, dsn), openPool(t, dsn)
	c := newCity(t, a)
	for i := range 30 { // enough work for the two runs to overlap
		concl, _ := c.f.conclusion(c.phucXa.unit, "2026-10-01")
		for k := range 20 {
			c.f.rec(concl, c.phucXa.unit, fmt.Sprintf("2026-11-%02d", 10+(i+k)%20), "2026-10-01")
		}
	}
	procs := []*Jobs{testJobs(t, a, testConfig(t)), testJobs(t, b, testConfig(t))}
	var wg sync.WaitGroup
	for _, day := range []string{"2026-11-20", "2026-11-27", "2026-11-30"} {
		for _, p := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, name := range deciding {
					if err := p.RunOnce(context.Background(), name, at(day)); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
	}
	// The same days run by one process in a fresh database give the reference.
	ref := dbtest.Gorm(t)
	rc := newCity(t, ref)
	for i := range 30 {
		concl, _ := rc.f.conclusion(rc.phucXa.unit, "2026-10-01")
		for k := range 20 {
			rc.f.rec(concl, rc.phucXa.unit, fmt.Sprintf("2026-11-%02d", 10+(i+k)%20), "2026-10-01")
		}
	}
	one := testJobs(t, ref, testConfig(t))
	for _, day := range []string{"2026-11-20", "2026-11-27", "2026-11-30"} {
		for _, name := range deciding {
			if err := one.RunOnce(t.Context(), name, at(day)); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := keysOf(t, ref, "notifications")
	if len(want) < 1000 {
		t.Fatalf("the scenario is too small to overlap: %d notifications", len(want))
	}
	if diff := cmp.Diff(want, keysOf(t, a, "notifications")); diff != "" {
		t.Fatalf("two processes at once differ from one process (-one +two):\n%s", diff)
	}
	if diff := cmp.Diff(keysOf(t, ref, "mail_outbox"), keysOf(t, a, "mail_outbox")); diff != "" {
		t.Fatalf("two processes at once queued different mail (-one +two):\n%s", diff)
	}
}

func TestThreeDaysOfDowntimeGiveExactlyTheMissingNotifications(t *testing.T) {
	t.Parallel()
	always, down := dbtest.Gorm(t), dbtest.Gorm(t)
	ac := newCity(t, always)
	newCity(t, down)
	// The server is down from Friday 27 to Sunday 29 November 2026, back on Monday.
	outage := func(d string) bool { return d >= "2026-11-27" && d <= "2026-11-29" }
	runDays(t, testJobs(t, always, testConfig(t)), deciding, "2026-11-16", "2026-11-30", nil)
	runDays(t, testJobs(t, down, testConfig(t)), deciding, "2026-11-16", "2026-11-30", outage)

	if diff := cmp.Diff(recordedKeys(t, always), recordedKeys(t, down)); diff != "" {
		t.Fatalf("steps recorded after the downtime differ from uninterrupted runs (-always +down):\n%s", diff)
	}
	if diff := cmp.Diff(keysOf(t, always, "mail_outbox"), keysOf(t, down, "mail_outbox")); diff != "" {
		t.Fatalf("mail after the downtime differs from uninterrupted runs (-always +down):\n%s", diff)
	}
	// The weekly reminders of 27 and 30 November fell due with the escalation to
	// the office (due on the 27th): the office got the escalation alone, which
	// says how things stand on the 30th.
	folded := []string{
		fmt.Sprintf("rec:%d:overdue:2026-W48:user:%d", ac.recLate, ac.phucXa.office),
		fmt.Sprintf("rec:%d:overdue:2026-W49:user:%d", ac.recLate, ac.phucXa.office),
	}
	wantDown := slices.DeleteFunc(keysOf(t, always, "notifications"), func(k string) bool { return slices.Contains(folded, k) })
	if diff := cmp.Diff(wantDown, keysOf(t, down, "notifications")); diff != "" {
		t.Fatalf("notifications after the downtime (-want +got):\n%s", diff)
	}
	// What uninterrupted runs sent during the outage…
	var missed []string
	if err := always.Raw(`SELECT dedupe_key FROM notifications WHERE created_at >= ? AND created_at < ? ORDER BY dedupe_key`,
		at("2026-11-27"), at("2026-11-30")).Scan(&missed).Error; err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("rec:%d:before:7@2026-12-04:user:%d", ac.recDue, ac.phucXa.office),
		fmt.Sprintf("rec:%d:escalate:office@2026-11-26:user:%d", ac.recLate, ac.phucXa.office),
		fmt.Sprintf("rec:%d:overdue:2026-W48:user:%d", ac.recLate, ac.phucXa.office),
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, missed); diff != "" {
		t.Fatalf("the scenario changed: notifications of the outage days (-want +got):\n%s", diff)
	}
	// …the interrupted server recorded on the day it came back, once.
	for _, k := range missed {
		var recorded []time.Time
		if err := down.Raw(`SELECT sent_at FROM sent_notification_keys WHERE key = ?`, k).Scan(&recorded).Error; err != nil {
			t.Fatal(err)
		}
		if len(recorded) != 1 || !recorded[0].Equal(at("2026-11-30")) {
			t.Errorf("%s recorded at %v; want once, on Monday 30 November", k, recorded)
		}
	}
}

// recordedKeys lists the steps recorded as decided (sent_notification_keys).
func recordedKeys(t testing.TB, db *gorm.DB) []string {
	t.Helper()
	var out []string
	if err := db.Raw(`SELECT key FROM sent_notification_keys ORDER BY key`).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAnUnannouncedVisitProducesNothingForTheInspectedUnit(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	c := newCity(t, db)
	// Also an unannounced visit filed in the published plan, a verification visit,
	// and a planned visit of a draft plan version, all for Quán Thánh.
	draftPlan := c.f.id(`INSERT INTO plan_versions (plan_id, number, status, reason) SELECT plan_id, 2, 'draft', 'Điều chỉnh' FROM plan_versions WHERE id = ? RETURNING id`, c.f.versions[2026])
	c.f.exec(`INSERT INTO visits (plan_version_id, code, year, unit_id, form, lead_body_id, start_date, end_date, days, team_size)
		VALUES (?, 'v-dx', 2026, ?, 'unannounced', ?, '2026-12-08', '2026-12-10', 3, 3),
		       (NULL, 'v-xm', 2026, ?, 'verification', ?, '2026-12-09', '2026-12-10', 2, 2),
		       (?, 'v-draft', 2026, ?, 'planned', ?, '2026-12-14', '2026-12-18', 5, 3)`,
		c.f.versions[2026], c.quanThanh.unit, c.f.body, c.quanThanh.unit, c.f.body, draftPlan, c.quanThanh.unit, c.f.body)
	runDays(t, testJobs(t, db, testConfig(t)), deciding, "2026-11-16", "2026-12-14", nil)

	for _, table := range []string{"notifications"} {
		if n := countOf(t, db, "SELECT count(*) FROM "+table+" WHERE user_id IN (?, ?)", c.quanThanh.office, c.quanThanh.head); n != 0 {
			t.Fatalf("Quán Thánh got %d in-app items before its unannounced visit", n)
		}
	}
	if n := countOf(t, db, `SELECT count(*) FROM mail_outbox WHERE to_email IN (SELECT email FROM users WHERE unit_id = ?)`, c.quanThanh.unit); n != 0 {
		t.Fatalf("Quán Thánh got %d mails before its unannounced visit", n)
	}
	if n := countOf(t, db, `SELECT count(*) FROM sent_notification_keys WHERE key LIKE 'visit:%' AND key NOT LIKE '%:user:' || ? AND key NOT LIKE '%:user:' || ?`,
		fmt.Sprint(c.trucBach.office), fmt.Sprint(c.trucBach.head)); n != 0 {
		t.Fatalf("%d visit notices recorded for someone other than Trúc Bạch", n)
	}
	// The control: the published planned visit's unit was told, office and head, once each.
	if n := countOf(t, db, `SELECT count(*) FROM mail_outbox WHERE dedupe_key LIKE 'visit:%:notice@2026-12-07:user:%'`); n != 2 {
		t.Fatalf("the published visit's notice went out %d times, want 2 (office and head)", n)
	}
	var subject string
	if err := db.Raw(`SELECT subject FROM notifications WHERE user_id = ? AND kind = 'visit_notice'`, c.trucBach.office).Scan(&subject).Error; err != nil {
		t.Fatal(err)
	}
	if subject != "Thông báo lịch kiểm tra tại UBND phường Trúc Bạch từ ngày 07/12/2026 đến ngày 11/12/2026" {
		t.Fatalf("notice subject %q", subject)
	}
}

func TestEscalationClimbsTheLadderOnceEachLevel(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	c := newCity(t, db)
	// National Day-like holidays inside the window must not count as working days.
	c.f.exec(`INSERT INTO holidays (date, kind, name_vi) VALUES ('2026-12-01', 'holiday', 'Ngày nghỉ thử nghiệm')`)
	runDays(t, testJobs(t, db, testConfig(t)), []string{"reminders"}, "2026-11-20", "2026-12-31", nil)
	type got struct {
		UserID int64
		Key    string
		Day    string
	}
	var rows []got
	if err := db.Raw(`SELECT user_id, dedupe_key AS key, to_char(created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS day
		FROM notifications WHERE kind = 'escalation' AND dedupe_key LIKE ? ORDER BY created_at, user_id`,
		fmt.Sprintf("rec:%d:%%", c.recLate)).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	k := func(level string, user int64) string {
		return fmt.Sprintf("rec:%d:escalate:%s@2026-11-26:user:%d", c.recLate, level, user)
	}
	want := []got{
		{c.phucXa.office, k("office", c.phucXa.office), "2026-11-27"}, // overdue at all
		{c.phucXa.head, k("head", c.phucXa.head), "2026-12-04"},       // 5 working days: 27, 30, 2, 3, 4 (1/12 is a holiday)
		{c.f.leader, k("leadership", c.f.leader), "2026-12-11"},       // 10 working days
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Fatalf("escalations (-want +got):\n%s", diff)
	}
	if n := countOf(t, db, `SELECT count(*) FROM mail_outbox WHERE dedupe_key LIKE ?`, fmt.Sprintf("rec:%d:escalate:%%", c.recLate)); n != 3 {
		t.Fatalf("%d escalation mails, want 3", n)
	}
	// Weekly overdue reminders: in-app only, one per ISO week from W48 to W53.
	if n := countOf(t, db, `SELECT count(*) FROM notifications WHERE dedupe_key LIKE ?`, fmt.Sprintf("rec:%d:overdue:%%", c.recLate)); n != 6 {
		t.Fatalf("%d weekly overdue reminders, want 6 (W48–W53)", n)
	}
	if n := countOf(t, db, `SELECT count(*) FROM mail_outbox WHERE dedupe_key LIKE ?`, fmt.Sprintf("rec:%d:overdue:%%", c.recLate)); n != 0 {
		t.Fatalf("%d weekly overdue mails, want none (the digest carries them)", n)
	}
}

func TestTheWeeklyDigestIsOneMessagePerPersonPerWeek(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	c := newCity(t, db)
	// An inspector on the team of the visit waits for a remediation report.
	insp := c.f.id(`INSERT INTO inspectors (code, full_name, body_id) VALUES ('KTV01', 'Đỗ Minh Tuấn', ?) RETURNING id`, c.f.body)
	inspUser := c.f.id(`INSERT INTO users (email, full_name, role, inspector_id) VALUES ('tuan@sonoivu.hanoi.gov.vn', 'Đỗ Minh Tuấn', 'inspector', ?) RETURNING id`, insp)
	c.f.exec(`INSERT INTO visit_members (visit_id, inspector_id, role) SELECT c.visit_id, ?, 'lead' FROM recommendations r JOIN conclusions c ON c.id = r.conclusion_id WHERE r.id = ?`, insp, c.recDue)
	c.f.exec(`INSERT INTO remediation_reports (recommendation_id, body) VALUES (?, 'Đã ban hành Quy chế làm việc sửa đổi')`, c.recFar)
	c.f.exec(`UPDATE recommendations SET status = 'reported' WHERE id = ?`, c.recFar)

	j := testJobs(t, db, testConfig(t))
	runDays(t, j, []string{"digest"}, "2026-11-30", "2026-12-07", nil) // Monday … next Monday
	var rows []struct {
		UserID    int64
		DedupeKey string
		Subject   string
		Body      string
	}
	if err := db.Raw(`SELECT user_id, dedupe_key, subject, body FROM notifications WHERE kind = 'digest' ORDER BY dedupe_key`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.DedupeKey)
	}
	want := []string{
		fmt.Sprintf("digest:2026-W49:user:%d", c.phucXa.office), fmt.Sprintf("digest:2026-W49:user:%d", c.phucXa.head), fmt.Sprintf("digest:2026-W49:user:%d", inspUser),
		fmt.Sprintf("digest:2026-W50:user:%d", c.phucXa.office), fmt.Sprintf("digest:2026-W50:user:%d", c.phucXa.head), fmt.Sprintf("digest:2026-W50:user:%d", inspUser),
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Fatalf("digests (-want +got):\n%s", diff)
	}
	for _, r := range rows {
		switch {
		case r.UserID == c.phucXa.office && strings.Contains(r.DedupeKey, "W49"):
			if r.Subject != "Bản tin tuần 49/2026: 2 kiến nghị đang chờ thực hiện, 1 quá hạn" {
				t.Errorf("office digest subject %q", r.Subject)
			}
			if !strings.Contains(r.Body, "- [QUÁ HẠN 2 ngày làm việc] ") || !strings.Contains(r.Body, "- [hạn 04/12/2026] ") {
				t.Errorf("office digest body:\n%s", r.Body)
			}
		case r.UserID == inspUser && strings.Contains(r.DedupeKey, "W49"):
			if r.Subject != "Bản tin tuần 49/2026: 1 báo cáo khắc phục chờ xem xét" || !strings.Contains(r.Body, "Báo cáo kết quả khắc phục chờ đồng chí xem xét:\n- ") {
				t.Errorf("inspector digest %q:\n%s", r.Subject, r.Body)
			}
		}
	}
	if n := countOf(t, db, `SELECT count(*) FROM mail_outbox WHERE dedupe_key LIKE 'digest:%'`); n != len(want) {
		t.Fatalf("%d digest mails, want %d", n, len(want))
	}
}

func TestAConclusionWithoutDirectiveIsRemindedOnce(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	c := newCity(t, db)
	insp := c.f.id(`INSERT INTO inspectors (code, full_name, body_id) VALUES ('KTV02', 'Ngô Thị Lan', ?) RETURNING id`, c.f.body)
	lead := c.f.id(`INSERT INTO users (email, full_name, role, inspector_id) VALUES ('lan@sonoivu.hanoi.gov.vn', 'Ngô Thị Lan', 'inspector', ?) RETURNING id`, insp)
	late, visit := c.f.conclusion(c.trucBach.unit, "2026-11-02")
	c.f.exec(`UPDATE conclusions SET directive_issued_on = NULL WHERE id = ?`, late)
	c.f.exec(`INSERT INTO visit_members (visit_id, inspector_id, role) VALUES (?, ?, 'lead')`, visit, insp)
	issued, _ := c.f.conclusion(c.quanThanh.unit, "2026-11-02") // has its directive
	runDays(t, testJobs(t, db, testConfig(t)), []string{"directives"}, "2026-11-10", "2026-11-30", nil)

	var rows []struct {
		UserID    int64
		DedupeKey string
		Day       string
	}
	if err := db.Raw(`SELECT user_id, dedupe_key, to_char(created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS day
		FROM notifications WHERE kind = 'missing_directive' ORDER BY user_id`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	// The directive is the managing body's head's to issue (issue 13), not the
	// inspected unit's: the department's leadership and the team lead are told.
	if len(rows) != 2 {
		t.Fatalf("got %+v; want the leadership and the team lead, once each", rows)
	}
	for _, r := range rows {
		if r.Day != "2026-11-18" || !strings.HasPrefix(r.DedupeKey, fmt.Sprintf("conclusion:%d:directive@2026-11-17:user:", late)) {
			t.Errorf("%+v: want on 18/11 for conclusion %d", r, late)
		}
		if r.UserID != lead && r.UserID != c.f.leader {
			t.Errorf("reminder to user %d", r.UserID)
		}
	}
	if n := countOf(t, db, `SELECT count(*) FROM notifications WHERE dedupe_key LIKE ?`, fmt.Sprintf("conclusion:%d:%%", issued)); n != 0 {
		t.Fatalf("a conclusion with its directive got %d reminders", n)
	}
}

func TestThePolicyIsData(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	c := newCity(t, db)
	c.f.exec(`INSERT INTO rules (key, value, valid_from) VALUES
		('notify.reminder_offsets_days', '[3]', '2025-01-01'),
		('notify.escalation', '[{"position": "head", "overdue_working_days": 0}]', '2025-01-01')`)
	j := testJobs(t, db, testConfig(t))
	if err := j.RunOnce(t.Context(), "reminders", at("2026-12-01")); err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("rec:%d:before:3@2026-12-04:user:%d", c.recDue, c.phucXa.office),
		fmt.Sprintf("rec:%d:due@2026-11-26:user:%d", c.recLate, c.phucXa.office), // 5 days ago: inside the catch-up window
		fmt.Sprintf("rec:%d:escalate:head@2026-11-26:user:%d", c.recLate, c.phucXa.head),
		fmt.Sprintf("rec:%d:overdue:2026-W48:user:%d", c.recLate, c.phucXa.office),
		fmt.Sprintf("rec:%d:overdue:2026-W49:user:%d", c.recLate, c.phucXa.office),
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, recordedKeys(t, db)); diff != "" {
		t.Fatalf("with offsets [3] and the head told at once (-want +got):\n%s", diff)
	}
	// The late recommendation's three reminder steps reach its office as one.
	want = slices.DeleteFunc(want, func(k string) bool {
		return strings.Contains(k, ":due@") || strings.Contains(k, ":overdue:2026-W48")
	})
	if diff := cmp.Diff(want, keysOf(t, db, "notifications")); diff != "" {
		t.Fatalf("notifications (-want +got):\n%s", diff)
	}

	c.f.exec(`UPDATE rules SET value = '"someday"' WHERE key = 'notify.reminder_offsets_days'`)
	err := j.RunOnce(t.Context(), "reminders", at("2026-12-02"))
	if err == nil || !strings.Contains(err.Error(), "rule notify.reminder_offsets_days") {
		t.Fatalf("a broken rule must stop the job with an error naming it, got %v", err)
	}
}

func TestRemindersReachTheSMTPServerThroughTheOutbox(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	c := newCity(t, db)
	srv := mailtest.Start(t)
	cfg := testConfig(t)
	cfg.SMTPURL, _ = url.Parse(fmt.Sprintf("smtp://%s?tls=none", srv.Addr()))
	j := testJobs(t, db, cfg)
	for _, name := range []string{"reminders", "outbox", "outbox"} {
		if err := j.RunOnce(t.Context(), name, at("2026-11-20")); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 { // 14 days before one deadline, 7 days before the other (sent a day late)
		t.Fatalf("%d mails, want 2", len(msgs))
	}
	var office string
	if err := db.Raw(`SELECT email FROM users WHERE id = ?`, c.phucXa.office).Scan(&office).Error; err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, m.Subject)
		if len(m.To) != 1 || m.To[0] != office {
			t.Errorf("mail to %v, want Phúc Xá's office %s", m.To, office)
		}
		if !strings.Contains(m.Body, "Xem chi tiết: https://khung.example.vn/recommendations/") {
			t.Errorf("mail body lacks the link:\n%s", m.Body)
		}
	}
	slices.Sort(subjects)
	want := []string{"Nhắc hạn thực hiện kiến nghị: hạn 04/12/2026 (còn 14 ngày)", "Nhắc hạn thực hiện kiến nghị: hạn 26/11/2026 (còn 6 ngày)"}
	if diff := cmp.Diff(want, subjects); diff != "" {
		t.Fatalf("subjects (-want +got):\n%s", diff)
	}
	if n := countOf(t, db, `SELECT count(*) FROM mail_outbox WHERE status = 'sent'`); n != 2 {
		t.Fatalf("%d outbox rows sent, want 2", n)
	}
}

func TestCLI(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	c := newCity(t, db)
	cfg := testConfig(t)
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := RunCLI(t.Context(), testApp(t, db, cfg), args, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	out, err := run("list")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"reminders", "digest", "visit-notices", "directives", "outbox", "Asia/Ho_Chi_Minh"} {
		if !strings.Contains(out, name) {
			t.Errorf("list lacks %q:\n%s", name, out)
		}
	}
	out, err = run("run", "reminders", "--now", "2026-11-20T07:00:00+07:00")
	if err != nil || !strings.Contains(out, "job=reminders") || !strings.Contains(out, "new=2") {
		t.Fatalf("run reminders: %v\n%s", err, out)
	}
	if n := countOf(t, db, `SELECT count(*) FROM notifications WHERE user_id = ?`, c.phucXa.office); n != 2 {
		t.Fatalf("%d notifications for Phúc Xá's office, want 2 (14 days before one deadline, 7 before the other)", n)
	}
	out, err = run("run", "reminders", "--now", "2026-11-20T09:00:00+07:00")
	if err != nil || !strings.Contains(out, "new=0") {
		t.Fatalf("run again: %v\n%s", err, out)
	}
	for _, bad := range [][]string{{}, {"run"}, {"list", "x"}, {"frobnicate"}, {"run", "reminders", "extra"}} {
		if _, err := run(bad...); !errors.Is(err, ErrUsage) {
			t.Errorf("%q: err = %v, want ErrUsage", bad, err)
		}
	}
	if _, err := run("run", "nope"); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("unknown job: err = %v", err)
	}
	if _, err := run("run", "reminders", "--now", "27/11/2026"); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("bad --now: err = %v", err)
	}
}

func TestStartRunsTheTableAndStopWaits(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	cfg := testConfig(t)
	cfg.SMTPURL, _ = url.Parse("smtp://mail.example.vn:99999") // a bad port disables mail, not the jobs
	stop := Start(t.Context(), testApp(t, db, cfg), log)
	stop()
	for _, want := range []string{"mail sending disabled", "port", "jobs started", fmt.Sprintf("jobs=%d", len(Table())), "zone=Asia/Ho_Chi_Minh"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

func TestTheNightlyJobDeletesEndedSessionsAndOldLoginAttempts(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	j := testJobs(t, db, testConfig(t))
	now := at("2026-11-30")
	user := newFixture(t, db).leader
	for _, s := range []struct {
		id      string
		expires time.Time
	}{{strings.Repeat("e", 64), now.Add(-time.Minute)}, {strings.Repeat("f", 64), now.Add(time.Hour)}} {
		dbtest.MustExec(t, db, `INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES (?, ?, 'x', ?, ?, ?, '10.0.0.1', 'test')`, s.id, user, now.Add(-2*time.Hour), now.Add(-2*time.Hour), s.expires)
	}
	for _, a := range []struct {
		ip        string
		age       time.Duration
		succeeded bool
	}{
		{"10.0.0.1", 2 * 24 * time.Hour, false},  // an old failure: gone
		{"10.0.0.2", time.Hour, false},           // a recent failure: kept (the throttle counts it)
		{"10.0.0.3", 30 * 24 * time.Hour, true},  // a success within 90 days: kept (a known address)
		{"10.0.0.4", 100 * 24 * time.Hour, true}, // a success older than that: gone
	} {
		dbtest.MustExec(t, db, `INSERT INTO login_attempts (email, ip, at, succeeded) VALUES ('an@sonoivu.test', ?, ?, ?)`,
			a.ip, now.Add(-a.age), a.succeeded)
	}
	if !slices.ContainsFunc(Table(), func(e Entry) bool { return e.Name == "sessions" }) {
		t.Fatal("the sessions job is not in the cron table")
	}
	if err := j.RunOnce(t.Context(), "sessions", now); err != nil {
		t.Fatal(err)
	}
	var sessions, ips []string
	if err := db.Raw("SELECT id FROM sessions ORDER BY id").Scan(&sessions).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw("SELECT ip FROM login_attempts ORDER BY ip").Scan(&ips).Error; err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{strings.Repeat("f", 64)}, sessions); diff != "" {
		t.Errorf("sessions left (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"10.0.0.2", "10.0.0.3"}, ips); diff != "" {
		t.Errorf("login attempts left (-want +got):\n%s", diff)
	}
}
