package holidays_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"khung/app/holidays"
	"khung/app/lunar"
	"khung/models"
)

// days renders a year's calendar as "MM-DD" for holidays and "MM-DD W" for
// working Saturdays, in order.
func days(hs []models.Holiday) []string {
	var out []string
	for _, h := range hs {
		s := h.Date.String()[5:]
		if h.Kind == models.HolidayWorkingSaturday {
			s += " W"
		}
		out = append(out, s)
	}
	return out
}

func TestDefaultHolidaysFollowTheGovernmentsDecisions(t *testing.T) {
	tests := []struct {
		name string
		year int
		want []string
	}{
		{"2025: Tết 27–31/1, 2 May swapped with Saturday 26 April, National Day 1–2/9", 2025, []string{
			"01-01",
			"01-27", "01-28", "01-29", "01-30", "01-31",
			"04-07",
			"04-26 W", "04-30", "05-01", "05-02",
			"09-01", "09-02",
		}},
		{"2026: 2 January swapped with 10 January, Tết 16–20/2, Hùng Kings on a Sunday gives Monday off, 31 August swapped with 22 August", 2026, []string{
			"01-01", "01-02", "01-10 W",
			"02-16", "02-17", "02-18", "02-19", "02-20",
			"04-26", "04-27",
			"04-30", "05-01",
			"08-22 W", "08-31", "09-01", "09-02",
		}},
		{"2027 is generated: Tết's weekend days give the next working days off, 1 May on a Saturday gives Monday, 3/9 joins a Thursday National Day", 2027, []string{
			"01-01",
			"02-05", "02-06", "02-07", "02-08", "02-09", "02-10", "02-11",
			"04-16",
			"04-30", "05-01", "05-03",
			"09-02", "09-03",
		}},
		{"2023 is generated: weekend holidays give the next free working days off, a Saturday National Day takes Friday 1/9", 2023, []string{
			"01-01", "01-02",
			"01-21", "01-22", "01-23", "01-24", "01-25", "01-26", "01-27",
			"04-29", "04-30", "05-01", "05-02", "05-03",
			"09-01", "09-02", "09-04",
		}},
		{"2024 is generated: National Day on a Monday takes Tuesday 3/9", 2024, []string{
			"01-01",
			"02-09", "02-10", "02-11", "02-12", "02-13", "02-14", "02-15",
			"04-18",
			"04-30", "05-01",
			"09-02", "09-03",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, days(holidays.LabourCode(tt.year))); diff != "" {
				t.Fatalf("holidays of %d (-want +got):\n%s", tt.year, diff)
			}
		})
	}
}

func TestDefaultHolidaysAreWellFormedEveryYear(t *testing.T) {
	for year := 2000; year <= 2100; year++ {
		hs := holidays.LabourCode(year)
		seen := map[models.Date]bool{}
		official := 0
		for i, h := range hs {
			where := h.Date.String() + " " + h.NameVI
			switch {
			case h.Date.Year != year:
				t.Fatalf("%d: %s is outside the year", year, where)
			case seen[h.Date]:
				t.Fatalf("%d: %s appears twice", year, where)
			case i > 0 && !hs[i-1].Date.Before(h.Date):
				t.Fatalf("%d: %s is out of order", year, where)
			case h.NameVI == "" || h.NameEN == "" || h.LegalBasis == "":
				t.Fatalf("%d: %s lacks a name or legal basis: %+v", year, where, h)
			case h.Kind == models.HolidayWorkingSaturday && h.Date.Weekday() != time.Saturday:
				t.Fatalf("%d: working Saturday %s is a %s", year, where, h.Date.Weekday())
			case h.Kind != models.HolidayOff && h.Kind != models.HolidayWorkingSaturday:
				t.Fatalf("%d: %s has kind %q", year, where, h.Kind)
			}
			seen[h.Date] = true
			if strings.Contains(h.LegalBasis, "khoản 1 Điều 112") {
				official++
			}
		}
		if official != 11 {
			t.Errorf("%d: want the 11 days of art. 112(1), got %d", year, official)
		}
		for _, must := range []time.Time{lunar.NewYear(year), lunar.HungKings(year)} {
			if !seen[models.DateOf(must)] {
				t.Errorf("%d: %s (Tết or Hùng Kings) is not a holiday", year, must.Format(time.DateOnly))
			}
		}
		// Every holiday on a weekend is followed by a weekday off.
		weekendHolidays, daysOffInLieu := 0, 0
		for _, h := range hs {
			wd := h.Date.Weekday()
			if h.Kind == models.HolidayOff && (wd == time.Saturday || wd == time.Sunday) {
				weekendHolidays++
			}
			if strings.HasPrefix(h.NameVI, "Nghỉ bù ") {
				daysOffInLieu++
			}
		}
		if weekendHolidays != daysOffInLieu {
			t.Errorf("%d: %d holidays on a weekend but %d days off in lieu", year, weekendHolidays, daysOffInLieu)
		}
	}
}

func TestTetDaysAreNamedByTheirLunarDate(t *testing.T) {
	hs := holidays.LabourCode(2026)
	var names []string
	for _, h := range hs {
		if strings.HasPrefix(h.NameVI, "Tết Nguyên đán") {
			names = append(names, h.NameVI)
		}
	}
	want := []string{
		"Tết Nguyên đán (29 tháng Chạp)",
		"Tết Nguyên đán (mùng 1 tháng Giêng)",
		"Tết Nguyên đán (mùng 2 tháng Giêng)",
		"Tết Nguyên đán (mùng 3 tháng Giêng)",
		"Tết Nguyên đán (mùng 4 tháng Giêng)",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("Tết 2026 names (-want +got):\n%s", diff)
	}
	for _, h := range hs {
		if h.Date == models.NewDate(2026, time.February, 16) && !strings.Contains(h.LegalBasis, "9441/TB-BNV") {
			t.Fatalf("Tết 2026 must cite Notice 9441/TB-BNV, got %q", h.LegalBasis)
		}
	}
}
