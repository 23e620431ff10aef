package webtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
)

// ChromiumPath is where Debian installs Chromium (`make test` installs it).
const ChromiumPath = "/usr/bin/chromium"

// pageTimeout bounds every wait of a page action; axeTimeout one run of axe-core.
const (
	pageTimeout = 15 * time.Second
	axeTimeout  = 90 * time.Second
)

// Browser is one headless Chromium shared by the tests of a binary. It starts
// on first use, so a run of non-browser tests does not pay for it. Create it
// in TestMain and Close it after m.Run:
//
//	var browser = webtest.NewBrowser()
//	func TestMain(m *testing.M) { code := m.Run(); browser.Close(); os.Exit(code) }
type Browser struct {
	once     sync.Once
	launcher *launcher.Launcher
	browser  *rod.Browser
	err      error
}

// NewBrowser returns a browser that launches lazily.
func NewBrowser() *Browser { return &Browser{} }

func (b *Browser) start() {
	if _, err := os.Stat(ChromiumPath); err != nil {
		b.err = fmt.Errorf("chromium not found at %s (run `make test`, which installs it): %w", ChromiumPath, err)
		return
	}
	dir, err := os.MkdirTemp("", "khung-chromium-")
	if err != nil {
		b.err = err
		return
	}
	l := launcher.New().Bin(ChromiumPath).Leakless(false).Headless(true).NoSandbox(true).
		UserDataDir(dir).
		Set("disable-gpu").Set("disable-quic").Set("no-first-run").
		Set("disable-background-networking").Set("disable-component-update").Set("disable-sync")
	u, err := l.Launch()
	if err != nil {
		b.err = fmt.Errorf("launch chromium: %w", err)
		return
	}
	br := rod.New().ControlURL(u)
	if err := br.Connect(); err != nil {
		l.Kill()
		b.err = fmt.Errorf("connect to chromium: %w", err)
		return
	}
	b.launcher, b.browser = l, br
}

// Close stops Chromium if it was started.
func (b *Browser) Close() {
	if b.browser != nil {
		_ = b.browser.Close()
	}
	if b.launcher != nil {
		b.launcher.Kill()
		b.launcher.Cleanup()
	}
}

// Page opens a blank page in a fresh incognito context (its own cookies) on
// srv; it closes when the test ends.
func (b *Browser) Page(t testing.TB, srv *Server) *Page {
	t.Helper()
	b.once.Do(b.start)
	if b.err != nil {
		t.Fatal(b.err)
	}
	inc, err := b.browser.Incognito()
	if err != nil {
		t.Fatalf("incognito context: %v", err)
	}
	p, err := inc.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	t.Cleanup(func() { _ = p.Close(); _ = inc.Close() })
	return &Page{t: t, page: p, base: srv.URL}
}

// Page is one browser tab on the server, with helpers that fail the test.
type Page struct {
	t    testing.TB
	page *rod.Page
	base string
}

// Rod returns the underlying go-rod page for anything the helpers lack.
func (p *Page) Rod() *rod.Page { return p.page.Timeout(pageTimeout) }

// Open navigates to path and waits for the page to load.
func (p *Page) Open(path string) {
	p.t.Helper()
	pg := p.Rod()
	if err := pg.Navigate(p.base + path); err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	if err := pg.WaitLoad(); err != nil {
		p.t.Fatalf("open %s: wait load: %v", path, err)
	}
}

// Fill types value into the field matching selector (replacing its content).
func (p *Page) Fill(selector, value string) {
	p.t.Helper()
	el, err := p.Rod().Element(selector)
	if err != nil {
		p.t.Fatalf("fill %s: %v", selector, err)
	}
	if err := el.SelectAllText(); err != nil {
		p.t.Fatalf("fill %s: select: %v", selector, err)
	}
	if err := el.Input(value); err != nil {
		p.t.Fatalf("fill %s: %v", selector, err)
	}
}

// ClickAndWait clicks the element (a submit button or a link) and waits for
// the next page to load.
func (p *Page) ClickAndWait(selector string) {
	p.t.Helper()
	pg := p.Rod()
	el, err := pg.Element(selector)
	if err != nil {
		p.t.Fatalf("click %s: %v", selector, err)
	}
	wait := pg.WaitNavigation(proto.PageLifecycleEventNameLoad)
	if err := el.Click(proto.InputMouseButtonLeft, 1); err != nil {
		p.t.Fatalf("click %s: %v", selector, err)
	}
	wait()
}

