package jobs

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/followup"
	"khung/app/holidays"
	"khung/app/notify"
	"khung/app/rules"
	"khung/models"
)

// Reminders reminds units of their recommendations' deadlines (before, on the
// day, weekly while overdue) and escalates overdue ones: the unit's office,
// then its head, then the department's leadership, each level once.
type Reminders struct{ deps }

// candidate is what the decision reads of a recommendation.
type candidate struct {
	rec  followup.Recommendation
	unit int64
}

// candidatesSQL selects the recommendations that can have something due on
// the day: waiting for the unit, with a deadline no later than the day plus
// the largest reminder offset. Everything else has nothing due, so a sweep
// over a million open recommendations reads only this slice (the partial index
// recommendations_due_idx on deadline serves it).
const candidatesSQL = `
SELECT id, deadline, status, (created_at AT TIME ZONE ?)::date AS recorded_on, owner_unit_id
  FROM recommendations
 WHERE status IN ('open', 'returned') AND deadline <= ?`

// Run decides and records the reminders and escalations due as of now.
func (j Reminders) Run(ctx context.Context, now time.Time) error {
	started := time.Now()
	today := followup.Day(now, j.loc)
	var res notify.Result
	var considered int
	ran, err := j.decide(ctx, "reminders", func(tx *gorm.DB) error {
		p, err := rules.LoadPolicy(ctx, tx, models.DateOf(today))
		if err != nil {
			return err
		}
		cands, err := loadCandidates(ctx, tx, j.loc, p.RemindFrom(today))
		if err != nil {
			return err
		}
		considered = len(cands)
		if len(cands) == 0 {
			return nil
		}
		first := today.Year()
		for _, c := range cands {
			first = min(first, c.rec.Deadline.Year())
		}
		w, err := holidays.Workdays(ctx, tx, first, today.Year()+1)
		if err != nil {
			return err
		}
		dir, err := loadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		res, err = j.deliver(ctx, tx, now, today, p, w, dir, cands)
		return err
	})
	if err == nil {
		j.report("reminders", ran, now, res, started, "considered", considered)
	}
	return err
}

func loadCandidates(ctx context.Context, tx *gorm.DB, loc *time.Location, upTo time.Time) ([]candidate, error) {
	rows, err := tx.WithContext(ctx).Raw(candidatesSQL, loc.String(), models.DateOf(upTo)).Rows()
	if err != nil {
		return nil, fmt.Errorf("select recommendations to remind: %w", err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.rec.ID, &c.rec.Deadline, &c.rec.Status, &c.rec.RecordedOn, &c.unit); err != nil {
			return nil, fmt.Errorf("read recommendation to remind: %w", err)
		}
		c.rec.Deadline, c.rec.RecordedOn = asDay(c.rec.Deadline), asDay(c.rec.RecordedOn)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select recommendations to remind: %w", err)
	}
	return out, nil
}

// asDay puts a date read from PostgreSQL at 00:00 UTC, as followup expects.
func asDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// deliver decides in two passes so that only new notifications cost more than
// a key: the first pass computes every due key and claims them all at once; the
// second renders and writes only the recommendations that had a new key.
func (j Reminders) deliver(ctx context.Context, tx *gorm.DB, now, today time.Time, p followup.Policy, w *followup.Workdays, dir directory, cands []candidate) (notify.Result, error) {
	var keys []string
	start := make([]int32, len(cands)+1) // keys of cands[i] are keys[start[i]:start[i+1]]
	for i, c := range cands {
		start[i] = int32(len(keys))
		ns, err := followup.RecommendationDue(c.rec, p, w, today)
		if err != nil {
			return notify.Result{}, err
		}
		for _, n := range ns {
			for _, a := range n.Audiences {
				for _, r := range dir.recipients(a, c.unit) {
					keys = append(keys, notify.DedupeKey(n.Key, r.UserID))
				}
			}
		}
	}
	start[len(cands)] = int32(len(keys))
	fresh, err := notify.Claim(ctx, tx, now, keys)
	if err != nil || len(fresh) == 0 {
		return notify.Result{}, err
	}

	var todo []candidate
	for i, c := range cands {
		for _, k := range keys[start[i]:start[i+1]] {
			if fresh[k] {
				todo = append(todo, c)
				break
			}
		}
	}
	refs, err := loadRecommendationRefs(ctx, tx, todo)
	if err != nil {
		return notify.Result{}, err
	}
	var items []notify.Item
	for _, c := range todo {
		ns, err := followup.RecommendationDue(c.rec, p, w, today)
		if err != nil {
			return notify.Result{}, err
		}
		for _, n := range ns {
			for _, a := range n.Audiences {
				for _, r := range dir.recipients(a, c.unit) {
					if !fresh[notify.DedupeKey(n.Key, r.UserID)] {
						continue
					}
					items = append(items, notify.Item{Key: n.Key, To: r, Note: reminderNote(n, refs[c.rec.ID]), Mail: n.Mail})
				}
			}
		}
	}
	res, err := notify.Write(ctx, tx, now, j.baseURL, items)
	res.New = len(items)
	return res, err
}

func reminderNote(n followup.Notice, ref notify.RecommendationRef) notify.Note {
	if n.Kind == followup.KindEscalation {
		return notify.Escalation{Rec: ref, Level: n.Audiences[0], OverdueWorkingDays: n.OverdueWorkingDays}
	}
	return notify.Reminder{Rec: ref, Type: n.Kind, DaysLeft: n.DaysLeft, OverdueWorkingDays: n.OverdueWorkingDays}
}

// recommendationRefsSQL reads what a notification says about recommendations.
const recommendationRefsSQL = `
SELECT r.id, r.action, r.deadline, c.number || '/' || c.symbol AS conclusion, u.name AS unit_name
  FROM recommendations r
  JOIN conclusions c ON c.id = r.conclusion_id
  JOIN units u ON u.id = r.owner_unit_id
 WHERE r.id = ANY(?::bigint[])`

func loadRecommendationRefs(ctx context.Context, tx *gorm.DB, cands []candidate) (map[int64]notify.RecommendationRef, error) {
	out := make(map[int64]notify.RecommendationRef, len(cands))
	const chunk = 10000
	for s := 0; s < len(cands); s += chunk {
		var ids []int64
		for _, c := range cands[s:min(s+chunk, len(cands))] {
			ids = append(ids, c.rec.ID)
		}
		rows, err := tx.WithContext(ctx).Raw(recommendationRefsSQL, sqlArray(ids)).Rows()
		if err != nil {
			return nil, fmt.Errorf("read recommendations: %w", err)
		}
		for rows.Next() {
			var r notify.RecommendationRef
			if err := rows.Scan(&r.ID, &r.Action, &r.Deadline, &r.Conclusion, &r.UnitName); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read recommendation: %w", err)
			}
			r.Deadline = asDay(r.Deadline)
			out[r.ID] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read recommendations: %w", err)
		}
	}
	return out, nil
}
