package holidays

import (
	"context"
	"fmt"
	"time"

	"khung/models"
)

// ClosedDay is a day on which nobody works: a Saturday or Sunday (unless it
// is an announced working Saturday) or a public holiday, with its name.
type ClosedDay struct {
	Date    models.Date
	Weekend bool
	NameVI  string // the holiday's name; "" for a plain weekend day
	NameEN  string
}

// Name returns the holiday's name in lang ("" for a plain weekend day).
func (d ClosedDay) Name(lang string) string {
	if lang == "en" && d.NameEN != "" {
		return d.NameEN
	}
	return d.NameVI
}

// Closed returns the days of from..to (inclusive) that are not working days,
// by date, from the holiday calendar every page shares: calendars paint
// visits on working days only. Holidays are public, so no role is checked.
func (s *Service) Closed(ctx context.Context, from, to models.Date) (map[models.Date]ClosedDay, error) {
	var days []models.Holiday
	if err := s.db.WithContext(ctx).Where("date BETWEEN ? AND ?", from, to).Order("date").Find(&days).Error; err != nil {
		return nil, fmt.Errorf("holidays from %s to %s: %w", from, to, err)
	}
	out := map[models.Date]ClosedDay{}
	for d := from; !d.After(to); d = d.AddDays(1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			out[d] = ClosedDay{Date: d, Weekend: true}
		}
	}
	for _, h := range days {
		if h.Kind == models.HolidayWorkingSaturday {
			delete(out, h.Date)
			continue
		}
		out[h.Date] = ClosedDay{Date: h.Date, Weekend: out[h.Date].Weekend, NameVI: h.NameVI, NameEN: h.NameEN}
	}
	return out, nil
}
