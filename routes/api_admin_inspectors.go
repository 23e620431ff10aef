package routes

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khung/app/inspectors"
)

// apiListInspectors: GET /api/v1/inspectors?q=&body_code=&skill=&can_lead=&status=&page=&per_page=.
func (a *admin) apiListInspectors(c *fiber.Ctx) error {
	res, err := a.inspectors.List(ctxOf(c), actorOf(c), inspectors.Filter{
		Q: c.Query("q"), BodyCode: c.Query("body_code"), Skill: c.Query("skill"),
		CanLead: c.QueryBool("can_lead"), Status: c.Query("status"), Page: pageQuery(c)})
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// apiGetInspector: GET /api/v1/inspectors/:id — the whole profile.
func (a *admin) apiGetInspector(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := a.inspectors.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// apiCreateInspector: POST /api/v1/inspectors → 201.
func (a *admin) apiCreateInspector(c *fiber.Ctx) error {
	var in inspectors.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := a.inspectors.Create(ctxOf(c), actorOf(c), in)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/inspectors/%d", p.ID), p)
}

// apiUpdateInspector: PUT /api/v1/inspectors/:id — replaces the whole profile.
func (a *admin) apiUpdateInspector(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in inspectors.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := a.inspectors.Update(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// apiDeleteInspector: DELETE /api/v1/inspectors/:id → 204.
func (a *admin) apiDeleteInspector(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.inspectors.Delete(ctxOf(c), actorOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
