package gen

import "fmt"

// yearCalendar is one year's public holidays (weekdays off) and working Saturdays.
type yearCalendar struct {
	holidays, extraWorking []string
}

// calendarOf returns the civil-service calendar of year (Labour Code 2019 art. 112
// and the government's yearly decisions): New Year, Tết, Hùng Kings' day, 30/4,
// 1/5 and National Day with its adjacent day, with swapped days and the Saturdays
// worked for them. 2024–2026 follow the announced decisions; 2027 applies the
// Labour Code's default rule (Tết from the last day of the lunar year, weekend
// holidays compensated on the next working day) and may differ from the decision
// the government will announce.
func calendarOf(year int) (yearCalendar, error) {
	switch year {
	case 2024:
		return yearCalendar{
			holidays: []string{"2024-01-01",
				"2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14", // Tết Giáp Thìn
				"2024-04-18",               // Hùng Kings
				"2024-04-29",               // swapped with Saturday 4 May
				"2024-04-30", "2024-05-01", // 30/4, 1/5
				"2024-09-02", "2024-09-03"}, // National Day
			extraWorking: []string{"2024-05-04"},
		}, nil
	case 2025:
		return yearCalendar{
			holidays: []string{"2025-01-01",
				"2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", // Tết Ất Tỵ
				"2025-04-07",                             // Hùng Kings
				"2025-04-30", "2025-05-01", "2025-05-02", // 2 May swapped with Saturday 26 April
				"2025-09-01", "2025-09-02"}, // National Day
			extraWorking: []string{"2025-04-26"},
		}, nil
	case 2026:
		return yearCalendar{
			holidays: []string{"2026-01-01", "2026-01-02", // 2 January swapped with Saturday 10 January
				"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", // Tết Bính Ngọ
				"2026-04-27",               // Hùng Kings falls on Sunday 26 April
				"2026-04-30", "2026-05-01", // 30/4, 1/5
				"2026-08-31",                // swapped with Saturday 22 August
				"2026-09-01", "2026-09-02"}, // National Day
			extraWorking: []string{"2026-01-10", "2026-08-22"},
		}, nil
	case 2027:
		return yearCalendar{
			holidays: []string{"2027-01-01",
				"2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", // Tết Đinh Mùi, weekend compensated
				"2027-04-16",               // Hùng Kings
				"2027-04-30", "2027-05-03", // 1 May is a Saturday
				"2027-09-02", "2027-09-03"}, // National Day
		}, nil
	}
	return yearCalendar{}, fmt.Errorf("year %d: the generator knows the holidays of 2024–2027 only (năm %d: bộ sinh dữ liệu chỉ có lịch nghỉ 2024–2027)", year, year)
}
