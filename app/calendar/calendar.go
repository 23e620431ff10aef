// Package calendar holds the working days of one year: Monday to Friday, minus
// public holidays, plus compensatory working days (usually Saturdays). Working
// days are numbered 0, 1, 2… in date order so that schedules can work on dense
// indices. Dates are civil dates, represented as time.Time at 00:00 UTC.
package calendar

import (
	"fmt"
	"time"
)

// Year is the working calendar of one year. It is immutable after New.
type Year struct {
	year    int
	days    []time.Time // working days in date order
	ordinal []int32     // day of year (0-based) → working-day index, or -1
	months  [13]int     // working days per month (index 1..12)
}

// Parse reads an ISO date YYYY-MM-DD.
func Parse(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not YYYY-MM-DD: %w", s, err)
	}
	return t, nil
}

// Format writes a date as YYYY-MM-DD.
func Format(t time.Time) string { return t.Format(time.DateOnly) }

// New builds the calendar of year from its holidays and extra working days.
// Every date must fall inside the year.
func New(year int, holidays, extraWorking []time.Time) (*Year, error) {
	if year < 1900 || year > 9999 {
		return nil, fmt.Errorf("year %d is out of range", year)
	}
	first := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	n := first.AddDate(1, 0, 0).Sub(first).Hours() / 24
	length := int(n)
	working := make([]bool, length)
	for i := range working {
		wd := first.AddDate(0, 0, i).Weekday()
		working[i] = wd != time.Saturday && wd != time.Sunday
	}
	mark := func(list []time.Time, what string, value bool) error {
		for _, t := range list {
			if t.Year() != year {
				return fmt.Errorf("%s %s is not in %d", what, Format(t), year)
			}
			working[t.YearDay()-1] = value
		}
		return nil
	}
	if err := mark(holidays, "holiday", false); err != nil {
		return nil, err
	}
	if err := mark(extraWorking, "extra working day", true); err != nil {
		return nil, err
	}
	y := &Year{year: year, ordinal: make([]int32, length)}
	for i, ok := range working {
		y.ordinal[i] = -1
		if ok {
			t := first.AddDate(0, 0, i)
			y.ordinal[i] = int32(len(y.days))
			y.days = append(y.days, t)
			y.months[t.Month()]++
		}
	}
	return y, nil
}

// Year returns the calendar year.
func (y *Year) Year() int { return y.year }

// Len returns the number of working days in the year.
func (y *Year) Len() int { return len(y.days) }

// Day returns the date of working day i (0 ≤ i < Len).
func (y *Year) Day(i int) time.Time { return y.days[i] }

// Contains reports whether t is a date of the year.
func (y *Year) Contains(t time.Time) bool { return t.Year() == y.year }

// Index returns the working-day index of t, and false when t is not a working
// day of the year.
func (y *Year) Index(t time.Time) (int, bool) {
	if t.Year() != y.year {
		return -1, false
	}
	i := y.ordinal[t.YearDay()-1]
	return int(i), i >= 0
}

// NextIndex returns the index of the first working day on or after t (Len when
// there is none in the year; 0 when t is before the year).
func (y *Year) NextIndex(t time.Time) int {
	switch {
	case t.Year() < y.year:
		return 0
	case t.Year() > y.year:
		return len(y.days)
	}
	for d := t.YearDay() - 1; d < len(y.ordinal); d++ {
		if y.ordinal[d] >= 0 {
			return int(y.ordinal[d])
		}
	}
	return len(y.days)
}

// PrevIndex returns the index of the last working day on or before t (-1 when
// there is none in the year; Len-1 when t is after the year).
func (y *Year) PrevIndex(t time.Time) int {
	switch {
	case t.Year() < y.year:
		return -1
	case t.Year() > y.year:
		return len(y.days) - 1
	}
	for d := t.YearDay() - 1; d >= 0; d-- {
		if y.ordinal[d] >= 0 {
			return int(y.ordinal[d])
		}
	}
	return -1
}

// IsWorking reports whether t is a working day of the year.
func (y *Year) IsWorking(t time.Time) bool {
	_, ok := y.Index(t)
	return ok
}

// AddWorkingDays returns the working day n working days after the working day
// t (n may be negative), and false when t is not a working day or the result
// leaves the year.
func (y *Year) AddWorkingDays(t time.Time, n int) (time.Time, bool) {
	i, ok := y.Index(t)
	if !ok || i+n < 0 || i+n >= len(y.days) {
		return time.Time{}, false
	}
	return y.days[i+n], true
}

// Count returns the number of working days in [from, to], both inclusive
// (0 when to is before from).
func (y *Year) Count(from, to time.Time) int {
	a, b := y.NextIndex(from), y.PrevIndex(to)
	if b < a {
		return 0
	}
	return b - a + 1
}

// ISOWeek returns the ISO 8601 year and week of working day i.
func (y *Year) ISOWeek(i int) (year, week int) { return y.days[i].ISOWeek() }

// Month returns the month of working day i.
func (y *Year) Month(i int) time.Month { return y.days[i].Month() }

// InMonth returns the number of working days in month m.
func (y *Year) InMonth(m time.Month) int {
	if m < time.January || m > time.December {
		return 0
	}
	return y.months[m]
}
