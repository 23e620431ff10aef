package routes

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"khung/app/proposals"
	"khung/models"
	"khung/routes/webtest"
)

const proposalsYear = 2027

// startProposalsServer is a server with a small catalog: two kinds, three
// topics, two skills, two bodies, a district with two communes and a department.
func startProposalsServer(t *testing.T) *webtest.Server {
	t.Helper()
	srv := startServer(t)
	for _, q := range []string{
		`INSERT INTO inspection_kinds (code, name_vi, name_en, valid_from) VALUES
			('public_service', 'Kiểm tra công vụ', 'Public-service inspection', '2024-01-01'),
			('specialised', 'Kiểm tra chuyên ngành', 'Specialised check', '2024-01-01')`,
		`INSERT INTO skills (code, name_vi, name_en, valid_from) VALUES
			('cong_vu', 'Công vụ', 'Public service', '2024-01-01'), ('tai_chinh', 'Tài chính', 'Finance', '2024-01-01')`,
		`INSERT INTO topics (code, name_vi, name_en, kind_code, skill_code, valid_from) VALUES
			('ky_luat_hanh_chinh', 'Chấp hành kỷ luật, kỷ cương hành chính', 'Administrative discipline', 'public_service', 'cong_vu', '2024-01-01'),
			('thoi_gio_lam_viec', 'Sử dụng thời giờ làm việc', 'Use of working hours', 'public_service', 'cong_vu', '2024-01-01'),
			('che_do_tien_luong', 'Thực hiện chế độ tiền lương', 'Pay and allowances', 'specialised', 'tai_chinh', '2024-01-01')`,
		`INSERT INTO units (code, name, kind, type_label, path) VALUES ('01', 'Thành phố Hà Nội', 'city', 'Thành phố', '/01/')`,
		`INSERT INTO units (code, name, kind, type_label, parent_id, path) VALUES
			('001', 'Quận Ba Đình', 'district', 'Quận', (SELECT id FROM units WHERE code = '01'), '/01/001/'),
			('01-STP', 'Sở Tư pháp', 'department', 'Sở', (SELECT id FROM units WHERE code = '01'), '/01/01-STP/')`,
		`INSERT INTO units (code, name, kind, type_label, parent_id, path) VALUES
			('00001', 'Phường Phúc Xá', 'commune', 'Phường', (SELECT id FROM units WHERE code = '001'), '/01/001/00001/'),
			('00004', 'Phường Trúc Bạch', 'commune', 'Phường', (SELECT id FROM units WHERE code = '001'), '/01/001/00004/')`,
		`INSERT INTO bodies (code, name, short_name, kind, precedence) VALUES
			('city-team', 'Đoàn kiểm tra công vụ Thành phố', 'Đoàn KTCV TP', 'city_team', 1),
			('dept-inspectorate', 'Thanh tra Sở Nội vụ', 'Thanh tra SNV', 'inspectorate', 2)`,
	} {
		if err := srv.DB.Exec(q).Error; err != nil {
			t.Fatalf("fixture: %v", err)
		}
	}
	return srv
}

// loggedIn returns a client logged in as a new user of role.
func loggedIn(t *testing.T, srv *webtest.Server, role models.Role) *webtest.Client {
	t.Helper()
	c := srv.NewClient(t)
	c.Login(srv.CreateUser(t, role))
	return c
}

// multipartBody builds a multipart form with fields and one file.
func multipartBody(t *testing.T, fields map[string]string, fileName string, file []byte) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileName != "" {
		fw, err := w.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(file); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, w.FormDataContentType()
}

// upload posts a file to the import page as a browser does (CSRF field).
func uploadPage(t *testing.T, c *webtest.Client, fileName string, file []byte) webtest.Response {
	t.Helper()
	body, ct := multipartBody(t, map[string]string{"_csrf": c.CSRF(), "year": fmt.Sprint(proposalsYear)}, fileName, file)
	return c.Do(http.MethodPost, "/proposals/import", body, map[string]string{"Content-Type": ct, "Accept": "text/html"})
}

func countProposals(t *testing.T, srv *webtest.Server) int64 {
	t.Helper()
	return srv.Count(t, "proposals")
}

