package routes

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"khung/app/authz"
	"khung/app/paging"
	"khung/app/viewcache"
	"khung/app/visits"
	"khung/models"
)

// listPage: GET /calendar/list?year=&unit=&q=&page= — the visits as a list,
// by date, with everything a unit needs to prepare. Without a year it lists
// the current year's. Cached like the month (visits.Remember).
func (cal *calendar) listPage(c *fiber.Ctx) error {
	ctx := ctxOf(c)
	f, err := filterQuery(c)
	if err != nil {
		return err
	}
	f.Month = 0
	page := pageQuery(c)
	view, err := cal.visits.View(ctx, actorOf(c), cal.today())
	if err != nil {
		return err
	}
	l, err := viewcache.Remember(ctx, view, "page:list|"+visits.QueryKey(f, page), func(ctx context.Context, actor authz.Actor, today models.Date) (listData, int, error) {
		if f.Year == 0 {
			f.Year = today.Year
			if next, ok, err := cal.visits.Next(ctx, actor, today); err != nil {
				return listData{}, 0, err
			} else if ok {
				f.Year = next.Year
			}
		}
		res, err := cal.visits.List(ctx, actor, today, f, page)
		if err != nil {
			return listData{}, 0, err
		}
		for i := range res.Items {
			cal.renderTexts(&res.Items[i])
		}
		common, err := cal.commonData(ctx, actor, today, f)
		if err != nil {
			return listData{}, 0, err
		}
		return listData{calendarData: common, Result: res}, common.bytes() + len(res.Items)*visitBytes, nil
	})
	if err != nil {
		return err
	}
	data := l.calendarData.data(view.Today())
	data["Title"] = trOf(c).T("visits.list.title")
	data["Section"] = "list"
	data["Visits"] = l.Result.Items
	data["Pager"] = newPager(c, l.Result.Page, l.Result.Pages(), l.Result.Total)
	return cal.render(c, "calendar/list", data)
}

// listData is the list page's cached part.
type listData struct {
	calendarData
	Result paging.Result[visits.Visit]
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
