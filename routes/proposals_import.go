package routes

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/proposals"
)

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendXLSX sends a workbook as a download named name.
func sendXLSX(c *fiber.Ctx, name string, data []byte) error {
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	return c.Send(data)
}

// yearParam reads the year of a query or form ("year"), defaulting to the planning year.
func (p *proposalsUI) yearParam(c *fiber.Ctx) int {
	s := c.Query("year")
	if c.Method() == fiber.MethodPost {
		s = c.FormValue("year")
	}
	if y, err := strconv.Atoi(s); err == nil {
		return y
	}
	return p.planningYear()
}

// template: GET /proposals/template.xlsx?year= (and /api/v1/proposals/template).
func (p *proposalsUI) template(c *fiber.Ctx) error {
	year := p.yearParam(c)
	data, err := p.svc.Template(ctxOf(c), actorOf(c), year)
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("mau-de-xuat-kiem-tra-%d.xlsx", year), data)
}

// demoFile: GET /proposals/demo.xlsx?year= — the demo city's proposals, to import.
func (p *proposalsUI) demoFile(c *fiber.Ctx) error {
	year := p.yearParam(c)
	name, data, err := p.demo.File(ctxOf(c), year)
	if err != nil {
		return err
	}
	return sendXLSX(c, name, data)
}

// export: GET /proposals/export.xlsx?filters (and /api/v1/proposals/export).
func (p *proposalsUI) export(c *fiber.Ctx) error {
	f := p.filterOf(c)
	data, err := p.svc.Export(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("de-xuat-kiem-tra-%d.xlsx", f.Year), data)
}

// importData is what the import page shows for year.
func importData(c *fiber.Ctx, year int) fiber.Map {
	return fiber.Map{"Title": trOf(c).T("proposals.import.title"), "Year": year, "CanManage": true,
		"Form":  map[string]string{"year": strconv.Itoa(year)},
		"MaxMB": proposals.MaxImportBytes >> 20, "MaxBytes": proposals.MaxImportBytes}
}

// importPage: GET /proposals/import?year=.
func (p *proposalsUI) importPage(c *fiber.Ctx) error {
	return p.render(c, "proposals/import", importData(c, p.yearParam(c)))
}

// uploadOf returns the uploaded file of the request's multipart field
// "file". A request larger than the limit allows is refused from its
// Content-Length, before the file is opened.
func uploadOf(c *fiber.Ctx) (proposals.Upload, func(), error) {
	none := func() {}
	// The form's other fields and the multipart framing take a few hundred
	// bytes; a request larger than the limit by more cannot hold a good file.
	if n := int64(c.Request().Header.ContentLength()); n > proposals.MaxImportBytes+64<<10 {
		return proposals.Upload{}, none, proposals.CheckSize(n)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return proposals.Upload{}, none, apperr.Field("file", "required", "request.import_file_required")
	}
	f, err := fh.Open()
	if err != nil {
		return proposals.Upload{}, none, fmt.Errorf("open uploaded file: %w", err)
	}
	return proposals.Upload{Name: fh.Filename, Size: fh.Size, Body: f}, func() { _ = f.Close() }, nil
}

// importFile: POST /proposals/import (multipart: year, file). A good file adds
// every proposal and shows the count on the list; a bad one adds nothing and
// the page lists every bad row, column and reason.
func (p *proposalsUI) importFile(c *fiber.Ctx) error {
	year := p.yearParam(c)
	up, done, err := uploadOf(c)
	defer done()
	if err == nil {
		var res proposals.ImportResult
		if res, err = p.svc.Import(ctxOf(c), actorOf(c), year, up); err == nil {
			p.setImported(c, res)
			return c.Redirect(fmt.Sprintf("/proposals?year=%d", res.Year), fiber.StatusSeeOther)
		}
	}
	tr := trOf(c)
	data := importData(c, year)
	var ie *proposals.ImportError
	if !errors.As(err, &ie) {
		return p.renderForm422(c, "proposals/import", data, err)
	}
	rows := make([]importProblem, len(ie.Problems))
	for i, pr := range ie.Problems {
		rows[i] = importProblem{Row: pr.Row, Cell: pr.Cell, Column: tr.Pick(pr.ColumnVI, pr.ColumnEN), Reason: tr.Msg(pr.Msg)}
	}
	data["Problems"] = rows
	data["ProblemCount"] = groupDigits(int64(len(rows)), tr.Lang)
	data["File"] = up.Name
	status := fiber.StatusUnprocessableEntity
	if ie.TooLarge {
		status = fiber.StatusRequestEntityTooLarge
	}
	c.Status(status)
	return p.render(c, "proposals/import", data)
}

// importProblem is one refused row as the page shows it.
type importProblem struct {
	Row                  int
	Cell, Column, Reason string
}
