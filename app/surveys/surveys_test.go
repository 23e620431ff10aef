package surveys_test

import (
	"context"
	"errors"
	"testing"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
)

func TestLeadershipSeesATeamsResultsOnlyFromTheThirdAnswerAndNobodyElseSeesThem(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	ctx := context.Background()
	svc := newService(t, db)
	today := models.NewDate(2027, 12, 31)
	// Lead leads the planned visit (commune A) and the district's (district A);
	// a third visit he leads goes to commune B. Their work on site has ended.
	third := w.Unplanned(t, db, w.CommuneB.ID, w.Lead.ID, models.NewDate(2027, 6, 7), models.NewDate(2027, 6, 8))
	dbtest.MustExec(t, db, `UPDATE visits SET status = 'on_site_ended' WHERE id IN (?, ?, ?)`, w.Planned.ID, w.District.ID, third.ID)
	unit := func(u models.Unit) authz.Actor {
		return authz.Actor{UserID: u.ID + 1000, Role: models.RoleUnit, UnitID: u.ID, UnitPath: u.Path, Today: today}
	}
	qs, err := svc.Questions(ctx)
	if err != nil || len(qs) < 3 {
		t.Fatalf("questions %v %v", qs, err)
	}
	all := func(score int) map[int64]int {
		m := map[int64]int{}
		for _, q := range qs {
			m[q.ID] = score
		}
		return m
	}
	approver := authz.Actor{UserID: 1, Role: models.RoleApprover, Today: today}
	from, to := models.NewDate(2027, 1, 1), models.NewDate(2027, 12, 31)

	t.Run("a unit answers only its own visit whose work on site ended, once, every question 1 to 5", func(t *testing.T) {
		open, err := svc.Open(ctx, unit(w.CommuneA))
		if err != nil || len(open) != 1 || open[0].VisitID != w.Planned.ID {
			t.Fatalf("commune A's open surveys %+v %v", open, err)
		}
		if err := svc.Answer(ctx, unit(w.CommuneA), w.Unannounced.ID, all(4)); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("a visit still on site: %v", err)
		}
		if err := svc.Answer(ctx, unit(w.CommuneB), w.Planned.ID, all(4)); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("another unit's visit: %v", err)
		}
		missing := all(4)
		delete(missing, qs[0].ID)
		if _, invalid := apperr.AsValidation(svc.Answer(ctx, unit(w.CommuneA), w.Planned.ID, missing)); !invalid {
			t.Error("an unanswered question is accepted")
		}
		if err := svc.Answer(ctx, unit(w.CommuneA), w.Planned.ID, all(5)); err != nil {
			t.Fatalf("a good answer (positive control): %v", err)
		}
		if err := svc.Answer(ctx, unit(w.CommuneA), w.Planned.ID, all(5)); !errors.Is(err, apperr.ErrConflict) {
			t.Errorf("a second answer: %v", err)
		}
	})

	t.Run("two answers are withheld; the third shows the averages", func(t *testing.T) {
		if err := svc.Answer(ctx, unit(w.DistrictA), w.District.ID, all(3)); err != nil {
			t.Fatal(err)
		}
		r, err := svc.Results(ctx, approver, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Teams) != 0 || r.Withheld != 1 {
			t.Fatalf("with two answers: teams %+v, withheld %d", r.Teams, r.Withheld)
		}
		if err := svc.Answer(ctx, unit(w.CommuneB), third.ID, all(4)); err != nil {
			t.Fatal(err)
		}
		r, err = svc.Results(ctx, approver, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Teams) != 1 || r.Teams[0].Leader != w.Lead.FullName || r.Teams[0].Responses != 3 || r.Teams[0].Overall != 4 || r.Withheld != 0 {
			t.Fatalf("with three answers: %+v withheld %d", r.Teams, r.Withheld)
		}
	})

	t.Run("no role but leadership reads results; responses name no person", func(t *testing.T) {
		for _, a := range []authz.Actor{
			{UserID: 2, Role: models.RoleInspector, InspectorID: w.Lead.ID, Today: today},
			{UserID: 3, Role: models.RolePlanner, Today: today},
			unit(w.CommuneA),
			{UserID: 4, Role: models.RoleAdmin, Today: today},
		} {
			if _, err := svc.Results(ctx, a, from, to); !errors.Is(err, apperr.ErrForbidden) {
				t.Errorf("%s reads the results: %v", a.Role, err)
			}
		}
		var cols []string
		if err := db.Raw(`SELECT column_name FROM information_schema.columns WHERE table_name = 'survey_responses'`).Scan(&cols).Error; err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			if c == "user_id" || c == "created_by" || c == "submitted_by" || c == "created_at" {
				t.Errorf("a response keeps %s", c)
			}
		}
		if len(cols) == 0 {
			t.Error("no columns read (positive control)")
		}
	})
}
