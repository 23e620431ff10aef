package routes

import (
	"strings"
	"testing"

	"khung/models"
	"khung/routes/webtest"
)

func TestBrowserLoginInVietnameseThenEnglishThenLogout(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RolePlanner)
	p := browser.Page(t, srv)

	p.Open("/")
	if !strings.Contains(p.URL(), "/login") || p.Lang() != "vi" {
		t.Fatalf("anonymous visitor at %s (lang %q), want the Vietnamese login page", p.URL(), p.Lang())
	}
	if got := p.Text("h1"); got != "Đăng nhập" {
		t.Errorf("h1 = %q", got)
	}

	// Wrong password: the message is in Vietnamese, the e-mail is kept.
	p.Fill("#email", u.Email)
	p.Fill("#password", "sai mật khẩu rồi")
	p.ClickAndWait("form[action='/login'] button[type=submit]")
	if got := p.Text("[data-test=form-errors]"); got != "Email hoặc mật khẩu không đúng." {
		t.Errorf("error shown: %q", got)
	}
	if got := p.Value("#email"); got != u.Email {
		t.Errorf("e-mail kept: %q", got)
	}

	// Switch to English and fail again: the same error in English.
	p.ClickAndWait("a[hreflang=en]")
	if p.Lang() != "en" || p.Text("h1") != "Sign in" {
		t.Fatalf("after switching: lang %q, h1 %q", p.Lang(), p.Text("h1"))
	}
	p.Fill("#email", u.Email)
	p.Fill("#password", "still wrong password")
	p.ClickAndWait("form[action='/login'] button[type=submit]")
	if got := p.Text("[data-test=form-errors]"); got != "Wrong e-mail or password." {
		t.Errorf("error shown in English: %q", got)
	}

	// The right password: the home page with the user in the header.
	p.Fill("#email", u.Email)
	p.Fill("#password", u.Password)
	p.ClickAndWait("form[action='/login'] button[type=submit]")
	if got := p.Text("[data-test=user-name]"); got != u.FullName {
		t.Fatalf("header user = %q, want %q; page: %.300s", got, u.FullName, p.BodyText())
	}
	if got := p.Text("[data-test=user-role]"); got != "Planner" {
		t.Errorf("header role = %q", got)
	}
	if got := p.Text("h1"); got != "Framework plan" {
		t.Errorf("planner home h1 = %q", got)
	}

	// Logout ends the session.
	p.ClickAndWait("form[action='/logout'] button")
	if !strings.Contains(p.URL(), "/login") || !strings.Contains(p.Text(".flash"), "You have signed out.") {
		t.Errorf("after logout: %s, %q", p.URL(), p.BodyText())
	}
	if n := srv.Count(t, "sessions"); n != 0 {
		t.Errorf("sessions after logout: %d", n)
	}
	p.Open("/account/tokens")
	if !strings.Contains(p.URL(), "/login") {
		t.Errorf("a page after logout opened: %s", p.URL())
	}
}

func TestBrowserValidationErrorsShowUnderTheFieldInBothLanguages(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RoleViewer)
	p := browser.Page(t, srv)

	// An empty login form: each message under its field.
	p.Open("/login")
	p.Fill("#email", "không phải email")
	p.ClickAndWait("form[action='/login'] button[type=submit]")
	if got := p.Text("[data-test=error-email]"); got != "Địa chỉ email không hợp lệ." {
		t.Errorf("email error = %q", got)
	}
	if got := p.Text("[data-test=error-password]"); got != "Bắt buộc nhập." {
		t.Errorf("password error = %q", got)
	}
	if got := p.Value("#email"); got != "không phải email" {
		t.Errorf("the input must be kept, got %q", got)
	}

	// Change password with a short new one, in Vietnamese then English.
	p.LoginAs(u)
	p.Open("/account/password")
	submit := func(current, next, confirm string) {
		p.Fill("#current_password", current)
		p.Fill("#new_password", next)
		p.Fill("#confirm_password", confirm)
		p.ClickAndWait("form[action='/account/password'] button[type=submit]")
	}
	submit(u.Password, "ngắn", "ngắn")
	if got := p.Text("[data-test=error-new_password]"); got != "Phải có ít nhất 10 ký tự." {
		t.Errorf("vi: new password error = %q", got)
	}
	p.ClickAndWait("a[hreflang=en]")
	submit(u.Password, "short", "different")
	if got := p.Text("[data-test=error-new_password]"); got != "Must be at least 10 characters long." {
		t.Errorf("en: new password error = %q", got)
	}
	if got := p.Text("[data-test=error-confirm_password]"); got != "Does not match New password." {
		t.Errorf("en: confirmation error = %q", got)
	}

	// A good change goes home with a message.
	newPW := "một mật khẩu mới rất dài"
	submit(u.Password, newPW, newPW)
	if got := p.Text(".flash"); !strings.Contains(got, "Your password has been changed.") {
		t.Errorf("after the change: %q", got)
	}
}

func TestBrowserPagesPassAxeAccessibilityChecks(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	unit := srv.CreateUnit(t, 0, "Quận Tây Hồ")
	p := browser.Page(t, srv)

	check := func(what string) {
		t.Helper()
		for _, v := range p.AxeViolations() {
			t.Errorf("%s (%s): %s", what, p.URL(), v)
		}
	}
	p.Open("/login")
	check("login page")
	p.ClickAndWait("form[action='/login'] button[type=submit]")
	check("login page with errors")

	p.LoginAs(srv.CreateUser(t, models.RoleUnit, webtest.InUnit(unit.ID)))
	check("unit home")
	for _, path := range []string{"/account/password", "/account/tokens", "/no-such-page", "/?lang=en"} {
		p.Open(path)
		check(path)
	}
}

func TestBrowserCreatesATokenShownOnceAndRevokesItInPlace(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RoleInspector)
	p := browser.Page(t, srv)
	p.LoginAs(u)

	p.Open("/account/tokens")
	p.ClickAndWait("form[action='/account/tokens'] button[type=submit]")
	if got := p.Text("[data-test=error-name]"); got != "Bắt buộc nhập." {
		t.Errorf("a token without a name: %q", got)
	}
	p.Fill("#name", "Báo cáo hằng tuần")
	p.ClickAndWait("form[action='/account/tokens'] button[type=submit]")
	plain := p.Text("[data-test=new-token]")
	if !strings.HasPrefix(plain, "khung_") {
		t.Fatalf("new token shown: %q", plain)
	}
	p.Open("/account/tokens")
	if p.Has("[data-test=new-token]") || strings.Contains(p.BodyText(), plain) {
		t.Fatal("the token must be shown only once")
	}

	// Revoke with htmx: the row changes, the page stays.
	p.Rod().MustEval(`() => { window.samePage = "yes" }`)
	if err := p.Rod().MustElement("tr form button").Click("left", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Rod().ElementR("[data-test=token-status]", "Đã thu hồi"); err != nil {
		t.Fatalf("the row did not change to revoked: %v; page: %.500s", err, p.BodyText())
	}
	if p.Rod().MustEval(`() => window.samePage || "reloaded"`).String() != "yes" || p.Has(".flash") {
		t.Error("the page reloaded: htmx did not swap the row")
	}
	var revoked int64
	srv.DB.Table("api_tokens").Where("revoked_at IS NOT NULL").Count(&revoked)
	if revoked != 1 {
		t.Errorf("revoked tokens in the database: %d", revoked)
	}
}
