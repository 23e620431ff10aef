package notices

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/followup"
	"khung/app/holidays"
	"khung/app/notify"
	"khung/app/rules"
	"khung/models"
)

// Candidate is a recommendation that can have a reminder or an escalation due.
type Candidate struct {
	Rec  followup.Recommendation
	Unit int64 // the unit that must act
	// UnitMayKnow is the visibility rule for the unit's users: false while the
	// recommendation's visit is an unannounced or verification visit that has
	// not started (authz.NotSecretYetSQL).
	UnitMayKnow bool
}

// candidatesSQL selects the recommendations that can have something due on
// the day: waiting for the unit, with a deadline no later than the day plus
// the largest reminder offset. Everything else has nothing due, so a sweep
// over a million open recommendations reads only this slice (the partial index
// recommendations_due_idx on deadline serves it). unit_may_know is authz's
// secret-visit rule on the recommendation's visit, as of the day.
var candidatesSQL = `
SELECT r.id, r.deadline, r.status, (r.created_at AT TIME ZONE ?)::date AS recorded_on, r.owner_unit_id,
       COALESCE(` + authz.NotSecretYetSQL("v") + `, false) AS unit_may_know
  FROM recommendations r
  JOIN conclusions c ON c.id = r.conclusion_id
  JOIN visits v ON v.id = c.visit_id
 WHERE r.status IN ('open', 'returned') AND r.deadline <= ?`

// DueRecommendations returns the recommendations that can have a reminder or
// an escalation due today under policy p (followup.RecommendationDue decides).
func (s *Service) DueRecommendations(ctx context.Context, tx *gorm.DB, today time.Time, p followup.Policy) ([]Candidate, error) {
	rows, err := tx.WithContext(ctx).Raw(candidatesSQL, s.loc.String(), models.DateOf(today), models.DateOf(p.RemindFrom(today))).Rows()
	if err != nil {
		return nil, fmt.Errorf("select recommendations to remind: %w", err)
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.Rec.ID, &c.Rec.Deadline, &c.Rec.Status, &c.Rec.RecordedOn, &c.Unit, &c.UnitMayKnow); err != nil {
			return nil, fmt.Errorf("read recommendation to remind: %w", err)
		}
		c.Rec.Deadline, c.Rec.RecordedOn = asDay(c.Rec.Deadline), asDay(c.Rec.RecordedOn)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select recommendations to remind: %w", err)
	}
	return out, nil
}

// Reminders decides and records, in tx, the reminders and escalations due as
// of now: the unit's office before the deadline, on the day and weekly while
// overdue, then the escalation ladder (office, head, the department's
// leadership), each once. It returns what it wrote and how many
// recommendations it considered.
func (s *Service) Reminders(ctx context.Context, tx *gorm.DB, now time.Time) (notify.Result, int, error) {
	today := followup.Day(now, s.loc)
	p, err := rules.LoadPolicy(ctx, tx, models.DateOf(today))
	if err != nil {
		return notify.Result{}, 0, err
	}
	cands, err := s.DueRecommendations(ctx, tx, today, p)
	if err != nil || len(cands) == 0 {
		return notify.Result{}, 0, err
	}
	first := today.Year()
	for _, c := range cands {
		first = min(first, c.Rec.Deadline.Year())
	}
	w, err := holidays.Workdays(ctx, tx, first, today.Year()+1)
	if err != nil {
		return notify.Result{}, 0, err
	}
	dir, err := s.Recipients(ctx, tx)
	if err != nil {
		return notify.Result{}, 0, err
	}
	res, err := s.deliverReminders(ctx, tx, now, today, p, w, dir, cands)
	return res, len(cands), err
}

