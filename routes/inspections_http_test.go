package routes

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"khung/app/inspections"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// pngBytes is a 1×1 PNG image.
var pngBytes = []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R',
	0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0a, 'I', 'D', 'A', 'T',
	0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82}

// postFiles posts a multipart form with files (name → bytes) in the field "files".
func postFiles(t *testing.T, c *webtest.Client, path string, fields map[string]string, files map[string][]byte) webtest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return c.Do(http.MethodPost, path, &body, map[string]string{"Content-Type": mw.FormDataContentType(),
		"Accept": "text/html", "X-CSRF-Token": c.CSRF()})
}

func tableCounts(t *testing.T, srv *webtest.Server) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"decisions", "visit_events", "findings", "conclusions", "recommendations", "attachments", "notifications"} {
		out[table] = srv.Count(t, table)
	}
	return out
}

func unchanged(t *testing.T, srv *webtest.Server, before map[string]int64) {
	t.Helper()
	for k, v := range tableCounts(t, srv) {
		if v != before[k] {
			t.Errorf("%s: %d rows, want %d: nothing may be written", k, v, before[k])
		}
	}
}

func TestInspectionsHTTP(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	// 2 April 2027: after the planned visit of 15–17 March, so that the
	// workflow's dates (on site from the start date, nothing in the future) hold.
	setDay(t, srv, models.NewDate(2027, 4, 2))
	lead := srv.CreateUser(t, models.RoleInspector, asInspector(w.Lead.ID))
	outsider := srv.CreateUser(t, models.RoleInspector, asInspector(w.Outsider.ID))
	unitUser := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	c := srv.NewClient(t)
	c.Login(lead)
	o := srv.NewClient(t)
	o.Login(outsider)
	visit := fmt.Sprintf("/visits/%d", w.Planned.ID)

	t.Run("the lead sees the work page with the decision form", func(t *testing.T) {
		r := c.Get(visit)
		if r.Status != 200 || !strings.Contains(r.Body, `data-test="decision-form"`) || !strings.Contains(r.Body, "Phường Phúc Xá") {
			t.Fatalf("GET %s: %d %.400s", visit, r.Status, r.Body)
		}
	})

	calendarPage := func(t *testing.T) string {
		t.Helper()
		r := c.Get(fmt.Sprintf("/calendar/visits/%d", w.Planned.ID))
		if r.Status != 200 {
			t.Fatalf("calendar page: %d", r.Status)
		}
		if strings.Contains(r.Body, ">"+w.Planned.Code) || strings.Contains(r.Body, " "+w.Planned.Code) {
			t.Errorf("the calendar's page shows the visit code %s", w.Planned.Code)
		}
		return r.Body
	}
	t.Run("before the decision the calendar's page cites none", func(t *testing.T) {
		if body := calendarPage(t); strings.Contains(body, `data-test="decision-ref"`) {
			t.Error("a decision is cited before one is signed")
		}
	})

	t.Run("an inspector not on the team gets 404 and cannot write", func(t *testing.T) {
		if r := o.Get(visit); r.Status != 404 {
			t.Errorf("GET: %d", r.Status)
		}
		before := tableCounts(t, srv)
		r := o.PostForm(visit+"/decision", url.Values{"signed_on": {"2027-03-01"}, "signer_name": {"A"}, "scope": {"B"},
			"lead_id": {fmt.Sprint(w.Outsider.ID)}})
		if r.Status != 403 {
			t.Errorf("POST decision: %d, want 403", r.Status)
		}
		unchanged(t, srv, before)
	})

	t.Run("a unit user is sent to the calendar's page of the visit", func(t *testing.T) {
		u := srv.NewClient(t)
		u.Login(unitUser)
		if r := u.Get(visit); r.Status != 303 || r.Header.Get("Location") != fmt.Sprintf("/calendar/visits/%d", w.Planned.ID) {
			t.Errorf("%d %s", r.Status, r.Header.Get("Location"))
		}
	})

	t.Run("a decision without signer is refused with 422 on the field", func(t *testing.T) {
		before := tableCounts(t, srv)
		r := c.PostForm(visit+"/decision", url.Values{"signed_on": {"2027-03-01"}, "scope": {"Kỷ luật hành chính"},
			"lead_id": {fmt.Sprint(w.Lead.ID)}})
		if r.Status != 422 || !strings.Contains(r.Body, `data-test="error-signer_name"`) {
			t.Fatalf("%d %.300s", r.Status, r.Body)
		}
		unchanged(t, srv, before)
	})

	t.Run("a date is read as written, dd/mm/yyyy, and an impossible one is refused in words", func(t *testing.T) {
		for _, tc := range []struct {
			date    string
			refused bool
		}{{"01/03/2027", false}, {"2027-03-01", false}, {"31/02/2027", true}, {"03-01-2027", true}} {
			before := tableCounts(t, srv)
			r := c.PostForm(visit+"/decision", url.Values{"signed_on": {tc.date}, "scope": {"Kỷ luật hành chính"},
				"lead_id": {fmt.Sprint(w.Lead.ID)}}) // no signer: refused whatever the date
			if r.Status != 422 {
				t.Fatalf("%s: %d", tc.date, r.Status)
			}
			refused := strings.Contains(r.Body, `data-test="error-signed_on"`)
			if refused != tc.refused || (refused && !strings.Contains(r.Body, "ngày/tháng/năm")) {
				t.Errorf("%s: signed_on refused=%v, want %v", tc.date, refused, tc.refused)
			}
			unchanged(t, srv, before)
		}
	})

	t.Run("the lead signs the decision and walks the visit on site", func(t *testing.T) {
		r := c.PostForm(visit+"/decision", url.Values{"signed_on": {"2027-03-01"}, "signer_name": {"Trần Văn Hùng"},
			"signer_title": {"Giám đốc"}, "scope": {"Kỷ luật hành chính"}, "period_from": {"2025-01-01"}, "period_to": {"2026-12-31"},
			"lead_id": {fmt.Sprint(w.Lead.ID)}, "member_ids": {fmt.Sprint(w.Member.ID)}})
		if r.Status != 303 {
			t.Fatalf("sign: %d %.300s", r.Status, r.Body)
		}
		for _, to := range []string{"announced", "on_site"} {
			if r := c.PostForm(visit+"/status", url.Values{"to": {to}, "on_date": {"2027-03-15"}}); r.Status != 303 {
				t.Fatalf("to %s: %d %.300s", to, r.Status, r.Body)
			}
		}
		if r := c.PostForm(visit+"/status", url.Values{"to": {"closed"}, "on_date": {"2027-03-15"}}); r.Status != 409 {
			t.Errorf("skipping to closed: %d, want 409", r.Status)
		}
		if body := calendarPage(t); !regexp.MustCompile(`data-test="decision-ref">Quyết định kiểm tra số \d+/[^<]+ ngày 01/03/2027<`).MatchString(body) {
			t.Errorf("the calendar's page does not cite the decision by number and date: %.2000s", body)
		}
		p := c.Get(visit + "/decision/print")
		for _, want := range []string{"Số: 01/QĐ-SNV", "QUYẾT ĐỊNH", "Trần Văn Hùng", w.Lead.FullName, w.Member.FullName,
			"Độc lập - Tự do - Hạnh phúc", "ngày 01 tháng 3 năm 2027", "từ ngày 01/01/2025 đến ngày 31/12/2026"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the printed decision lacks %q", want)
			}
		}
	})

	t.Run("a finding with evidence is stored; a forbidden type is refused and nothing written", func(t *testing.T) {
		fields := map[string]string{"kind": "violation", "description": "Không niêm yết thủ tục hành chính", "severity": "high"}
		before := tableCounts(t, srv)
		r := postFiles(t, c, visit+"/findings", fields, map[string][]byte{"bien-ban.pdf": []byte("MZ\x90\x00 not a pdf")})
		if r.Status != 422 || !strings.Contains(r.Body, `data-test="error-files"`) {
			t.Fatalf("forbidden type: %d %.300s", r.Status, r.Body)
		}
		unchanged(t, srv, before)
		big := append(append([]byte{}, pngBytes...), make([]byte, srv.Config.UploadMaxBytes)...)
		r = postFiles(t, c, visit+"/findings", fields, map[string][]byte{"anh-lon.png": big})
		if r.Status != 422 || !strings.Contains(r.Body, "vượt quá dung lượng") {
			t.Fatalf("over the limit: %d %.300s", r.Status, r.Body)
		}
		unchanged(t, srv, before)
		r = postFiles(t, c, visit+"/findings", fields, map[string][]byte{"anh-chup.png": pngBytes})
		if r.Status != 303 {
			t.Fatalf("finding: %d %.300s", r.Status, r.Body)
		}
		page := c.Get(visit)
		if !strings.Contains(page.Body, "anh-chup.png") || !strings.Contains(page.Body, "Không niêm yết") {
			t.Errorf("the finding is not on the page")
		}
	})

	t.Run("a deadline before the conclusion date is 422 on its row and nothing is written", func(t *testing.T) {
		if r := c.PostForm(visit+"/status", url.Values{"to": {"on_site_ended"}, "on_date": {"2027-03-17"}}); r.Status != 303 {
			t.Fatalf("end on site: %d", r.Status)
		}
		before := tableCounts(t, srv)
		r := c.PostForm(visit+"/conclusion", url.Values{"signed_on": {"2027-04-01"}, "signer_name": {"Trần Văn Hùng"},
			"summary": {"Còn tồn tại."}, "rec_owner_0": {fmt.Sprint(w.CommuneA.ID)}, "rec_action_0": {"Niêm yết thủ tục"},
			"rec_deadline_0": {"2027-03-20"}, "rec_severity_0": {"high"}})
		if r.Status != 422 || !strings.Contains(r.Body, `data-test="error-recommendations[0].deadline"`) ||
			!strings.Contains(r.Body, "Niêm yết thủ tục") {
			t.Fatalf("%d %.500s", r.Status, r.Body)
		}
		unchanged(t, srv, before)
	})

	t.Run("the conclusion form carries the registry clerk's number to the register: a bad one is 422 on number", func(t *testing.T) {
		if page := c.Get(visit); !strings.Contains(page.Body, `id="c-number"`) {
			t.Fatalf("the conclusion form has no clerk's number field")
		}
		before := tableCounts(t, srv)
		r := c.PostForm(visit+"/conclusion", url.Values{"signed_on": {"2027-04-01"}, "signer_name": {"Trần Văn Hùng"},
			"summary": {"Còn tồn tại."}, "number": {"-3"}})
		if r.Status != 422 || !strings.Contains(r.Body, `data-test="error-number"`) || !strings.Contains(r.Body, `value="-3"`) {
			t.Fatalf("%d %.500s", r.Status, r.Body)
		}
		unchanged(t, srv, before)
	})

	t.Run("the JSON API reads the work and refuses a bad conclusion by field", func(t *testing.T) {
		r := c.GetJSON(fmt.Sprintf("/api/v1/visits/%d/work", w.Planned.ID))
		var work struct {
			Decision struct {
				Number int    `json:"number"`
				Symbol string `json:"symbol"`
			} `json:"decision"`
			Findings []struct {
				Files []struct{ Filename string } `json:"files"`
			} `json:"findings"`
			NextStatus string `json:"next_status"`
		}
		r.JSON(t, &work)
		if r.Status != 200 || work.Decision.Number != 1 || work.Decision.Symbol != "QĐ-SNV" || len(work.Findings) != 1 ||
			len(work.Findings[0].Files) != 1 || work.NextStatus != "conclusion_issued" {
			t.Errorf("%d %+v", r.Status, work)
		}
		before := tableCounts(t, srv)
		r = c.SendJSON("POST", fmt.Sprintf("/api/v1/visits/%d/conclusion", w.Planned.ID),
			fmt.Sprintf(`{"signed_on":"2027-04-01","signer_name":"Trần Văn Hùng","summary":"x","recommendations":[
				{"owner_unit_id":%d,"action":"a","deadline":"2027-04-02","working_days":5,"severity":"low"}]}`, w.CommuneA.ID))
		if r.Status != 422 || !strings.Contains(r.Body, `recommendations[0].deadline`) {
			t.Errorf("%d %s", r.Status, r.Body)
		}
		unchanged(t, srv, before)
	})

	t.Run("a planner creates a verification visit outside the plan; bad dates are refused", func(t *testing.T) {
		planner := srv.CreateUser(t, models.RolePlanner)
		pc := srv.NewClient(t)
		pc.Login(planner)
		if r := pc.Get("/visits/new"); r.Status != 200 || !strings.Contains(r.Body, `data-test="unplanned-form"`) {
			t.Fatalf("form: %d", r.Status)
		}
		form := url.Values{"unit_id": {fmt.Sprint(w.CommuneB.ID)}, "form": {"verification"},
			"lead_body_id": {fmt.Sprint(w.Inspectorate.ID)}, "kind": {"public_service"}, "start_date": {"2027-05-10"}, "end_date": {"2027-05-07"},
			"lead_id": {fmt.Sprint(w.Outsider.ID)}, "reason": {"Xác minh đơn phản ánh theo chỉ đạo của UBND Thành phố"}}
		before := srv.Count(t, "visits")
		if r := pc.PostForm("/visits", form); r.Status != 422 || !strings.Contains(r.Body, `data-test="error-end_date"`) {
			t.Fatalf("end before start: %d", r.Status)
		}
		if n := srv.Count(t, "visits"); n != before {
			t.Fatalf("%d visits, want %d", n, before)
		}
		form.Set("end_date", "2027-05-11")
		r := pc.PostForm("/visits", form)
		if r.Status != 303 {
			t.Fatalf("create: %d %.300s", r.Status, r.Body)
		}
		page := pc.Get(r.Header.Get("Location"))
		if !strings.Contains(page.Body, "Phường Phúc Tân") || !strings.Contains(page.Body, "Xác minh đơn phản ánh") ||
			!strings.Contains(page.Body, `data-test="decision-form"`) {
			t.Errorf("the new visit's page: %.500s", page.Body)
		}
		if r := c.Get("/visits/new"); r.Status != 403 {
			t.Errorf("an inspector may not create visits: %d", r.Status)
		}
	})
}

