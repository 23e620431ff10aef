package routes

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"khung/app/paging"
	"khung/app/visits"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// setDay moves the app's clock to 10:00 in Hanoi on day.
func setDay(t *testing.T, srv *webtest.Server, day models.Date) {
	t.Helper()
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	target := time.Date(day.Year, day.Month, day.Day, 10, 0, 0, 0, hcm)
	srv.Clock.Advance(target.Sub(srv.Clock.Now()))
}

// asInspector links the user to an inspector profile.
func asInspector(id int64) webtest.UserOption {
	return func(u *models.User) { u.InspectorID = &id }
}

var dataVisit = regexp.MustCompile(`data-visit="([^"]+)"`)

// pageCodes returns the visit codes a page shows (its data-visit attributes).
func pageCodes(t *testing.T, c *webtest.Client, path string) map[string]bool {
	t.Helper()
	r := c.Get(path)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%.400s", path, r.Status, r.Body)
	}
	out := map[string]bool{}
	for _, m := range dataVisit.FindAllStringSubmatch(r.Body, -1) {
		out[m[1]] = true
	}
	return out
}

// jsonCodes returns the codes of a JSON list of visits, and its total.
func jsonCodes(t *testing.T, c *webtest.Client, path string) (map[string]bool, int64) {
	t.Helper()
	r := c.GetJSON(path)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %.300s", path, r.Status, r.Body)
	}
	var res paging.Result[visits.Visit]
	r.JSON(t, &res)
	out := map[string]bool{}
	for _, v := range res.Items {
		out[v.Code] = true
	}
	return out, res.Total
}

// reachable tells whether GET path answers 200 (true) or 404 (false).
func reachable(t *testing.T, c *webtest.Client, path string, asJSON bool) bool {
	t.Helper()
	var r webtest.Response
	if asJSON {
		r = c.GetJSON(path)
	} else {
		r = c.Get(path)
	}
	switch r.Status {
	case http.StatusOK:
		return true
	case http.StatusNotFound:
		if asJSON && !strings.Contains(r.Body, `"error":"not_found"`) {
			t.Errorf("GET %s: 404 without the error envelope: %.200s", path, r.Body)
		}
		return false
	}
	t.Fatalf("GET %s: %d (a hidden visit must be 404, never 403)", path, r.Status)
	return false
}

