package notify

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/followup"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

var testNow = time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)

// locales is the message bundle the app builds once (app.New).
func locales(t testing.TB) *views.Locales {
	t.Helper()
	l, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// site renders with the app's catalogs and links to base.
func site(t testing.TB, base string) Site { return Site{Locales: locales(t), BaseURL: base} }

func newUser(t testing.TB, db *gorm.DB, email, name, locale string) Recipient {
	t.Helper()
	var id int64
	if err := db.Raw(`INSERT INTO users (email, full_name, role, locale) VALUES (?, ?, 'viewer', ?) RETURNING id`,
		email, name, locale).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return Recipient{UserID: id, Email: email, Name: name, Locale: locale}
}

func sampleRec() RecommendationRef {
	return RecommendationRef{
		ID: 42, Action: "Rà soát, sắp xếp lại vị trí việc làm của 12 công chức phòng Nội vụ",
		Deadline: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), Conclusion: "12/KL-SNV", UnitName: "UBND phường Phúc Xá",
	}
}

func reminder(days int) Reminder {
	return Reminder{Rec: sampleRec(), Type: followup.KindBeforeDeadline, DaysLeft: days}
}

func count(t testing.TB, db *gorm.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeliverWritesEachNotificationOnceInAppAndByMail(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	ctx := context.Background()
	vi := newUser(t, db, "vanphong@phucxa.hanoi.gov.vn", "Văn phòng UBND phường Phúc Xá", "vi")
	en := newUser(t, db, "officer@example.vn", "Nguyễn Văn An", "en")
	items := []Item{
		{Key: "rec:42:before:7@2026-12-04", To: vi, Note: reminder(7), Mail: true},
		{Key: "rec:42:before:7@2026-12-04", To: en, Note: reminder(7), Mail: true},
		{Key: "rec:42:overdue:2026-W50", To: vi, Note: Reminder{Rec: sampleRec(), Type: followup.KindOverdue, OverdueWorkingDays: 3}, Mail: false},
	}
	var first Result
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		first, err = Deliver(ctx, tx, testNow, site(t, "https://khung.example.vn"), items)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if first != (Result{New: 3, InApp: 3, Mails: 2}) {
		t.Fatalf("first delivery = %+v, want 3 new, 3 in-app, 2 mails", first)
	}
	again, err := Deliver(ctx, db, testNow.Add(time.Hour), site(t, "https://khung.example.vn"), items)
	if err != nil {
		t.Fatal(err)
	}
	if again != (Result{}) {
		t.Fatalf("second delivery = %+v, want nothing", again)
	}
	if n := count(t, db, `SELECT count(*) FROM notifications`); n != 3 {
		t.Fatalf("%d notifications, want 3", n)
	}
	if n := count(t, db, `SELECT count(*) FROM mail_outbox`); n != 2 {
		t.Fatalf("%d mails, want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM sent_notification_keys`); n != 3 {
		t.Fatalf("%d keys, want 3", n)
	}

	var row models.MailOutbox
	if err := db.Where("dedupe_key = ?", DedupeKey("rec:42:before:7@2026-12-04", vi.UserID)).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	if row.Subject != "Nhắc hạn thực hiện kiến nghị: hạn 04/12/2026 (còn 7 ngày)" {
		t.Errorf("Vietnamese subject = %q", row.Subject)
	}
	for _, want := range []string{"Kính gửi Văn phòng UBND phường Phúc Xá,", "Kết luận kiểm tra số 12/KL-SNV giao UBND phường Phúc Xá",
		"“Rà soát, sắp xếp lại vị trí việc làm", "Hạn thực hiện: 04/12/2026 (còn 7 ngày).",
		"Xem chi tiết: https://khung.example.vn/recommendations/42", "Sở Nội vụ"} {
		if !strings.Contains(row.BodyText, want) {
			t.Errorf("Vietnamese mail lacks %q:\n%s", want, row.BodyText)
		}
	}
	var enRow models.MailOutbox
	if err := db.Where("dedupe_key = ?", DedupeKey("rec:42:before:7@2026-12-04", en.UserID)).Take(&enRow).Error; err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enRow.Subject, "Reminder: recommendation deadline 4 December 2026 (7 days left)") || !strings.Contains(enRow.BodyText, "Dear Nguyễn Văn An,") {
		t.Errorf("English mail: %q\n%s", enRow.Subject, enRow.BodyText)
	}
	var in models.Notification
	if err := db.Where("dedupe_key = ?", DedupeKey("rec:42:overdue:2026-W50", vi.UserID)).Take(&in).Error; err != nil {
		t.Fatal(err)
	}
	if in.Kind != "reminder_overdue" || in.Link != "/recommendations/42" || in.Subject != "Kiến nghị quá hạn 3 ngày làm việc (hạn 04/12/2026)" || in.UserID != vi.UserID {
		t.Errorf("in-app overdue reminder = %+v", in)
	}
}

func TestAFailedTransactionRecordsNothing(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	u := newUser(t, db, "a@b.vn", "A", "vi")
	items := []Item{{Key: "rec:1:due@2026-12-04", To: u, Note: reminder(0), Mail: true}}
	err := db.Transaction(func(tx *gorm.DB) error {
		if _, err := Deliver(context.Background(), tx, testNow, site(t, "http://x"), items); err != nil {
			return err
		}
		return fmt.Errorf("the job failed later")
	})
	if err == nil {
		t.Fatal("want the job's error")
	}
	for _, table := range []string{"sent_notification_keys", "notifications", "mail_outbox"} {
		if n := count(t, db, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%s has %d rows after a rollback", table, n)
		}
	}
	res, err := Deliver(context.Background(), db, testNow, site(t, "http://x"), items)
	if err != nil || res.New != 1 {
		t.Fatalf("after the rollback the notification is still due: %+v, %v", res, err)
	}
}

func TestTwoProcessesDeliveringAtOnceWriteEachItemOnce(t *testing.T) {
	t.Parallel()
	dsn := dbtest.URL(t)
	pools := [2]*gorm.DB{openPool(t, dsn), openPool(t, dsn)}
	var users []Recipient
	for i := range 20 {
		users = append(users, newUser(t, pools[0], fmt.Sprintf("u%d@unit.vn", i), fmt.Sprintf("Người %d", i), "vi"))
	}
	var items []Item
	for _, u := range users {
		for r := range 10 {
			items = append(items, Item{Key: fmt.Sprintf("rec:%d:before:1@2026-12-04", r), To: u, Note: reminder(1), Mail: true})
		}
	}
	var wg sync.WaitGroup
	results := make([]Result, 2)
	errs := make([]error, 2)
	for p := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[p] = pools[p].Transaction(func(tx *gorm.DB) error {
				var err error
				results[p], err = Deliver(context.Background(), tx, testNow, site(t, "http://x"), items)
				return err
			})
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if got := results[0].New + results[1].New; got != len(items) {
		t.Fatalf("the two processes delivered %d + %d items, want %d in all", results[0].New, results[1].New, len(items))
	}
	if n := count(t, pools[0], `SELECT count(*) FROM mail_outbox`); n != len(items) {
		t.Fatalf("%d mails, want %d", n, len(items))
	}
}

func TestNotesRenderInTheRecipientsLanguage(t *testing.T) {
	rec := sampleRec()
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	tests := []struct {
		name   string
		note   Note
		locale string
		want   []string
	}{
		{"a reminder on the day says the deadline", Reminder{Rec: rec, Type: followup.KindDeadlineToday}, "vi",
			[]string{"Đến hạn thực hiện kiến nghị ngày 04/12/2026", "hôm nay là hạn cuối"}},
		{"a late-sent reminder says it is overdue", reminder(-2), "vi", []string{"đã quá hạn 2 ngày"}},
		{"the office is told the recommendation is overdue", Escalation{Rec: rec, Level: followup.AudienceOffice}, "vi",
			[]string{"Kiến nghị quá hạn (hạn 04/12/2026)", "thủ trưởng đơn vị và lãnh đạo Sở"}},
		{"the head is addressed as the unit's head", Escalation{Rec: rec, Level: followup.AudienceHead, OverdueWorkingDays: 5}, "vi",
			[]string{"Báo cáo thủ trưởng UBND phường Phúc Xá: kiến nghị quá hạn 5 ngày làm việc", "Đề nghị đồng chí Thủ trưởng đơn vị chỉ đạo thực hiện."}},
		{"leadership hears of the unit", Escalation{Rec: rec, Level: followup.AudienceLeadership, OverdueWorkingDays: 10}, "vi",
			[]string{"Báo cáo lãnh đạo Sở: UBND phường Phúc Xá chậm thực hiện kiến nghị, quá hạn 10 ngày làm việc", "kiểm tra việc thực hiện kết luận"}},
		{"leadership in English", Escalation{Rec: rec, Level: followup.AudienceLeadership, OverdueWorkingDays: 10}, "en",
			[]string{"For the department's leadership: UBND phường Phúc Xá is overdue by 10 working days"}},
		{"a visit notice names the dates and the lead body",
			VisitNotice{VisitID: 7, UnitName: "UBND phường Phúc Xá", LeadBody: "Đoàn kiểm tra công vụ Thành phố", PlanYear: 2027, Start: d("2027-03-08"), End: d("2027-03-12")}, "vi",
			[]string{"Thông báo lịch kiểm tra tại UBND phường Phúc Xá từ ngày 08/03/2027 đến ngày 12/03/2027",
				"Thực hiện Kế hoạch khung năm 2027 đã được phê duyệt và công bố, Đoàn kiểm tra công vụ Thành phố sẽ tiến hành kiểm tra"}},
		{"a missing directive names the conclusion",
			MissingDirective{ConclusionID: 12, Conclusion: "12/KL-SNV", UnitName: "UBND phường Phúc Xá", SignedOn: d("2026-11-02"), Deadline: d("2026-11-17")}, "vi",
			[]string{"Chưa ban hành văn bản chỉ đạo thực hiện Kết luận số 12/KL-SNV", "chậm nhất ngày 17/11/2026"}},
		{"a digest lists overdue items first and counts the rest",
			Digest{Week: "2026-W48", RecommendationN: 7, Overdue: 1, MoreItems: 5, Items: []DigestItem{
				{RecommendationRef: rec, OverdueWorkingDays: 3}, {RecommendationRef: rec}}}, "vi",
			[]string{"Bản tin tuần 48/2026: 7 kiến nghị đang chờ thực hiện, 1 quá hạn", "- [QUÁ HẠN 3 ngày làm việc] 12/KL-SNV — Rà soát",
				"- [hạn 04/12/2026] 12/KL-SNV", "… và 5 kiến nghị khác."}},
		{"an inspector's digest lists reports to review",
			Digest{Week: "2026-W48", Reports: []DigestReport{{RecommendationRef: rec, SubmittedOn: d("2026-11-20")}}}, "vi",
			[]string{"Bản tin tuần 48/2026: 1 báo cáo khắc phục chờ xem xét", "Báo cáo kết quả khắc phục chờ đồng chí xem xét:", "(UBND phường Phúc Xá, 20/11/2026)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.note.Render(locales(t).For(tt.locale))
			all := c.Subject + "\n" + c.Body
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("missing %q in:\n%s", w, all)
				}
			}
			if c.Link == "" || c.Subject == "" || c.Body == "" {
				t.Errorf("incomplete content %+v", c)
			}
		})
	}
}