// deliverReminders decides in two passes so that only new notifications cost
// more than a key: the first pass computes every due key and claims them all
// at once; the second renders and writes only the recommendations that had a
// new key.
func (s *Service) deliverReminders(ctx context.Context, tx *gorm.DB, now, today time.Time, p followup.Policy, w *followup.Workdays, dir Directory, cands []Candidate) (notify.Result, error) {
	var keys []string
	start := make([]int32, len(cands)+1) // keys of cands[i] are keys[start[i]:start[i+1]]
	for i, c := range cands {
		start[i] = int32(len(keys))
		ns, err := followup.RecommendationDue(c.Rec, p, w, today)
		if err != nil {
			return notify.Result{}, err
		}
		for _, n := range ns {
			for _, a := range n.Audiences {
				for _, r := range dir.To(a, c.Unit, c.UnitMayKnow) {
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

	var todo []Candidate
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
		ns, err := followup.RecommendationDue(c.Rec, p, w, today)
		if err != nil {
			return notify.Result{}, err
		}
		items = append(items, s.recommendationItems(c, ns, today, dir, fresh, refs[c.Rec.ID])...)
	}
	res, err := notify.Write(ctx, tx, now, s.site, items)
	res.New = len(items)
	return res, err
}

// recommendationItems turns the notices due today for one recommendation into
// the items of the recipients whose keys are fresh. The reminder steps that
// fall due together for one recipient (after a downtime, the 7-day and the
// 1-day reminder) become one item saying how the deadline stands today, under
// the latest step's key, by mail when any of the steps goes by mail. When
// reminders are caught up and the same run escalates to that person, the
// escalation, which says the same and more, stands for them. Every step's key
// was claimed with the item, so no later run sends the steps it stands for.
// On an ordinary day nothing is folded: today's weekly reminder and today's
// escalation stay two items.
func (s *Service) recommendationItems(c Candidate, ns []followup.Notice, today time.Time, dir Directory, fresh map[string]bool, ref notify.RecommendationRef) []notify.Item {
	type forOne struct {
		reminder    *notify.Item
		late        bool // a reminder step scheduled before today is among them
		escalations []notify.Item
	}
	var order []int64
	per := map[int64]*forOne{}
	overdue := 0
	for _, n := range ns {
		overdue = max(overdue, n.OverdueWorkingDays)
	}
	// ns lists the reminder steps in the order they fall due: a later step
	// stands for the earlier ones.
	for _, n := range ns {
		for _, a := range n.Audiences {
			for _, r := range dir.To(a, c.Unit, c.UnitMayKnow) {
				if !fresh[notify.DedupeKey(n.Key, r.UserID)] {
					continue
				}
				f := per[r.UserID]
				if f == nil {
					f = &forOne{}
					per[r.UserID] = f
					order = append(order, r.UserID)
				}
				if n.Kind == followup.KindEscalation {
					f.escalations = append(f.escalations, notify.Item{Key: n.Key, To: r, Mail: n.Mail,
						Note: notify.Escalation{Rec: ref, Level: a, OverdueWorkingDays: n.OverdueWorkingDays}})
					continue
				}
				it := notify.Item{Key: n.Key, To: r, Note: currentReminder(ref, n.DaysLeft, overdue), Mail: n.Mail}
				if f.reminder != nil {
					it.Mail = it.Mail || f.reminder.Mail
				}
				f.reminder = &it
				f.late = f.late || n.Scheduled.Before(today)
			}
		}
	}
	var items []notify.Item
	for _, u := range order {
		f := per[u]
		switch {
		case f.reminder != nil && f.late && len(f.escalations) > 0:
			f.escalations[0].Mail = f.escalations[0].Mail || f.reminder.Mail
		case f.reminder != nil:
			items = append(items, *f.reminder)
		}
		items = append(items, f.escalations...)
	}
	return items
}

// currentReminder says how a recommendation's deadline stands today, whichever
// step of the reminders is being sent: "còn 1 ngày" even for a 7-day reminder
// sent late.
func currentReminder(ref notify.RecommendationRef, daysLeft, overdueWorkingDays int) notify.Reminder {
	kind := followup.KindBeforeDeadline
	switch {
	case daysLeft == 0:
		kind = followup.KindDeadlineToday
	case daysLeft < 0:
		kind = followup.KindOverdue
	}
	return notify.Reminder{Rec: ref, Type: kind, DaysLeft: daysLeft, OverdueWorkingDays: overdueWorkingDays}
}

// recommendationRefsSQL reads what a notification says about recommendations.
const recommendationRefsSQL = `
SELECT r.id, r.action, r.deadline, c.number || '/' || c.symbol AS conclusion, u.name AS unit_name
  FROM recommendations r
  JOIN conclusions c ON c.id = r.conclusion_id
  JOIN units u ON u.id = r.owner_unit_id
 WHERE r.id = ANY(?::bigint[])`

func loadRecommendationRefs(ctx context.Context, tx *gorm.DB, cands []Candidate) (map[int64]notify.RecommendationRef, error) {
	out := make(map[int64]notify.RecommendationRef, len(cands))
	const chunk = 10000
	for s := 0; s < len(cands); s += chunk {
		var ids []int64
		for _, c := range cands[s:min(s+chunk, len(cands))] {
			ids = append(ids, c.Rec.ID)
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
