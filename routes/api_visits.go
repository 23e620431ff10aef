package routes

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"khung/app/authz"
	"khung/models"

	"khung/app/msg"
	"khung/app/viewcache"
	"khung/app/visits"
)

// renderTexts fills the texts of v's messages (what to prepare) in both
// languages: the JSON API shows {"vi","en"}, pages and feeds pick one.
func (cal *calendar) renderTexts(v *visits.Visit) {
	v.RenderTexts(func(lang string, m msg.Message) string { return cal.Locales.For(lang).Msg(m) })
}

// apiListVisits: GET /api/v1/visits?year=&month=&unit=&q=&page=&per_page= —
// the visits the caller may see, by date, with the total for counts. The
// encoded answer is cached per visibility class, day, query and generation
// (visits.Remember): a request that finds it costs one query, the generation.
func (cal *calendar) apiListVisits(c *fiber.Ctx) error {
	ctx := ctxOf(c)
	f, err := filterQuery(c)
	if err != nil {
		return err
	}
	page := pageQuery(c)
	view, err := cal.visits.View(ctx, actorOf(c), cal.today())
	if err != nil {
		return err
	}
	body, err := viewcache.Remember(ctx, view, "api:visits|"+visits.QueryKey(f, page), func(ctx context.Context, actor authz.Actor, today models.Date) ([]byte, int, error) {
		res, err := cal.visits.List(ctx, actor, today, f, page)
		if err != nil {
			return nil, 0, err
		}
		for i := range res.Items {
			cal.renderTexts(&res.Items[i])
		}
		b, err := c.App().Config().JSONEncoder(res)
		return b, len(b), err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// apiGetVisit: GET /api/v1/visits/:id — one visit; 404 (never 403) for a visit
// the caller may not see, so that its existence does not leak.
func (cal *calendar) apiGetVisit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := cal.visits.Get(ctxOf(c), actorOf(c), cal.today(), id)
	if err != nil {
		return err
	}
	cal.renderTexts(&v)
	return c.JSON(v)
}

// apiMyVisits: GET /api/v1/me/visits?page=&per_page= — the visits whose team
// the caller's inspector profile is on, upcoming first, with the caller's role.
func (cal *calendar) apiMyVisits(c *fiber.Ctx) error {
	res, err := cal.visits.Mine(ctxOf(c), actorOf(c), cal.today(), pageQuery(c))
	if err != nil {
		return err
	}
	for i := range res.Items {
		cal.renderTexts(&res.Items[i].Visit)
	}
	return c.JSON(res)
}
