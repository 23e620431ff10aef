package routes

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/reports"
)

// apiRecordOwn: POST /api/v1/own-inspections — a department's or commune
// office's own inspection, under way or concluded → 201 with the row.
func (r *reportsUI) apiRecordOwn(c *fiber.Ctx) error {
	var in reports.OwnInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	row, err := r.svc.RecordOwn(ctxOf(c), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(row)
}

// apiConcludeOwn: POST /api/v1/own-inspections/:id/conclusion.
func (r *reportsUI) apiConcludeOwn(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in reports.Conclusion
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	row, err := r.svc.ConcludeOwn(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(row)
}

// apiOwnList: GET /api/v1/own-inspections?year= (default: this year).
func (r *reportsUI) apiOwnList(c *fiber.Ctx) error {
	year, err := strconv.Atoi(c.Query("year"))
	if err != nil {
		year = r.today().Year
	}
	rows, err := r.svc.OwnList(ctxOf(c), actorOf(c), year)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rows})
}

// ownTemplate: GET /api/v1/own-inspections/template — the periodic report's Excel template.
func (r *reportsUI) ownTemplate(c *fiber.Ctx) error {
	data, err := r.svc.OwnTemplate(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	return sendXLSX(c, "mau-bao-cao-kiem-tra-dinh-ky.xlsx", data)
}

// apiImportOwn: POST /api/v1/own-inspections/import (multipart: file) → 201
// with the count; a bad file writes nothing → 422 with every problem.
func (r *reportsUI) apiImportOwn(c *fiber.Ctx) error {
	up, done, err := uploadOf(c)
	defer done()
	if err == nil {
		var n int
		if n, err = r.svc.ImportOwn(ctxOf(c), actorOf(c), up); err == nil {
			return c.Status(fiber.StatusCreated).JSON(fiber.Map{"added": n, "file": up.Name})
		}
	}
	return r.refuseImport(c, err)
}
