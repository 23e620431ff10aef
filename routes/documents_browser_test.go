package routes

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app"
	"khung/app/seed"
	"khung/app/signing"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// startSigningServer is the real app with a demo agency certificate, made
// fresh for the test (no key is committed).
func startSigningServer(t *testing.T) (*webtest.Server, signing.Demo) {
	t.Helper()
	demo, err := signing.NewDemo(nil, time.Now(), "Sở Nội vụ Thành phố Hà Nội")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := signing.FromPKCS12(demo.P12, demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	srv := webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
		a, err := app.New(app.Deps{Config: d.Config, DB: d.DB, Log: d.Log, Now: d.Now})
		if err != nil {
			panic(err)
		}
		a.Signing.Use(signer, nil)
		t.Cleanup(func() { _ = a.Printer.Close() })
		return New(a)
	})
	return srv, demo
}

// poppler runs a poppler-utils tool on data and returns its output.
func poppler(t *testing.T, tool string, data []byte, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s (poppler-utils) is not installed", tool)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(args, path)
	if tool == "pdftotext" {
		args = append(args, "-") // to stdout
	}
	out, _ := exec.Command(bin, args...).CombinedOutput() // pdfsig exits non-zero on a bad signature
	return string(out)
}

// uploadFile posts a file as the multipart field "file" with the client's session.
func uploadFile(t *testing.T, c *webtest.Client, path string, data []byte) webtest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", c.CSRF())
	fw, err := mw.CreateFormFile("file", "van-ban.pdf")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	return c.Do("POST", path, &body, map[string]string{"Content-Type": mw.FormDataContentType()})
}

