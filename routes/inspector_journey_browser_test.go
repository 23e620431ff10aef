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

// TestBrowserTheInspectorsFormsOfferOneWayPerStepOnDesktopAndPhone is the
// team leader preparing the decision of the planned visit: no competing
// "move to decision signed" button, the team picked by typing a name (no
// scroll box of every inspector of the city), errors from the server under
// their fields (no browser pop-up), an event form that defaults to nothing.
func TestBrowserTheInspectorsFormsOfferOneWayPerStepOnDesktopAndPhone(t *testing.T) {
	srv := startServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 3, 1))
	var other models.Inspector
	mustDB(t, srv.DB.Where("active AND id NOT IN (?, ?)", w.Lead.ID, w.Member.ID).Order("id").Take(&other).Error)

	for _, size := range []webtest.Size{webtest.Desktop, webtest.Phone} {
		name := fmt.Sprintf("%dx%d", size.Width, size.Height)
		t.Run(name, func(t *testing.T) {
			p := browser.Page(t, srv)
			p.Resize(size)
			p.LoginAs(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword})
			p.Open(fmt.Sprintf("/visits/%d", w.Planned.ID))
			p.Shot("inspector-work-" + name)

			if p.Has("[data-test=next-step]") || !p.Has("[data-test=next-step-hint]") {
				t.Error("a planned visit must offer the decision form only, not a second button to the same step")
			}
			if got := p.Text("[data-test=members]"); !strings.Contains(got, w.Member.FullName) || strings.Contains(got, other.FullName) {
				t.Errorf("the members picker shows %q: want the planned member, not every inspector", got)
			}
			if p.Rod().MustElement("#e-kind").MustProperty("value").String() != "" {
				t.Error("the event form must not default to an event")
			}
			if n := len(p.Rod().MustElements("main form[method=post]:not([novalidate])")); n > 0 {
				t.Errorf("%d forms leave validation to browser pop-ups", n)
			}

			// Sending the empty decision: the server's messages under the fields (422), no pop-up.
			p.Fill("#d-scope", "Việc chấp hành kỷ luật, kỷ cương hành chính")
			p.ClickAndWait("[data-test=sign-decision]")
			if got := p.Text("[data-test=error-signer_name]"); got != "Bắt buộc nhập." {
				t.Errorf("signer error %q", got)
			}
			if got := p.Value("#d-scope"); got != "Việc chấp hành kỷ luật, kỷ cương hành chính" {
				t.Errorf("the scope typed was lost: %q", got)
			}

			// Add a member by picking the suggestion (name — title, body; no staff code), without JavaScript's help.
			suggestion := *p.Rod().MustElement(`#inspector-options option[value^="` + other.FullName + `"]`).MustAttribute("value")
			if strings.Contains(suggestion, other.Code) {
				t.Errorf("the suggestion %q shows the staff code", suggestion)
			}
			p.Fill("#d-add", suggestion)
			p.ClickAndWait("[data-test=add-member]")
			if got := p.Text("[data-test=members]"); !strings.Contains(got, other.FullName) || !strings.Contains(got, w.Member.FullName) {
				t.Errorf("after adding: members %q", got)
			}
			if got := p.Value("#d-scope"); got != "Việc chấp hành kỷ luật, kỷ cương hành chính" {
				t.Errorf("adding a member lost the scope: %q", got)
			}
			p.Fill("#d-add", "Không có người này")
			p.ClickAndWait("[data-test=add-member]")
			if got := p.Text("[data-test=error-add_member]"); !strings.Contains(got, "Không tìm thấy") {
				t.Errorf("an unknown name: %q", got)
			}
			p.Shot("inspector-decision-" + name)
			if over := p.Overflows(); over > 0 {
				t.Errorf("the work page is %d px wider than the screen", over)
			}
			for _, v := range p.AxeViolations() {
				if strings.HasPrefix(v, "serious ") || strings.HasPrefix(v, "critical ") {
					t.Errorf("axe: %s", v)
				}
			}

			// An event sent without choosing one is refused under the field.
			p.ClickAndWait("[data-test=record-event]")
			if got := p.Text("[data-test=event-form]"); !strings.Contains(got, "Bắt buộc") && !strings.Contains(got, "không hợp lệ") {
				t.Errorf("an event without a kind: %q", got)
			}
		})
	}
}
