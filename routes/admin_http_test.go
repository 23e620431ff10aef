package routes

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khung/app/units/unitstest"
	"khung/models"
	"khung/routes/webtest"
)

// adminFixture is a server with Hanoi's units, one body, one inspector, one
// holiday, one catalog entry, one rule and an audit entry, and the ids of each.
type adminFixture struct {
	srv  *webtest.Server
	tree unitstest.Tree
	ids  map[string]int64
}

func startAdminServer(t *testing.T) adminFixture {
	t.Helper()
	srv := startServer(t)
	tree := unitstest.LoadHanoi(t, srv.DB)
	f := adminFixture{srv: srv, tree: tree, ids: map[string]int64{}}
	exec := func(name, query string, args ...any) {
		t.Helper()
		var id int64
		if err := srv.DB.Raw(query+" RETURNING id", args...).Scan(&id).Error; err != nil {
			t.Fatalf("fixture %s: %v", name, err)
		}
		f.ids[name] = id
	}
	exec("body", `INSERT INTO bodies (code, name, kind, precedence, unit_id) VALUES ('DKTCV', 'Đoàn kiểm tra công vụ Thành phố', 'city_team', 1, ?)`, tree.ID(t, "01-SNV"))
	exec("inspector", `INSERT INTO inspectors (code, full_name, body_id, home_unit_id, can_lead) VALUES ('TTV-001', 'Phạm Minh Tuấn', ?, ?, true)`, f.ids["body"], tree.ID(t, "01-SNV"))
	exec("inspector_ba_dinh", `INSERT INTO inspectors (code, full_name, body_id, home_unit_id) VALUES ('TTV-002', 'Lê Thị Hoa', ?, ?)`, f.ids["body"], tree.ID(t, "00004"))
	exec("holiday", `INSERT INTO holidays (date, kind, name_vi) VALUES ('2026-09-02', 'holiday', 'Quốc khánh')`)
	exec("kind", `INSERT INTO inspection_kinds (code, name_vi, valid_from) VALUES ('public_service', 'Kiểm tra công vụ', '2025-01-01')`)
	exec("rule", `INSERT INTO rules (key, value, description_vi, valid_from) VALUES ('followup.implementation_check_max_working_days', '15', 'Thời hạn ký kết luận', '2025-07-01')`)
	exec("audit", `INSERT INTO audit_log (action, entity, entity_id, after) VALUES ('import', 'units', 1, '{"name":"Hà Nội"}')`)
	return f
}

// client logs in a new user of role (a unit user of Ba Đình) and returns its client.
func (f adminFixture) client(t *testing.T, role models.Role) (*webtest.Client, webtest.User) {
	t.Helper()
	var opts []webtest.UserOption
	if role == models.RoleUnit {
		opts = append(opts, webtest.InUnit(f.tree.ID(t, "001")))
	}
	u := f.srv.CreateUser(t, role, opts...)
	c := f.srv.NewClient(t)
	c.Login(u)
	return c, u
}

