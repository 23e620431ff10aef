package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/followup"
	"khung/app/holidays"
	"khung/app/notify"
	"khung/app/rules"
	"khung/models"
)

// VisitNotices tells a unit, a few working days ahead, that a visit of the
// published framework plan is coming. Unannounced and verification visits are
// never announced: the query leaves them out and followup.VisitNoticeDue
// refuses them again.
type VisitNotices struct{ deps }

// upcomingVisitsSQL selects the planned visits of published plan versions
// that start after today and no later than upTo.
const upcomingVisitsSQL = `
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
 ORDER BY v.id`

// Run decides and records the visit notices due as of now.
func (j VisitNotices) Run(ctx context.Context, now time.Time) error {
	started := time.Now()
	today := followup.Day(now, j.loc)
	var res notify.Result
	ran, err := j.decide(ctx, "visit-notices", func(tx *gorm.DB) error {
		p, err := rules.LoadPolicy(ctx, tx, models.DateOf(today))
		if err != nil {
			return err
		}
		w, err := holidays.Workdays(ctx, tx, today.Year(), today.Year()+1)
		if err != nil {
			return err
		}
		last, err := w.Add(today, p.VisitNoticeWorkingDays)
		if err != nil {
			return err
		}
		dir, err := loadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		// A week of slack for visits starting on a day off; VisitNoticeDue decides.
		rows, err := tx.WithContext(ctx).Raw(upcomingVisitsSQL, models.DateOf(today), models.DateOf(last.AddDate(0, 0, 7))).Rows()
		if err != nil {
			return fmt.Errorf("select upcoming visits: %w", err)
		}
		defer rows.Close()
		var items []notify.Item
		for rows.Next() {
			var v followup.Visit
			var unit int64
			var note notify.VisitNotice
			if err := rows.Scan(&v.ID, &v.Form, &v.Status, &v.Start, &note.End, &unit, &note.UnitName, &note.LeadBody, &note.PlanYear, &v.Published); err != nil {
				return fmt.Errorf("read upcoming visit: %w", err)
			}
			v.Start, note.End = asDay(v.Start), asDay(note.End)
			n, due, err := followup.VisitNoticeDue(v, p, w, today)
			if err != nil {
				return err
			}
			if !due {
				continue
			}
			note.VisitID, note.Start = v.ID, v.Start
			for _, a := range n.Audiences {
				for _, r := range dir.recipients(a, unit) {
					items = append(items, notify.Item{Key: n.Key, To: r, Note: note, Mail: n.Mail})
				}
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select upcoming visits: %w", err)
		}
		rows.Close()
		res, err = notify.Deliver(ctx, tx, now, j.baseURL, items)
		return err
	})
	if err == nil {
		j.report("visit-notices", ran, now, res, started)
	}
	return err
}

// Directives reminds the inspected unit and the team lead when a conclusion
// still has no implementing directive after the time the law allows.
type Directives struct{ deps }

// missingDirectivesSQL selects the conclusions without a directive signed
// before notAfter (a superset of the late ones: followup decides), of visits
// still being followed up.
const missingDirectivesSQL = `
SELECT c.id, c.signed_on, c.number || '/' || c.symbol AS conclusion, v.unit_id, u.name AS unit_name,
       (SELECT m.inspector_id FROM visit_members m WHERE m.visit_id = v.id AND m.role = 'lead') AS lead
  FROM conclusions c
  JOIN visits v ON v.id = c.visit_id
  JOIN units u ON u.id = v.unit_id
 WHERE c.directive_issued_on IS NULL
   AND c.signed_on < ?
   AND v.status NOT IN ('cancelled', 'closed')
 ORDER BY c.id`

// Run decides and records the missing-directive reminders due as of now.
func (j Directives) Run(ctx context.Context, now time.Time) error {
	started := time.Now()
	today := followup.Day(now, j.loc)
	var res notify.Result
	ran, err := j.decide(ctx, "directives", func(tx *gorm.DB) error {
		p, err := rules.LoadPolicy(ctx, tx, models.DateOf(today))
		if err != nil {
			return err
		}
		type late struct {
			c    followup.Conclusion
			note notify.MissingDirective
			unit int64
			lead sql.NullInt64
		}
		var found []late
		rows, err := tx.WithContext(ctx).Raw(missingDirectivesSQL, models.DateOf(today.AddDate(0, 0, -p.DirectiveDays))).Rows()
		if err != nil {
			return fmt.Errorf("select conclusions without directive: %w", err)
		}
		for rows.Next() {
			var l late
			if err := rows.Scan(&l.c.ID, &l.c.SignedOn, &l.note.Conclusion, &l.unit, &l.note.UnitName, &l.lead); err != nil {
				rows.Close()
				return fmt.Errorf("read conclusion without directive: %w", err)
			}
			l.c.SignedOn = asDay(l.c.SignedOn)
			found = append(found, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select conclusions without directive: %w", err)
		}
		if len(found) == 0 {
			return nil
		}
		first := today.Year()
		for _, l := range found {
			first = min(first, l.c.SignedOn.Year())
		}
		w, err := holidays.Workdays(ctx, tx, first, today.Year())
		if err != nil {
			return err
		}
		dir, err := loadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		var items []notify.Item
		for _, l := range found {
			n, due, err := followup.MissingDirectiveDue(l.c, p, w, today)
			if err != nil {
				return err
			}
			if !due {
				continue
			}
			l.note.ConclusionID, l.note.SignedOn, l.note.Deadline = l.c.ID, l.c.SignedOn, n.Deadline
			for _, a := range n.Audiences {
				var to []notify.Recipient
				if a == followup.AudienceTeam {
					if r, ok := dir.inspectors[l.lead.Int64]; ok && l.lead.Valid {
						to = append(to, r)
					}
				} else {
					to = dir.recipients(a, l.unit)
				}
				for _, r := range to {
					items = append(items, notify.Item{Key: n.Key, To: r, Note: l.note, Mail: n.Mail})
				}
			}
		}
		res, err = notify.Deliver(ctx, tx, now, j.baseURL, items)
		return err
	})
	if err == nil {
		j.report("directives", ran, now, res, started)
	}
	return err
}

// Outbox sends the mail outbox. It takes no advisory lock: senders in several
// processes claim disjoint rows with FOR UPDATE SKIP LOCKED.
type Outbox struct {
	deps
	sender *notify.Sender // nil: SMTP_URL is not set
}

// Run sends the mail due as of now.
func (j Outbox) Run(ctx context.Context, now time.Time) error {
	if j.sender == nil {
		j.log.Debug("SMTP_URL is not set: mail stays in the outbox", "job", "outbox")
		return nil
	}
	started := time.Now()
	res, err := j.sender.Run(ctx, now)
	if res != (notify.SendResult{}) {
		j.log.Info("job done", "job", "outbox", "now", now, "sent", res.Sent, "retry", res.Retry, "failed", res.Failed,
			"reclaimed", res.Reclaimed, "released", res.Released, "took", time.Since(started).Round(time.Millisecond))
	}
	if err != nil {
		return fmt.Errorf("job outbox: %w", err)
	}
	return nil
}
