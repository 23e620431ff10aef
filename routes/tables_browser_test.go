package routes

import (
	"testing"

	"khung/routes/webtest"
)

// checkPhoneHeaderAndTable checks, on a page with a list open at 390×844,
// that the header is one thin bar whose menu button opens and closes the
// links, and that the list scrolls sideways in its own box while the page
// does not. Browser tests call it on a page they already have open.
func checkPhoneHeaderAndTable(t *testing.T, p *webtest.Page) {
	t.Helper()
	eval := func(js string) float64 { return p.Rod().MustEval(js).Num() }
	if h := eval(`() => document.querySelector(".site-header").getBoundingClientRect().height`); h > 72 {
		t.Errorf("the phone header is %.0f px high, want at most 72", h)
	}
	navShown := `() => { const n = document.querySelector(".main-nav"); return n && n.offsetParent !== null ? 1 : 0 }`
	if eval(navShown) != 0 {
		t.Error("the links show before the menu is opened")
	}
	p.Click(`[data-test="menu-toggle"]`)
	if eval(navShown) != 1 || p.Rod().MustElement(`[data-test="menu-toggle"]`).MustAttribute("aria-expanded") == nil ||
		*p.Rod().MustElement(`[data-test="menu-toggle"]`).MustAttribute("aria-expanded") != "true" {
		t.Error("the menu button does not open the links")
	}
	p.Shot("phone-menu-open")
	p.Click(`[data-test="menu-toggle"]`)
	if eval(navShown) != 0 {
		t.Error("the menu button does not close the links")
	}
	if eval(`() => { const s = document.querySelector(".table-scroll"); return s && s.scrollWidth > s.clientWidth ? 1 : 0 }`) != 1 {
		t.Error("the list does not scroll sideways in its own box")
	}
	if over := p.Overflows(); over > 0 {
		t.Errorf("the page is %d px wider than the phone", over)
	}
}
