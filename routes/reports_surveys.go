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
