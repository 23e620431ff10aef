package routes

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/inspections"
	"khung/app/plans"
	"khung/app/signing"
	"khung/views"
)

// documentsUI serves the official documents: printable pages, their PDFs
// (the signed original when there is one), signing with the agency's
// certificate, uploading an original signed elsewhere, and verifying a PDF.
type documentsUI struct {
	*Handlers
	insp    *inspections.Service
	plans   *plans.Service
	signing *signing.Store
}

// printCSSLink is how the printable pages link their stylesheet; a PDF is
// printed from no address, so the sheet goes inline.
const printCSSLink = `<link rel="stylesheet" href="/plans/assets/print.css">`

// renderPDF renders template name without layout and prints it to A4 PDF.
func (d *documentsUI) renderPDF(c *fiber.Ctx, name string, data fiber.Map) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.App().Config().Views.Render(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	css, err := fs.ReadFile(views.Templates(), "plans/print.css")
	if err != nil {
		return nil, err
	}
	html := strings.Replace(buf.String(), printCSSLink, "<style>"+string(css)+"</style>", 1)
	return d.App.Printer.PDF(ctxOf(c), html)
}

// sendPDF answers a PDF shown in the browser, saved as filename.
func sendPDF(c *fiber.Ctx, pdf []byte, filename string) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s"`, filename))
	return c.Send(pdf)
}

// visitDoc reads the document kind of visit id as a: its template and data.
func (d *documentsUI) visitDoc(c *fiber.Ctx, kind string, id int64, signer *inspections.Signer) (string, fiber.Map, int64, error) {
	tr := trOf(c)
	switch kind {
	case "decision":
		doc, err := d.insp.Printable(ctxOf(c), actorOf(c), id)
		if signer != nil {
			doc.Signer = *signer
		}
		return "documents/decision", fiber.Map{"T": tr, "Lang": tr.Lang, "D": doc}, doc.ID, err
	case "notice":
		doc, err := d.insp.NoticePrintable(ctxOf(c), actorOf(c), id)
		return "documents/notice", fiber.Map{"T": tr, "Lang": tr.Lang, "D": doc}, doc.ID, err
	case "acceptance":
		doc, err := d.insp.AcceptancePrintable(ctxOf(c), actorOf(c), id)
		return "documents/acceptance", fiber.Map{"T": tr, "Lang": tr.Lang, "D": doc}, doc.RecommendationID, err
	default:
		doc, err := d.insp.ConclusionPrintable(ctxOf(c), actorOf(c), id)
		if signer != nil {
			doc.Signer = *signer
		}
		return "documents/conclusion", fiber.Map{"T": tr, "Lang": tr.Lang, "D": doc}, doc.ID, err
	}
}

// page: GET /visits/:id/decision/print and /visits/:id/conclusion/print.
func (d *documentsUI) page(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		name, data, _, err := d.visitDoc(c, kind, id, nil)
		if err != nil {
			return err
		}
		return c.Render(name, data)
	}
}

// pdf: GET /visits/:id/decision.pdf, /visits/:id/conclusion.pdf,
// /visits/:id/notice.pdf and /recommendations/:id/acceptance.pdf — the
// signed original when there is one, else the document printed now.
func (d *documentsUI) pdf(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		name, data, docID, err := d.visitDoc(c, kind, id, nil)
		if err != nil {
			return err
		}
		file := fmt.Sprintf("%s-%d.pdf", kind, id)
		orig, err := d.signing.Original(ctxOf(c), kind, docID)
		if err != nil {
			return err
		}
		if orig != nil {
			return sendPDF(c, orig.PDF, file)
		}
		pdf, err := d.renderPDF(c, name, data)
		if err != nil {
			return err
		}
		return sendPDF(c, pdf, file)
	}
}

// sign: POST /visits/:id/decision/sign and /conclusion/sign — the signing
// user (leadership) signs with the agency's certificate; the printed
// signature block is their profile's title and name.
func (d *documentsUI) sign(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		u := userOf(c)
		signer := inspections.SignerOf(*u)
		name, data, docID, err := d.visitDoc(c, kind, id, &signer)
		if err != nil {
			return err
		}
		pdf, err := d.renderPDF(c, name, data)
		if err != nil {
			return err
		}
		place := ""
		if h, ok := data["D"].(interface{ PlaceName() string }); ok {
			place = h.PlaceName()
		}
		if _, err := d.signing.Sign(ctxOf(c), actorOf(c), kind, docID, pdf,
			signing.Info{Name: u.FullName, Reason: u.JobTitle, Location: place, Time: d.Now()}); err != nil {
			return err
		}
		d.setFlash(c, "documents.flash.signed")
		return c.Redirect(fmt.Sprintf("/visits/%d#%s", id, kind), fiber.StatusSeeOther)
	}
}

// upload: POST /visits/:id/decision/signed and /conclusion/signed (multipart
// "file") — an original signed elsewhere (a USB token) becomes the document's.
func (d *documentsUI) upload(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		_, _, docID, err := d.visitDoc(c, kind, id, nil)
		if err != nil {
			return err
		}
		pdf, err := uploadedPDF(c, d.App.Config.UploadMaxBytes)
		if err == nil {
			_, _, err = d.signing.Upload(ctxOf(c), actorOf(c), kind, docID, pdf)
		}
		if err != nil {
			return err
		}
		d.setFlash(c, "documents.flash.uploaded")
		return c.Redirect(fmt.Sprintf("/visits/%d#%s", id, kind), fiber.StatusSeeOther)
	}
}

// uploadedPDF reads the multipart field "file".
func uploadedPDF(c *fiber.Ctx, limit int64) ([]byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, apperr.Field("file", "required", "documents.check.file_required")
	}
	if fh.Size > limit {
		return nil, apperr.Field("file", "max", "documents.check.file_required")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("open uploaded file: %w", err)
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// verifyPage: GET /documents/verify — upload a signed PDF to check it.
func (d *documentsUI) verifyPage(c *fiber.Ctx) error {
	return d.render(c, "documents/verify", fiber.Map{"Title": trOf(c).T("documents.verify.title")})
}

// verify: POST /documents/verify — who signed, when, valid, trusted, changed since.
func (d *documentsUI) verify(c *fiber.Ctx) error {
	data := fiber.Map{"Title": trOf(c).T("documents.verify.title")}
	pdf, err := uploadedPDF(c, d.App.Config.UploadMaxBytes)
	if err != nil {
		return d.renderForm422(c, "documents/verify", data, err)
	}
	rep, err := d.signing.Check(pdf)
	data["Checked"] = true
	if err == nil {
		data["Report"] = rep
	}
	return d.render(c, "documents/verify", data)
}

// planPDF: GET /plans/versions/:id/document.pdf — the issued plan as PDF.
func (d *documentsUI) planPDF(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	doc, err := d.plans.Document(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	orig, err := d.signing.Original(ctxOf(c), "plan_version", id)
	if err != nil {
		return err
	}
	file := fmt.Sprintf("ke-hoach-%d.pdf", id)
	if orig != nil {
		return sendPDF(c, orig.PDF, file)
	}
	tr := trOf(c)
	pdf, err := d.renderPDF(c, "plans/print", fiber.Map{"T": tr, "Lang": tr.Lang, "D": doc,
		"Title": fmt.Sprintf("%s — %s", doc.NumberLine(), doc.Title)})
	if err != nil {
		return err
	}
	return sendPDF(c, pdf, file)
}
