package routes

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/reports"
)

// The lists behind the figures the dashboard's ageing and findings charts
// and the evaluation's scores show: each reads the same rows as its figure.

// listBack is where a list behind a figure leads back to: the dashboard, the
// evaluation or the report.
func listBack(c *fiber.Ctx, f reports.Filter) string {
	switch c.Query("back") {
	case "dashboard":
		return "/dashboard?" + reportQuery(f)
	case "evaluation":
		return "/evaluation?" + reportQuery(f)
	}
	return "/reports?" + reportQuery(f)
}

// queryID reads an optional positive id from the query (0 when absent; a bad
// one is 404, as a bad path id).
func queryID(c *fiber.Ctx, name string) (int64, error) {
	s := c.Query(name)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// findingsList: GET /reports/list/findings?from&to[&finding&severity&unit] — the
// visits (and units' own inspections) behind a findings figure.
func (r *reportsUI) findingsList(c *fiber.Ctx) error {
	f, err := r.filterOf(c, false)
	if err != nil {
		return err
	}
	unit, err := queryID(c, "unit")
	if err != nil {
		return err
	}
	kind, severity := c.Query("finding"), c.Query("severity")
	if unit != 0 && kind == "" {
		kind = "violation"
	}
	rows, total, err := r.svc.FindingVisits(ctxOf(c), actorOf(c), f, kind, severity, unit)
	if err != nil {
		return err
	}
	tr := trOf(c)
	return r.render(c, "evaluation/list", fiber.Map{"Title": tr.T("evaluation.list.findings_title"), "Back": listBack(c, f),
		"Findings": rows, "Total": total, "Kind": kind, "Unit": unit})
}

// ageingList: GET /reports/list/ageing?from&to&band[&owner] — the visits
// holding the open recommendations of an ageing band.
func (r *reportsUI) ageingList(c *fiber.Ctx) error {
	f, err := r.filterOf(c, false)
	if err != nil {
		return err
	}
	owner, err := queryID(c, "owner")
	if err != nil {
		return err
	}
	rows, total, err := r.svc.AgeingVisits(ctxOf(c), actorOf(c), f, c.Query("band"), owner)
	if err != nil {
		return err
	}
	tr := trOf(c)
	return r.render(c, "evaluation/list", fiber.Map{"Title": tr.T("evaluation.list.ageing_title"), "Back": listBack(c, f),
		"RecVisits": rows, "Total": total})
}

// conclusionsList: GET /reports/list/conclusions?from&to[&leader] — the
// conclusions behind a team's figure, each with its deadline.
func (r *reportsUI) conclusionsList(c *fiber.Ctx) error {
	f, err := r.filterOf(c, false)
	if err != nil {
		return err
	}
	leader, err := queryID(c, "leader")
	if err != nil {
		return err
	}
	rows, err := r.svc.ConclusionsOfLeaders(ctxOf(c), actorOf(c), f, leader)
	if err != nil {
		return err
	}
	tr := trOf(c)
	return r.render(c, "evaluation/list", fiber.Map{"Title": tr.T("evaluation.list.conclusions_title"), "Back": listBack(c, f),
		"Conclusions": rows, "Total": len(rows)})
}
