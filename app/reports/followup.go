package reports

import (
	"context"
	"fmt"
	"sort"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/followup"
	"khung/app/holidays"
	"khung/app/rules"
	"khung/models"
)

// conclusions counts the conclusions signed in the period and how many were
// signed within the rule's time after the draft was received
// (rules.ConclusionDays, in force on the period's last day).
func (s *Service) conclusions(ctx context.Context, db *gorm.DB, a authz.Actor, f Filter, out *Conclusions) error {
	set, err := rules.Load(ctx, db, f.To)
	if err != nil {
		return fmt.Errorf("report rules: %w", err)
	}
	limit, err := rules.Get(set, rules.ConclusionDays)
	if err != nil {
		return fmt.Errorf("report conclusion rule: %w", err)
	}
	vcond, vargs := authz.StatsVisitCondition(a, "v")
	vf := visitFilter(f, "v")
	var rows []struct {
		SignedOn        models.Date
		DraftReceivedOn *models.Date
	}
	if err := db.Raw(`SELECT c.signed_on, c.draft_received_on FROM conclusions c JOIN visits v ON v.id = c.visit_id
		WHERE c.signed_on BETWEEN ? AND ? AND (`+vcond+`) AND (`+vf.sql+`)`,
		append(append([]any{f.From, f.To}, vargs...), vf.args...)...).Scan(&rows).Error; err != nil {
		return fmt.Errorf("report conclusions: %w", err)
	}
	c := Conclusions{Issued: len(rows), DeadlineDays: limit.Days, WorkingDays: limit.WorkingDays, RuleKey: rules.ConclusionDays.Key}
	var w *followup.Workdays
	if limit.WorkingDays && len(rows) > 0 {
		if w, err = holidays.Workdays(ctx, db, f.From.Year-1, f.To.Year+1); err != nil {
			return err
		}
	}
	for _, row := range rows {
		if row.DraftReceivedOn == nil {
			c.NoDraftDate++
			continue
		}
		due := row.DraftReceivedOn.AddDays(limit.Days)
		if w != nil {
			t, err := w.Add(row.DraftReceivedOn.Time(), limit.Days)
			if err != nil {
				return fmt.Errorf("conclusion deadline: %w", err)
			}
			due = models.DateOf(t)
		}
		if row.SignedOn.After(due) {
			c.Late++
		} else {
			c.OnTime++
		}
	}
	own, _, _, err := recordedOwn(db, a, f)
	if err != nil {
		return err
	}
	c.Own = own
	*out = c
	return nil
}

// recRow is one recommendation as the report reads it.
type recRow struct {
	OwnerUnitID int64
	Name        string
	Deadline    models.Date
	Status      models.RecommendationStatus
	ClosedOn    *models.Date
}

// recVisitRow is a recRow with its visit and conclusion, for the lists.
type recVisitRow struct {
	OwnerUnitID int64
	Name        string
	Deadline    models.Date
	Status      models.RecommendationStatus
	ClosedOn    *models.Date
	VisitID     int64
	VisitUnit   string
	Conclusion  string
	SignedOn    models.Date
}

// rec is the recommendation of r.
func (r recVisitRow) rec() recRow {
	return recRow{OwnerUnitID: r.OwnerUnitID, Name: r.Name, Deadline: r.Deadline, Status: r.Status, ClosedOn: r.ClosedOn}
}

// asOfDate is the day the recommendations are counted on: the period's end,
// or today when earlier.
func asOfDate(a authz.Actor, f Filter) models.Date {
	if today := a.Today; !today.IsZero() && today.Before(f.To) {
		return today
	}
	return f.To
}

