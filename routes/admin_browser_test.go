package routes

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-rod/rod"

	"khung/models"
)

func TestBrowserAdminFindsBaDinhWithOrWithoutDiacritics(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	p := browser.Page(t, f.srv)
	p.LoginAs(f.srv.CreateUser(t, models.RoleAdmin))
	for _, q := range []string{"ba dinh", "Ba Đình"} {
		p.Open("/admin/units")
		p.Fill("#q", q)
		p.ClickAndWait("form[role=search] button[type=submit]")
		if got := p.Text("[data-test=unit-result]"); got != "Quận Ba Đình" {
			t.Errorf("%q: first result %q, want Quận Ba Đình; page: %.300s", q, got, p.BodyText())
		}
		if got := p.Value("#q"); got != q {
			t.Errorf("the search box shows %q, want %q", got, q)
		}
	}
	// Typing alone searches too (htmx swaps the results in place).
	p.Open("/admin/units")
	p.Fill("#q", "phuc xa")
	if err := p.Rod().Wait(rod.Eval(`() => {
		const a = document.querySelector("[data-test=unit-result]");
		return a !== null && a.textContent.trim() === "Phường Phúc Xá";
	}`)); err != nil {
		t.Errorf("live search for 'phuc xa' showed no Phường Phúc Xá: %v; page: %.300s", err, p.BodyText())
	}

	// The result leads to the unit, its place in the tree and its wards.
	p.Open("/admin/units?q=Ba+%C4%90%C3%ACnh")
	p.ClickAndWait("[data-test=unit-result]")
	if got := p.Text("h1"); got != "Quận Ba Đình" {
		t.Errorf("unit page heading %q", got)
	}
	if got := p.Text("[data-test=counts-below]"); !strings.Contains(got, "13") {
		t.Errorf("counts below Ba Đình: %q", got)
	}
	if !strings.Contains(p.Text(".breadcrumbs"), "Thành phố Hà Nội") {
		t.Errorf("breadcrumbs: %q", p.Text(".breadcrumbs"))
	}
}

func TestBrowserAdminFormErrorsInVietnameseThenEnglishKeepTheInput(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	p := browser.Page(t, f.srv)
	p.LoginAs(f.srv.CreateUser(t, models.RoleAdmin))
	bodies := f.count(t, "bodies")

	submit := func() {
		p.Fill("#code", "DKTCV")
		p.Fill("#name", " ")
		p.Fill("#unit_code", "01-ZZZ")
		p.ClickAndWait("main form[method=post] button[type=submit]")
	}
	p.Open("/admin/bodies/new")
	submit()
	for sel, want := range map[string]string{
		"[data-test=error-name]":      "Bắt buộc nhập.",
		"[data-test=error-code]":      "Mã này đã được dùng cho một cơ quan khác.",
		"[data-test=error-unit_code]": "Không có đơn vị nào có mã này.",
	} {
		if got := p.Text(sel); got != want {
			t.Errorf("vi: %s = %q, want %q", sel, got, want)
		}
	}
	if got := p.Value("#unit_code"); got != "01-ZZZ" {
		t.Errorf("vi: the input was not kept: %q", got)
	}

	// Switching the language stays on the form (it posts to its own URL).
	p.ClickAndWait("a[hreflang=en]")
	if got := p.Lang(); got != "en" {
		t.Fatalf("html lang = %q after switching", got)
	}
	submit()
	for sel, want := range map[string]string{
		"[data-test=error-name]":      "This field is required.",
		"[data-test=error-code]":      "Another body already has this code.",
		"[data-test=error-unit_code]": "No unit has this code.",
	} {
		if got := p.Text(sel); got != want {
			t.Errorf("en: %s = %q, want %q", sel, got, want)
		}
	}
	if got := p.Value("#code"); got != "DKTCV" {
		t.Errorf("en: the input was not kept: %q", got)
	}
	if n := f.count(t, "bodies"); n != bodies {
		t.Errorf("bodies %d → %d", bodies, n)
	}
}

func TestBrowserAdminPagesPassAxeAccessibilityChecks(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	p := browser.Page(t, f.srv)
	p.LoginAs(f.srv.CreateUser(t, models.RoleAdmin))
	// One page of each layout: a search, a tree node, a plain form, the list
	// rows of the inspector form, the calendar grid, a table, a diff.
	for _, path := range []string{
		"/admin/units?q=ba+dinh", fmt.Sprintf("/admin/units/%d", f.tree.ID(t, "001")), "/admin/users/new",
		fmt.Sprintf("/admin/inspectors/%d", f.ids["inspector"]), "/admin/holidays?year=2026", "/admin/catalogs/rules",
		fmt.Sprintf("/admin/audit/%d", f.ids["audit"]),
	} {
		p.Open(path)
		for _, v := range p.AxeViolations() {
			t.Errorf("%s: %s", path, v)
		}
	}
	// A form with its errors shown.
	p.Open("/admin/inspectors/new")
	p.ClickAndWait("main form[method=post] button[type=submit]")
	for _, v := range p.AxeViolations() {
		t.Errorf("inspector form with errors: %s", v)
	}
}
