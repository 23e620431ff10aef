package routes

import (
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"khung/app"
	"khung/jobs"
	"khung/models"
	"khung/routes/webtest"
)

// TestARuleValueItsRuleDoesNotAcceptIsRefusedAndTheJobsKeepRunning saves
// malformed values of the notification policy through the JSON API and the
// admin form: each answers 422 naming the field in Vietnamese and English and
// changes nothing, so every notification job still runs afterwards.
func TestARuleValueItsRuleDoesNotAcceptIsRefusedAndTheJobsKeepRunning(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	admin := srv.CreateUser(t, models.RoleAdmin)
	api := srv.NewClient(t)
	api.Token = srv.CreateToken(t, admin)

	r := api.SendJSON("POST", "/api/v1/rules",
		`{"key":"notify.reminder_offsets_days","value":[14,7,1],"description_vi":"Nhắc hạn","valid_from":"2025-01-01"}`)
	if r.Status != http.StatusCreated {
		t.Fatalf("a valid rule: %d %s", r.Status, r.Body)
	}
	var saved models.Rule
	r.JSON(t, &saved)
	snapshot := func() string {
		var rows []models.Rule
		mustDB(t, srv.DB.Order("id").Find(&rows).Error)
		var audit int64
		mustDB(t, srv.DB.Table("audit_log").Where("entity = ?", "rules").Count(&audit).Error)
		out := fmt.Sprintf("audit %d;", audit)
		for _, row := range rows {
			out += fmt.Sprintf(" %s=%s from %s;", row.Key, row.Value, row.ValidFrom)
		}
		return out
	}
	before := snapshot()

	rule := func(key, value string) string {
		return fmt.Sprintf(`{"key":%q,"value":%s,"description_vi":"Sai","valid_from":"2026-01-01"}`, key, value)
	}
	update := "/api/v1/rules/" + fmt.Sprint(saved.ID)
	tests := []struct {
		name, method, path, body, field, rule string
	}{
		{"a reminder after the deadline", "PUT", update, rule("notify.reminder_offsets_days", `[14, -7]`), "value", "invalid"},
		{"reminders that are a word", "PUT", update, rule("notify.reminder_offsets_days", `"abc"`), "value", "format"},
		{"an escalation to an unknown position", "POST", "/api/v1/rules",
			rule("notify.escalation", `[{"position":"mayor","overdue_working_days":0}]`), "value", "invalid"},
		{"a digest on funday", "POST", "/api/v1/rules", rule("notify.digest_weekday", `"funday"`), "value", "format"},
		{"negative weights", "POST", "/api/v1/rules", rule("planning.weights", `{"rotation":-50}`), "value", "invalid"},
		{"a key no rule has", "POST", "/api/v1/rules", rule("notify.reminder_days", `[14]`), "key", "exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := api.SendJSON(tt.method, tt.path, tt.body)
			var env errorEnvelope
			r.JSON(t, &env)
			if r.Status != http.StatusUnprocessableEntity || env.Error != "validation" {
				t.Fatalf("%d %s, want 422", r.Status, r.Body)
			}
			found := false
			for _, fe := range env.Fields {
				if fe.Field == tt.field && fe.Rule == tt.rule {
					found = true
					if fe.VI == "" || fe.EN == "" || fe.VI == fe.EN || strings.HasPrefix(fe.VI, "rules.") || strings.HasPrefix(fe.EN, "rules.") {
						t.Errorf("%s reads %q / %q", fe.Field, fe.VI, fe.EN)
					}
				}
			}
			if !found {
				t.Errorf("no %s/%s problem in %+v", tt.field, tt.rule, env.Fields)
			}
			if after := snapshot(); after != before {
				t.Errorf("a refused write changed the rules:\n%s\n→ %s", before, after)
			}
		})
	}

	// The admin form, read in each language.
	for lang, want := range map[string]string{
		"vi": "Mốc nhắc -7 ngày không hợp lệ",
		"en": "A reminder -7 days before is not allowed",
	} {
		t.Run("the form in "+lang, func(t *testing.T) {
			c := srv.NewClient(t)
			c.Login(srv.CreateUser(t, models.RoleAdmin, webtest.WithLocale(lang)))
			r := c.PostForm(fmt.Sprintf("/admin/catalogs/rules/%d", saved.ID), url.Values{
				"key": {"notify.reminder_offsets_days"}, "value": {"[14, -7]"}, "description_vi": {"Nhắc hạn"},
				"valid_from": {"2025-01-01"}})
			body := html.UnescapeString(r.Body)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, "[14, -7]") {
				t.Errorf("%d, want 422 with %q and the value kept: %.2000s", r.Status, want, body)
			}
			if after := snapshot(); after != before {
				t.Errorf("a refused form changed the rules:\n%s\n→ %s", before, after)
			}
		})
	}

	a, err := app.New(app.Deps{Config: srv.Config, DB: srv.DB})
	mustDB(t, err)
	j, err := jobs.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	mustDB(t, err)
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for _, name := range []string{"reminders", "digest", "visit-notices", "directives"} {
		if err := j.RunOnce(t.Context(), name, now); err != nil {
			t.Errorf("job %s after the refused writes: %v", name, err)
		}
	}
}

func TestTheRuleFormOffersTheRegisteredKeysAndTheirFormat(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	c := srv.NewClient(t)
	c.Login(srv.CreateUser(t, models.RoleAdmin, webtest.WithLocale("en")))
	r := c.Get("/admin/catalogs/rules/new")
	body := html.UnescapeString(r.Body)
	for _, want := range []string{`<select id="key" name="key"`, `<option value="notify.digest_weekday">`,
		`Enter an English weekday name in quotes, e.g. "monday".`, `<code>"monday"</code>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the new rule form lacks %q", want)
		}
	}
	// A valid value is saved, and its key's format shows when it is edited.
	r = c.PostForm("/admin/catalogs/rules/new", url.Values{"key": {"notify.digest_weekday"}, "value": {`"friday"`},
		"description_vi": {"Bản tin thứ Sáu"}, "valid_from": {"2026-01-01"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("saving a valid rule: %d %.500s", r.Status, r.Body)
	}
	var saved models.Rule
	mustDB(t, srv.DB.Where("key = 'notify.digest_weekday'").Take(&saved).Error)
	body = html.UnescapeString(c.Get(fmt.Sprintf("/admin/catalogs/rules/%d", saved.ID)).Body)
	if !strings.Contains(body, `<option value="notify.digest_weekday" selected>`) ||
		!strings.Contains(body, `Expected value: Enter an English weekday name`) {
		t.Errorf("the edit form does not show the rule's key and format: %.3000s", body)
	}
}