// Text returns the visible text of the first element matching selector.
func (p *Page) Text(selector string) string {
	p.t.Helper()
	el, err := p.Rod().Element(selector)
	if err != nil {
		p.t.Fatalf("find %s on %s: %v\npage text: %.1000s", selector, p.URL(), err, p.bodyText())
	}
	s, err := el.Text()
	if err != nil {
		p.t.Fatalf("text of %s: %v", selector, err)
	}
	return strings.TrimSpace(s)
}

// Has tells whether an element matches selector now (no waiting).
func (p *Page) Has(selector string) bool {
	p.t.Helper()
	has, _, err := p.page.Has(selector)
	if err != nil {
		p.t.Fatalf("has %s: %v", selector, err)
	}
	return has
}

// Value returns the current value of the input matching selector.
func (p *Page) Value(selector string) string {
	p.t.Helper()
	el, err := p.Rod().Element(selector)
	if err != nil {
		p.t.Fatalf("find %s: %v", selector, err)
	}
	v, err := el.Property("value")
	if err != nil {
		p.t.Fatalf("value of %s: %v", selector, err)
	}
	return v.String()
}

// Lang returns the lang attribute of <html>.
func (p *Page) Lang() string {
	p.t.Helper()
	v, err := p.Rod().Eval(`() => document.documentElement.lang`)
	if err != nil {
		p.t.Fatalf("read html lang: %v", err)
	}
	return v.Value.String()
}

// URL returns the page's current URL.
func (p *Page) URL() string {
	info, err := p.page.Info()
	if err != nil {
		return "?"
	}
	return info.URL
}

// Shot saves a full-page screenshot as DIR/name.png when the environment
// variable KHUNG_SHOTS names a folder DIR, so that a developer can look at the
// pages a test walks through (KHUNG_SHOTS=/tmp/shots go test ./routes -run …);
// without it, it does nothing.
func (p *Page) Shot(name string) {
	p.t.Helper()
	dir := os.Getenv("KHUNG_SHOTS")
	if dir == "" {
		return
	}
	img, err := p.page.Timeout(pageTimeout).Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), img, 0o644)
	}
	if err != nil {
		p.t.Errorf("screenshot %s: %v", name, err)
	}
}

// BodyText returns the whole visible text of the page.
func (p *Page) BodyText() string {
	p.t.Helper()
	return p.bodyText()
}

func (p *Page) bodyText() string {
	el, err := p.page.Timeout(pageTimeout).Element("body")
	if err != nil {
		return ""
	}
	s, _ := el.Text()
	return s
}

// LoginAs fills the login form with u's credentials and waits for the home page.
func (p *Page) LoginAs(u User) {
	p.t.Helper()
	p.Open("/login")
	p.Fill("#email", u.Email)
	p.Fill("#password", u.Password)
	p.ClickAndWait("form[action='/login'] button[type=submit]")
	if strings.Contains(p.URL(), "/login") {
		p.t.Fatalf("login as %s failed; page says: %.500s", u.Email, p.bodyText())
	}
}

// AxeViolations runs axe-core (tools/node, installed by `make test`) on the
// page and returns one line per WCAG A/AA violation: "impact rule: help (n
// nodes: …)", impact being minor, moderate, serious or critical.
func (p *Page) AxeViolations() []string {
	p.t.Helper()
	src, err := os.ReadFile(filepath.Join(moduleRoot(p.t), "tools/node/node_modules/axe-core/axe.min.js"))
	if err != nil {
		p.t.Fatalf("axe-core is missing (run `make test`, which installs tools/node): %v", err)
	}
	// axe reads every node of the page: a long admin list on a loaded machine
	// takes longer than a click, so it has its own, longer bound.
	pg := p.page.Timeout(axeTimeout)
	if _, err := pg.Eval(`(src) => { (0, eval)(src); return true }`, string(src)); err != nil {
		p.t.Fatalf("load axe-core: %v", err)
	}
	res, err := pg.Eval(`async () => {
		const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
		return r.violations.map(v => v.impact + " " + v.id + ": " + v.help + " (" + v.nodes.length + " nodes: " +
			v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ") + ")");
	}`)
	if err != nil {
		p.t.Fatalf("run axe-core: %v", err)
	}
	var out []string
	for _, v := range res.Value.Arr() {
		out = append(out, v.String())
	}
	return out
}

// moduleRoot finds the directory holding go.mod, from the test's directory up.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}