func (f adminFixture) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := f.srv.DB.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEachRoleReachesTheAdminPagesAsItShould(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	id := func(name string) string { return fmt.Sprint(f.ids[name]) }
	pages := []string{
		"/admin/units", "/admin/units?q=ba+dinh", "/admin/units/new", "/admin/units/" + fmt.Sprint(f.tree.ID(t, "001")),
		"/admin/users", "/admin/users/new",
		"/admin/bodies", "/admin/bodies/new", "/admin/bodies/" + id("body"),
		"/admin/inspectors", "/admin/inspectors/new", "/admin/inspectors/" + id("inspector"),
		"/admin/holidays", "/admin/holidays?year=2026", "/admin/holidays/" + id("holiday"),
		"/admin/catalogs/kinds", "/admin/catalogs/topics", "/admin/catalogs/skills", "/admin/catalogs/kinds/new",
		"/admin/catalogs/kinds/" + id("kind"), "/admin/catalogs/rules", "/admin/catalogs/rules/new",
		"/admin/catalogs/rules/" + id("rule"), "/admin/audit", "/admin/audit?entity=units", "/admin/audit/" + id("audit"),
	}
	posts := []string{"/admin/units/new", "/admin/units/" + fmt.Sprint(f.tree.ID(t, "001")), "/admin/users/new", "/admin/bodies/new", "/admin/inspectors/new", "/admin/holidays",
		"/admin/catalogs/kinds/new", "/admin/catalogs/rules/new", "/admin/bodies/" + id("body") + "/delete"}

	t.Run("anonymous is sent to the login page", func(t *testing.T) {
		c := f.srv.NewClient(t)
		for _, p := range pages {
			r := c.Get(p)
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
				t.Errorf("GET %s: %d → %q, want 303 to /login", p, r.Status, r.Header.Get("Location"))
			}
		}
	})
	for _, role := range models.Roles() {
		t.Run(string(role), func(t *testing.T) {
			c, u := f.client(t, role)
			want := http.StatusForbidden
			if role == models.RoleAdmin {
				want = http.StatusOK
			}
			for _, p := range pages {
				if r := c.Get(p); r.Status != want {
					t.Errorf("GET %s as %s: %d, want %d", p, role, r.Status, want)
				}
			}
			if role == models.RoleAdmin {
				return
			}
			bodies := f.count(t, "bodies")
			for _, p := range posts {
				r := c.PostForm(p, url.Values{"code": {"X"}, "name": {"X"}, "kind": {"division"}})
				if r.Status != http.StatusForbidden {
					t.Errorf("POST %s as %s: %d, want 403", p, u.Role, r.Status)
				}
			}
			if n := f.count(t, "bodies"); n != bodies {
				t.Errorf("a %s changed the bodies: %d → %d", role, bodies, n)
			}
		})
	}
}

func TestEachRoleReachesTheAdminAPIAsItShould(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	id := func(name string) string { return fmt.Sprint(f.ids[name]) }
	const (
		all       = "all"       // every role
		reference = "reference" // every role that reads reference data: all but the viewer
		admin     = "admin"     // the administrator only
	)
	reads := []struct{ path, who string }{
		{"/api/v1/units?q=ba+dinh", all},
		{"/api/v1/units/" + fmt.Sprint(f.tree.ID(t, "001")), all},
		{"/api/v1/units/" + fmt.Sprint(f.tree.ID(t, "001")) + "/children", all},
		{"/api/v1/bodies", reference},
		{"/api/v1/bodies/" + id("body"), reference},
		{"/api/v1/inspectors", reference},
		{"/api/v1/holidays?year=2026", reference},
		{"/api/v1/holidays/" + id("holiday"), reference},
		{"/api/v1/catalogs/kinds", reference},
		{"/api/v1/catalogs/kinds/" + id("kind"), reference},
		{"/api/v1/rules", reference},
		{"/api/v1/rules/" + id("rule"), reference},
		{"/api/v1/users", admin},
		{"/api/v1/audit", admin},
		{"/api/v1/audit/" + id("audit"), admin},
	}
	writes := []struct{ method, path, body string }{
		{"POST", "/api/v1/bodies", `{"code":"B2","name":"Thanh tra Sở","kind":"inspectorate"}`},
		{"PUT", "/api/v1/bodies/" + id("body"), `{"code":"DKTCV","name":"Đoàn KTCV","kind":"city_team","precedence":1}`},
		{"POST", "/api/v1/holidays", `{"date":"2026-01-01","kind":"holiday","name_vi":"Tết Dương lịch"}`},
		{"POST", "/api/v1/catalogs/skills", `{"code":"cong_vu","name_vi":"Công vụ","valid_from":"2025-01-01"}`},
		{"POST", "/api/v1/rules", `{"key":"plan.max_visits","value":1,"description_vi":"Tối đa","valid_from":"2025-01-01"}`},
		{"POST", "/api/v1/users", `{"email":"x@khung.vn","full_name":"X","role":"viewer","password":"mat-khau-dai-du"}`},
		{"DELETE", "/api/v1/rules/" + id("rule"), ``},
		{"POST", "/api/v1/units", `{"parent_code":"01","code":"01-X","name":"Ban X","kind":"department"}`},
		{"PUT", "/api/v1/units/" + fmt.Sprint(f.tree.ID(t, "001")), `{"name":"Quận Ba Đình","kind":"district"}`},
	}
	for _, role := range models.Roles() {
		t.Run(string(role), func(t *testing.T) {
			_, u := f.client(t, role)
			c := f.srv.NewClient(t)
			c.Token = f.srv.CreateToken(t, u)
			for _, r := range reads {
				allowed := r.who == all || (r.who == reference && role != models.RoleViewer) || role == models.RoleAdmin
				want := http.StatusForbidden
				if allowed {
					want = http.StatusOK
				}
				if got := c.GetJSON(r.path); got.Status != want {
					t.Errorf("GET %s as %s: %d, want %d: %.200s", r.path, role, got.Status, want, got.Body)
				}
			}
			if role == models.RoleAdmin {
				return // the administrator's writes are tested below
			}
			audit := f.count(t, "audit_log")
			for _, w := range writes {
				if got := c.SendJSON(w.method, w.path, w.body); got.Status != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403", w.method, w.path, role, got.Status)
				}
			}
			if n := f.count(t, "audit_log"); n != audit {
				t.Errorf("refused writes of a %s were audited: %d → %d", role, audit, n)
			}
		})
	}
	t.Run("anonymous gets 401", func(t *testing.T) {
		c := f.srv.NewClient(t)
		for _, r := range reads {
			if got := c.GetJSON(r.path); got.Status != http.StatusUnauthorized {
				t.Errorf("GET %s: %d, want 401", r.path, got.Status)
			}
		}
	})
}

