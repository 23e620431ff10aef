package surveys_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/notify"
	"khung/app/surveys"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

// user adds a user of role (in unit u, when given) and returns them as an actor.
func user(t *testing.T, db *gorm.DB, role models.Role, u *models.Unit, today models.Date) authz.Actor {
	t.Helper()
	a := authz.Actor{Role: role, Today: today}
	var unitID *int64
	if u != nil {
		unitID, a.UnitID, a.UnitPath = &u.ID, u.ID, u.Path
	}
	if err := db.Raw(`INSERT INTO users (email, full_name, role, unit_id) VALUES (?, 'Người dùng thử', ?, ?) RETURNING id`,
		fmt.Sprintf("%s-%d@example.vn", role, time.Now().UnixNano()), role, unitID).Scan(&a.UserID).Error; err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAUnitsMisconductReportReachesLeadershipOnlyAndIsAnswered(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	ctx := context.Background()
	svc := newService(t, db)
	today := models.NewDate(2027, 12, 31)
	communeA := user(t, db, models.RoleUnit, &w.CommuneA, today)
	approver := user(t, db, models.RoleApprover, nil, today)

	if _, err := svc.ReportMisconduct(ctx, communeA, 0, "   ", time.Now()); !isField(err, "body") {
		t.Errorf("an empty report: %v", err)
	}
	if _, err := svc.ReportMisconduct(ctx, communeA, w.Other.ID, "Đoàn yêu cầu chi phí ngoài quy định.", time.Now()); !isField(err, "visit_id") {
		t.Errorf("another unit's visit: %v", err)
	}
	id, err := svc.ReportMisconduct(ctx, communeA, w.Planned.ID, "Đoàn yêu cầu chi phí ngoài quy định.", time.Now())
	if err != nil {
		t.Fatalf("a good report (positive control): %v", err)
	}
	for _, a := range []authz.Actor{
		user(t, db, models.RoleInspector, nil, today), user(t, db, models.RolePlanner, nil, today),
		user(t, db, models.RoleViewer, nil, today), user(t, db, models.RoleAdmin, nil, today), communeA,
	} {
		if _, err := svc.MisconductInbox(ctx, a); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s reads leadership's inbox: %v", a.Role, err)
		}
		if err := svc.AnswerMisconduct(ctx, a, id, "Đã xử lý.", time.Now()); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s answers: %v", a.Role, err)
		}
	}
	inbox, err := svc.MisconductInbox(ctx, approver)
	if err != nil || len(inbox) != 1 || inbox[0].Status != "received" || inbox[0].UnitName != w.CommuneA.Name {
		t.Fatalf("leadership's inbox %+v %v", inbox, err)
	}
	if err := svc.AnswerMisconduct(ctx, approver, id, "Sở đã làm việc với trưởng đoàn và chấn chỉnh.", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := svc.AnswerMisconduct(ctx, approver, id, "Lần nữa.", time.Now()); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a second answer: %v", err)
	}
	mine, err := svc.MyMisconductReports(ctx, communeA)
	if err != nil || len(mine) != 1 || mine[0].Status != "answered" || mine[0].Answer == "" {
		t.Errorf("the unit's tracked report %+v %v", mine, err)
	}
	other, err := svc.MyMisconductReports(ctx, user(t, db, models.RoleUnit, &w.CommuneB, today))
	if err != nil || len(other) != 0 {
		t.Errorf("another unit reads the report: %+v %v", other, err)
	}
}

func TestTheAdministratorEditsTheQuestionsAndOnlyTheAskedOnesAreAsked(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	svc := newService(t, db)
	today := models.NewDate(2027, 12, 31)
	admin := user(t, db, models.RoleAdmin, nil, today)
	if err := svc.SaveQuestion(ctx, user(t, db, models.RolePlanner, nil, today), 0, surveys.QuestionInput{Position: 6, TextVI: "Câu hỏi"}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a planner edits the questions: %v", err)
	}
	if err := svc.SaveQuestion(ctx, admin, 0, surveys.QuestionInput{Position: 6}); !isField(err, "text_vi") {
		t.Errorf("a question without words: %v", err)
	}
	before, _ := svc.Questions(ctx)
	if err := svc.SaveQuestion(ctx, admin, 0, surveys.QuestionInput{Position: 6, TextVI: "Đoàn kết thúc đúng thời hạn.", Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SaveQuestion(ctx, admin, before[0].ID, surveys.QuestionInput{Position: before[0].Position, TextVI: before[0].TextVI, Active: false}); err != nil {
		t.Fatal(err)
	}
	after, _ := svc.Questions(ctx)
	if len(after) != len(before) || after[0].ID == before[0].ID || after[len(after)-1].TextVI != "Đoàn kết thúc đúng thời hạn." {
		t.Errorf("asked questions before %d, after %+v", len(before), after)
	}
	if err := svc.SaveQuestion(ctx, admin, 999999, surveys.QuestionInput{Position: 1, TextVI: "x"}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("an unknown question: %v", err)
	}
}

func isField(err error, field string) bool {
	ve, ok := apperr.AsValidation(err)
	return ok && ve.Has(field)
}

// newService is the service as the app builds it, with the real catalogs.
func newService(t *testing.T, db *gorm.DB) *surveys.Service {
	t.Helper()
	l, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	return surveys.New(db, notify.Site{Locales: l}, time.UTC)
}
