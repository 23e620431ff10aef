package routes

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/proposals"
)

// strandedUI serves the proposals of a plan year left on a unit that ended
// and was split between several successors: the list with each proposal's
// choices, and the planner's move of one to a successor.
type strandedUI struct {
	*Handlers
	proposals *proposals.Service
}

// yearParam reads :year (a bad year is a 404, as a missing page).
func yearParam(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return 0, fiber.ErrNotFound
	}
	return y, nil
}

// page: GET /plans/:year/stranded.
func (s *strandedUI) page(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	return s.renderPage(c, year, 0, nil)
}

// renderPage shows year's stranded proposals; failed is the proposal whose
// move err refused (its errors show under its own choices).
func (s *strandedUI) renderPage(c *fiber.Ctx, year int, failed int64, err error) error {
	list, lerr := s.proposals.Stranded(ctxOf(c), actorOf(c), year)
	if lerr != nil {
		return lerr
	}
	data := fiber.Map{"Title": trOf(c).T("stranded.title", "Year", year), "Year": year, "Stranded": list, "Failed": failed}
	if err != nil {
		return s.renderForm422(c, "history/stranded", data, err)
	}
	return s.render(c, "history/stranded", data)
}

// move: POST /proposals/:id/successor (unit_id) — then back to the list.
func (s *strandedUI) move(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in proposals.MoveInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	year := c.QueryInt("year")
	row, err := s.proposals.MoveToSuccessor(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		if year == 0 {
			return err
		}
		return s.renderPage(c, year, id, err)
	}
	s.setFlash(c, "stranded.moved")
	return c.Redirect(fmt.Sprintf("/plans/%d/stranded", row.Year), fiber.StatusSeeOther)
}

// apiList: GET /api/v1/plans/:year/stranded-proposals.
func (s *strandedUI) apiList(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return s.jsonError(c, err)
	}
	list, err := s.proposals.Stranded(ctxOf(c), actorOf(c), year)
	if err != nil {
		return s.jsonError(c, err)
	}
	return c.JSON(fiber.Map{"items": list})
}

// apiMove: POST /api/v1/proposals/:id/successor {"unit_id": 9}.
func (s *strandedUI) apiMove(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.jsonError(c, err)
	}
	var in proposals.MoveInput
	if err := bindJSON(c, &in); err != nil {
		return s.jsonError(c, err)
	}
	row, err := s.proposals.MoveToSuccessor(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		return s.jsonError(c, err)
	}
	return c.JSON(row)
}