func TestTheAdministratorWritesThroughTheAPIWithATokenOrASession(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	_, admin := f.client(t, models.RoleAdmin)
	b := f.srv.NewClient(t)
	b.Token = f.srv.CreateToken(t, admin)

	r := b.SendJSON("POST", "/api/v1/bodies", `{"code":"TTS","name":"Thanh tra Sở Nội vụ","kind":"inspectorate","precedence":2,"unit_code":"01-SNV"}`)
	var body struct {
		ID       int64  `json:"id"`
		UnitName string `json:"unit_name"`
		Active   bool   `json:"active"`
	}
	r.JSON(t, &body)
	if r.Status != http.StatusCreated || body.UnitName != "Sở Nội vụ" || !body.Active ||
		r.Header.Get("Location") != fmt.Sprintf("/api/v1/bodies/%d", body.ID) {
		t.Fatalf("create with a token: %d %s (Location %q)", r.Status, r.Body, r.Header.Get("Location"))
	}

	s, _ := f.client(t, models.RoleAdmin)
	r = s.Do("POST", "/api/v1/holidays", strings.NewReader(`{"date":"2026-01-01","kind":"holiday","name_vi":"Tết Dương lịch"}`),
		map[string]string{"Content-Type": "application/json", "Accept": "application/json"})
	if r.Status != http.StatusForbidden {
		t.Errorf("a session write without the CSRF header: %d, want 403", r.Status)
	}
	r = s.SendJSON("POST", "/api/v1/holidays", `{"date":"2026-01-01","kind":"holiday","name_vi":"Tết Dương lịch"}`)
	if r.Status != http.StatusCreated {
		t.Fatalf("a session write with the CSRF header: %d %s", r.Status, r.Body)
	}
	var year holidayYearJSON
	r = b.GetJSON("/api/v1/holidays?year=2026")
	r.JSON(t, &year)
	if len(year.Days) != 2 || len(year.Months) != 12 || year.WorkingDays != 259 {
		t.Errorf("2026: %+v", year)
	}

	r = b.SendJSON("PUT", fmt.Sprintf("/api/v1/bodies/%d", body.ID), `{"code":"TTS","name":"Thanh tra Sở","kind":"inspectorate","active":false}`)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `"active":false`) {
		t.Errorf("update: %d %s", r.Status, r.Body)
	}
	r = b.GetJSON("/api/v1/audit?entity=bodies&entity_id=" + fmt.Sprint(body.ID))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `"total":2`) {
		t.Errorf("the body's audit trail: %d %.300s", r.Status, r.Body)
	}
	r = b.SendJSON("POST", "/api/v1/units", `{"parent_code":"01-SNV","code":"01-SNV-TT","name":"Trung tâm Lưu trữ","kind":"public_service_unit"}`)
	if r.Status != http.StatusCreated || !strings.Contains(r.Body, `"path":"/01/01-SNV/01-SNV-TT/"`) {
		t.Errorf("create a unit: %d %s", r.Status, r.Body)
	}
	r = b.SendJSON("PUT", fmt.Sprintf("/api/v1/units/%d", f.tree.ID(t, "001")), `{"name":"Quận Ba Đình","kind":"district","type_label":"Quận","valid_to":"2025-06-30"}`)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `"valid_to":"2025-06-30"`) || !strings.Contains(r.Body, `"code":"001"`) {
		t.Errorf("end a district: %d %s", r.Status, r.Body)
	}
	if r := b.SendJSON("DELETE", fmt.Sprintf("/api/v1/bodies/%d", f.ids["body"]), ""); r.Status != http.StatusConflict {
		t.Errorf("deleting a body with inspectors: %d %s", r.Status, r.Body)
	}
}