// An inspector issues a decision and a conclusion on their pages; both print
// (HTML) and download as PDF with the words of the visit's kind (a
// public-service check: "Đoàn kiểm tra công vụ", a notice of the conclusion,
// symbol TB), "Số: 01/…" and the plan's number and date; the deputy director
// signs with the agency's certificate, pdfsig finds the signature valid, and
// one changed byte makes both Khung and pdfsig report it.
func TestBrowserDecisionAndConclusionPrintSignAndVerify(t *testing.T) {
	srv, _ := startSigningServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB)
	p, _, _ := concludeOnPages(t, srv, w)
	visit := fmt.Sprintf("/visits/%d", w.Planned.ID)

	var cited struct {
		Number string
		Date   time.Time
	}
	srv.DB.Raw(`SELECT pv.document_number AS number, coalesce(pv.published_at, pv.approved_at) AS date FROM plan_versions pv
		JOIN visits v ON v.plan_version_id = pv.id WHERE v.id = ?`, w.Planned.ID).Scan(&cited)
	planCitation := fmt.Sprintf("Kế hoạch số %s/KH-SNV ngày %s", cited.Number, cited.Date.In(hcmZone(t)).Format("02/01/2006"))

	// The printed pages.
	p.Open(visit + "/decision/print")
	decisionText := p.BodyText()
	p.Shot("document-decision-print")
	p.Open(visit + "/conclusion/print")
	conclusionText := p.BodyText()
	for _, tc := range []struct {
		doc, text string
		want      []string
	}{
		{"decision page", decisionText, []string{"Số: 01/QĐ-SNV", "QUYẾT ĐỊNH", "Về việc kiểm tra công vụ tại Phường Phúc Xá", "Đoàn kiểm tra công vụ", planCitation}},
		{"conclusion page", conclusionText, []string{"Số: 01/TB-SNV", "THÔNG BÁO", "Kết luận kiểm tra công vụ tại Phường Phúc Xá", "Quyết định số 01/QĐ-SNV", "Niêm yết đầy đủ thủ tục hành chính"}},
	} {
		for _, want := range tc.want {
			if !strings.Contains(tc.text, want) {
				t.Errorf("the %s lacks %q:\n%.1500s", tc.doc, want, tc.text)
			}
		}
	}
	if strings.Contains(decisionText, "Theo đề nghị của Trưởng đoàn") || strings.Contains(decisionText, "Đoàn thanh tra") {
		t.Errorf("the decision is proposed by the leader it appoints, or names the wrong kind:\n%.1500s", decisionText)
	}

	// The PDFs, downloaded with the inspector's session.
	insp := srv.NewClient(t)
	insp.Login(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword})
	pdfs := map[string][]byte{}
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{"decision", []string{"Số: 01/QĐ-SNV", "QUYẾT ĐỊNH", "Đoàn kiểm tra công vụ", planCitation, "Lưu: VT"}},
		{"conclusion", []string{"Số: 01/TB-SNV", "THÔNG BÁO", "Kết luận kiểm tra công vụ", "Phường Phúc Xá",
			"2.1. Phường Phúc Xá: Niêm yết đầy đủ thủ tục hành chính", "3. Kiến nghị kiểm điểm, xử lý trách nhiệm",
			"3.1. Phường Phúc Xá tổ chức kiểm điểm, xem xét xử lý trách nhiệm đối với cá nhân có liên quan", "4. Tổ chức thực hiện"}},
	} {
		r := insp.Get(visit + "/" + tc.doc + ".pdf")
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
			t.Fatalf("%s.pdf: %d %s %.80q", tc.doc, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		pdfs[tc.doc] = []byte(r.Body)
		text := strings.Join(strings.Fields(poppler(t, "pdftotext", pdfs[tc.doc])), " ")
		for _, want := range tc.want {
			if !strings.Contains(text, want) {
				t.Errorf("pdftotext of %s.pdf lacks %q:\n%.1500s", tc.doc, want, text)
			}
		}
		// pdffonts: every font is embedded (column "emb"), and the text is Liberation Serif (Times New Roman's metrics).
		if fonts := poppler(t, "pdffonts", pdfs[tc.doc]); !strings.Contains(fonts, "LiberationSerif") || !allEmbedded(fonts) {
			t.Errorf("%s.pdf embeds no font:\n%s", tc.doc, fonts)
		}
	}
	if err := os.MkdirAll(filepath.Join(os.TempDir(), "khung-docs"), 0o755); err == nil {
		for k, v := range pdfs {
			_ = os.WriteFile(filepath.Join(os.TempDir(), "khung-docs", k+".pdf"), v, 0o644)
		}
	}

	// The inspector may not sign: leadership signs.
	if r := insp.PostForm(visit+"/decision/sign", nil); r.Status != 403 {
		t.Errorf("an inspector signs: %d, want 403", r.Status)
	}
	deputy := srv.CreateUser(t, models.RoleApprover)
	srv.DB.Exec(`UPDATE users SET full_name = 'Nguyễn Văn Bình', job_title = 'Phó Giám đốc', signing_authority = 'KT. GIÁM ĐỐC' WHERE id = ?`, deputy.ID)
	lead := srv.NewClient(t)
	lead.Login(deputy)
	if r := lead.PostForm(visit+"/decision/sign", nil); r.Status != 303 {
		t.Fatalf("sign: %d %.300s", r.Status, r.Body)
	}
	if r := lead.PostForm(visit+"/decision/sign", nil); r.Status != 409 {
		t.Errorf("a second signature replaces the original: %d, want 409", r.Status)
	}
	signed := []byte(insp.Get(visit + "/decision.pdf").Body)
	if out := poppler(t, "pdfsig", signed); !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Sở Nội vụ") {
		t.Errorf("pdfsig on the signed decision:\n%s", out)
	}
	text := strings.Join(strings.Fields(poppler(t, "pdftotext", signed)), " ")
	for _, want := range []string{"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Bình", "GIÁM ĐỐC SỞ NỘI VỤ"} {
		if !strings.Contains(text, want) {
			t.Errorf("the signed decision lacks %q (the signer's profile):\n%.1500s", want, text)
		}
	}
	_ = os.WriteFile(filepath.Join(os.TempDir(), "khung-docs", "decision-signed.pdf"), signed, 0o644)

	// The framework plan's PDF at its stable address.
	plan := lead.Get(fmt.Sprintf("/plans/versions/%d/document.pdf", w.Published.ID))
	if plan.Status != 200 || !strings.HasPrefix(plan.Body, "%PDF-") {
		t.Fatalf("plan PDF: %d %.200s", plan.Status, plan.Body)
	}
	if text := strings.Join(strings.Fields(poppler(t, "pdftotext", []byte(plan.Body))), " "); !strings.Contains(text, "KẾ HOẠCH") ||
		!strings.Contains(text, "/KH-SNV") || !strings.Contains(text, "Phường Phúc Xá") {
		t.Errorf("pdftotext of the plan:\n%.1500s", text)
	}
	_ = os.WriteFile(filepath.Join(os.TempDir(), "khung-docs", "plan.pdf"), []byte(plan.Body), 0o644)

	// Khung's verifier: the original is intact; one changed byte is reported.
	r := uploadFile(t, lead, "/documents/verify", signed)
	if r.Status != 200 || !strings.Contains(r.Body, `data-test="verify-intact"`) || !strings.Contains(r.Body, "Nguyễn Văn Bình") {
		t.Errorf("verify the original: %d %.600s", r.Status, r.Body)
	}
	changed := bytes.Clone(signed)
	i := bytes.Index(changed, []byte("/Producer"))
	changed[i+2] ^= 0x01
	r = uploadFile(t, lead, "/documents/verify", changed)
	if r.Status != 200 || !strings.Contains(r.Body, `data-test="verify-changed"`) {
		t.Errorf("verify the changed file: %d %.600s", r.Status, r.Body)
	}
	if out := poppler(t, "pdfsig", changed); strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig on the changed file:\n%s", out)
	}
	// An original signed elsewhere: the changed file is refused on its field,
	// the intact one is kept.
	if r := uploadFile(t, lead, visit+"/conclusion/signed", changed); r.Status != 422 {
		t.Errorf("upload a changed original: %d, want 422", r.Status)
	}
	if r := uploadFile(t, lead, visit+"/conclusion/signed", signed); r.Status != 303 {
		t.Errorf("upload an intact original: %d %.300s", r.Status, r.Body)
	}
}

// allEmbedded tells whether every font pdffonts lists is embedded.
func allEmbedded(out string) bool {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines[min(2, len(lines)):] {
		f := strings.Fields(l)
		if len(f) < 5 || f[len(f)-5] != "yes" {
			return false
		}
	}
	return len(lines) > 2
}

func hcmZone(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
