package routes

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app"
	"khung/app/notify/mailtest"
	"khung/app/visits/visitstest"
	"khung/jobs"
	"khung/models"
	"khung/routes/webtest"
)

// followWorld is a concluded planned visit of Phường Phúc Xá (commune A) with
// one recommendation for it, one for another unit, and the people involved.
type followWorld struct {
	w                               *visitstest.World
	conc                            models.Conclusion
	rec, otherRec                   models.Recommendation
	unit, otherUnit, lead, outsider webtest.User
}

func newFollowWorld(t *testing.T, srv *webtest.Server) *followWorld {
	t.Helper()
	f := &followWorld{w: visitstest.Build(t, srv.DB)}
	w := f.w
	f.conc = models.Conclusion{VisitID: w.Planned.ID, Number: 12, Symbol: "KL-SNV", IssuingBodyID: w.CityTeam.ID, Year: 2027,
		SignedOn: models.NewDate(2027, time.April, 1), SignerName: "Nguyễn Văn Hùng"}
	mustDB(t, srv.DB.Create(&f.conc).Error)
	f.rec = models.Recommendation{ConclusionID: f.conc.ID, OwnerUnitID: w.CommuneA.ID, Action: "Chấn chỉnh việc tiếp nhận hồ sơ",
		Deadline: models.NewDate(2027, time.April, 15), Severity: models.SeverityHigh}
	mustDB(t, srv.DB.Create(&f.rec).Error)
	f.otherRec = models.Recommendation{ConclusionID: f.conc.ID, OwnerUnitID: w.CommuneB.ID, Action: "Công khai thủ tục",
		Deadline: models.NewDate(2027, time.April, 15), Severity: models.SeverityLow}
	mustDB(t, srv.DB.Create(&f.otherRec).Error)
	f.unit = srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	f.otherUnit = srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneB.ID))
	f.lead = srv.CreateUser(t, models.RoleInspector, asInspector(w.Lead.ID))
	f.outsider = srv.CreateUser(t, models.RoleInspector, asInspector(w.Outsider.ID))
	return f
}

func mustDB(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// writes counts what a refused request must not change.
func writes(t testing.TB, srv *webtest.Server) string {
	t.Helper()
	var s string
	mustDB(t, srv.DB.Raw(`SELECT concat_ws(',', (SELECT count(*) FROM remediation_reports), (SELECT count(*) FROM attachments),
		(SELECT count(*) FROM notifications), (SELECT count(*) FROM mail_outbox),
		(SELECT string_agg(id || status, ' ' ORDER BY id) FROM recommendations),
		(SELECT string_agg(id || outcome, ' ' ORDER BY id) FROM remediation_reports))`).Scan(&s).Error)
	return s
}

type upload struct {
	name string
	data []byte
}

// postReport sends the report form as a browser does (multipart, with the CSRF field).
func postReport(t testing.TB, c *webtest.Client, recID int64, body string, files ...upload) webtest.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_csrf", c.CSRF())
	mw.WriteField("body", body)
	for _, f := range files {
		w, _ := mw.CreateFormFile("files", f.name)
		w.Write(f.data)
	}
	mw.Close()
	return c.Do(http.MethodPost, "/recommendations/"+strconv.FormatInt(recID, 10)+"/reports", &buf,
		map[string]string{"Content-Type": mw.FormDataContentType(), "Accept": "text/html"})
}

const testPDF = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

// pngHeader is enough of a PNG for content sniffing.
var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

