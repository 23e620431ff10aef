package routes

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// The legal workflow of a conclusion through its forms (issue 13 item 5):
// the draft's receipt and the time to sign, a recommendation of
// responsibility and its outcome, the notice and the acceptance numbered in
// the register of notices, and a check on implementation proposed from an
// overdue recommendation. Each bad input is a 422 naming its field and
// writes nothing.
func TestTheLegalWorkflowOfAConclusion(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, models.NewDate(2027, 4, 2))
	lead := srv.CreateUser(t, models.RoleInspector, asInspector(w.Lead.ID))
	signer := srv.CreateUser(t, models.RoleApprover)
	planner := srv.CreateUser(t, models.RolePlanner)
	unitUser := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	c := srv.NewClient(t)
	c.Login(lead)
	visit := fmt.Sprintf("/visits/%d", w.Planned.ID)
	count := func(table, where string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := srv.DB.Table(table).Where(where, args...).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	mustStatus := func(r webtest.Response, want int, what string) {
		t.Helper()
		if r.Status != want {
			t.Fatalf("%s: %d, want %d\n%.600s", what, r.Status, want, r.Body)
		}
	}
	// 422 naming field, in the page's language, and nothing written to table.
	refused := func(r webtest.Response, field, text, table string, before int64) {
		t.Helper()
		mustStatus(r, 422, "bad "+field)
		if i := strings.Index(r.Body, `data-test="error-`+field+`"`); i < 0 || !strings.Contains(r.Body, text) {
			t.Logf("%.300s", r.Body[max(i, 0):])
			t.Errorf("the page does not name %s with %q", field, text)
		}
		if n := srv.Count(t, table); n != before {
			t.Errorf("%s: %d rows after a refused form, want %d", table, n, before)
		}
	}

	mustStatus(c.PostForm(visit+"/decision", url.Values{"signed_on": {"2027-03-01"}, "signer_name": {"Trần Văn Hùng"},
		"scope": {"Việc chấp hành kỷ luật, kỷ cương hành chính"}, "lead_id": {fmt.Sprint(w.Lead.ID)}}), 303, "decision")

	t.Run("the notice to the unit is numbered in the register of notices, once", func(t *testing.T) {
		refused(c.PostForm(visit+"/notice/number", url.Values{"notice_number": {"-3"}}), "notice_number", "", "register_entries",
			srv.Count(t, "register_entries"))
		mustStatus(c.PostForm(visit+"/notice/number", url.Values{}), 303, "number the notice")
		if r := c.Get(visit + "/notice/print"); !strings.Contains(r.Body, "Số: 01/TB-SNV") {
			t.Errorf("the notice does not print its number:\n%.800s", r.Body)
		}
		mustStatus(c.PostForm(visit+"/notice/number", url.Values{}), 409, "number it again")
	})

	srv.DB.Exec(`UPDATE visits SET status = 'on_site_ended' WHERE id = ?`, w.Planned.ID)

	t.Run("the draft's receipt starts the 15 days to sign the conclusion", func(t *testing.T) {
		refused(c.PostForm(visit+"/draft", url.Values{"received_on": {"2027-03-20"}}), "received_by",
			"Bắt buộc nhập", "conclusion_drafts", 0)
		refused(c.PostForm(visit+"/draft", url.Values{"received_on": {"2027-04-10"}, "received_by": {fmt.Sprint(signer.ID)}}),
			"received_on", "không được sau hôm nay (02/04/2027)", "conclusion_drafts", 0)
		refused(c.PostForm(visit+"/draft", url.Values{"received_on": {"2027-03-20"}, "received_by": {fmt.Sprint(unitUser.ID)}}),
			"received_by", "thẩm quyền ký", "conclusion_drafts", 0)
		mustStatus(c.PostForm(visit+"/draft", url.Values{"received_on": {"2027-03-20"}, "received_by": {fmt.Sprint(signer.ID)}}), 303, "draft")
		r := c.Get(visit)
		for _, want := range []string{"04/04/2027", "15 ngày", "Còn 2 ngày", "Luật Thanh tra số 84/2025/QH15", "Điều 36"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the visit's page lacks %q", want)
			}
		}
		s := srv.NewClient(t)
		s.Login(signer)
		if home := s.Get("/"); !strings.Contains(home.Body, `data-test="home-drafts"`) || !strings.Contains(home.Body, "Phúc Xá") {
			t.Errorf("the signer's home does not show the draft waiting:\n%.600s", home.Body)
		}
	})

	conclusion := url.Values{"signed_on": {"2027-04-02"}, "signer_name": {"Trần Văn Hùng"}, "summary": {"Đơn vị chấp hành cơ bản tốt."},
		"rec_owner_0": {fmt.Sprint(w.CommuneA.ID)}, "rec_action_0": {"Công khai thủ tục hành chính"}, "rec_deadline_0": {"2027-05-03"}, "rec_severity_0": {"medium"},
		"rec_owner_1": {fmt.Sprint(w.CommuneA.ID)}, "rec_action_1": {"Kiểm điểm công chức tiếp nhận hồ sơ quá hạn"}, "rec_days_1": {"30"},
		"rec_severity_1": {"high"}, "rec_kind_1": {"responsibility"}}
	t.Run("a recommendation of responsibility names whom it concerns", func(t *testing.T) {
		refused(c.PostForm(visit+"/conclusion", conclusion), "recommendations[1].liable", "tập thể, cá nhân", "conclusions", 0)
		conclusion.Set("rec_liable_1", "individual")
		mustStatus(c.PostForm(visit+"/conclusion", conclusion), 303, "conclusion")
		if n := count("conclusions", "visit_id = ? AND draft_received_on = '2027-03-20'", w.Planned.ID); n != 1 {
			t.Error("the conclusion does not keep the draft's receipt")
		}
		r := c.Get(visit + "/conclusion/print")
		for _, want := range []string{"Số: 02/TB-SNV", "2. Kiến nghị, yêu cầu khắc phục", "2.1. Phường Phúc Xá: Công khai thủ tục hành chính",
			"3. Kiến nghị kiểm điểm, xử lý trách nhiệm", "3.1. Phường Phúc Xá tổ chức kiểm điểm, xem xét xử lý trách nhiệm đối với cá nhân có liên quan",
			"4. Tổ chức thực hiện"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the conclusion does not print %q", want)
			}
		}
		if r := c.Get(visit); !strings.Contains(r.Body, "Đúng hạn") || !strings.Contains(r.Body, `data-test="directive-limit"`) {
			t.Error("the visit's page does not say the conclusion was signed in time, or the directive's deadline")
		}
	})

	var remedial, resp int64
	srv.DB.Raw(`SELECT id FROM recommendations WHERE kind = 'remedial'`).Scan(&remedial)
	srv.DB.Raw(`SELECT id FROM recommendations WHERE kind = 'responsibility' AND liable = 'individual'`).Scan(&resp)
	u := srv.NewClient(t)
	u.Login(unitUser)
	t.Run("the unit records the outcome of the responsibility", func(t *testing.T) {
		path := fmt.Sprintf("/recommendations/%d/outcomes", resp)
		good := url.Values{"measure": {"khien_trach"}, "subject": {"Bà Nguyễn Thị B, công chức Văn phòng – Thống kê"},
			"decided_on": {"2027-04-02"}, "document_number": {"15/QĐ-UBND"}}
		bad := url.Values{"measure": {"phat_tien"}, "subject": good["subject"], "decided_on": good["decided_on"], "document_number": good["document_number"]}
		refused(u.PostForm(path, bad), "measure", "hình thức xử lý", "responsibility_outcomes", 0)
		bad = url.Values{"measure": good["measure"], "subject": good["subject"], "decided_on": good["decided_on"], "document_number": {" "}}
		refused(u.PostForm(path, bad), "document_number", "Bắt buộc nhập", "responsibility_outcomes", 0)
		mustStatus(u.PostForm(fmt.Sprintf("/recommendations/%d/outcomes", remedial), good), 409, "outcome of a remedial recommendation")
		mustStatus(u.PostForm(path, good), 303, "outcome")
		r := u.Get(fmt.Sprintf("/recommendations/%d", resp))
		for _, want := range []string{"Khiển trách", "15/QĐ-UBND", "Bà Nguyễn Thị B", "Kiểm điểm, xử lý trách nhiệm — Cá nhân"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the recommendation's page lacks %q", want)
			}
		}
	})

	t.Run("an accepted report's acceptance is numbered in the register of notices", func(t *testing.T) {
		mustStatus(u.PostForm(fmt.Sprintf("/recommendations/%d/reports", remedial), url.Values{"body": {"Đã niêm yết công khai"}}), 303, "report")
		var report int64
		srv.DB.Raw(`SELECT id FROM remediation_reports WHERE recommendation_id = ?`, remedial).Scan(&report)
		mustStatus(c.PostForm(fmt.Sprintf("/remediation-reports/%d/accept", report), url.Values{}), 303, "accept")
		if r := u.Get(fmt.Sprintf("/recommendations/%d/acceptance/print", remedial)); !strings.Contains(r.Body, "Số: 03/TB-SNV") {
			t.Errorf("the acceptance does not print its number:\n%.600s", r.Body)
		}
	})

	t.Run("a planner proposes a check on implementation from an overdue recommendation", func(t *testing.T) {
		setDay(t, srv, models.NewDate(2027, 6, 1))
		p := srv.NewClient(t)
		p.Login(planner)
		if r := p.Get(fmt.Sprintf("/recommendations/%d", resp)); !strings.Contains(r.Body, `data-test="propose-check"`) {
			t.Fatal("no button to propose a check on the overdue recommendation")
		}
		r := p.Get(fmt.Sprintf("/visits/checks/new?rec=%d", resp))
		mustStatus(r, 200, "check form")
		if !strings.Contains(r.Body, fmt.Sprintf(`value="%d" checked`, resp)) {
			t.Error("the form does not tick the recommendation it came from")
		}
		form := url.Values{"unit_id": {fmt.Sprint(w.CommuneA.ID)}, "rec": {fmt.Sprint(resp)}, "recommendation_ids": {fmt.Sprint(resp)},
			"lead_body_id": {fmt.Sprint(w.CityTeam.ID)}, "start_date": {"2027-06-07"}, "end_date": {"2027-06-25"},
			"lead_id": {fmt.Sprint(w.Outsider.ID)}, "reason": {"Kiến nghị kiểm điểm quá hạn chưa thực hiện"}}
		refused(p.PostForm("/visits/checks", form), "end_date", "không quá 10 ngày làm việc", "visits", srv.Count(t, "visits"))
		form.Set("end_date", "2027-06-11")
		form.Set("recommendation_ids", fmt.Sprint(remedial)) // done: not overdue any more
		refused(p.PostForm("/visits/checks", form), "recommendation_ids", "kiến nghị quá hạn", "visits", srv.Count(t, "visits"))
		form.Set("recommendation_ids", fmt.Sprint(resp))
		r = p.PostForm("/visits/checks", form)
		mustStatus(r, 303, "check")
		var check models.Visit
		srv.DB.Where("kind = 'implementation_check'").Take(&check)
		if check.Form != models.FormPlanned || check.PlanVersionID != nil || r.Header.Get("Location") != fmt.Sprintf("/visits/%d", check.ID) {
			t.Fatalf("check %+v, sent to %s", check, r.Header.Get("Location"))
		}
		if n := count("visit_checked_recommendations", "visit_id = ? AND recommendation_id = ?", check.ID, resp); n != 1 {
			t.Error("the check does not name the recommendation it checks")
		}
		mustStatus(p.PostForm(fmt.Sprintf("/visits/%d/decision", check.ID), url.Values{"signed_on": {"2027-06-01"}, "signer_name": {"Trần Văn Hùng"},
			"scope": {"Việc thực hiện Thông báo kết luận số 02/TB-SNV"}, "lead_id": {fmt.Sprint(w.Outsider.ID)}}), 303, "decision of the check")
		d := p.Get(fmt.Sprintf("/visits/%d/decision/print", check.ID))
		if !strings.Contains(d.Body, "Về việc kiểm tra việc thực hiện kết luận tại") {
			t.Errorf("the check's decision is not in its kind's words:\n%.1200s", d.Body)
		}
		if w := p.Get(fmt.Sprintf("/visits/%d", check.ID)); !strings.Contains(w.Body, `data-test="checked-recs"`) {
			t.Error("the check's page does not list the recommendations it checks")
		}
	})
}
