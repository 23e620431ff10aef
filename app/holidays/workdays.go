package holidays

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/calendar"
	"khung/app/followup"
	"khung/models"
)

// Workdays builds the working-day calendar of the years from..to out of the
// holidays table (a year without rows is Monday to Friday), for deadlines and
// reminders counted in working days.
func Workdays(ctx context.Context, db *gorm.DB, from, to int) (*followup.Workdays, error) {
	var days []models.Holiday
	if err := db.WithContext(ctx).Select("date", "kind").
		Where("date BETWEEN ? AND ?", models.NewDate(from, 1, 1), models.NewDate(to, 12, 31)).
		Find(&days).Error; err != nil {
		return nil, fmt.Errorf("read holidays %d–%d: %w", from, to, err)
	}
	off, extra := map[int][]time.Time{}, map[int][]time.Time{}
	for _, h := range days {
		if h.Kind == models.HolidayWorkingSaturday {
			extra[h.Date.Year] = append(extra[h.Date.Year], h.Date.Time())
		} else {
			off[h.Date.Year] = append(off[h.Date.Year], h.Date.Time())
		}
	}
	var years []*calendar.Year
	for y := from; y <= to; y++ {
		c, err := calendar.New(y, off[y], extra[y])
		if err != nil {
			return nil, fmt.Errorf("working calendar of %d: %w", y, err)
		}
		years = append(years, c)
	}
	return followup.NewWorkdays(years...)
}
