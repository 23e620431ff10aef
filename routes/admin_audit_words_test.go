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
	t.Run("positive control: the codes are in the page's markup, and the check finds them there", func(t *testing.T) {
		r := clients["vi"].Get("/admin/audit")
		if !strings.Contains(r.Body, `value="plan_versions"`) || !slices.Contains(readsCodes("<pre>"+html.EscapeString(r.Body)+"</pre>"), "plan_versions") {
			t.Errorf("the filter's values are not the stored codes, or the check cannot see a code")
		}
	})
}
