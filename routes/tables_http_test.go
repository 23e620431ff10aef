package routes

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"khung/models"
)

// rowLinks are the texts of the links matching re's first group, in page order.
func rowLinks(body string, re *regexp.Regexp) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestListsSortByTheirColumnsPageWithAJumpAndIgnoreAnUnknownSort(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	c, _ := f.client(t, models.RoleAdmin)
	// Four more inspectors whose names sort differently by bytes and as
	// Vietnamese (Đ after D, before E): the list must read them as a person does.
	for i, name := range []string{"Đỗ Văn Bình", "Dương Thị Lan", "Ân Quốc Huy", "Eo Minh Tâm"} {
		if err := f.srv.DB.Exec(`INSERT INTO inspectors (code, full_name, body_id, home_unit_id) VALUES (?, ?, ?, ?)`,
			fmt.Sprintf("TTV-1%02d", i), name, f.ids["body"], f.tree.ID(t, "01-SNV")).Error; err != nil {
			t.Fatal(err)
		}
	}
	names := regexp.MustCompile(`<a href="/admin/inspectors/\d+">([^<]+)</a>`)
	list := func(query string) []string {
		t.Helper()
		r := c.Get("/admin/inspectors" + query)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d", query, r.Status)
		}
		return rowLinks(r.Body, names)
	}
	ascending := []string{"Ân Quốc Huy", "Dương Thị Lan", "Đỗ Văn Bình", "Eo Minh Tâm", "Lê Thị Hoa", "Phạm Minh Tuấn"}
	descending := slices.Clone(ascending)
	slices.Reverse(descending)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"by name, as Vietnamese sorts", "?sort=name", ascending},
		{"by name the other way round", "?sort=-name", descending},
		{"page 2 of 2 rows holds the next two", "?sort=name&per_page=2&page=2", ascending[2:4]},
		{"page 1 differs from page 2", "?sort=name&per_page=2", ascending[:2]},
		{"an unknown column keeps the default order", "?sort=password_hash", ascending},
		{"an injection attempt is only an unknown column", "?sort=" + url.QueryEscape("full_name;DROP TABLE users"), ascending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := list(tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("GET /admin/inspectors%s lists %q, want %q", tt.query, got, tt.want)
			}
		})
	}

	t.Run("the headings link to the other direction and say where the list stands", func(t *testing.T) {
		body := c.Get("/admin/inspectors?sort=name&q=").Body
		if !strings.Contains(body, `aria-sort="ascending"><a href="/admin/inspectors?q=&amp;sort=-name"`) {
			t.Errorf("the name heading does not offer the descending order:\n%s", between(body, "<thead>", "</thead>"))
		}
		if !strings.Contains(body, "(đang xếp tăng dần; bấm để xếp giảm dần)") {
			t.Error("the sorted heading does not say so to a screen reader")
		}
	})

	t.Run("the pager jumps to a page, keeps the filter and gives the total", func(t *testing.T) {
		body := c.Get("/admin/inspectors?sort=-name&per_page=2&page=2").Body
		for _, want := range []string{`Trang 2/3 · tổng 6 dòng`, `<form method="get" action="/admin/inspectors" class="page-jump">`,
			`<input type="hidden" name="sort" value="-name">`, `<input type="hidden" name="per_page" value="2">`,
			`name="page" type="number" min="1" max="3" value="2"`, `href="/admin/inspectors?page=3&amp;per_page=2&amp;sort=-name" rel="next"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the pager lacks %s", want)
			}
		}
	})

	t.Run("a list read whole sorts and pages the same way (bodies)", func(t *testing.T) {
		if err := f.srv.DB.Exec(`INSERT INTO bodies (code, name, kind, precedence) VALUES ('PNV', 'Phòng Nội vụ', 'division', 5), ('ANV', 'Ân Nội vụ', 'division', 9)`).Error; err != nil {
			t.Fatal(err)
		}
		bodies := regexp.MustCompile(`<a href="/admin/bodies/\d+">([^<]+)</a>`)
		byName := rowLinks(c.Get("/admin/bodies?sort=name").Body, bodies)
		if want := []string{"Ân Nội vụ", "Đoàn kiểm tra công vụ Thành phố", "Phòng Nội vụ"}; !slices.Equal(byName, want) {
			t.Errorf("bodies by name: %q, want %q", byName, want)
		}
		byPrecedence := rowLinks(c.Get("/admin/bodies?sort=-precedence&per_page=1&page=2").Body, bodies)
		if want := []string{"Phòng Nội vụ"}; !slices.Equal(byPrecedence, want) {
			t.Errorf("page 2 of bodies by precedence, descending: %q, want %q", byPrecedence, want)
		}
		unknown := rowLinks(c.Get("/admin/bodies?sort=nope").Body, bodies)
		if plain := rowLinks(c.Get("/admin/bodies").Body, bodies); !slices.Equal(unknown, plain) {
			t.Errorf("an unknown sort changed the bodies' order: %q, want %q", unknown, plain)
		}
	})

	t.Run("the JSON list sorts by the same keys", func(t *testing.T) {
		var got struct {
			Items []struct {
				FullName string `json:"full_name"`
			} `json:"items"`
		}
		c.GetJSON("/api/v1/inspectors?sort=-name&per_page=2").JSON(t, &got)
		if len(got.Items) != 2 || got.Items[0].FullName != descending[0] || got.Items[1].FullName != descending[1] {
			t.Errorf("GET /api/v1/inspectors?sort=-name: %+v, want %q first", got.Items, descending[:2])
		}
	})
}

// between is the part of s from the first from to the next to (for messages).
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j+len(to)]
}

func TestAdminFormsRefuseBadInputOnTheFieldAndWriteNothing(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	c, _ := f.client(t, models.RoleAdmin)
	tests := []struct {
		name, path, table string
		form              url.Values
		field, words      string // the field refused and words of its message
	}{
		{"a user with a bad e-mail", "/admin/users/new", "users",
			url.Values{"email": {"hoa"}, "full_name": {"Lê Thị Hoa"}, "role": {"planner"}, "password": {"mat-khau-dai-du"}, "locale": {"vi"}},
			"email", "email"},
		{"a user linked to an inspector nobody is", "/admin/users/new", "users",
			url.Values{"email": {"hoa@khung.vn"}, "full_name": {"Lê Thị Hoa"}, "role": {"inspector"}, "password": {"mat-khau-dai-du"},
				"locale": {"vi"}, "inspector_code": {"Người Không Có — Thanh tra"}}, "inspector_code", ""},
		{"a body whose start date is not a day", "/admin/bodies/new", "bodies",
			url.Values{"code": {"PNV"}, "name": {"Phòng Nội vụ"}, "kind": {"division"}, "precedence": {"5"}, "valid_from": {"31/02/2026"}},
			"valid_from", "ngày/tháng/năm"},
		{"a body whose precedence is not a number", "/admin/bodies/new", "bodies",
			url.Values{"code": {"PNV"}, "name": {"Phòng Nội vụ"}, "kind": {"division"}, "precedence": {"năm"}},
			"precedence", ""},
		{"a holiday on no day", "/admin/holidays?year=2026", "holidays",
			url.Values{"kind": {"holiday"}, "date": {"2026-13-01"}, "name_vi": {"Ngày lạ"}}, "date", "ngày/tháng/năm"},
		{"a unit without a name", "/admin/units/new", "units",
			url.Values{"code": {"X-1"}, "name": {""}, "kind": {"division"}}, "name", ""},
		{"an inspector of no body", "/admin/inspectors/new", "inspectors",
			url.Values{"code": {"TTV-9"}, "full_name": {"Trần Văn Nam"}, "body_code": {"KHONG-CO"}}, "body_code", ""},
		{"an inspector whose leave ends on no day", "/admin/inspectors/new", "inspectors",
			url.Values{"code": {"TTV-9"}, "full_name": {"Trần Văn Nam"}, "body_code": {"DKTCV"},
				"leaves[0].from": {"01/03/2026"}, "leaves[0].to": {"32/03/2026"}}, "leaves[0].to", "ngày/tháng/năm"},
		{"a catalog entry without a name", "/admin/catalogs/kinds/new", "inspection_kinds",
			url.Values{"code": {"thematic"}, "name_vi": {""}, "valid_from": {"01/01/2026"}}, "name_vi", ""},
		{"a rule from no day", "/admin/catalogs/rules/new", "rules",
			url.Values{"key": {"followup.implementation_check_max_working_days"}, "value": {"20"}, "valid_from": {"1 tháng 7"}},
			"valid_from", "ngày/tháng/năm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.count(t, tt.table)
			r := c.PostForm(tt.path, tt.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("POST %s: %d, want 422", tt.path, r.Status)
			}
			errBlock := between(r.Body, `data-test="error-`+tt.field+`"`, "</div>")
			if errBlock == "" {
				t.Fatalf("no error under %s:\n%s", tt.field, between(r.Body, `class="form-errors"`, "</form>"))
			}
			if tt.words != "" && !strings.Contains(errBlock, tt.words) {
				t.Errorf("the error under %s does not say %q: %s", tt.field, tt.words, errBlock)
			}
			if !strings.Contains(r.Body, "novalidate") {
				t.Error("the form lets the browser validate instead of the server")
			}
			if after := f.count(t, tt.table); after != before {
				t.Errorf("%s went from %d to %d rows: a refused form wrote", tt.table, before, after)
			}
		})
	}

	t.Run("the same dates typed as people write them are taken (positive control)", func(t *testing.T) {
		before := f.count(t, "holidays")
		r := c.PostForm("/admin/holidays?year=2026", url.Values{"kind": {"holiday"}, "date": {"30/04/2026"}, "name_vi": {"Ngày Giải phóng miền Nam"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("POST a holiday on 30/04/2026: %d, want 303", r.Status)
		}
		var day string
		if err := f.srv.DB.Raw(`SELECT date::text FROM holidays WHERE name_vi = 'Ngày Giải phóng miền Nam'`).Scan(&day).Error; err != nil || day != "2026-04-30" {
			t.Errorf("stored day %q (%v), want 2026-04-30", day, err)
		}
		if after := f.count(t, "holidays"); after != before+1 {
			t.Errorf("holidays: %d → %d, want one more", before, after)
		}
	})

	t.Run("an inspector picked by name and title links the account (positive control)", func(t *testing.T) {
		r := c.PostForm("/admin/users/new", url.Values{"email": {"tuan@khung.vn"}, "full_name": {"Phạm Minh Tuấn"}, "role": {"inspector"},
			"password": {"mat-khau-dai-du"}, "locale": {"vi"}, "inspector_code": {"Phạm Minh Tuấn — Đoàn kiểm tra công vụ Thành phố"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("POST a user with a picked inspector: %d\n%s", r.Status, between(r.Body, `class="form-errors"`, "</form>"))
		}
		var linked int64
		if err := f.srv.DB.Raw(`SELECT inspector_id FROM users WHERE email = 'tuan@khung.vn'`).Scan(&linked).Error; err != nil || linked != f.ids["inspector"] {
			t.Errorf("the account is linked to inspector %d (%v), want %d", linked, err, f.ids["inspector"])
		}
		page := c.Get(r.Header.Get("Location")).Body
		if !strings.Contains(page, `value="Phạm Minh Tuấn — Đoàn kiểm tra công vụ Thành phố"`) || strings.Contains(page, `value="TTV-001"`) {
			t.Error("the user's page shows the linked inspector by code, not by name")
		}
	})
}
