package routes

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

func TestAUnitsMisconductReportGoesToLeadershipAndTheAnswerComesBackOnPages(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 12, 31))
	unit := srv.NewClient(t)
	unit.Login(srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID)))
	approver := srv.NewClient(t)
	approver.Login(srv.CreateUser(t, models.RoleApprover))

	if r := unit.PostForm("/misconduct", url.Values{"body": {" "}, "visit_id": {fmt.Sprint(w.Planned.ID)}}); r.Status != 422 ||
		!strings.Contains(r.Body, "Hãy nhập nội dung phản ánh") {
		t.Fatalf("an empty report: %d", r.Status)
	}
	if r := unit.PostForm("/misconduct", url.Values{"body": {"Đoàn yêu cầu đơn vị chi tiền ăn trưa."}, "visit_id": {fmt.Sprint(w.Planned.ID)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("a good report: %d %.300s", r.Status, r.Body)
	}
	for _, role := range []models.Role{models.RoleInspector, models.RolePlanner, models.RoleViewer, models.RoleAdmin} {
		c := srv.NewClient(t)
		c.Login(srv.CreateUser(t, role))
		if r := c.Get("/misconduct/inbox"); r.Status != http.StatusForbidden {
			t.Errorf("%s opens leadership's inbox: %d", role, r.Status)
		}
	}
	inbox := approver.Get("/misconduct/inbox")
	if inbox.Status != 200 || !strings.Contains(inbox.Body, "chi tiền ăn trưa") || !strings.Contains(inbox.Body, w.CommuneA.Name) {
		t.Fatalf("leadership's inbox: %d", inbox.Status)
	}
	var id int64
	if err := srv.DB.Raw(`SELECT id FROM misconduct_reports`).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	if r := approver.PostForm(fmt.Sprintf("/misconduct/%d/answer", id), url.Values{"answer": {""}}); r.Status != 422 {
		t.Errorf("an empty answer: %d", r.Status)
	}
	if r := approver.PostForm(fmt.Sprintf("/misconduct/%d/answer", id), url.Values{"answer": {"Sở đã chấn chỉnh trưởng đoàn."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the answer: %d", r.Status)
	}
	if page := unit.Get("/misconduct"); !strings.Contains(page.Body, "Sở đã chấn chỉnh trưởng đoàn.") {
		t.Errorf("the unit does not see the answer")
	}
	other := srv.NewClient(t)
	other.Login(srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneB.ID)))
	if page := other.Get("/misconduct"); strings.Contains(page.Body, "chi tiền ăn trưa") {
		t.Error("another unit reads the report")
	}
}

func TestTheAdministratorEditsTheSurveyQuestionsOnAPage(t *testing.T) {
	srv := startServer(t)
	admin := srv.NewClient(t)
	admin.Login(srv.CreateUser(t, models.RoleAdmin))
	page := admin.Get("/admin/survey-questions")
	if page.Status != 200 || !strings.Contains(page.Body, "Đoàn làm việc đúng thời gian") {
		t.Fatalf("the questions page: %d", page.Status)
	}
	if r := admin.PostForm("/admin/survey-questions", url.Values{"position": {"6"}, "text_vi": {""}, "active": {"1"}}); r.Status != 422 ||
		!strings.Contains(r.Body, "Hãy nhập nội dung câu hỏi") {
		t.Errorf("a question without words: %d", r.Status)
	}
	if r := admin.PostForm("/admin/survey-questions", url.Values{"position": {"6"}, "text_vi": {"Đoàn kết thúc đúng thời hạn."}, "active": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("a new question: %d %.300s", r.Status, r.Body)
	}
	if n := srv.Count(t, "survey_questions"); n != 6 {
		t.Errorf("%d questions, want 6", n)
	}
	planner := srv.NewClient(t)
	planner.Login(srv.CreateUser(t, models.RolePlanner))
	if r := planner.Get("/admin/survey-questions"); r.Status != http.StatusForbidden {
		t.Errorf("a planner opens the questions: %d", r.Status)
	}
}
