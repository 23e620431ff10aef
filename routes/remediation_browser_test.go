package routes

import (
	"context"
	"strings"
	"testing"
	"time"

	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// TestBrowserRemediationReportsAndVerdicts: on a conclusion built with models,
// the unit sends evidence (a PDF and a picture) on two recommendations; the
// team leader sees both in the queue, cannot return one without a reason,
// returns it with one and accepts the other; the unit reads both verdicts in
// its notifications. The whole story through the inspector's pages, with the
// overdue badge and the mails, is TestBrowserFollowUpFromFindingsToRemedy.
func TestBrowserRemediationReportsAndVerdicts(t *testing.T) {
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

	pdfPath := writeTempFile(t, "bien-ban-khac-phuc.pdf", []byte(testPDF))
	pngPath := writeTempFile(t, "anh-niem-yet.png", pngHeader)

	unit := browser.Page(t, srv)
	unit.LoginAs(webtest.User{Email: "phucxa@khung.vn", Password: seed.DemoPassword})
	unit.Open("/recommendations")
	if got := unit.Text("[data-test=rec-count]"); got != "Số kiến nghị: 2" {
		t.Errorf("count %q", got)
	}
	submitReportOnPage(t, unit, recOne.ID, "Số: 15/KL-SNV", "Đã ban hành quy chế tiếp nhận hồ sơ mới.", pdfPath)
	submitReportOnPage(t, unit, recTwo.ID, "Số: 15/KL-SNV", "Đã niêm yết đủ 112 thủ tục tại bộ phận một cửa.", pngPath)

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
}
