package followup

import (
	"errors"
	"testing"
	"time"

	"khung/app/calendar"
)

func day(s string) time.Time {
	t, err := calendar.Parse(s)
	if err != nil {
		panic(err)
	}
	return t
}

func dates(ss ...string) []time.Time {
	out := make([]time.Time, len(ss))
	for i, s := range ss {
		out[i] = day(s)
	}
	return out
}

// testWorkdays is Hanoi's working calendar of 2026 and 2027 (the holidays that
// matter for the tests: New Year, Tết 2026, 30/4–1/5, National Day with its
// swaps, New Year 2027).
func testWorkdays(t testing.TB) *Workdays {
	t.Helper()
	y26, err := calendar.New(2026,
		dates("2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
			"2026-04-27", "2026-04-30", "2026-05-01", "2026-08-31", "2026-09-01", "2026-09-02"),
		dates("2026-01-10", "2026-08-22"))
	if err != nil {
		t.Fatal(err)
	}
	y27, err := calendar.New(2027, dates("2027-01-01"), nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWorkdays(y26, y27)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWorkdays(t *testing.T) {
	w := testWorkdays(t)
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"one working day after a Friday is the Monday", "2026-11-20", 1, "2026-11-23"},
		{"one working day after a Saturday is the Monday", "2026-11-21", 1, "2026-11-23"},
		{"five working days skip the weekend", "2026-11-23", 5, "2026-11-30"},
		{"working days skip the National Day holidays", "2026-08-28", 1, "2026-09-03"},
		{"a compensatory Saturday is a working day", "2026-08-21", 1, "2026-08-22"},
		{"Tết is skipped", "2026-02-13", 1, "2026-02-23"},
		{"a deadline crosses New Year and skips 1 January", "2026-12-30", 2, "2027-01-04"},
		{"counting back skips the weekend", "2026-11-23", -1, "2026-11-20"},
		{"counting back from a Sunday starts at Friday", "2026-11-22", -1, "2026-11-20"},
		{"counting back crosses New Year", "2027-01-04", -2, "2026-12-30"},
		{"zero working days is the day itself", "2026-11-22", 0, "2026-11-22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.Add(day(tt.from), tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if calendar.Format(got) != tt.want {
				t.Fatalf("Add(%s, %d) = %s, want %s", tt.from, tt.n, calendar.Format(got), tt.want)
			}
		})
	}
}

func TestOverdueWorkingDaysCountNeitherTheDeadlineNorDaysOff(t *testing.T) {
	w := testWorkdays(t)
	tests := []struct {
		name     string
		deadline string
		today    string
		want     int
	}{
		{"not overdue on the deadline", "2026-11-20", "2026-11-20", 0},
		{"not overdue before the deadline", "2026-11-20", "2026-11-10", 0},
		{"a weekend after a Friday deadline counts nothing", "2026-11-20", "2026-11-22", 0},
		{"Monday after a Friday deadline is one", "2026-11-20", "2026-11-23", 1},
		{"a week later is five", "2026-11-20", "2026-11-27", 5},
		{"holidays do not count", "2026-08-28", "2026-09-03", 1},
		{"across New Year", "2026-12-30", "2027-01-04", 2},
		{"from 31 December", "2026-12-31", "2027-01-05", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.Between(day(tt.deadline), day(tt.today))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("Between(%s, %s) = %d, want %d", tt.deadline, tt.today, got, tt.want)
			}
		})
	}
}

func TestDeadlineIsNWorkingDaysAfterTheConclusion(t *testing.T) {
	w := testWorkdays(t)
	got, err := Deadline(w, day("2026-11-20"), 10) // Friday
	if err != nil {
		t.Fatal(err)
	}
	if calendar.Format(got) != "2026-12-04" {
		t.Fatalf("deadline = %s, want 2026-12-04", calendar.Format(got))
	}
	if _, err := Deadline(w, day("2026-11-20"), 0); err == nil {
		t.Fatal("zero working days must be refused")
	}
}

func TestAYearWithoutACalendarIsAnError(t *testing.T) {
	w := testWorkdays(t)
	if _, err := w.Add(day("2027-12-30"), 5); !errors.Is(err, ErrNoCalendar) {
		t.Fatalf("Add into 2028: err = %v, want ErrNoCalendar", err)
	}
	if _, err := w.Between(day("2025-12-30"), day("2026-01-05")); !errors.Is(err, ErrNoCalendar) {
		t.Fatalf("Between from 2025: err = %v, want ErrNoCalendar", err)
	}
	y, _ := calendar.New(2026, nil, nil)
	if _, err := NewWorkdays(y, y); err == nil {
		t.Fatal("a year given twice must be refused")
	}
}

// FuzzAddThenBetweenAgree checks the invariant that ties the two operations:
// the n-th working day after d is n working days after d.
func FuzzAddThenBetweenAgree(f *testing.F) {
	f.Add(0, 1)
	f.Add(300, 40)
	f.Add(362, 3)
	w := testWorkdays(f)
	f.Fuzz(func(t *testing.T, offset, n int) {
		if offset < 0 || offset > 364 || n < 1 || n > 200 {
			t.Skip()
		}
		from := day("2026-01-01").AddDate(0, 0, offset)
		to, err := w.Add(from, n)
		if errors.Is(err, ErrNoCalendar) {
			t.Skip()
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.Between(from, to)
		if err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Fatalf("Between(%s, Add(%s, %d) = %s) = %d", calendar.Format(from), calendar.Format(from), n, calendar.Format(to), got)
		}
		back, err := w.Add(to, -n)
		if errors.Is(err, ErrNoCalendar) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if back.After(from) {
			t.Fatalf("Add(Add(%s, %d), %d) = %s is after the start", calendar.Format(from), n, -n, calendar.Format(back))
		}
	})
}
