package routes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"khung/app/plans"
	"khung/app/seed"
)

// The planner builds the demo city's plan from the page (about 1,600
// proposals), opens a visit, previews a move and sees the penalty change,
// saves it and submits; the approver approves and publishes; the issued plan
// prints to an A4 PDF.
func TestBrowserPlansBuildAdjustSubmitApprovePublish(t *testing.T) {
	t.Parallel()
	d := newPlansDemo(t)
	// The demo proposals file instead of the handful of newPlansDemo.
	d.srv.DB.Exec("DELETE FROM proposals")
	n, err := seed.ImportDemoProposals(context.Background(), d.srv.DB, plansYear, d.actor(t, "planner@khung.vn"))
	if err != nil || n < 500 {
		t.Fatalf("import the demo proposals: %d, %v", n, err)
	}

	// Phường Cống Vị receives nobody in 2027: its visit cannot be scheduled.
	if err := d.srv.DB.Exec(`INSERT INTO unit_blackouts (unit_id, from_date, to_date, reason)
		SELECT id, '2027-01-01', '2027-12-31', 'Sắp xếp đơn vị hành chính' FROM units WHERE code = '00007'`).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.srv.DB.Exec(`INSERT INTO proposals (year, body_id, unit_id, kind, form, days, team_size, status)
		SELECT 2027, b.id, u.id, 'professional', 'planned', 2, 2, 'submitted' FROM bodies b, units u
		WHERE b.code = 'snv-xdcq' AND u.code = '00007'`).Error; err != nil {
		t.Fatal(err)
	}

	p := browser.Page(t, d.srv)
	p.LoginAs(d.planner)
	p.Open("/plans")
	p.ClickAndWait("[data-test=plan-year-2027]")
	started := time.Now()
	p.ClickAndWait("[data-test=build]")
	t.Logf("building the plan of %d proposals from the page took %v (click to loaded page)", n, time.Since(started))
	if got := p.Text("[data-test=status]"); got != "Dự thảo" {
		t.Fatalf("after building: status %q; page: %.500s", got, p.BodyText())
	}
	if got := p.Text("[data-test=proposals]"); got != points(float64(n+1), "vi") {
		t.Errorf("the version counts %s proposals, want %d", got, n+1)
	}
	if !p.Has("[data-test=merged] table.merged tbody tr") {
		t.Error("the version page lists no merged visit")
	}
	id := d.versionOnPage(t, p)

	// A scheduled visit and a start the engine accepts with another penalty.
	detail, err := d.svc.Detail(context.Background(), d.actor(t, "planner@khung.vn"), id)
	if err != nil {
		t.Fatal(err)
	}
	code := detail.Visits[len(detail.Visits)/2].Code
	start, after := plansValidMove(t, d, id, code, detail.Version.LockVersion)

	// An unscheduled visit says why, from the conflicts panel.
	p.Open(fmt.Sprintf("/plans/versions/%d/board?status=unscheduled", id))
	p.ClickAndWait("[data-test=unscheduled] li a[href$='/visits/v-00007']")
	if got := p.Text("[data-test=dates]"); !strings.HasPrefix(got, "Chưa xếp lịch:") || !strings.Contains(got, "ngày nghỉ của đơn vị") {
		t.Errorf("an unscheduled visit's page says %q", got)
	}

	p.Open(fmt.Sprintf("/plans/versions/%d/board", id))
	p.ClickAndWait(fmt.Sprintf("a.chip[data-code=%q]", code))
	before := p.Text("[data-test=dates]")
	p.Rod().MustEval(`(v) => { document.querySelector("#start").value = v }`, start)
	if err := p.Rod().MustElement("[data-test=check]").Click(proto.InputMouseButtonLeft, 1); err != nil {
		t.Fatal(err)
	}
	// htmx swaps the verdict in without leaving the page.
	want := "→ " + points(after, "vi")
	if err := p.Rod().Wait(rod.Eval(`(want) => {
		const e = document.querySelector("[data-test=penalty-change]");
		return e !== null && e.textContent.includes(want);
	}`, want)); err != nil {
		t.Fatalf("the preview shows no penalty %q: %v; page: %.800s", want, err, p.BodyText())
	}
	if got := p.Text("[data-test=dates]"); got != before {
		t.Errorf("the preview changed the page's dates: %q → %q", before, got)
	}
	p.ClickAndWait("[data-test=save]")
	if got := p.Text(".flash"); got != "Đã lưu điều chỉnh." {
		t.Errorf("after saving: flash %q; page: %.500s", got, p.BodyText())
	}
	if got := p.Text("[data-test=dates]"); !strings.HasPrefix(got, start[8:10]+"/"+start[5:7]+"/"+start[:4]) {
		t.Errorf("dates after saving: %q, want a start on %s", got, start)
	}

	// The version speaks of fit; the points are a click away.
	p.Open(fmt.Sprintf("/plans/versions/%d", id))
	if got := p.Text("[data-test=fit]"); !strings.Contains(got, "được xếp đúng mọi mong muốn") {
		t.Errorf("the version's fit reads %q", got)
	}
	if err := p.Rod().MustElement(".fit-details summary").Click(proto.InputMouseButtonLeft, 1); err != nil {
		t.Fatal(err)
	}
	if got := p.Text("[data-test=penalty]"); got != points(after, "vi") {
		t.Errorf("version penalty %q, want %q", got, points(after, "vi"))
	}
	// Submitting asks first, and says what happens; then the page says it waits.
	p.ClickAndWait("[data-test=submit]")
	if got := p.Text("[data-test=confirm-page]"); !strings.Contains(got, "Lãnh đạo Sở") || p.Has("[data-test=status]") {
		t.Fatalf("submit did not ask for confirmation: %q", got)
	}
	p.ClickAndWait("[data-test=confirm]")
	if got := p.Text("[data-test=status]"); got != "Đã trình duyệt" {
		t.Fatalf("after submitting: %q", got)
	}
	if got := p.Text("[data-test=waiting]"); !strings.Contains(got, "chờ Lãnh đạo Sở phê duyệt") {
		t.Errorf("after submitting the page says %q", got)
	}

	a := browser.Page(t, d.srv)
	a.LoginAs(d.approver)
	a.Open(fmt.Sprintf("/plans/versions/%d", id))
	a.Fill("#approve-number", "125")
	a.ClickAndWait("[data-test=approve]")
	a.ClickAndWait("[data-test=confirm]")
	if got := a.Text("[data-test=status]"); got != "Đã phê duyệt" {
		t.Fatalf("after approving: %q; page: %.500s", got, a.BodyText())
	}
	a.ClickAndWait("[data-test=publish]")
	// Publishing with an unscheduled visit warns and names it.
	if got := a.Text("[data-test=unscheduled-warning]"); !strings.Contains(got, "Phường Cống Vị") {
		t.Errorf("the publish confirmation does not list the unscheduled visit: %q", got)
	}
	for _, v := range a.AxeViolations() {
		t.Errorf("publish confirmation: %s", v)
	}
	a.ClickAndWait("[data-test=confirm]")
	if got := a.Text("[data-test=status]"); got != "Đã công bố" {
		t.Fatalf("after publishing: %q", got)
	}
	var v plans.Version
	if v, err = d.svc.Version(context.Background(), d.actor(t, "approver@khung.vn"), id); err != nil || v.DocumentNumber != "125" {
		t.Errorf("published version: %+v, %v", v, err)
	}

	a.ClickAndWait("[data-test=print-link]")
	if got := a.Text("[data-test=doc-number]"); got != "Số: 125/KH-SNV" {
		t.Errorf("printed number %q", got)
	}
	pdf, err := a.Rod().PDF(&proto.PagePrintToPDF{PreferCSSPageSize: true, PrintBackground: true})
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	out := filepath.Join(t.TempDir(), "ke-hoach.pdf")
	if dir := os.Getenv("KHUNG_PLAN_PDF"); dir != "" { // keep it to look at: KHUNG_PLAN_PDF=/tmp
		out = filepath.Join(dir, "ke-hoach-khung-2027.pdf")
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	size, err := f.ReadFrom(pdf)
	f.Close()
	if err != nil || size < 10_000 {
		t.Errorf("PDF of %d bytes, %v", size, err)
	}

	// Accessibility of the plan's pages (the board filtered to one area, to keep axe quick).
	for _, path := range []string{fmt.Sprintf("/plans/versions/%d", id), fmt.Sprintf("/plans/versions/%d/board?area=001", id),
		fmt.Sprintf("/plans/versions/%d/board?area=001&view=week&quarter=3", id),
		fmt.Sprintf("/plans/versions/%d/visits/%s", id, code)} {
		a.Open(path)
		for _, v := range a.AxeViolations() {
			t.Errorf("%s: %s", path, v)
		}
	}
}

// versionOnPage reads the version id from the page's URL.
func (d *plansDemo) versionOnPage(t *testing.T, p interface{ URL() string }) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(p.URL()[strings.LastIndex(p.URL(), "/versions/")+len("/versions/"):], "%d", &id); err != nil {
		t.Fatalf("no version in %s: %v", p.URL(), err)
	}
	return id
}
