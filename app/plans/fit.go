package plans

import (
	"context"

	"khung/app/authz"
)

// Fit is how well a version meets the wishes behind the plan, in words a
// leader reads: of the visits a may see, how many are scheduled, and how
// many of those meet every wish (every day inside the proposals' windows, a
// lead other than last time's, every joint body on the team).
type Fit struct {
	Visits, Scheduled, Unscheduled, Met int
	Percent                             int // Met of Visits, rounded down
	Proposals                           int // the proposals of the visits a may see
}

// Fit returns the fit of version id as a may see it.
func (s *Service) Fit(ctx context.Context, a authz.Actor, id int64) (Fit, error) {
	d, err := s.Detail(ctx, a, id)
	if err != nil {
		return Fit{}, err
	}
	f := Fit{Scheduled: len(d.Visits), Unscheduled: len(d.Unscheduled)}
	f.Visits = f.Scheduled + f.Unscheduled
	for _, v := range d.Visits {
		if !v.Soft.Any() {
			f.Met++
		}
		f.Proposals += len(v.Proposals)
	}
	for _, v := range d.Unscheduled {
		f.Proposals += len(v.Proposals)
	}
	if f.Visits > 0 {
		f.Percent = f.Met * 100 / f.Visits
	}
	return f, nil
}
