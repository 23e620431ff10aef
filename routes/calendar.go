package routes

import (
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/icalfeed"
	"khung/app/visits"
	"khung/views"
)

// calendar serves what units and inspectors see of the published plan: the
// calendar (month and list), a visit's page, "my visits", the personal iCal
// feed and the visits of the JSON API. Every read goes through visits.Visible.
type calendar struct {
	*Handlers
	visits *visits.Service
	feeds  *icalfeed.Service
}

// stylesheet serves the calendar pages' styles, kept next to their templates.
func (cal *calendar) stylesheet(c *fiber.Ctx) error {
	css, err := fs.ReadFile(views.Templates(), "calendar/calendar.css")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(css)
}

// filterQuery reads ?year=&month=&unit=&q= for pages and the JSON API; a
// parameter that is not a number is refused by name (422).
func filterQuery(c *fiber.Ctx) (visits.Filter, error) {
	ve := &apperr.ValidationError{}
	num := func(name string) int64 {
		s := strings.TrimSpace(c.Query(name))
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			ve.AddField(name, "number", "validation.number")
		}
		return n
	}
	f := visits.Filter{Year: int(num("year")), Month: int(num("month")), UnitID: num("unit"), Q: strings.TrimSpace(c.Query("q"))}
	return f, ve.Err()
}

// monthPage: GET /calendar?year=&month=&unit=&q= — the month grid. Without a
// month it opens on the month of the next visit the user may see.
func (cal *calendar) monthPage(c *fiber.Ctx) error {
	ctx, actor, today := ctxOf(c), actorOf(c), cal.today()
	f, err := filterQuery(c)
	if err != nil {
		return err
	}
	switch {
	case f.Month != 0: // the month asked for
	case f.Year == 0 || f.Year == today.Year:
		f.Year, f.Month = today.Year, int(today.Month)
		if c.Query("year") == "" {
			next, ok, err := cal.visits.Next(ctx, actor, today)
			if err != nil {
				return err
			}
			if ok {
				f.Year, f.Month = next.Year, int(next.Month)
			}
		}
	default:
		f.Month = 1
	}
	month, err := cal.visits.Month(ctx, actor, today, f)
	if err != nil {
		return err
	}
	data, err := cal.common(c, f)
	if err != nil {
		return err
	}
	tr := trOf(c)
	prev, next := month.First.AddDays(-1), month.Last.AddDays(1)
	data["Title"] = tr.T("visits.calendar.title")
	data["Section"] = "month"
	data["Weeks"] = month.Weeks
	if data["Closed"], data["Agenda"], err = cal.workingMonth(c, month.Weeks); err != nil {
		return err
	}
	data["MonthName"] = tr.T("visits.calendar.month_name", "Month", tr.T(fmt.Sprintf("visits.month.m%d", f.Month)), "Year", f.Year)
	data["MonthCount"] = month.Count
	data["PrevURL"] = cal.monthURL(c, prev.Year, int(prev.Month))
	data["NextURL"] = cal.monthURL(c, next.Year, int(next.Month))
	return cal.render(c, "calendar/month", data)
}

// monthURL links to another month with the other filters kept.
func (cal *calendar) monthURL(c *fiber.Ctx, year, month int) string {
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	q.Set("year", strconv.Itoa(year))
	q.Set("month", strconv.Itoa(month))
	q.Del("lang")
	return "/calendar?" + q.Encode()
}

// common is the data every calendar page shows: the filter (with the units a
// unit user may choose from) and the count of the year's visits.
func (cal *calendar) common(c *fiber.Ctx, f visits.Filter) (fiber.Map, error) {
	ctx, actor, today := ctxOf(c), actorOf(c), cal.today()
	units, err := cal.visits.Units(ctx, actor)
	if err != nil {
		return nil, err
	}
	yearCount, err := cal.visits.Count(ctx, actor, today, visits.Filter{Year: f.Year, UnitID: f.UnitID, Q: f.Q})
	if err != nil {
		return nil, err
	}
	years := []int{today.Year - 1, today.Year, today.Year + 1}
	if f.Year != 0 && (f.Year < years[0] || f.Year > years[2]) {
		years = append(years, f.Year)
	}
	return fiber.Map{
		"Filter":    f,
		"Units":     units,
		"YearCount": yearCount,
		"Years":     years,
		"Today":     today,
	}, nil
}
