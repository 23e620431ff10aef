package routes

import (
	"fmt"
	"testing"

	"khung/routes/webtest"
)

// TestBrowserHomeShowsEachRolesWork opens each role's home on a desktop and a
// phone (screenshots with KHUNG_SHOTS) and checks its first block is there.
func TestBrowserHomeShowsEachRolesWork(t *testing.T) {
	h := newHomeWork(t)
	for _, x := range []struct {
		name  string
		user  webtest.User
		block string
	}{
		{"planner", h.planner, "[data-test=home-years]"},
		{"approver", h.approver, "[data-test=home-waiting]"},
		{"inspector", h.member, "[data-test=home-visits]"},
		{"viewer", h.viewer, "[data-test=headline]"},
		{"admin", h.admin, "[data-test=home-platform]"},
	} {
		for _, size := range []webtest.Size{webtest.Desktop, webtest.Phone} {
			t.Run(fmt.Sprintf("%s-%dx%d", x.name, size.Width, size.Height), func(t *testing.T) {
				p := browser.Page(t, h.srv)
				p.Resize(size)
				p.LoginAs(x.user)
				p.Shot(fmt.Sprintf("home-%s-%dx%d", x.name, size.Width, size.Height))
				if p.Text(x.block) == "" {
					t.Errorf("%s: %s is empty", x.name, x.block)
				}
			})
		}
	}
}
