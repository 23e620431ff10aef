package routes

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/paging"
)

// pager is the page navigation under a list: first, previous, next and last
// page, the position with the total, and a form to jump to a page by its
// number. Its links keep the other query parameters (search, filters, sort).
type pager struct {
	Page, Pages                         int
	Total                               int64
	TotalText                           string // the total with the language's thousands separator
	Path                                string // the list's path, for the page-jump form
	PrevURL, NextURL, FirstURL, LastURL string
	Keep                                url.Values // the other parameters, for the page-jump form
}

// currentQuery is the request's query string as values.
func currentQuery(c *fiber.Ctx) url.Values {
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	return q
}

// newPager builds the navigation for page out of pages (total rows) on the current URL.
func newPager(c *fiber.Ctx, page, pages int, total int64) pager {
	p := pager{Page: page, Pages: pages, Total: total, TotalText: groupDigits(total, trOf(c).Lang), Path: c.Path()}
	link := func(n int) string {
		q := currentQuery(c)
		q.Set("page", strconv.Itoa(n))
		return c.Path() + "?" + q.Encode()
	}
	if page > 1 {
		p.PrevURL = link(page - 1)
	}
	if page < pages {
		p.NextURL = link(page + 1)
	}
	if page > 2 {
		p.FirstURL = link(1)
	}
	if page < pages-1 {
		p.LastURL = link(pages)
	}
	p.Keep = currentQuery(c)
	p.Keep.Del("page")
	return p
}

// pagerOf is the navigation of a page of results on the current URL.
func pagerOf[T any](c *fiber.Ctx, res paging.Result[T]) pager {
	return newPager(c, res.Page, res.Pages(), res.Total)
}

// sortHeader is a sortable column's heading: its link and where it stands.
type sortHeader struct {
	URL  string
	Sort string // "ascending", "descending" or "none" (aria-sort)
}

// sortLinks links each sortable column heading (keys) to the current list
// sorted by it, and on the column it is sorted by now, the other way round;
// the search and filters are kept and the list starts again at page 1.
func sortLinks(c *fiber.Ctx, keys ...string) map[string]sortHeader {
	current := c.Query("sort")
	out := make(map[string]sortHeader, len(keys))
	for _, key := range keys {
		v := currentQuery(c)
		v.Del("page")
		h := sortHeader{Sort: "none"}
		switch current {
		case key:
			h.Sort = "ascending"
			v.Set("sort", "-"+key)
		case "-" + key:
			h.Sort = "descending"
			v.Set("sort", key)
		default:
			v.Set("sort", key)
		}
		h.URL = c.Path() + "?" + v.Encode()
		out[key] = h
	}
	return out
}
