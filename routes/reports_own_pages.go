package routes

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/paging"
	"khung/app/proposals"
	"khung/app/reports"
	"khung/models"
	"khung/views"
)

// The pages on which a department's or commune's office records the
// inspections it ran itself, concludes them, or imports its periodic Excel
// report (the JSON API's twins).

// ownYear reads ?year=, this year by default.
func (r *reportsUI) ownYear(c *fiber.Ctx) int {
	if y, err := strconv.Atoi(c.Query("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return r.today().Year
}

// ownSorts are the columns a year's own inspections may be sorted by (a
// year's list is read whole, then sorted and paged in memory).
func ownSorts(tr *views.Translator) paging.Compare[reports.OwnItem] {
	return paging.Compare[reports.OwnItem]{
		"dates":    paging.By(func(o reports.OwnItem) string { return o.StartDate.String() }),
		"unit":     paging.ByText(func(o reports.OwnItem) string { return o.UnitName }),
		"by":       paging.ByText(func(o reports.OwnItem) string { return o.ByUnitName }),
		"kind":     paging.ByText(func(o reports.OwnItem) string { return tr.Pick(o.KindVI, o.KindEN) }),
		"form":     paging.By(func(o reports.OwnItem) string { return string(o.Form) }),
		"status":   paging.By(func(o reports.OwnItem) string { return string(o.Status) }),
		"findings": paging.By(func(o reports.OwnItem) int { return o.Violations + o.Shortcomings }),
		"recs":     paging.By(func(o reports.OwnItem) int { return o.Recommendations }),
	}
}

// ownListPage: GET /own-inspections?year=&sort=&page= — the unit's own inspections of a year.
func (r *reportsUI) ownListPage(c *fiber.Ctx) error {
	year := r.ownYear(c)
	rows, err := r.svc.OwnList(ctxOf(c), actorOf(c), year)
	if err != nil {
		return err
	}
	by := ownSorts(trOf(c))
	res := paging.Slice(rows, pageQuery(c), by)
	return r.render(c, "reports/own_list", fiber.Map{"Title": trOf(c).T("reports.own.title"), "Year": year,
		"Rows": res.Items, "Total": res.Total, "PrevYear": year - 1, "NextYear": year + 1,
		"Pager": pagerOf(c, res), "Sorts": sortLinks(c, by.Keys()...)})
}

// renderOwnForm shows the form of a new own inspection, again with formErr.
func (r *reportsUI) renderOwnForm(c *fiber.Ctx, formErr error) error {
	units, kinds, err := r.svc.OwnChoices(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": trOf(c).T("reports.own.new_title"), "Units": units, "Kinds": kinds, "Today": r.today().String()}
	if formErr != nil {
		return r.renderForm422(c, "reports/own_form", data, formErr)
	}
	return r.render(c, "reports/own_form", data)
}

// ownNewPage: GET /own-inspections/new.
func (r *reportsUI) ownNewPage(c *fiber.Ctx) error { return r.renderOwnForm(c, nil) }

// readConclusion reads the conclusion's fields of a form.
func readConclusion(f *formReader) reports.Conclusion {
	return reports.Conclusion{ConclusionNumber: f.text("conclusion_number"), ConclusionSignedOn: f.datePtr("conclusion_signed_on"),
		Shortcomings: int(f.int("shortcomings")), Violations: int(f.int("violations")),
		Recommendations: int(f.int("recommendations")), RecommendationsDone: int(f.int("recommendations_done"))}
}

// formRefused tells whether err is the person's to fix on the form (a field
// or a conflict), not the server's.
func formRefused(err error) bool {
	_, invalid := apperr.AsValidation(err)
	return invalid || errors.Is(err, apperr.ErrConflict)
}

// ownCreate: POST /own-inspections — record it, then the year's list.
func (r *reportsUI) ownCreate(c *fiber.Ctx) error {
	f := newFormReader(c)
	in := reports.OwnInput{UnitID: f.int("unit_id"), Kind: f.text("kind"), Form: models.Form(f.text("form")),
		StartDate: f.date("start_date"), EndDate: f.date("end_date"), Note: f.text("note"),
		Concluded: f.text("concluded") != "", Conclusion: readConclusion(f)}
	err := f.err()
	if err == nil {
		_, err = r.svc.RecordOwn(ctxOf(c), actorOf(c), in)
	}
	if err != nil {
		if formRefused(err) {
			return r.renderOwnForm(c, err)
		}
		return err
	}
	r.setFlash(c, "reports.own.flash.recorded")
	return c.Redirect(fmt.Sprintf("/own-inspections?year=%d", in.StartDate.Year), fiber.StatusSeeOther)
}

// ownConcludePage: GET /own-inspections/:id/conclusion.
func (r *reportsUI) ownConcludePage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return r.render(c, "reports/own_conclude", fiber.Map{"Title": trOf(c).T("reports.own.conclude_title"), "ID": id})
}

// ownConclude: POST /own-inspections/:id/conclusion — conclude it, then the list.
func (r *reportsUI) ownConclude(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := readConclusion(f)
	err = f.err()
	if err == nil {
		var row models.OwnInspection
		row, err = r.svc.ConcludeOwn(ctxOf(c), actorOf(c), id, in)
		if err == nil {
			r.setFlash(c, "reports.own.flash.concluded")
			return c.Redirect(fmt.Sprintf("/own-inspections?year=%d", row.StartDate.Year), fiber.StatusSeeOther)
		}
	}
	if formRefused(err) {
		return r.renderForm422(c, "reports/own_conclude", fiber.Map{"Title": trOf(c).T("reports.own.conclude_title"), "ID": id}, err)
	}
	return err
}

// ownImportData is what the import page shows.
func ownImportData(c *fiber.Ctx) fiber.Map {
	return fiber.Map{"Title": trOf(c).T("reports.own.import_title"), "MaxMB": proposals.MaxImportBytes >> 20}
}

// ownImportPage: GET /own-inspections/import.
func (r *reportsUI) ownImportPage(c *fiber.Ctx) error {
	return r.render(c, "reports/own_import", ownImportData(c))
}

// ownImport: POST /own-inspections/import (multipart: file). A good file adds
// every row and shows the list; a bad one adds nothing and the page lists
// every bad row, cell and reason.
func (r *reportsUI) ownImport(c *fiber.Ctx) error {
	up, done, err := uploadOf(c)
	defer done()
	if err == nil {
		if _, err = r.svc.ImportOwn(ctxOf(c), actorOf(c), up); err == nil {
			r.setFlash(c, "reports.own.flash.imported")
			return c.Redirect("/own-inspections", fiber.StatusSeeOther)
		}
	}
	data := ownImportData(c)
	var ie *proposals.ImportError
	if !errors.As(err, &ie) {
		return r.renderForm422(c, "reports/own_import", data, err)
	}
	tr := trOf(c)
	var rows []importProblem
	for _, pr := range ie.Problems {
		rows = append(rows, importProblem{Row: pr.Row, Cell: pr.Cell, Column: tr.Pick(pr.ColumnVI, pr.ColumnEN), Reason: tr.Msg(pr.Msg)})
	}
	data["Problems"], data["ProblemCount"], data["File"] = rows, groupDigits(int64(len(rows)), tr.Lang), up.Name
	status := fiber.StatusUnprocessableEntity
	if ie.TooLarge {
		status = fiber.StatusRequestEntityTooLarge
	}
	c.Status(status)
	return r.render(c, "reports/own_import", data)
}
