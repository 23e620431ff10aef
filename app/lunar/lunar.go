// Package lunar converts dates between the Gregorian calendar and the Vietnamese
// lunar calendar (âm lịch), so that Tết (1/1 lunar) and the Hùng Kings'
// Commemoration Day (10/3 lunar) can be computed for any year.
//
// It follows the astronomical algorithm published by Hồ Ngọc Đức ("Thuật toán
// tính âm lịch"): new moons and solar terms from Jean Meeus' formulas, evaluated
// at the meridian of Vietnam (UTC+7). A lunar month starts on the day of a new
// moon; month 11 is the month that contains the winter solstice; a leap year has
// 13 months and its leap month is the first one without a major solar term.
// The package is pure: standard library only, no clock.
package lunar

import (
	"fmt"
	"math"
	"time"
)

// VietnamZone is the offset of Vietnamese civil time from UTC, in hours.
const VietnamZone = 7.0

// Date is a day of the Vietnamese lunar calendar. Leap marks the intercalary
// month (tháng nhuận) that repeats Month.
type Date struct {
	Year  int
	Month int
	Day   int
	Leap  bool
}

// String renders the date as day/month/year, with "(nhuận)" for a leap month.
func (d Date) String() string {
	if d.Leap {
		return fmt.Sprintf("%d/%d (nhuận)/%d", d.Day, d.Month, d.Year)
	}
	return fmt.Sprintf("%d/%d/%d", d.Day, d.Month, d.Year)
}

// FromSolar returns the lunar date of the civil day t (only its year, month and
// day are used, in t's own location).
func FromSolar(t time.Time) Date {
	y, m, d := t.Date()
	return solarToLunar(julianDay(d, int(m), y), VietnamZone)
}

// ToSolar returns the civil day (midnight UTC) of a lunar date. It fails when
// the date does not exist: a leap month in a year without that leap month, or
// a day past the end of the month.
func ToSolar(d Date) (time.Time, error) {
	if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 30 {
		return time.Time{}, fmt.Errorf("lunar date %s: month must be 1–12 and day 1–30", d)
	}
	jd, ok := lunarToJulianDay(d, VietnamZone)
	if !ok {
		return time.Time{}, fmt.Errorf("lunar date %s: year %d has no leap month %d", d, d.Year, d.Month)
	}
	// Day 30 exists only in a long month: converting back must give the same date.
	if back := solarToLunar(jd, VietnamZone); back != d {
		return time.Time{}, fmt.Errorf("lunar date %s: that month has only 29 days", d)
	}
	return fromJulianDay(jd), nil
}

// NewYear returns the first day of the lunar year that begins in Gregorian year
// year: mùng 1 Tết.
func NewYear(year int) time.Time {
	return mustSolar(Date{Year: year, Month: 1, Day: 1})
}

// HungKings returns the Hùng Kings' Commemoration Day (Giỗ Tổ Hùng Vương,
// 10th day of the 3rd lunar month) in Gregorian year year.
func HungKings(year int) time.Time {
	return mustSolar(Date{Year: year, Month: 3, Day: 10})
}

// mustSolar converts a lunar date that exists in every year (a day ≤ 29 of a
// non-leap month); the algorithm cannot fail for such dates.
func mustSolar(d Date) time.Time {
	jd, ok := lunarToJulianDay(d, VietnamZone)
	if !ok {
		panic(fmt.Sprintf("lunar: %s must exist", d))
	}
	return fromJulianDay(jd)
}

// julianDay returns the Julian day number of a Gregorian date (Julian calendar
// before 15 October 1582).
func julianDay(dd, mm, yy int) int {
	a := (14 - mm) / 12
	y := yy + 4800 - a
	m := mm + 12*a - 3
	jd := dd + (153*m+2)/5 + 365*y + y/4 - y/100 + y/400 - 32045
	if jd < 2299161 {
		jd = dd + (153*m+2)/5 + 365*y + y/4 - 32083
	}
	return jd
}

