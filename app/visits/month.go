package visits

import (
	"context"
	"time"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/models"
)

// Day is one cell of a month grid: a date and the visits on site that day.
type Day struct {
	Date    models.Date
	InMonth bool // false for the days of the weeks' ends that fall in the months around
	Today   bool
	Weekend bool
	Visits  []Visit
}

// Month is a calendar month as whole weeks, Monday to Sunday, with the visits
// a sees today on each day, and how many visits overlap the month.
type Month struct {
	Year  int
	Month time.Month
	Weeks [][]Day
	Count int64
	First models.Date // the first day of the month
	Last  models.Date // the last day of the month
}

// Month returns the month f.Year/f.Month (both required) of the visits a sees
// today, narrowed by f's unit and search.
func (s *Service) Month(ctx context.Context, a authz.Actor, today models.Date, f Filter) (Month, error) {
	if err := f.Validate(); err != nil {
		return Month{}, err
	}
	if f.Month == 0 {
		return Month{}, apperr.Field("month", "required", "visits.check.month_required")
	}
	first := models.NewDate(f.Year, time.Month(f.Month), 1)
	last := models.NewDate(f.Year, time.Month(f.Month)+1, 1).AddDays(-1)
	// Whole weeks: from the Monday on or before the first to the Sunday on or after the last.
	from := first.AddDays(-((int(first.Weekday()) + 6) % 7))
	to := last.AddDays((7 - int(last.Weekday())) % 7)
	inGrid, err := s.InRange(ctx, a, today, Filter{UnitID: f.UnitID, Q: f.Q}, Range{From: from, To: to})
	if err != nil {
		return Month{}, err
	}
	m := Month{Year: f.Year, Month: time.Month(f.Month), First: first, Last: last}
	for week := from; !week.After(to); week = week.AddDays(7) {
		days := make([]Day, 7)
		for i := range days {
			d := week.AddDays(i)
			days[i] = Day{Date: d, InMonth: d.Month == first.Month, Today: d == today,
				Weekend: d.Weekday() == time.Saturday || d.Weekday() == time.Sunday}
			if !days[i].InMonth {
				continue
			}
			for _, v := range inGrid {
				if v.Covers(d) {
					days[i].Visits = append(days[i].Visits, v)
				}
			}
		}
		m.Weeks = append(m.Weeks, days)
	}
	if m.Count, err = s.Count(ctx, a, today, f); err != nil {
		return Month{}, err
	}
	return m, nil
}
