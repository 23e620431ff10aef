package routes

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"khung/app/seed"
	"khung/routes/webtest"
)

func TestBrowserPlannerImportsTheDemoProposalsFromExcel(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	ctx := context.Background()
	if _, err := seed.Demo(ctx, srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	// The file the import page offers, saved where the browser can pick it.
	c := srv.NewClient(t)
	c.Login(webtest.User{Email: "planner@khung.vn", Password: seed.DemoPassword})
	dl := c.Get("/proposals/demo.xlsx?year=2027")
	if dl.Status != 200 || !strings.Contains(dl.Header.Get("Content-Disposition"), seed.DemoProposalsFileName(2027)) {
		t.Fatalf("demo file: %d %v", dl.Status, dl.Header)
	}
	path := filepath.Join(t.TempDir(), seed.DemoProposalsFileName(2027))
	if err := os.WriteFile(path, []byte(dl.Body), 0o600); err != nil {
		t.Fatal(err)
	}

	p := browser.Page(t, srv)
	p.LoginAs(webtest.User{Email: "planner@khung.vn", Password: seed.DemoPassword})
	p.Open("/proposals?year=2027")
	if got := p.Text("[data-test=proposal-total]"); !strings.HasPrefix(got, "0 đề xuất") {
		t.Fatalf("before the import: %q", got)
	}
	p.ClickAndWait(".proposal-actions a[href^='/proposals/import']")
	if !p.Has("[data-test=demo-file]") || p.Text("[data-test=demo-file]") != "Tệp đề xuất mẫu (thành phố demo)" {
		t.Fatalf("the import page does not offer the demo file: %.500s", p.BodyText())
	}
	input, err := p.Rod().Element("#file")
	if err != nil {
		t.Fatal(err)
	}
	// A file over 10 MB is refused on the page, before any upload.
	big := filepath.Join(t.TempDir(), "qua-lon.xlsx")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 11<<20); err != nil {
		t.Fatal(err)
	}
	if err := input.SetFiles([]string{big}); err != nil {
		t.Fatal(err)
	}
	if got := p.Text("[data-test=file-size-error]"); !strings.HasPrefix(got, "Tệp quá lớn; dung lượng tối đa là 10 MB.") {
		t.Errorf("an 11 MB file: the page says %q", got)
	}
	if err := input.SetFiles([]string{path}); err != nil {
		t.Fatal(err)
	}
	p.ClickAndWait("form[action='/proposals/import'] button[type=submit]")

	flash := p.Text(".flash")
	if !regexp.MustCompile(`^1\.6\d\d đề xuất đã được nhập vào năm 2027\.$`).MatchString(flash) {
		t.Fatalf("after the import, the page says %q (at %s); page: %.600s", flash, p.URL(), p.BodyText())
	}
	count := strings.Fields(flash)[0]
	if got := p.Text("[data-test=proposal-total]"); !strings.HasPrefix(got, count+" đề xuất") {
		t.Errorf("total %q, want %s proposals", got, count)
	}

	// Filter the list down to one commune's proposals, by name without diacritics.
	p.Fill("#q", "phuc xa")
	p.ClickAndWait(".proposal-filters button[type=submit]")
	first := p.Text("[data-test=proposals] tbody tr:first-child")
	if !strings.Contains(first, "Phường Phúc Xá") {
		t.Errorf("the first row of the search is %q, want Phường Phúc Xá", first)
	}
}