// fromJulianDay returns the civil day of a Julian day number at midnight UTC.
func fromJulianDay(jd int) time.Time {
	var b, c int
	if jd > 2299160 {
		a := jd + 32044
		b = (4*a + 3) / 146097
		c = a - (b*146097)/4
	} else {
		c = jd + 32082
	}
	d := (4*c + 3) / 1461
	e := c - (1461*d)/4
	m := (5*e + 2) / 153
	day := e - (153*m+2)/5 + 1
	month := m + 3 - 12*(m/10)
	year := b*100 + d - 4800 + m/10
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// newMoon returns the Julian date (with fraction, UT) of the k-th new moon after
// the one of 1 January 1900 (Meeus, "Astronomical Algorithms", ch. 47, reduced).
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2 := t * t
	t3 := t2 * t
	dr := math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd1 += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3    // Sun's mean anomaly
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3 // Moon's mean anomaly
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3    // Moon's argument of latitude
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 = c1 - 0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 -= 0.0004 * math.Sin(dr*3*mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 = c1 - 0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	var deltaT float64 // ΔT = TT − UT, in days
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd1 + c1 - deltaT
}

// sunLongitude returns the Sun's apparent longitude in radians, in [0, 2π), at
// Julian date jdn (UT).
func sunLongitude(jdn float64) float64 {
	t := (jdn - 2451545.0) / 36525 // Julian centuries since J2000.0
	t2 := t * t
	dr := math.Pi / 180
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2 // mean anomaly
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2                  // mean longitude
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// newMoonDay returns the Julian day number of the civil day (in zone) that
// contains the k-th new moon.
func newMoonDay(k int, zone float64) int {
	return int(math.Floor(newMoon(k) + 0.5 + zone/24))
}

// sunSector returns which of the 12 sectors of 30° the Sun is in at the start
// of the civil day jd (in zone); sector changes are the major solar terms.
func sunSector(jd int, zone float64) int {
	return int(math.Floor(sunLongitude(float64(jd)-0.5-zone/24) / math.Pi * 6))
}

// month11 returns the Julian day number of the first day of the 11th lunar
// month of Gregorian year yy: the month that contains the winter solstice.
func month11(yy int, zone float64) int {
	off := julianDay(31, 12, yy) - 2415021
	k := int(math.Floor(float64(off) / 29.530588853))
	nm := newMoonDay(k, zone)
	if sunSector(nm, zone) >= 9 { // the solstice (270°) is not yet passed at that new moon
		nm = newMoonDay(k-1, zone)
	}
	return nm
}

// leapMonthOffset returns, for a 13-month year starting at month 11 day a11,
// the position (counted from month 11) of the leap month: the first month
// during which the Sun enters no new sector.
func leapMonthOffset(a11 int, zone float64) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/29.530588853 + 0.5))
	i := 1
	arc := sunSector(newMoonDay(k+i, zone), zone)
	for {
		last := arc
		i++
		arc = sunSector(newMoonDay(k+i, zone), zone)
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// solarToLunar converts a Julian day number to a lunar date.
func solarToLunar(dayNumber int, zone float64) Date {
	k := int(math.Floor((float64(dayNumber) - 2415021.076998695) / 29.530588853))
	monthStart := newMoonDay(k+1, zone)
	// The mean-month estimate of k can be one lunation off (e.g. on 2054-05-07,
	// where the published algorithm yields day 0): step back until the month
	// really starts on or before the day.
	for monthStart > dayNumber {
		k--
		monthStart = newMoonDay(k+1, zone)
	}
	yy := fromJulianDay(dayNumber).Year()
	a11 := month11(yy, zone)
	b11 := a11
	var year int
	if a11 >= monthStart {
		year = yy
		a11 = month11(yy-1, zone)
	} else {
		year = yy + 1
		b11 = month11(yy+1, zone)
	}
	day := dayNumber - monthStart + 1
	diff := (monthStart - a11) / 29
	leap := false
	month := diff + 11
	if b11-a11 > 365 { // a 13-month year
		leapDiff := leapMonthOffset(a11, zone)
		if diff >= leapDiff {
			month = diff + 10
			leap = diff == leapDiff
		}
	}
	if month > 12 {
		month -= 12
	}
	if month >= 11 && diff < 4 {
		year--
	}
	return Date{Year: year, Month: month, Day: day, Leap: leap}
}

// lunarToJulianDay converts a lunar date to a Julian day number; ok is false
// when the year has no such leap month.
func lunarToJulianDay(d Date, zone float64) (jd int, ok bool) {
	var a11, b11 int
	if d.Month < 11 {
		a11 = month11(d.Year-1, zone)
		b11 = month11(d.Year, zone)
	} else {
		a11 = month11(d.Year, zone)
		b11 = month11(d.Year+1, zone)
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/29.530588853))
	off := d.Month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11, zone)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if d.Leap && d.Month != leapMonth {
			return 0, false
		}
		if d.Leap || off >= leapOff {
			off++
		}
	} else if d.Leap {
		return 0, false
	}
	return newMoonDay(k+off, zone) + d.Day - 1, true
}
