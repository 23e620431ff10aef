package routes

import (
	"context"
	"strings"

	"khung/app/holidays"
	"khung/app/visits"
)

// agendaDay is one working day of a month that has visits: the phone's
// agenda lists these instead of the month grid.
type agendaDay struct {
	Day        visits.Day
	WeekdayKey string // visits.weekday.<key>
}

// workingMonth keeps the visits of a month grid on working days only (a team
// is not on site on a Saturday, a Sunday or a holiday), and returns the
// closed days by ISO date, for the grid to name them, and the agenda.
func (h *Handlers) workingMonth(ctx context.Context, weeks [][]visits.Day) (map[string]holidays.ClosedDay, []agendaDay, error) {
	if len(weeks) == 0 {
		return nil, nil, nil
	}
	first, last := weeks[0][0].Date, weeks[len(weeks)-1][len(weeks[len(weeks)-1])-1].Date
	closed, err := h.App.Holidays.Closed(ctx, first, last)
	if err != nil {
		return nil, nil, err
	}
	byDate := make(map[string]holidays.ClosedDay, len(closed))
	for d, cd := range closed {
		byDate[d.String()] = cd
	}
	var agenda []agendaDay
	for _, week := range weeks {
		for i := range week {
			if _, off := closed[week[i].Date]; off {
				week[i].Visits = nil
				continue
			}
			if week[i].InMonth && len(week[i].Visits) > 0 {
				agenda = append(agenda, agendaDay{Day: week[i], WeekdayKey: strings.ToLower(week[i].Date.Weekday().String()[:3])})
			}
		}
	}
	return byDate, agenda, nil
}