func TestAUnitUserReadsOnlyItsSubtreeThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	_, u := f.client(t, models.RoleUnit)
	c := f.srv.NewClient(t)
	c.Token = f.srv.CreateToken(t, u)

	var page struct {
		Total int64 `json:"total"`
		Items []struct {
			Code string `json:"code"`
			Path string `json:"path"`
		} `json:"items"`
	}
	r := c.GetJSON("/api/v1/units?per_page=200")
	r.JSON(t, &page)
	if r.Status != 200 || page.Total != 14 {
		t.Fatalf("a Ba Đình user lists %d units, want Ba Đình and its 13 wards: %.300s", page.Total, r.Body)
	}
	for _, it := range page.Items {
		if !strings.HasPrefix(it.Path, "/01/001/") {
			t.Errorf("a Ba Đình user reads %s (%s)", it.Code, it.Path)
		}
	}
	r = c.GetJSON("/api/v1/units?q=phuc")
	page.Items = nil
	r.JSON(t, &page)
	if page.Total != 2 {
		t.Errorf("'phuc' for a Ba Đình user: %d units, want Phúc Xá and Vĩnh Phúc: %s", page.Total, r.Body)
	}
	for _, p := range []string{
		"/api/v1/units/" + fmt.Sprint(f.tree.ID(t, "002")),
		"/api/v1/units/" + fmt.Sprint(f.tree.ID(t, "01")) + "/children",
		"/api/v1/inspectors/" + fmt.Sprint(f.ids["inspector"]),
	} {
		if r := c.GetJSON(p); r.Status != http.StatusNotFound {
			t.Errorf("GET %s as a Ba Đình user: %d, want 404", p, r.Status)
		}
	}
	r = c.GetJSON("/api/v1/inspectors")
	if !strings.Contains(r.Body, `"total":1`) || !strings.Contains(r.Body, "Lê Thị Hoa") {
		t.Errorf("a Ba Đình user's inspectors: %s", r.Body)
	}
	r = c.GetJSON("/api/v1/units/" + fmt.Sprint(f.tree.ID(t, "00001")))
	if r.Status != 200 || !strings.Contains(r.Body, `"breadcrumbs":[{"id"`) || strings.Contains(r.Body, "Thành phố Hà Nội\",\"short_name") {
		t.Errorf("a ward of Ba Đình: %d %.400s", r.Status, r.Body)
	}
}