const goodCSV = "Mã cơ quan đề xuất;Mã đơn vị được kiểm tra;Loại hình kiểm tra;Hình thức;Nội dung kiểm tra (mã);Số ngày làm việc tại đơn vị;Số thành viên đoàn;Dự kiến kiểm tra từ ngày;Dự kiến kiểm tra đến ngày\n" +
	"city-team;00001;public_service;theo kế hoạch;ky_luat_hanh_chinh;3;4;01/03/2027;30/04/2027\n" +
	"dept-inspectorate;00004;specialised;đột xuất;che_do_tien_luong;2;3;;\n"

func TestProposalPagesAndAPIAnswerPlannersApproversAndViewersOnly(t *testing.T) {
	t.Parallel()
	srv := startProposalsServer(t)
	clients := map[models.Role]*webtest.Client{}
	for _, r := range []models.Role{models.RolePlanner, models.RoleApprover, models.RoleViewer, models.RoleInspector, models.RoleAdmin} {
		clients[r] = loggedIn(t, srv, r)
	}
	unit := srv.NewClient(t)
	unit.Login(srv.CreateUser(t, models.RoleUnit))
	clients[models.RoleUnit] = unit

	read := map[models.Role]bool{models.RolePlanner: true, models.RoleApprover: true, models.RoleViewer: true}
	manage := map[models.Role]bool{models.RolePlanner: true}
	for _, tt := range []struct {
		path    string
		json    bool
		allowed map[models.Role]bool
	}{
		{"/proposals", false, read},
		{"/proposals/template.xlsx", false, read},
		{"/proposals/export.xlsx", false, read},
		{"/proposals/new", false, manage},
		{"/proposals/import", false, manage},
		{"/proposals/demo.xlsx", false, manage},
		{"/api/v1/proposals", true, read},
		{"/api/v1/proposals/export", true, read},
	} {
		for role, c := range clients {
			var r webtest.Response
			if tt.json {
				r = c.GetJSON(tt.path)
			} else {
				r = c.Get(tt.path)
			}
			want := http.StatusForbidden
			if tt.allowed[role] {
				want = http.StatusOK
			}
			// The demo file needs the demo city: a planner gets 404 with a reason here.
			if tt.path == "/proposals/demo.xlsx" && role == models.RolePlanner {
				want = http.StatusNotFound
			}
			if r.Status != want {
				t.Errorf("%s as %s: %d, want %d", tt.path, role, r.Status, want)
			}
		}
	}
	r := clients[models.RoleApprover].SendJSON(http.MethodPost, "/api/v1/proposals", `{"body":"city-team"}`)
	if r.Status != http.StatusForbidden {
		t.Errorf("an approver creating: %d", r.Status)
	}
	if n := countProposals(t, srv); n != 0 {
		t.Errorf("%d proposals written", n)
	}
}

