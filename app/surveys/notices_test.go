package surveys_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
)

// person adds an active user and returns its id.
func person(t *testing.T, db *gorm.DB, email string, role models.Role, unit *int64, position string, inspector *int64) int64 {
	t.Helper()
	var id int64
	if err := db.Raw(`INSERT INTO users (email, full_name, role, unit_id, unit_position, inspector_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		email, "Người nhận "+email, role, unit, position, inspector).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// told lists, sorted, the users holding an in-app notification of kind, and
// checks that each has one per occasion (want) and a mail for each.
func told(t *testing.T, db *gorm.DB, kind string, want int) []int64 {
	t.Helper()
	var rows []struct {
		UserID int64
		N      int
		Mails  int
	}
	if err := db.Raw(`SELECT n.user_id, count(*) AS n,
		(SELECT count(*) FROM mail_outbox m WHERE m.dedupe_key = ANY(array_agg(n.dedupe_key))) AS mails
		FROM notifications n WHERE n.kind = ? GROUP BY n.user_id ORDER BY n.user_id`, kind).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range rows {
		if r.N != want || r.Mails != want {
			t.Errorf("user %d has %d notifications of %s and %d mails, want %d of each", r.UserID, r.N, kind, r.Mails, want)
		}
		ids = append(ids, r.UserID)
	}
	return ids
}

func TestTheUnitHeadIsAskedOnceWhenTheWorkOnSiteEndsAndNeverAboutAHiddenVisit(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := newService(t, db)
	ctx := context.Background()
	head := person(t, db, "head.a@example.vn", models.RoleUnit, &w.CommuneA.ID, "head", nil)
	person(t, db, "office.a@example.vn", models.RoleUnit, &w.CommuneA.ID, "office", nil)
	headB := person(t, db, "head.b@example.vn", models.RoleUnit, &w.CommuneB.ID, "head", nil)
	// Both visits of commune A ended on site (the unannounced one recorded
	// early, as a mistake could); the draft visit never happened.
	dbtest.MustExec(t, db, `UPDATE visits SET status = 'on_site_ended' WHERE id IN (?, ?, ?)`, w.Planned.ID, w.Unannounced.ID, w.DraftVisit.ID)
	at := func(d models.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 8, 0, 0, 0, time.UTC) }
	run := func(d models.Date) {
		t.Helper()
		if err := db.Transaction(func(tx *gorm.DB) error {
			_, err := svc.SurveyNotices(ctx, tx, at(d))
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	links := func() []string {
		var out []string
		if err := db.Raw(`SELECT link FROM notifications WHERE kind = 'survey_open' ORDER BY link`).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	planned, secret := fmt.Sprintf("/surveys/visits/%d", w.Planned.ID), fmt.Sprintf("/surveys/visits/%d", w.Unannounced.ID)

	day := visitstest.UnannouncedStart.AddDays(-1)
	run(day)
	run(day) // a second run writes nothing more
	if got := links(); !slices.Equal(got, []string{planned}) {
		t.Errorf("the day before the unannounced visit: %v, want only the planned visit's survey", got)
	}
	if got := told(t, db, "survey_open", 1); !slices.Equal(got, []int64{head}) {
		t.Errorf("told %v, want only commune A's head %d (not its office, not commune B's head %d)", got, head, headB)
	}
	run(visitstest.UnannouncedStart)
	if got := links(); !slices.Equal(got, []string{planned, secret}) {
		t.Errorf("from its start: %v, want both visits' surveys (positive control)", got)
	}
	told(t, db, "survey_open", 2)

	// Answered: no new invitation for another visit of the unit.
	dbtest.MustExec(t, db, `DELETE FROM notifications WHERE kind = 'survey_open'`)
	dbtest.MustExec(t, db, `DELETE FROM sent_notification_keys`)
	dbtest.MustExec(t, db, `INSERT INTO survey_responses (visit_id, unit_id, submitted_on) VALUES (?, ?, '2027-04-12')`, w.Planned.ID, w.CommuneA.ID)
	run(visitstest.UnannouncedStart)
	if got := links(); !slices.Equal(got, []string{secret}) {
		t.Errorf("after commune A answered about the planned visit: %v", got)
	}
}

func TestAMisconductReportReachesLeadershipNotTheTeamAndItsAnswerReachesTheUnit(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := newService(t, db)
	ctx := context.Background()
	today := models.NewDate(2027, 12, 31)
	leader := person(t, db, "lanhdao@example.vn", models.RoleApprover, nil, "leadership", nil)
	// A leader who led the planned visit's team must not hear of a report about it.
	onTeam := person(t, db, "lanhdao.doan@example.vn", models.RoleApprover, nil, "leadership", &w.Lead.ID)
	person(t, db, "viewer@example.vn", models.RoleViewer, nil, "office", nil)
	person(t, db, "planner@example.vn", models.RolePlanner, nil, "office", nil)
	inspector := person(t, db, "member@example.vn", models.RoleInspector, nil, "office", &w.Member.ID)
	office := person(t, db, "office.a@example.vn", models.RoleUnit, &w.CommuneA.ID, "office", nil)
	head := person(t, db, "head.a@example.vn", models.RoleUnit, &w.CommuneA.ID, "head", nil)
	person(t, db, "office.b@example.vn", models.RoleUnit, &w.CommuneB.ID, "office", nil)
	communeA := authz.Actor{UserID: office, Role: models.RoleUnit, UnitID: w.CommuneA.ID, UnitPath: w.CommuneA.Path, Today: today}
	approver := authz.Actor{UserID: leader, Role: models.RoleApprover, Today: today}

	id, err := svc.ReportMisconduct(ctx, communeA, w.Planned.ID, "Đoàn yêu cầu đơn vị chi phí ngoài quy định.", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := told(t, db, "misconduct_received", 1); !slices.Equal(got, []int64{leader}) {
		t.Errorf("the report told %v, want only leader %d (not %d on the team, nor inspector %d)", got, leader, onTeam, inspector)
	}
	var body string
	if err := db.Raw(`SELECT body FROM notifications WHERE kind = 'misconduct_received'`).Scan(&body).Error; err != nil || body == "" {
		t.Fatalf("the note's words %q %v", body, err)
	}
	if err := svc.AnswerMisconduct(ctx, approver, id, "Sở đã làm việc với trưởng đoàn.", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := told(t, db, "misconduct_answered", 1); !slices.Equal(got, []int64{office, head}) {
		t.Errorf("the answer told %v, want commune A's office %d and head %d", got, office, head)
	}
	if got := told(t, db, "misconduct_received", 1); len(got) != 1 {
		t.Errorf("the answer told leadership again: %v", got)
	}
}
