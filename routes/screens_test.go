package routes

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-rod/rod/lib/proto"

	"khung/app/seed"
	"khung/routes/webtest"
)

// TestScreensOfEachRole draws docs/screens.md's pictures: the main page of
// each demo login at 1440×900, and two pages on a 390×844 phone, from the demo
// as `khung seed --demo` loads it (newLiveDemo: today's Hanoi on 23/11/2026,
// the 2026 plan published and worked, the 2027 draft awaiting approval). It
// runs when KHUNG_SHOTS names the folder to write to (docs/screens), and
// fails when a page does not show what its picture is meant to show.
//
//	KHUNG_SHOTS=$PWD/docs/screens go test ./routes/ -run TestScreensOfEachRole
func TestScreensOfEachRole(t *testing.T) {
	if os.Getenv("KHUNG_SHOTS") == "" {
		t.Skip("set KHUNG_SHOTS to the folder of the pictures (docs/screens)")
	}
	srv := newLiveDemo(t)
	var draft, published struct {
		ID          int64
		LockVersion int
	}
	version := `SELECT pv.id, pv.lock_version FROM plan_versions pv JOIN plans p ON p.id = pv.plan_id
		WHERE p.year = ? AND pv.status = ? ORDER BY pv.id DESC LIMIT 1`
	mustDB(t, srv.DB.Raw(version, 2027, "submitted").Scan(&draft).Error)
	mustDB(t, srv.DB.Raw(version, 2026, "published").Scan(&published).Error)
	// A joint visit of the draft: its explanation shows a merge of several bodies' proposals.
	var joint string
	mustDB(t, srv.DB.Raw(`SELECT code FROM visits WHERE plan_version_id = ? AND start_date IS NOT NULL
		AND why_msgs->0->>'id' = 'planning.why.merged_joint' ORDER BY code LIMIT 1`, draft.ID).Scan(&joint).Error)
	if draft.ID == 0 || published.ID == 0 || joint == "" {
		t.Fatalf("the demo lacks the 2027 draft (%d), the 2026 plan (%d) or a joint visit (%q)", draft.ID, published.ID, joint)
	}
	// at, when set, is scrolled to the top of the screen first.
	type shot struct {
		name, user, path, must string
		w, h                   int
		at                     string
	}
	v := func(path string, args ...any) string { return fmt.Sprintf(path, args...) }
	waiting := []shot{
		{"planner-home", "planner", "/", "main", 1440, 900, ""},
		{"planner-version", "planner", v("/plans/versions/%d", draft.ID), "[data-test=fit]", 1440, 900, ""},
		{"planner-board", "planner", v("/plans/versions/%d/board", draft.ID), "[data-test=timeline]", 1440, 900, ""},
		{"planner-board-week", "planner", v("/plans/versions/%d/board?view=week", published.ID), "[data-test=timeline]", 1440, 900, ""},
		{"planner-visit", "planner", v("/plans/versions/%d/visits/%s", draft.ID, joint), "[data-test=why]", 1440, 900, "[data-test=team]"},
		{"approver-notifications", "approver", "/notifications", "main", 1440, 900, ""},
		{"approver-version", "approver", v("/plans/versions/%d", draft.ID), "[data-test=waiting]", 1440, 900, ""},
		{"approver-approve-confirm", "approver", v("/plans/versions/%d/approve", draft.ID), "[data-test=confirm-page]", 1440, 900, ""},
		{"viewer-plan", "viewer", v("/plans/versions/%d", published.ID), "[data-test=fit]", 1440, 900, ""},
		{"unit-home", "hongha", "/", "main", 1440, 900, ""},
		{"unit-notifications", "hongha", "/notifications", "main", 1440, 900, ""},
		{"inspector-home", "inspector", "/my-visits", "main", 1440, 900, ""},
		{"admin-home", "admin", "/", "main", 1440, 900, ""},
		{"phone-unit-home", "hongha", "/", "main", 390, 844, ""},
		{"phone-planner-version", "planner", v("/plans/versions/%d", draft.ID), "[data-test=fit]", 390, 844, ""},
	}
	// Then the approver approves the draft: publishing asks first (and warns
	// of the visits without dates, when there are any).
	approved := []shot{
		{"approver-publish-confirm", "approver", v("/plans/versions/%d/publish", draft.ID), "[data-test=confirm-page]", 1440, 900, ""},
	}
	pages := map[string]*webtest.Page{}
	take := func(shots []shot) {
		for _, s := range shots {
			p := pages[s.user]
			if p == nil {
				p = browser.Page(t, srv)
				p.LoginAs(webtest.User{Email: s.user + "@khung.vn", Password: seed.DemoPassword})
				pages[s.user] = p
			}
			if err := p.Rod().SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: s.w, Height: s.h,
				DeviceScaleFactor: 1, Mobile: s.w < 600}); err != nil {
				t.Fatal(err)
			}
			p.Open(s.path)
			if !p.Has(s.must) {
				t.Errorf("%s (%s): no %s; page: %.300s", s.name, s.path, s.must, p.BodyText())
				continue
			}
			if s.at != "" {
				p.Rod().MustEval(`sel => document.querySelector(sel).scrollIntoView({block: "start"})`, s.at)
			}
			// The viewport as a person sees it, not the whole page.
			img, err := p.Rod().Screenshot(false, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
			if err == nil {
				err = os.WriteFile(filepath.Join(os.Getenv("KHUNG_SHOTS"), s.name+".png"), img, 0o644)
			}
			if err != nil {
				t.Errorf("%s: %v", s.name, err)
			}
		}
	}
	take(waiting)
	// Through the page, so that the workflow's notices are written as in the app.
	c := srv.NewClient(t)
	c.Login(webtest.User{Email: "approver@khung.vn", Password: seed.DemoPassword})
	r := c.PostForm(fmt.Sprintf("/plans/versions/%d/approve", draft.ID),
		url.Values{"lock_version": {fmt.Sprint(draft.LockVersion)}, "document_number": {"125"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d %.500s", r.Status, r.Body)
	}
	take(approved)
}
