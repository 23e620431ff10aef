package routes

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// After the decision, the notice to the unit is numbered in the register of
// notices, prints and downloads with its number, the decision it carries out, the dates, the team and what the unit prepares;
// once a recommendation is carried out and accepted, its acceptance prints
// for the unit that owns it and the team, and answers 404 as for a missing
// one to a unit that does not own it and before it is accepted.
func TestBrowserNoticeToTheUnitAndAcceptancePrint(t *testing.T) {
	srv, _ := startSigningServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB)
	p, dated, _ := concludeOnPages(t, srv, w)
	visit := fmt.Sprintf("/visits/%d", w.Planned.ID)

	p.Open(visit)
	if !p.Has("[data-test=notice-print-link]") {
		t.Error("the visit's page links no notice to the unit")
	}
	// The notice is numbered in the register of notices it shares with the
	// conclusion (01/TB-SNV), once (issue 13).
	p.ClickAndWait("[data-test=number-notice]")
	if got := p.Text("[data-test=notice-number]"); !strings.Contains(got, "Số: 02/TB-SNV") || p.Has("[data-test=number-notice]") {
		t.Errorf("the notice's number %q, or it may be numbered again", got)
	}
	p.Open(visit + "/notice/print")
	p.Shot("document-notice-print")
	noticePage := p.BodyText()

	insp := srv.NewClient(t)
	insp.Login(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword})
	r := insp.Get(visit + "/notice.pdf")
	if r.Status != 200 || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Fatalf("notice.pdf: %d %.200s", r.Status, r.Body)
	}
	noticePDF := strings.Join(strings.Fields(poppler(t, "pdftotext", []byte(r.Body))), " ")
	for _, tc := range []struct{ doc, text string }{{"notice page", noticePage}, {"notice PDF", noticePDF}} {
		for _, want := range []string{"THÔNG BÁO", "Số: 02/TB-SNV", "Về việc kiểm tra công vụ tại Phường Phúc Xá", "Kính gửi: Phường Phúc Xá",
			"Thực hiện Quyết định số 01/QĐ-SNV ngày 01/03/2027", "từ ngày 22/02/2027 đến ngày 24/02/2027", "Đoàn kiểm tra công vụ",
			w.Lead.FullName, "Việc chấp hành kỷ luật, kỷ cương hành chính", "Trưởng đoàn kiểm tra công vụ (để thực hiện)", "Lưu: VT"} {
			if !strings.Contains(strings.Join(strings.Fields(tc.text), " "), want) {
				t.Errorf("the %s lacks %q:\n%.1500s", tc.doc, want, tc.text)
			}
		}
	}
	_ = os.MkdirAll(filepath.Join(os.TempDir(), "khung-docs"), 0o755)
	_ = os.WriteFile(filepath.Join(os.TempDir(), "khung-docs", "notice.pdf"), []byte(r.Body), 0o644)

	// The acceptance: none before the report is accepted (404 as for a missing one).
	acceptance := fmt.Sprintf("/recommendations/%d/acceptance", dated)
	office := srv.NewClient(t)
	office.Login(webtest.User{Email: "phucxa@khung.vn", Password: seed.DemoPassword})
	if r := office.Get(acceptance + "/print"); r.Status != 404 {
		t.Errorf("acceptance before the report: %d, want 404", r.Status)
	}
	setDay(t, srv, models.NewDate(2027, 3, 8))
	office.Login(webtest.User{Email: "phucxa@khung.vn", Password: seed.DemoPassword})
	body := fmt.Sprintf(`{"body":"Đã niêm yết đủ 112 thủ tục tại bộ phận một cửa.","files":[{"filename":"anh.pdf","content_base64":%q}]}`,
		base64.StdEncoding.EncodeToString([]byte(testPDF)))
	if r := office.SendJSON("POST", fmt.Sprintf("/api/v1/recommendations/%d/reports", dated), body); r.Status != 201 && r.Status != 200 {
		t.Fatalf("report: %d %.300s", r.Status, r.Body)
	}
	var reportID int64
	srv.DB.Raw(`SELECT id FROM remediation_reports WHERE recommendation_id = ?`, dated).Scan(&reportID)
	// The inspector who accepts is not leadership: the acceptance is signed
	// by the signer of the conclusion it closes.
	srv.DB.Exec(`UPDATE users SET job_title = 'Trưởng đoàn kiểm tra', signing_authority = '' WHERE email = 'inspector@khung.vn'`)
	insp.Login(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword})
	if r := insp.SendJSON("POST", fmt.Sprintf("/api/v1/remediation-reports/%d/verdict", reportID), `{"accept":true,"reason":"Đã kiểm tra thực tế tại bộ phận một cửa."}`); r.Status != 200 {
		t.Fatalf("accept: %d %.300s", r.Status, r.Body)
	}

	for _, tc := range []struct {
		who  string
		c    *webtest.Client
		seen bool
	}{
		{"the owner unit", office, true},
		{"the inspector", insp, true},
		{"another unit", loginNew(t, srv, models.RoleUnit), false},
	} {
		r := tc.c.Get(acceptance + "/print")
		if (r.Status == 200) != tc.seen {
			t.Errorf("%s: acceptance print %d, want seen=%v", tc.who, r.Status, tc.seen)
		}
		if !tc.seen && r.Status != tc.c.Get("/recommendations/99999999/acceptance/print").Status {
			t.Errorf("%s: the acceptance answers %d unlike a missing one", tc.who, r.Status)
		}
	}
	p.LoginAs(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword}) // the session expired meanwhile
	p.Open(fmt.Sprintf("/recommendations/%d", dated))
	if !p.Has("[data-test=acceptance-link]") {
		t.Error("the accepted recommendation links no acceptance")
	}
	p.Open(acceptance + "/print")
	p.Shot("document-acceptance-print")
	r = office.Get(acceptance + ".pdf")
	if r.Status != 200 || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Fatalf("acceptance.pdf: %d %.200s", r.Status, r.Body)
	}
	text := strings.Join(strings.Fields(poppler(t, "pdftotext", []byte(r.Body))), " ")
	for _, want := range []string{"THÔNG BÁO", "Về kết quả thực hiện kiến nghị", "Số: 03/TB-SNV", "ngày 08 tháng 3 năm 2027",
		"Kính gửi: Phường Phúc Xá", "văn bản số 01/TB-SNV ngày 01/03/2027", "Niêm yết đầy đủ thủ tục hành chính",
		"Xét báo cáo ngày 08/03/2027", "trong thời hạn", "Đã kiểm tra thực tế", "Trần Văn Hùng"} {
		if !strings.Contains(text, want) {
			t.Errorf("the acceptance PDF lacks %q:\n%.1500s", want, text)
		}
	}
	_ = os.WriteFile(filepath.Join(os.TempDir(), "khung-docs", "acceptance.pdf"), []byte(r.Body), 0o644)
}

// loginNew is a client logged in as a new user of role.
func loginNew(t *testing.T, srv *webtest.Server, role models.Role) *webtest.Client {
	t.Helper()
	c := srv.NewClient(t)
	c.Login(srv.CreateUser(t, role))
	return c
}
