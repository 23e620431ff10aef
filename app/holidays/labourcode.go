package holidays

import (
	"fmt"
	"slices"
	"time"

	"khung/app/lunar"
	"khung/models"
)

// Legal bases quoted on the generated days.
const (
	labourCode        = "Bộ luật Lao động 2019 (Luật số 45/2019/QH14)"
	basisNewYear      = labourCode + ", điểm a khoản 1 Điều 112"
	basisTet          = labourCode + ", điểm b khoản 1 Điều 112"
	basisApril30      = labourCode + ", điểm c khoản 1 Điều 112"
	basisMay1         = labourCode + ", điểm d khoản 1 Điều 112"
	basisNationalDay  = labourCode + ", điểm đ khoản 1 Điều 112"
	basisHungKings    = labourCode + ", điểm e khoản 1 Điều 112"
	basisCompensation = labourCode + ", khoản 3 Điều 111 (ngày nghỉ hằng tuần trùng ngày nghỉ lễ, tết được nghỉ bù vào ngày làm việc kế tiếp)"
	generatedNote     = "; ngày cụ thể do Thủ tướng Chính phủ quyết định hằng năm (khoản 3 Điều 112) — phương án mặc định, cần đối chiếu thông báo của Bộ Nội vụ"
)

// occasion names a group of days decided together (the government fixes the
// days of Tết and of National Day, and swaps working days around any of them).
type occasion int

const (
	newYear occasion = iota
	tet
	hungKings
	april30May1
	nationalDay
)

// LabourCode returns Vietnam's public holidays of year under the Labour
// Code 2019 (art. 112): New Year's Day, five days of Tết, the Hùng Kings' day,
// 30 April, 1 May and National Day with an adjacent day; a holiday that falls on
// a Saturday or Sunday gives a day off on the next working day (art. 111(3)).
// For years whose government decisions are encoded (see decisions), the decided
// days — including swapped days off and the Saturdays worked for them — replace
// the generated ones of that occasion. The result is sorted by date; these are
// defaults loaded as data (by the seed and the calendar's "load defaults"),
// which administrators then edit.
func LabourCode(year int) []models.Holiday {
	byOccasion := generated(year)
	for occ, days := range decisions(year) {
		byOccasion[occ] = days
	}
	var out []models.Holiday
	for _, occ := range []occasion{newYear, tet, hungKings, april30May1, nationalDay} {
		out = append(out, byOccasion[occ]...)
	}
	out = withCompensation(out)
	slices.SortFunc(out, func(a, b models.Holiday) int { return a.Date.Compare(b.Date) })
	return out
}

// generated applies the Labour Code's default rule to year, occasion by
// occasion, without the compensatory days (added afterwards over the whole year).
func generated(year int) map[occasion][]models.Holiday {
	d := func(m time.Month, day int) models.Date { return models.NewDate(year, m, day) }
	h := func(date models.Date, vi, en, basis string) models.Holiday {
		return models.Holiday{Date: date, Kind: models.HolidayOff, NameVI: vi, NameEN: en, LegalBasis: basis}
	}
	out := map[occasion][]models.Holiday{}

	out[newYear] = []models.Holiday{h(d(time.January, 1), "Tết Dương lịch", "New Year's Day", basisNewYear)}

	// Tết: the last day of the old lunar year and the first four of the new one.
	first := models.DateOf(lunar.NewYear(year))
	for i := -1; i < 4; i++ {
		date := first.AddDays(i)
		vi, en := tetDayName(date)
		out[tet] = append(out[tet], h(date, vi, en, basisTet+generatedNote))
	}

	out[hungKings] = []models.Holiday{h(models.DateOf(lunar.HungKings(year)),
		"Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hùng Kings' Commemoration Day (10th day of the 3rd lunar month)", basisHungKings)}

	out[april30May1] = []models.Holiday{
		h(d(time.April, 30), "Ngày Chiến thắng (30/4)", "Reunification Day (30 April)", basisApril30),
		h(d(time.May, 1), "Ngày Quốc tế Lao động (1/5)", "International Labour Day (1 May)", basisMay1),
	}

	// National Day: 2 September and the day before or after it. The choice below
	// reproduces the government's decisions of 2021–2026: the day after when 2/9
	// is a Monday or a Thursday (so the break joins a weekend), the day before
	// otherwise.
	nd := d(time.September, 2)
	adjacent := nd.AddDays(-1)
	if wd := nd.Weekday(); wd == time.Monday || wd == time.Thursday {
		adjacent = nd.AddDays(1)
	}
	adj := h(adjacent, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)", basisNationalDay+generatedNote)
	out[nationalDay] = []models.Holiday{h(nd, "Quốc khánh (2/9)", "National Day (2 September)", basisNationalDay), adj}
	return out
}

