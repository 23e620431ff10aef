package routes

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"khung/app/seed"
	"khung/routes/webtest"
	"khung/views"
)

// artefactRules find what a person must never read on a page: a message id
// shown instead of its text, a Go formatting artefact or a memory address, and
// the internal codes of proposals, inspectors, visits, topics and bodies.
type artefactRules struct {
	checks []artefactCheck
	// ids are the catalogs' message ids (true) and their parents of two
	// segments or more ("plans.version", false): a token that is an id, or
	// hangs off a parent, is a message id shown instead of its text
	// ("visits.status.0x39ef…"); a parent alone may be a rule's key.
	ids map[string]bool
}

// dotted finds the tokens that may be message ids.
var dotted = regexp.MustCompile(`\b[a-z][a-z0-9_]*(?:\.[a-zA-Z0-9_]+)+`)

type artefactCheck struct {
	name string
	re   *regexp.Regexp
}

// newArtefactRules builds the rules from the message catalogs (the first
// segments of every message id: "plans.version.title" → "plans") and the
// codes the demo's bodies have ("snv-tdkt").
func newArtefactRules(t testing.TB, bodyCodes []string) artefactRules {
	t.Helper()
	msgs, err := views.CatalogMessages(views.LocaleFiles(), "vi")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range msgs {
		ids[m.ID] = true
		for parent := m.ID; strings.Count(parent, ".") > 1; {
			parent = parent[:strings.LastIndex(parent, ".")]
			if _, ok := ids[parent]; !ok {
				ids[parent] = false
			}
		}
	}
	checks := []artefactCheck{
		{"Go format artefact", regexp.MustCompile(`%!|\bMISSING\b|<nil>|map\[|\{\{`)},
		{"memory address", regexp.MustCompile(`\b0x[0-9a-fA-F]{4,}`)},
		{"proposal code", regexp.MustCompile(`\bp\d+\b`)},
		{"inspector code", regexp.MustCompile(`\bi\d{3}\b`)},
		{"visit code", regexp.MustCompile(`\bv-\d+`)},
		{"snake_case code", regexp.MustCompile(`\b[a-z]+(?:_[a-z0-9]+)+\b`)},
		{"H-rule code", regexp.MustCompile(`\bH\d{1,2}\s*:`)},
		{"ISO date", regexp.MustCompile(`\b20\d\d-[01]\d-[0-3]\d\b`)},
	}
	var quoted []string
	for _, c := range bodyCodes {
		if strings.ContainsAny(c, "-_") { // codes like "city-team", "snv-tdkt"; never plain words
			quoted = append(quoted, regexp.QuoteMeta(c))
		}
	}
	if len(quoted) > 0 {
		sort.Strings(quoted)
		checks = append(checks, artefactCheck{"body code", regexp.MustCompile(`(?:^|[\s(,])(?:` + strings.Join(quoted, "|") + `)(?:$|[\s),.:])`)})
	}
	return artefactRules{checks: checks, ids: ids}
}

// codeChecks are the checks of internal codes: an administrator's registers
// show codes on purpose (they are what the administrator edits), so only the
// artefact checks apply to them.
var codeChecks = map[string]bool{"proposal code": true, "inspector code": true, "visit code": true,
	"snake_case code": true, "body code": true}

// withoutCodes returns the rules without the code checks.
func (r artefactRules) withoutCodes() artefactRules {
	out := artefactRules{ids: r.ids}
	for _, c := range r.checks {
		if !codeChecks[c.name] {
			out.checks = append(out.checks, c)
		}
	}
	return out
}

