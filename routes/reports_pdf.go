package routes

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/reports"
	"khung/models"
)

// pdfTable is a table of counts in the report's PDF; Total adds their sum
// (not for topics, where an inspection counts under each of its topics).
type pdfTable struct {
	Heading string
	Rows    []reports.Count
	Total   bool
	Sum     int
}

// vnDate writes a civil date the Vietnamese way, dd/mm/yyyy.
func vnDate(d models.Date) string { return fmt.Sprintf("%02d/%02d/%d", d.Day, d.Month, d.Year) }

// periodicPDF: GET /reports/periodic.pdf and /api/v1/reports/periodic.pdf —
// the report as an official document (Decree 30/2020/NĐ-CP), in Vietnamese,
// printed by headless Chromium from the template reports/pdf.
func (r *reportsUI) periodicPDF(c *fiber.Ctx) error {
	f, err := r.filterOf(c, false)
	if err != nil {
		return err
	}
	doc, err := r.svc.Document(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	narrowing, err := r.svc.Narrowing(ctxOf(c), f)
	if err != nil {
		return err
	}
	vi := r.App.Locales.For("vi")
	table := func(id string, rows []reports.Count, total bool) pdfTable {
		t := pdfTable{Heading: vi.T(id), Rows: rows, Total: total}
		for _, x := range rows {
			t.Sum += x.Count
		}
		return t
	}
	rep := doc.Report
	data := fiber.Map{
		"T": vi, "D": doc,
		"PeriodLine": vi.T("reports.pdf.period", "From", vnDate(f.From), "To", vnDate(f.To)),
		"Narrowed":   strings.Join(narrowing, "; "),
		"N":          func(n int) string { return groupDigits(int64(n), "vi") },
		"Percent":    func(x float64) string { return percent(x, "vi") },
		"Tables": []pdfTable{
			table("reports.by_level", rep.ByLevel, true), table("reports.by_form", rep.ByForm, true),
			table("reports.by_kind", rep.ByKind, true), table("reports.by_body", rep.ByBody, true),
			table("reports.by_topic", rep.ByTopic, false),
		},
	}
	var html bytes.Buffer
	if err := c.App().Config().Views.Render(&html, "reports/pdf", data); err != nil {
		return fmt.Errorf("report pdf template: %w", err)
	}
	pdf, err := r.App.Printer.PDF(ctxOf(c), html.String())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="bao-cao-kiem-tra-%s-%s.pdf"`, f.From, f.To))
	return c.Send(pdf)
}
