package routes

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/evaluation"
	"khung/app/reports"
	"khung/models"
)

// evaluationUI serves the published evaluation criteria (the administrator's
// pages and JSON), and the scores of units and teams they give (leadership's
// page, a unit office's own subtree's).
type evaluationUI struct {
	*Handlers
	svc     *evaluation.Service
	reports *reports.Service
}

// scoreFilter reads the period: a preset (period=2026, 2026-h1…) or from/to;
// none is this year.
func (e *evaluationUI) scoreFilter(c *fiber.Ctx) (reports.Filter, error) {
	return reports.ParseFilter(func(k string) string {
		if k == "period" && c.Query("period") == "" && c.Query("from") == "" && c.Query("to") == "" {
			return strconv.Itoa(e.today().Year)
		}
		if k == "period" || k == "from" || k == "to" {
			return c.Query(k)
		}
		return "" // the scores are the whole city's (or the unit's subtree's)
	})
}

// scoreCell is a part of a score as the page shows it: the figure, linked to
// the list behind it, and the points.
type scoreCell struct {
	Label   string // the criterion and its weight, shown above the cell on a phone
	Applies bool
	Figure  string // "5/6 (83,3%)" or "4,2/5"
	Note    string // "3 vi phạm", "7 phiếu", "1 quá hạn"
	Link    string
	Points  string
}

// scoreRow is a unit or a team with its cells in the criteria's order.
type scoreRow struct {
	Name    string
	Score   string
	Points  string
	Weight  int
	Applies bool
	Cells   []scoreCell
}

// scoreTable is one table of the page: a subject's criteria and scores.
type scoreTable struct {
	ID, Head, None string
	Criteria       []evaluation.Criterion
	Rows           []scoreRow
}

// partLink is the list behind part p of the score of id for the period of f.
func partLink(f reports.Filter, p evaluation.Part, id int64) string {
	q := url.Values{"from": {f.From.String()}, "to": {f.To.String()}}
	switch p.Criterion.Measure {
	case evaluation.ViolationFree:
		q.Set("finding", "violation")
		q.Set("back", "evaluation")
		q.Set("unit", strconv.FormatInt(id, 10))
		return "/reports/list/findings?" + q.Encode()
	case evaluation.RemediationRate:
		return recLink(f)("done", id) + "&back=evaluation"
	case evaluation.RemediationOnTime:
		return recLink(f)("overdue", id) + "&back=evaluation"
	case evaluation.ConclusionsOnTime:
		q.Set("leader", strconv.FormatInt(id, 10))
		q.Set("back", "evaluation")
		return "/reports/list/conclusions?" + q.Encode()
	case evaluation.Survey:
		if f.Period != "" {
			return "/surveys/results?" + url.Values{"period": {f.Period}}.Encode()
		}
		return "/surveys/results"
	}
	return ""
}

