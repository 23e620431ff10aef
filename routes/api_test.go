package routes

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"khung/app/apperr"
	"khung/models"
	"khung/routes/webtest"
)

func TestMeAnswersWithASessionOrABearerToken(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	unit := srv.CreateUnit(t, 0, "Quận Ba Đình")
	u := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(unit.ID))

	var me meResponse
	anon := srv.NewClient(t)
	if r := anon.GetJSON("/api/v1/me"); r.Status != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", r.Status)
	}

	c := srv.NewClient(t)
	c.Login(u)
	r := c.GetJSON("/api/v1/me")
	r.JSON(t, &me)
	if r.Status != 200 || me.ID != u.ID || me.Role != models.RoleUnit || me.UnitName != "Quận Ba Đình" || me.AuthMethod != "session" {
		t.Fatalf("with a session: %d %+v", r.Status, me)
	}

	b := srv.NewClient(t)
	b.Token = srv.CreateToken(t, u)
	r = b.GetJSON("/api/v1/me")
	me = meResponse{}
	r.JSON(t, &me)
	if r.Status != 200 || me.ID != u.ID || me.AuthMethod != "token" {
		t.Fatalf("with a token: %d %+v", r.Status, me)
	}

	b.Token = "khung_not-a-real-token"
	var env errorEnvelope
	r = b.GetJSON("/api/v1/me")
	r.JSON(t, &env)
	if r.Status != http.StatusUnauthorized || env.Error != "unauthenticated" || env.Message.VI == "" || env.Message.EN == "" {
		t.Fatalf("with a bad token: %d %+v", r.Status, env)
	}
}

func TestTheJSONAPIRefusesBadInputWithTheEnvelopeAndWritesNothing(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RolePlanner)
	c := srv.NewClient(t)
	c.Login(u)
	b := srv.NewClient(t)
	b.Token = srv.CreateToken(t, u)

	tests := []struct {
		name   string
		body   string
		status int
		code   string
		fields []apperr.FieldError
	}{
		{"malformed JSON", `{"name": "Báo cáo"`, 400, "bad_request", []apperr.FieldError{}},
		{"not JSON at all", `name=Báo cáo`, 400, "bad_request", []apperr.FieldError{}},
		{"empty body", ``, 400, "bad_request", []apperr.FieldError{}},
		{"unknown field", `{"name": "Báo cáo", "admin": true}`, 400, "bad_request", []apperr.FieldError{}},
		{"missing name", `{}`, 422, "validation", []apperr.FieldError{
			{Field: "name", Rule: "notblank", VI: "Bắt buộc nhập.", EN: "This field is required."}}},
		{"name of the wrong type", `{"name": 42}`, 422, "validation", []apperr.FieldError{
			{Field: "name", Rule: "type", VI: "Sai kiểu dữ liệu (cần chuỗi ký tự).", EN: "Wrong type (expected a string)."}}},
		{"lifetime out of range", `{"name": "x", "expires_in_days": 5000}`, 422, "validation", []apperr.FieldError{
			{Field: "expires_in_days", Rule: "max", VI: "Phải nhỏ hơn hoặc bằng 3650.", EN: "Must be 3650 or less."}}},
	}
	tokens, audits := srv.Count(t, "api_tokens"), srv.Count(t, "audit_log")
	for _, tt := range tests {
		for _, who := range []struct {
			name string
			c    *webtest.Client
		}{{"session", c}, {"bearer", b}} {
			t.Run(tt.name+" with a "+who.name, func(t *testing.T) {
				r := who.c.SendJSON(http.MethodPost, "/api/v1/me/tokens", tt.body)
				var env errorEnvelope
				r.JSON(t, &env)
				if r.Status != tt.status || env.Error != tt.code {
					t.Fatalf("got %d %q, want %d %q; body %s", r.Status, env.Error, tt.status, tt.code, r.Body)
				}
				if env.Message.VI == "" || env.Message.EN == "" {
					t.Errorf("message must be in both languages: %+v", env.Message)
				}
				if diff := cmp.Diff(tt.fields, env.Fields); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}
	}
	if srv.Count(t, "api_tokens") != tokens || srv.Count(t, "audit_log") != audits {
		t.Error("bad input wrote something")
	}

	// A session creates tokens; a bearer request needs no CSRF token, but a
	// token may not create tokens (see auth.CreateToken).
	r := c.SendJSON(http.MethodPost, "/api/v1/me/tokens", `{"name": "Máy chủ báo cáo", "expires_in_days": 90}`)
	var created tokenJSON
	r.JSON(t, &created)
	if r.Status != http.StatusCreated || !strings.HasPrefix(created.Token, "khung_") || created.Name != "Máy chủ báo cáo" {
		t.Fatalf("create with a session: %d %s", r.Status, r.Body)
	}
	if r := b.SendJSON(http.MethodPost, "/api/v1/me/tokens", `{"name": "Máy chủ báo cáo"}`); r.Status != http.StatusForbidden {
		t.Fatalf("create with a bearer token: %d %s, want 403", r.Status, r.Body)
	}
	if r := b.Do(http.MethodDelete, "/api/v1/me/tokens/999999", nil, nil); r.Status != http.StatusNotFound {
		t.Errorf("revoking a token that does not exist: %d", r.Status)
	}
}

func TestUnknownPathsAndServerErrorsNeverShowInternals(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	u := srv.CreateUser(t, models.RolePlanner)
	c := srv.NewClient(t)
	c.Login(u)

	var env errorEnvelope
	r := c.GetJSON("/api/v1/no-such-thing")
	r.JSON(t, &env)
	if r.Status != 404 || env.Error != "not_found" {
		t.Errorf("unknown API path: %d %+v", r.Status, env)
	}
	if r := c.Get("/no-such-page"); r.Status != 404 || !strings.Contains(r.Body, "Không tìm thấy trang này.") {
		t.Errorf("unknown page: %d", r.Status)
	}

	// Break the database under the app: the answer is a plain 500, no SQL.
	if err := srv.DB.Exec(`ALTER TABLE api_tokens RENAME TO api_tokens_gone`).Error; err != nil {
		t.Fatal(err)
	}
	for i, r := range []webtest.Response{c.GetJSON("/api/v1/me/tokens"), c.Get("/account/tokens")} {
		if r.Status != 500 {
			t.Errorf("status %d, want 500", r.Status)
		}
		for _, leak := range []string{"api_tokens", "relation", "SQLSTATE", "goroutine", ".go:"} {
			if strings.Contains(r.Body, leak) {
				t.Errorf("the 500 answer shows %q: %.400s", leak, r.Body)
			}
		}
		if id := r.Header.Get("X-Request-ID"); id == "" || (i == 1 && !strings.Contains(r.Body, id)) {
			t.Errorf("the 500 answer must carry the request id to report (header; and on the page)")
		}
	}
}