// The decision form's "add to the team" finds the inspector a person picked
// from the suggestions (name — title, body), typed by a name only one
// inspector has, or by staff code; a shared name alone is not enough.
func TestInspectorPickedByNameTitleAndBody(t *testing.T) {
	all := []inspections.InspectorOption{
		{ID: 1, Code: "i001", FullName: "Nguyễn Văn An", Title: "Thanh tra viên", BodyName: "Thanh tra Sở"},
		{ID: 2, Code: "i002", FullName: "Nguyễn Văn An", Title: "Thanh tra viên chính", BodyName: "Thanh tra Sở"},
		{ID: 3, Code: "i003", FullName: "Trần Thị Bình", BodyName: "Phòng Tổ chức"},
		{ID: 4, Code: "i004", FullName: "Lê Minh"},
	}
	for _, tc := range []struct {
		typed string
		want  int64 // 0: not found
	}{
		{"Nguyễn Văn An — Thanh tra viên chính, Thanh tra Sở", 2},
		{"  nguyễn văn an —  thanh tra viên, thanh tra sở ", 1},
		{"Trần Thị Bình — Phòng Tổ chức", 3},
		{"Trần Thị Bình", 3},
		{"Lê Minh", 4},
		{"I002", 2},
		{"Nguyễn Văn An", 0},
		{"Nguyễn Văn An — Thanh tra viên, Phòng Tổ chức", 0},
		{"", 0},
	} {
		got, ok := inspectorByLabel(all, tc.typed)
		if (tc.want == 0) == ok || (ok && got.ID != tc.want) {
			t.Errorf("%q: got %d (%v), want %d", tc.typed, got.ID, ok, tc.want)
		}
	}
}