func TestTheProposalFormShowsEachReasonWith422KeepsTheInputAndSaves(t *testing.T) {
	t.Parallel()
	srv := startProposalsServer(t)
	c := loggedIn(t, srv, models.RolePlanner)
	if r := c.Get("/proposals/new?year=2027"); r.Status != 200 || !strings.Contains(r.Body, "Chấp hành kỷ luật, kỷ cương hành chính") {
		t.Fatalf("form: %d %.300s", r.Status, r.Body)
	}
	bad := url.Values{"year": {"2027"}, "body": {"city-team"}, "unit": {"99999"}, "kind": {"public_service"},
		"form": {"planned"}, "topics": {"ky_luat_hanh_chinh", "thoi_gio_lam_viec"}, "days": {"ba"}, "team_size": {"4"},
		"window_from": {"2026-12-01"}, "window_to": {"2027-01-31"}, "note": {"Ghi chú giữ nguyên"}}
	r := c.PostForm("/proposals", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.Status)
	}
	for _, want := range []string{
		`Không có đơn vị mã &#34;99999&#34; trong danh mục đơn vị.`, // under the unit field
		`&#34;ba&#34; không phải là số nguyên.`,
		`Ngày 01/12/2026 nằm ngoài năm kế hoạch 2027.`,
		`value="99999"`, `Ghi chú giữ nguyên`, `value="ky_luat_hanh_chinh" checked`, `value="thoi_gio_lam_viec" checked`,
		`id="unit-error"`, `aria-invalid="true"`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the 422 page lacks %s", want)
		}
	}
	en := srv.NewClient(t)
	en.Login(srv.CreateUser(t, models.RolePlanner, webtest.WithLocale("en")))
	r = en.PostForm("/proposals", bad)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `There is no unit with code &#34;99999&#34;.`) ||
		!strings.Contains(r.Body, "2026-12-01 is outside the plan&#39;s year 2027.") {
		t.Errorf("in English: %d %s", r.Status, extract(r.Body, "field-error"))
	}
	if n := countProposals(t, srv); n != 0 {
		t.Fatalf("%d proposals written by bad forms", n)
	}

	good := url.Values{"year": {"2027"}, "body": {"city-team"}, "unit": {"00001"}, "kind": {"public_service"},
		"form": {"unannounced"}, "topics": {"ky_luat_hanh_chinh"}, "days": {"3"}, "team_size": {"4"}, "priority": {"2"}}
	r = c.PostForm("/proposals", good)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/proposals/") {
		t.Fatalf("good form: %d %s", r.Status, r.Header.Get("Location"))
	}
	page := c.Get(r.Header.Get("Location"))
	if !strings.Contains(page.Body, "Đã thêm đề xuất.") || !strings.Contains(page.Body, "Phường Phúc Xá") || !strings.Contains(page.Body, "Đột xuất") {
		t.Errorf("after saving: %.500s", page.Body)
	}

	t.Run("withdrawing needs a reason", func(t *testing.T) {
		path := r.Header.Get("Location")
		w := c.PostForm(path+"/withdraw", url.Values{"reason": {"  "}})
		if w.Status != http.StatusUnprocessableEntity || !strings.Contains(w.Body, "Hãy ghi rõ lý do.") {
			t.Fatalf("blank reason: %d", w.Status)
		}
		w = c.PostForm(path+"/withdraw", url.Values{"reason": {"Cơ quan đề xuất rút lại"}})
		if w.Status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", w.Status)
		}
		if page := c.Get(path); !strings.Contains(page.Body, "Đã rút") || !strings.Contains(page.Body, "Cơ quan đề xuất rút lại") {
			t.Errorf("after withdrawing: %s", extract(page.Body, "status"))
		}
	})
}

// extract returns a short piece of body around the first occurrence of s, for messages.
func extract(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		return "(" + s + " not found)"
	}
	return body[i:min(len(body), i+400)]
}

