package jobs

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm"

	"khung/app/followup"
	"khung/app/holidays"
	"khung/app/notify"
	"khung/app/rules"
	"khung/models"
)

// Digest sends each person, once a week, one message with everything pending
// on them: the recommendations their unit has to carry out (overdue first)
// and, for inspectors, the remediation reports waiting for their verdict.
// Weekly overdue reminders are in-app only; this is how they reach mailboxes
// without one mail per recommendation.
type Digest struct{ deps }

// digestListed is how many items a digest lists; it counts the others.
const digestListed = 20

// pendingByUnitSQL lists, per unit, the first recommendations waiting for it
// (by deadline) with the unit's totals: one pass over the open
// recommendations, numbered per unit by a window function.
const pendingByUnitSQL = `
SELECT owner_unit_id, id, action, deadline, conclusion, unit_name, total, overdue
  FROM (SELECT r.owner_unit_id, r.id, r.action, r.deadline, c.number || '/' || c.symbol AS conclusion, u.name AS unit_name,
               row_number() OVER w AS rn,
               count(*) OVER (PARTITION BY r.owner_unit_id) AS total,
               count(*) FILTER (WHERE r.deadline < ?) OVER (PARTITION BY r.owner_unit_id) AS overdue
          FROM recommendations r
          JOIN conclusions c ON c.id = r.conclusion_id
          JOIN units u ON u.id = r.owner_unit_id
         WHERE r.status IN ('open', 'returned') AND r.owner_unit_id = ANY(?::bigint[])
        WINDOW w AS (PARTITION BY r.owner_unit_id ORDER BY r.deadline, r.id)) AS p
 WHERE rn <= ?
 ORDER BY owner_unit_id, rn`

// pendingReportsSQL lists the remediation reports waiting for a verdict, with
// the inspectors on the team of the visit they follow up.
const pendingReportsSQL = `
SELECT m.inspector_id, r.id, r.action, r.deadline, c.number || '/' || c.symbol AS conclusion, u.name AS unit_name,
       rr.submitted_at
  FROM remediation_reports rr
  JOIN recommendations r ON r.id = rr.recommendation_id
  JOIN conclusions c ON c.id = r.conclusion_id
  JOIN visit_members m ON m.visit_id = c.visit_id
  JOIN units u ON u.id = r.owner_unit_id
 WHERE rr.outcome = 'pending'
 ORDER BY m.inspector_id, rr.submitted_at, rr.id`

// Run sends this week's digest to whoever has something pending and has not
// had it yet, from the policy's weekday to the end of the ISO week.
func (j Digest) Run(ctx context.Context, now time.Time) error {
	started := time.Now()
	today := followup.Day(now, j.loc)
	var res notify.Result
	ran, err := j.decide(ctx, "digest", func(tx *gorm.DB) error {
		p, err := rules.LoadPolicy(ctx, tx, models.DateOf(today))
		if err != nil {
			return err
		}
		key, due := followup.DigestDue(p, today)
		if !due {
			return nil
		}
		dir, err := loadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		digests, err := j.build(ctx, tx, today, followup.Week(today), dir)
		if err != nil {
			return err
		}
		var items []notify.Item
		for _, u := range sortedUsers(digests) {
			items = append(items, notify.Item{Key: key, To: digests[u].to, Note: digests[u].note, Mail: true})
		}
		res, err = notify.Deliver(ctx, tx, now, j.baseURL, items)
		return err
	})
	if err == nil {
		j.report("digest", ran, now, res, started)
	}
	return err
}

type personalDigest struct {
	to   notify.Recipient
	note notify.Digest
}

func sortedUsers(m map[int64]*personalDigest) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (j Digest) build(ctx context.Context, tx *gorm.DB, today time.Time, week string, dir directory) (map[int64]*personalDigest, error) {
	out := map[int64]*personalDigest{}
	get := func(r notify.Recipient) *personalDigest {
		if out[r.UserID] == nil {
			out[r.UserID] = &personalDigest{to: r, note: notify.Digest{Week: week}}
		}
		return out[r.UserID]
	}

	// Recommendations waiting for units that have users.
	var units []int64
	for id := range dir.units {
		units = append(units, id)
	}
	slices.Sort(units)
	type pendingRow struct {
		unit       int64
		ref        notify.RecommendationRef
		total, odn int
	}
	var pend []pendingRow
	if len(units) > 0 {
		rows, err := tx.WithContext(ctx).Raw(pendingByUnitSQL, models.DateOf(today), sqlArray(units), digestListed).Rows()
		if err != nil {
			return nil, fmt.Errorf("read pending recommendations: %w", err)
		}
		for rows.Next() {
			var p pendingRow
			if err := rows.Scan(&p.unit, &p.ref.ID, &p.ref.Action, &p.ref.Deadline, &p.ref.Conclusion, &p.ref.UnitName, &p.total, &p.odn); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read pending recommendation: %w", err)
			}
			p.ref.Deadline = asDay(p.ref.Deadline)
			pend = append(pend, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read pending recommendations: %w", err)
		}
	}
	first := today.Year()
	for _, p := range pend {
		first = min(first, p.ref.Deadline.Year())
	}
	w, err := holidays.Workdays(ctx, tx, first, today.Year())
	if err != nil {
		return nil, err
	}
	for _, p := range pend {
		overdue, err := w.Between(p.ref.Deadline, today)
		if err != nil {
			return nil, err
		}
		for _, pos := range []followup.Audience{followup.AudienceOffice, followup.AudienceHead} {
			for _, r := range dir.units[p.unit][pos] {
				d := get(r)
				d.note.Items = append(d.note.Items, notify.DigestItem{RecommendationRef: p.ref, OverdueWorkingDays: overdue})
				d.note.RecommendationN, d.note.Overdue = p.total, p.odn
				d.note.MoreItems = p.total - len(d.note.Items)
			}
		}
	}

	// Remediation reports waiting for inspectors who have an account.
	rows, err := tx.WithContext(ctx).Raw(pendingReportsSQL).Rows()
	if err != nil {
		return nil, fmt.Errorf("read pending remediation reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var inspector int64
		var r notify.DigestReport
		var submitted time.Time
		if err := rows.Scan(&inspector, &r.ID, &r.Action, &r.Deadline, &r.Conclusion, &r.UnitName, &submitted); err != nil {
			return nil, fmt.Errorf("read pending remediation report: %w", err)
		}
		to, ok := dir.inspectors[inspector]
		if !ok {
			continue
		}
		r.Deadline, r.SubmittedOn = asDay(r.Deadline), followup.Day(submitted, j.loc)
		d := get(to)
		if len(d.note.Reports) < digestListed {
			d.note.Reports = append(d.note.Reports, r)
		} else {
			d.note.MoreReports++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pending remediation reports: %w", err)
	}
	return out, nil
}

// sqlArray passes v as one PostgreSQL array parameter: GORM expands a plain
// slice into a list of placeholders, while pgx encodes a pgtype.Array natively.
func sqlArray[T any](v []T) pgtype.Array[T] {
	a := pgtype.Array[T]{Elements: v, Valid: true}
	if len(v) > 0 {
		a.Dims = []pgtype.ArrayDimension{{Length: int32(len(v)), LowerBound: 1}}
	}
	return a
}
