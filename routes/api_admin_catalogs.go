package routes

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/catalogs"
)

// catalogParam reads :catalog (kinds, topics, skills); another name is a 404.
func catalogParam(c *fiber.Ctx) (catalogs.Catalog, error) {
	cat, ok := catalogs.Parse(c.Params("catalog"))
	if !ok {
		return "", fmt.Errorf("catalog %q: %w", c.Params("catalog"), apperr.ErrNotFound)
	}
	return cat, nil
}

// apiListEntries: GET /api/v1/catalogs/:catalog.
func (a *admin) apiListEntries(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	entries, err := a.catalogs.List(ctxOf(c), actorOf(c), cat)
	if err != nil {
		return err
	}
	return c.JSON(list(entries))
}

// apiGetEntry: GET /api/v1/catalogs/:catalog/:id.
func (a *admin) apiGetEntry(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := a.catalogs.Get(ctxOf(c), actorOf(c), cat, id)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

// apiCreateEntry: POST /api/v1/catalogs/:catalog → 201.
func (a *admin) apiCreateEntry(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	var in catalogs.EntryInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	e, err := a.catalogs.Create(ctxOf(c), actorOf(c), cat, in)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/catalogs/%s/%d", cat, e.ID), e)
}

// apiUpdateEntry: PUT /api/v1/catalogs/:catalog/:id.
func (a *admin) apiUpdateEntry(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in catalogs.EntryInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	e, err := a.catalogs.Update(ctxOf(c), actorOf(c), cat, id, in)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

// apiDeleteEntry: DELETE /api/v1/catalogs/:catalog/:id → 204 (409 while in use).
func (a *admin) apiDeleteEntry(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.catalogs.Delete(ctxOf(c), actorOf(c), cat, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiListRules: GET /api/v1/rules?on=YYYY-MM-DD (default today) — every
// version, in_effect marking those that apply on that day.
func (a *admin) apiListRules(c *fiber.Ctx) error {
	ve := &apperr.ValidationError{}
	day := dateQuery(c, "on", ve)
	if err := ve.Err(); err != nil {
		return err
	}
	if day.IsZero() {
		day = a.today()
	}
	rules, err := a.catalogs.Rules(ctxOf(c), actorOf(c), day)
	if err != nil {
		return err
	}
	return c.JSON(list(rules))
}

// apiGetRule: GET /api/v1/rules/:id.
func (a *admin) apiGetRule(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := a.catalogs.Rule(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// apiCreateRule: POST /api/v1/rules → 201.
func (a *admin) apiCreateRule(c *fiber.Ctx) error {
	var in catalogs.RuleInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := a.catalogs.CreateRule(ctxOf(c), actorOf(c), in)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/rules/%d", r.ID), r)
}

// apiUpdateRule: PUT /api/v1/rules/:id.
func (a *admin) apiUpdateRule(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in catalogs.RuleInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := a.catalogs.UpdateRule(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// apiDeleteRule: DELETE /api/v1/rules/:id → 204.
func (a *admin) apiDeleteRule(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.catalogs.DeleteRule(ctxOf(c), actorOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
