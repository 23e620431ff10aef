package routes

import (
	"github.com/gofiber/fiber/v2"
)

// page renders an admin page: section names the tab of the admin menu.
func (a *admin) page(c *fiber.Ctx, name, section, title string, data fiber.Map) error {
	if data == nil {
		data = fiber.Map{}
	}
	data["Section"] = section
	data["Title"] = title
	return a.render(c, name, data)
}

// form422 shows a form again after err, like renderForm422, on an admin page.
func (a *admin) form422(c *fiber.Ctx, name, section, title string, data fiber.Map, err error) error {
	if data == nil {
		data = fiber.Map{}
	}
	data["Section"] = section
	data["Title"] = title
	return a.renderForm422(c, name, data, err)
}

// done leaves a flash message and goes to target after a successful write.
func (a *admin) done(c *fiber.Ctx, message, target string) error {
	a.setFlash(c, message)
	return c.Redirect(target, fiber.StatusSeeOther)
}
