package routes

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/auth"
)

// loginPage shows the login form; a logged-in user goes home.
func (h *Handlers) loginPage(c *fiber.Ctx) error {
	if identityOf(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return h.render(c, "auth/login", fiber.Map{"Next": safeNext(c.Query("next")), "Title": trOf(c).T("auth.login_title")})
}

// login checks the credentials, opens a session and goes to ?next (or home).
func (h *Handlers) login(c *fiber.Ctx) error {
	var in auth.LoginInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	in.IP, in.UserAgent = c.IP(), c.Get(fiber.HeaderUserAgent)
	next := safeNext(c.FormValue("next"))
	token, _, err := h.Auth.Login(ctxOf(c), in, h.Now())
	if err != nil {
		return h.renderForm422(c, "auth/login", fiber.Map{"Next": next, "Title": trOf(c).T("auth.login_title")}, err)
	}
	h.setSessionCookie(c, token)
	h.clearCookie(c, anonCSRFCookie)
	return c.Redirect(next, fiber.StatusSeeOther)
}

// logout ends the session and goes back to the login page.
func (h *Handlers) logout(c *fiber.Ctx) error {
	r := state(c)
	if r.Identity != nil && r.Token != "" {
		if err := h.Auth.Logout(ctxOf(c), actorOf(c), r.Token); err != nil {
			return err
		}
	}
	h.clearCookie(c, sessionCookie)
	h.setFlash(c, "auth.logged_out")
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// safeNext keeps a redirect target on this site: a path, never "//host" or a URL.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
