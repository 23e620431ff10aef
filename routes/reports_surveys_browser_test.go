package routes

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"khung/app/authz"
	"khung/app/notify"
	"khung/app/surveys"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
	"khung/routes/webtest"
)

func TestAUnitHeadAnswersTheSurveyAndLeadershipSeesTheTeamOnlyAfterTheThirdAnswer(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	today := models.NewDate(2027, 12, 31)
	setDay(t, srv, today)
	third := w.Unplanned(t, srv.DB, w.CommuneB.ID, w.Lead.ID, models.NewDate(2027, 6, 7), models.NewDate(2027, 6, 8))
	dbtest.MustExec(t, srv.DB, `UPDATE visits SET status = 'on_site_ended' WHERE id IN (?, ?, ?)`, w.Planned.ID, w.District.ID, third.ID)
	// Two units have answered about the team Lead led.
	svc := surveys.New(srv.DB, notify.Site{Locales: mustLocales(t)}, time.UTC)
	qs, err := svc.Questions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	scores := map[int64]int{}
	for _, q := range qs {
		scores[q.ID] = 4
	}
	for _, x := range []struct {
		u     models.Unit
		visit int64
	}{{w.CommuneA, w.Planned.ID}, {w.DistrictA, w.District.ID}} {
		a := authz.Actor{UserID: 1, Role: models.RoleUnit, UnitID: x.u.ID, UnitPath: x.u.Path, Today: today}
		if err := svc.Answer(context.Background(), a, x.visit, scores); err != nil {
			t.Fatal(err)
		}
	}

	lead := browser.Page(t, srv)
	lead.LoginAs(srv.CreateUser(t, models.RoleApprover))
	lead.Open("/dashboard")
	lead.ClickAndWait("[data-test=dash-surveys]")
	if strings.Contains(lead.Text("[data-test=survey-results]"), w.Lead.FullName) {
		t.Fatal("leadership sees the team with two answers")
	}
	if got := lead.Text("[data-test=survey-withheld]"); !strings.Contains(got, "1 trưởng đoàn") {
		t.Errorf("the withheld note says %q", got)
	}

	// The third unit's head answers on the page; a missing rating is refused first.
	p := browser.Page(t, srv)
	p.LoginAs(srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneB.ID)))
	p.Open("/")
	p.ClickAndWait(`nav a[href="/surveys"]`)
	p.ClickAndWait("[data-test=survey-answer]")
	pg := p.Rod()
	for _, q := range qs[1:] {
		pg.MustElement(`input[name="q` + itoa(q.ID) + `"][value="5"]`).MustClick()
	}
	// Send it past the browser's own check, as a browser without one would.
	if _, err := pg.Eval(`() => document.querySelector("[data-test=survey-form]").noValidate = true`); err != nil {
		t.Fatal(err)
	}
	p.ClickAndWait("[data-test=survey-submit]")
	if got := p.Text("[data-test=error-q" + itoa(qs[0].ID) + "]"); !strings.Contains(got, "từ 1 đến 5") {
		t.Fatalf("the missing rating says %q", got)
	}
	pg.MustElement(`input[name="q` + itoa(qs[0].ID) + `"][value="2"]`).MustClick()
	p.Shot("survey-answer")
	if v := p.AxeViolations(); len(v) > 0 {
		t.Errorf("axe on the survey: %v", v)
	}
	p.ClickAndWait("[data-test=survey-submit]")
	if got := p.Text("[data-test=surveys-open]"); !strings.Contains(got, "Không có phiếu") {
		t.Errorf("the answered survey is still open: %s", got)
	}

	lead.Open("/surveys/results?period=2027")
	lead.Shot("survey-results")
	row := lead.Text("[data-test=survey-results]")
	if !strings.Contains(row, w.Lead.FullName) || !strings.Contains(row, "3") {
		t.Errorf("leadership does not see the team after the third answer: %s", row)
	}
	if lead.Has("[data-test=survey-withheld]") {
		t.Error("the team is still counted as withheld")
	}
	if v := lead.AxeViolations(); len(v) > 0 {
		t.Errorf("axe on the results: %v", v)
	}
	// The team never reads the results.
	insp := srv.NewClient(t)
	insp.Login(srv.CreateUser(t, models.RoleInspector))
	if r := insp.Get("/surveys/results?period=2027"); r.Status != 403 {
		t.Errorf("an inspector reads the results: %d", r.Status)
	}

	// The evaluation explains the team's score by its parts: the survey's
	// counts from its third answer; the page fits a desktop and a phone.
	lead.Open("/evaluation?period=2027")
	if got := lead.Text("[data-test=team-scores]"); !strings.Contains(got, w.Lead.FullName) || !strings.Contains(got, "3 phiếu") {
		t.Errorf("the team's score: %s", got)
	}
	admin := browser.Page(t, srv)
	admin.LoginAs(srv.CreateUser(t, models.RoleAdmin))
	admin.Open("/admin/evaluation-criteria")
	for name, pg := range map[string]*webtest.Page{"evaluation": lead, "evaluation-criteria": admin} {
		for _, size := range []webtest.Size{webtest.Desktop, webtest.Phone} {
			pg.Resize(size)
			pg.Shot(fmt.Sprintf("%s-%d", name, size.Width))
			if n := pg.Overflows(); n > 0 {
				t.Errorf("%s is %d px wider than a %d px screen", pg.URL(), n, size.Width)
			}
		}
		if v := pg.AxeViolations(); len(v) > 0 {
			t.Errorf("axe on %s: %v", pg.URL(), v)
		}
	}
}
