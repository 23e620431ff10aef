package routes

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/bodies"
	"khung/models"
)

// apiListBodies: GET /api/v1/bodies?include_inactive=true, or ?on=DAY for
// the bodies in force on that day.
func (a *admin) apiListBodies(c *fiber.Ctx) error {
	var rows []bodies.Row
	var err error
	if on := c.Query("on"); on != "" {
		d, perr := models.ParseTyped(on)
		if perr != nil {
			return apperr.Field("on", "date", "validation.date_format")
		}
		rows, err = a.bodies.InForce(ctxOf(c), actorOf(c), d)
	} else {
		rows, err = a.bodies.List(ctxOf(c), actorOf(c), c.QueryBool("include_inactive"))
	}
	if err != nil {
		return err
	}
	return c.JSON(list(rows))
}

// apiGetBody: GET /api/v1/bodies/:id.
func (a *admin) apiGetBody(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, err := a.bodies.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

// apiCreateBody: POST /api/v1/bodies → 201.
func (a *admin) apiCreateBody(c *fiber.Ctx) error {
	var in bodies.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	b, err := a.bodies.Create(ctxOf(c), actorOf(c), in)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/bodies/%d", b.ID), b)
}

// apiUpdateBody: PUT /api/v1/bodies/:id.
func (a *admin) apiUpdateBody(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in bodies.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	b, err := a.bodies.Update(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

// apiDeleteBody: DELETE /api/v1/bodies/:id → 204 (409 while in use).
func (a *admin) apiDeleteBody(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.bodies.Delete(ctxOf(c), actorOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
