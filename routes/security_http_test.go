package routes

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

func TestAnAPITokenCannotCreateTokensButASessionCan(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RolePlanner)
	b := srv.NewClient(t)
	b.Token = srv.CreateToken(t, u)
	before := srv.Count(t, "api_tokens")

	for _, tt := range []struct {
		name string
		do   func() webtest.Response
	}{
		{"JSON API, no lifetime", func() webtest.Response {
			return b.SendJSON(http.MethodPost, "/api/v1/me/tokens", `{"name": "vĩnh viễn"}`)
		}},
		{"JSON API, one day", func() webtest.Response {
			return b.SendJSON(http.MethodPost, "/api/v1/me/tokens", `{"name": "một ngày", "expires_in_days": 1}`)
		}},
		{"the page's form", func() webtest.Response {
			return b.Do(http.MethodPost, "/account/tokens", strings.NewReader("name=x"), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.do()
			if r.Status != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %.300s", r.Status, r.Body)
			}
			if !strings.Contains(r.Body, "Không thể dùng mã truy cập API để tạo mã truy cập mới") {
				t.Errorf("the refusal must say why: %.500s", r.Body)
			}
		})
	}
	if n := srv.Count(t, "api_tokens"); n != before {
		t.Errorf("api_tokens: %d, want %d", n, before)
	}

	c := srv.NewClient(t)
	c.Login(u)
	if r := c.SendJSON(http.MethodPost, "/api/v1/me/tokens", `{"name": "từ phiên"}`); r.Status != http.StatusCreated {
		t.Errorf("with a session: %d %.300s", r.Status, r.Body)
	}
}