// find returns each artefact of text as "kind «match» in «context»".
func (r artefactRules) find(text string) []string {
	var out []string
	for _, tok := range dotted.FindAllString(text, -1) {
		parent := tok
		if i := strings.LastIndex(tok, "."); i > 0 {
			parent = tok[:i]
		}
		_, hangs := r.ids[parent]
		if r.ids[tok] || (strings.Contains(parent, ".") && hangs) {
			out = append(out, fmt.Sprintf("message id «%s»", tok))
		}
	}
	for _, c := range r.checks {
		for _, loc := range c.re.FindAllStringIndex(text, 3) {
			from, to := max(0, loc[0]-40), min(len(text), loc[1]+40)
			for from > 0 && !utf8Start(text[from]) {
				from--
			}
			for to < len(text) && !utf8Start(text[to]) {
				to++
			}
			out = append(out, fmt.Sprintf("%s «%s» in «%s»", c.name, text[loc[0]:loc[1]],
				strings.Join(strings.Fields(text[from:to]), " ")))
		}
	}
	return out
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// pageReadable is what a person reads on a page: the text outside scripts and
// styles, the values of attributes read aloud or shown on hover (title,
// aria-label, alt, placeholder), and the links of the page (and the actions
// of its GET forms), in document order.
func pageReadable(doc string) (text string, links []string) {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return "", nil
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
		case html.ElementNode:
			if n.Data == "script" || n.Data == "style" || n.Data == "template" {
				return
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "title", "aria-label", "alt", "placeholder":
					b.WriteString(" " + a.Val + " ")
				case "href":
					if n.Data == "a" {
						links = append(links, a.Val)
					}
				case "action": // a form that asks before acting is a page too
					if n.Data == "form" && strings.EqualFold(attr(n, "method"), "get") {
						links = append(links, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && (n.Data == "p" || n.Data == "li" || n.Data == "td" || n.Data == "th" || n.Data == "div") {
			b.WriteString("\n")
		}
	}
	walk(root)
	return b.String(), links
}

// attr returns n's attribute key ("" when absent).
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// pageShape groups URLs that show the same page for another record: digits
// and visit codes become placeholders and only the query's parameter names
// count (not "lang"), so /plans/versions/3/visits/v-00012 and
// /plans/versions/3/visits/v-00013 are one shape.
var pageShape = regexp.MustCompile(`v-[0-9A-Za-z-]+|\d+`)

func shapeOf(u *url.URL) string {
	q := u.Query()
	q.Del("lang")
	return pageShape.ReplaceAllString(u.Path, "#") + "?" + strings.Join(slices.Sorted(maps.Keys(q)), "&")
}

// skipWalk are links a walk must not follow: leaving the session, files and
// feeds that are not pages (checked by their own tests), the API.
var skipWalk = regexp.MustCompile(`\.(xlsx|ics|csv|pdf|css)$|^/(attachments|visits/files|static|api|ical)/|^/logout$`)

// demoWalk walks the pages of a demo breadth first, following the links open
// returns: at most perShape pages of each shape, limit pages in all. open
// shows one page (over HTTP or in Chromium) and checks it; ok is false for
// what is no page of the app (a redirect, a file), which does not count.
type demoWalk struct {
	perShape, limit int
	open            func(path string) (links []string, ok bool)
	// pathOnly counts a page's path alone in its shape: a filtered or sorted
	// list is the same template as the list (for checks of the page's form,
	// not its words).
	pathOnly bool
}

// shape is u's shape for w.
func (w demoWalk) shape(u *url.URL) string {
	if w.pathOnly {
		return pageShape.ReplaceAllString(u.Path, "#")
	}
	return shapeOf(u)
}

// from walks from the start paths and returns the paths of the pages opened.
func (w demoWalk) from(start ...string) []string {
	seen, shapes := map[string]bool{}, map[string]int{}
	var queue, done []string
	add := func(base *url.URL, link string) {
		u, err := base.Parse(link)
		if err != nil || u.Scheme != "" || u.Host != "" || skipWalk.MatchString(u.Path) {
			return
		}
		u.Fragment = ""
		next := u.String()
		if seen[next] || shapes[w.shape(u)] >= w.perShape {
			return
		}
		seen[next] = true
		shapes[w.shape(u)]++
		queue = append(queue, next)
	}
	root := &url.URL{Path: "/"}
	for _, s := range start {
		add(root, s)
	}
	for len(queue) > 0 && len(done) < w.limit {
		path := queue[0]
		queue = queue[1:]
		links, ok := w.open(path)
		if !ok {
			continue
		}
		done = append(done, path)
		base, _ := url.Parse(path)
		for _, l := range links {
			add(base, l)
		}
	}
	return done
}

// readPages walks c's pages from start over HTTP (perShape pages of each
// shape, limit in all), calling visit with each HTML page's path and
// readable text; a server error fails the test.
func readPages(t *testing.T, c *webtest.Client, perShape, limit int, visit func(path, text string), start ...string) int {
	t.Helper()
	walk := demoWalk{perShape: perShape, limit: limit, open: func(path string) ([]string, bool) {
		r := c.Get(path)
		if r.Status >= 500 {
			t.Errorf("GET %s: %d", path, r.Status)
			return nil, false
		}
		if r.Status >= 300 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			return nil, false
		}
		text, links := pageReadable(r.Body)
		visit(path, text)
		return links, true
	}}
	return len(walk.from(start...))
}

// TestArtefactRulesFindWhatAPersonMustNotRead is the crawl's positive control:
// each fault the issue saw is found, and plain Vietnamese is not.
func TestArtefactRulesFindWhatAPersonMustNotRead(t *testing.T) {
	r := newArtefactRules(t, []string{"snv-tdkt", "city-team", "pnv-001"})
	for _, tc := range []struct {
		name, html string
		want       int
	}{
		{"a message id with an address", `<p>visits.status.0x39efeeb53340</p>`, 2},
		{"a Go format artefact", `<td>%!f(*float64=0xc000123456)</td>`, 2},
		{"proposal and body codes", `<li>Gộp các đề xuất p23 (snv-tdkt), p24 (pnv-001)</li>`, 4},
		{"an inspector code", `<p>Trưởng đoàn i085</p>`, 1},
		{"topic codes", `<p>cai_cach_hanh_chinh, cong_vu</p>`, 2},
		{"an H-rule with codes and an ISO date", `<p>H2: i085 đang tham gia v-01-SXD ngày 2027-09-14</p>`, 4},
		{"a code in a tooltip", `<a href="/x" title="Trưởng đoàn i085">Nguyễn Văn A</a>`, 1},
		{"a code in an aria-label", `<button aria-label="v-00001">Mở</button>`, 1},
		{"plain Vietnamese", `<p>Gộp đề xuất của Thanh tra Sở và Phòng Xây dựng chính quyền; trưởng đoàn Nguyễn Văn A, 14/09/2027.</p>`, 0},
		{"codes in scripts and link targets are not read", `<script>var x = "p23_i085";</script><a href="/plans/versions/1/visits/v-00001">Phường Phúc Xá</a>`, 0},
		{"an e-mail address is not a key", `<p>planner@khung.vn, khung@sonoivu.hanoi.gov.vn</p>`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, _ := pageReadable("<html><body>" + tc.html + "</body></html>")
			if got := r.find(text); len(got) != tc.want {
				t.Errorf("found %d artefacts, want %d: %q", len(got), tc.want, got)
			}
		})
	}
}

// demoLogins are the demo's logins (README), read by the walks: today's
// ward Hồng Hà (its office and its chairman), a department's office, and the
// logins kept from before 1 July 2025 (Phường Phúc Xá, Quận Ba Đình).
var demoLogins = []string{"planner", "approver", "viewer", "admin", "inspector", "hongha", "hongha.head", "sotuphap",
	"phucxa", "unit"}

// The demo as `khung seed --demo` loads it (today's Hanoi, its published 2025
// and 2026 plans worked, the 2027 draft awaiting approval), read by every
// demo login from its home page, link after link: no page shows a message id,
// a Go artefact or an internal code.
func TestDemoPagesSpeakPlainly(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the demo city")
	}
	t.Parallel()
	srv := newLiveDemo(t)
	var bodyCodes []string
	if err := srv.DB.Raw(`SELECT code FROM bodies`).Scan(&bodyCodes).Error; err != nil {
		t.Fatal(err)
	}
	all := newArtefactRules(t, bodyCodes)
	for _, login := range demoLogins {
		t.Run(login, func(t *testing.T) {
			rules := all
			if login == "admin" {
				rules = all.withoutCodes()
			}
			c := srv.NewClient(t)
			c.Login(webtest.User{Email: login + "@khung.vn", Password: seed.DemoPassword})
			found := map[string][]string{}
			n := readPages(t, c, 3, 250, func(path, text string) {
				for _, a := range rules.find(text) {
					found[a] = append(found[a], path)
				}
			}, "/")
			if n < 5 {
				t.Errorf("read only %d pages from the home page", n)
			}
			for _, k := range slices.Sorted(maps.Keys(found)) {
				t.Errorf("%s on %s", k, strings.Join(found[k][:min(3, len(found[k]))], ", "))
			}
			t.Logf("%s: %d pages read", login, n)
		})
	}
}
