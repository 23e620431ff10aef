package webtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Client is an HTTP client with a cookie jar that does not follow redirects,
// so tests see the 303 and its Location.
type Client struct {
	t     testing.TB
	base  string
	http  *http.Client
	Token string // bearer token sent with every request when set
}

// Response is a read response.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("response is not JSON (%v): %.300s", err, r.Body)
	}
}

// NewClient returns a client of s with an empty cookie jar.
func (s *Server) NewClient(t testing.TB) *Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{t: t, base: s.URL, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Cookie returns the value of the cookie name the client holds ("" when none).
func (c *Client) Cookie(name string) string {
	u, err := url.Parse(c.base)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, k := range c.http.Jar.Cookies(u) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

// Do sends a request with the given headers and returns the response.
func (c *Client) Do(method, path string, body io.Reader, header map[string]string) Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get fetches path as a browser would (Accept: text/html).
func (c *Client) Get(path string) Response {
	c.t.Helper()
	return c.Do(http.MethodGet, path, nil, map[string]string{"Accept": "text/html"})
}

// GetJSON fetches path asking for JSON.
func (c *Client) GetJSON(path string) Response {
	c.t.Helper()
	return c.Do(http.MethodGet, path, nil, map[string]string{"Accept": "application/json"})
}

// PostForm posts a form as a browser would; the CSRF token of the client's
// session is added unless the form has a _csrf value already.
func (c *Client) PostForm(path string, form url.Values) Response {
	c.t.Helper()
	if _, ok := form["_csrf"]; !ok {
		form = cloneValues(form)
		form.Set("_csrf", c.CSRF())
	}
	return c.PostFormRaw(path, form)
}

// PostFormRaw posts a form exactly as given (no CSRF token added).
func (c *Client) PostFormRaw(path string, form url.Values) Response {
	c.t.Helper()
	return c.Do(http.MethodPost, path, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
}

// SendJSON sends body (raw JSON text) with the session's CSRF header, unless
// the client uses a bearer token.
func (c *Client) SendJSON(method, path, body string) Response {
	c.t.Helper()
	h := map[string]string{"Content-Type": "application/json", "Accept": "application/json"}
	if c.Token == "" {
		h["X-CSRF-Token"] = c.CSRF()
	}
	return c.Do(method, path, bytes.NewBufferString(body), h)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// CSRF returns the token the server gives this client's forms (read from the
// login page, or the home page when logged in).
func (c *Client) CSRF() string {
	c.t.Helper()
	for _, p := range []string{"/login", "/account/password"} {
		r := c.Get(p)
		if m := csrfField.FindStringSubmatch(r.Body); m != nil {
			return m[1]
		}
	}
	c.t.Fatal("no CSRF token found on /login or /account/password")
	return ""
}

// Login logs u in through the login form and fails the test unless it works.
func (c *Client) Login(u User) {
	c.t.Helper()
	r := c.PostForm("/login", url.Values{"email": {u.Email}, "password": {u.Password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login as %s: status %d, want 303; body: %.500s", u.Email, r.Status, r.Body)
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