// scoreRows lays out scores for the page.
func scoreRows(c *fiber.Ctx, f reports.Filter, scores []evaluation.Score) []scoreRow {
	tr := trOf(c)
	out := make([]scoreRow, 0, len(scores))
	for _, s := range scores {
		row := scoreRow{Name: s.Name, Weight: s.Weight, Applies: s.Applies, Score: decimal(s.Score, tr.Lang), Points: decimal(s.Points, tr.Lang)}
		for _, p := range s.Parts {
			cell := scoreCell{Applies: p.Applies, Link: partLink(f, p, s.ID), Points: decimal(p.Points, tr.Lang),
				Label: tr.Pick(p.Criterion.NameVI, p.Criterion.NameEN) + " (" + tr.T("evaluation.col.weight", "Weight", p.Criterion.Weight) + ")"}
			switch {
			case !p.Applies && p.Criterion.Measure == evaluation.Survey:
				cell.Note = tr.T("evaluation.cell.too_few", "Min", 3)
				cell.Link = ""
			case !p.Applies:
				cell.Note = tr.T("evaluation.cell.none")
				cell.Link = ""
			case p.Criterion.Measure == evaluation.Survey:
				cell.Figure = tr.T("evaluation.cell.average", "Value", decimal(p.Value, tr.Lang))
				cell.Note = tr.T("evaluation.cell.responses", "Count", p.Of)
			default:
				cell.Figure = tr.T("evaluation.cell.share", "Num", p.Num, "Of", p.Of, "Percent", percent(p.Value, tr.Lang))
				switch p.Criterion.Measure {
				case evaluation.ViolationFree:
					cell.Note = tr.T("evaluation.cell.violations", "Count", p.Extra)
				case evaluation.RemediationOnTime:
					cell.Note = tr.T("evaluation.cell.overdue", "Count", p.Of-p.Num)
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		out = append(out, row)
	}
	return out
}

// criteriaOf keeps the criteria of subject.
func criteriaOf(cs []evaluation.Criterion, subject string) []evaluation.Criterion {
	var out []evaluation.Criterion
	for _, c := range cs {
		if c.Subject == subject {
			out = append(out, c)
		}
	}
	return out
}

// scoresPage: GET /evaluation — the scores of the period, explained.
func (e *evaluationUI) scoresPage(c *fiber.Ctx) error {
	tr := trOf(c)
	f, err := e.scoreFilter(c)
	if err != nil {
		return err
	}
	s, err := e.svc.Scores(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	a := actorOf(c)
	units, teams := criteriaOf(s.Criteria, evaluation.SubjectUnit), criteriaOf(s.Criteria, evaluation.SubjectTeam)
	return e.render(c, "evaluation/scores", fiber.Map{"Title": tr.T("evaluation.title"), "S": s,
		"Period": f.Period, "Periods": e.reports.Periods(e.today(), 3), "Leadership": a.Is(models.RoleApprover, models.RoleViewer),
		"UnitCriteria": units, "TeamCriteria": teams,
		"UnitTable": scoreTable{ID: "unit-scores", Head: tr.T("reports.list.unit"), None: tr.T("evaluation.none_units"),
			Criteria: units, Rows: scoreRows(c, f, s.Units)},
		"TeamTable": scoreTable{ID: "team-scores", Head: tr.T("surveys.leader"), None: tr.T("evaluation.none_teams"),
			Criteria: teams, Rows: scoreRows(c, f, s.Teams)}})
}

// apiScores: GET /api/v1/evaluation/scores?period= | from=&to=.
func (e *evaluationUI) apiScores(c *fiber.Ctx) error {
	f, err := e.scoreFilter(c)
	if err != nil {
		return err
	}
	s, err := e.svc.Scores(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(s)
}

// criteriaPage: GET /evaluation/criteria — every published criterion, with
// its basis and period.
func (e *evaluationUI) criteriaPage(c *fiber.Ctx) error {
	cs, err := e.svc.Criteria(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	return e.render(c, "evaluation/criteria", fiber.Map{"Title": trOf(c).T("evaluation.criteria.title"), "Criteria": cs,
		"Today": e.today()})
}

// apiCriteria: GET /api/v1/evaluation/criteria.
func (e *evaluationUI) apiCriteria(c *fiber.Ctx) error {
	cs, err := e.svc.Criteria(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []evaluation.Criterion{}
	}
	return c.JSON(listJSON[evaluation.Criterion]{Items: cs})
}

// apiCriterion: GET /api/v1/evaluation/criteria/:id.
func (e *evaluationUI) apiCriterion(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cr, err := e.svc.Criterion(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(cr)
}

// apiSaveCriterion: POST /api/v1/evaluation/criteria and PUT …/criteria/:id.
func (e *evaluationUI) apiSaveCriterion(c *fiber.Ctx) error {
	id, err := optionalPathID(c, "id")
	if err != nil {
		return err
	}
	var in evaluation.Input
	if err = bindJSON(c, &in); err != nil {
		return err
	}
	saved, err := e.svc.Save(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	cr, err := e.svc.Criterion(ctxOf(c), actorOf(c), saved)
	if err != nil {
		return err
	}
	if id == 0 {
		return created(c, fmt.Sprintf("/api/v1/evaluation/criteria/%d", saved), cr)
	}
	return c.JSON(cr)
}

// optionalPathID reads path id name when the route has one (0 when it does
// not: the form of a new item posts to the list's address).
func optionalPathID(c *fiber.Ctx, name string) (int64, error) {
	if c.Params(name) == "" {
		return 0, nil
	}
	return pathID(c, name)
}

// criterionForm is a criterion's fields as the form shows them.
func criterionForm(cr evaluation.Criterion) map[string]string {
	f := map[string]string{"measure": cr.Measure, "name_vi": cr.NameVI, "name_en": cr.NameEN, "basis": cr.Basis,
		"weight": strconv.Itoa(cr.Weight), "valid_from": "", "valid_to": ""}
	if !cr.ValidFrom.IsZero() {
		f["valid_from"] = cr.ValidFrom.String()
	}
	if cr.ValidTo != nil {
		f["valid_to"] = cr.ValidTo.String()
	}
	return f
}

// renderAdmin shows the administrator's criteria and one form: a new
// criterion's (id 0) or criterion id's, again with formErr.
func (e *evaluationUI) renderAdmin(c *fiber.Ctx, id int64, formErr error) error {
	cs, err := e.svc.Criteria(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	tr := trOf(c)
	data := fiber.Map{"Title": tr.T("evaluation.admin.title"), "Section": "evaluation", "Criteria": cs, "ID": id,
		"Measures": evaluation.Measures(), "Today": e.today(),
		"Form": criterionForm(evaluation.Criterion{Weight: 20, ValidFrom: e.today()})}
	if id != 0 {
		cr, err := e.svc.Criterion(ctxOf(c), actorOf(c), id)
		if err != nil {
			return err
		}
		data["Form"] = criterionForm(cr)
		data["Title"] = tr.T("evaluation.admin.edit_title")
	}
	if formErr != nil {
		data["Form"] = postedValues(c)
		return e.renderForm422(c, "evaluation/admin", data, formErr)
	}
	return e.render(c, "evaluation/admin", data)
}

// adminPage: GET /admin/evaluation-criteria and /admin/evaluation-criteria/:id.
func (e *evaluationUI) adminPage(c *fiber.Ctx) error {
	id, err := optionalPathID(c, "id")
	if err != nil {
		return err
	}
	return e.renderAdmin(c, id, nil)
}

// saveCriterion: POST /admin/evaluation-criteria (a new one) and /admin/evaluation-criteria/:id.
func (e *evaluationUI) saveCriterion(c *fiber.Ctx) error {
	id, err := optionalPathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := evaluation.Input{Measure: f.text("measure"), NameVI: c.FormValue("name_vi"), NameEN: c.FormValue("name_en"),
		Basis: c.FormValue("basis"), Weight: int(f.int("weight")), ValidFrom: f.date("valid_from"), ValidTo: f.datePtr("valid_to")}
	err = f.err()
	if err == nil {
		_, err = e.svc.Save(ctxOf(c), actorOf(c), id, in)
	}
	if err != nil {
		if formRefused(err) {
			return e.renderAdmin(c, id, err)
		}
		return err
	}
	e.setFlash(c, "evaluation.admin.saved")
	return c.Redirect("/admin/evaluation-criteria", fiber.StatusSeeOther)
}
