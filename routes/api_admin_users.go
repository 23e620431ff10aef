package routes

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khung/app/users"
	"khung/models"
)

// apiListUsers: GET /api/v1/users?q=&role=&status=&page=&per_page=.
func (a *admin) apiListUsers(c *fiber.Ctx) error {
	res, err := a.users.List(ctxOf(c), actorOf(c), users.Filter{
		Q: c.Query("q"), Role: models.Role(c.Query("role")), Status: c.Query("status"), Page: pageQuery(c)})
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// apiGetUser: GET /api/v1/users/:id.
func (a *admin) apiGetUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := a.users.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// apiCreateUser: POST /api/v1/users → 201.
func (a *admin) apiCreateUser(c *fiber.Ctx) error {
	var in users.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u, err := a.users.Create(ctxOf(c), actorOf(c), in, a.Now())
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/users/%d", u.ID), u)
}

// apiUpdateUser: PUT /api/v1/users/:id (an empty password keeps the current one).
func (a *admin) apiUpdateUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in users.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u, err := a.users.Update(ctxOf(c), actorOf(c), id, in, a.Now())
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// apiDeactivateUser: POST /api/v1/users/:id/deactivate.
func (a *admin) apiDeactivateUser(c *fiber.Ctx) error { return a.apiSetActive(c, false) }

// apiActivateUser: POST /api/v1/users/:id/activate.
func (a *admin) apiActivateUser(c *fiber.Ctx) error { return a.apiSetActive(c, true) }

func (a *admin) apiSetActive(c *fiber.Ctx, active bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := a.users.SetActive(ctxOf(c), actorOf(c), id, active, a.Now())
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// apiResetPassword: POST /api/v1/users/:id/reset-password → the new password, once.
func (a *admin) apiResetPassword(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pw, err := a.users.ResetPassword(ctxOf(c), actorOf(c), id, a.Now())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"password": pw})
}
