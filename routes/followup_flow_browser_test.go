package routes

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"khung/app"
	"khung/app/notify/mailtest"
	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/jobs"
	"khung/models"
	"khung/routes/webtest"
)

// TestBrowserFollowUpFromFindingsToRemedy is issue 5's whole story through the
// pages, on the demo city: the team leader records a finding with an evidence
// file and issues a conclusion with two recommendations (one dated, one in
// working days); Phường Phúc Xá's office reports on each with a PDF; the leader
// returns one with a reason and accepts the other; once the returned one's
// deadline has passed the unit sees it overdue (and not the accepted one); and
// the reminder and outbox jobs mail each person what they were told, in
// Vietnamese.
func TestBrowserFollowUpFromFindingsToRemedy(t *testing.T) {
	srv := startServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB) // the planned visit of Phường Phúc Xá, led by inspector@ (i001)
	inspector := webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword}
	office := webtest.User{Email: "phucxa@khung.vn", Password: seed.DemoPassword}

	// 1 March: the finding with its evidence, the conclusion with two recommendations.
	record := writeTempFile(t, "bien-ban-kiem-tra.pdf", []byte(testPDF))
	lead, dated, inDays := concludeOnPages(t, srv, w, record)
	if got := lead.Text("[data-test=finding-file]"); got != "bien-ban-kiem-tra.pdf" {
		t.Errorf("the finding's evidence link says %q", got)
	}

	// 8 March: the unit's office reports on each recommendation with a PDF.
	setDay(t, srv, models.NewDate(2027, 3, 8))
	unit := browser.Page(t, srv)
	unit.LoginAs(office)
	unit.Open("/recommendations")
	if got := unit.Text("[data-test=rec-count]"); got != "Số kiến nghị: 2" {
		t.Errorf("count %q", got)
	}
	if unit.Has("[data-test=overdue]") {
		t.Error("a recommendation is overdue a week after the conclusion")
	}
	submitReportOnPage(t, unit, inDays, "Số: 01/TB-SNV", "Đã tổ chức kiểm điểm tập thể và cá nhân.",
		writeTempFile(t, "bien-ban-kiem-diem.pdf", []byte(testPDF)))
	submitReportOnPage(t, unit, dated, "Số: 01/TB-SNV", "Đã niêm yết đủ 112 thủ tục tại bộ phận một cửa.",
		writeTempFile(t, "anh-niem-yet.pdf", []byte(testPDF)))

	// The leader returns the working-days one from the queue and accepts the dated one.
	lead.LoginAs(inspector) // the session expired meanwhile
	lead.Open("/remediation-reports")
	if n := len(lead.Rod().MustElements("tr[data-report]")); n != 2 {
		t.Fatalf("queue of %d, want 2", n)
	}
	lead.ClickAndWait(`tr[data-report] a[href="/recommendations/` + itoa(inDays) + `"]`)
	lead.Fill("#reason", "Chưa gửi biên bản họp kiểm điểm có chữ ký.")
	lead.ClickAndWait("[data-test=return]")
	if got := lead.Text("[data-test=status]"); got != "Bị trả lại" {
		t.Errorf("status after returning: %q", got)
	}
	lead.Open("/remediation-reports")
	lead.ClickAndWait(`tr[data-report] a[href="/recommendations/` + itoa(dated) + `"]`)
	if !strings.Contains(lead.Text("[data-test=history]"), "anh-niem-yet.pdf") {
		t.Error("the evidence file is not listed")
	}
	lead.ClickAndWait("[data-test=accept]")
	if got := lead.Text("[data-test=status]"); !strings.HasPrefix(got, "Đã hoàn thành") {
		t.Errorf("status after accepting: %q", got)
	}

	// 17 March, past the returned one's deadline (15 March): the unit sees it overdue.
	setDay(t, srv, models.NewDate(2027, 3, 17))
	unit.LoginAs(office) // the session expired meanwhile
	unit.Open("/recommendations")
	if got := unit.Text(`tr[data-rec="` + itoa(inDays) + `"] [data-test=overdue]`); got != "Quá hạn" {
		t.Errorf("the returned recommendation's badge says %q", got)
	}
	if unit.Has(`tr[data-rec="` + itoa(dated) + `"] [data-test=overdue]`) {
		t.Error("the accepted recommendation is shown overdue")
	}

	// The jobs mail what was queued and the overdue reminder.
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	mustDB(t, err)
	mails := runMailJobs(t, srv, time.Date(2027, 3, 17, 7, 0, 0, 0, hcm), "reminders", "outbox")
	type mail struct{ to, subject string }
	want := []struct {
		mail
		body []string
	}{
		{mail{"phucxa@khung.vn", "Kết luận kiểm tra số 01/TB-SNV: 2 kiến nghị giao Phường Phúc Xá thực hiện"},
			[]string{"Niêm yết đầy đủ thủ tục hành chính (hạn 31/03/2027)", "Kiểm điểm trách nhiệm cá nhân liên quan (hạn 15/03/2027)"}},
		{mail{"inspector@khung.vn", "Phường Phúc Xá gửi báo cáo kết quả khắc phục, chờ đoàn kiểm tra xem xét"},
			[]string{"01/TB-SNV", "/recommendations/" + itoa(inDays)}},
		{mail{"inspector@khung.vn", "Phường Phúc Xá gửi báo cáo kết quả khắc phục, chờ đoàn kiểm tra xem xét"},
			[]string{"01/TB-SNV", "/recommendations/" + itoa(dated)}},
		{mail{"phucxa@khung.vn", "Báo cáo kết quả khắc phục bị trả lại: đề nghị bổ sung và báo cáo lại"},
			[]string{"Kiểm điểm trách nhiệm cá nhân liên quan", "Lý do: Chưa gửi biên bản họp kiểm điểm có chữ ký."}},
		{mail{"phucxa@khung.vn", "Báo cáo kết quả khắc phục đã được chấp nhận: kiến nghị hoàn thành"},
			[]string{"Niêm yết đầy đủ thủ tục hành chính", "đã hoàn thành"}},
		// The job runs only today, so it catches up the last days: the reminders
		// of the day before the deadline and of the deadline, and the office's
		// escalation (reached on the first overdue day). The office gets one
		// mail saying how things stand today, not three.
		{mail{"phucxa@khung.vn", "Kiến nghị quá hạn 2 ngày làm việc (hạn 15/03/2027)"},
			[]string{"Kiểm điểm trách nhiệm cá nhân liên quan", "Hạn thực hiện: 15/03/2027"}},
	}
	var dump strings.Builder
	for _, m := range mails {
		dump.WriteString(strings.Join(m.To, ",") + " | " + m.Subject + "\n" + m.Body + "\n---\n")
	}
	used := make([]bool, len(mails))
	for _, wm := range want {
		found := false
		for i, m := range mails {
			if used[i] || len(m.To) != 1 || m.To[0] != wm.to || m.Subject != wm.subject || !containsAll(m.Body, wm.body) {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			t.Errorf("no mail to %s %q with %q", wm.to, wm.subject, wm.body)
		}
	}
	for i, m := range mails {
		if !used[i] {
			t.Errorf("unexpected mail to %v: %q", m.To, m.Subject)
		}
	}
	if t.Failed() {
		t.Logf("captured mails:\n%s", dump.String())
	}
}

// runMailJobs runs the named jobs once at now, sending mail to an in-process
// SMTP server, and returns the messages it accepted, in order of recipients
// and subjects.
func runMailJobs(t *testing.T, srv *webtest.Server, now time.Time, names ...string) []mailtest.Message {
	t.Helper()
	smtp := mailtest.Start(t)
	cfg := srv.Config
	cfg.SMTPURL = &url.URL{Scheme: "smtp", Host: smtp.Addr()}
	a, err := app.New(app.Deps{Config: cfg, DB: srv.DB})
	mustDB(t, err)
	j, err := jobs.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	mustDB(t, err)
	for _, name := range names {
		if err := j.RunOnce(t.Context(), name, now); err != nil {
			t.Fatalf("job %s: %v", name, err)
		}
	}
	msgs := smtp.Messages()
	sort.SliceStable(msgs, func(a, b int) bool {
		return strings.Join(msgs[a].To, ",")+msgs[a].Subject < strings.Join(msgs[b].To, ",")+msgs[b].Subject
	})
	return msgs
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
