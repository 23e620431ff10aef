package evaluation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/evaluation"
	"khung/app/notify"
	"khung/app/reports"
	"khung/app/surveys"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

// world is visitstest's 2027 plan with the rows the scores read: findings on
// the planned joint visit (commune A) and on the unannounced one (commune A,
// hidden before 12/04/2027 from units and viewers), conclusions of three
// teams (Lead's late one and on-time one, Member's on the unannounced visit),
// recommendations of commune A and district A, and three survey answers on
// Lead's visits.
type world struct {
	*visitstest.World
	Third models.Visit // a third visit Lead led, to commune B
}

func build(t *testing.T, db *gorm.DB) *world {
	t.Helper()
	w := &world{World: visitstest.Build(t, db)}
	exec := func(q string, args ...any) { dbtest.MustExec(t, db, q, args...) }
	w.Third = w.Unplanned(t, db, w.CommuneB.ID, w.Lead.ID, models.NewDate(2027, 6, 7), models.NewDate(2027, 6, 8))
	exec(`INSERT INTO findings (visit_id, kind, description, severity) VALUES
		(?, 'violation', 'Chậm giải quyết hồ sơ', 'high'), (?, 'shortcoming', 'Thiếu sổ theo dõi', 'low'),
		(?, 'violation', 'Thu phí sai quy định', 'high'), (?, 'violation', 'Không niêm yết thủ tục', 'medium')`,
		w.Planned.ID, w.Planned.ID, w.Unannounced.ID, w.Unannounced.ID)
	conclusion := func(visit int64, number int, draft, signed string) int64 {
		var id int64
		if err := db.Raw(`INSERT INTO conclusions (visit_id, number, issuing_body_id, year, draft_received_on, signed_on, signer_name)
			VALUES (?, ?, ?, 2027, ?, ?, 'Nguyễn Văn A') RETURNING id`, visit, number, w.CityTeam.ID, draft, signed).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	late := conclusion(w.Planned.ID, 12, "2027-03-25", "2027-04-14") // 20 days after the draft: late against 15
	conclusion(w.District.ID, 13, "2027-03-28", "2027-03-30")        // on time
	conclusion(w.Unannounced.ID, 14, "2027-04-14", "2027-04-20")     // Member's, of the secret visit
	exec(`INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity, status, closed_at) VALUES
		(?, ?, 'Rà soát hồ sơ', '2027-05-14', 'high', 'done', '2027-05-10 09:00+07'),
		(?, ?, 'Bổ sung sổ', '2027-05-14', 'medium', 'open', NULL),
		(?, ?, 'Kiểm điểm', '2028-01-20', 'low', 'reported', NULL)`,
		late, w.CommuneA.ID, late, w.CommuneA.ID, late, w.DistrictA.ID)
	exec(`UPDATE visits SET status = 'on_site_ended' WHERE id IN (?, ?, ?)`, w.Planned.ID, w.District.ID, w.Third.ID)
	// Three answers about Lead's team: 5, 3 and 4 to every question (average 4).
	for _, x := range []struct {
		visit, unit int64
		score       int
	}{{w.Planned.ID, w.CommuneA.ID, 5}, {w.District.ID, w.DistrictA.ID, 3}, {w.Third.ID, w.CommuneB.ID, 4}} {
		exec(`WITH r AS (INSERT INTO survey_responses (visit_id, unit_id, submitted_on) VALUES (?, ?, '2027-06-20') RETURNING id)
			INSERT INTO survey_answers (response_id, question_id, score) SELECT r.id, q.id, ? FROM r, survey_questions q WHERE q.active`,
			x.visit, x.unit, x.score)
	}
	return w
}

func services(t *testing.T, db *gorm.DB) (*evaluation.Service, *reports.Service) {
	t.Helper()
	l, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	rep := reports.New(db, time.UTC, l)
	return evaluation.New(db, rep, surveys.New(db, notify.Site{Locales: l}, time.UTC)), rep
}

// part returns the part of measure m of the score of id among scores.
func part(t *testing.T, scores []evaluation.Score, id int64, m string) (evaluation.Part, bool) {
	t.Helper()
	for _, s := range scores {
		if s.ID != id {
			continue
		}
		for _, p := range s.Parts {
			if p.Criterion.Measure == m {
				return p, true
			}
		}
	}
	return evaluation.Part{}, false
}

func count(t *testing.T, db *gorm.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestScoresAreTheReportsFiguresCountedIndependentlyUnderTheVisibilityRule(t *testing.T) {
	db := dbtest.Gorm(t)
	w := build(t, db)
	svc, rep := services(t, db)
	ctx := context.Background()
	f := reports.Filter{From: models.NewDate(2027, 1, 1), To: models.NewDate(2027, 12, 31)}
	dayBefore, dayOf := visitstest.UnannouncedStart.AddDays(-1), visitstest.UnannouncedStart
	unit := func(u models.Unit, today models.Date) authz.Actor {
		return authz.Actor{UserID: 9, Role: models.RoleUnit, UnitID: u.ID, UnitPath: u.Path, Today: today}
	}
	// hidden: the secret visit counts for this reader and day.
	cases := []struct {
		name   string
		a      authz.Actor
		hidden bool
	}{
		{"a viewer the day before the unannounced visit does not count it", authz.Actor{UserID: 1, Role: models.RoleViewer, Today: dayBefore}, true},
		{"a viewer on its first day counts it", authz.Actor{UserID: 1, Role: models.RoleViewer, Today: dayOf}, false},
		{"an approver counts it the day before (positive control)", authz.Actor{UserID: 2, Role: models.RoleApprover, Today: dayBefore}, false},
		{"commune A's office the day before does not count it", unit(w.CommuneA, dayBefore), true},
		{"commune A's office on its first day counts it", unit(w.CommuneA, dayOf), false},
		{"district A's office reads its subtree, the secret visit from its start", unit(w.DistrictA, dayOf), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := svc.Scores(ctx, tc.a, f)
			if err != nil {
				t.Fatal(err)
			}
			// Independent count: commune A's visits that happened, the joint
			// visit once, the secret one only when its reader may know of it.
			secret := "TRUE"
			if tc.hidden {
				secret = "v.form = 'planned'"
			}
			visits := count(t, db, `SELECT count(*) FROM visits v WHERE v.unit_id = ? AND v.status <> 'cancelled'
				AND v.plan_version_id = ? AND `+secret, w.CommuneA.ID, w.Published.ID)
			violations := count(t, db, `SELECT count(*) FROM findings fd JOIN visits v ON v.id = fd.visit_id
				WHERE v.unit_id = ? AND fd.kind = 'violation' AND v.plan_version_id = ? AND `+secret, w.CommuneA.ID, w.Published.ID)
			wantVisits, wantViolations := 2, 3
			if tc.hidden {
				wantVisits, wantViolations = 1, 1
			}
			if visits != wantVisits || violations != wantViolations {
				t.Fatalf("the fixture: %d visits, %d violations", visits, violations)
			}
			p, ok := part(t, s.Units, w.CommuneA.ID, evaluation.ViolationFree)
			if !ok || !p.Applies || p.Of != visits || p.Extra != violations || p.Num != 0 {
				t.Errorf("commune A's findings part %+v (found %v), want 0 of %d visits, %d violations", p, ok, visits, violations)
			}
			// The same rows as the report's, read as the same reader.
			r, err := rep.Periodic(ctx, tc.a, f)
			if err != nil {
				t.Fatal(err)
			}
			sumVisits, sumViolations := 0, 0
			for _, u := range s.Units {
				for _, p := range u.Parts {
					if p.Criterion.Measure == evaluation.ViolationFree {
						sumVisits += p.Of
						sumViolations += p.Extra
					}
				}
			}
			reportViolations := 0
			for _, fc := range r.Findings {
				if fc.Kind == "violation" {
					reportViolations += fc.Count
				}
			}
			if sumVisits != r.Totals.Visits || sumViolations != reportViolations {
				t.Errorf("scores count %d visits and %d violations; the report %d and %d", sumVisits, sumViolations, r.Totals.Visits, reportViolations)
			}
			for _, o := range r.Recommendations.ByOwner {
				rate, _ := part(t, s.Units, o.UnitID, evaluation.RemediationRate)
				onTime, _ := part(t, s.Units, o.UnitID, evaluation.RemediationOnTime)
				if rate.Num != o.Done || rate.Of != o.Issued-o.Cancelled || onTime.Num != o.Issued-o.Cancelled-o.Overdue {
					t.Errorf("%s: rate %+v, on time %+v; the report %+v", o.Name, rate, onTime, o)
				}
			}
			if tc.a.Is(models.RoleViewer, models.RoleApprover) {
				// Member's conclusion is of the secret visit.
				if m, _ := part(t, s.Teams, w.Member.ID, evaluation.ConclusionsOnTime); m.Applies == tc.hidden {
					t.Errorf("Member's conclusions %+v counted: %v, hidden: %v", m, m.Applies, tc.hidden)
				}
			}
			if tc.a.Role == models.RoleUnit {
				for _, u := range s.Units {
					if u.ID != tc.a.UnitID && !isBelow(t, db, u.ID, tc.a.UnitID) {
						t.Errorf("%s's office reads the score of unit %s", tc.a.Role, u.Name)
					}
				}
				if len(s.Teams) != 0 {
					t.Errorf("a unit reads the teams' scores: %+v", s.Teams)
				}
			}
		})
	}

	t.Run("a team scores its conclusions on time and the survey from its third answer", func(t *testing.T) {
		approver := authz.Actor{UserID: 2, Role: models.RoleApprover, Today: models.NewDate(2027, 12, 31)}
		s, err := svc.Scores(ctx, approver, f)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := part(t, s.Teams, w.Lead.ID, evaluation.ConclusionsOnTime)
		if !c.Applies || c.Num != 1 || c.Of != 2 {
			t.Errorf("Lead's conclusions %+v, want 1 of 2 on time", c)
		}
		sv, _ := part(t, s.Teams, w.Lead.ID, evaluation.Survey)
		if !sv.Applies || sv.Of != 3 || sv.Value != 4 || sv.Share != 0.75 {
			t.Errorf("Lead's survey %+v, want average 4 of 3 answers", sv)
		}
		m, _ := part(t, s.Teams, w.Member.ID, evaluation.Survey)
		if m.Applies {
			t.Errorf("Member's survey applies without answers: %+v", m)
		}
		for _, sc := range s.Teams {
			if sc.ID == w.Lead.ID {
				// 60 × 1/2 + 40 × 0.75 = 60 points of 100.
				if sc.Points != 60 || sc.Weight != 100 || sc.Score != 60 {
					t.Errorf("Lead's score %+v, want 60 of 100", sc)
				}
			}
		}
		// Two answers only: the survey leaves the score (and its weight).
		dbtest.MustExec(t, db, `DELETE FROM survey_responses WHERE visit_id = ?`, w.Third.ID)
		s, err = svc.Scores(ctx, approver, f)
		if err != nil {
			t.Fatal(err)
		}
		if sv, _ := part(t, s.Teams, w.Lead.ID, evaluation.Survey); sv.Applies {
			t.Errorf("the survey counts with two answers: %+v", sv)
		}
	})

	t.Run("inspectors, planners and admins read no scores", func(t *testing.T) {
		for _, role := range []models.Role{models.RoleInspector, models.RolePlanner, models.RoleAdmin} {
			if _, err := svc.Scores(ctx, authz.Actor{UserID: 3, Role: role, Today: dayOf}, f); !errors.Is(err, apperr.ErrForbidden) {
				t.Errorf("%s: %v", role, err)
			}
		}
	})
}

// isBelow tells whether unit id lies under unit top.
func isBelow(t *testing.T, db *gorm.DB, id, top int64) bool {
	return count(t, db, `SELECT count(*) FROM units u, units p WHERE u.id = ? AND p.id = ? AND u.path LIKE p.path || '%'`, id, top) > 0
}