func TestChangingThePasswordRevokesTokensFeedsAndOtherSessions(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	u := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	c, other := srv.NewClient(t), srv.NewClient(t)
	c.Login(u)
	other.Login(u)
	b := srv.NewClient(t)
	b.Token = srv.CreateToken(t, u)
	if r := b.GetJSON("/api/v1/me"); r.Status != http.StatusOK {
		t.Fatalf("token before: %d", r.Status)
	}
	feed := createFeed(t, c)
	anon := srv.NewClient(t)
	if r := anon.Do(http.MethodGet, feed, nil, nil); r.Status != http.StatusOK {
		t.Fatalf("feed before: %d", r.Status)
	}

	newPW := "một mật khẩu mới rất dài"
	r := c.PostForm("/account/password", url.Values{"current_password": {u.Password},
		"new_password": {newPW}, "confirm_password": {newPW}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %.300s", r.Status, r.Body)
	}
	if r := c.Get("/"); r.Status != http.StatusOK || !strings.Contains(r.Body, "địa chỉ lịch iCal của bạn đã bị thu hồi") {
		t.Errorf("the page after the change must say what was revoked: %d", r.Status)
	}
	if r := b.GetJSON("/api/v1/me"); r.Status != http.StatusUnauthorized {
		t.Errorf("API token after the change: %d, want 401", r.Status)
	}
	if r := anon.Do(http.MethodGet, feed, nil, nil); r.Status != http.StatusNotFound {
		t.Errorf("feed after the change: %d, want 404", r.Status)
	}
	if r := other.Get("/"); r.Status != http.StatusSeeOther {
		t.Errorf("the other session: %d, want it ended", r.Status)
	}
}

func TestStateChangingRequestsFromAnotherSiteAreRefusedEvenAnonymous(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RolePlanner)
	jsonLogin := `{"email": "` + u.Email + `", "password": "` + u.Password + `"}`
	formLogin := url.Values{"email": {u.Email}, "password": {u.Password}}.Encode()
	asJSON := map[string]string{"Content-Type": "application/json", "Accept": "application/json"}
	// What fetch(…, {mode: "no-cors"}) may send from any site: a form body
	// and the safelisted header Accept.
	noCORS := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
	with := func(h map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range h {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}

	refused := []struct {
		name   string
		body   string
		header map[string]string
	}{
		{"anonymous JSON login from another site", jsonLogin, with(asJSON, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")},
		{"anonymous no-cors form login asking for JSON", formLogin, with(noCORS, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")},
		{"anonymous JSON login from a sibling subdomain", jsonLogin, with(asJSON, "Sec-Fetch-Site", "same-site", "Origin", "https://other.sonoivu.example")},
		{"an older browser: only Origin, foreign", jsonLogin, with(asJSON, "Origin", "https://evil.example")},
		{"an older browser: Origin null", formLogin, with(noCORS, "Origin", "null")},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			c := srv.NewClient(t)
			r := c.Do(http.MethodPost, "/login", strings.NewReader(tt.body), tt.header)
			if r.Status != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %.300s", r.Status, r.Body)
			}
			if !strings.Contains(r.Body, "This request came from another website") {
				t.Errorf("the refusal must say why: %.300s", r.Body)
			}
		})
	}
	if n := srv.Count(t, "sessions") + srv.Count(t, "login_attempts"); n != 0 {
		t.Fatalf("a cross-site login wrote %d rows", n)
	}

	// Same-origin browsers and non-browser clients still sign in.
	allowed := []struct {
		name   string
		header map[string]string
	}{
		{"JSON from the same origin", with(asJSON, "Sec-Fetch-Site", "same-origin", "Origin", srv.URL)},
		{"JSON from a script (no browser headers)", asJSON},
		{"an older browser whose Origin is BASE_URL", with(asJSON, "Origin", srv.Config.BaseURL.Scheme+"://"+srv.Config.BaseURL.Host)},
	}
	for _, tt := range allowed {
		t.Run(tt.name, func(t *testing.T) {
			c := srv.NewClient(t)
			r := c.Do(http.MethodPost, "/login", strings.NewReader(jsonLogin), tt.header)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303: %.300s", r.Status, r.Body)
			}
		})
	}

	// A session's valid CSRF token does not make a cross-site request acceptable.
	c := srv.NewClient(t)
	c.Login(u)
	before := srv.Count(t, "api_tokens")
	r := c.Do(http.MethodPost, "/account/tokens", strings.NewReader(url.Values{"name": {"x"}, "_csrf": {c.CSRF()}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"})
	if r.Status != http.StatusForbidden || srv.Count(t, "api_tokens") != before {
		t.Errorf("cross-site form with a stolen token: %d, want 403 and nothing written", r.Status)
	}
}

func TestHSTSIsSentOnlyWhenServedOverHTTPS(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"", "https://khung.example"} {
		srv := webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
			if base != "" {
				u, err := url.Parse(base)
				if err != nil {
					t.Fatal(err)
				}
				d.Config.BaseURL = u
			}
			return newApp(d)
		})
		c := srv.NewClient(t)
		for _, path := range []string{"/login", "/static/app.css", "/healthz", "/no-such-page"} {
			got := c.Get(path).Header.Get("Strict-Transport-Security")
			want := ""
			if base != "" {
				want = "max-age=31536000"
			}
			if got != want {
				t.Errorf("BASE_URL %q, GET %s: Strict-Transport-Security %q, want %q", base, path, got, want)
			}
		}
	}
}

func TestTheLoginThrottleKeysOnTheClientBehindATrustedProxyOnly(t *testing.T) {
	t.Parallel()
	start := func(proxies string) *webtest.Server {
		return webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
			d.Config.TrustedProxies = nil
			for _, p := range strings.Split(proxies, ",") {
				if p != "" {
					d.Config.TrustedProxies = append(d.Config.TrustedProxies, netip.MustParsePrefix(p))
				}
			}
			return newApp(d)
		})
	}
	// The tests reach the app from 127.0.0.1, which plays the proxy.
	for _, tt := range []struct {
		name, proxies, forwardedFor, want string
	}{
		{"no trusted proxy: the header is ignored", "", "203.0.113.9", "127.0.0.1"},
		{"behind the proxy: the client it names", "127.0.0.1/32", "203.0.113.9", "203.0.113.9"},
		{"a forged hop on the left is ignored", "127.0.0.1/32", "198.51.100.66, 203.0.113.9", "203.0.113.9"},
		{"a chain of trusted proxies is skipped", "127.0.0.1/32,10.0.0.0/8", "198.51.100.66, 203.0.113.9, 10.1.2.3", "203.0.113.9"},
		{"garbage stops the walk at the last good hop", "127.0.0.1/32", "203.0.113.9, not-an-ip", "127.0.0.1"},
		{"no header behind the proxy: the proxy itself", "127.0.0.1/32", "", "127.0.0.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(tt.proxies)
			c := srv.NewClient(t)
			form := url.Values{"email": {"nobody@sonoivu.test"}, "password": {"sai mật khẩu rồi"}, "_csrf": {c.CSRF()}}
			h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			if tt.forwardedFor != "" {
				h["X-Forwarded-For"] = tt.forwardedFor
			}
			if r := c.Do(http.MethodPost, "/login", strings.NewReader(form.Encode()), h); r.Status != http.StatusUnauthorized {
				t.Fatalf("login: %d", r.Status)
			}
			var ip string
			if err := srv.DB.Raw("SELECT ip FROM login_attempts").Scan(&ip).Error; err != nil {
				t.Fatal(err)
			}
			if ip != tt.want {
				t.Errorf("the attempt is recorded for %q, want %q", ip, tt.want)
			}
		})
	}

	// Five failures by one client behind the proxy do not block another client.
	srv := start("127.0.0.1/32")
	u, v := srv.CreateUser(t, models.RolePlanner), srv.CreateUser(t, models.RolePlanner)
	post := func(client string, who webtest.User, password string) int {
		c := srv.NewClient(t)
		form := url.Values{"email": {who.Email}, "password": {password}, "_csrf": {c.CSRF()}}
		return c.Do(http.MethodPost, "/login", strings.NewReader(form.Encode()), map[string]string{
			"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": client}).Status
	}
	for range 5 {
		post("203.0.113.9", u, "sai mật khẩu rồi")
	}
	if got := post("203.0.113.9", u, u.Password); got != http.StatusTooManyRequests {
		t.Errorf("the failing client: %d, want 429", got)
	}
	if got := post("198.51.100.20", v, v.Password); got != http.StatusSeeOther {
		t.Errorf("another client behind the same proxy: %d, want 303", got)
	}
	if got := post("198.51.100.21", u, u.Password); got != http.StatusSeeOther {
		t.Errorf("the owner from another client: %d, want 303 (a guesser must not lock them out)", got)
	}
}

