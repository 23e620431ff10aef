package routes

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app/holidays"
	"khung/models"
)

// holidayYearJSON is the calendar of a year as the API returns it: the days
// that differ from Monday–Friday and the working days per month.
type holidayYearJSON struct {
	Year             int              `json:"year"`
	Days             []models.Holiday `json:"days"`
	Holidays         int              `json:"holidays"`
	WorkingSaturdays int              `json:"working_saturdays"`
	WorkingDays      int              `json:"working_days"`
	Months           []monthJSON      `json:"months"`
}

type monthJSON struct {
	Month       time.Month `json:"month"`
	WorkingDays int        `json:"working_days"`
}

// apiHolidayYear: GET /api/v1/holidays?year=2026 (default: this year).
func (a *admin) apiHolidayYear(c *fiber.Ctx) error {
	v, err := a.holidays.Year(ctxOf(c), actorOf(c), a.yearQuery(c))
	if err != nil {
		return err
	}
	out := holidayYearJSON{Year: v.Year, Days: v.Days, Holidays: v.Holidays, WorkingSaturdays: v.WorkingSaturdays,
		WorkingDays: v.WorkingDays}
	if out.Days == nil {
		out.Days = []models.Holiday{}
	}
	for _, m := range v.Months {
		out.Months = append(out.Months, monthJSON{Month: m.Month, WorkingDays: m.WorkingDays})
	}
	return c.JSON(out)
}

// apiGetHoliday: GET /api/v1/holidays/:id.
func (a *admin) apiGetHoliday(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	h, err := a.holidays.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

// apiCreateHoliday: POST /api/v1/holidays → 201.
func (a *admin) apiCreateHoliday(c *fiber.Ctx) error {
	var in holidays.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	h, err := a.holidays.Create(ctxOf(c), actorOf(c), in)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/holidays/%d", h.ID), h)
}

// apiUpdateHoliday: PUT /api/v1/holidays/:id.
func (a *admin) apiUpdateHoliday(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in holidays.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	h, err := a.holidays.Update(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

// apiDeleteHoliday: DELETE /api/v1/holidays/:id → 204.
func (a *admin) apiDeleteHoliday(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.holidays.Delete(ctxOf(c), actorOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiLoadDefaultHolidays: POST /api/v1/holidays/defaults?year=2027 → how many days were added.
func (a *admin) apiLoadDefaultHolidays(c *fiber.Ctx) error {
	year := a.yearQuery(c)
	n, err := a.holidays.LoadDefaults(ctxOf(c), actorOf(c), year)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"year": year, "added": n})
}
