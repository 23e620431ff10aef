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
// each demo role at 1440×900, and two pages on a 390×844 phone, from the demo
// with its 2027 plan published and an amendment submitted for approval. It
// runs when KHUNG_SHOTS names the folder to write to (docs/screens), and
// fails when a page does not show what its picture is meant to show.
//
//	KHUNG_SHOTS=$PWD/docs/screens go test ./routes/ -run TestScreensOfEachRole
func TestScreensOfEachRole(t *testing.T) {
	if os.Getenv("KHUNG_SHOTS") == "" {
		t.Skip("set KHUNG_SHOTS to the folder of the pictures (docs/screens)")
	}
	d, draft := newIssuedDemo(t)
	published := *draft.ParentVersionID
	type shot struct {
		name, user, path, must string
		w, h                   int
	}
	v := func(path string, args ...any) string { return fmt.Sprintf(path, args...) }
	draftShots := []shot{
		{"planner-version", "planner", v("/plans/versions/%d", draft.ID), "[data-test=fit]", 1440, 900},
		{"planner-board", "planner", v("/plans/versions/%d/board", draft.ID), "[data-test=timeline]", 1440, 900},
		{"planner-visit", "planner", v("/plans/versions/%d/visits/v-00001", draft.ID), "[data-test=why]", 1440, 900},
		{"planner-submit-confirm", "planner", v("/plans/versions/%d/submit", draft.ID), "[data-test=confirm-page]", 1440, 900},
		{"viewer-plan", "viewer", v("/plans/versions/%d", published), "[data-test=fit]", 1440, 900},
		{"unit-home", "unit", "/", "main", 1440, 900},
		{"unit-notifications", "phucxa", "/notifications", "main", 1440, 900},
		{"inspector-home", "inspector", "/my-visits", "main", 1440, 900},
		{"admin-home", "admin", "/", "main", 1440, 900},
		{"phone-unit-home", "phucxa", "/", "main", 390, 844},
		{"phone-planner-version", "planner", v("/plans/versions/%d", draft.ID), "[data-test=fit]", 390, 844},
	}
	// Then the amendment is submitted and approved: the approver's pictures
	// show what waits for them.
	approverShots := []shot{
		{"approver-notifications", "approver", "/notifications", "main", 1440, 900},
		{"approver-version", "approver", v("/plans/versions/%d", draft.ID), "[data-test=waiting]", 1440, 900},
		{"approver-publish-confirm", "approver", v("/plans/versions/%d/publish", draft.ID), "[data-test=unscheduled-warning]", 1440, 900},
	}
	pages := map[string]*webtest.Page{}
	take := func(shots []shot) {
		for _, s := range shots {
			p := pages[s.user]
			if p == nil {
				p = browser.Page(t, d.srv)
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
			// The viewport as a person first sees it, not the whole page.
			img, err := p.Rod().Screenshot(false, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
			if err == nil {
				err = os.WriteFile(filepath.Join(os.Getenv("KHUNG_SHOTS"), s.name+".png"), img, 0o644)
			}
			if err != nil {
				t.Errorf("%s: %v", s.name, err)
			}
		}
	}
	take(draftShots)
	// Through the pages, so that the workflow's notices are written as in the app.
	for _, step := range []struct {
		who  webtest.User
		path string
		lock int
	}{{d.planner, "submit", draft.LockVersion}, {d.approver, "approve", draft.LockVersion + 1}} {
		r := d.client(t, step.who).PostForm(fmt.Sprintf("/plans/versions/%d/%s", draft.ID, step.path),
			url.Values{"lock_version": {fmt.Sprint(step.lock)}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %.500s", step.path, r.Status, r.Body)
		}
	}
	take(approverShots)
}
