package routes

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"khung/app/notify/mailtest"
	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/jobs"
	"khung/models"
	"khung/routes/webtest"
)

// TestBrowserRemediationFullFlow is the "done means" on the demo city:
// the unit sends evidence on two recommendations, the team leader returns one
// and accepts the other, the returned one shows as overdue once its deadline
// has passed, and the jobs mail what the people were told.
//
// The inspector's part (findings, conclusion with two recommendations) is
// built with models: the inspector pages were not registered yet when this was
// written.
func TestBrowserRemediationFullFlow(t *testing.T) {
	srv := startServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB) // the planned visit of Phường Phúc Xá, led by inspector@ (i001)
	mustDB(t, srv.DB.Model(&w.Planned).Update("status", models.VisitStatus("follow_up")).Error)
	mustDB(t, srv.DB.Create(&models.Finding{VisitID: w.Planned.ID, Kind: models.FindingViolation, Severity: models.SeverityHigh,
		Description: "Tiếp nhận 27 hồ sơ quá hạn không có văn bản xin lỗi"}).Error)
	conc := models.Conclusion{VisitID: w.Planned.ID, Number: 15, Symbol: "KL-SNV", IssuingBodyID: w.CityTeam.ID, Year: 2027,
		SignedOn: models.NewDate(2027, time.April, 1), SignerName: "Nguyễn Văn Hùng", Summary: "Còn chậm giải quyết hồ sơ."}
	mustDB(t, srv.DB.Create(&conc).Error)
	ten := 10
	recOne := models.Recommendation{ConclusionID: conc.ID, OwnerUnitID: w.CommuneA.ID, Action: "Chấn chỉnh việc tiếp nhận hồ sơ quá hạn",
		Deadline: models.NewDate(2027, time.April, 15), DeadlineWorkingDays: &ten, Severity: models.SeverityHigh}
	recTwo := models.Recommendation{ConclusionID: conc.ID, OwnerUnitID: w.CommuneA.ID, Action: "Niêm yết công khai thủ tục hành chính",
		Deadline: models.NewDate(2027, time.April, 30), Severity: models.SeverityMedium}
	mustDB(t, srv.DB.Create(&recOne).Error)
	mustDB(t, srv.DB.Create(&recTwo).Error)
	setDay(t, srv, models.NewDate(2027, 4, 5))

	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "bien-ban-khac-phuc.pdf")
	pngPath := filepath.Join(dir, "anh-niem-yet.png")
	mustDB(t, os.WriteFile(pdfPath, []byte(testPDF), 0o600))
	mustDB(t, os.WriteFile(pngPath, pngHeader, 0o600))

	unit := browser.Page(t, srv)
	unit.LoginAs(webtest.User{Email: "phucxa@khung.vn", Password: seed.DemoPassword})
	report := func(rec models.Recommendation, text, file string) {
		t.Helper()
		unit.Open("/recommendations/" + itoa(rec.ID))
		if got := unit.Text("[data-test=reference]"); !strings.HasPrefix(got, "Số: 15/KL-SNV") {
			t.Errorf("reference %q", got)
		}
		unit.Fill("#body", text)
		if err := unit.Rod().MustElement("#files").SetFiles([]string{file}); err != nil {
			t.Fatal(err)
		}
		unit.ClickAndWait("[data-test=submit-report]")
		if got := unit.Text("[data-test=status]"); got != "Đã báo cáo, chờ xem xét" {
			t.Fatalf("status after reporting: %q; page: %.800s", got, unit.BodyText())
		}
	}
	unit.Open("/recommendations")
	if got := unit.Text("[data-test=rec-count]"); got != "Số kiến nghị: 2" {
		t.Errorf("count %q", got)
	}
	report(recOne, "Đã ban hành quy chế tiếp nhận hồ sơ mới.", pdfPath)
	report(recTwo, "Đã niêm yết đủ 112 thủ tục tại bộ phận một cửa.", pngPath)

	lead := browser.Page(t, srv)
	lead.LoginAs(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword})
	lead.Open("/remediation-reports")
	if n := len(lead.Rod().MustElements("tr[data-report]")); n != 2 {
		t.Fatalf("queue of %d, want 2", n)
	}
	lead.Open("/recommendations/" + itoa(recOne.ID))
	lead.ClickAndWait("[data-test=return]") // no reason: refused
	if got := lead.Text("#reason-error"); !strings.Contains(got, "Vui lòng nêu lý do") {
		t.Errorf("the missing reason says %q", got)
	}
	lead.Fill("#reason", "Chưa có quyết định ban hành quy chế kèm theo.")
	lead.ClickAndWait("[data-test=return]")
	if got := lead.Text("[data-test=status]"); got != "Bị trả lại" {
		t.Errorf("status after returning: %q", got)
	}
	lead.Open("/recommendations/" + itoa(recTwo.ID))
	if !strings.Contains(lead.Text("[data-test=history]"), "anh-niem-yet.png") {
		t.Error("the evidence file is not listed")
	}
	lead.ClickAndWait("[data-test=accept]")
	if got := lead.Text("[data-test=status]"); !strings.HasPrefix(got, "Đã hoàn thành") {
		t.Errorf("status after accepting: %q", got)
	}

	// After the first deadline, the returned recommendation is overdue; the done one is not.
	setDay(t, srv, models.NewDate(2027, 4, 19))
	unit.LoginAs(webtest.User{Email: "phucxa@khung.vn", Password: seed.DemoPassword}) // the session expired meanwhile
	unit.Open("/recommendations")
	if !unit.Has(`tr[data-rec="` + itoa(recOne.ID) + `"] [data-test=overdue]`) {
		t.Errorf("the returned recommendation is not shown overdue: %.1500s", unit.BodyText())
	}
	if unit.Has(`tr[data-rec="` + itoa(recTwo.ID) + `"] [data-test=overdue]`) {
		t.Error("the done recommendation is shown overdue")
	}
	if got := unit.Text(`tr[data-rec="` + itoa(recOne.ID) + `"] [data-test=overdue]`); got != "Quá hạn" {
		t.Errorf("badge %q", got)
	}
	unit.Open("/notifications")
	if got := unit.Text("[data-test=unread-count]"); got != "Chưa đọc: 2" {
		t.Errorf("unread %q", got)
	}
	if !strings.Contains(unit.Text("[data-test=notifications]"), "Chưa có quyết định ban hành quy chế") {
		t.Error("the return's reason is not in the notifications")
	}
	unit.ClickAndWait("[data-test=read-all]")
	if unit.Has("[data-test=read-all]") {
		t.Error("mark all read left unread notifications")
	}

	// The jobs send what was queued plus the overdue reminder, to the right people, in Vietnamese.
	smtp := mailtest.Start(t)
	cfg := srv.Config
	cfg.SMTPURL = &url.URL{Scheme: "smtp", Host: smtp.Addr()}
	j, err := jobs.New(srv.DB, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	mustDB(t, err)
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	now := time.Date(2027, 4, 19, 7, 0, 0, 0, hcm)
	mustDB(t, j.RunOnce(t.Context(), "reminders", now))
	mustDB(t, j.RunOnce(t.Context(), "outbox", now))
	got := map[string][]string{}
	for _, m := range smtp.Messages() {
		for _, to := range m.To {
			got[to] = append(got[to], m.Subject+" | "+m.Body)
		}
	}
	want := map[string][]string{
		"inspector@khung.vn": {"Phường Phúc Xá gửi báo cáo kết quả khắc phục", "15/KL-SNV", "/recommendations/"},
		"phucxa@khung.vn":    {"bị trả lại", "Chưa có quyết định ban hành quy chế", "đã được chấp nhận", "quá hạn", "15/KL-SNV"},
	}
	for to, phrases := range want {
		all := strings.Join(got[to], "\n")
		for _, p := range phrases {
			if !strings.Contains(all, p) {
				t.Errorf("mail to %s lacks %q; got:\n%s", to, p, all)
			}
		}
	}
	if n := len(got["inspector@khung.vn"]); n != 2 {
		t.Errorf("%d mails to the team leader, want 2 (one per report)", n)
	}
	for to := range got {
		if to != "inspector@khung.vn" && to != "phucxa@khung.vn" && to != "unit@khung.vn" && to != "unit.head@khung.vn" && to != "approver@khung.vn" {
			t.Errorf("unexpected recipient %s", to)
		}
	}
}
