package notices

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

// UpcomingVisit is a planned visit of a published plan version that starts
// soon, with what its notice says.
type UpcomingVisit struct {
	Visit followup.Visit
	Unit  int64 // the inspected unit
	Note  notify.VisitNotice
}

// upcomingVisitsSQL selects the planned visits of published plan versions
// that start after today and no later than upTo. Unannounced and verification
// visits are never announced: the inspected unit must not learn of them before
// their first day (authz's rule), and these notices all come before it.
//
// A published amendment copies the visits under new ids, and a notice's key
// holds the visit's id ("visit:<id>:notice@<start>…"): a visit whose unit was
// already told of these dates under an earlier version of the plan (same
// code, same start) is left out, so that an amendment that did not move it
// does not announce it twice. The keys are read with a regular expression
// once per run; the visits in the window are a few dozen.
const upcomingVisitsSQL = `
WITH announced AS (
  SELECT DISTINCT substring(key from '^visit:([0-9]+):notice@')::bigint AS visit_id,
         substring(key from '^visit:[0-9]+:notice@([0-9]{4}-[0-9]{2}-[0-9]{2})')::date AS day
    FROM sent_notification_keys
   WHERE key ~ '^visit:[0-9]+:notice@[0-9]{4}-[0-9]{2}-[0-9]{2}')
SELECT v.id, v.form, v.status, v.start_date, v.end_date, v.unit_id, u.name AS unit_name, b.name AS lead_body, p.year,
       pv.status = 'published' AS published
  FROM visits v
  JOIN plan_versions pv ON pv.id = v.plan_version_id
  JOIN plans p ON p.id = pv.plan_id
  JOIN units u ON u.id = v.unit_id
  JOIN bodies b ON b.id = v.lead_body_id
 WHERE v.form = 'planned'            -- never unannounced or verification visits
   AND pv.status = 'published'
   AND v.start_date > ? AND v.start_date <= ?
   AND NOT EXISTS (
         SELECT 1 FROM announced a
           JOIN visits o ON o.id = a.visit_id AND o.start_date = a.day
           JOIN plan_versions ov ON ov.id = o.plan_version_id
          WHERE ov.plan_id = pv.plan_id AND o.code = v.code AND o.start_date = v.start_date AND o.id <> v.id)
 ORDER BY v.id`

// UpcomingVisits returns the planned visits of published plans that start
// after today and no later than upTo (followup.VisitNoticeDue decides).
func (s *Service) UpcomingVisits(ctx context.Context, tx *gorm.DB, today, upTo time.Time) ([]UpcomingVisit, error) {
	rows, err := tx.WithContext(ctx).Raw(upcomingVisitsSQL, models.DateOf(today), models.DateOf(upTo)).Rows()
	if err != nil {
		return nil, fmt.Errorf("select upcoming visits: %w", err)
	}
	defer rows.Close()
	var out []UpcomingVisit
	for rows.Next() {
		var u UpcomingVisit
		v, note := &u.Visit, &u.Note
		if err := rows.Scan(&v.ID, &v.Form, &v.Status, &v.Start, &note.End, &u.Unit, &note.UnitName, &note.LeadBody, &note.PlanYear, &v.Published); err != nil {
			return nil, fmt.Errorf("read upcoming visit: %w", err)
		}
		v.Start, note.End = asDay(v.Start), asDay(note.End)
		note.VisitID, note.Start = v.ID, v.Start
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select upcoming visits: %w", err)
	}
	return out, nil
}

// VisitNotices decides and records, in tx, the notices due as of now telling
// a unit's office and head, a few working days ahead, that a visit of the
// published framework plan is coming. Unannounced and verification visits are
// never announced: the query leaves them out and followup.VisitNoticeDue
// refuses them again.
func (s *Service) VisitNotices(ctx context.Context, tx *gorm.DB, now time.Time) (notify.Result, error) {
	today := followup.Day(now, s.loc)
	p, err := rules.LoadPolicy(ctx, tx, models.DateOf(today))
	if err != nil {
		return notify.Result{}, err
	}
	w, err := holidays.Workdays(ctx, tx, today.Year(), today.Year()+1)
	if err != nil {
		return notify.Result{}, err
	}
	last, err := w.Add(today, p.VisitNoticeWorkingDays)
	if err != nil {
		return notify.Result{}, err
	}
	dir, err := s.Recipients(ctx, tx)
	if err != nil {
		return notify.Result{}, err
	}
	// A week of slack for visits starting on a day off; VisitNoticeDue decides.
	upcoming, err := s.UpcomingVisits(ctx, tx, today, last.AddDate(0, 0, 7))
	if err != nil {
		return notify.Result{}, err
	}
	var items []notify.Item
	for _, u := range upcoming {
		n, due, err := followup.VisitNoticeDue(u.Visit, p, w, today)
		if err != nil {
			return notify.Result{}, err
		}
		if !due {
			continue
		}
		for _, a := range n.Audiences {
			for _, r := range dir.To(a, u.Unit, true) { // planned visits of the published plan: the unit may know
				items = append(items, notify.Item{Key: n.Key, To: r, Note: u.Note, Mail: n.Mail})
			}
		}
	}
	return notify.Deliver(ctx, tx, now, s.site, items)
}
