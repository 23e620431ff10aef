package notices_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"khung/app/followup"
	"khung/app/notices"
	"khung/app/notify"
	"khung/models/dbtest"
	"khung/views"
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

func id(t *testing.T, db *gorm.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// ward is a ward with an office and a head user, and two recommendations due
// on 4 December 2026: one of an ordinary visit held in June, one of an
// unannounced visit that starts on 25 November.
type ward struct {
	office, head       int64
	ordinary, ofSecret int64
}

func newWard(t *testing.T, db *gorm.DB) ward {
	t.Helper()
	city := id(t, db, `INSERT INTO units (code, name, kind, path) VALUES ('01', 'Thành phố Hà Nội', 'city', '/01/') RETURNING id`)
	unit := id(t, db, `INSERT INTO units (code, name, kind, parent_id, path) VALUES ('00001', 'UBND phường Phúc Xá', 'commune', ?, '/01/00001/') RETURNING id`, city)
	body := id(t, db, `INSERT INTO bodies (code, name, kind) VALUES ('KTCV-TP', 'Đoàn kiểm tra công vụ Thành phố', 'city_team') RETURNING id`)
	plan := id(t, db, `INSERT INTO plans (year, title, issuing_body_id) VALUES (2026, 'Kế hoạch khung năm 2026', ?) RETURNING id`, body)
	version := id(t, db, `INSERT INTO plan_versions (plan_id, number, status, approved_at, published_at) VALUES (?, 1, 'published', now(), now()) RETURNING id`, plan)
	w := ward{
		office: id(t, db, `INSERT INTO users (email, full_name, role, unit_id, unit_position) VALUES ('vp@phucxa.vn', 'Văn phòng UBND phường Phúc Xá', 'unit', ?, 'office') RETURNING id`, unit),
		head:   id(t, db, `INSERT INTO users (email, full_name, role, unit_id, unit_position) VALUES ('ct@phucxa.vn', 'Chủ tịch UBND phường Phúc Xá', 'unit', ?, 'head') RETURNING id`, unit),
	}
	rec := func(form string, version any, start, end string, n int) int64 {
		visit := id(t, db, `INSERT INTO visits (plan_version_id, code, year, unit_id, form, lead_body_id, start_date, end_date, days, team_size, status)
			VALUES (?, ?, 2026, ?, ?, ?, ?, ?, 3, 3, 'planned') RETURNING id`, version, fmt.Sprintf("v-%d", n), unit, form, body, start, end)
		concl := id(t, db, `INSERT INTO conclusions (visit_id, number, issuing_body_id, year, signed_on, signer_name, directive_issued_on)
			VALUES (?, ?, ?, 2026, '2026-09-15', 'Nguyễn Văn Hùng', '2026-09-20') RETURNING id`, visit, n, body)
		return id(t, db, `INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity, created_at)
			VALUES (?, ?, 'Rà soát, sửa đổi quy chế làm việc', '2026-12-04', 'medium', ?) RETURNING id`, concl, unit, at("2026-09-15"))
	}
	w.ordinary = rec("planned", version, "2026-06-01", "2026-06-05", 1)
	w.ofSecret = rec("unannounced", nil, "2026-11-25", "2026-11-27", 2)
	return w
}

func service(t *testing.T, db *gorm.DB) *notices.Service {
	t.Helper()
	l, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	return notices.New(db, hanoi, notify.Site{Locales: l, BaseURL: "https://khung.example.vn"})
}

// remindersOn runs the reminders decision of day and returns the
// recommendations the ward's users were told about.
func remindersOn(t *testing.T, db *gorm.DB, s *notices.Service, w ward, day string) []string {
	t.Helper()
	err := db.Transaction(func(tx *gorm.DB) error {
		_, _, err := s.Reminders(t.Context(), tx, at(day))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := db.Raw(`SELECT dedupe_key FROM notifications WHERE user_id IN (?, ?) AND created_at = ? ORDER BY dedupe_key`,
		w.office, w.head, at(day)).Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	return keys
}

// digestOn returns the recommendations the ward's office would find in its digest of day.
func digestOn(t *testing.T, db *gorm.DB, s *notices.Service, w ward, day string) (ids []int64, pending int) {
	t.Helper()
	dir, err := s.Recipients(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	digests, err := s.Digests(t.Context(), db, followup.Day(at(day), hanoi), dir)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := digests[w.office]
	if !ok {
		return nil, 0
	}
	for _, it := range d.Note.Items {
		ids = append(ids, it.ID)
	}
	slices.Sort(ids)
	return ids, d.Note.RecommendationN
}

func TestAUnitHearsOfARecommendationOfASecretVisitOnlyOnceTheVisitHasStarted(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	w := newWard(t, db)
	s := service(t, db)

	// 20 November, 14 days before the deadline: the control is reminded, the
	// recommendation of the unannounced visit (starting on the 25th) is not.
	got := remindersOn(t, db, s, w, "2026-11-20")
	want := []string{fmt.Sprintf("rec:%d:before:14@2026-12-04:user:%d", w.ordinary, w.office)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("reminders on 20/11 (-want +got):\n%s", diff)
	}
	ids, pending := digestOn(t, db, s, w, "2026-11-23")
	if diff := cmp.Diff([]int64{w.ordinary}, ids); diff != "" || pending != 1 {
		t.Fatalf("digest of 23/11 lists %v (%d pending); want only the ordinary recommendation (1 pending)", ids, pending)
	}

	// 25 November, the unannounced visit's first day: its recommendation's
	// missed reminder is caught up, and the digest lists it.
	got = remindersOn(t, db, s, w, "2026-11-25")
	want = []string{fmt.Sprintf("rec:%d:before:14@2026-12-04:user:%d", w.ofSecret, w.office)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("reminders on 25/11 (-want +got):\n%s", diff)
	}
	ids, pending = digestOn(t, db, s, w, "2026-11-25")
	if diff := cmp.Diff([]int64{w.ordinary, w.ofSecret}, ids); diff != "" || pending != 2 {
		t.Fatalf("digest of 25/11 lists %v (%d pending); want both recommendations", ids, pending)
	}
}

// After a downtime the 7-day and the 1-day reminders of a recommendation both
// fell due: its unit gets one mail saying how things stand today ("còn 1
// ngày"), not two identical ones, and both steps are recorded so that no later
// run sends either.
func TestRemindersThatFellDueTogetherAfterADowntimeGoOutAsOneWithTheCurrentState(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	w := newWard(t, db)
	s := service(t, db)
	remindersOn(t, db, s, w, "2026-11-23") // the ordinary recommendation's 14-day reminder, caught up

	// Down from 23 November to 3 December (ten days): the 7-day reminders (27/11)
	// and the 1-day ones (3/12) of both recommendations are due at once.
	got := remindersOn(t, db, s, w, "2026-12-03")
	want := []string{
		fmt.Sprintf("rec:%d:before:1@2026-12-04:user:%d", w.ordinary, w.office),
		fmt.Sprintf("rec:%d:before:1@2026-12-04:user:%d", w.ofSecret, w.office),
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("in-app items on 3/12 (-want +got):\n%s", diff)
	}
	var mails []struct{ DedupeKey, Subject string }
	if err := db.Raw(`SELECT dedupe_key, subject FROM mail_outbox WHERE created_at = ? ORDER BY dedupe_key`, at("2026-12-03")).Scan(&mails).Error; err != nil {
		t.Fatal(err)
	}
	if len(mails) != 2 {
		t.Fatalf("mails on 3/12: %+v; want one per recommendation", mails)
	}
	for i, m := range mails {
		if m.DedupeKey != want[i] || m.Subject != "Nhắc hạn thực hiện kiến nghị: hạn 04/12/2026 (còn 1 ngày)" {
			t.Errorf("mail %d: %+v; want %s saying 1 day is left", i, m, want[i])
		}
	}
	var recorded []string
	if err := db.Raw(`SELECT key FROM sent_notification_keys WHERE key LIKE 'rec:%:before:%' ORDER BY key`).Scan(&recorded).Error; err != nil {
		t.Fatal(err)
	}
	wantRecorded := []string{
		fmt.Sprintf("rec:%d:before:14@2026-12-04:user:%d", w.ordinary, w.office),
		fmt.Sprintf("rec:%d:before:7@2026-12-04:user:%d", w.ordinary, w.office),
		fmt.Sprintf("rec:%d:before:7@2026-12-04:user:%d", w.ofSecret, w.office),
		want[0], want[1],
	}
	slices.Sort(wantRecorded)
	if diff := cmp.Diff(wantRecorded, recorded); diff != "" {
		t.Fatalf("recorded steps (-want +got):\n%s", diff)
	}

	// The next run of the day finds every step already recorded.
	err := db.Transaction(func(tx *gorm.DB) error {
		res, _, err := s.Reminders(t.Context(), tx, at("2026-12-03").Add(3*time.Hour))
		if err == nil && res != (notify.Result{}) {
			t.Errorf("a later run wrote %+v; want nothing", res)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// Down again until Monday 7 December: the deadline (Friday 4), the first
	// weekly overdue reminder (Saturday 5), this week's (7) and the escalation to
	// the office (5) fell due. The office gets the escalation alone.
	got = remindersOn(t, db, s, w, "2026-12-07")
	want = []string{
		fmt.Sprintf("rec:%d:escalate:office@2026-12-04:user:%d", w.ordinary, w.office),
		fmt.Sprintf("rec:%d:escalate:office@2026-12-04:user:%d", w.ofSecret, w.office),
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("in-app items on 7/12 (-want +got):\n%s", diff)
	}
	var dueKeys []string
	if err := db.Raw(`SELECT key FROM sent_notification_keys WHERE key LIKE ? ORDER BY key`,
		fmt.Sprintf("rec:%d:%%", w.ordinary)).Scan(&dueKeys).Error; err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"due@2026-12-04", "overdue:2026-W49", "overdue:2026-W50", "escalate:office@2026-12-04"} {
		if k := fmt.Sprintf("rec:%d:%s:user:%d", w.ordinary, step, w.office); !slices.Contains(dueKeys, k) {
			t.Errorf("step %s not recorded: %v", k, dueKeys)
		}
	}
}
