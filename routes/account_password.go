package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/app/auth"
)

// passwordPage shows the change-password form.
func (h *Handlers) passwordPage(c *fiber.Ctx) error {
	return h.render(c, "account/password", fiber.Map{"Title": trOf(c).T("account.password.title")})
}

// changePassword sets a new password, ends the user's other sessions and
// revokes their API tokens and calendar feed address.
func (h *Handlers) changePassword(c *fiber.Ctx) error {
	var in auth.PasswordInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	id := identityOf(c)
	sessionID := ""
	if id.Session != nil {
		sessionID = id.Session.ID
	}
	if err := h.Auth.ChangePassword(ctxOf(c), actorOf(c), sessionID, in, h.Now()); err != nil {
		return h.renderForm422(c, "account/password", fiber.Map{"Title": trOf(c).T("account.password.title")}, err)
	}
	h.setFlash(c, "security.password_changed")
	return c.Redirect("/", fiber.StatusSeeOther)
}