func TestAdminAPIRefusesBadInputFieldByFieldAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	_, admin := f.client(t, models.RoleAdmin)
	c := f.srv.NewClient(t)
	c.Token = f.srv.CreateToken(t, admin)
	tests := []struct {
		name, method, path, body, table string
		fields                          []string
	}{
		{"user with a bad email and an unknown unit", "POST", "/api/v1/users",
			`{"email":"lan","full_name":"Lan","role":"unit","unit_code":"99999","password":"mat-khau-dai-du"}`, "users",
			[]string{"email", "unit_code"}},
		{"user without a name", "POST", "/api/v1/users",
			`{"email":"lan@khung.vn","full_name":" ","role":"viewer","password":"mat-khau-dai-du"}`, "users", []string{"full_name"}},
		{"inspector whose leave ends before it starts", "POST", "/api/v1/inspectors",
			`{"code":"TTV-9","full_name":"Ngô Văn Nam","body_code":"DKTCV","leaves":[{"from":"2026-07-10","to":"2026-07-01"}]}`,
			"inspectors", []string{"leaves[0].to"}},
		{"catalog entry valid_to before valid_from, duplicate code", "POST", "/api/v1/catalogs/kinds",
			`{"code":"public_service","name_vi":"Kiểm tra công vụ","valid_from":"2025-01-01","valid_to":"2024-12-31"}`,
			"inspection_kinds", []string{"code", "valid_to"}},
		{"working Saturday on a Wednesday", "POST", "/api/v1/holidays",
			`{"date":"2026-01-07","kind":"working_saturday","name_vi":"Làm bù"}`, "holidays", []string{"date"}},
		{"overlapping rule version", "POST", "/api/v1/rules",
			`{"key":"followup.implementation_check_max_working_days","value":30,"description_vi":"Cũ","valid_from":"2025-01-01"}`, "rules", []string{"valid_from"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, audit := f.count(t, tt.table), f.count(t, "audit_log")
			r := c.SendJSON(tt.method, tt.path, tt.body)
			var env errorEnvelope
			r.JSON(t, &env)
			if r.Status != http.StatusUnprocessableEntity || env.Error != "validation" {
				t.Fatalf("%d %s, want 422 validation", r.Status, r.Body)
			}
			got := map[string]bool{}
			for _, fe := range env.Fields {
				got[fe.Field] = true
				if fe.VI == "" || fe.EN == "" || fe.Rule == "" {
					t.Errorf("field %s lacks a rule or a message: %+v", fe.Field, fe)
				}
			}
			for _, want := range tt.fields {
				if !got[want] {
					t.Errorf("no problem reported for %s: %+v", want, env.Fields)
				}
			}
			if n, a := f.count(t, tt.table), f.count(t, "audit_log"); n != rows || a != audit {
				t.Errorf("a refused write changed rows: %s %d → %d, audit %d → %d", tt.table, rows, n, audit, a)
			}
		})
	}
	if r := c.GetJSON("/api/v1/catalogs/planets"); r.Status != http.StatusNotFound {
		t.Errorf("an unknown catalog: %d", r.Status)
	}
	if r := c.GetJSON("/api/v1/audit?from=yesterday"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a malformed date filter: %d", r.Status)
	}
}

