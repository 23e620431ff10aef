package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/app/visits"
)

// myVisitsPage: GET /my-visits — the visits whose team the user's inspector
// profile is on, upcoming first, with the role and the teammates.
func (cal *calendar) myVisitsPage(c *fiber.Ctx) error {
	actor := actorOf(c)
	res, err := cal.visits.Mine(ctxOf(c), actor, cal.today(), pageQuery(c))
	if err != nil {
		return err
	}
	return cal.render(c, "myvisits/index", fiber.Map{
		"Title":       trOf(c).T("visits.mine.title"),
		"Section":     "mine",
		"Visits":      res.Items,
		"Total":       res.Total,
		"HasProfile":  actor.InspectorID != 0,
		"InspectorID": actor.InspectorID,
		"Today":       cal.today(),
		"Pager":       pagerOf(c, res),
		"Sorts":       sortLinks(c, visits.MineSortKeys()...),
	})
}
