package routes

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/holidays"
	"khung/app/icalfeed"
	"khung/app/paging"
	"khung/app/viewcache"
	"khung/app/visits"
	"khung/models"
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
// month it opens on the month of the next visit the user may see. What the
// grid shows comes from the calendar's cache (visits.Remember): the same for
// every user of one visibility class on one day until a visit changes.
func (cal *calendar) monthPage(c *fiber.Ctx) error {
	ctx := ctxOf(c)
	f, err := filterQuery(c)
	if err != nil {
		return err
	}
	view, err := cal.visits.View(ctx, actorOf(c), cal.today())
	if err != nil {
		return err
	}
	noYear := c.Query("year") == ""
	key := fmt.Sprintf("page:month|%t|%s", noYear, visits.QueryKey(f, paging.Page{}))
	m, err := viewcache.Remember(ctx, view, key, func(ctx context.Context, actor authz.Actor, today models.Date) (monthData, int, error) {
		switch {
		case f.Month != 0: // the month asked for
		case f.Year == 0 || f.Year == today.Year:
			f.Year, f.Month = today.Year, int(today.Month)
			if noYear {
				next, ok, err := cal.visits.Next(ctx, actor, today)
				if err != nil {
					return monthData{}, 0, err
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
			return monthData{}, 0, err
		}
		common, err := cal.commonData(ctx, actor, today, f)
		if err != nil {
			return monthData{}, 0, err
		}
		// Holidays are among the tables that move the generation: the
		// working days are kept with the grid (no query per page).
		closed, agenda, err := cal.workingMonth(ctx, month.Weeks)
		if err != nil {
			return monthData{}, 0, err
		}
		size := common.bytes() + len(closed)*128
		for _, w := range month.Weeks {
			for _, d := range w {
				size += 64 + len(d.Visits)*visitBytes
			}
		}
		return monthData{calendarData: common, Month: month, Closed: closed, Agenda: agenda}, size, nil
	})
	if err != nil {
		return err
	}
	data := m.calendarData.data(view.Today())
	tr := trOf(c)
	prev, next := m.Month.First.AddDays(-1), m.Month.Last.AddDays(1)
	data["Title"] = tr.T("visits.calendar.title")
	data["Section"] = "month"
	data["Weeks"] = m.Month.Weeks
	data["Closed"], data["Agenda"] = m.Closed, m.Agenda
	data["MonthName"] = tr.T("visits.calendar.month_name", "Month", tr.T(fmt.Sprintf("visits.month.m%d", m.Filter.Month)), "Year", m.Filter.Year)
	data["MonthCount"] = m.Month.Count
	data["PrevURL"] = cal.monthURL(c, prev.Year, int(prev.Month))
	data["NextURL"] = cal.monthURL(c, next.Year, int(next.Month))
	return cal.render(c, "calendar/month", data)
}

// visitBytes is about how much memory one visit of a cached answer holds
// (its unit's trail, bodies, kinds, topics, team and texts).
const visitBytes = 4 << 10

// calendarData is what every calendar page shows (see commonData); monthData
// adds the month grid. Both are cached and shared: never changed once built.
type calendarData struct {
	Filter    visits.Filter
	Units     []visits.Unit
	YearCount int64
}

type monthData struct {
	calendarData
	Month  visits.Month // its weeks hold visits on working days only
	Closed map[string]holidays.ClosedDay
	Agenda []agendaDay
}

func (d calendarData) bytes() int { return 256 + len(d.Units)*128 }

// data is d as the templates read it.
func (d calendarData) data(today models.Date) fiber.Map {
	years := []int{today.Year - 1, today.Year, today.Year + 1}
	if d.Filter.Year != 0 && (d.Filter.Year < years[0] || d.Filter.Year > years[2]) {
		years = append(years, d.Filter.Year)
	}
	return fiber.Map{
		"Filter":    d.Filter,
		"Units":     d.Units,
		"YearCount": d.YearCount,
		"Years":     years,
		"Today":     today,
	}
}

// monthURL links to another month with the other filters kept.
func (cal *calendar) monthURL(c *fiber.Ctx, year, month int) string {
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	q.Set("year", strconv.Itoa(year))
	q.Set("month", strconv.Itoa(month))
	q.Del("lang")
	return "/calendar?" + q.Encode()
}

// commonData is what every calendar page shows: the filter (with the units a
// unit user may choose from) and the count of the year's visits.
func (cal *calendar) commonData(ctx context.Context, actor authz.Actor, today models.Date, f visits.Filter) (calendarData, error) {
	units, err := cal.visits.Units(ctx, actor)
	if err != nil {
		return calendarData{}, err
	}
	yearCount, err := cal.visits.Count(ctx, actor, today, visits.Filter{Year: f.Year, UnitID: f.UnitID, Q: f.Q})
	if err != nil {
		return calendarData{}, err
	}
	return calendarData{Filter: f, Units: units, YearCount: yearCount}, nil
}
