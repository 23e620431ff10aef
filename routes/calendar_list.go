package routes

import (
	"github.com/gofiber/fiber/v2"
)

// listPage: GET /calendar/list?year=&unit=&q=&page= — the visits as a list,
// by date, with everything a unit needs to prepare. Without a year it lists
// the current year's.
func (cal *calendar) listPage(c *fiber.Ctx) error {
	ctx, actor, today := ctxOf(c), actorOf(c), cal.today()
	f, err := filterQuery(c)
	if err != nil {
		return err
	}
	if f.Year == 0 {
		f.Year = today.Year
		if next, ok, err := cal.visits.Next(ctx, actor, today); err != nil {
			return err
		} else if ok {
			f.Year = next.Year
		}
	}
	f.Month = 0
	res, err := cal.visits.List(ctx, actor, today, f, pageQuery(c))
	if err != nil {
		return err
	}
	for i := range res.Items {
		cal.renderTexts(&res.Items[i])
	}
	data, err := cal.common(c, f)
	if err != nil {
		return err
	}
	data["Title"] = trOf(c).T("visits.list.title")
	data["Section"] = "list"
	data["Visits"] = res.Items
	data["Pager"] = newPager(c, res.Page, res.Pages(), res.Total)
	return cal.render(c, "calendar/list", data)
}

// visitPage: GET /calendar/visits/:id — one visit. A visit the user may not
// see is "not found", as if it did not exist.
func (cal *calendar) visitPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := cal.visits.Get(ctxOf(c), actorOf(c), cal.today(), id)
	if err != nil {
		return err
	}
	cal.renderTexts(&v)
	return cal.render(c, "calendar/visit", fiber.Map{"Title": v.Unit.Name, "Visit": v, "Section": "visit"})
}
