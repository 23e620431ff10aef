package routes

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"khung/app/seed"
	"khung/routes/webtest"
)

// TestBrowserEveryPageOfTheDemoPassesAxeForEveryRole walks the demo as
// `khung seed --demo` loads it (newLiveDemo) as each role in Chromium, one
// page of each path (demoWalk), at 1440×900, and the main journeys at
// 390×844 too: axe-core finds no serious or critical violation (out-of-month
// calendar days included), no page shows what a person must never read
// (artefactRules), and on the phone nothing widens the page beyond the screen.
func TestBrowserEveryPageOfTheDemoPassesAxeForEveryRole(t *testing.T) {
	srv := newLiveDemo(t)
	var bodyCodes []string
	mustDB(t, srv.DB.Raw(`SELECT code FROM bodies`).Scan(&bodyCodes).Error)
	all := newArtefactRules(t, bodyCodes)
	// A visit the demo's inspector leads or joins, the latest first.
	var visit int64
	mustDB(t, srv.DB.Raw(`SELECT v.id FROM visits v JOIN visit_members m ON m.visit_id = v.id
		JOIN inspectors i ON i.id = m.inspector_id WHERE i.code = ? ORDER BY v.start_date DESC NULLS LAST LIMIT 1`,
		seed.DemoInspectorCode).Scan(&visit).Error)

	t.Run("positive control: axe reports pale text", func(t *testing.T) {
		p := browser.Page(t, srv)
		p.Open("/login")
		p.Rod().MustEval(`() => { const e = document.createElement("p"); e.textContent = "chữ mờ"; e.style.color = "#eee"; document.querySelector("main").append(e) }`)
		serious := false
		for _, v := range p.AxeViolations() {
			serious = serious || strings.HasPrefix(v, "serious color-contrast")
		}
		if !serious {
			t.Error("axe did not report pale text as a serious violation")
		}
	})

	// Each login's journey: where the walk starts, and the pages checked on
	// the phone too.
	journeys := []struct {
		login string
		paths []string
	}{
		{"admin", []string{"/"}},
		{"approver", []string{"/", "/plans", "/notifications"}},
		{"hongha", []string{"/", "/calendar", "/calendar/list", "/recommendations", "/calendar/ical"}},
		{"inspector", []string{"/", "/my-visits", fmt.Sprintf("/visits/%d", visit), "/recommendations", "/calendar"}},
		{"phucxa", []string{"/", "/calendar"}},
		{"planner", []string{"/", "/proposals?year=2027", "/plans/2027", "/calendar"}},
		{"sotuphap", []string{"/", "/recommendations"}},
		{"viewer", []string{"/", "/plans"}},
	}
	for _, j := range journeys {
		t.Run(j.login, func(t *testing.T) {
			rules := all
			if j.login == "admin" {
				rules = all.withoutCodes()
			}
			p := browser.Page(t, srv)
			p.Resize(webtest.Desktop)
			p.LoginAs(webtest.User{Email: j.login + "@khung.vn", Password: seed.DemoPassword})
			check := func(path, size string) {
				t.Helper()
				for _, v := range p.AxeViolations() {
					if strings.HasPrefix(v, "serious ") || strings.HasPrefix(v, "critical ") {
						t.Errorf("%s at %s: %s", path, size, v)
					}
				}
				for _, a := range rules.find(p.BodyText()) {
					t.Errorf("%s shows %s", path, a)
				}
			}
			walk := demoWalk{perShape: 1, limit: 40, pathOnly: true, open: func(path string) ([]string, bool) {
				p.Open(path)
				if !strings.HasPrefix(p.URL(), p.Base()) {
					return nil, false
				}
				check(path, "1440×900")
				var links []string
				for _, l := range p.Rod().MustEval(`() => [...document.querySelectorAll("a[href]")].map(a => a.getAttribute("href"))`).Arr() {
					links = append(links, l.String())
				}
				return links, true
			}}
			done := walk.from(j.paths...)
			t.Logf("%s: %d shapes of page checked at 1440×900: %v", j.login, len(done), done)

			p.Resize(webtest.Phone)
			for i, path := range j.paths {
				p.Open(path)
				check(path, "390×844")
				if over := p.Overflows(); over > 0 {
					t.Errorf("%s at 390×844: the page is %d px wider than the screen", path, over)
				}
				p.Shot(fmt.Sprintf("%s-phone-%d", j.login, i))
			}
			if os.Getenv("KHUNG_SHOTS") == "" {
				return
			}
			p.Resize(webtest.Desktop)
			for i, path := range j.paths {
				p.Open(path)
				p.Shot(fmt.Sprintf("%s-desktop-%d", j.login, i))
			}
		})
	}
}