// createFeed asks for a feed URL on the iCal page and returns its path.
func createFeed(t *testing.T, c *webtest.Client) string {
	t.Helper()
	r := c.PostForm("/calendar/ical", url.Values{"confirm": {"1"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("POST /calendar/ical: %d %.300s", r.Status, r.Body)
	}
	m := regexp.MustCompile(`value="(http://[^"]+/ical/[^"]+\.ics)"`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no feed URL on the page: %.1000s", r.Body)
	}
	u, err := url.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// feedCodes fetches a feed (no cookie, no token: the URL is the credential)
// and returns the codes of its events, parsed with golang-ical.
func feedCodes(t *testing.T, srv *webtest.Server, path string) map[string]bool {
	t.Helper()
	r := srv.NewClient(t).Do(http.MethodGet, path, nil, nil)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("GET %s: %d %q %.200s", path, r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("parse feed: %v", err)
	}
	out := map[string]bool{}
	for _, e := range cal.Events() {
		code := strings.TrimSuffix(strings.TrimPrefix(e.Id(), "kh2027-"), "@khung")
		out[code] = true
	}
	return out
}

func TestNoRoleSeesWhatItMustNotOnAnyChannel(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	dayBefore, dayOf := visitstest.UnannouncedStart.AddDays(-1), visitstest.UnannouncedStart
	setDay(t, srv, dayBefore)

	visitsByCode := map[string]models.Visit{}
	what := map[string]string{}
	for _, v := range []struct {
		visit models.Visit
		what  string
	}{
		{w.Planned, "the commune's planned published visit"},
		{w.Unannounced, "the commune's unannounced published visit"},
		{w.District, "the district's own published visit"},
		{w.DraftVisit, "a visit of a draft version"},
		{w.Other, "another district's visit"},
	} {
		visitsByCode[v.visit.Code] = v.visit
		what[v.visit.Code] = v.what
	}
	// Searching "Phúc" matches Phường Phúc Xá and Phường Phúc Tân, not Quận Ba Đình.
	matchesSearch := map[string]bool{"v-00001": true, "v-00002": true, "v-00004": true, "v-00005": true}

	type expect struct{ before, of []string } // codes seen the day before and the day of
	roles := []struct {
		name string
		role models.Role
		opts []webtest.UserOption
		want expect
	}{
		{"unit of the district", models.RoleUnit, []webtest.UserOption{webtest.InUnit(w.DistrictA.ID)},
			expect{[]string{"v-00001", "v-00003"}, []string{"v-00001", "v-00002", "v-00003"}}},
		{"unit of the commune", models.RoleUnit, []webtest.UserOption{webtest.InUnit(w.CommuneA.ID)},
			expect{[]string{"v-00001"}, []string{"v-00001", "v-00002"}}},
		{"unit of another district", models.RoleUnit, []webtest.UserOption{webtest.InUnit(w.DistrictB.ID)},
			expect{[]string{"v-00005"}, []string{"v-00005"}}},
		{"inspector on the unannounced visit's team", models.RoleInspector, []webtest.UserOption{asInspector(w.Member.ID)},
			expect{[]string{"v-00001", "v-00002", "v-00003", "v-00005"}, []string{"v-00001", "v-00002", "v-00003", "v-00005"}}},
		{"inspector off the team", models.RoleInspector, []webtest.UserOption{asInspector(w.Outsider.ID)},
			expect{[]string{"v-00001", "v-00003", "v-00005"}, []string{"v-00001", "v-00002", "v-00003", "v-00005"}}},
		{"planner", models.RolePlanner, nil,
			expect{[]string{"v-00001", "v-00002", "v-00003", "v-00005"}, []string{"v-00001", "v-00002", "v-00003", "v-00005"}}},
		{"viewer", models.RoleViewer, nil,
			expect{[]string{"v-00001", "v-00003", "v-00005"}, []string{"v-00001", "v-00002", "v-00003", "v-00005"}}},
		{"admin", models.RoleAdmin, nil, expect{nil, nil}},
	}

	// One bearer token and one feed URL per role, made the day before.
	clients := make([]*webtest.Client, len(roles))
	feeds := make([]string, len(roles))
	for i, r := range roles {
		u := srv.CreateUser(t, r.role, r.opts...)
		clients[i] = srv.NewClient(t)
		clients[i].Token = srv.CreateToken(t, u)
		feeds[i] = createFeed(t, clients[i])
	}

	days := []struct {
		name string
		day  models.Date
	}{{"the day before", dayBefore}, {"the day of", dayOf}}
	for _, d := range days {
		setDay(t, srv, d.day)
		for i, r := range roles {
			t.Run(r.name+"/"+d.name, func(t *testing.T) {
				c := clients[i]
				wantList := r.want.before
				if d.day == dayOf {
					wantList = r.want.of
				}
				want := map[string]bool{}
				for _, code := range wantList {
					want[code] = true
				}

				// Every channel, as the set of codes it shows.
				channels := map[string]map[string]bool{}
				month := map[string]bool{}
				for _, m := range []int{3, 4, 5} {
					for code := range pageCodes(t, c, fmt.Sprintf("/calendar?year=2027&month=%d", m)) {
						month[code] = true
					}
				}
				channels["page: month calendar"] = month
				channels["page: list"] = pageCodes(t, c, "/calendar/list?year=2027&per_page=200")
				pageGet, jsonGet := map[string]bool{}, map[string]bool{}
				for code, v := range visitsByCode {
					pageGet[code] = reachable(t, c, fmt.Sprintf("/calendar/visits/%d", v.ID), false)
					jsonGet[code] = reachable(t, c, fmt.Sprintf("/api/v1/visits/%d", v.ID), true)
				}
				channels["page: visit"] = pageGet
				channels["JSON: get"] = jsonGet
				jsonList, total := jsonCodes(t, c, "/api/v1/visits?year=2027&per_page=200")
				channels["JSON: list"] = jsonList
				channels["iCal"] = feedCodes(t, srv, feeds[i])
				searchJSON, searchTotal := jsonCodes(t, c, "/api/v1/visits?q="+url.QueryEscape("Phúc"))
				channels["search: JSON"] = searchJSON
				channels["search: page"] = pageCodes(t, c, "/calendar/list?year=2027&q="+url.QueryEscape("phuc"))

				for _, ch := range sortedKeys(channels) {
					got := channels[ch]
					for _, code := range sortedKeys(visitsByCode) {
						expected := want[code]
						if strings.HasPrefix(ch, "search") {
							expected = expected && matchesSearch[code]
						}
						if got[code] != expected {
							t.Errorf("%s: %s: sees %s (%s) = %v, want %v", ch, d.name, code, what[code], got[code], expected)
						}
					}
				}

				// Counts follow the same rule: the JSON total and the page's count.
				if total != int64(len(wantList)) {
					t.Errorf("JSON total %d, want %d", total, len(wantList))
				}
				wantSearch := 0
				for _, code := range wantList {
					if matchesSearch[code] {
						wantSearch++
					}
				}
				if searchTotal != int64(wantSearch) {
					t.Errorf("search total %d, want %d", searchTotal, wantSearch)
				}
				yearCount := fmt.Sprintf("%d cuộc kiểm tra năm 2027", len(wantList))
				if body := c.Get("/calendar/list?year=2027").Body; !strings.Contains(body, yearCount) {
					t.Errorf("the page does not say %q", yearCount)
				}
			})
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
