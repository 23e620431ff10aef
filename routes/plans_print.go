package routes

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// printPage: GET /plans/versions/:id/print — the issued plan as an A4
// document in the official format (Decree 30/2020/NĐ-CP), to print or save as
// PDF. It is a page of its own, without the site's header.
func (p *plansUI) printPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	doc, err := p.plans.Document(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	tr := trOf(c)
	return c.Render("plans/print", fiber.Map{"T": tr, "Lang": tr.Lang, "D": doc,
		"Title": fmt.Sprintf("%s — %s", doc.NumberLine(), doc.Title)})
}

// exportXLSX: GET /plans/versions/:id/plan.xlsx — the issued plan's table as Excel.
func (p *plansUI) exportXLSX(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	doc, err := p.plans.Document(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	b, err := doc.XLSX()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="ke-hoach-khung-%d-v%d.xlsx"`,
		doc.Version.Year, doc.Version.Number))
	return c.Send(b)
}

// diffPage: GET /plans/versions/:id/diff/:other — what changed from version
// :id to version :other of the same plan.
func (p *plansUI) diffPage(c *fiber.Ctx) error {
	a, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, err := pathID(c, "other")
	if err != nil {
		return err
	}
	d, err := p.plans.Diff(ctxOf(c), actorOf(c), a, b)
	if err != nil {
		return err
	}
	return p.render(c, "plans/diff", fiber.Map{
		"Title": trOf(c).T("plans.diff.title", "A", d.A.Number, "B", d.B.Number, "Year", d.A.Year),
		"D":     d,
		"Crumb": crumb(d.B),
	})
}
