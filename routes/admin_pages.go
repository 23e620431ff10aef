package routes

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// pager is the page navigation under a list: the links keep the other query
// parameters (the search and the filters).
type pager struct {
	Page, Pages      int
	Total            int64
	PrevURL, NextURL string
}

// newPager builds the navigation for page out of pages on the current URL.
func newPager(c *fiber.Ctx, page, pages int, total int64) pager {
	p := pager{Page: page, Pages: pages, Total: total}
	link := func(n int) string {
		q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
		q.Set("page", strconv.Itoa(n))
		return c.Path() + "?" + q.Encode()
	}
	if page > 1 {
		p.PrevURL = link(page - 1)
	}
	if page < pages {
		p.NextURL = link(page + 1)
	}
	return p
}

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