func TestRemediationBadInputIsRefusedAndWritesNothing(t *testing.T) {
	srv := webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
		d.Config.UploadMaxBytes = 64 << 10 // a small limit keeps the test fast
		return newApp(d)
	})
	f := newFollowWorld(t, srv)
	setDay(t, srv, models.NewDate(2027, 4, 10))
	unit := srv.NewClient(t)
	unit.Login(f.unit)

	tests := []struct {
		name   string
		send   func() webtest.Response
		status int
		says   string
	}{
		{"a report on another unit's recommendation", func() webtest.Response {
			return postReport(t, unit, f.otherRec.ID, "Đã khắc phục", upload{"a.pdf", []byte(testPDF)})
		}, http.StatusNotFound, ""},
		{"an upload over the limit", func() webtest.Response {
			big := append([]byte(testPDF), bytes.Repeat([]byte{' '}, 70<<10)...)
			return postReport(t, unit, f.rec.ID, "Đã khắc phục", upload{"lon.pdf", big})
		}, http.StatusUnprocessableEntity, "vượt quá dung lượng cho phép (64 KB)"},
		{"a program renamed .pdf", func() webtest.Response {
			return postReport(t, unit, f.rec.ID, "Đã khắc phục", upload{"a.pdf", append([]byte("MZ\x90\x00"), make([]byte, 200)...)})
		}, http.StatusUnprocessableEntity, "không thuộc loại được phép"},
		{"a script renamed .pdf", func() webtest.Response {
			return postReport(t, unit, f.rec.ID, "Đã khắc phục", upload{"a.pdf", []byte("#!/bin/sh\necho hi\n")})
		}, http.StatusUnprocessableEntity, "không thuộc loại được phép"},
		{"a PNG renamed .docx", func() webtest.Response {
			return postReport(t, unit, f.rec.ID, "Đã khắc phục", upload{"anh.docx", pngHeader})
		}, http.StatusUnprocessableEntity, "không khớp với nội dung"},
		{"an empty report", func() webtest.Response {
			return postReport(t, unit, f.rec.ID, "   ", upload{"a.pdf", []byte(testPDF)})
		}, http.StatusUnprocessableEntity, "Vui lòng nhập nội dung báo cáo"},
		{"a report over the JSON API on another unit's recommendation", func() webtest.Response {
			return unit.SendJSON(http.MethodPost, "/api/v1/recommendations/"+strconv.FormatInt(f.otherRec.ID, 10)+"/reports", `{"body":"x"}`)
		}, http.StatusNotFound, ""},
		{"a forbidden type over the JSON API", func() webtest.Response {
			return unit.SendJSON(http.MethodPost, "/api/v1/recommendations/"+strconv.FormatInt(f.rec.ID, 10)+"/reports",
				`{"body":"x","files":[{"filename":"x.pdf","content_base64":"IyEvYmluL3NoCg=="}]}`)
		}, http.StatusUnprocessableEntity, "files[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := writes(t, srv)
			r := tt.send()
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %.600s", r.Status, tt.status, r.Body)
			}
			if tt.says != "" && !strings.Contains(r.Body, tt.says) {
				t.Errorf("the answer does not say %q: %.2000s", tt.says, r.Body)
			}
			if after := writes(t, srv); after != before {
				t.Errorf("rows changed: %s → %s", before, after)
			}
		})
	}

	// A good report, then the verdicts that must be refused.
	if r := postReport(t, unit, f.rec.ID, "Đã ban hành quy chế.", upload{"quy-che.pdf", []byte(testPDF)}); r.Status != http.StatusSeeOther {
		t.Fatalf("good report: status %d: %.500s", r.Status, r.Body)
	}
	var reportID int64
	mustDB(t, srv.DB.Raw("SELECT id FROM remediation_reports").Scan(&reportID).Error)
	lead, outsider := srv.NewClient(t), srv.NewClient(t)
	lead.Login(f.lead)
	outsider.Login(f.outsider)
	rid := strconv.FormatInt(reportID, 10)
	verdicts := []struct {
		name   string
		send   func() webtest.Response
		status int
		says   string
	}{
		{"returning without a reason", func() webtest.Response {
			return lead.PostForm("/remediation-reports/"+rid+"/return", map[string][]string{"reason": {" "}, "recommendation": {strconv.FormatInt(f.rec.ID, 10)}})
		}, http.StatusUnprocessableEntity, "Vui lòng nêu lý do trả lại báo cáo"},
		{"accepting by an inspector not on the team", func() webtest.Response {
			return outsider.PostForm("/remediation-reports/"+rid+"/accept", nil)
		}, http.StatusForbidden, "Chỉ thành viên đoàn kiểm tra"},
		{"accepting by the unit", func() webtest.Response {
			return unit.PostForm("/remediation-reports/"+rid+"/accept", nil)
		}, http.StatusForbidden, ""},
		{"a JSON verdict without accept", func() webtest.Response {
			return lead.SendJSON(http.MethodPost, "/api/v1/remediation-reports/"+rid+"/verdict", `{"reason":"x"}`)
		}, http.StatusUnprocessableEntity, "accept"},
	}
	for _, tt := range verdicts {
		t.Run(tt.name, func(t *testing.T) {
			before := writes(t, srv)
			r := tt.send()
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %.600s", r.Status, tt.status, r.Body)
			}
			if tt.says != "" && !strings.Contains(r.Body, tt.says) {
				t.Errorf("the answer does not say %q: %.2000s", tt.says, r.Body)
			}
			if after := writes(t, srv); after != before {
				t.Errorf("rows changed: %s → %s", before, after)
			}
		})
	}

	// The file downloads with its sniffed type, as an attachment, for the unit and the team only.
	var fileID int64
	mustDB(t, srv.DB.Raw("SELECT id FROM attachments").Scan(&fileID).Error)
	path := "/attachments/" + strconv.FormatInt(fileID, 10)
	r := unit.Get(path)
	if r.Status != http.StatusOK || r.Body != testPDF || r.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="quy-che.pdf"`) {
		t.Errorf("download: %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	if r := lead.Get(path); r.Status != http.StatusOK {
		t.Errorf("the lead's download: %d", r.Status)
	}
	other := srv.NewClient(t)
	other.Login(f.otherUnit)
	if r := other.Get(path); r.Status != http.StatusNotFound {
		t.Errorf("another unit's download: %d, want 404", r.Status)
	}

	// The JSON API agrees with the page.
	var got struct {
		Recommendation struct {
			Status string `json:"status"`
		} `json:"recommendation"`
		Reference string `json:"reference"`
		Reports   []struct {
			Files []struct {
				ContentType string `json:"content_type"`
			} `json:"files"`
		} `json:"reports"`
		CanVerify bool `json:"can_verify"`
	}
	res := lead.GetJSON("/api/v1/recommendations/" + strconv.FormatInt(f.rec.ID, 10))
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	if got.Recommendation.Status != "reported" || got.Reference != "Số: 12/KL-SNV" || !got.CanVerify ||
		len(got.Reports) != 1 || got.Reports[0].Files[0].ContentType != "application/pdf" {
		t.Errorf("JSON: %+v", got)
	}
}

// TestAnUnannouncedVisitTellsTheUnitNothingBeforeItStarts runs every job, day
// by day, in the week before an unannounced visit of Phường Phúc Xá and up to
// its first day: the unit's users get no mail, no in-app item, and see nothing
// on their notifications page.
func TestAnUnannouncedVisitTellsTheUnitNothingBeforeItStarts(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	office := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	head := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID), func(u *models.User) { u.UnitPosition = models.PositionHead })
	district := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.DistrictA.ID))
	smtp := mailtest.Start(t)
	cfg := srv.Config
	cfg.SMTPURL = &url.URL{Scheme: "smtp", Host: smtp.Addr()}
	a, err := app.New(app.Deps{Config: cfg, DB: srv.DB})
	mustDB(t, err)
	j, err := jobs.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	mustDB(t, err)
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	start := visitstest.UnannouncedStart.In(hcm)
	for day := start.AddDate(0, 0, -7); day.Before(start); day = day.AddDate(0, 0, 1) {
		for _, name := range []string{"reminders", "digest", "visit-notices", "directives", "outbox"} {
			mustDB(t, j.RunOnce(t.Context(), name, day.Add(7*time.Hour)))
		}
	}
	var n int64
	mustDB(t, srv.DB.Model(&models.Notification{}).Where("user_id IN ?", []int64{office.ID, head.ID, district.ID}).Count(&n).Error)
	if n != 0 {
		t.Errorf("%d in-app notifications to the inspected unit before the visit", n)
	}
	mustDB(t, srv.DB.Model(&models.MailOutbox{}).Where("to_email IN ?", []string{office.Email, head.Email, district.Email}).Count(&n).Error)
	if n != 0 {
		t.Errorf("%d mails queued to the inspected unit before the visit", n)
	}
	for _, m := range smtp.Messages() {
		for _, to := range m.To {
			if to == office.Email || to == head.Email || to == district.Email {
				t.Errorf("mail to the inspected unit: %s", m.Subject)
			}
		}
	}
	setDay(t, srv, visitstest.UnannouncedStart.AddDays(-1))
	c := srv.NewClient(t)
	c.Login(office)
	if page := c.Get("/notifications"); page.Status != http.StatusOK || !strings.Contains(page.Body, `data-test="none"`) {
		t.Errorf("the unit's notifications page is not empty: %d %.800s", page.Status, page.Body)
	}
	if badge := c.Get("/notifications/badge"); strings.Contains(badge.Body, "notifications-count") {
		t.Errorf("the header badge counts something: %s", badge.Body)
	}
}
