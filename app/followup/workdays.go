package followup

import (
	"errors"
	"fmt"
	"time"

	"khung/app/calendar"
)

// Days are civil dates, represented like app/calendar does: time.Time at 00:00 UTC.

// Day returns the civil date of the instant t in loc, as 00:00 UTC of that date.
func Day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ErrNoCalendar is returned when a computation needs the working calendar of a
// year that was not given.
var ErrNoCalendar = errors.New("no working calendar for the year")

// Workdays joins the working calendars of consecutive years, so that deadlines
// and overdue counts can cross New Year.
type Workdays struct {
	years map[int]*calendar.Year
}

// NewWorkdays returns the working days of the given years (each at most once).
func NewWorkdays(years ...*calendar.Year) (*Workdays, error) {
	w := &Workdays{years: make(map[int]*calendar.Year, len(years))}
	for _, y := range years {
		if _, dup := w.years[y.Year()]; dup {
			return nil, fmt.Errorf("working calendar of %d given twice", y.Year())
		}
		w.years[y.Year()] = y
	}
	return w, nil
}

func (w *Workdays) year(y int) (*calendar.Year, error) {
	c, ok := w.years[y]
	if !ok {
		return nil, fmt.Errorf("%w %d", ErrNoCalendar, y)
	}
	return c, nil
}

// Add returns the n-th working day after day (day itself never counts): n = 1
// is the first working day after it. A negative n counts back: -1 is the last
// working day before day. n = 0 returns day.
func (w *Workdays) Add(day time.Time, n int) (time.Time, error) {
	if n == 0 {
		return day, nil
	}
	c, err := w.year(day.Year())
	if err != nil {
		return time.Time{}, err
	}
	var i int
	if n > 0 {
		i = c.PrevIndex(day) + n // from the last working day on or before day
	} else {
		i = c.NextIndex(day) + n // from the first working day on or after day
	}
	for i >= c.Len() {
		i -= c.Len()
		if c, err = w.year(c.Year() + 1); err != nil {
			return time.Time{}, err
		}
	}
	for i < 0 {
		if c, err = w.year(c.Year() - 1); err != nil {
			return time.Time{}, err
		}
		i += c.Len()
	}
	return c.Day(i), nil
}

// Between returns the number of working days d with from < d ≤ to (0 when to is
// not after from): how many working days a deadline of from is overdue on to.
func (w *Workdays) Between(from, to time.Time) (int, error) {
	if !to.After(from) {
		return 0, nil
	}
	n := 0
	for y := from.Year(); y <= to.Year(); y++ {
		c, err := w.year(y)
		if err != nil {
			return 0, err
		}
		lo, hi := time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC), time.Date(y, time.December, 31, 0, 0, 0, 0, time.UTC)
		if y == from.Year() {
			lo = from.AddDate(0, 0, 1)
		}
		if y == to.Year() {
			hi = to
		}
		if lo.Year() == y { // from may be 31 December
			n += c.Count(lo, hi)
		}
	}
	return n, nil
}

// Deadline returns the deadline of "n working days from the conclusion": the
// n-th working day after the day the conclusion was signed (that day does not
// count), so a conclusion signed on a Friday with n = 1 is due on Monday.
func Deadline(w *Workdays, concluded time.Time, n int) (time.Time, error) {
	if n <= 0 {
		return time.Time{}, fmt.Errorf("deadline: %d working days: must be positive", n)
	}
	return w.Add(concluded, n)
}

// Count returns the number of working days in [from, to], both inclusive,
// across years (0 when to is before from).
func (w *Workdays) Count(from, to time.Time) (int, error) {
	n := 0
	for y := from.Year(); y <= to.Year(); y++ {
		c, err := w.year(y)
		if err != nil {
			return 0, err
		}
		a, b := from, to
		if y > from.Year() {
			a = time.Date(y, time.January, 1, 0, 0, 0, 0, from.Location())
		}
		if y < to.Year() {
			b = time.Date(y, time.December, 31, 0, 0, 0, 0, to.Location())
		}
		n += c.Count(a, b)
	}
	return n, nil
}
