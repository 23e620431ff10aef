package routes

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

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

// TestBrowserInspectorSignsRecordsAndConcludes: inspector@ (i001) opens the
// visit they lead, signs the decision, records a finding, and issues a
// conclusion with two recommendations, one dated and one "10 working days";
// later the dated one shows as overdue.
func TestBrowserInspectorSignsRecordsAndConcludes(t *testing.T) {
	srv := startServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 3, 1))
	visit := fmt.Sprintf("/visits/%d", w.Planned.ID)

	p := browser.Page(t, srv)
	p.LoginAs(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword})
	p.Open(visit)
	if got := p.Text("[data-test=visit-status]"); got != "Đã xếp lịch" {
		t.Fatalf("status %q", got)
	}

	p.Fill("#d-signer", "Trần Văn Hùng")
	p.Fill("#d-scope", "Việc chấp hành kỷ luật, kỷ cương hành chính")
	p.ClickAndWait("[data-test=sign-decision]")
	if got := p.Text("[data-test=decision-number]"); got != "Số: 1/QĐ-SNV" {
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
	p.ClickAndWait("[data-test=add-finding]")
	if got := p.Text("[data-test=finding]"); !strings.Contains(got, "Chưa niêm yết công khai") || !strings.Contains(got, "Tồn tại, hạn chế") {
		t.Errorf("finding %q", got)
	}
	p.ClickAndWait("[data-test=next-step]")

	p.Fill("#c-signer", "Trần Văn Hùng")
	p.Fill("#c-summary", "Đơn vị cơ bản chấp hành tốt; còn tồn tại trong công khai thủ tục hành chính.")
	p.Fill("#r-action-0", "Niêm yết đầy đủ thủ tục hành chính")
	setInput(t, p, "#r-deadline-0", "2027-03-31")
	p.Fill("#r-action-1", "Kiểm điểm trách nhiệm cá nhân liên quan")
	p.Fill("#r-days-1", "10")
	p.ClickAndWait("[data-test=issue-conclusion]")
	if got := p.Text("[data-test=conclusion-number]"); got != "Số: 1/KL-SNV" {
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
	var notes int64
	srv.DB.Table("notifications").Joins("JOIN users u ON u.id = notifications.user_id").
		Where("u.email = ?", "phucxa@khung.vn").Count(&notes)
	if notes != 1 {
		t.Errorf("Phúc Xá's office has %d notifications, want 1", notes)
	}

	setDay(t, srv, models.NewDate(2027, 3, 16))
	p.LoginAs(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword}) // the session expired meanwhile
	p.Open(visit)
	rows := p.Rod().MustElements("[data-test=recommendation]")
	if len(rows) != 2 {
		t.Fatalf("%d recommendation rows", len(rows))
	}
	for i, want := range []bool{false, true} { // only the 15 March deadline has passed
		has, _, err := rows[i].Has("[data-test=overdue]")
		if err != nil || has != want {
			t.Errorf("row %d overdue = %v, want %v", i, has, want)
		}
	}
}