// tetDayName names a day of Tết by its lunar date.
func tetDayName(date models.Date) (vi, en string) {
	l := lunar.FromSolar(date.Time())
	if l.Month == 12 {
		return fmt.Sprintf("Tết Nguyên đán (%d tháng Chạp)", l.Day),
			fmt.Sprintf("Lunar New Year (day %d of the 12th lunar month)", l.Day)
	}
	return fmt.Sprintf("Tết Nguyên đán (mùng %d tháng Giêng)", l.Day),
		fmt.Sprintf("Lunar New Year (day %d of the 1st lunar month)", l.Day)
}

// withCompensation adds, for every holiday on a Saturday or Sunday, a day off
// on the next working day that is not already a day off (Labour Code 2019,
// art. 111(3)). Days decided by the government already include their own
// arrangement, so only generated occasions can need compensation in practice.
func withCompensation(days []models.Holiday) []models.Holiday {
	slices.SortFunc(days, func(a, b models.Holiday) int { return a.Date.Compare(b.Date) })
	taken := map[models.Date]bool{}
	for _, h := range days {
		if h.Kind == models.HolidayOff {
			taken[h.Date] = true
		}
	}
	isWorkingDay := func(d models.Date) bool {
		wd := d.Weekday()
		return !taken[d] && wd != time.Saturday && wd != time.Sunday
	}
	out := slices.Clone(days)
	for _, h := range days {
		wd := h.Date.Weekday()
		if h.Kind != models.HolidayOff || (wd != time.Saturday && wd != time.Sunday) {
			continue
		}
		next := h.Date.AddDays(1)
		for !isWorkingDay(next) {
			next = next.AddDays(1)
		}
		taken[next] = true
		out = append(out, models.Holiday{
			Date:       next,
			Kind:       models.HolidayOff,
			NameVI:     "Nghỉ bù " + h.NameVI,
			NameEN:     "Day off in lieu of " + h.NameEN,
			LegalBasis: basisCompensation,
		})
	}
	return out
}

