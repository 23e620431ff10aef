package routes

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-rod/rod/lib/proto"
	"github.com/xuri/excelize/v2"

	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// reportInspections reads the report's total of inspections for 2027.
func reportInspections(t *testing.T, c *webtest.Client) int {
	t.Helper()
	var rep struct {
		Totals struct{ Inspections int } `json:"totals"`
	}
	jsonInto(t, c, "/api/v1/reports/periodic?from=2027-01-01&to=2027-12-31", &rep)
	return rep.Totals.Inspections
}

func TestThePeriodicReportAndUnitsOwnInspectionsOverHTTP(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 12, 31))
	planner := srv.NewClient(t)
	planner.Token = srv.CreateToken(t, srv.CreateUser(t, models.RolePlanner))
	district := srv.NewClient(t)
	district.Token = srv.CreateToken(t, srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.DistrictB.ID)))

	t.Run("bad dates are refused with 422 naming the field in Vietnamese and English", func(t *testing.T) {
		for _, q := range []string{"from=2027-13-01&to=2027-12-31", "to=2027-12-31", "from=2027-12-31&to=2027-01-01"} {
			r := planner.Get("/api/v1/reports/periodic?" + q)
			field := "from"
			if strings.HasPrefix(q, "from=2027-12-31") {
				field = "to"
			}
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"field":"`+field+`"`) ||
				!strings.Contains(r.Body, `"vi":`) || !strings.Contains(r.Body, `"en":`) {
				t.Errorf("%s: %d %.300s", q, r.Status, r.Body)
			}
			if r := planner.Get("/reports/periodic.xlsx?" + q); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("xlsx %s: %d", q, r.Status)
			}
		}
		if r := planner.Get("/api/v1/reports/periodic?from=2027-01-01&to=2027-12-31"); r.Status != http.StatusOK {
			t.Errorf("a good period (positive control): %d", r.Status)
		}
	})

	// The planned joint visit (2), the unannounced, the district's and the other one.
	before := reportInspections(t, planner)
	if before != 5 {
		t.Fatalf("fixture: %d inspections, want 5", before)
	}

	t.Run("a district records one of its own inspections; the report counts it", func(t *testing.T) {
		body := fmt.Sprintf(`{"unit_id":%d,"kind":"public_service","form":"planned","start_date":"2027-05-04","end_date":"2027-05-05",
			"concluded":true,"conclusion_number":"05/KL-UBND","conclusion_signed_on":"2027-05-20","recommendations":2,"recommendations_done":3}`, w.CommuneB.ID)
		if r := district.SendJSON("POST", "/api/v1/own-inspections", body); r.Status != 422 || !strings.Contains(r.Body, "recommendations_done") {
			t.Fatalf("more done than made: %d %.300s", r.Status, r.Body)
		}
		if r := district.SendJSON("POST", "/api/v1/own-inspections", strings.Replace(body, fmt.Sprint(w.CommuneB.ID), fmt.Sprint(w.CommuneA.ID), 1)); r.Status != 422 {
			t.Fatalf("a unit outside its subtree: %d", r.Status)
		}
		if r := district.SendJSON("POST", "/api/v1/own-inspections", strings.Replace(body, `"recommendations_done":3`, `"recommendations_done":1`, 1)); r.Status != 201 {
			t.Fatalf("record: %d %.300s", r.Status, r.Body)
		}
		if got := reportInspections(t, planner); got != before+1 {
			t.Errorf("the report counts %d, want %d", got, before+1)
		}
		if r := planner.SendJSON("POST", "/api/v1/own-inspections", body); r.Status != http.StatusForbidden {
			t.Errorf("a planner records no unit's own inspection: %d", r.Status)
		}
	})

	t.Run("the periodic Excel report imports all or nothing, with row errors in both languages", func(t *testing.T) {
		tpl := district.Get("/api/v1/own-inspections/template")
		if tpl.Status != 200 {
			t.Fatalf("template: %d", tpl.Status)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(tpl.Body)))
		if err != nil {
			t.Fatal(err)
		}
		rows := [][]any{
			{"R1", w.CommuneB.Code, "public_service", "đột xuất", "10/06/2027", "11/06/2027", "", "", "", "", "", "", ""},
			{"R2", w.CommuneB.Code, "public_service", "theo kế hoạch", "01/07/2027", "02/07/2027", "07/KL-UBND", "20/07/2027", 1, 0, 2, 2, ""},
			{"R3", w.CommuneA.Code, "nope", "sometimes", "31/02/2027", "01/07/2027", "", "", "", "", "", "", ""},
		}
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+3)
			if err := x.SetSheetRow("BaoCao", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			t.Fatal(err)
		}
		send := func(data []byte) webtest.Response {
			body, ct := multipartBody(t, nil, "bao-cao.xlsx", data)
			return district.Do("POST", "/api/v1/own-inspections/import", body, map[string]string{"Content-Type": ct})
		}
		own := srv.Count(t, "own_inspections")
		r := send(buf.Bytes())
		if r.Status != 422 || !strings.Contains(r.Body, `"row":5`) || !strings.Contains(r.Body, `"cell":"C5"`) ||
			!strings.Contains(r.Body, "Loại kiểm tra không có trong danh mục") || !strings.Contains(r.Body, "not in the catalog") ||
			!strings.Contains(r.Body, `"cell":"B5"`) || !strings.Contains(r.Body, `"cell":"E5"`) {
			t.Fatalf("bad row: %d %.1500s", r.Status, r.Body)
		}
		if n := srv.Count(t, "own_inspections"); n != own {
			t.Fatalf("a refused file wrote %d rows", n-own)
		}
		if err := x.RemoveRow("BaoCao", 5); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		_ = x.Write(&buf)
		if r := send(buf.Bytes()); r.Status != 201 || !strings.Contains(r.Body, `"added":2`) {
			t.Fatalf("good file: %d %.500s", r.Status, r.Body)
		}
		if got := reportInspections(t, planner); got != before+3 {
			t.Errorf("the report counts %d after the import, want %d", got, before+3)
		}
		if r := send(buf.Bytes()); r.Status != 422 || !strings.Contains(r.Body, "R1") {
			t.Errorf("the same file twice: %d %.300s", r.Status, r.Body)
		}
	})

	t.Run("the Excel report has one sheet per table, formulas for totals and rates, frozen headers", func(t *testing.T) {
		r := planner.Get("/reports/periodic.xlsx?from=2027-01-01&to=2027-12-31")
		if r.Status != 200 {
			t.Fatalf("%d", r.Status)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		sheets := x.GetSheetList()
		if len(sheets) < 10 || sheets[0] != "Tổng hợp" {
			t.Errorf("sheets %v", sheets)
		}
		if f, _ := x.GetCellFormula("Theo cấp", "B5"); f != "SUM(B2:B4)" {
			t.Errorf("total formula %q", f)
		}
		if v, _ := x.GetCellValue("Theo cấp", "B2"); v != "2" { // the city team: the joint visit's and the district's
			t.Errorf("city team %q", v)
		}
		panes, _ := x.GetPanes("Theo cấp")
		if !panes.Freeze {
			t.Error("the header is not frozen")
		}
	})

	t.Run("the PDF is the official report: heading, national motto, title, period and the figures", func(t *testing.T) {
		r := planner.Get("/api/v1/reports/periodic.pdf?period=2027")
		if r.Status != 200 || !strings.HasPrefix(r.Body, "%PDF-") {
			t.Fatalf("%d %.100q", r.Status, r.Body)
		}
		var rep struct {
			Totals struct{ Inspections, Visits int } `json:"totals"`
		}
		jsonInto(t, planner, "/api/v1/reports/periodic?period=2027", &rep)
		text := pdfText(t, []byte(r.Body))
		if dir := os.Getenv("KHUNG_SHOTS"); dir != "" { // for a person to look at
			_ = os.WriteFile(filepath.Join(dir, "report.pdf"), []byte(r.Body), 0o600)
		}
		for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
			"từ ngày 01/01/2027 đến ngày 31/12/2027", "ngày 31 tháng 12 năm 2027", "Đoàn kiểm tra công vụ Thành phố",
			fmt.Sprintf("tổng số %d cuộc kiểm tra", rep.Totals.Inspections), fmt.Sprintf("%d cuộc làm việc", rep.Totals.Visits),
			"Đột xuất", "Tổng cộng"} {
			if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
				t.Errorf("the PDF does not say %q:\n%s", want, text)
			}
		}
		if r := district.Get("/reports/periodic.pdf?period=2027-h3"); r.Status != 422 || !strings.Contains(r.Body, "period") {
			t.Errorf("a bad period: %d %.300s", r.Status, r.Body)
		}
		inspector := srv.NewClient(t)
		inspector.Login(srv.CreateUser(t, models.RoleInspector))
		if got := inspector.Get("/reports/periodic.pdf?period=2027"); got.Status != http.StatusForbidden {
			t.Errorf("an inspector reads the PDF: %d", got.Status)
		}
	})

	t.Run("the page shows the figures, each linked to its list", func(t *testing.T) {
		c := srv.NewClient(t)
		c.Login(srv.CreateUser(t, models.RoleViewer))
		page := c.Get("/reports?from=2027-01-01&to=2027-12-31")
		if page.Status != 200 || !strings.Contains(page.Body, "Đoàn kiểm tra công vụ Thành phố") || !strings.Contains(page.Body, `data-test="figure-total"`) {
			t.Fatalf("page: %d", page.Status)
		}
		list := c.Get("/reports/list?from=2027-01-01&to=2027-12-31&level=city_team")
		if !strings.Contains(list.Body, "Tổng số: 2") || !strings.Contains(list.Body, "Phường Phúc Xá") {
			t.Errorf("the list behind the city team's figure: %.2000s", list.Body)
		}
		if r := c.Get("/reports?from=2027-02-30&to=2027-12-31"); r.Status != 422 || !strings.Contains(r.Body, "không phải là một ngày hợp lệ") {
			t.Errorf("bad date on the page: %d", r.Status)
		}
	})
}

func TestTheViewerOpensTheReportAndFollowsAFigureToItsList(t *testing.T) {
	srv := startServer(t)
	visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 12, 31))
	p := browser.Page(t, srv)
	p.LoginAs(srv.CreateUser(t, models.RoleViewer))
	p.Open("/")
	p.ClickAndWait(`a[href="/reports"]`)
	p.Open("/reports?from=2027-01-01&to=2027-12-31")
	p.Shot("reports-page")
	if got := p.Text("[data-test=figure-total]"); got != "5" {
		t.Fatalf("total %q, want 5", got)
	}
	p.ClickAndWait("[data-test=figure-total]")
	p.Shot("reports-list")
	if got := p.Text("[data-test=list-total]"); !strings.Contains(got, "5") {
		t.Errorf("the list behind the figure says %q", got)
	}
	if v := p.AxeViolations(); len(v) > 0 {
		t.Errorf("axe: %v", v)
	}
}

// pdfText reads a PDF's text back with poppler's pdftotext.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestTheViewerOpensTheDashboardFollowsAFigureAndDownloadsTheReport(t *testing.T) {
	srv := startServer(t)
	visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 12, 31))
	p := browser.Page(t, srv)
	p.LoginAs(srv.CreateUser(t, models.RoleViewer))
	p.Open("/")
	p.ClickAndWait("[data-test=home-dashboard]")
	if !strings.HasPrefix(p.URL(), srv.URL+"/dashboard") {
		t.Fatalf("the home's dashboard link leads to %s", p.URL())
	}
	p.Open("/dashboard?period=2027")
	for _, size := range []struct {
		name string
		w, h int
	}{{"1440", 1440, 900}, {"390", 390, 844}} {
		if err := p.Rod().SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: size.w, Height: size.h, DeviceScaleFactor: 1}); err != nil {
			t.Fatal(err)
		}
		p.Shot("dashboard-" + size.name)
		for _, sel := range []string{"[data-test=chart-level]", "[data-test=chart-trend]"} {
			viewShot(t, p, sel, "dashboard-"+size.name+"-"+strings.Trim(sel, "[]=-"))
		}
	}
	if err := p.Rod().SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1440, Height: 900, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}
	// The dashboard's total is the report's.
	var rep struct {
		Totals struct{ Inspections int } `json:"totals"`
	}
	api := srv.NewClient(t)
	api.Token = srv.CreateToken(t, srv.CreateUser(t, models.RoleViewer))
	jsonInto(t, api, "/api/v1/reports/periodic?period=2027", &rep)
	total := p.Text("[data-test=headline] li:first-child .headline-count")
	if total != fmt.Sprint(rep.Totals.Inspections) || rep.Totals.Inspections == 0 {
		t.Fatalf("the dashboard's total %q, the report's %d", total, rep.Totals.Inspections)
	}
	// A bar's number leads to its list: the city team's inspections.
	p.ClickAndWait(`[data-test=chart-level] a[href*="level=city_team"]`)
	p.Shot("dashboard-list")
	if got := p.Text("[data-test=list-total]"); !strings.Contains(got, "2") {
		t.Errorf("the list behind the city team's bar says %q", got)
	}
	if !p.Has(`a[href^="/dashboard?"]`) {
		t.Error("the list has no way back to the dashboard")
	}
	p.Open("/dashboard?period=2027")
	if v := p.AxeViolations(); len(v) > 0 {
		t.Errorf("axe: %v", v)
	}
	// The downloads, fetched by the browser with the viewer's session.
	for _, d := range []struct{ sel, typ, magic string }{
		{"[data-test=dash-xlsx]", "spreadsheetml", "PK"},
		{"[data-test=dash-pdf]", "application/pdf", "%PDF-"},
	} {
		href, err := p.Rod().MustElement(d.sel).Attribute("href")
		if err != nil || href == nil {
			t.Fatalf("%s: no link", d.sel)
		}
		res, err := p.Rod().Eval(`(href) => fetch(href).then(async r => ({status: r.status, type: r.headers.get("content-type"),
			head: String.fromCharCode(...new Uint8Array(await r.arrayBuffer()).slice(0, 5))}))`, *href)
		if err != nil {
			t.Fatalf("%s: %v", d.sel, err)
		}
		v := res.Value
		if v.Get("status").Int() != 200 || !strings.Contains(v.Get("type").Str(), d.typ) || !strings.HasPrefix(v.Get("head").Str(), d.magic) {
			t.Errorf("%s (%s): %v", d.sel, *href, v)
		}
	}
}

// viewShot saves what a person sees at the current size with the element sel
// scrolled to the top, as KHUNG_SHOTS/name.png (when KHUNG_SHOTS is set).
func viewShot(t *testing.T, p *webtest.Page, sel, name string) {
	t.Helper()
	dir := os.Getenv("KHUNG_SHOTS")
	if dir == "" {
		return
	}
	if _, err := p.Rod().Eval(`(s) => document.querySelector(s).scrollIntoView()`, sel); err != nil {
		t.Fatalf("scroll to %s: %v", sel, err)
	}
	img, err := p.Rod().Screenshot(false, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), img, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}
