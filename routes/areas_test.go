package routes

import (
	"regexp"
	"strings"
	"testing"

	"khung/app/seed"
	"khung/routes/webtest"
)

// In today's demo the 2027 plan's areas are the clusters of districts that
// ended on 30/06/2025: its board, filter and visit pages name them as former
// areas ("Địa bàn Quận Ba Đình cũ"), never as a district that no longer
// exists; the 2025 plan (made on the old units) keeps "Quận Ba Đình".
func TestAreasOfEndedDistrictsAreNamedAsFormerAreas(t *testing.T) {
	srv := newLiveDemo(t)
	version := func(year int, status string) int64 {
		var id int64
		mustDB(t, srv.DB.Raw(`SELECT pv.id FROM plan_versions pv JOIN plans p ON p.id = pv.plan_id
			WHERE p.year = ? AND pv.status = ? ORDER BY pv.id DESC LIMIT 1`, year, status).Scan(&id).Error)
		if id == 0 {
			t.Fatalf("the demo has no %s plan of %d", status, year)
		}
		return id
	}
	draft, old := version(2027, "submitted"), version(2025, "published")
	c := srv.NewClient(t)
	c.Login(webtest.User{Email: "planner@khung.vn", Password: seed.DemoPassword})
	get := func(path string) string {
		t.Helper()
		res := c.Get(path)
		if res.Status != 200 {
			t.Fatalf("GET %s: %d", path, res.Status)
		}
		return res.Body
	}
	rowLabel := regexp.MustCompile(`<span class="count">\d+</span>([^<]+)</th>`)
	labels := func(body string) []string {
		var out []string
		for _, m := range rowLabel.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	district := regexp.MustCompile(`^(Quận|Huyện|Thị xã) `)

	t.Run("the 2027 board names its rows and filter as former areas", func(t *testing.T) {
		body := get("/plans/versions/" + itoa(draft) + "/board")
		rows := labels(body)
		if len(rows) == 0 {
			t.Fatal("the 2027 board shows no area row")
		}
		for _, l := range rows {
			if district.MatchString(l) {
				t.Errorf("row %q names a district that ended in 2025", l)
			}
		}
		if !strings.Contains(body, ">Địa bàn Quận Ba Đình cũ</th>") || !strings.Contains(body, ">Địa bàn Quận Ba Đình cũ</option>") {
			t.Errorf("no row and option \"Địa bàn Quận Ba Đình cũ\" on the 2027 board; rows %q", rows)
		}
		// (?lang= keeps the language for the next pages: the others ask for theirs.)
		if en := get("/plans/versions/" + itoa(draft) + "/board?lang=en"); !strings.Contains(en, "Former Ba Đình district area") {
			t.Error("the English board does not say \"Former Ba Đình district area\"")
		}
	})
	t.Run("the 2025 board, on the old units, keeps the districts' names", func(t *testing.T) {
		rows := labels(get("/plans/versions/" + itoa(old) + "/board?lang=vi"))
		named := 0
		for _, l := range rows {
			if district.MatchString(l) {
				named++
			}
			if strings.Contains(l, " cũ") {
				t.Errorf("row %q of the 2025 plan is called former", l)
			}
		}
		if named == 0 {
			t.Errorf("the 2025 board names no district: %q", rows)
		}
	})
	t.Run("a 2027 visit's page and explanation name its former area", func(t *testing.T) {
		var code string
		mustDB(t, srv.DB.Raw(`SELECT code FROM visits WHERE plan_version_id = ? AND start_date IS NOT NULL
			AND why_msgs::text LIKE '%planning.why.area_%' ORDER BY code LIMIT 1`, draft).Scan(&code).Error)
		if code == "" {
			t.Fatal("no 2027 visit explains its area")
		}
		body := get("/plans/versions/" + itoa(draft) + "/visits/" + code + "?lang=vi")
		if !regexp.MustCompile(`<dd>Địa bàn (Quận|Huyện|Thị xã) [^<]+ cũ</dd>`).MatchString(body) {
			t.Error("the visit's area is not named as a former area")
		}
		if !regexp.MustCompile(`địa bàn (Quận|Huyện|Thị xã) [^<,]+ cũ`).MatchString(body) {
			t.Error("the explanation does not name the former area")
		}
		for _, m := range regexp.MustCompile(`địa bàn ((?:Quận|Huyện|Thị xã) [\p{L} ]+?) (?:bắt đầu|với)`).FindAllStringSubmatch(body, -1) {
			if !strings.HasSuffix(m[1], " cũ") {
				t.Errorf("the explanation names %q, a district that ended in 2025", m[1])
			}
		}
	})
	t.Run("the report's area filter names an ended district as a former area", func(t *testing.T) {
		body := get("/reports?lang=vi")
		if !strings.Contains(body, ">Địa bàn Quận Ba Đình cũ</option>") {
			t.Error("the area filter has no \"Địa bàn Quận Ba Đình cũ\"")
		}
		if strings.Contains(body, ">Quận Ba Đình</option>") {
			t.Error("the area filter offers \"Quận Ba Đình\", a district that ended in 2025")
		}
		if !strings.Contains(body, ">Phường Hồng Hà</option>") {
			t.Error("the area filter lost today's wards (Phường Hồng Hà)")
		}
		if en := get("/reports?lang=en"); !strings.Contains(en, ">Former Ba Đình district area</option>") {
			t.Error("the English area filter does not say \"Former Ba Đình district area\"")
		}
	})
}
