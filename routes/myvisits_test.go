package routes

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"khung/app/paging"
	"khung/app/visits"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

func TestMyVisitsShowTheRoleAndTeammatesUpcomingFirst(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 3, 16)) // the planned visit (15–17 March) is under way
	member := srv.CreateUser(t, models.RoleInspector, asInspector(w.Member.ID))
	c := srv.NewClient(t)
	c.Login(member)

	page := c.Get("/my-visits")
	if page.Status != http.StatusOK {
		t.Fatalf("status %d", page.Status)
	}
	rows := regexp.MustCompile(`(?s)<tr data-visit="([^"]+)".*?data-test="role">([^<]+)</td>\s*<td data-test="teammates">(.*?)</td>`).
		FindAllStringSubmatch(page.Body, -1)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2: %.2000s", len(rows), page.Body)
	}
	if rows[0][1] != "v-00001" || rows[0][2] != "Thành viên" || !strings.Contains(rows[0][3], "Nguyễn Văn Thành (Trưởng đoàn)") {
		t.Errorf("first row: %q %q %q", rows[0][1], rows[0][2], rows[0][3])
	}
	if rows[1][1] != "v-00002" || rows[1][2] != "Trưởng đoàn" || !strings.Contains(rows[1][3], "Không có") {
		t.Errorf("second row: %q %q %q", rows[1][1], rows[1][2], rows[1][3])
	}
	if !strings.Contains(page.Body, "Đang diễn ra") || !strings.Contains(page.Body, "Sắp tới") {
		t.Error("the rows must say ongoing and upcoming")
	}

	var res paging.Result[visits.MyVisit]
	r := c.GetJSON("/api/v1/me/visits")
	r.JSON(t, &res)
	if r.Status != http.StatusOK || res.Total != 2 || res.Items[0].Code != "v-00001" || res.Items[0].Role != models.MemberMember ||
		res.Items[1].Role != models.MemberLead || len(res.Items[0].Team) != 2 {
		t.Errorf("JSON: %d %+v", r.Status, res)
	}

	// A user without an inspector profile is told so, and gets an empty list.
	planner := srv.CreateUser(t, models.RolePlanner)
	p := srv.NewClient(t)
	p.Login(planner)
	if body := p.Get("/my-visits").Body; !strings.Contains(body, `data-test="no-profile"`) {
		t.Error("a user without a profile must be told so")
	}
	res = paging.Result[visits.MyVisit]{}
	p.GetJSON("/api/v1/me/visits").JSON(t, &res)
	if res.Total != 0 || res.Items == nil {
		t.Errorf("JSON for a planner: %+v", res)
	}
}

func TestBadCalendarFiltersAreRefusedByFieldAndAnonymousUsersAreSentToLogin(t *testing.T) {
	srv := startServer(t)
	visitstest.Build(t, srv.DB)
	u := srv.CreateUser(t, models.RolePlanner)
	c := srv.NewClient(t)
	c.Login(u)

	tests := []struct {
		path  string
		field string
	}{
		{"/api/v1/visits?year=abc", "year"},
		{"/api/v1/visits?year=2027&month=13", "month"},
		{"/api/v1/visits?month=3", "year"},
		{"/api/v1/visits?unit=-4", "unit"},
		{"/api/v1/visits?q=" + strings.Repeat("x", 201), "q"},
	}
	for _, tt := range tests {
		var env errorEnvelope
		r := c.GetJSON(tt.path)
		r.JSON(t, &env)
		if r.Status != http.StatusUnprocessableEntity || len(env.Fields) == 0 || env.Fields[0].Field != tt.field ||
			env.Fields[0].VI == "" || env.Fields[0].EN == "" {
			t.Errorf("GET %s: %d %+v, want 422 on %s", tt.path, r.Status, env, tt.field)
		}
	}
	for _, path := range []string{"/calendar?year=2027&month=13", "/calendar/list?year=x"} {
		if r := c.Get(path); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("GET %s: %d, want 422", path, r.Status)
		}
	}

	anon := srv.NewClient(t)
	for _, path := range []string{"/calendar", "/calendar/list", "/calendar/ical", "/my-visits"} {
		if r := anon.Get(path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("anonymous GET %s: %d %s", path, r.Status, r.Header.Get("Location"))
		}
	}
	for _, path := range []string{"/api/v1/visits", "/api/v1/visits/1", "/api/v1/me/visits"} {
		if r := anon.GetJSON(path); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous GET %s: %d", path, r.Status)
		}
	}
}

func TestTheCalendarOpensOnTheNextVisitAndNavigatesByMonth(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2026, 11, 23))
	u := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.DistrictA.ID))
	c := srv.NewClient(t)
	c.Login(u)

	body := c.Get("/calendar").Body
	for _, want := range []string{"Tháng 3 năm 2027", "2 cuộc kiểm tra trong tháng", "2 cuộc kiểm tra năm 2027",
		`href="/calendar?month=2&amp;year=2027"`, `href="/calendar?month=4&amp;year=2027"`, ">T2</abbr>", ">CN</abbr>",
		`<option value="` + itoa(w.CommuneA.ID) + `">Phường Phúc Xá</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the calendar lacks %q", want)
		}
	}
	// 15 March is a Monday: the planned visit's block is on 15, 16 and 17 March.
	days := regexp.MustCompile(`(?s)data-date="(2027-03-1[4-8])">.*?</td>`).FindAllStringSubmatch(body, -1)
	onDay := map[string]bool{}
	for _, d := range days {
		onDay[d[1]] = strings.Contains(d[0], `data-visit="v-00001"`)
	}
	want := map[string]bool{"2027-03-14": false, "2027-03-15": true, "2027-03-16": true, "2027-03-17": true, "2027-03-18": false}
	for d, on := range want {
		if onDay[d] != on {
			t.Errorf("visit block on %s: %v, want %v", d, onDay[d], on)
		}
	}
	// The unit filter narrows to the commune: the district's own visit goes.
	body = c.Get("/calendar?year=2027&month=3&unit=" + itoa(w.CommuneA.ID)).Body
	if !strings.Contains(body, `data-visit="v-00001"`) || strings.Contains(body, `data-visit="v-00003"`) {
		t.Error("the unit filter does not narrow the calendar")
	}
	if !strings.Contains(c.Get("/calendar?year=2027&month=4").Body, "Không có cuộc kiểm tra nào trong tháng này.") {
		t.Error("April must be empty for the unit before the unannounced visit starts")
	}
	detail := c.Get("/calendar/visits/" + itoa(w.Planned.ID)).Body
	for _, want := range []string{"Nguyễn Văn Thành", "Thanh tra Sở Nội vụ", "Báo cáo tự kiểm tra theo đề cương của đoàn kiểm tra",
		"Hồ sơ tuyển dụng, bổ nhiệm, điều động, luân chuyển", "15/03/2027 – 17/03/2027", "Số: 01/KH-SNV"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the visit page lacks %q", want)
		}
	}
	if en := c.Get("/calendar/visits/" + itoa(w.Planned.ID) + "?lang=en").Body; !strings.Contains(en, "Self-assessment report") ||
		!strings.Contains(en, "Team leader") {
		t.Error("the visit page in English")
	}
	if en := c.Get("/calendar?year=2027&month=3").Body; !strings.Contains(en, "March 2027") || !strings.Contains(en, ">Mon</abbr>") ||
		!strings.Contains(en, "Visits in 2027: 2") {
		t.Error("the month in English")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
