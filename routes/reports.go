package routes

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/paging"
	"khung/app/reports"
	"khung/models"
	"khung/views"
)

// reportsUI serves the periodic report (page, JSON, Excel) and the lists
// behind its figures.
type reportsUI struct {
	*Handlers
	svc *reports.Service
}

// filterOf reads the report's filter from the query; an empty period is the
// current year up to today.
func (r *reportsUI) filterOf(c *fiber.Ctx, defaults bool) (reports.Filter, error) {
	get := c.Query
	if defaults && c.Query("from") == "" && c.Query("to") == "" {
		today := r.today()
		get = func(k string, _ ...string) string {
			switch k {
			case "from":
				return models.NewDate(today.Year, 1, 1).String()
			case "to":
				return today.String()
			}
			return c.Query(k)
		}
	}
	return reports.ParseFilter(func(k string) string { return get(k) })
}

// apiPeriodic: GET /api/v1/reports/periodic?from=&to=[&body=&area=&kind=].
func (r *reportsUI) apiPeriodic(c *fiber.Ctx) error {
	f, err := r.filterOf(c, false)
	if err != nil {
		return err
	}
	rep, err := r.svc.Periodic(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// periodicXLSX: GET /api/v1/reports/periodic.xlsx and /reports/periodic.xlsx.
func (r *reportsUI) periodicXLSX(c *fiber.Ctx) error {
	f, err := r.filterOf(c, false)
	if err != nil {
		return err
	}
	rep, err := r.svc.Periodic(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	data, err := rep.XLSX()
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("bao-cao-kiem-tra-%s-%s.xlsx", f.From, f.To), data)
}

// figure is a line of a table on the page: a name, a number and the list behind it.
type figure struct {
	Name  string
	Count string
	N     int
	Link  string
}

// listLink is the address of the list behind a figure of f, narrowed by extra.
func listLink(f reports.Filter, extra ...string) string {
	q := url.Values{"from": {f.From.String()}, "to": {f.To.String()}}
	if f.Body != "" {
		q.Set("body", f.Body)
	}
	if f.Area > 0 {
		q.Set("area", strconv.FormatInt(f.Area, 10))
	}
	if f.Kind != "" {
		q.Set("kind", f.Kind)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/reports/list?" + q.Encode()
}

// figures turns counts into the page's lines, each linked to its list (key
// names the filter the line adds: level, kind, form, body; "" no link).
func figures(c *fiber.Ctx, f reports.Filter, cs []reports.Count, key string) []figure {
	tr := trOf(c)
	out := make([]figure, len(cs))
	for i, x := range cs {
		out[i] = figure{Name: tr.Pick(x.NameVI, x.NameEN), N: x.Count, Count: groupDigits(int64(x.Count), tr.Lang)}
		if key != "" && !(key == "kind" && x.Key == "") {
			out[i].Link = listLink(f, key, x.Key)
		}
	}
	return out
}

// filterForm puts the filter's values and choices into data for the partial
// "reports/filters" (action: the page the form shows again).
func (r *reportsUI) filterForm(c *fiber.Ctx, data fiber.Map, f reports.Filter, action string) error {
	period := c.Query("period", f.Period) // dates that make a preset show as the preset
	form := map[string]string{"period": period, "from": c.Query("from", f.From.String()), "to": c.Query("to", f.To.String()),
		"body": c.Query("body"), "kind": c.Query("kind"), "area": c.Query("area")}
	if c.Query("period") != "" && !f.From.IsZero() {
		form["from"], form["to"] = f.From.String(), f.To.String()
	}
	data["Form"] = form
	data["FilterAction"] = action
	opts, err := r.svc.FilterOptions(ctxOf(c), actorOf(c))
	data["Options"] = opts
	return err
}

// page: GET /reports — the periodic report with its filters.
func (r *reportsUI) page(c *fiber.Ctx) error {
	tr := trOf(c)
	data := fiber.Map{"Title": tr.T("reports.title")}
	f, err := r.filterOf(c, true)
	if ferr := r.filterForm(c, data, f, "/reports"); ferr != nil {
		return ferr
	}
	if err != nil {
		return r.renderForm422(c, "reports/index", data, err)
	}
	rep, err := r.svc.Periodic(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	data["Links"] = reportLinks(f)
	data["R"] = rep
	data["Total"] = groupDigits(int64(rep.Totals.Inspections), tr.Lang)
	data["AllLink"] = listLink(f)
	data["Levels"] = figures(c, f, rep.ByLevel, "level")
	data["Kinds"] = figures(c, f, rep.ByKind, "kind")
	data["Forms"] = figures(c, f, rep.ByForm, "form")
	data["Bodies"] = figures(c, f, rep.ByBody, "body")
	data["Topics"] = figures(c, f, rep.ByTopic, "")
	data["RecLink"] = recLink(f)
	data["Percent"] = func(x float64) string { return percent(x, tr.Lang) }
	return r.render(c, "reports/index", data)
}

// reportLinks are the addresses of f's report, dashboard and downloads.
func reportLinks(f reports.Filter) map[string]string {
	q := "?" + reportQuery(f)
	return map[string]string{"report": "/reports" + q, "dashboard": "/dashboard" + q,
		"xlsx": "/reports/periodic.xlsx" + q, "pdf": "/reports/periodic.pdf" + q}
}

// reportQuery is the query of f's report (period, body, area, kind), for the
// downloads and the links between the report and the dashboard.
func reportQuery(f reports.Filter) string {
	q := url.Values{"from": {f.From.String()}, "to": {f.To.String()}}
	if f.Body != "" {
		q.Set("body", f.Body)
	}
	if f.Area > 0 {
		q.Set("area", strconv.FormatInt(f.Area, 10))
	}
	if f.Kind != "" {
		q.Set("kind", f.Kind)
	}
	return q.Encode()
}

// recLink is the template function giving the list behind a recommendations
// figure of f: a state, for one owner unit (0: every owner).
func recLink(f reports.Filter) func(state string, owner int64) string {
	return func(state string, owner int64) string {
		extra := []string{"what", "recommendations", "state", state}
		if owner != 0 {
			extra = append(extra, "owner", strconv.FormatInt(owner, 10))
		}
		return listLink(f, extra...)
	}
}

// listPage: GET /reports/list — the inspections (or, with what=recommendations,
// the visits holding the recommendations) behind a figure.
func (r *reportsUI) listPage(c *fiber.Ctx) error {
	tr := trOf(c)
	f, err := r.filterOf(c, false)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": tr.T("reports.list.title"), "Back": listBack(c, f)}
	if c.Query("what") == "recommendations" {
		owner, _ := strconv.ParseInt(c.Query("owner"), 10, 64)
		state := c.Query("state", "issued")
		rows, total, err := r.svc.RecommendationVisits(ctxOf(c), actorOf(c), f, state, owner)
		if err != nil {
			return err
		}
		by := recVisitSorts()
		res := paging.Slice(rows, pageQuery(c), by)
		data["RecVisits"], data["Total"], data["Pager"], data["Sorts"] = res.Items, total, pagerOf(c, res), sortLinks(c, by.Keys()...)
		return r.render(c, "reports/list", data)
	}
	rows, total, err := r.svc.Inspections(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	by := inspectionSorts(tr)
	res := paging.Slice(rows, pageQuery(c), by)
	data["Rows"], data["Total"], data["Capped"] = res.Items, total, total > len(rows)
	data["Pager"], data["Sorts"] = pagerOf(c, res), sortLinks(c, by.Keys()...)
	return r.render(c, "reports/list", data)
}

// inspectionSorts are the columns the inspections behind a figure may be
// sorted by (the list is capped at reports.ListLimit: sorted in memory).
func inspectionSorts(tr *views.Translator) paging.Compare[reports.InspectionRow] {
	return paging.Compare[reports.InspectionRow]{
		"start": paging.By(func(r reports.InspectionRow) string { return r.StartDate.String() }),
		"unit":  paging.ByText(func(r reports.InspectionRow) string { return r.UnitName }),
		"by":    paging.ByText(func(r reports.InspectionRow) string { return r.ByName }),
		"kind":  paging.ByText(func(r reports.InspectionRow) string { return tr.Pick(r.KindVI, r.KindEN) }),
		"form":  paging.By(func(r reports.InspectionRow) string { return r.Form }),
	}
}

// recVisitSorts are the columns the visits behind a recommendations figure may be sorted by.
func recVisitSorts() paging.Compare[reports.RecommendationVisit] {
	return paging.Compare[reports.RecommendationVisit]{
		"unit":       paging.ByText(func(r reports.RecommendationVisit) string { return r.UnitName }),
		"conclusion": paging.ByText(func(r reports.RecommendationVisit) string { return r.Conclusion }),
		"signed":     paging.By(func(r reports.RecommendationVisit) string { return r.SignedOn.String() }),
		"count":      paging.By(func(r reports.RecommendationVisit) int { return r.Count }),
	}
}