// decisions returns the days the government actually fixed for year, occasion
// by occasion, each with the document it comes from. Only decisions verified
// against published notices are encoded; other years use the generated rule.
func decisions(year int) map[occasion][]models.Holiday {
	d := func(m time.Month, day int) models.Date { return models.NewDate(year, m, day) }
	h := func(date models.Date, vi, en, basis string) models.Holiday {
		return models.Holiday{Date: date, Kind: models.HolidayOff, NameVI: vi, NameEN: en, LegalBasis: basis}
	}
	sat := func(date models.Date, vi, en, basis string) models.Holiday {
		return models.Holiday{Date: date, Kind: models.HolidayWorkingSaturday, NameVI: vi, NameEN: en, LegalBasis: basis}
	}
	tetDays := func(from models.Date, basis string) []models.Holiday {
		var out []models.Holiday
		for i := range 5 {
			date := from.AddDays(i)
			vi, en := tetDayName(date)
			out = append(out, h(date, vi, en, basis))
		}
		return out
	}
	switch year {
	case 2025:
		const tet2025 = basisTet + "; Thủ tướng Chính phủ đồng ý phương án nghỉ Tết Ất Tỵ của Bộ Lao động - Thương binh và Xã hội (Văn phòng Chính phủ thông báo ngày 26/11/2024): nghỉ từ 27/01 đến hết 31/01/2025 (28 tháng Chạp đến mùng 3 tháng Giêng)"
		const may2025 = "Thủ tướng Chính phủ đồng ý hoán đổi ngày làm việc thứ Sáu 02/5/2025 sang thứ Bảy 26/4/2025 (đề xuất của Bộ Lao động - Thương binh và Xã hội, nay là Bộ Nội vụ)"
		const nd2025 = basisNationalDay + "; Bộ Nội vụ thông báo lịch nghỉ Quốc khánh năm 2025 (8/2025): nghỉ thứ Hai 01/9 và thứ Ba 02/9/2025"
		return map[occasion][]models.Holiday{
			tet: tetDays(d(time.January, 27), tet2025),
			april30May1: {
				sat(d(time.April, 26), "Làm bù cho thứ Sáu 02/5/2025", "Working Saturday in exchange for Friday 2 May 2025", may2025),
				h(d(time.April, 30), "Ngày Chiến thắng (30/4)", "Reunification Day (30 April)", basisApril30),
				h(d(time.May, 1), "Ngày Quốc tế Lao động (1/5)", "International Labour Day (1 May)", basisMay1),
				h(d(time.May, 2), "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", "Swapped day off (worked on Saturday 26 April 2025)", may2025),
			},
			nationalDay: {
				h(d(time.September, 1), "Quốc khánh (ngày liền kề)", "National Day (adjacent day)", nd2025),
				h(d(time.September, 2), "Quốc khánh (2/9)", "National Day (2 September)", nd2025),
			},
		}
	case 2026:
		const newYear2026 = "Văn phòng Chính phủ thông báo ý kiến Phó Thủ tướng Phạm Thị Thanh Trà (25/12/2025) đồng ý đề xuất của Bộ Nội vụ: hoán đổi ngày làm việc thứ Sáu 02/01/2026 sang thứ Bảy 10/01/2026"
		const notice9441 = "Thông báo số 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ (theo Công văn số 9859/VPCP-KGVX ngày 13/10/2025 của Văn phòng Chính phủ)"
		return map[occasion][]models.Holiday{
			newYear: {
				h(d(time.January, 1), "Tết Dương lịch", "New Year's Day", basisNewYear),
				h(d(time.January, 2), "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", "Swapped day off (worked on Saturday 10 January 2026)", newYear2026),
				sat(d(time.January, 10), "Làm bù cho thứ Sáu 02/01/2026", "Working Saturday in exchange for Friday 2 January 2026", newYear2026),
			},
			tet: tetDays(d(time.February, 16), basisTet+"; "+notice9441+": nghỉ từ 16/02 đến hết 20/02/2026 (29 tháng Chạp đến mùng 4 tháng Giêng)"),
			nationalDay: {
				sat(d(time.August, 22), "Làm bù cho thứ Hai 31/8/2026", "Working Saturday in exchange for Monday 31 August 2026", notice9441),
				h(d(time.August, 31), "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", "Swapped day off (worked on Saturday 22 August 2026)", notice9441),
				h(d(time.September, 1), "Quốc khánh (ngày liền kề)", "National Day (adjacent day)", basisNationalDay+"; "+notice9441),
				h(d(time.September, 2), "Quốc khánh (2/9)", "National Day (2 September)", basisNationalDay+"; "+notice9441),
			},
		}
	}
	return nil
}

// DefaultInputs is LabourCode as the calendar's inputs: the Defaults that
// "load defaults" offers.
func DefaultInputs(year int) []Input {
	var out []Input
	for _, d := range LabourCode(year) {
		out = append(out, Input{Date: d.Date, Kind: string(d.Kind), NameVI: d.NameVI, NameEN: d.NameEN, LegalBasis: d.LegalBasis})
	}
	return out
}
