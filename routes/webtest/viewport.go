package webtest

import (
	"github.com/go-rod/rod/lib/proto"
)

// Sizes of the screens the pages are checked at: an office desktop and a phone.
var (
	Desktop = Size{Width: 1440, Height: 900}
	Phone   = Size{Width: 390, Height: 844, Mobile: true}
)

// Size is a browser window size; Mobile emulates a phone's touch screen.
type Size struct {
	Width, Height int
	Mobile        bool
}

// Resize sets the page's viewport to s (the pages reflow as on that screen).
func (p *Page) Resize(s Size) {
	p.t.Helper()
	err := p.Rod().SetViewport(&proto.EmulationSetDeviceMetricsOverride{
		Width: s.Width, Height: s.Height, DeviceScaleFactor: 1, Mobile: s.Mobile})
	if err != nil {
		p.t.Fatalf("resize to %dx%d: %v", s.Width, s.Height, err)
	}
}

// Click clicks the element matching selector without waiting for a new page
// (a button that works on the page itself).
func (p *Page) Click(selector string) {
	p.t.Helper()
	el, err := p.Rod().Element(selector)
	if err != nil {
		p.t.Fatalf("click %s: %v", selector, err)
	}
	if err := el.Click(proto.InputMouseButtonLeft, 1); err != nil {
		p.t.Fatalf("click %s: %v", selector, err)
	}
}

// Overflows returns how many CSS pixels the page is wider than its window (0
// when nothing makes the whole page scroll sideways).
func (p *Page) Overflows() int {
	p.t.Helper()
	v, err := p.Rod().Eval(`() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)`)
	if err != nil {
		p.t.Fatalf("measure the page width: %v", err)
	}
	return v.Value.Int()
}

// Base is the server's address the page opens paths on ("http://127.0.0.1:port").
func (p *Page) Base() string { return p.base }
