package routes

import (
	"net/url"
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
	in.IP, in.UserAgent = state(c).IP, c.Get(fiber.HeaderUserAgent)
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

// safeNext keeps a redirect target on this site: a path of our own origin
// ("/…"), else "/". Browsers drop tabs and newlines from a URL and read a
// backslash as "/", so "/<TAB>/evil.example" or "/\evil.example" would leave the site;
// any control character, any backslash, a leading "//" and anything with a
// scheme or host are refused, in the value as sent and in each of its
// percent-decoded forms.
func safeNext(next string) string {
	if next == "" {
		return "/"
	}
	v := next
	for range 3 {
		if !plainLocalPath(v) {
			return "/"
		}
		dec, err := url.PathUnescape(v)
		if err != nil {
			return "/"
		}
		if dec == v {
			return next
		}
		v = dec
	}
	return "/" // still encoded after three rounds: nobody writes that by accident
}

// plainLocalPath tells whether s is "/" followed by a path (and query) with no
// control character, no backslash, no second leading slash, no scheme or host.
func plainLocalPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == ""
}
