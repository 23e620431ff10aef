package routes

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/units"
	"khung/models"
)

// unitJSON is one unit with where it sits in the tree, what lies below it,
// and the units it was formed from and became.
type unitJSON struct {
	units.Node
	Breadcrumbs []models.Unit     `json:"breadcrumbs"`
	CountsBelow []units.KindCount `json:"counts_below"`
	History     units.History     `json:"history"`
}

// apiSearchUnits: GET /api/v1/units?q=&kind=&on=&page=&per_page= — search (or
// list, without q) the units the caller may read; with on, only those in force
// that day (the unit picker).
func (a *admin) apiSearchUnits(c *fiber.Ctx) error {
	q, err := unitQuery(c)
	if err != nil {
		return err
	}
	res, err := a.units.Search(ctxOf(c), actorOf(c), q)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// unitQuery reads a unit search from the query string; a malformed day is an
// error on "on".
func unitQuery(c *fiber.Ctx) (units.Query, error) {
	ve := &apperr.ValidationError{}
	q := units.Query{Q: c.Query("q"), Kind: models.UnitKind(c.Query("kind")), Page: pageQuery(c)}
	if on := dateQuery(c, "on", ve); !on.IsZero() {
		q.On = &on
	}
	return q, ve.Err()
}

// apiGetUnit: GET /api/v1/units/:id.
func (a *admin) apiGetUnit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := a.unitDetail(c, id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (a *admin) unitDetail(c *fiber.Ctx, id int64) (unitJSON, error) {
	ctx, actor := ctxOf(c), actorOf(c)
	n, err := a.units.Get(ctx, actor, id)
	if err != nil {
		return unitJSON{}, err
	}
	crumbs, err := a.units.Breadcrumbs(ctx, actor, id)
	if err != nil {
		return unitJSON{}, err
	}
	counts, err := a.units.CountsBelow(ctx, actor, id)
	if err != nil {
		return unitJSON{}, err
	}
	if counts == nil {
		counts = []units.KindCount{}
	}
	history, err := a.units.History(ctx, actor, id)
	if err != nil {
		return unitJSON{}, err
	}
	return unitJSON{Node: n, Breadcrumbs: crumbs, CountsBelow: counts, History: history}, nil
}

// apiUnitChildren: GET /api/v1/units/:id/children?page=&per_page=.
func (a *admin) apiUnitChildren(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	res, err := a.units.Children(ctxOf(c), actorOf(c), id, pageQuery(c))
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// apiCreateUnit: POST /api/v1/units → 201.
func (a *admin) apiCreateUnit(c *fiber.Ctx) error {
	var in units.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	n, err := a.units.Create(ctxOf(c), actorOf(c), in)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/units/%d", n.ID), n)
}

// apiUpdateUnit: PUT /api/v1/units/:id — name, kind, labels and validity (the
// code and the parent never change).
func (a *admin) apiUpdateUnit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in units.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	n, err := a.units.Update(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(n)
}