// recommendationRows reads the recommendations of the conclusions signed in
// the period that a's statistics count (authz.StatsRecommendationCondition).
func (s *Service) recommendationRows(ctx context.Context, a authz.Actor, f Filter) ([]recVisitRow, error) {
	rcond, rargs := authz.StatsRecommendationCondition(a, "r", "v")
	vf := visitFilter(f, "v")
	var rows []recVisitRow
	if err := s.db.WithContext(ctx).Raw(`SELECT r.owner_unit_id, u.name, r.deadline, r.status,
		(r.closed_at AT TIME ZONE ?)::date AS closed_on,
		v.id AS visit_id, vu.name AS visit_unit, c.number || '/' || c.symbol AS conclusion, c.signed_on
		FROM recommendations r
		JOIN conclusions c ON c.id = r.conclusion_id
		JOIN visits v ON v.id = c.visit_id
		JOIN units u ON u.id = r.owner_unit_id
		JOIN units vu ON vu.id = v.unit_id
		WHERE c.signed_on BETWEEN ? AND ? AND (`+rcond+`) AND (`+vf.sql+`)
		ORDER BY u.path, c.signed_on, r.id`,
		append(append([]any{s.zone(), f.From, f.To}, rargs...), vf.args...)...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("report recommendations: %w", err)
	}
	return rows, nil
}

// workdays is the working calendar from the year before the period to asOf
// (nil when there is nothing to count).
func (s *Service) workdays(ctx context.Context, f Filter, asOf models.Date, n int) (*followup.Workdays, error) {
	if n == 0 {
		return nil, nil
	}
	return holidays.Workdays(ctx, s.db, min(f.From.Year, asOf.Year)-1, asOf.Year)
}

// recommendationStates counts, in SQL, the recommendations of the
// conclusions signed in the period that a's statistics count, as they stood
// at asOf (the third argument), per owner unit and state ("done",
// "cancelled", "open": stateAt's rule), the open ones past their deadline by
// deadline (the working days past it are counted in Go, once per deadline).
// A country's year is half a million recommendations: grouped here, a few
// tens of thousands of rows reach Go.
const recommendationStates = `WITH rs AS (
	SELECT r.owner_unit_id, r.deadline,
	       CASE WHEN r.status = 'done' AND (r.closed_at AT TIME ZONE ?)::date <= ? THEN 'done'
	            WHEN r.status = 'cancelled' AND (r.closed_at IS NULL OR (r.closed_at AT TIME ZONE ?)::date <= ?) THEN 'cancelled'
	            ELSE 'open' END AS state
	  FROM recommendations r
	  JOIN conclusions c ON c.id = r.conclusion_id
	  JOIN visits v ON v.id = c.visit_id
	 WHERE c.signed_on BETWEEN ? AND ? AND (%s) AND (%s))
SELECT g.owner_unit_id, u.name, u.path, g.state, g.past_deadline, g.n
  FROM (SELECT owner_unit_id, state, CASE WHEN state = 'open' AND deadline < ? THEN deadline END AS past_deadline, count(*) AS n
          FROM rs GROUP BY 1, 2, 3) g
  JOIN units u ON u.id = g.owner_unit_id`

