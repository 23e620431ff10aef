package plans_test

import (
	"testing"

	"khung/app/plans"
	"khung/models"
)

// The week view opens on the quarter of today when the plan is this year's,
// on the first quarter otherwise; a chosen quarter is kept.
func TestTheWeekViewOpensOnTodaysQuarterOfThisYearsPlan(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	for _, tc := range []struct {
		name    string
		today   models.Date
		quarter int
		want    int
	}{
		{"next year's plan opens on the first quarter", models.NewDate(year-1, 11, 23), 0, 1},
		{"this year's plan in August opens on the third", models.NewDate(year, 8, 15), 0, 3},
		{"on 31 December, the fourth", models.NewDate(year, 12, 31), 0, 4},
		{"last year's plan opens on the first quarter", models.NewDate(year+1, 5, 2), 0, 1},
		{"a quarter asked for is kept", models.NewDate(year, 8, 15), 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := d.planner
			a.Today = tc.today
			b, err := d.svc.Board(ctx, a, v.ID, plans.BoardFilter{View: "week", Quarter: tc.quarter})
			if err != nil {
				t.Fatal(err)
			}
			first := b.Columns[0].From.AddDate(0, 0, 3) // the Thursday of the first week
			if b.Filter.Quarter != tc.want || (int(first.Month())-1)/3+1 != tc.want {
				t.Errorf("quarter %d, first week %s; want quarter %d", b.Filter.Quarter, first.Format("02/01/2006"), tc.want)
			}
		})
	}
}
