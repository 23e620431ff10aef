package routes

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/models"
)

// newBareHandlers builds the handlers without a database, for middleware tests
// whose routes never reach it.
func newBareHandlers(t *testing.T, log *slog.Logger) *Handlers {
	t.Helper()
	return newHandlers(bareApp(t, log))
}

func TestEveryRequestGetsAnIDAndOneAccessLogLine(t *testing.T) {
	var logs bytes.Buffer
	h := newBareHandlers(t, slog.New(slog.NewJSONHandler(&logs, nil)))
	app := fiber.New(fiber.Config{ErrorHandler: h.handleError})
	app.Use(h.requestID, h.accessLog, h.recover)
	app.Get("/ok", func(c *fiber.Ctx) error { return c.SendString("ok") })

	tests := []struct {
		name, sent string
		keep       bool
	}{
		{"a client's short id is kept", "trace-123_abc.def", true},
		{"no id gets a new one", "", false},
		{"an id with spaces is replaced", "evil id\nforged=1", false},
		{"an over-long id is replaced", strings.Repeat("a", 65), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			req := httptest.NewRequest("GET", "/ok", nil)
			if tt.sent != "" {
				req.Header.Set("X-Request-ID", tt.sent)
			}
			res, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			id := res.Header.Get("X-Request-ID")
			if tt.keep && id != tt.sent || !tt.keep && (id == "" || id == tt.sent) {
				t.Fatalf("X-Request-ID = %q (sent %q)", id, tt.sent)
			}
			var line map[string]any
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
				t.Fatalf("one JSON log line expected, got %q", logs.String())
			}
			if line["request_id"] != id || line["path"] != "/ok" || line["status"] != float64(200) {
				t.Errorf("log line %v", line)
			}
		})
	}
}

func TestAPanicBecomesA500WithoutTheStack(t *testing.T) {
	var logs bytes.Buffer
	h := newBareHandlers(t, slog.New(slog.NewJSONHandler(&logs, nil)))
	app := fiber.New(fiber.Config{ErrorHandler: h.handleError})
	app.Use(h.requestID, h.accessLog, h.recover)
	app.Get("/api/boom", func(c *fiber.Ctx) error { panic("secret detail at main.go:42") })

	res, err := app.Test(httptest.NewRequest("GET", "/api/boom", nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err != nil || res.StatusCode != 500 || env.Error != "internal" {
		t.Fatalf("got %d %s", res.StatusCode, body)
	}
	if strings.Contains(string(body), "secret") || strings.Contains(string(body), ".go") {
		t.Errorf("the answer shows the panic: %s", body)
	}
	if !strings.Contains(logs.String(), "secret detail") || !strings.Contains(logs.String(), `"stack"`) {
		t.Errorf("the panic and its stack must be logged: %s", logs.String())
	}
}

func TestSafeNextKeepsRedirectsOnThisSite(t *testing.T) {
	for _, tt := range []struct {
		name, next, want string
	}{
		{"nothing goes home", "", "/"},
		{"a path with a query is kept", "/account/tokens?x=1", "/account/tokens?x=1"},
		{"an encoded Vietnamese query is kept", "/units?q=H%C3%A0+N%E1%BB%99i", "/units?q=H%C3%A0+N%E1%BB%99i"},
		{"a URL inside the query is kept", "/search?u=https%3A%2F%2Fx.example", "/search?u=https%3A%2F%2Fx.example"},
		{"protocol-relative", "//evil.example", "/"},
		{"backslash after the slash", "/\\evil.example", "/"},
		{"backslash later on", "/a\\b", "/"},
		{"absolute URL", "https://evil.example", "/"},
		{"javascript scheme", "javascript:alert(1)", "/"},
		{"header injection", "/ok\r\nSet-Cookie: x", "/"},
		{"tab between the slashes", "/\t/evil.example/x", "/"},
		{"newline between the slashes", "/\n/evil.example", "/"},
		{"NUL", "/\x00/evil.example", "/"},
		{"DEL", "/\x7f/evil.example", "/"},
		{"C1 control", "/\u0085/evil.example", "/"},
		{"encoded tab", "/%09/evil.example", "/"},
		{"encoded slash", "/%2F/evil.example", "/"},
		{"encoded slash, lower case", "/%2f%2fevil.example", "/"},
		{"encoded backslash", "/%5Cevil.example", "/"},
		{"doubly encoded slash", "/%252F/evil.example", "/"},
		{"triply encoded slash", "/%25252F/evil.example", "/"},
		{"broken escape", "/%zz", "/"},
		{"relative path", "account", "/"},
		{"scheme without slashes", "http:evil.example", "/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := safeNext(tt.next); got != tt.want {
				t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
			}
		})
	}
}

func TestDatesShowDayMonthYearInTheCitysTimeZone(t *testing.T) {
	hanoi, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	late := time.Date(2025, 8, 31, 20, 30, 0, 0, time.UTC) // already 1 September in Hà Nội
	d := models.NewDate(2025, 9, 2)
	for _, tt := range []struct {
		v      any
		layout string
		want   string
	}{
		{late, "02/01/2006 15:04", "01/09/2025 03:30"},
		{&late, "02/01/2006", "01/09/2025"},
		{(*time.Time)(nil), "02/01/2006", ""},
		{time.Time{}, "02/01/2006", ""},
		{d, "02/01/2006 15:04", "02/09/2025"},
		{&d, "02/01/2006", "02/09/2025"},
		{models.Date{}, "02/01/2006", ""},
	} {
		if got := formatTime(tt.v, hanoi, tt.layout); got != tt.want {
			t.Errorf("formatTime(%v, %q) = %q, want %q", tt.v, tt.layout, got, tt.want)
		}
	}
}
