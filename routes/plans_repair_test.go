package routes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khung/app/plans"
	"khung/models"
	"khung/routes/webtest"
)

// cityTeamLeads are the demo city team's inspectors who may lead.
var cityTeamLeads = []string{"i001", "i007", "i011", "i021", "i022"}

// publishedForRepair puts every city team lead but i001 on leave from March
// to May 2027 (so that Phúc Xá's joint visit is led by i001 with no stand-in),
// builds the plan and publishes it through the service. It returns the
// published version and Phúc Xá's visit.
func (d *plansDemo) publishedForRepair(t *testing.T) (plans.Version, plans.Visit) {
	t.Helper()
	for _, code := range cityTeamLeads[1:] {
		if err := d.srv.DB.Exec(`INSERT INTO inspector_leaves (inspector_id, from_date, to_date)
			SELECT id, '2027-03-01', '2027-05-31' FROM inspectors WHERE code = ?`, code).Error; err != nil {
			t.Fatal(err)
		}
	}
	ctx, planner, approver := context.Background(), d.actor(t, "planner@khung.vn"), d.actor(t, "approver@khung.vn")
	now := d.srv.Clock.Now()
	v, err := d.svc.Build(ctx, planner, plansYear, plans.BuildInput{})
	if err == nil {
		v, err = d.svc.Submit(ctx, planner, v.ID, plans.StepInput{LockVersion: v.LockVersion}, now)
	}
	if err == nil {
		v, err = d.svc.Approve(ctx, approver, v.ID, plans.StepInput{LockVersion: v.LockVersion}, now)
	}
	if err == nil {
		v, err = d.svc.Publish(ctx, approver, v.ID, plans.StepInput{LockVersion: v.LockVersion}, now)
	}
	if err != nil {
		t.Fatalf("publish the plan: %v", err)
	}
	det, err := d.svc.Detail(ctx, planner, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, vis := range det.Visits {
		if vis.Code == "v-00001" {
			if l := vis.Lead(); l == nil || l.Code != "i001" {
				t.Fatalf("Phúc Xá's visit is led by %+v, want i001", l)
			}
			return v, vis
		}
	}
	t.Fatal("Phúc Xá's visit is not scheduled")
	return v, plans.Visit{}
}

func TestRepairAPIRefusesBadInputAndVersionsThatAreNotPublished(t *testing.T) {
	t.Parallel()
	d := newPlansDemo(t)
	pub, phucXa := d.publishedForRepair(t)
	planner, viewer := d.client(t, d.planner), d.client(t, d.viewer)
	versions := func() int64 {
		var n int64
		d.srv.DB.Model(&models.PlanVersion{}).Count(&n)
		return n
	}
	path := fmt.Sprintf("/api/v1/plan-versions/%d/repair", pub.ID)

	// Bad input: 422 naming each field in Vietnamese and English, nothing saved.
	for _, tt := range []struct {
		name, path, body string
		fields           []string
	}{
		{"nothing changes", path, `{}`, []string{"changes"}},
		{"unknown inspector, impossible date", path,
			`{"leaves": [{"inspector": "i999", "from": "2027-02-30", "to": "2027-03-02"}]}`,
			[]string{"leaves[0].inspector", "leaves[0].from"}},
		{"unknown visit to cancel", path + "/save", `{"cancel_visits": ["v-nowhere"], "reason": "x", "lock_version": 0}`,
			[]string{"cancel_visits[0]"}},
		{"save without reason", path + "/save", fmt.Sprintf(`{"leaves": [{"inspector": "i001", "from": %q, "to": %q}], "lock_version": %d}`,
			phucXa.StartDate, phucXa.EndDate, pub.LockVersion), []string{"reason"}},
		{"save without lock version", path + "/save", `{"withdraw_proposals": [1], "reason": "x"}`, []string{"lock_version"}},
	} {
		r := planner.SendJSON("POST", tt.path, tt.body)
		var env struct {
			Error  string `json:"error"`
			Fields []struct{ Field, VI, EN string }
		}
		if err := json.Unmarshal([]byte(r.Body), &env); err != nil || r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
			continue
		}
		var got []string
		for _, f := range env.Fields {
			got = append(got, f.Field)
			if f.VI == "" || f.EN == "" || f.VI == f.EN {
				t.Errorf("%s: field %s says %q / %q", tt.name, f.Field, f.VI, f.EN)
			}
		}
		if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
			t.Errorf("%s: fields %v, want %v", tt.name, got, tt.fields)
		}
	}
	if n := versions(); n != 1 {
		t.Fatalf("bad input saved a version: %d versions", n)
	}

	good := fmt.Sprintf(`{"leaves": [{"inspector": "i001", "from": %q, "to": %q}]}`, phucXa.StartDate, phucXa.EndDate)
	if r := viewer.SendJSON("POST", path, good); r.Status != http.StatusForbidden {
		t.Errorf("a viewer previews a repair: %d", r.Status)
	}
	r := planner.SendJSON("POST", path, good)
	if r.Status != http.StatusOK {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	answers := map[string]string{"PlanRepairPreview": r.Body}
	var prev struct {
		Moved []struct {
			Code       string   `json:"code"`
			AfterStart string   `json:"after_start"`
			Why        []string `json:"why"`
			WhyVI      []string `json:"why_vi"`
		} `json:"moved"`
	}
	r.JSON(t, &prev)
	if len(prev.Moved) != 1 || prev.Moved[0].Code != "v-00001" || !strings.Contains(strings.Join(prev.Moved[0].Why, " "), "Phạm Thu Trang is on leave") ||
		!strings.Contains(strings.Join(prev.Moved[0].WhyVI, " "), "Phạm Thu Trang nghỉ phép") {
		t.Errorf("preview: %s", r.Body)
	}
	if n := versions(); n != 1 {
		t.Fatalf("a preview saved a version: %d versions", n)
	}
	save := strings.TrimSuffix(good, "}") + fmt.Sprintf(`, "reason": "Nghỉ ốm", "lock_version": %d}`, pub.LockVersion)
	r = planner.SendJSON("POST", path+"/save", save)
	if r.Status != http.StatusCreated {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	answers["PlanVersion"] = r.Body
	var am plans.Version
	r.JSON(t, &am)
	if am.Status != models.VersionDraft || am.ParentVersionID == nil || *am.ParentVersionID != pub.ID {
		t.Errorf("amendment %+v", am)
	}

	// A version that is not the published one is not repaired: 409.
	for _, p := range []string{fmt.Sprintf("/api/v1/plan-versions/%d/repair", am.ID), path + "/save"} {
		body := save
		if r := planner.SendJSON("POST", p, body); r.Status != http.StatusConflict {
			t.Errorf("POST %s: %d %s", p, r.Status, r.Body)
		}
	}
	if r := planner.Get(fmt.Sprintf("/plans/versions/%d/repair", am.ID)); r.Status != http.StatusConflict {
		t.Errorf("the repair page of a draft: %d", r.Status)
	}
	if n := versions(); n != 2 {
		t.Errorf("%d versions, want the published one and its amendment", n)
	}
	plansAnswersMatchTheDocument(t, answers)
}

func TestTheRepairFormShowsBadInputAgainWith422(t *testing.T) {
	t.Parallel()
	d := newPlansDemo(t)
	pub, phucXa := d.publishedForRepair(t)
	planner := d.client(t, d.planner)
	page := fmt.Sprintf("/plans/versions/%d/repair", pub.ID)
	plansPage(t, planner, page)
	for _, lang := range []struct{ code, want string }{
		{"vi", "Ngày kết thúc phải từ ngày bắt đầu trở đi."},
		{"en", "The last day must not come before the first."},
	} {
		r := planner.PostForm(page+"?lang="+lang.code, url.Values{"leaves[0].inspector": {"i001"},
			"leaves[0].from": {"2027-03-10"}, "leaves[0].to": {"2027-03-02"}, "lock_version": {fmt.Sprint(pub.LockVersion)}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, lang.want) ||
			!strings.Contains(r.Body, `value="2027-03-10"`) {
			t.Errorf("%s: %d, want 422 with %q and the input kept; %.1500s", lang.code, r.Status, lang.want, r.Body)
		}
	}
	// Positive control: the right order previews the move (an empty first row is ignored).
	r := planner.PostForm(page, url.Values{"leaves[1].inspector": {"i001"}, "leaves[1].from": {phucXa.StartDate.String()},
		"leaves[1].to": {phucXa.EndDate.String()}, "lock_version": {fmt.Sprint(pub.LockVersion)}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "</html>") || !strings.Contains(r.Body, `data-test="repair-moved"`) || !strings.Contains(r.Body, `data-code="v-00001"`) {
		t.Errorf("preview from the form: %d %.2000s", r.Status, r.Body)
	}
}

// The planner marks the lead of Phường Phúc Xá's visit on leave (no other
// lead of the city team is free then), previews the diff and saves the
// amendment; the approver publishes it. Phúc Xá's office sees the new dates on
// its calendar and gets a notice; Phường Trúc Bạch, whose visit did not move,
// sees the same dates and gets nothing.
func TestBrowserReplanAfterALeadGoesOnLeave(t *testing.T) {
	t.Parallel()
	d := newPlansDemo(t)
	pub, phucXa := d.publishedForRepair(t)
	var trucBachID int64
	if err := d.srv.DB.Table("units").Where("code = '00004'").Pluck("id", &trucBachID).Error; err != nil || trucBachID == 0 {
		t.Fatalf("Phường Trúc Bạch: %v", err)
	}
	trucBach := d.srv.CreateUser(t, models.RoleUnit, webtest.InUnit(trucBachID))
	visitDates := func(p *webtest.Page, code string) string {
		t.Helper()
		p.Open("/calendar/list?year=2027")
		return p.Text(fmt.Sprintf("li[data-visit=%q] [data-test=visit-dates]", code))
	}
	tb := browser.Page(t, d.srv)
	tb.LoginAs(trucBach)
	trucBachBefore := visitDates(tb, "v-00004")
	ph := browser.Page(t, d.srv)
	ph.LoginAs(d.unitUsr)
	if got, old := visitDates(ph, "v-00001"), phucXa.StartDate.Time().Format("02/01/2006"); !strings.Contains(got, old) {
		t.Fatalf("before the amendment Phúc Xá's calendar says %q, want %s", got, old)
	}

	p := browser.Page(t, d.srv)
	p.LoginAs(d.planner)
	p.Open(fmt.Sprintf("/plans/versions/%d", pub.ID))
	p.ClickAndWait("[data-test=repair-link]")
	p.Rod().MustEval(`(from, to) => {
		document.querySelector("#leave-0-inspector").value = "i001";
		document.querySelector("#leave-0-from").value = from;
		document.querySelector("#leave-0-to").value = to;
	}`, phucXa.StartDate.String(), phucXa.EndDate.String())
	p.Shot("replan-form")
	p.ClickAndWait("[data-test=preview]")
	p.Shot("replan-preview")
	row := `[data-test=repair-moved] tr[data-code="v-00001"]`
	if !p.Has(row) {
		t.Fatalf("the preview does not move Phúc Xá's visit: %.2000s", p.BodyText())
	}
	if p.Has(`tr[data-code="v-00004"]`) {
		t.Error("the preview changes Trúc Bạch's visit")
	}
	if why := p.Text(row + " [data-test=why]"); !strings.Contains(why, "Phạm Thu Trang nghỉ phép") || strings.Contains(why, "i001") {
		t.Errorf("the preview explains %q: want the lead's name, not the code", why)
	}
	newDates := p.Text(row + " [data-test=after]")
	if strings.HasPrefix(newDates, phucXa.StartDate.Time().Format("02/01/2006")) {
		t.Fatalf("moved to the same start: %q", newDates)
	}
	for _, v := range p.AxeViolations() {
		t.Errorf("repair page: %s", v)
	}
	p.Fill("#repair-reason", "Đồng chí Phạm Thu Trang nghỉ ốm")
	p.ClickAndWait("[data-test=save-repair]")
	if got := p.Text(".flash"); !strings.HasPrefix(got, "Đã lưu phiên bản điều chỉnh") {
		t.Fatalf("after saving: flash %q; page %.800s", got, p.BodyText())
	}
	am := d.versionOnPage(t, p)
	if got := p.Text("[data-test=status]"); got != "Dự thảo" || am == pub.ID {
		t.Fatalf("the amendment %d is %q", am, got)
	}
	p.ClickAndWait("[data-test=submit]")
	p.ClickAndWait("[data-test=confirm]") // each step asks first (issue 10)

	a := browser.Page(t, d.srv)
	a.LoginAs(d.approver)
	a.Open(fmt.Sprintf("/plans/versions/%d", am))
	a.ClickAndWait("[data-test=approve]")
	a.ClickAndWait("[data-test=confirm]")
	a.ClickAndWait("[data-test=publish]")
	a.ClickAndWait("[data-test=confirm]")
	if got := a.Text("[data-test=status]"); got != "Đã công bố" {
		t.Fatalf("after publishing: %q; page %.600s", got, a.BodyText())
	}

	// Phúc Xá's office: the new dates on the calendar and a notice saying so.
	newStart := newDates[:10]
	if got := visitDates(ph, "v-00001"); !strings.Contains(got, newStart) {
		t.Errorf("Phúc Xá's calendar says %q, want the new start %s", got, newStart)
	}
	ph.Open("/notifications")
	if got := ph.Text("[data-test=notifications]"); !strings.Contains(got, "Thay đổi lịch kiểm tra") || !strings.Contains(got, newStart) {
		t.Errorf("Phúc Xá's notifications: %q", got)
	}
	// Trúc Bạch: the same dates, no notice.
	if got := visitDates(tb, "v-00004"); got != trucBachBefore {
		t.Errorf("Trúc Bạch's calendar changed: %q → %q", trucBachBefore, got)
	}
	tb.Open("/notifications")
	if !tb.Has("[data-test=none]") {
		t.Errorf("Trúc Bạch got notifications: %q", tb.BodyText())
	}
}