func TestTheProposalsAPICreatesListsAndRefusesBadInput(t *testing.T) {
	t.Parallel()
	srv := startProposalsServer(t)
	c := srv.NewClient(t)
	c.Token = srv.CreateToken(t, srv.CreateUser(t, models.RolePlanner))

	r := c.SendJSON(http.MethodPost, "/api/v1/proposals",
		`{"year":2027,"body":"city-team","unit":"00001","kind":"public_service","form":"planned","topics":["nope"],"days":11,"team_size":4,"window_from":"2027-05-01"}`)
	var env struct {
		Error  string
		Fields []struct{ Field, VI, EN string }
	}
	r.JSON(t, &env)
	got := map[string]bool{}
	for _, f := range env.Fields {
		if f.VI == "" || f.EN == "" {
			t.Errorf("field %s lacks a language", f.Field)
		}
		got[f.Field] = true
	}
	if r.Status != http.StatusUnprocessableEntity || env.Error != "validation" || !got["topics"] || !got["days"] || !got["window_to"] {
		t.Fatalf("bad JSON: %d %s", r.Status, r.Body)
	}
	r = c.SendJSON(http.MethodPost, "/api/v1/proposals",
		`{"year":2027,"body":"city-team","unit":"00001","kind":"public_service","form":"planned","topics":["ky_luat_hanh_chinh"],"days":3,"team_size":4,"external_ref":"DX-9"}`)
	var row proposals.Row
	r.JSON(t, &row)
	if r.Status != http.StatusCreated || row.ID == 0 || row.UnitCode != "00001" || r.Header.Get("Location") != fmt.Sprintf("/api/v1/proposals/%d", row.ID) {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if g := c.GetJSON(fmt.Sprintf("/api/v1/proposals/%d", row.ID)); g.Status != 200 || !strings.Contains(g.Body, `"external_ref":"DX-9"`) {
		t.Errorf("get: %d %s", g.Status, g.Body)
	}
	var list struct {
		Items  []proposals.Row
		Total  int64
		Counts proposals.Counts
	}
	l := c.GetJSON("/api/v1/proposals?year=2027&unit=001&form=planned")
	l.JSON(t, &list)
	if l.Status != 200 || list.Total != 1 || len(list.Items) != 1 || list.Counts.ByForm["planned"] != 1 {
		t.Errorf("list: %d %s", l.Status, l.Body)
	}
	if l := c.GetJSON("/api/v1/proposals?year=2027&unit=01-STP"); !strings.Contains(l.Body, `"total":0`) {
		t.Errorf("another unit's subtree: %s", l.Body)
	}
}

func TestImportingAFileFromThePageAndTheAPI(t *testing.T) {
	t.Parallel()
	srv := startProposalsServer(t)
	c := loggedIn(t, srv, models.RolePlanner)
	api := srv.NewClient(t)
	api.Token = srv.CreateToken(t, srv.CreateUser(t, models.RolePlanner))

	t.Run("a bad file shows every bad row, column and reason and writes nothing", func(t *testing.T) {
		bad := strings.Replace(goodCSV, "00004", "99999", 1)
		bad = strings.Replace(bad, "01/03/2027", "01/03/2026", 1)
		r := uploadPage(t, c, "de-xuat.csv", []byte(bad))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.Status)
		}
		for _, want := range []string{"Tệp không được nhập: 2 lỗi.", "<td>2</td>", "<td>H2</td>", "Dự kiến kiểm tra từ ngày",
			"Ngày 01/03/2026 nằm ngoài năm kế hoạch 2027.", "<td>3</td>", "<td>B3</td>", `Không có đơn vị mã &#34;99999&#34;`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		if n := countProposals(t, srv); n != 0 {
			t.Fatalf("%d proposals written", n)
		}
	})

	t.Run("a non-Excel file renamed .xlsx is refused by the API with its reason", func(t *testing.T) {
		body, ct := multipartBody(t, map[string]string{"year": "2027"}, "bao-cao.xlsx", []byte("Đây là một tệp văn bản, không phải Excel."))
		r := api.Do(http.MethodPost, "/api/v1/proposals/import", body, map[string]string{"Content-Type": ct})
		var out struct {
			Error    string
			Message  struct{ VI, EN string }
			Problems []proposals.RowError
		}
		r.JSON(t, &out)
		if r.Status != http.StatusUnprocessableEntity || out.Error != "validation" || len(out.Problems) != 1 ||
			!strings.Contains(out.Problems[0].VI, "không phải là tệp Excel") || !strings.Contains(out.Problems[0].EN, "not a valid Excel") {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})

	t.Run("a 50 MB upload is refused from its declared size, before it is read", func(t *testing.T) {
		// A raw connection declares 50 MB but sends only the start of the body:
		// the answer comes at once, so the server read nothing more.
		u, err := url.Parse(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "POST /api/v1/proposals/import HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: %d\r\n\r\n"+
			"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lon.xlsx\"\r\n\r\nPK",
			u.Host, api.Token, 50<<20)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer to a 50 MB upload: %v", err)
		}
		defer res.Body.Close()
		var env struct {
			Error   string
			Message struct{ VI, EN string }
		}
		if err := json.NewDecoder(res.Body).Decode(&env); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusRequestEntityTooLarge || env.Error != "too_large" || env.Message.VI == "" || env.Message.EN == "" {
			t.Fatalf("%d %+v", res.StatusCode, env)
		}
		if n := countProposals(t, srv); n != 0 {
			t.Fatalf("%d proposals written", n)
		}
	})

	t.Run("a 12 MB upload gets the import's own limit", func(t *testing.T) {
		big := bytes.Repeat([]byte("x"), 12<<20)
		body, ct := multipartBody(t, map[string]string{"year": "2027"}, "lon.csv", big)
		r := api.Do(http.MethodPost, "/api/v1/proposals/import", body, map[string]string{"Content-Type": ct})
		if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "tối đa là 10.0 MB") {
			t.Fatalf("status %d: %.300s", r.Status, r.Body)
		}
	})

	t.Run("a good file adds every row and the list says how many", func(t *testing.T) {
		r := uploadPage(t, c, "de-xuat.csv", []byte(goodCSV))
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/proposals?year=2027" {
			t.Fatalf("status %d %s: %s", r.Status, r.Header.Get("Location"), extract(r.Body, "refused"))
		}
		list := c.Get("/proposals?year=2027")
		if !strings.Contains(list.Body, "2 đề xuất đã được nhập vào năm 2027.") {
			t.Errorf("no count after the import: %s", extract(list.Body, "flash"))
		}
		if again := c.Get("/proposals?year=2027"); strings.Contains(again.Body, "đã được nhập") {
			t.Errorf("the count is shown twice")
		}
		if n := countProposals(t, srv); n != 2 {
			t.Fatalf("%d proposals, want 2", n)
		}
	})

	t.Run("the export is an Excel file that imports again", func(t *testing.T) {
		r := c.Get("/proposals/export.xlsx?year=2027")
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
			t.Fatalf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		f, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("Đề xuất")
		_ = f.Close()
		if len(rows) != 4 {
			t.Fatalf("%d rows in the export, want 2 headers and 2 proposals", len(rows))
		}
		body, ct := multipartBody(t, map[string]string{"year": "2027"}, "export.xlsx", []byte(r.Body))
		res := api.Do(http.MethodPost, "/api/v1/proposals/import", body, map[string]string{"Content-Type": ct})
		// The CSV rows had no refs, so the same proposals import again as new rows.
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"added":2`) {
			t.Fatalf("re-import: %d %s", res.Status, res.Body)
		}
	})
}

func TestProposalAnswersCarryTheFieldsTheDocumentRequires(t *testing.T) {
	t.Parallel()
	bundled := filepath.Join(t.TempDir(), "openapi.json")
	runRedocly(t, "bundle", "openapi.yaml", "--output", bundled)
	raw, err := os.ReadFile(bundled)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	srv := startProposalsServer(t)
	c := srv.NewClient(t)
	c.Token = srv.CreateToken(t, srv.CreateUser(t, models.RolePlanner))
	check := func(what string, r webtest.Response, name string) {
		t.Helper()
		var body any
		r.JSON(t, &body)
		for _, problem := range missingRequired(doc.Components.Schemas, doc.Components.Schemas[name], body, "$") {
			t.Errorf("%s (%s): %s", what, name, problem)
		}
	}
	created := c.SendJSON(http.MethodPost, "/api/v1/proposals",
		`{"body":"city-team","unit":"00001","kind":"public_service","form":"planned","topics":["ky_luat_hanh_chinh"],"days":3,"team_size":4}`)
	if created.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	check("POST /api/v1/proposals", created, "Proposal")
	var row proposals.Row
	created.JSON(t, &row)
	check("GET one", c.GetJSON(fmt.Sprintf("/api/v1/proposals/%d", row.ID)), "Proposal")
	check("GET list", c.GetJSON("/api/v1/proposals?year=2027"), "ProposalPage")
	body, ct := multipartBody(t, map[string]string{"year": "2027"}, "x.csv", []byte(strings.Replace(goodCSV, "00004", "0000x", 1)))
	check("a refused import", c.Do(http.MethodPost, "/api/v1/proposals/import", body, map[string]string{"Content-Type": ct}), "ProposalImportRefusal")
	body, ct = multipartBody(t, map[string]string{"year": "2027"}, "x.csv", []byte(goodCSV))
	check("a good import", c.Do(http.MethodPost, "/api/v1/proposals/import", body, map[string]string{"Content-Type": ct}), "ProposalImportResult")
	check("a withdrawal", c.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/proposals/%d/withdraw", row.ID), `{"reason":"Trùng kế hoạch"}`), "Proposal")
}
