package routes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"khung/app/authz"
	"khung/app/plans"
	"khung/app/seed"
	"khung/models"
	"khung/routes/webtest"
	"khung/views"
)

// plansDemo is a server with the demo city and a handful of 2027 proposals:
// a joint visit to Phường Phúc Xá (city team + inspectorate), a division's
// checks of Phường Trúc Bạch and Sở Tư pháp, an unannounced visit to Quận Ba Đình.
type plansDemo struct {
	srv                                *webtest.Server
	planner, approver, viewer, unitUsr webtest.User
	svc                                *plans.Service
}

const plansYear = 2027

func newPlansDemo(t *testing.T) *plansDemo {
	t.Helper()
	srv := startServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: srv.Clock.Now()}); err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	demoUser := func(email string, role models.Role) webtest.User {
		return webtest.User{Email: email, Password: seed.DemoPassword, Role: role}
	}
	d := &plansDemo{srv: srv, planner: demoUser("planner@khung.vn", models.RolePlanner),
		approver: demoUser("approver@khung.vn", models.RoleApprover), viewer: demoUser("viewer@khung.vn", models.RoleViewer),
		unitUsr: demoUser("phucxa@khung.vn", models.RoleUnit), svc: plans.New(srv.DB, nil, srv.Config.TimeZone, mustLocales(t))}
	type p struct {
		body, unit, kind, form, from, to string
		days, team                       int
	}
	for _, x := range []p{
		{"city-team", "00001", "public_service", "planned", "2027-03-01", "2027-04-30", 3, 3},
		{"dept-inspectorate", "00001", "specialised", "planned", "2027-03-15", "2027-05-31", 3, 3},
		{"snv-xdcq", "00004", "professional", "planned", "2027-06-01", "2027-06-30", 2, 2},
		{"snv-ccvc", "01-STP", "professional", "planned", "", "", 2, 2},
		{"city-team", "001", "public_service", "unannounced", "2027-09-01", "2027-10-15", 2, 2},
	} {
		err := srv.DB.Exec(`INSERT INTO proposals (year, body_id, unit_id, kind, form, window_from, window_to, days,
			team_size, status) VALUES (?, (SELECT id FROM bodies WHERE code = ?), (SELECT id FROM units WHERE code = ?),
			?, ?, NULLIF(?, '')::date, NULLIF(?, '')::date, ?, ?, 'submitted')`,
			plansYear, x.body, x.unit, x.kind, x.form, x.from, x.to, x.days, x.team).Error
		if err != nil {
			t.Fatalf("proposal %+v: %v", x, err)
		}
	}
	return d
}

func (d *plansDemo) client(t *testing.T, u webtest.User) *webtest.Client {
	t.Helper()
	c := d.srv.NewClient(t)
	c.Login(u)
	return c
}

func (d *plansDemo) actor(t *testing.T, email string) authz.Actor {
	t.Helper()
	var u models.User
	if err := d.srv.DB.Where("email = ?", email).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	return authz.Actor{UserID: u.ID, Role: u.Role}
}

// plansPage gets a page that must render whole: 200 and no template error
// (a template fails half-way through a page that was already sent).
func plansPage(t *testing.T, c *webtest.Client, path string) webtest.Response {
	t.Helper()
	r := c.Get(path)
	if r.Status != http.StatusOK || strings.Contains(r.Body, "executing \"") || !strings.Contains(r.Body, "</html>") {
		t.Fatalf("GET %s: %d\n%.2000s", path, r.Status, r.Body)
	}
	return r
}

var versionURL = regexp.MustCompile(`^/plans/versions/(\d+)$`)

