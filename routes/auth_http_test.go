package routes

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"khung/models"
	"khung/routes/webtest"
)

func TestLoginOpensASessionAndLogoutEndsIt(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RolePlanner)
	c := srv.NewClient(t)

	if r := c.Get("/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous home: %d %s, want a redirect to /login", r.Status, r.Header.Get("Location"))
	}
	c.Login(u)
	home := c.Get("/")
	if home.Status != http.StatusOK || !strings.Contains(home.Body, u.FullName) {
		t.Fatalf("home after login: %d, body %.400s", home.Status, home.Body)
	}
	if n := srv.Count(t, "sessions"); n != 1 {
		t.Fatalf("sessions after login: %d, want 1", n)
	}
	r := c.PostForm("/logout", url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if n := srv.Count(t, "sessions"); n != 0 {
		t.Fatalf("sessions after logout: %d, want 0", n)
	}
	if r := c.Get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("home after logout: %d, want a redirect", r.Status)
	}
}

func TestLoginGoesBackToThePageAskedForButNeverOffSite(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RoleViewer)
	for _, tt := range []struct{ next, want string }{
		{"/account/tokens", "/account/tokens"},
		{"//evil.example/", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example/x", "/"},
		{"/%2F/evil.example", "/"},
	} {
		c := srv.NewClient(t)
		r := c.PostForm("/login", url.Values{"email": {u.Email}, "password": {u.Password}, "next": {tt.next}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != tt.want {
			t.Errorf("next=%q: %d → %q, want 303 → %q", tt.next, r.Status, r.Header.Get("Location"), tt.want)
		}
	}
}

func TestSessionCookieIsHttpOnlyLaxAndSecureBehindHTTPS(t *testing.T) {
	t.Parallel()
	for _, https := range []bool{false, true} {
		srv := webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
			cfg := d.Config
			if https {
				cfg.BaseURL = &url.URL{Scheme: "https", Host: "khung.example"}
			}
			d.Config = cfg
			return newApp(d)
		})
		u := srv.CreateUser(t, models.RoleViewer)
		c := srv.NewClient(t)
		r := c.PostForm("/login", url.Values{"email": {u.Email}, "password": {u.Password}})
		var cookie string
		for _, sc := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(sc, sessionCookie+"=") {
				cookie = strings.ToLower(sc)
			}
		}
		if cookie == "" {
			t.Fatalf("https=%v: no session cookie in %v", https, r.Header.Values("Set-Cookie"))
		}
		if !strings.Contains(cookie, "httponly") || !strings.Contains(cookie, "samesite=lax") {
			t.Errorf("https=%v: cookie %q lacks HttpOnly or SameSite=Lax", https, cookie)
		}
		if strings.Contains(cookie, "secure") != https {
			t.Errorf("https=%v: cookie %q, Secure must follow BASE_URL", https, cookie)
		}
	}
}

func TestSixWrongPasswordsGive429AndChangeNothingElse(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RolePlanner)
	c := srv.NewClient(t)
	for i := range 5 {
		r := c.PostForm("/login", url.Values{"email": {u.Email}, "password": {"sai mật khẩu rồi"}})
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "Email hoặc mật khẩu không đúng.") {
			t.Fatalf("failure %d: status %d, body %.300s", i+1, r.Status, r.Body)
		}
		if !strings.Contains(r.Body, `value="`+u.Email+`"`) {
			t.Fatalf("failure %d: the e-mail typed must be kept in the form", i+1)
		}
	}
	before := map[string]int64{}
	for _, table := range []string{"login_attempts", "audit_log", "sessions", "users"} {
		before[table] = srv.Count(t, table)
	}
	r := c.PostForm("/login", url.Values{"email": {u.Email}, "password": {u.Password}})
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("6th attempt with the right password: %d, want 429", r.Status)
	}
	if !strings.Contains(r.Body, "Đã đăng nhập sai quá 5 lần trong 15 phút") {
		t.Errorf("the 429 page must explain in Vietnamese: %.600s", r.Body)
	}
	for table, n := range before {
		if got := srv.Count(t, table); got != n {
			t.Errorf("%s: %d rows after the refused attempt, want %d", table, got, n)
		}
	}
	// In English after switching.
	c.Get("/login?lang=en")
	r = c.PostForm("/login", url.Values{"email": {u.Email}, "password": {u.Password}})
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "More than 5 failed sign-in attempts within 15 minutes") {
		t.Errorf("English 429: %d %.600s", r.Status, r.Body)
	}
}

