package routes

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// TestBrowserAUnitOfficeSeesItsNextVisitsAndDeadlinesOnDesktopAndPhone is
// Quận Ba Đình's office after the team concluded Phường Phúc Xá's visit
// (1 March 2027): its home lists the district's next visit with dates, lead
// body and what to prepare, and the ward's open recommendations with their
// deadlines; the month paints the visit on working days only; the phone gets
// the agenda, a compact header and nothing wider than the screen.
func TestBrowserAUnitOfficeSeesItsNextVisitsAndDeadlinesOnDesktopAndPhone(t *testing.T) {
	srv := startServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB)
	concludeOnPages(t, srv, w)
	// The district's visit runs from Friday 19 to Tuesday 23 March, over a
	// weekend and a (test) holiday on Monday 22.
	mustDB(t, srv.DB.Model(&models.Visit{}).Where("id = ?", w.District.ID).
		Updates(map[string]any{"start_date": models.NewDate(2027, 3, 19), "end_date": models.NewDate(2027, 3, 23)}).Error)
	mustDB(t, srv.DB.Exec(`INSERT INTO holidays (date, kind, name_vi, name_en) VALUES ('2027-03-22', 'holiday', 'Ngày nghỉ thử nghiệm', 'Test holiday')
		ON CONFLICT DO NOTHING`).Error)

	for _, size := range []webtest.Size{webtest.Desktop, webtest.Phone} {
		name := fmt.Sprintf("%dx%d", size.Width, size.Height)
		t.Run(name, func(t *testing.T) {
			p := browser.Page(t, srv)
			p.Resize(size)
			p.LoginAs(webtest.User{Email: "unit@khung.vn", Password: seed.DemoPassword})
			p.Shot("unit-home-" + name)

			visit := fmt.Sprintf(`[data-test=home-visits] [data-visit=%q]`, w.District.Code)
			if got := p.Text(visit + " [data-test=visit-dates]"); got != "19/03/2027 – 23/03/2027" {
				t.Errorf("home: next visit dates %q", got)
			}
			if got := p.Text(visit + " [data-test=lead-body]"); got == "" || strings.Contains(got, "-") && !strings.Contains(got, " ") {
				t.Errorf("home: lead body %q, want its name", got)
			}
			if !p.Has(visit + " [data-test=prepare]") {
				t.Error("home: the visit does not say what to prepare")
			}
			recs := p.Text("[data-test=home-recs]")
			for _, want := range []string{"Niêm yết đầy đủ thủ tục hành chính", "Hạn: 31/03/2027", "Hạn: 15/03/2027", "Phường Phúc Xá"} {
				if !strings.Contains(recs, want) {
					t.Errorf("home: open recommendations lack %q: %q", want, recs)
				}
			}
			if got := p.Text("[data-test=home-recs-count]"); got != "2 kiến nghị chưa hoàn thành" {
				t.Errorf("home: count %q", got)
			}

			p.Open("/calendar?year=2027&month=3")
			p.Shot("unit-month-" + name)
			if size.Mobile {
				if p.Rod().MustElement("[data-test=month-grid]").MustVisible() || !p.Rod().MustElement("[data-test=agenda]").MustVisible() {
					t.Error("the phone must show the agenda instead of the month grid")
				}
				el := p.Rod().MustElement(`.agenda [data-visit="` + w.District.Code + `"] .visit-unit`)
				if box := el.MustShape().Box(); box.Width < 150 {
					t.Errorf("the unit's name is squeezed into %.0f px", box.Width)
				}
				header := p.Rod().MustElement(".site-header").MustShape().Box()
				if header.Height > 844/4 {
					t.Errorf("the header takes %.0f px of 844", header.Height)
				}
			}
			painted := map[string]bool{}
			for _, el := range p.Rod().MustElements(`.month-grid td[data-date^="2027-03"] [data-visit="` + w.District.Code + `"]`) {
				td := el.MustEval(`function() { return this.closest("td").dataset.date }`).String()
				painted[td] = true
			}
			for day, want := range map[string]bool{"2027-03-19": true, "2027-03-20": false, "2027-03-21": false, "2027-03-22": false, "2027-03-23": true} {
				if painted[day] != want {
					t.Errorf("visit painted on %s: %v, want %v (all: %v)", day, painted[day], want, painted)
				}
			}
			if got := p.Text(`td[data-date="2027-03-22"] [data-test=holiday]`); got != "Ngày nghỉ thử nghiệm" {
				t.Errorf("the holiday is named %q", got)
			}
			for _, path := range []string{"/", "/calendar?year=2027&month=3", "/calendar/list", "/recommendations", "/calendar/ical"} {
				p.Open(path)
				if over := p.Overflows(); over > 0 {
					t.Errorf("%s is %d px wider than the screen", path, over)
				}
				for _, v := range p.AxeViolations() {
					if strings.HasPrefix(v, "serious ") || strings.HasPrefix(v, "critical ") {
						t.Errorf("axe on %s: %s", path, v)
					}
				}
			}
			p.Shot("unit-recs-" + name)

			// The iCal page: create, then copy; the new address is not destroyed by the next click.
			p.Open("/calendar/ical")
			p.ClickAndWait("[data-test=create]")
			p.Shot("unit-ical-" + name)
			if href := p.Rod().MustElement("[data-test=webcal]").MustAttribute("href"); href == nil || !strings.HasPrefix(*href, "webcal://") {
				t.Errorf("the calendar-app link is %v", href)
			}
			if p.Has("[data-test=renew]") || p.Has("[data-test=revoke]") {
				t.Error("the page showing the new address offers to destroy it")
			}
			p.Click("[data-test=copy]")
			if _, err := p.Rod().ElementR("#copy-status", "sao chép"); err != nil {
				t.Errorf("copying does not say so: %v", err)
			}
			p.Open("/calendar/ical")
			p.ClickAndWait("[data-test=revoke]")
			if got := p.Text("[data-test=confirm]"); !strings.Contains(got, "ngừng hoạt động") {
				t.Errorf("revoking does not ask first: %q", got)
			}
			p.Shot("unit-ical-confirm-" + name)
			p.ClickAndWait("[data-test=confirm-no]")
			if !p.Has("[data-test=feed-active]") {
				t.Error("keeping the address revoked it")
			}
			p.ClickAndWait("[data-test=revoke]")
			p.ClickAndWait("[data-test=confirm-yes]")
			if !p.Has("[data-test=feed-none]") {
				t.Error("confirming did not revoke the address")
			}
		})
	}
}
