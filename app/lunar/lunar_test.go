package lunar

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNewYearFallsOnThePublishedDates(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{1985, "1985-01-21"}, // a month before China's Tết (1985-02-20): the UTC+7 meridian matters
		{2007, "2007-02-17"}, // a day before China's (2007-02-18)
		{2020, "2020-01-25"},
		{2023, "2023-01-22"},
		{2024, "2024-02-10"},
		{2025, "2025-01-29"},
		{2026, "2026-02-17"},
		{2027, "2027-02-06"},
		{2028, "2028-01-26"},
	}
	for _, tt := range tests {
		if got := NewYear(tt.year).Format(time.DateOnly); got != tt.want {
			t.Errorf("Tết %d: got %s, want %s", tt.year, got, tt.want)
		}
	}
}

func TestHungKingsDayFallsOnThePublishedDates(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2023, "2023-04-29"},
		{2024, "2024-04-18"},
		{2025, "2025-04-07"},
		{2026, "2026-04-26"},
		{2027, "2027-04-16"},
	}
	for _, tt := range tests {
		if got := HungKings(tt.year).Format(time.DateOnly); got != tt.want {
			t.Errorf("Giỗ Tổ %d: got %s, want %s", tt.year, got, tt.want)
		}
	}
}

func TestSolarDatesConvertToKnownLunarDates(t *testing.T) {
	tests := []struct {
		name  string
		solar string
		want  Date
	}{
		{"last day of Giáp Thìn is the 29th of month 12", "2025-01-28", Date{2024, 12, 29, false}},
		{"last day of Ất Tỵ is the 29th of month 12", "2026-02-16", Date{2025, 12, 29, false}},
		{"2023 has a leap 2nd month", "2023-03-22", Date{2023, 2, 1, true}},
		{"2025 has a leap 6th month", "2025-07-25", Date{2025, 6, 1, true}},
		{"the month after the leap month is the 7th", "2025-08-23", Date{2025, 7, 1, false}},
		{"mid-autumn 2025", "2025-10-06", Date{2025, 8, 15, false}},
		{"month 11 before Tết belongs to the old year", "2025-12-20", Date{2025, 11, 1, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromSolar(day(tt.solar)); got != tt.want {
				t.Fatalf("FromSolar(%s) = %s, want %s", tt.solar, got, tt.want)
			}
			back, err := ToSolar(tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if got := back.Format(time.DateOnly); got != tt.solar {
				t.Fatalf("ToSolar(%s) = %s, want %s", tt.want, got, tt.solar)
			}
		})
	}
}

func TestToSolarRejectsDatesThatDoNotExist(t *testing.T) {
	tests := []struct {
		name string
		d    Date
	}{
		{"leap month in a year without one", Date{2024, 3, 1, true}},
		{"leap month other than the year's", Date{2025, 5, 1, true}},
		{"30th of a 29-day month", Date{2024, 12, 30, false}},
		{"month 13", Date{2025, 13, 1, false}},
		{"day 0", Date{2025, 1, 0, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ToSolar(tt.d); err == nil {
				t.Fatalf("ToSolar(%s) = %s, want an error", tt.d, got.Format(time.DateOnly))
			}
		})
	}
}

// Every day from 1900 to 2100 converts to a lunar date and back to itself, and
// consecutive days are consecutive lunar days or the start of a new month.
func TestEveryDayRoundTripsAndMonthsAreWellFormed(t *testing.T) {
	start, end := day("1900-02-01"), day("2100-12-31")
	prev := FromSolar(start.AddDate(0, 0, -1))
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		l := FromSolar(d)
		if l.Day < 1 || l.Day > 30 || l.Month < 1 || l.Month > 12 {
			t.Fatalf("%s: impossible lunar date %s", d.Format(time.DateOnly), l)
		}
		back, err := ToSolar(l)
		if err != nil || !back.Equal(d) {
			t.Fatalf("%s → %s → %s (%v)", d.Format(time.DateOnly), l, back.Format(time.DateOnly), err)
		}
		switch {
		case l.Day == prev.Day+1 && l.Month == prev.Month && l.Leap == prev.Leap && l.Year == prev.Year:
		case l.Day == 1 && (prev.Day == 29 || prev.Day == 30):
		default:
			t.Fatalf("%s: %s follows %s", d.Format(time.DateOnly), l, prev)
		}
		if l.Month == 1 && l.Day == 1 && !l.Leap && l.Year != d.Year() {
			t.Fatalf("%s: Tết of lunar year %d in Gregorian year %d", d.Format(time.DateOnly), l.Year, d.Year())
		}
		prev = l
	}
}

func BenchmarkFromSolar(b *testing.B) {
	d := day("2026-02-17")
	for b.Loop() {
		FromSolar(d)
	}
}
