package routes

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/reports"
	"khung/app/surveys"
)

// surveysUI serves the inspected units' survey on the teams' conduct and its
// results for leadership.
type surveysUI struct {
	*Handlers
	svc     *surveys.Service
	reports *reports.Service // the periods to choose from
}

// openPage: GET /surveys — the unit's visits whose survey waits for it.
func (s *surveysUI) openPage(c *fiber.Ctx) error {
	open, err := s.svc.Open(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	return s.render(c, "reports/surveys_open", fiber.Map{"Title": trOf(c).T("surveys.title"), "Open": open})
}

// renderAnswer shows the survey of a visit, again with formErr.
func (s *surveysUI) renderAnswer(c *fiber.Ctx, id int64, formErr error) error {
	qs, err := s.svc.Questions(ctxOf(c))
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": trOf(c).T("surveys.answer_title"), "ID": id, "Questions": qs, "Scale": []int{1, 2, 3, 4, 5}}
	if formErr != nil {
		return s.renderForm422(c, "reports/surveys_answer", data, formErr)
	}
	return s.render(c, "reports/surveys_answer", data)
}

// answerPage: GET /surveys/visits/:id.
func (s *surveysUI) answerPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderAnswer(c, id, nil)
}

// answer: POST /surveys/visits/:id — the scores, q<question id>=1…5.
func (s *surveysUI) answer(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	qs, err := s.svc.Questions(ctxOf(c))
	if err != nil {
		return err
	}
	scores := map[int64]int{}
	for _, q := range qs {
		if n, err := strconv.Atoi(c.FormValue(fmt.Sprintf("q%d", q.ID))); err == nil {
			scores[q.ID] = n
		}
	}
	if err := s.svc.Answer(ctxOf(c), actorOf(c), id, scores); err != nil {
		if formRefused(err) {
			return s.renderAnswer(c, id, err)
		}
		return err
	}
	s.setFlash(c, "surveys.flash.answered")
	return c.Redirect("/surveys", fiber.StatusSeeOther)
}

// resultsPage: GET /surveys/results?period= — the averages by team leader
// (leadership only), a year or half-year, this year by default.
func (s *surveysUI) resultsPage(c *fiber.Ctx) error {
	period := c.Query("period", strconv.Itoa(s.today().Year))
	from, to, ok := reports.Preset(period)
	if !ok {
		period = strconv.Itoa(s.today().Year)
		from, to, _ = reports.Preset(period)
	}
	r, err := s.svc.Results(ctxOf(c), actorOf(c), from, to)
	if err != nil {
		return err
	}
	tr := trOf(c)
	return s.render(c, "reports/surveys_results", fiber.Map{"Title": tr.T("surveys.results_title"), "R": r,
		"Period": period, "Periods": s.reports.Periods(s.today(), 3), "Min": surveys.MinResponses,
		"Score": func(x float64) string { return decimal(x, tr.Lang) }})
}

// renderMisconduct shows the unit's misconduct reports and the form, again with formErr.
func (s *surveysUI) renderMisconduct(c *fiber.Ctx, formErr error) error {
	mine, err := s.svc.MyMisconductReports(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	visits, err := s.svc.Visits(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": trOf(c).T("surveys.misconduct.title"), "Mine": mine, "Visits": visits}
	if formErr != nil {
		return s.renderForm422(c, "reports/misconduct", data, formErr)
	}
	return s.render(c, "reports/misconduct", data)
}

// misconductPage: GET /misconduct — the unit's reports to leadership and the form.
func (s *surveysUI) misconductPage(c *fiber.Ctx) error { return s.renderMisconduct(c, nil) }

// reportMisconduct: POST /misconduct (visit_id optional, body).
func (s *surveysUI) reportMisconduct(c *fiber.Ctx) error {
	f := newFormReader(c)
	visit, body := f.int("visit_id"), c.FormValue("body")
	err := f.err()
	if err == nil {
		_, err = s.svc.ReportMisconduct(ctxOf(c), actorOf(c), visit, body, s.Now())
	}
	if err != nil {
		if formRefused(err) {
			return s.renderMisconduct(c, err)
		}
		return err
	}
	s.setFlash(c, "surveys.misconduct.flash.sent")
	return c.Redirect("/misconduct", fiber.StatusSeeOther)
}

// renderInbox shows leadership's inbox, again with formErr about report id.
func (s *surveysUI) renderInbox(c *fiber.Ctx, id int64, formErr error) error {
	inbox, err := s.svc.MisconductInbox(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": trOf(c).T("surveys.misconduct.inbox_title"), "Inbox": inbox, "Failed": id}
	if formErr != nil {
		return s.renderForm422(c, "reports/misconduct_inbox", data, formErr)
	}
	return s.render(c, "reports/misconduct_inbox", data)
}

// misconductInbox: GET /misconduct/inbox — every report, unanswered first (approvers).
func (s *surveysUI) misconductInbox(c *fiber.Ctx) error { return s.renderInbox(c, 0, nil) }

// answerMisconduct: POST /misconduct/:id/answer (answer).
func (s *surveysUI) answerMisconduct(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.AnswerMisconduct(ctxOf(c), actorOf(c), id, c.FormValue("answer"), s.Now()); err != nil {
		if formRefused(err) {
			return s.renderInbox(c, id, err)
		}
		return err
	}
	s.setFlash(c, "surveys.misconduct.flash.answered")
	return c.Redirect("/misconduct/inbox", fiber.StatusSeeOther)
}

// renderQuestions shows the administrator's questions, again with formErr about question id.
func (s *surveysUI) renderQuestions(c *fiber.Ctx, id int64, formErr error) error {
	qs, err := s.svc.AllQuestions(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": trOf(c).T("surveys.questions.title"), "Questions": qs, "Failed": id, "Next": len(qs) + 1}
	if formErr != nil {
		return s.renderForm422(c, "reports/survey_questions", data, formErr)
	}
	return s.render(c, "reports/survey_questions", data)
}

// questionsPage: GET /admin/survey-questions.
func (s *surveysUI) questionsPage(c *fiber.Ctx) error { return s.renderQuestions(c, 0, nil) }

// saveQuestion: POST /admin/survey-questions (a new one) and /admin/survey-questions/:id.
func (s *surveysUI) saveQuestion(c *fiber.Ctx) error {
	id, err := optionalPathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := surveys.QuestionInput{Position: int(f.int("position")), TextVI: c.FormValue("text_vi"), TextEN: c.FormValue("text_en"),
		Active: c.FormValue("active") != ""}
	err = f.err()
	if err == nil {
		err = s.svc.SaveQuestion(ctxOf(c), actorOf(c), id, in)
	}
	if err != nil {
		if formRefused(err) {
			return s.renderQuestions(c, id, err)
		}
		return err
	}
	s.setFlash(c, "surveys.questions.flash.saved")
	return c.Redirect("/admin/survey-questions", fiber.StatusSeeOther)
}
