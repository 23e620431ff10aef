package calendar

import (
	"testing"
	"time"
)

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func dates(t *testing.T, ss ...string) []time.Time {
	var out []time.Time
	for _, s := range ss {
		out = append(out, date(t, s))
	}
	return out
}

func year2025(t *testing.T) *Year {
	t.Helper()
	y, err := New(2025,
		dates(t, "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
			"2025-04-07", "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01", "2025-09-02"),
		dates(t, "2025-02-08"))
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func TestWorkingDaysAreWeekdaysMinusHolidaysPlusExtraDays(t *testing.T) {
	y := year2025(t)
	// 2025 has 261 weekdays; 12 holidays fall on weekdays; one Saturday works.
	if got, want := y.Len(), 261-12+1; got != want {
		t.Fatalf("Len = %d, want %d", got, want)
	}
	tests := []struct {
		day  string
		want bool
	}{
		{"2025-01-01", false}, // New Year
		{"2025-01-02", true},
		{"2025-01-04", false}, // Saturday
		{"2025-02-08", true},  // compensatory Saturday
		{"2025-09-02", false}, // National Day
		{"2025-12-31", true},
	}
	for _, tc := range tests {
		if got := y.IsWorking(date(t, tc.day)); got != tc.want {
			t.Errorf("IsWorking(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
}

func TestIndexAndDayAreInverse(t *testing.T) {
	y := year2025(t)
	for i := 0; i < y.Len(); i++ {
		j, ok := y.Index(y.Day(i))
		if !ok || j != i {
			t.Fatalf("Index(Day(%d)) = %d, %v", i, j, ok)
		}
	}
	if _, ok := y.Index(date(t, "2024-12-31")); ok {
		t.Error("a date of another year has an index")
	}
}

func TestAddWorkingDaysSkipsWeekendsAndHolidays(t *testing.T) {
	y := year2025(t)
	tests := []struct {
		from string
		n    int
		want string
		ok   bool
	}{
		{"2025-01-24", 1, "2025-02-03", true}, // Friday before Tết → Monday after
		{"2025-02-07", 1, "2025-02-08", true}, // into the working Saturday
		{"2025-02-03", -1, "2025-01-24", true},
		{"2025-12-31", 1, "", false}, // leaves the year
		{"2025-01-04", 1, "", false}, // not a working day
	}
	for _, tc := range tests {
		got, ok := y.AddWorkingDays(date(t, tc.from), tc.n)
		if ok != tc.ok || (ok && Format(got) != tc.want) {
			t.Errorf("AddWorkingDays(%s, %d) = %s, %v; want %s, %v", tc.from, tc.n, Format(got), ok, tc.want, tc.ok)
		}
	}
}

func TestCountIncludesBothEnds(t *testing.T) {
	y := year2025(t)
	tests := []struct {
		from, to string
		want     int
	}{
		{"2025-03-03", "2025-03-07", 5},
		{"2025-03-08", "2025-03-09", 0}, // weekend only
		{"2025-03-07", "2025-03-03", 0}, // reversed
		{"2025-01-01", "2025-12-31", 250},
		{"2024-06-01", "2025-01-03", 2}, // starts before the year
	}
	for _, tc := range tests {
		if got := y.Count(date(t, tc.from), date(t, tc.to)); got != tc.want {
			t.Errorf("Count(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestMonthsAndISOWeeks(t *testing.T) {
	y := year2025(t)
	total := 0
	for m := time.January; m <= time.December; m++ {
		total += y.InMonth(m)
	}
	if total != y.Len() {
		t.Errorf("months sum to %d, want %d", total, y.Len())
	}
	if got := y.InMonth(time.February); got != 21 { // 20 weekdays + the working Saturday
		t.Errorf("February has %d working days, want 21", got)
	}
	// 2025-12-29 is in ISO week 1 of 2026.
	i, _ := y.Index(date(t, "2025-12-29"))
	if yr, wk := y.ISOWeek(i); yr != 2026 || wk != 1 {
		t.Errorf("ISOWeek(2025-12-29) = %d-W%d, want 2026-W1", yr, wk)
	}
}

func TestDatesOutsideTheYearAreRefused(t *testing.T) {
	if _, err := New(2025, dates(t, "2024-12-31"), nil); err == nil {
		t.Error("a holiday of 2024 was accepted for 2025")
	}
	if _, err := Parse("2025-02-30"); err == nil {
		t.Error("2025-02-30 parsed")
	}
}
