package routes

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-rod/rod/lib/proto"
	"github.com/xuri/excelize/v2"

	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

func TestADistrictOfficeRecordsConcludesAndImportsItsOwnInspectionsOnPages(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 12, 31))
	p := browser.Page(t, srv)
	p.LoginAs(srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.DistrictB.ID)))
	p.Open("/")
	p.ClickAndWait(`nav a[href="/own-inspections"]`)
	p.ClickAndWait("[data-test=own-new]")

	// More recommendations done than made: refused, the input kept, nothing written.
	own := srv.Count(t, "own_inspections")
	pg := p.Rod()
	pg.MustElement("#o-unit").MustSelect(w.CommuneB.Name + " (" + w.CommuneB.Code + ")")
	pg.MustElement("#o-kind").MustSelect("Kiểm tra công vụ")
	setDate(t, p, "#o-start", "2027-05-04")
	setDate(t, p, "#o-end", "2027-05-05")
	pg.MustElement("[data-test=own-concluded]").MustClick()
	p.Fill("#o-number", "05/KL-UBND")
	setDate(t, p, "#o-signed", "2027-05-20")
	p.Fill("#o-recs", "2")
	p.Fill("#o-done", "3")
	p.ClickAndWait("[data-test=own-submit]")
	p.Shot("own-form-refused")
	if got := p.Text("[data-test=error-recommendations_done]"); !strings.Contains(got, "không được lớn hơn") {
		t.Fatalf("the refusal says %q", got)
	}
	if v := p.Value("#o-number"); v != "05/KL-UBND" {
		t.Errorf("the input is lost: %q", v)
	}
	if n := srv.Count(t, "own_inspections"); n != own {
		t.Fatalf("a refused form wrote %d rows", n-own)
	}
	p.Fill("#o-done", "1")
	p.ClickAndWait("[data-test=own-submit]")
	if got := p.Text("[data-test=own-list]"); !strings.Contains(got, w.CommuneB.Name) || !strings.Contains(got, "05/KL-UBND") {
		t.Fatalf("the list does not show the recorded inspection: %s", got)
	}

	// One under way, then concluded on its own page.
	p.Open("/own-inspections/new")
	pg.MustElement("#o-unit").MustSelect(w.CommuneB.Name + " (" + w.CommuneB.Code + ")")
	pg.MustElement("#o-kind").MustSelect("Kiểm tra công vụ")
	setDate(t, p, "#o-start", "2027-09-01")
	setDate(t, p, "#o-end", "2027-09-02")
	p.ClickAndWait("[data-test=own-submit]")
	p.ClickAndWait("[data-test=own-conclude]")
	p.Fill("#o-number", "09/KL-UBND")
	setDate(t, p, "#o-signed", "2027-09-20")
	p.ClickAndWait("[data-test=own-conclude-submit]")
	if got := p.Text("[data-test=own-list]"); !strings.Contains(got, "09/KL-UBND") || strings.Contains(got, "Đang tiến hành") {
		t.Errorf("the conclusion is not on the list: %s", got)
	}
	for _, size := range []struct {
		name string
		w, h int
	}{{"1440", 1440, 900}, {"390", 390, 844}} {
		if err := pg.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: size.w, Height: size.h, DeviceScaleFactor: 1}); err != nil {
			t.Fatal(err)
		}
		p.Shot("own-list-" + size.name)
	}
	if err := pg.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1440, Height: 900, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}
	if v := p.AxeViolations(); len(v) > 0 {
		t.Errorf("axe on the list: %v", v)
	}

	// The import: the template from the page, a bad row shown with its cell and reason.
	p.Open("/own-inspections/import")
	href := pg.MustElement("[data-test=own-template]").MustAttribute("href")
	tpl := srv.NewClient(t)
	tpl.Token = srv.CreateToken(t, srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.DistrictB.ID)))
	r := tpl.Get(*href)
	if r.Status != 200 {
		t.Fatalf("template %s: %d", *href, r.Status)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"R1", w.CommuneB.Code, "public_service", "đột xuất", "10/06/2027", "11/06/2027"},
		{"R2", w.CommuneA.Code, "nope", "sometimes", "31/02/2027", "01/07/2027"},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := x.SetSheetRow("BaoCao", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "bao-cao.xlsx")
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	own = srv.Count(t, "own_inspections")
	if err := pg.MustElement("#o-file").SetFiles([]string{path}); err != nil {
		t.Fatal(err)
	}
	p.ClickAndWait("[data-test=own-import-submit]")
	p.Shot("own-import-refused")
	problems := p.Text("[data-test=import-problems]")
	for _, want := range []string{"C4", "Loại kiểm tra không có trong danh mục", "E4", "B4"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the problems do not say %q: %s", want, problems)
		}
	}
	if n := srv.Count(t, "own_inspections"); n != own {
		t.Fatalf("a refused file wrote %d rows", n-own)
	}
	if v := p.AxeViolations(); len(v) > 0 {
		t.Errorf("axe on the refused import: %v", v)
	}
	// The good row alone is imported (positive control).
	if err := x.RemoveRow("BaoCao", 4); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	_ = x.Write(&buf)
	_ = os.WriteFile(path, buf.Bytes(), 0o600)
	if err := pg.MustElement("#o-file").SetFiles([]string{path}); err != nil {
		t.Fatal(err)
	}
	p.ClickAndWait("[data-test=own-import-submit]")
	if n := srv.Count(t, "own_inspections"); n != own+1 {
		t.Errorf("the good file wrote %d rows, want 1", n-own)
	}
	if got := p.Text("[data-test=own-list]"); !strings.Contains(got, fmt.Sprint("10/06/2027")) {
		t.Errorf("the imported inspection is not listed: %s", got)
	}
}

// setDate sets a date field's value as the browser's date picker would (typing
// into a date field depends on the browser's locale).
func setDate(t *testing.T, p *webtest.Page, sel, value string) {
	t.Helper()
	if _, err := p.Rod().Eval(`(s, v) => { document.querySelector(s).value = v }`, sel, value); err != nil {
		t.Fatalf("set %s: %v", sel, err)
	}
}
