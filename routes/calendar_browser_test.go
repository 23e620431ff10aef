package routes

import (
	"context"
	"strings"
	"testing"
	"time"

	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// TestBrowserUnitCalendarAndInspectorVisits runs on the demo city with the
// fixture's published plan: Phường Phúc Xá's office sees its planned visit and
// not the unannounced one; inspector@ (i001) sees "my visits".
func TestBrowserUnitCalendarAndInspectorVisits(t *testing.T) {
	srv := startServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 3, 1))

	t.Run("the commune sees its planned visit and not the unannounced one", func(t *testing.T) {
		p := browser.Page(t, srv)
		p.LoginAs(webtest.User{Email: "phucxa@khung.vn", Password: seed.DemoPassword})
		p.Open("/calendar")
		if got := p.Text("[data-test=month-name]"); got != "Tháng 3 năm 2027" {
			t.Fatalf("the calendar opens on %q, want the month of the next visit", got)
		}
		block := p.Text(`a[data-visit="v-00001"]`)
		if !strings.Contains(block, "Phường Phúc Xá") || !strings.Contains(block, "Đoàn KTCV TP") {
			t.Errorf("visit block %q", block)
		}
		if got := p.Text("[data-test=year-count]"); got != "1 cuộc kiểm tra năm 2027" {
			t.Errorf("count %q", got)
		}
		p.ClickAndWait("[data-test=next-month]")
		if got := p.Text("[data-test=month-name]"); got != "Tháng 4 năm 2027" {
			t.Fatalf("next month is %q", got)
		}
		if p.Has(`[data-visit="v-00002"]`) || !p.Has("[data-test=none-month]") {
			t.Error("the unannounced visit of April must not show before its start")
		}

		p.Open("/calendar/list")
		if p.Has(`[data-visit="v-00002"]`) || p.Has(`[data-visit="v-00003"]`) {
			t.Error("the list shows a visit the commune must not see")
		}
		p.ClickAndWait(`li[data-visit="v-00001"] h2 a`)
		if got := p.Text("[data-test=leader]"); got != w.Lead.FullName {
			t.Errorf("team leader %q, want %q", got, w.Lead.FullName)
		}
		if got := p.Text("[data-test=visit-dates]"); got != "15/03/2027 – 17/03/2027" {
			t.Errorf("dates %q", got)
		}
		if got := p.Text("[data-test=prepare]"); !strings.Contains(got, "Báo cáo tự kiểm tra") {
			t.Errorf("what to prepare: %q", got)
		}
		for _, path := range []string{"/calendar?year=2027&month=3", "/calendar/list", "/calendar/ical"} {
			p.Open(path)
			if v := p.AxeViolations(); len(v) > 0 {
				t.Errorf("axe on %s: %v", path, v)
			}
		}
	})

	t.Run("the inspector sees my visits", func(t *testing.T) {
		p := browser.Page(t, srv)
		p.LoginAs(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword})
		p.Open("/my-visits")
		if got := p.Text("h1"); got != "Chuyến kiểm tra của tôi" {
			t.Fatalf("h1 %q", got)
		}
		if got := p.Text(`tr[data-visit="v-00001"] [data-test=role]`); got != "Trưởng đoàn" {
			t.Errorf("role on the planned visit: %q", got)
		}
		if got := p.Text(`tr[data-visit="v-00001"] [data-test=teammates]`); !strings.Contains(got, w.Member.FullName) {
			t.Errorf("teammates %q lack %q", got, w.Member.FullName)
		}
		if !p.Has(`tr[data-visit="v-00003"]`) || p.Has(`tr[data-visit="v-00004"]`) {
			t.Error("my visits must hold the published district visit and not the draft one")
		}
		if v := p.AxeViolations(); len(v) > 0 {
			t.Errorf("axe on /my-visits: %v", v)
		}
	})
}