func TestFormsWithoutTheCSRFTokenAreRefusedAndWriteNothing(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RolePlanner)

	anon := srv.NewClient(t)
	anon.Get("/login")
	r := anon.PostFormRaw("/login", url.Values{"email": {u.Email}, "password": {u.Password}})
	if r.Status != http.StatusForbidden {
		t.Errorf("login without _csrf: %d, want 403", r.Status)
	}
	if srv.Count(t, "sessions") != 0 || srv.Count(t, "login_attempts") != 0 {
		t.Error("a refused login wrote something")
	}

	c := srv.NewClient(t)
	c.Login(u)
	tokens, audits := srv.Count(t, "api_tokens"), srv.Count(t, "audit_log")
	cases := []struct {
		name string
		do   func() webtest.Response
	}{
		{"form without _csrf", func() webtest.Response {
			return c.PostFormRaw("/account/tokens", url.Values{"name": {"x"}})
		}},
		{"form with a wrong _csrf", func() webtest.Response {
			return c.PostFormRaw("/account/tokens", url.Values{"name": {"x"}, "_csrf": {"forged"}})
		}},
		{"JSON without X-CSRF-Token", func() webtest.Response {
			return c.Do(http.MethodPost, "/api/v1/me/tokens", strings.NewReader(`{"name":"x"}`),
				map[string]string{"Content-Type": "application/json"})
		}},
		{"logout without _csrf", func() webtest.Response { return c.PostFormRaw("/logout", url.Values{}) }},
		{"password change without _csrf", func() webtest.Response {
			return c.PostFormRaw("/account/password", url.Values{"current_password": {u.Password},
				"new_password": {"mật khẩu mới dài dài"}, "confirm_password": {"mật khẩu mới dài dài"}})
		}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if r := tt.do(); r.Status != http.StatusForbidden {
				t.Errorf("status %d, want 403; body %.300s", r.Status, r.Body)
			}
		})
	}
	if srv.Count(t, "api_tokens") != tokens || srv.Count(t, "audit_log") != audits || srv.Count(t, "sessions") != 1 {
		t.Error("a request refused for CSRF changed something")
	}
	// With the token it works.
	if r := c.PostForm("/account/tokens", url.Values{"name": {"Báo cáo"}, "expires_in_days": {"30"}}); r.Status != http.StatusCreated {
		t.Errorf("form with _csrf: %d", r.Status)
	}
}

func TestChangePasswordShowsErrorsUnderFieldsThenEndsOtherSessions(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RoleInspector)
	c, other := srv.NewClient(t), srv.NewClient(t)
	c.Login(u)
	other.Login(u)

	r := c.PostForm("/account/password", url.Values{"current_password": {"sai rồi sai rồi"},
		"new_password": {"ngắn"}, "confirm_password": {"khác"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad change: %d, want 422", r.Status)
	}
	for _, want := range []string{`data-test="error-new_password"`, "Phải có ít nhất 10 ký tự.",
		`data-test="error-confirm_password"`, "Không khớp với Mật khẩu mới."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("422 page lacks %q", want)
		}
	}
	if strings.Contains(r.Body, "sai rồi sai rồi") {
		t.Error("a password was echoed back into the page")
	}
	if srv.Count(t, "sessions") != 2 {
		t.Fatal("a refused change ended sessions")
	}

	newPW := "một mật khẩu mới rất dài"
	r = c.PostForm("/account/password", url.Values{"current_password": {u.Password},
		"new_password": {newPW}, "confirm_password": {newPW}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("good change: %d %.300s", r.Status, r.Body)
	}
	if r := c.Get("/"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Đã đổi mật khẩu.") {
		t.Errorf("after the change: %d, flash missing", r.Status)
	}
	if r := other.Get("/"); r.Status != http.StatusSeeOther {
		t.Errorf("the other session: %d, want it ended (303 to login)", r.Status)
	}
}
