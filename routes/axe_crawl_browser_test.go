package routes

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"khung/app/authz"
	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// crawlSkip are links the crawl does not follow: files, feeds, prints
// (checked by their own tests) and signing out.
var crawlSkip = regexp.MustCompile(`\.(xlsx|ics|csv|pdf)(\?|$)|^/(attachments|visits/files)/|/print(\?|$)|^/logout|^/api/|^/static/|^/ical/`)

// pageKind is a path with its ids and query values blanked: the crawl checks
// one page of each kind (one proposal, one visit, one month…), not all 1,600.
var digits = regexp.MustCompile(`\d+`)

func pageKind(u *url.URL) string {
	q := u.Query()
	q.Del("lang")
	kind := digits.ReplaceAllString(u.Path, "N")
	if len(q) > 0 {
		kind += "?" // a filtered, sorted or later page of a list: one is enough
	}
	return kind
}

// artefact finds what a person must never read: a raw message key, a Go
// formatting artefact or a memory address.
var artefact = regexp.MustCompile(`%!|\b0x[0-9a-f]{6,}\b|\b(visits|plans|proposals|inspections|remediation|home|nav|validation)\.[a-z_]+(\.[a-z0-9_]+)*\b`)

// crawl visits every kind of page reachable by links from start (at most
// limit kinds), running check on each, and returns the paths it checked.
func crawl(t *testing.T, p *webtest.Page, start []string, limit int, check func(path string)) []string {
	t.Helper()
	seen := map[string]bool{}
	queue := append([]string(nil), start...)
	var done []string
	for len(queue) > 0 && len(done) < limit {
		path := queue[0]
		queue = queue[1:]
		u, err := url.Parse(path)
		if err != nil || seen[pageKind(u)] || crawlSkip.MatchString(path) {
			continue
		}
		seen[pageKind(u)] = true
		p.Open(path)
		if !strings.HasPrefix(p.URL(), p.Base()) {
			continue
		}
		check(path)
		done = append(done, path)
		links := p.Rod().MustEval(`() => [...document.querySelectorAll("a[href]")].map(a => a.getAttribute("href"))`).Arr()
		for _, l := range links {
			href := l.String()
			if strings.HasPrefix(href, "/") && !strings.HasPrefix(href, "//") {
				if i := strings.Index(href, "#"); i >= 0 {
					href = href[:i]
				}
				queue = append(queue, href)
			}
		}
	}
	return done
}

// TestBrowserEveryPageOfTheDemoPassesAxeForEveryRole crawls the demo city
// (with a published plan, a concluded visit and its recommendations, and the
// demo proposals) as each role, at 1440×900, and the main journeys at
// 390×844 too: axe-core finds no serious or critical violation (out-of-month
// calendar days included), no page shows a raw key or a Go artefact, and on
// the phone nothing widens the page beyond the screen.
func TestBrowserEveryPageOfTheDemoPassesAxeForEveryRole(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	if _, err := seed.Demo(ctx, srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB)
	concludeOnPages(t, srv, w) // sets the day to 1 March 2027
	var planner models.User
	mustDB(t, srv.DB.Where("email = ?", "planner@khung.vn").Take(&planner).Error)
	if _, err := seed.ImportDemoProposals(ctx, srv.DB, visitstest.Year, authz.Actor{UserID: planner.ID, Role: models.RolePlanner}); err != nil {
		t.Fatal(err)
	}

	t.Run("positive controls: the checks can fail", func(t *testing.T) {
		if artefact.FindString("Trạng thái: visits.status.0x39efeeb53340") == "" || artefact.FindString("%!f(*float64=0xc000)") == "" {
			t.Error("the artefact pattern misses a raw key or a Go artefact")
		}
		if m := artefact.FindString("Lịch kiểm tra 15/03/2027 – Phường Phúc Xá, 3 đề xuất."); m != "" {
			t.Errorf("the artefact pattern flags plain text: %q", m)
		}
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

	journeys := map[string][]string{
		"admin@khung.vn":     {"/"},
		"planner@khung.vn":   {"/", "/proposals?year=2027", "/calendar?year=2027&month=3", fmt.Sprintf("/visits/%d", w.Planned.ID)},
		"approver@khung.vn":  {"/", "/plans"},
		"inspector@khung.vn": {"/", "/my-visits", fmt.Sprintf("/visits/%d", w.Planned.ID), "/recommendations", "/calendar?year=2027&month=3"},
		"phucxa@khung.vn":    {"/", "/calendar?year=2027&month=3", "/calendar/list", "/recommendations", "/calendar/ical"},
		"unit@khung.vn":      {"/", "/calendar?year=2027&month=3"},
		"viewer@khung.vn":    {"/", "/plans"},
	}
	emails := make([]string, 0, len(journeys))
	for e := range journeys {
		emails = append(emails, e)
	}
	sort.Strings(emails)
	for _, email := range emails {
		t.Run(strings.TrimSuffix(email, "@khung.vn"), func(t *testing.T) {
			p := browser.Page(t, srv)
			p.Resize(webtest.Desktop)
			p.LoginAs(webtest.User{Email: email, Password: seed.DemoPassword})
			role := strings.TrimSuffix(email, "@khung.vn")
			check := func(size string) func(path string) {
				return func(path string) {
					t.Helper()
					for _, v := range p.AxeViolations() {
						if strings.HasPrefix(v, "serious ") || strings.HasPrefix(v, "critical ") {
							t.Errorf("%s at %s: %s", path, size, v)
						}
					}
					if m := artefact.FindString(p.BodyText()); m != "" {
						t.Errorf("%s shows %q", path, m)
					}
				}
			}
			done := crawl(t, p, journeys[email], 60, check("1440×900"))
			t.Logf("%s: %d kinds of page checked at 1440×900: %v", role, len(done), done)

			p.Resize(webtest.Phone)
			for i, path := range journeys[email] {
				p.Open(path)
				check("390×844")(path)
				if over := p.Overflows(); over > 0 {
					t.Errorf("%s at 390×844: the page is %d px wider than the screen", path, over)
				}
				p.Shot(fmt.Sprintf("%s-phone-%d", role, i))
			}
			p.Resize(webtest.Desktop)
			for i, path := range journeys[email] {
				p.Open(path)
				p.Shot(fmt.Sprintf("%s-desktop-%d", role, i))
			}
		})
	}
}