// recommendations counts the recommendations of the conclusions signed in
// the period as they stand at the period's end (or today, when earlier): done
// (closed by then), cancelled, open, and overdue (open past the deadline),
// with the working days past it (app/holidays' calendar) and the rate of
// remediation by owner unit.
func (s *Service) recommendations(ctx context.Context, db *gorm.DB, a authz.Actor, f Filter, out *Recommendations) error {
	asOf := asOfDate(a, f)
	rcond, rargs := authz.StatsRecommendationCondition(a, "r", "v")
	vf := visitFilter(f, "v")
	args := append([]any{s.zone(), asOf, s.zone(), asOf, f.From, f.To}, rargs...)
	args = append(append(args, vf.args...), asOf)
	var rows []struct {
		OwnerUnitID  int64
		Name, Path   string
		State        string
		PastDeadline *models.Date
		N            int
	}
	if err := db.Raw(fmt.Sprintf(recommendationStates, rcond, vf.sql), args...).Scan(&rows).Error; err != nil {
		return fmt.Errorf("report recommendations: %w", err)
	}
	// The owners in the order of their units' paths, as the lists show them.
	sort.Slice(rows, func(i, j int) bool { return rows[i].Path < rows[j].Path })
	var rec Recommendations
	rec.AsOf, rec.Ageing = asOf, ageingBuckets()
	var err error
	if _, rec.RecordedIssued, rec.RecordedDone, err = recordedOwn(db, a, f); err != nil {
		return err
	}
	w, err := s.workdays(ctx, f, asOf, len(rows))
	if err != nil {
		return err
	}
	ages := map[models.Date]int{}
	owners := map[int64]*OwnerRecommendations{}
	var order []int64
	for _, row := range rows {
		o := owners[row.OwnerUnitID]
		if o == nil {
			o = &OwnerRecommendations{UnitID: row.OwnerUnitID, Name: row.Name}
			owners[row.OwnerUnitID] = o
			order = append(order, row.OwnerUnitID)
		}
		o.Issued += row.N
		rec.Issued += row.N
		switch row.State {
		case "done":
			o.Done += row.N
			rec.Done += row.N
		case "cancelled":
			o.Cancelled += row.N
			rec.Cancelled += row.N
		default:
			o.Open += row.N
			rec.Open += row.N
			if row.PastDeadline == nil {
				continue
			}
			age, ok := ages[*row.PastDeadline]
			if !ok {
				if age, err = workingDaysAfter(w, *row.PastDeadline, asOf); err != nil {
					return err
				}
				ages[*row.PastDeadline] = age
			}
			if age == 0 {
				continue // past the deadline only by days off
			}
			o.Overdue += row.N
			rec.Overdue += row.N
			o.MaxAgeing = max(o.MaxAgeing, age)
			for i := range rec.Ageing {
				if age >= rec.Ageing[i].From && (rec.Ageing[i].To == 0 || age <= rec.Ageing[i].To) {
					rec.Ageing[i].Count += row.N
				}
			}
		}
	}
	rec.Rate = rate(rec.Done, rec.Issued-rec.Cancelled)
	rec.ByOwner = make([]OwnerRecommendations, 0, len(order))
	for _, id := range order {
		o := owners[id]
		o.Rate = rate(o.Done, o.Issued-o.Cancelled)
		rec.ByOwner = append(rec.ByOwner, *o)
	}
	// The owners most behind first: most overdue, then lowest rate.
	sort.SliceStable(rec.ByOwner, func(i, j int) bool {
		if rec.ByOwner[i].Overdue != rec.ByOwner[j].Overdue {
			return rec.ByOwner[i].Overdue > rec.ByOwner[j].Overdue
		}
		return rec.ByOwner[i].Rate < rec.ByOwner[j].Rate
	})
	*out = rec
	return nil
}

// stateAt is where a recommendation stood on day: done or cancelled when it
// was closed by then, open otherwise.
func stateAt(r recRow, day models.Date) string {
	closed := r.ClosedOn != nil && !r.ClosedOn.After(day)
	switch {
	case closed && r.Status == models.RecommendationDone:
		return "done"
	case r.Status == models.RecommendationCancelled && (r.ClosedOn == nil || closed):
		return "cancelled"
	}
	return "open"
}

// workingDaysAfter counts the working days after deadline up to and
// including day (0 when day is not after it).
func workingDaysAfter(w *followup.Workdays, deadline, day models.Date) (int, error) {
	if !deadline.Before(day) {
		return 0, nil
	}
	n, err := w.Count(deadline.AddDays(1).Time(), day.Time())
	if err != nil {
		return 0, fmt.Errorf("ageing of a deadline of %s: %w", deadline, err)
	}
	return n, nil
}

// rate is done/of, 0 when of is 0, rounded to 4 decimals.
func rate(done, of int) float64 {
	if of <= 0 {
		return 0
	}
	return float64(int(float64(done)/float64(of)*10000+0.5)) / 10000
}

// zone is the time zone's name for SQL (closed_at is a timestamp).
func (s *Service) zone() string {
	if s.loc == nil {
		return "UTC"
	}
	return s.loc.String()
}