// buildFromPage posts the build form and returns the new version's id.
func (d *plansDemo) buildFromPage(t *testing.T, c *webtest.Client) int64 {
	t.Helper()
	r := c.PostForm(fmt.Sprintf("/plans/%d/build", plansYear), url.Values{})
	m := versionURL.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("build: %d → %q\n%.600s", r.Status, r.Header.Get("Location"), r.Body)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

func TestPlanPagesAndAPIFollowTheRoles(t *testing.T) {
	t.Parallel()
	d := newPlansDemo(t)
	planner, approver := d.client(t, d.planner), d.client(t, d.approver)
	viewer, unit := d.client(t, d.viewer), d.client(t, d.unitUsr)

	if r := unit.Get("/plans"); r.Status != http.StatusForbidden {
		t.Errorf("unit user opens /plans: %d", r.Status)
	}
	if r := approver.PostForm("/plans/2027/build", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("approver builds from the page: %d", r.Status)
	}
	if r := approver.SendJSON("POST", "/api/v1/plans/2027/build", `{}`); r.Status != http.StatusForbidden {
		t.Errorf("approver builds through the API: %d %s", r.Status, r.Body)
	}
	id := d.buildFromPage(t, planner)
	v, _ := d.svc.Version(context.Background(), d.actor(t, "planner@khung.vn"), id)
	lock := fmt.Sprintf(`{"lock_version": %d}`, v.LockVersion)
	if r := planner.SendJSON("POST", fmt.Sprintf("/api/v1/plan-versions/%d/approve", id), lock); r.Status != http.StatusForbidden {
		t.Errorf("planner approves: %d %s", r.Status, r.Body)
	}
	if r := viewer.Get(fmt.Sprintf("/plans/versions/%d", id)); r.Status != http.StatusNotFound {
		t.Errorf("viewer opens a draft: %d", r.Status)
	}
	if r := viewer.GetJSON(fmt.Sprintf("/api/v1/plan-versions/%d", id)); r.Status != http.StatusNotFound {
		t.Errorf("viewer reads a draft through the API: %d", r.Status)
	}
	if r := unit.GetJSON(fmt.Sprintf("/api/v1/plan-versions/%d", id)); r.Status != http.StatusForbidden {
		t.Errorf("unit user reads a plan version through the API: %d", r.Status)
	}
	for _, path := range []string{"", "/board", "/board?view=week&group=inspector", "/board?status=soft&q=phuc",
		"/visits/v-00001", "/visits/v-00004", "/diff/" + fmt.Sprint(id)} {
		plansPage(t, approver, fmt.Sprintf("/plans/versions/%d%s", id, path))
	}
	plansPage(t, approver, "/plans")
	plansPage(t, approver, "/plans/2027")
}

func TestBuildAdjustAndPublishThroughPagesAndAPI(t *testing.T) {
	t.Parallel()
	d := newPlansDemo(t)
	planner, approver := d.client(t, d.planner), d.client(t, d.approver)
	id := d.buildFromPage(t, planner)

	// The version page shows the draft and what was merged: the joint visit with both bodies.
	page := plansPage(t, planner, fmt.Sprintf("/plans/versions/%d", id))
	for _, want := range []string{"Dự thảo", "Phường Phúc Xá", "Đoàn kiểm tra công vụ Thành phố", "Thanh tra Sở Nội vụ",
		"Gộp các đề xuất số ", "Đã lập dự thảo kế hoạch."} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("version page lacks %q", want)
		}
	}

	// The JSON version has its visits with teams, and the unannounced visit.
	var detail struct {
		Version     plans.Version `json:"version"`
		Visits      []plans.Visit `json:"visits"`
		Unscheduled []plans.Visit `json:"unscheduled"`
	}
	// Answers are kept to check them against the OpenAPI document at the end.
	answers := map[string]string{}
	r0 := planner.GetJSON(fmt.Sprintf("/api/v1/plan-versions/%d", id))
	answers["PlanVersionDetail"] = r0.Body
	r0.JSON(t, &detail)
	if n := len(detail.Visits) + len(detail.Unscheduled); n != 4 || detail.Version.Status != "draft" {
		t.Fatalf("API: %d visits, status %s", n, detail.Version.Status)
	}
	lock := detail.Version.LockVersion

	// A preview through htmx returns the fragment with the penalty change.
	start, after := plansValidMove(t, d, id, "v-00004", lock)
	r := planner.Do("POST", fmt.Sprintf("/plans/versions/%d/visits/v-00004/check", id),
		strings.NewReader(url.Values{"start": {start}, "lock_version": {fmt.Sprint(lock)}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
			"X-CSRF-Token": planner.CSRF()})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-test="check-result"`) ||
		!strings.Contains(r.Body, "→ "+points(after, "vi")) || strings.Contains(r.Body, "<html") {
		t.Fatalf("htmx check: %d\n%.800s", r.Status, r.Body)
	}

	// A hard violation through the API: 422 naming the rule, nothing saved.
	url422 := fmt.Sprintf("/api/v1/plan-versions/%d/visits/v-00004/adjust", id)
	r = planner.SendJSON("POST", url422, fmt.Sprintf(`{"start": "2027-01-01", "lock_version": %d}`, lock))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"rule":"H1"`) {
		t.Errorf("adjust onto New Year's Day: %d %s", r.Status, r.Body)
	}
	// The same from the page: 422, the violation shown, the form kept.
	r = planner.PostForm(fmt.Sprintf("/plans/versions/%d/visits/v-00004/adjust", id),
		url.Values{"start": {"2027-01-01"}, "lock_version": {fmt.Sprint(lock)}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-test="violations"`) ||
		!strings.Contains(r.Body, "Ngày làm việc trong năm: ngày bắt đầu phải là ngày làm việc") || !strings.Contains(r.Body, `value="2027-01-01"`) {
		t.Errorf("adjust onto New Year's Day from the page: %d\n%.3000s", r.Status, r.Body)
	}
	// A valid move saves; the same lock version a second time is a conflict.
	r = planner.SendJSON("POST", url422, fmt.Sprintf(`{"start": %q, "lock_version": %d}`, start, lock))
	answers["PlanCheckResult"] = r.Body
	var saved struct {
		Saved        bool    `json:"saved"`
		PenaltyAfter float64 `json:"penalty_after"`
		LockVersion  int     `json:"lock_version"`
	}
	r.JSON(t, &saved)
	if r.Status != http.StatusOK || !saved.Saved || saved.PenaltyAfter != after || saved.LockVersion != lock+1 {
		t.Fatalf("adjust: %d %s", r.Status, r.Body)
	}
	r = planner.PostForm(fmt.Sprintf("/plans/versions/%d/visits/v-01-STP/adjust", id),
		url.Values{"start": {start}, "lock_version": {fmt.Sprint(lock)}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Kế hoạch đã được người khác thay đổi; hãy tải lại trang.") {
		t.Errorf("second save with the old lock version: %d\n%.500s", r.Status, r.Body)
	}

	// Submit (page), approve and publish (API), then print and export.
	lock = saved.LockVersion
	if r := planner.PostForm(fmt.Sprintf("/plans/versions/%d/submit", id), url.Values{"lock_version": {fmt.Sprint(lock)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d %.400s", r.Status, r.Body)
	}
	lock++
	for _, step := range []string{"approve", "publish"} {
		r := approver.SendJSON("POST", fmt.Sprintf("/api/v1/plan-versions/%d/%s", id, step),
			fmt.Sprintf(`{"lock_version": %d, "document_number": "125"}`, lock))
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", step, r.Status, r.Body)
		}
		lock++
	}
	doc := plansPage(t, approver, fmt.Sprintf("/plans/versions/%d/print", id))
	for _, want := range []string{"UBND THÀNH PHỐ HÀ NỘI", "SỞ NỘI VỤ", "Số: 125/KH-SNV", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc", "KẾ HOẠCH", "kế hoạch khung", "Phường Phúc Xá", "Lê Quang Minh", "/plans/assets/print.css"} {
		if !strings.Contains(doc.Body, want) {
			t.Errorf("printed plan lacks %q", want)
		}
	}
	if strings.Contains(doc.Body, "Quận Ba Đình</td>") {
		t.Error("the printed plan lists the unannounced visit")
	}
	// A viewer reads the published plan, without the adjustment form.
	viewer := d.client(t, d.viewer)
	if page := plansPage(t, viewer, fmt.Sprintf("/plans/versions/%d/visits/v-00001", id)); strings.Contains(page.Body, `data-test="adjust"`) {
		t.Error("the viewer is offered the adjustment form")
	}
	if page := plansPage(t, approver, fmt.Sprintf("/plans/versions/%d/board?form=unannounced", id)); !strings.Contains(page.Body, "/visits/v-p") {
		t.Error("the approver's board lacks the unannounced visit")
	}
	if page := plansPage(t, viewer, fmt.Sprintf("/plans/versions/%d/board?form=unannounced", id)); strings.Contains(page.Body, "/visits/v-p") {
		t.Error("the viewer's board shows the unannounced visit before it starts")
	}
	x := approver.Get(fmt.Sprintf("/plans/versions/%d/plan.xlsx", id))
	if x.Status != http.StatusOK || !strings.HasPrefix(x.Body, "PK") || !strings.Contains(x.Header.Get("Content-Disposition"), "ke-hoach-khung-2027-v1.xlsx") {
		t.Errorf("xlsx: %d %q", x.Status, x.Header.Get("Content-Disposition"))
	}
	if css := approver.Get("/plans/assets/print.css"); !strings.Contains(css.Body, "@page { size: A4") {
		t.Errorf("print.css: %d", css.Status)
	}

	// Amend: without a reason the page says why (422); with one, version 2 and a diff.
	r = planner.PostForm(fmt.Sprintf("/plans/versions/%d/amend", id), url.Values{"lock_version": {fmt.Sprint(lock)}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "cần ghi rõ lý do") {
		t.Errorf("amend without reason: %d", r.Status)
	}
	r = planner.SendJSON("POST", fmt.Sprintf("/api/v1/plan-versions/%d/amend", id),
		fmt.Sprintf(`{"lock_version": %d, "reason": "Đổi lịch theo đề nghị của đơn vị"}`, lock))
	var v2 plans.Version
	r.JSON(t, &v2)
	if r.Status != http.StatusCreated || v2.Number != 2 {
		t.Fatalf("amend: %d %s", r.Status, r.Body)
	}
	answers["PlanVersion"] = r.Body
	var diff plans.Diff
	r = planner.GetJSON(fmt.Sprintf("/api/v1/plan-versions/%d/diff/%d", id, v2.ID))
	answers["PlanDiff"] = r.Body
	r.JSON(t, &diff)
	if !diff.Empty() {
		t.Errorf("an amendment differs from its source before any change: %+v", diff)
	}
	var list struct {
		Items []plans.Version `json:"items"`
	}
	approver.GetJSON("/api/v1/plans/2027/versions").JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].Number != 2 || list.Items[1].Status != "published" {
		t.Errorf("versions: %+v", list.Items)
	}
	plansAnswersMatchTheDocument(t, answers)
}

// plansAnswersMatchTheDocument checks that each answer (schema name → JSON
// body) carries every property the OpenAPI document marks required.
func plansAnswersMatchTheDocument(t *testing.T, answers map[string]string) {
	t.Helper()
	bundled := filepath.Join(t.TempDir(), "openapi.json")
	runRedocly(t, "bundle", "openapi.yaml", "--output", bundled)
	raw, err := os.ReadFile(bundled)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for name, body := range answers {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("no schema %s in openapi.yaml", name)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, problem := range missingRequired(doc.Components.Schemas, s, v, "$") {
			t.Errorf("%s: %s", name, problem)
		}
	}
}

// plansValidMove picks a start date for code that the engine accepts with a
// penalty change, and the penalty after it.
func plansValidMove(t *testing.T, d *plansDemo, id int64, code string, lock int) (string, float64) {
	t.Helper()
	a := d.actor(t, "planner@khung.vn")
	opts, err := d.svc.Options(context.Background(), a, id, code)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range opts.Starts {
		if s.PenaltyChange != 0 {
			res, err := d.svc.Check(context.Background(), a, id, code, plans.ChangeInput{Start: s.Date, LockVersion: lock})
			if err != nil || !res.Allowed() {
				t.Fatalf("offered start %s: %+v, %v", s.Date, res.Delta.Violations, err)
			}
			return s.Date, res.Delta.PenaltyAfter
		}
	}
	t.Fatalf("no valid move for %s", code)
	return "", 0
}

func TestPlanPagesSpeakEnglishToo(t *testing.T) {
	t.Parallel()
	d := newPlansDemo(t)
	planner := d.client(t, d.planner)
	id := d.buildFromPage(t, planner)
	r := plansPage(t, planner, fmt.Sprintf("/plans/versions/%d/board?lang=en", id))
	for _, want := range []string{"Plan board 2027", "By month", "Conflicts and fit", "Not scheduled"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("English board lacks %q", want)
		}
	}
	r = plansPage(t, planner, fmt.Sprintf("/plans/versions/%d/visits/v-00001", id))
	for _, want := range []string{"Adjust by hand", "Team leader", "Check", "Save", "merged proposals "} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("English visit page lacks %q", want)
		}
	}
	if strings.Contains(r.Body, "Gộp các đề xuất") {
		t.Error("the English visit page shows the planner's Vietnamese sentences")
	}
	// Back in Vietnamese, the planner's sentences are Vietnamese and not marked as English.
	r = plansPage(t, planner, fmt.Sprintf("/plans/versions/%d/visits/v-00001?lang=vi", id))
	if !strings.Contains(r.Body, "Gộp các đề xuất số ") || strings.Contains(r.Body, "merged no. ") || !strings.Contains(r.Body, `<ul class="why" data-test="why">`) {
		t.Errorf("the Vietnamese visit page does not explain in Vietnamese: %.3000s", r.Body)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(planner.SendJSON("POST", fmt.Sprintf("/api/v1/plan-versions/%d/visits/v-00001/check", id),
		`{"start": "2027-02-30"}`).Body), &body); err != nil || body["error"] != "validation" {
		t.Errorf("check with a bad date: %v %v", body, err)
	}
}

// mustLocales loads the app's message catalogs.
func mustLocales(t testing.TB) *views.Locales {
	t.Helper()
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
