package routes

import (
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"testing"

	"khung/models"
	"khung/routes/webtest"
)

func TestTheAuditLogShowsActionsAndRecordsInWordsNotCodes(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t) // its log holds an "import" of "units"
	ids := map[string]int64{}
	for _, e := range [][2]string{
		{"publish", "plan_versions"}, {"visit.status", "visit"}, {"remediation.submit", "remediation_report"},
		{"made.up", "nowhere"}, // a code no catalog knows
	} {
		var id int64
		if err := f.srv.DB.Raw(`INSERT INTO audit_log (action, entity, entity_id) VALUES (?, ?, 7) RETURNING id`, e[0], e[1]).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		ids[e[0]] = id
	}
	// Codes a person must not read; the unknown one may only sit in a title.
	codes := []string{"plan_versions", "visit.status", "remediation.submit", "remediation_report"}
	readsCodes := func(doc string) []string {
		text, _ := pageReadable(doc)
		var out []string
		for _, c := range codes {
			if strings.Contains(text, c) {
				out = append(out, c)
			}
		}
		return out
	}
	tests := []struct {
		lang, path string
		want, not  []string
	}{
		{"vi", "/admin/audit", []string{"Công bố", "Phiên bản kế hoạch", "Chuyển trạng thái cuộc kiểm tra", "Cuộc kiểm tra",
			"Gửi báo cáo khắc phục", "Báo cáo khắc phục", "Nhập từ tệp", "Đơn vị", "Đăng nhập", "Người dùng",
			"Thao tác khác", "Dữ liệu khác", `title="made.up"`, `title="nowhere"`}, nil},
		{"en", "/admin/audit", []string{"Publish", "Plan version", "Change a visit&#39;s status", "Inspection visit",
			"Submit a remediation report", "Remediation report", "Sign in", "Other action", "Other record"}, nil},
		{"vi", "/admin/audit?entity=plan_versions", []string{"Công bố", `<option value="plan_versions" selected>Phiên bản kế hoạch</option>`},
			[]string{"Gửi báo cáo khắc phục", "Đăng nhập"}},
		{"vi", fmt.Sprintf("/admin/audit/%d", ids["visit.status"]), []string{"Chuyển trạng thái cuộc kiểm tra", "Cuộc kiểm tra #7"}, nil},
		{"en", fmt.Sprintf("/admin/audit/%d", ids["made.up"]), []string{`<span title="made.up">Other action</span>`, `<span title="nowhere">Other record</span> #7`}, nil},
	}
	clients := map[string]*webtest.Client{}
	for _, lang := range []string{"vi", "en"} {
		u := f.srv.CreateUser(t, models.RoleAdmin, webtest.WithLocale(lang))
		clients[lang] = f.srv.NewClient(t)
		clients[lang].Login(u) // a real entry: "login" of "users"
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.path, func(t *testing.T) {
			r := clients[tt.lang].Get(tt.path)
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s: %d", tt.path, r.Status)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s lacks %q", tt.path, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(r.Body, w) {
					t.Errorf("%s shows %q, which the filter leaves out", tt.path, w)
				}
			}
			if got := readsCodes(r.Body); len(got) > 0 {
				t.Errorf("%s reads codes %q", tt.path, got)
			}
			if strings.Contains(r.Body, ">made.up<") || strings.Contains(r.Body, ">nowhere") {
				t.Errorf("%s shows the unknown code as text", tt.path)
			}
		})
	}
	t.Run("an entry's changed fields read as labels and its dates as dd/mm/yyyy", func(t *testing.T) {
		var id int64
		if err := f.srv.DB.Raw(`INSERT INTO audit_log (action, entity, entity_id, before, after) VALUES ('visit.status', 'visit', 7, ?, ?) RETURNING id`,
			`{"status":"planned","on_date":"2026-07-01","zz_mystery":1,"can_lead":false,"former_units":[],"relation":"spouse"}`,
			`{"status":"announced","on_date":"2026-07-15","zz_mystery":2,"can_lead":true,"former_units":[{"id":4,"unit_id":7,"unit_name":"Quận Đống Đa","from_date":"2020-01-01","to_date":null}],"relation":"parent"}`).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/admin/audit/%d", id)
		for _, tt := range []struct {
			lang string
			want []string
		}{
			{"vi", []string{">Trạng thái <span class=\"badge\">", ">Ngày <span class=\"badge\">", "<td>01/07/2026</td>", "<td>15/07/2026</td>",
				`<span title="zz_mystery">Trường dữ liệu khác</span>`, "<td>Không</td>", "<td>Có</td>",
				"<td>Đã xếp lịch</td>", "<td>Đã thông báo</td>", "<td>Từ ngày: 01/01/2020; Tên đơn vị: Quận Đống Đa</td>",
				"<td>Vợ hoặc chồng</td>"}},
			{"en", []string{">Status <span class=\"badge\">", ">Date <span class=\"badge\">", "<td>01/07/2026</td>",
				`<span title="zz_mystery">Other field</span>`, "<td>No</td>", "<td>Yes</td>", "<td>Announced</td>"}},
		} {
			r := clients[tt.lang].Get(path)
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, r.Status)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s %s lacks %q", tt.lang, path, w)
				}
			}
			text, _ := pageReadable(r.Body)
			for _, raw := range []string{"on_date", "2026-07-01", "2026-07-15", "unit_name", "planned", "null"} {
				if strings.Contains(text, raw) {
					t.Errorf("%s %s reads %q", tt.lang, path, raw)
				}
			}
			if strings.Contains(r.Body, ">zz_mystery") { // the unknown name only in a title
				t.Errorf("%s %s shows the unknown field's name as text", tt.lang, path)
			}
			// Positive control: the stored names are in the entry, and the check would see them as text.
			if t2, _ := pageReadable("<p>on_date zz_mystery 2026-07-01</p>"); !strings.Contains(t2, "on_date") || !strings.Contains(t2, "2026-07-01") {
				t.Error("the check cannot see a raw name")
			}
		}
	})
	t.Run("positive control: the codes are in the page's markup, and the check finds them there", func(t *testing.T) {
		r := clients["vi"].Get("/admin/audit")
		if !strings.Contains(r.Body, `value="plan_versions"`) || !slices.Contains(readsCodes("<pre>"+html.EscapeString(r.Body)+"</pre>"), "plan_versions") {
			t.Errorf("the filter's values are not the stored codes, or the check cannot see a code")
		}
	})
}
