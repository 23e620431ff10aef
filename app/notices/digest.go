package notices

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/followup"
	"khung/app/holidays"
	"khung/app/notify"
	"khung/app/rules"
	"khung/models"
)

// digestListed is how many items a digest lists; it counts the others.
const digestListed = 20

// pendingByUnitSQL lists, per unit, the first recommendations waiting for it
// (by deadline) with the unit's totals: one pass over the open
// recommendations, numbered per unit by a window function. A recommendation
// of a secret visit that has not started is left out (authz's rule: the unit
// must not learn of the visit), from the list and from the counts.
var pendingByUnitSQL = `
SELECT owner_unit_id, id, action, deadline, conclusion, unit_name, total, overdue
  FROM (SELECT r.owner_unit_id, r.id, r.action, r.deadline, c.number || '/' || c.symbol AS conclusion, u.name AS unit_name,
               row_number() OVER w AS rn,
               count(*) OVER (PARTITION BY r.owner_unit_id) AS total,
               count(*) FILTER (WHERE r.deadline < ?) OVER (PARTITION BY r.owner_unit_id) AS overdue
          FROM recommendations r
          JOIN conclusions c ON c.id = r.conclusion_id
          JOIN units u ON u.id = r.owner_unit_id
          JOIN visits v ON v.id = c.visit_id
         WHERE r.status IN ('open', 'returned') AND r.owner_unit_id = ANY(?::bigint[])
           AND ` + authz.NotSecretYetSQL("v") + `
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

// Digest sends, in tx, this week's digest to whoever has something pending
// and has not had it yet, from the policy's weekday to the end of the ISO
// week: one message per person with the recommendations their unit has to
// carry out (overdue first) and, for inspectors, the remediation reports
// waiting for their verdict. Weekly overdue reminders are in-app only; this is
// how they reach mailboxes without one mail per recommendation.
func (s *Service) Digest(ctx context.Context, tx *gorm.DB, now time.Time) (notify.Result, error) {
	today := followup.Day(now, s.loc)
	p, err := rules.LoadPolicy(ctx, tx, models.DateOf(today))
	if err != nil {
		return notify.Result{}, err
	}
	key, due := followup.DigestDue(p, today)
	if !due {
		return notify.Result{}, nil
	}
	dir, err := s.Recipients(ctx, tx)
	if err != nil {
		return notify.Result{}, err
	}
	digests, err := s.Digests(ctx, tx, today, dir)
	if err != nil {
		return notify.Result{}, err
	}
	var items []notify.Item
	for _, u := range sortedUsers(digests) {
		items = append(items, notify.Item{Key: key, To: digests[u].To, Note: digests[u].Note, Mail: true})
	}
	return notify.Deliver(ctx, tx, now, s.site, items)
}

// PersonalDigest is one person's digest of the week.
type PersonalDigest struct {
	To   notify.Recipient
	Note notify.Digest
}

func sortedUsers(m map[int64]*PersonalDigest) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Digests returns, by user, what is pending on each person today: the
// recommendations waiting for the units that have users (those of a secret
// visit not started yet left out) and the remediation reports waiting for the
// inspectors on the team of their visit.
func (s *Service) Digests(ctx context.Context, tx *gorm.DB, today time.Time, dir Directory) (map[int64]*PersonalDigest, error) {
	week := followup.Week(today)
	out := map[int64]*PersonalDigest{}
	get := func(r notify.Recipient) *PersonalDigest {
		if out[r.UserID] == nil {
			out[r.UserID] = &PersonalDigest{To: r, Note: notify.Digest{Week: week}}
		}
		return out[r.UserID]
	}

	// Recommendations waiting for units that have users.
	units := dir.unitIDs()
	type pendingRow struct {
		unit       int64
		ref        notify.RecommendationRef
		total, odn int
	}
	var pend []pendingRow
	if len(units) > 0 {
		rows, err := tx.WithContext(ctx).Raw(pendingByUnitSQL, models.DateOf(today), sqlArray(units), models.DateOf(today), digestListed).Rows()
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
			for _, r := range dir.To(pos, p.unit, true) { // the query left out what the unit may not know
				d := get(r)
				d.Note.Items = append(d.Note.Items, notify.DigestItem{RecommendationRef: p.ref, OverdueWorkingDays: overdue})
				d.Note.RecommendationN, d.Note.Overdue = p.total, p.odn
				d.Note.MoreItems = p.total - len(d.Note.Items)
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
		to, ok := dir.Inspector(inspector)
		if !ok {
			continue
		}
		r.Deadline, r.SubmittedOn = asDay(r.Deadline), followup.Day(submitted, s.loc)
		d := get(to)
		if len(d.Note.Reports) < digestListed {
			d.Note.Reports = append(d.Note.Reports, r)
		} else {
			d.Note.MoreReports++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pending remediation reports: %w", err)
	}
	return out, nil
}
