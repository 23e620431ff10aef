package routes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// criteriaRows is every criterion row as text, to show nothing was written.
func criteriaRows(t *testing.T, srv *webtest.Server) string {
	t.Helper()
	var rows []string
	if err := srv.DB.Raw(`SELECT concat_ws('|', id, measure, name_vi, basis, weight, valid_from, valid_to) FROM evaluation_criteria ORDER BY id`).
		Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return strings.Join(rows, "\n")
}

func TestTheAdministratorPublishesEvaluationCriteriaAndABadOneIsRefusedNamingItsField(t *testing.T) {
	srv := startServer(t)
	admin := srv.NewClient(t)
	admin.Login(srv.CreateUser(t, models.RoleAdmin))
	page := admin.Get("/admin/evaluation-criteria")
	if page.Status != 200 || !strings.Contains(page.Body, "Ban hành kết luận đúng thời hạn") {
		t.Fatalf("the criteria page (with the default criteria): %d", page.Status)
	}
	good := url.Values{"measure": {"violation_free"}, "name_vi": {"Không để xảy ra vi phạm"}, "name_en": {"No violation"},
		"basis": {"Kế hoạch kiểm tra công vụ năm 2028 của UBND Thành phố"}, "weight": {"25"}, "valid_from": {"2028-01-01"}, "valid_to": {""}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vs := range good {
			f[key] = vs
		}
		f.Set(k, v)
		return f
	}
	before := criteriaRows(t, srv)
	for _, tc := range []struct {
		name, field, vi string
		form            url.Values
	}{
		{"no name", "name_vi", "Hãy nhập tên tiêu chí.", with("name_vi", "  ")},
		{"no basis", "basis", "Hãy ghi căn cứ pháp lý", with("basis", "")},
		{"a weight of 0", "weight", "Trọng số là số nguyên từ 1 đến 100.", with("weight", "0")},
		{"a weight that is not a number", "weight", "", with("weight", "nhiều")},
		{"an unknown measure", "measure", "Hãy chọn một chỉ số", with("measure", "popularity")},
		{"no first day", "valid_from", "Hãy nhập ngày bắt đầu áp dụng", with("valid_from", "")},
		{"a bad date", "valid_from", "", with("valid_from", "31/02/2028")},
		{"an end before the start", "valid_to", "Ngày hết hiệu lực không được trước", with("valid_to", "2027-12-31")},
		{"in force with the default criterion of the same measure", "valid_from", "Trùng thời gian áp dụng", with("valid_from", "2026-01-01")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.PostForm("/admin/evaluation-criteria", tc.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-test="error-`+tc.field+`"`) ||
				!strings.Contains(r.Body, tc.vi) {
				t.Errorf("status %d, want 422 naming %s (%q)", r.Status, tc.field, tc.vi)
			}
			if after := criteriaRows(t, srv); after != before {
				t.Errorf("a refused form changed the criteria:\n%s", after)
			}
		})
	}
	// The default criterion of the measure ends; the new one follows it.
	var old int64
	if err := srv.DB.Raw(`SELECT id FROM evaluation_criteria WHERE measure = 'violation_free'`).Scan(&old).Error; err != nil {
		t.Fatal(err)
	}
	edit := admin.Get(fmt.Sprintf("/admin/evaluation-criteria/%d", old))
	if edit.Status != 200 || !strings.Contains(edit.Body, `value="2025-07-01"`) {
		t.Fatalf("the edit page: %d", edit.Status)
	}
	if r := admin.PostForm(fmt.Sprintf("/admin/evaluation-criteria/%d", old), url.Values{"measure": {"violation_free"},
		"name_vi": {"Chấp hành kỷ luật hành chính"}, "basis": {"Kế hoạch kiểm tra công vụ"}, "weight": {"30"},
		"valid_from": {"01/07/2025"}, "valid_to": {"31/12/2027"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("ending the default criterion (dates as people write them): %d %.400s", r.Status, r.Body)
	}
	if r := admin.PostForm("/admin/evaluation-criteria", good); r.Status != http.StatusSeeOther {
		t.Fatalf("the new criterion (positive control): %d %.400s", r.Status, r.Body)
	}
	if n := srv.Count(t, "evaluation_criteria"); n != 6 {
		t.Errorf("%d criteria, want 6", n)
	}

	t.Run("the JSON API refuses the same way and publishes to every signed-in user", func(t *testing.T) {
		n := srv.Count(t, "evaluation_criteria")
		r := admin.SendJSON("POST", "/api/v1/evaluation/criteria", `{"measure":"survey","name_vi":"","basis":"x","weight":500,"valid_from":"2030-01-01"}`)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"name_vi"`) || !strings.Contains(r.Body, `"weight"`) {
			t.Errorf("a bad criterion: %d %s", r.Status, r.Body)
		}
		if srv.Count(t, "evaluation_criteria") != n {
			t.Error("a refused criterion was written")
		}
		unit := srv.NewClient(t)
		unit.Login(srv.CreateUser(t, models.RoleUnit, webtest.InUnit(visitstest.Build(t, srv.DB).CommuneA.ID)))
		list := unit.GetJSON("/api/v1/evaluation/criteria")
		var body struct {
			Items []struct {
				Basis string `json:"basis"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(list.Body), &body); err != nil || list.Status != 200 || int64(len(body.Items)) != n {
			t.Errorf("the published criteria: %d %v %d items", list.Status, err, len(body.Items))
		}
		if r := unit.SendJSON("POST", "/api/v1/evaluation/criteria", `{"measure":"survey","name_vi":"x","basis":"x","weight":5,"valid_from":"2030-01-01"}`); r.Status != http.StatusForbidden {
			t.Errorf("a unit adds a criterion: %d", r.Status)
		}
		if page := unit.Get("/evaluation/criteria"); page.Status != 200 || !strings.Contains(page.Body, "Luật Thanh tra số 84/2025/QH15") {
			t.Errorf("the published criteria page: %d", page.Status)
		}
	})
}

func TestLeadershipAndTheUnitReadTheScoresExplainedWithLinksToTheirLists(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 12, 31))
	dbtest := func(q string, args ...any) {
		t.Helper()
		if err := srv.DB.Exec(q, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	dbtest(`INSERT INTO findings (visit_id, kind, description, severity) VALUES (?, 'violation', 'Chậm giải quyết hồ sơ', 'high')`, w.Planned.ID)
	viewer := srv.NewClient(t)
	viewer.Login(srv.CreateUser(t, models.RoleViewer))
	page := viewer.Get("/evaluation?period=2027")
	if page.Status != 200 || !strings.Contains(page.Body, w.CommuneA.Name) || !strings.Contains(page.Body, "1/2 (50,0%)") ||
		!strings.Contains(page.Body, "1 vi phạm") || !strings.Contains(page.Body, "Luật Thanh tra số 84/2025/QH15, Điều 36") {
		t.Fatalf("the viewer's scores: %d", page.Status)
	}
	link := fmt.Sprintf("/reports/list/findings?back=evaluation&amp;finding=violation&amp;from=2027-01-01&amp;to=2027-12-31&amp;unit=%d", w.CommuneA.ID)
	if !strings.Contains(page.Body, link) {
		t.Fatalf("commune A's figure does not link to its list %s", link)
	}
	list := viewer.Get(strings.ReplaceAll(link, "&amp;", "&"))
	if list.Status != 200 || !strings.Contains(list.Body, w.CommuneA.Name) || !strings.Contains(list.Body, "Số cuộc kiểm tra: 2") {
		t.Errorf("the list behind the figure: %d", list.Status)
	}
	unit := srv.NewClient(t)
	unit.Login(srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneB.ID)))
	own := unit.Get("/evaluation?period=2027")
	if own.Status != 200 || strings.Contains(own.Body, w.CommuneA.Name) || !strings.Contains(own.Body, w.CommuneB.Name) ||
		strings.Contains(own.Body, `data-test="team-scores"`) {
		t.Errorf("commune B's office reads another unit's or the teams' scores: %d", own.Status)
	}
	for _, role := range []models.Role{models.RoleInspector, models.RolePlanner, models.RoleAdmin} {
		c := srv.NewClient(t)
		c.Login(srv.CreateUser(t, role))
		if r := c.Get("/evaluation"); r.Status != http.StatusForbidden {
			t.Errorf("%s opens the scores: %d", role, r.Status)
		}
	}
}

func TestTheDashboardsAgeingAndFindingsChartsEqualTheReportAndTheirLists(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 12, 31))
	exec := func(q string, args ...any) {
		t.Helper()
		if err := srv.DB.Exec(q, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO findings (visit_id, kind, description, severity) VALUES (?, 'violation', 'a', 'high'), (?, 'violation', 'b', 'high'),
		(?, 'shortcoming', 'c', 'low'), (?, 'violation', 'd', 'medium')`, w.Planned.ID, w.Planned.ID, w.Planned.ID, w.District.ID)
	var cid int64
	if err := srv.DB.Raw(`INSERT INTO conclusions (visit_id, number, issuing_body_id, year, signed_on, signer_name)
		VALUES (?, 31, ?, 2027, '2027-04-10', 'Nguyễn Văn A') RETURNING id`, w.Planned.ID, w.CityTeam.ID).Scan(&cid).Error; err != nil {
		t.Fatal(err)
	}
	// Open: one not yet due, one 3 working days late at most… and two long overdue.
	exec(`INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity) VALUES
		(?, ?, 'a', '2028-03-01', 'low'), (?, ?, 'b', '2027-12-28', 'low'), (?, ?, 'c', '2027-05-01', 'low'), (?, ?, 'd', '2027-06-01', 'low')`,
		cid, w.CommuneA.ID, cid, w.CommuneA.ID, cid, w.CommuneA.ID, cid, w.DistrictA.ID)
	viewer := srv.NewClient(t)
	viewer.Login(srv.CreateUser(t, models.RoleViewer))
	period := "from=2027-01-01&to=2027-12-31"
	var rep struct {
		Findings []struct {
			Kind, Severity string
			Count          int
		} `json:"findings"`
		Recommendations struct {
			Open, Overdue int
			Ageing        []struct {
				Key   string
				Count int
			} `json:"ageing"`
		} `json:"recommendations"`
	}
	jsonInto(t, viewer, "/api/v1/reports/periodic?"+period, &rep)
	if rep.Recommendations.Open != 4 || rep.Recommendations.Overdue != 3 || len(rep.Findings) != 3 {
		t.Fatalf("the fixture's report: %+v", rep)
	}
	want := map[string]int{"band=0": rep.Recommendations.Open - rep.Recommendations.Overdue}
	for _, b := range rep.Recommendations.Ageing {
		want["band="+url.QueryEscape(b.Key)] = b.Count
	}
	for _, f := range rep.Findings {
		want["finding="+f.Kind+"&severity="+map[string]string{"": "none"}[f.Severity]+f.Severity] = f.Count
	}
	dash := viewer.Get("/dashboard?" + period)
	if dash.Status != 200 {
		t.Fatalf("the dashboard: %d", dash.Status)
	}
	bars := regexp.MustCompile(`<a href="(/reports/list/(?:ageing|findings)\?[^"]+)"><text[^>]*>(\d+)</text>`).FindAllStringSubmatch(dash.Body, -1)
	seen := 0
	for _, b := range bars {
		link := strings.ReplaceAll(b[1], "&amp;", "&")
		n, _ := strconv.Atoi(b[2])
		for key, count := range want {
			if !strings.Contains(link, key) {
				continue
			}
			seen++
			if n != count {
				t.Errorf("the dashboard shows %d for %s, the report %d", n, key, count)
			}
			list := viewer.Get(link)
			total := regexp.MustCompile(`data-test="list-total">[^<]*?(\d+)<`).FindStringSubmatch(list.Body)
			if list.Status != 200 || total == nil || total[1] != b[2] {
				t.Errorf("the list behind %s: %d, total %v, want %s", key, list.Status, total, b[2])
			}
		}
	}
	if seen < 4 { // the not-due band, an ageing band, and at least two findings bars
		t.Errorf("only %d of the charts' numbers are linked to their lists: %v", seen, bars)
	}
}
