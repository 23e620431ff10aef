package routes

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

func TestTheFeedURLIsShownOnceAndCanBeRenewedAndRevoked(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 3, 1))
	u := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	c := srv.NewClient(t)
	c.Login(u)

	page := c.Get("/calendar/ical")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `data-test="feed-none"`) {
		t.Fatalf("before any feed: %d %.300s", page.Status, page.Body)
	}
	first := createFeed(t, c)
	if got := feedCodes(t, srv, first); len(got) != 1 || !got["v-00001"] {
		t.Errorf("the commune's feed holds %v, want only v-00001", got)
	}
	page = c.Get("/calendar/ical")
	if strings.Contains(page.Body, first) || !strings.Contains(page.Body, `data-test="feed-active"`) {
		t.Error("the feed URL must be shown once only; the page must say a feed is active")
	}

	// Replacing or revoking a working address asks first and changes nothing.
	for _, path := range []string{"/calendar/ical", "/calendar/ical/revoke"} {
		r := c.PostForm(path, url.Values{})
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-test="confirm"`) || !strings.Contains(r.Body, "ngừng hoạt động") {
			t.Errorf("POST %s without confirmation: %d, want the question %.300s", path, r.Status, r.Body)
		}
		feedCodes(t, srv, first)
	}

	second := createFeed(t, c)
	if second == first {
		t.Fatal("renewal gave the same URL")
	}
	anon := srv.NewClient(t)
	if r := anon.Do(http.MethodGet, first, nil, nil); r.Status != http.StatusNotFound {
		t.Errorf("the renewed URL answers %d, want 404", r.Status)
	}
	feedCodes(t, srv, second)

	r := c.PostForm("/calendar/ical/revoke", url.Values{"confirm": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	for _, path := range []string{second, "/ical/khcal_unknown.ics", "/ical/nothing.ics"} {
		if r := anon.Do(http.MethodGet, path, nil, nil); r.Status != http.StatusNotFound || strings.Contains(r.Body, "BEGIN:VCALENDAR") {
			t.Errorf("GET %s: %d, want 404", path, r.Status)
		}
	}
	if !strings.Contains(c.Get("/calendar/ical").Body, `data-test="feed-none"`) {
		t.Error("after revocation the page must offer a new feed")
	}
	var n int64
	srv.DB.Model(&models.AuditEntry{}).Where("action LIKE 'calendar_feed.%'").Count(&n)
	if n != 4 { // create, revoke + renew, revoke
		t.Errorf("%d audit entries for the feed, want 4", n)
	}
	// Without the CSRF token nothing changes.
	if r := c.PostFormRaw("/calendar/ical", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("POST without CSRF: %d", r.Status)
	}
}

func TestTheNewAddressOffersCopyAndAWebcalLinkAndNoButtonThatDestroysIt(t *testing.T) {
	srv := startServer(t)
	u := srv.CreateUser(t, models.RoleInspector)
	c := srv.NewClient(t)
	c.Login(u)
	r := c.PostForm("/calendar/ical", url.Values{})
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d", r.Status)
	}
	link := regexp.MustCompile(`href="([^"]*)" data-test="webcal"`).FindStringSubmatch(r.Body)
	if link == nil || !strings.HasPrefix(link[1], "webcal://") || !strings.HasSuffix(link[1], ".ics") || strings.Contains(r.Body, "ZgotmplZ") {
		t.Errorf("the calendar-app link is %v, want a webcal: address", link)
	}
	if !strings.Contains(r.Body, `data-test="copy"`) {
		t.Error("no copy button next to the new address")
	}
	for _, destroys := range []string{`data-test="renew"`, `data-test="revoke"`} {
		if strings.Contains(r.Body, destroys) {
			t.Errorf("the page that shows the new address offers %s", destroys)
		}
	}
	// The scheme is trusted for our own feed address only.
	for in, want := range map[string]string{
		"https://khung.example/ical/khcal_x.ics": "webcal://khung.example/ical/khcal_x.ics",
		"javascript:alert(1)//x.ics":             "",
		"https://k.example/ical/a\"b.ics":        "",
	} {
		if got := string(webcalURL(in)); got != want {
			t.Errorf("webcalURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnInspectorsFeedParsesWithICALJSWithItsVietnameseTextIntact(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(root, "tools/node/node_modules/ical.js/dist/ical.js")
	if _, err := os.Stat(lib); err != nil {
		t.Fatalf("ical.js is missing (make test runs npm ci in tools/node): %v", err)
	}
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 3, 1))
	u := srv.CreateUser(t, models.RoleInspector, asInspector(w.Lead.ID))
	c := srv.NewClient(t)
	c.Token = srv.CreateToken(t, u)
	feed := srv.NewClient(t).Do(http.MethodGet, createFeed(t, c), nil, nil)

	cmd := exec.Command("node", filepath.Join(root, "app/icalfeed/testdata/parse.mjs"), lib)
	cmd.Stdin = strings.NewReader(feed.Body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got struct {
		Name   string
		Events []struct {
			UID, Summary, Description, Location string
			Start                               struct{ Year, Month, Day int }
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Name != "Khung – Lịch kiểm tra của "+u.FullName {
		t.Errorf("calendar name %q", got.Name)
	}
	summaries := map[string]string{}
	for _, e := range got.Events {
		summaries[e.UID] = e.Summary
		if e.UID == "kh2027-v-00001@khung" {
			for _, want := range []string{"Trưởng đoàn: Nguyễn Văn Thành", "Thành viên: Trần Thị Ngọc Ánh",
				"Cơ quan phối hợp: Thanh tra Sở Nội vụ", "Chấp hành kỷ luật, kỷ cương hành chính", "Thuộc: Thành phố Hà Nội › Quận Ba Đình"} {
				if !strings.Contains(e.Description, want) {
					t.Errorf("description lacks %q:\n%s", want, e.Description)
				}
			}
			if e.Location != "Phường Phúc Xá" || e.Start.Month != 3 || e.Start.Day != 15 {
				t.Errorf("event: %+v", e)
			}
		}
	}
	want := map[string]string{
		"kh2027-v-00001@khung": "Kiểm tra theo kế hoạch: Phường Phúc Xá",
		"kh2027-v-00003@khung": "Kiểm tra theo kế hoạch: Quận Ba Đình",
		"kh2027-v-00005@khung": "Kiểm tra theo kế hoạch: Phường Phúc Tân",
	}
	if len(summaries) != len(want) {
		t.Errorf("events %v, want %v", summaries, want)
	}
	for uid, s := range want {
		if summaries[uid] != s {
			t.Errorf("%s: summary %q, want %q", uid, summaries[uid], s)
		}
	}
}

// lockedBuffer collects log lines written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestTheFeedTokenNeverReachesTheLog(t *testing.T) {
	logs := &lockedBuffer{}
	srv := webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
		d.Log = slog.New(slog.NewTextHandler(logs, nil))
		return newApp(d)
	})
	u := srv.CreateUser(t, models.RoleViewer)
	c := srv.NewClient(t)
	c.Token = srv.CreateToken(t, u)
	path := createFeed(t, c)
	token := strings.TrimSuffix(strings.TrimPrefix(path, "/ical/"), ".ics")
	anon := srv.NewClient(t)
	if r := anon.Do(http.MethodGet, path, nil, nil); r.Status != http.StatusOK {
		t.Fatalf("feed: %d", r.Status)
	}
	if r := anon.Do(http.MethodGet, "/ical/khcal_wrong-secret.ics", nil, nil); r.Status != http.StatusNotFound {
		t.Fatalf("unknown feed: %d", r.Status)
	}
	out := logs.String()
	if strings.Contains(out, token) || strings.Contains(out, "wrong-secret") {
		t.Errorf("a feed token is in the log:\n%s", out)
	}
	if strings.Count(out, "path=/ical/redacted.ics") != 2 {
		t.Errorf("the feed requests must be logged with a placeholder path:\n%s", out)
	}
}