func TestAdminFormsShowErrorsUnderTheFieldWithTheInputKept(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	c, _ := f.client(t, models.RoleAdmin)
	bodies := f.count(t, "bodies")
	r := c.PostForm("/admin/bodies/new", url.Values{"code": {"DKTCV"}, "name": {""}, "kind": {"division"}, "unit_code": {"01-ZZZ"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	for _, want := range []string{
		`data-test="error-name"`, "Bắt buộc nhập.",
		`data-test="error-code"`, "Mã này đã được dùng cho một cơ quan khác.",
		`data-test="error-unit_code"`, "Không có đơn vị nào có mã này.",
		`value="01-ZZZ"`, `value="DKTCV"`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the re-rendered form lacks %q", want)
		}
	}
	if n := f.count(t, "bodies"); n != bodies {
		t.Errorf("bodies %d → %d", bodies, n)
	}

	// The unit page's edit form opens again with its error.
	unitPath := fmt.Sprintf("/admin/units/%d", f.tree.ID(t, "001"))
	r = c.PostForm(unitPath, url.Values{"name": {"Quận Ba Đình"}, "kind": {"district"},
		"valid_from": {"2025-07-01"}, "valid_to": {"2025-06-30"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `<details class="edit" open>`) ||
		!strings.Contains(r.Body, `data-test="error-valid_to"`) || !strings.Contains(r.Body, `value="2025-06-30"`) {
		t.Errorf("unit edit with an end before its start: %d", r.Status)
	}

	// An inspector row error lands under the row the person typed in, even
	// when an empty row came before it.
	r = c.PostForm("/admin/inspectors/new?lang=en", url.Values{
		"code": {"TTV-9"}, "full_name": {"Ngô Văn Nam"}, "body_code": {"DKTCV"},
		"leaves[0].from": {""}, "leaves[0].to": {""}, "leaves[0].reason": {""},
		"leaves[1].from": {"2026-07-10"}, "leaves[1].to": {"2026-07-01"}, "leaves[1].reason": {"phép"},
		"former_units[0].unit_code": {"nope"}, "former_units[0].from": {""}, "former_units[0].to": {""},
		"relatives[0].unit_code": {"006"}, "relatives[0].relation": {"spouse"}, "relatives[0].post": {"accounting"}, "relatives[0].note": {""},
	})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("inspector form: %d", r.Status)
	}
	for _, want := range []string{
		`id="leaves[1].to-error"`, "Must be on or after From.",
		`id="former_units[0].unit_code-error"`, "No unit has this code.",
		`value="2026-07-10"`, `value="nope"`,
		// The rows' units are found by name with the unit picker, and a
		// known code shows its unit's name.
		`list="former-0-unit-options"`, `list="relative-0-unit-options"`, `aria-label="Unit"`,
		`data-test="unit-picker-shown">Quận Đống Đa</p>`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the inspector form lacks %q", want)
		}
	}
	if strings.Contains(r.Body, `id="relatives[0].unit_code-error"`) {
		t.Error("a known unit code was refused")
	}

	// Saved, the inspector's page (in English, chosen above) names the units of its rows.
	r = c.PostForm("/admin/inspectors/new", url.Values{
		"code": {"TTV-10"}, "full_name": {"Đỗ Văn Bình"}, "body_code": {"DKTCV"},
		"former_units[0].unit_code": {"006"}, "former_units[0].from": {"2020-01-01"}, "former_units[0].to": {"2022-06-30"},
		"relatives[0].unit_code": {"001"}, "relatives[0].relation": {"parent"}, "relatives[0].post": {"head"}, "relatives[0].note": {""},
	})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save an inspector with rows: %d %.800s", r.Status, r.Body)
	}
	page := c.Get(r.Header.Get("Location"))
	for _, want := range []string{`data-test="unit-picker-shown">Quận Đống Đa</p>`, `data-test="unit-picker-shown">Quận Ba Đình</p>`,
		`value="006"`, `value="001"`, `<th scope="col">Unit</th>`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the saved inspector's page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, `<th scope="col">Unit code</th>`) {
		t.Error("the rows still ask for a unit code")
	}
	if strings.Contains(r.Body, `id="leaves[0].to-error"`) {
		t.Error("the error landed under the empty row")
	}
}

func TestAdminManagesAUserFromThePages(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	c, _ := f.client(t, models.RoleAdmin)
	r := c.PostForm("/admin/users/new", url.Values{"email": {"hoa@khung.vn"}, "full_name": {"Lê Thị Hoa"}, "role": {"unit"},
		"unit_code": {"001"}, "unit_position": {"head"}, "locale": {"vi"}, "password": {"mat-khau-dai-du"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %.500s", r.Status, r.Body)
	}
	where := r.Header.Get("Location")
	page := c.Get(where)
	if page.Status != 200 || !strings.Contains(page.Body, `value="hoa@khung.vn"`) || !strings.Contains(page.Body, "Đã tạo người dùng.") {
		t.Fatalf("the user's page: %d", page.Status)
	}
	r = c.PostForm(where+"/reset-password", url.Values{})
	if r.Status != 200 || !strings.Contains(r.Body, `data-test="new-password"`) || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("reset password: %d %q", r.Status, r.Header.Get("Cache-Control"))
	}
	if r := c.PostForm(where+"/deactivate", url.Values{}); r.Status != http.StatusSeeOther {
		t.Errorf("deactivate: %d", r.Status)
	}
	login := f.srv.NewClient(t)
	if r := login.PostForm("/login", url.Values{"email": {"hoa@khung.vn"}, "password": {"mat-khau-dai-du"}}); r.Status == http.StatusSeeOther {
		t.Error("a deactivated user logged in")
	}
	var actions []string
	f.srv.DB.Table("audit_log").Where("entity = 'users' AND action NOT LIKE 'login%'").Order("id").Pluck("action", &actions)
	if strings.Join(actions, ",") != "create,reset_password,deactivate" {
		t.Errorf("audit: %v", actions)
	}
}

func TestTheOpenAPIDocumentIsServed(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	r := srv.NewClient(t).Get("/api/openapi.yaml")
	if r.Status != 200 || !strings.HasPrefix(r.Body, "openapi: 3.1") || !strings.Contains(r.Header.Get("Content-Type"), "yaml") {
		t.Errorf("GET /api/openapi.yaml: %d %q %.40s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
}

// The administrator writes a signer's title and signing authority on the
// user's page; the documents they sign print them (inspections.SignerOf). An
// authority line that is not KT./TL./TUQ./TM. is 422 on its field.
func TestAdminWritesAUsersSignatureBlock(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	c, _ := f.client(t, models.RoleAdmin)
	form := url.Values{"email": {"binh@khung.vn"}, "full_name": {"Nguyễn Văn Bình"}, "role": {"approver"},
		"unit_position": {"office"}, "locale": {"vi"}, "password": {"mat-khau-dai-du"},
		"job_title": {"Phó Giám đốc"}, "signing_authority": {"Ký thay giám đốc"}}
	r := c.PostForm("/admin/users/new", form)
	if r.Status != 422 || !strings.Contains(r.Body, `data-test="error-signing_authority"`) || !strings.Contains(r.Body, `value="Phó Giám đốc"`) {
		t.Fatalf("a bad authority line: %d %.500s", r.Status, r.Body)
	}
	form.Set("signing_authority", " kt.  giám đốc ")
	if r = c.PostForm("/admin/users/new", form); r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %.500s", r.Status, r.Body)
	}
	var u models.User
	f.srv.DB.Where("email = ?", "binh@khung.vn").Take(&u)
	if u.JobTitle != "Phó Giám đốc" || u.SigningAuthority != "KT. GIÁM ĐỐC" {
		t.Errorf("stored %q / %q, want Phó Giám đốc / KT. GIÁM ĐỐC", u.JobTitle, u.SigningAuthority)
	}
	page := c.Get(r.Header.Get("Location"))
	if !strings.Contains(page.Body, `value="KT. GIÁM ĐỐC"`) || !strings.Contains(page.Body, `data-test="signature-block"`) {
		t.Errorf("the user's page does not show the signature block")
	}
	form.Set("signing_authority", "")
	form.Set("job_title", "Giám đốc")
	if r = c.PostForm(r.Header.Get("Location"), form); r.Status != http.StatusSeeOther {
		t.Fatalf("update: %d %.500s", r.Status, r.Body)
	}
	f.srv.DB.Where("email = ?", "binh@khung.vn").Take(&u)
	if u.JobTitle != "Giám đốc" || u.SigningAuthority != "" {
		t.Errorf("updated %q / %q, want Giám đốc / empty (the head signs)", u.JobTitle, u.SigningAuthority)
	}
}
