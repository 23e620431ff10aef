package routes

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khung/app/msg"
	"khung/app/paging"
	"khung/app/proposals"
)

// proposalList is the body of GET /api/v1/proposals: one page and the counts.
type proposalList struct {
	paging.Result[proposals.Row]
	Counts proposals.Counts `json:"counts"`
}

// apiList: GET /api/v1/proposals?year=&body=&kind=&form=&unit=&status=&q=&page=&per_page=.
func (p *proposalsUI) apiList(c *fiber.Ctx) error {
	f := p.filterOf(c)
	res, err := p.svc.List(ctxOf(c), actorOf(c), f, pageQuery(c))
	if err != nil {
		return err
	}
	counts, err := p.svc.Count(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(proposalList{Result: res, Counts: counts})
}

// apiGet: GET /api/v1/proposals/:id.
func (p *proposalsUI) apiGet(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	row, err := p.svc.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(row)
}

// apiCreate: POST /api/v1/proposals → 201.
func (p *proposalsUI) apiCreate(c *fiber.Ctx) error {
	var in proposals.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Year == 0 {
		in.Year = p.planningYear()
	}
	row, err := p.svc.Create(ctxOf(c), actorOf(c), in)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/proposals/%d", row.ID), row)
}

// reasonBody is the body of withdraw and reject.
type reasonBody struct {
	Reason string `json:"reason"`
}

// apiWithdraw: POST /api/v1/proposals/:id/withdraw {"reason"}.
func (p *proposalsUI) apiWithdraw(c *fiber.Ctx) error {
	return p.apiClose(c, p.svc.Withdraw)
}

// apiReject: POST /api/v1/proposals/:id/reject {"reason"}.
func (p *proposalsUI) apiReject(c *fiber.Ctx) error {
	return p.apiClose(c, p.svc.Reject)
}

func (p *proposalsUI) apiClose(c *fiber.Ctx, do proposalCloser) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var body reasonBody
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	row, err := do(ctxOf(c), actorOf(c), id, body.Reason)
	if err != nil {
		return err
	}
	return c.JSON(row)
}

// importRefusal is the JSON of a refused file: the error envelope plus every
// problem with its row, cell and column.
type importRefusal struct {
	errorEnvelope
	Problems []proposals.RowError `json:"problems"`
}

// apiImport: POST /api/v1/proposals/import (multipart: year, file) → 201 with
// the count; a bad file → 422 (413 when too large) with every problem.
func (p *proposalsUI) apiImport(c *fiber.Ctx) error {
	year := p.yearParam(c)
	up, done, err := uploadOf(c)
	defer done()
	if err == nil {
		var res proposals.ImportResult
		if res, err = p.svc.Import(ctxOf(c), actorOf(c), year, up); err == nil {
			return c.Status(fiber.StatusCreated).JSON(res)
		}
	}
	return p.refuseImport(c, err)
}

// refuseImport answers a refused import file (a *proposals.ImportError) with
// 422 (413 when too large) listing every problem in Vietnamese and English;
// any other error goes to the error handler.
func (h *Handlers) refuseImport(c *fiber.Ctx, err error) error {
	var ie *proposals.ImportError
	if !errors.As(err, &ie) {
		return err
	}
	pr := h.classify(err)
	status, code := fiber.StatusUnprocessableEntity, "validation"
	if ie.TooLarge {
		status, code = fiber.StatusRequestEntityTooLarge, "too_large"
	}
	vi, en := h.Locales.For("vi"), h.Locales.For("en")
	problems := make([]proposals.RowError, len(ie.Problems))
	for i, r := range ie.Problems {
		r.VI, r.EN = vi.Msg(r.Msg), en.Msg(r.Msg)
		problems[i] = r
	}
	refused := msg.New("proposals.file.refused", "Count", len(ie.Problems))
	return c.Status(status).JSON(importRefusal{
		errorEnvelope: errorEnvelope{Error: code, Fields: pr.Fields, Message: h.bothLanguages(refused)},
		Problems:      problems,
	})
}
