package routes

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// Helpers of the browser tests of the follow-up of inspections (conclusion,
// recommendations, remediation reports).

// setInput sets the value of an input (a date input cannot be typed into
// reliably in every locale).
func setInput(t *testing.T, p *webtest.Page, selector, value string) {
	t.Helper()
	el, err := p.Rod().Element(selector)
	if err != nil {
		t.Fatalf("find %s: %v", selector, err)
	}
	if _, err := el.Eval(`function(v) { this.value = v }`, value); err != nil {
		t.Fatalf("set %s: %v", selector, err)
	}
}

// writeTempFile writes data to a file called name in a fresh temporary
// directory of the test and returns its path (for a file input).
func writeTempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	mustDB(t, os.WriteFile(path, data, 0o600))
	return path
}

// concludeOnPages is inspector@ (i001, the team leader) working the planned
// visit of Phường Phúc Xá through its page on Monday 1 March 2027: signs the
// decision, moves on to the work on site, records a finding with the evidence
// files given, and issues conclusion 01/TB-SNV with two recommendations, one
// due 31/03/2027 and one in 10 working days (15/03/2027). It sets the app's
// day, checks each step on the page and returns the logged-in page and the
// ids of the dated and of the working-days recommendation.
func concludeOnPages(t *testing.T, srv *webtest.Server, w *visitstest.World, evidence ...string) (p *webtest.Page, dated, workingDays int64) {
	t.Helper()
	// The workflow keeps to the calendar (no team on site before the visit's
	// start date, no conclusion before the work on site ended): the story's
	// visit was held from 22 to 24 February, and the team records it all on
	// 1 March.
	if err := srv.DB.Model(&models.Visit{}).Where("id = ?", w.Planned.ID).
		Updates(map[string]any{"start_date": models.NewDate(2027, 2, 22), "end_date": models.NewDate(2027, 2, 24)}).Error; err != nil {
		t.Fatal(err)
	}
	setDay(t, srv, models.NewDate(2027, 3, 1))
	p = browser.Page(t, srv)
	p.LoginAs(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword})
	p.Open(fmt.Sprintf("/visits/%d", w.Planned.ID))
	if got := p.Text("[data-test=visit-status]"); got != "Đã xếp lịch" {
		t.Fatalf("status %q", got)
	}

	p.Fill("#d-signer", "Trần Văn Hùng")
	p.Fill("#d-scope", "Việc chấp hành kỷ luật, kỷ cương hành chính")
	p.ClickAndWait("[data-test=sign-decision]")
	if got := p.Text("[data-test=decision-number]"); got != "Số: 01/QĐ-SNV" {
		t.Fatalf("decision number %q\n%.800s", got, p.BodyText())
	}
	if got := p.Text("[data-test=team]"); !strings.Contains(got, w.Lead.FullName+" (Trưởng đoàn)") || !strings.Contains(got, w.Member.FullName) {
		t.Errorf("team %q", got)
	}
	for _, want := range []string{"Đã thông báo", "Đang kiểm tra tại đơn vị"} {
		p.ClickAndWait("[data-test=next-step]")
		if got := p.Text("[data-test=visit-status]"); got != want {
			t.Fatalf("status %q, want %q", got, want)
		}
	}

	p.Fill("#f-desc", "Chưa niêm yết công khai thủ tục hành chính tại bộ phận một cửa")
	if len(evidence) > 0 {
		if err := p.Rod().MustElement("#f-files").SetFiles(evidence); err != nil {
			t.Fatal(err)
		}
	}
	p.ClickAndWait("[data-test=add-finding]")
	if got := p.Text("[data-test=finding]"); !strings.Contains(got, "Chưa niêm yết công khai") || !strings.Contains(got, "Tồn tại, hạn chế") {
		t.Errorf("finding %q\n%.800s", got, p.BodyText())
	}
	for _, path := range evidence {
		if files := p.Text("[data-test=finding]"); !strings.Contains(files, filepath.Base(path)) {
			t.Errorf("the finding does not list its evidence file %s: %q", filepath.Base(path), files)
		}
	}
	p.ClickAndWait("[data-test=next-step]")

	p.Fill("#c-signer", "Trần Văn Hùng")
	p.Fill("#c-summary", "Đơn vị cơ bản chấp hành tốt; còn tồn tại trong công khai thủ tục hành chính.")
	p.Fill("#r-action-0", "Niêm yết đầy đủ thủ tục hành chính")
	setInput(t, p, "#r-deadline-0", "2027-03-31")
	// The form starts with one recommendation block; the second is added on demand.
	if p.Rod().MustElement("[data-test=rec-row-1]").MustVisible() {
		t.Error("the conclusion form must start with one recommendation block")
	}
	p.Click("[data-test=add-rec]")
	p.Fill("#r-action-1", "Kiểm điểm trách nhiệm cá nhân liên quan")
	p.Fill("#r-days-1", "10")
	// A recommendation of responsibility (issue 13): its own section in the conclusion.
	p.Rod().MustElement("#r-kind-1").MustSelect("Kiểm điểm, xử lý trách nhiệm")
	p.Rod().MustElement("#r-liable-1").MustSelect("Cá nhân")
	p.ClickAndWait("[data-test=issue-conclusion]")
	if got := p.Text("[data-test=conclusion-number]"); got != "Số: 01/TB-SNV" {
		t.Fatalf("conclusion %q\n%.1500s", got, p.BodyText())
	}
	if got := p.Text("[data-test=visit-status]"); got != "Đã có kết luận" {
		t.Errorf("status %q", got)
	}
	deadlines := p.Text("[data-test=recommendations]")
	// 10 working days from Monday 1 March 2027 end on Monday 15 March.
	for _, want := range []string{"31/03/2027", "15/03/2027 (10 ngày làm việc)", "Phường Phúc Xá"} {
		if !strings.Contains(deadlines, want) {
			t.Errorf("recommendations lack %q: %q", want, deadlines)
		}
	}
	if p.Has("[data-test=overdue]") {
		t.Error("nothing is overdue on the day of the conclusion")
	}

	rows := p.Rod().MustElements("[data-test=recommendation]")
	if len(rows) != 2 {
		t.Fatalf("%d recommendation rows, want 2", len(rows))
	}
	ids := make([]int64, len(rows))
	for i, row := range rows {
		attr, err := row.Attribute("data-rec")
		if err != nil || attr == nil {
			t.Fatalf("recommendation row %d has no data-rec: %v", i, err)
		}
		if ids[i], err = strconv.ParseInt(*attr, 10, 64); err != nil {
			t.Fatalf("recommendation row %d: data-rec %q: %v", i, *attr, err)
		}
	}
	return p, ids[0], ids[1]
}

// submitReportOnPage is a unit user on unit sending a remediation report with
// one evidence file on the recommendation's page, whose reference line must
// start with reference ("Số: 01/TB-SNV").
func submitReportOnPage(t *testing.T, unit *webtest.Page, recID int64, reference, text, file string) {
	t.Helper()
	unit.Open("/recommendations/" + itoa(recID))
	if got := unit.Text("[data-test=reference]"); !strings.HasPrefix(got, reference) {
		t.Errorf("reference %q, want it to start with %q", got, reference)
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
