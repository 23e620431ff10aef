package routes

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"khung/models"
)

func TestTheProposalListSaysWhetherNothingExistsOrNothingMatchesAndSorts(t *testing.T) {
	t.Parallel()
	srv := startProposalsServer(t)
	planner := loggedIn(t, srv, models.RolePlanner)
	viewer := loggedIn(t, srv, models.RoleViewer)

	// No proposal yet: the next steps, with the template and the demo file.
	r := planner.Get("/proposals?year=2027")
	for _, want := range []string{`data-test="no-proposals-yet"`, "Chưa có đề xuất kiểm tra nào cho năm 2027.",
		`href="/proposals/import?year=2027"`, `href="/proposals/template.xlsx?year=2027"`, `href="/proposals/demo.xlsx?year=2027"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("empty year, planner: missing %q", want)
		}
	}
	if v := viewer.Get("/proposals?year=2027"); !strings.Contains(v.Body, "Bộ phận kế hoạch chưa nhập đề xuất") || strings.Contains(v.Body, "/proposals/demo.xlsx") {
		t.Error("empty year, viewer: must say the planners have not entered proposals, without the planner's files")
	}

	for _, body := range []string{
		`{"year":2027,"body":"city-team","unit":"00004","kind":"public_service","form":"planned","topics":["ky_luat_hanh_chinh"],"days":5,"team_size":4,"window_from":"2027-09-01","window_to":"2027-09-30"}`,
		`{"year":2027,"body":"city-team","unit":"00001","kind":"public_service","form":"planned","topics":["ky_luat_hanh_chinh"],"days":2,"team_size":3,"window_from":"2027-03-01","window_to":"2027-03-31"}`,
		`{"year":2027,"body":"dept-inspectorate","unit":"01-STP","kind":"public_service","form":"planned","topics":["ky_luat_hanh_chinh"],"days":9,"team_size":5,"window_from":"2027-06-01","window_to":"2027-06-30"}`,
	} {
		if r := planner.SendJSON(http.MethodPost, "/api/v1/proposals", body); r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
	}

	// A filter that matches nothing says so, with the way back.
	r = planner.Get("/proposals?year=2027&q=khongcogi")
	if !strings.Contains(r.Body, `data-test="no-proposals"`) || strings.Contains(r.Body, "no-proposals-yet") || !strings.Contains(r.Body, "Xóa bộ lọc") {
		t.Error("a filter matching nothing must say so, not that nothing exists")
	}

	// Numbers run 1, 2, 3 in the order shown, whatever the sort.
	seq := regexp.MustCompile(`data-test="seq"><a [^>]*>(\d+)</a>`)
	units := regexp.MustCompile(`<td class="col-unit">([^<]+)</td>`)
	for _, tc := range []struct{ sort, first, last string }{
		{"window", "Phường Phúc Xá", "Phường Trúc Bạch"},
		{"-window", "Phường Trúc Bạch", "Phường Phúc Xá"},
		{"-days", "Sở Tư pháp", "Phường Phúc Xá"},
	} {
		body := planner.Get("/proposals?year=2027&sort=" + tc.sort).Body
		var got []string
		for _, m := range seq.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, ",") != "1,2,3" {
			t.Errorf("sort %s: numbers %v", tc.sort, got)
		}
		names := units.FindAllStringSubmatch(body, -1)
		if len(names) != 3 || names[0][1] != tc.first || names[2][1] != tc.last {
			t.Errorf("sort %s: units %v, want %s first and %s last", tc.sort, names, tc.first, tc.last)
		}
		if !strings.Contains(body, "tổng 3 đề xuất") {
			t.Errorf("sort %s: the total is not shown", tc.sort)
		}
	}
	// An unknown sort is ignored, not an error.
	if r := planner.Get("/proposals?year=2027&sort=drop"); r.Status != http.StatusOK {
		t.Errorf("unknown sort: %d", r.Status)
	}
}
