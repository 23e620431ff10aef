package routes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/holidays"
	"khung/app/paging"
	"khung/models"
)

// holidaysPage: GET /admin/holidays?year= — the year's calendar with the form to add a day.
func (a *admin) holidaysPage(c *fiber.Ctx) error {
	return a.renderHolidays(c, a.yearQuery(c), fiber.Map{"Form": map[string]string{"kind": "holiday"}}, nil)
}

// renderHolidays shows year; err (when not nil) is the add form's problem.
func (a *admin) renderHolidays(c *fiber.Ctx, year int, data fiber.Map, err error) error {
	v, verr := a.holidays.Year(ctxOf(c), actorOf(c), year)
	if verr != nil {
		return verr
	}
	holidaySorts().Sort(v.Days, c.Query("sort"))
	data["View"], data["Sorts"] = v, sortLinks(c, holidaySorts().Keys()...)
	data["PrevYear"], data["NextYear"] = year-1, year+1
	title := trOf(c).T("admin.holidays.title_year", "Year", year)
	if err != nil {
		return a.form422(c, "admin/holidays", "holidays", title, data, err)
	}
	return a.page(c, "admin/holidays", "holidays", title, data)
}

// holidaySorts are the columns a year's days off and working Saturdays may be
// sorted by (a year has a few dozen: sorted in memory, by date unless asked).
func holidaySorts() paging.Compare[models.Holiday] {
	return paging.Compare[models.Holiday]{
		"date": paging.By(func(h models.Holiday) string { return h.Date.String() }),
		"kind": paging.By(func(h models.Holiday) string { return string(h.Kind) }),
		"name": paging.ByText(func(h models.Holiday) string { return h.NameVI }),
	}
}

// holidayInput reads the holiday form; a malformed date is reported on its field.
func holidayInput(c *fiber.Ctx) (holidays.Input, error) {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	in := holidays.Input{Kind: v("kind"), NameVI: v("name_vi"), NameEN: v("name_en"), LegalBasis: v("legal_basis")}
	if s := v("date"); s != "" {
		d, err := models.ParseTyped(s)
		if err != nil {
			return in, apperr.Field("date", "date", "validation.date_invalid")
		}
		in.Date = d
	}
	return in, nil
}

// createHoliday: POST /admin/holidays.
func (a *admin) createHoliday(c *fiber.Ctx) error {
	in, err := holidayInput(c)
	if err == nil {
		var h models.Holiday
		if h, err = a.holidays.Create(ctxOf(c), actorOf(c), in); err == nil {
			return a.done(c, "admin.saved", fmt.Sprintf("/admin/holidays?year=%d", h.Date.Year))
		}
	}
	year := a.yearQuery(c)
	if !in.Date.IsZero() {
		year = in.Date.Year
	}
	return a.renderHolidays(c, year, fiber.Map{}, err)
}

// editHolidayPage: GET /admin/holidays/:id.
func (a *admin) editHolidayPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	h, err := a.holidays.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return a.page(c, "admin/holiday_form", "holidays", h.NameVI, fiber.Map{"Holiday": h, "Form": map[string]string{
		"date": h.Date.String(), "kind": string(h.Kind), "name_vi": h.NameVI, "name_en": h.NameEN, "legal_basis": h.LegalBasis}})
}

// updateHoliday: POST /admin/holidays/:id.
func (a *admin) updateHoliday(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := ctxOf(c), actorOf(c)
	h, err := a.holidays.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	in, err := holidayInput(c)
	if err == nil {
		var saved models.Holiday
		if saved, err = a.holidays.Update(ctx, actor, id, in); err == nil {
			return a.done(c, "admin.saved", fmt.Sprintf("/admin/holidays?year=%d", saved.Date.Year))
		}
	}
	return a.form422(c, "admin/holiday_form", "holidays", h.NameVI, fiber.Map{"Holiday": h}, err)
}

// deleteHoliday: POST /admin/holidays/:id/delete.
func (a *admin) deleteHoliday(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := ctxOf(c), actorOf(c)
	h, err := a.holidays.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := a.holidays.Delete(ctx, actor, id); err != nil {
		return err
	}
	return a.done(c, "admin.deleted", fmt.Sprintf("/admin/holidays?year=%d", h.Date.Year))
}

// loadDefaultHolidays: POST /admin/holidays/defaults (form field year).
func (a *admin) loadDefaultHolidays(c *fiber.Ctx) error {
	year, err := strconv.Atoi(strings.TrimSpace(c.FormValue("year")))
	if err != nil {
		return apperr.Field("year", "number", "validation.year_invalid")
	}
	n, err := a.holidays.LoadDefaults(ctxOf(c), actorOf(c), year)
	if err != nil {
		return err
	}
	msg := "admin.holidays.defaults_loaded"
	if n == 0 {
		msg = "admin.holidays.defaults_none"
	}
	return a.done(c, msg, fmt.Sprintf("/admin/holidays?year=%d", year))
}
