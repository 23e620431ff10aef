package check

import (
	"fmt"
	"time"

	"khung/app/planning"
)

const isoDate = "2006-01-02"

// Calendar is the year's working days (planner-spec §1): Monday to Friday,
// minus holidays, plus extra working days.
type Calendar struct {
	Year int
	// Days are the working days in order.
	Days []time.Time
	// dates are Days as ISO strings; index maps them back to positions.
	dates []string
	index map[string]int
}

// NewCalendar builds the working days of inst's year; a malformed date is an error.
func NewCalendar(inst *planning.Instance) (*Calendar, error) {
	if inst.Year < 1 || inst.Year > 9999 {
		return nil, fmt.Errorf("year %d is out of range", inst.Year)
	}
	holiday := map[string]bool{}
	for _, s := range inst.Calendar.Holidays {
		if _, err := time.Parse(isoDate, s); err != nil {
			return nil, fmt.Errorf("calendar.holidays: %q is not a YYYY-MM-DD date", s)
		}
		holiday[s] = true
	}
	extra := map[string]bool{}
	for _, s := range inst.Calendar.ExtraWorkingDays {
		if _, err := time.Parse(isoDate, s); err != nil {
			return nil, fmt.Errorf("calendar.extra_working_days: %q is not a YYYY-MM-DD date", s)
		}
		extra[s] = true
	}
	c := &Calendar{Year: inst.Year, index: map[string]int{}}
	for d := time.Date(inst.Year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == inst.Year; d = d.AddDate(0, 0, 1) {
		s := d.Format(isoDate)
		weekday := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
		if (weekday && !holiday[s]) || extra[s] {
			c.index[s] = len(c.Days)
			c.Days = append(c.Days, d)
			c.dates = append(c.dates, s)
		}
	}
	return c, nil
}

// Index returns the position of an ISO date among the working days, or -1.
func (c *Calendar) Index(date string) int {
	i, ok := c.index[date]
	if !ok {
		return -1
	}
	return i
}

// Date returns the ISO date of working day i.
func (c *Calendar) Date(i int) string { return c.dates[i] }

// parseInterval reads an inclusive interval; field names the JSON field for errors.
func parseInterval(iv planning.Interval, field string) (from, to time.Time, err error) {
	from, err = time.Parse(isoDate, iv.From)
	if err != nil {
		return from, to, fmt.Errorf("%s.from: %q is not a YYYY-MM-DD date", field, iv.From)
	}
	to, err = time.Parse(isoDate, iv.To)
	if err != nil {
		return from, to, fmt.Errorf("%s.to: %q is not a YYYY-MM-DD date", field, iv.To)
	}
	if to.Before(from) {
		return from, to, fmt.Errorf("%s: to %s is before from %s", field, iv.To, iv.From)
	}
	return from, to, nil
}

// inInterval reports whether the ISO date d lies in the inclusive interval iv,
// whose dates have been validated (ISO dates compare as strings).
func inInterval(d string, iv planning.Interval) bool { return iv.From <= d && d <= iv.To }