func TestABodyOverTheLimitGetsA413PageOrJSONInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	srv := webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
		d.Config.UploadMaxBytes = 1 // BodyLimit: 1 MiB for forms + 1 byte of upload
		return newApp(d)
	})
	rawIDs := []string{"error.title", "error.request_id", "error.back_home", "app.name", "security.", "{{"}
	for _, tt := range []struct {
		name, lang, want string
	}{
		{"Vietnamese by default", "", "Dữ liệu gửi lên quá lớn: mỗi lần gửi tối đa 2 MB."},
		{"English from the language cookie", "en", "The request is too large: at most 2 MB can be sent at once."},
	} {
		t.Run(tt.name+", page", func(t *testing.T) {
			h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
			if tt.lang != "" {
				h["Cookie"] = "lang=" + tt.lang
			}
			r := postTooLarge(t, srv, "/proposals/import", h)
			if r.Status != http.StatusRequestEntityTooLarge || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %q, want a 413 page", r.Status, r.Header.Get("Content-Type"))
			}
			if !strings.Contains(r.Body, tt.want) {
				t.Errorf("the page must say %q: %.1500s", tt.want, r.Body)
			}
			for _, id := range rawIDs {
				if strings.Contains(r.Body, id) {
					t.Errorf("the page shows the raw %q: %.1500s", id, r.Body)
				}
			}
			if id := r.Header.Get("X-Request-ID"); id == "" || !strings.Contains(r.Body, id) {
				t.Errorf("the page must show its request id %q", id)
			}
			if r.Header.Get("X-Frame-Options") != "DENY" {
				t.Error("the 413 page lacks the security headers")
			}
		})
	}
	t.Run("JSON", func(t *testing.T) {
		r := postTooLarge(t, srv, "/api/v1/proposals", map[string]string{"Content-Type": "application/json"})
		var env errorEnvelope
		r.JSON(t, &env)
		if r.Status != http.StatusRequestEntityTooLarge || env.Error != "too_large" ||
			!strings.Contains(env.Message.VI, "tối đa 2 MB") || !strings.Contains(env.Message.EN, "at most 2 MB") {
			t.Errorf("%d %+v", r.Status, env)
		}
	})
	// A body under the limit is read as usual.
	c := srv.NewClient(t)
	if r := c.PostForm("/login", url.Values{"email": {"x@sonoivu.test"}, "password": {strings.Repeat("p", 60)}}); r.Status != http.StatusUnauthorized {
		t.Errorf("a small login form: %d, want 401", r.Status)
	}
}

// postTooLarge sends the headers of a 3 MiB POST and no body, and reads the
// answer. The server judges the declared length before reading any body;
// sending the body too would race the server's close against our writes
// (connection reset), which is not what the test is about.
func postTooLarge(t *testing.T, srv *webtest.Server, path string, header map[string]string) webtest.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	var head strings.Builder
	head.WriteString("POST " + path + " HTTP/1.1\r\nHost: " + req.Host + "\r\nContent-Length: " + strconv.Itoa(3<<20) + "\r\n")
	if err := req.Header.Write(&head); err != nil {
		t.Fatal(err)
	}
	head.WriteString("\r\n")
	if _, err := conn.Write([]byte(head.String())); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return webtest.Response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}
