package notices

import (
	"context"
	"database/sql"
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

// LateConclusion is a signed conclusion without an implementing directive.
type LateConclusion struct {
	Conclusion followup.Conclusion
	Note       notify.MissingDirective
	Unit       int64         // the inspected unit
	Lead       sql.NullInt64 // the team lead's inspector id
	// UnitMayKnow is authz's secret-visit rule for the inspected unit's users.
	UnitMayKnow bool
}

// missingDirectivesSQL selects the conclusions without a directive signed
// before notAfter (a superset of the late ones: followup decides), of visits
// still being followed up.
var missingDirectivesSQL = `
SELECT c.id, c.signed_on, c.number || '/' || c.symbol AS conclusion, v.unit_id, u.name AS unit_name,
       (SELECT m.inspector_id FROM visit_members m WHERE m.visit_id = v.id AND m.role = 'lead') AS lead,
       COALESCE(` + authz.NotSecretYetSQL("v") + `, false) AS unit_may_know
  FROM conclusions c
  JOIN visits v ON v.id = c.visit_id
  JOIN units u ON u.id = v.unit_id
 WHERE c.directive_issued_on IS NULL
   AND c.signed_on < ?
   AND v.status NOT IN ('cancelled', 'closed')
 ORDER BY c.id`

// MissingDirectives returns the conclusions that may be late with their
// implementing directive today, or due within the days of the reminder, under
// policy p (followup.MissingDirectiveDue and DirectiveDueSoon decide).
func (s *Service) MissingDirectives(ctx context.Context, tx *gorm.DB, today time.Time, p followup.Policy) ([]LateConclusion, error) {
	// A deadline of D days (calendar or working) after signing that falls
	// before today+R (R: the days of the reminder before it) is one of a
	// conclusion signed before today+R-D+1.
	notAfter := today.AddDate(0, 0, p.LimitReminderDays-p.DirectiveDays+1)
	rows, err := tx.WithContext(ctx).Raw(missingDirectivesSQL, models.DateOf(today), models.DateOf(notAfter)).Rows()
	if err != nil {
		return nil, fmt.Errorf("select conclusions without directive: %w", err)
	}
	defer rows.Close()
	var out []LateConclusion
	for rows.Next() {
		var l LateConclusion
		if err := rows.Scan(&l.Conclusion.ID, &l.Conclusion.SignedOn, &l.Note.Conclusion, &l.Unit, &l.Note.UnitName, &l.Lead, &l.UnitMayKnow); err != nil {
			return nil, fmt.Errorf("read conclusion without directive: %w", err)
		}
		l.Conclusion.SignedOn = asDay(l.Conclusion.SignedOn)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select conclusions without directive: %w", err)
	}
	return out, nil
}

// Directives decides and records, in tx, the reminders due as of now about
// conclusions still without an implementing directive: in the days before
// the time the law allows ends, to the department's leadership (the directive
// is the managing body's head's); once it has passed, to the leadership and
// the team lead.
func (s *Service) Directives(ctx context.Context, tx *gorm.DB, now time.Time) (notify.Result, error) {
	today := followup.Day(now, s.loc)
	p, err := rules.LoadPolicy(ctx, tx, models.DateOf(today))
	if err != nil {
		return notify.Result{}, err
	}
	found, err := s.MissingDirectives(ctx, tx, today, p)
	if err != nil || len(found) == 0 {
		return notify.Result{}, err
	}
	first := today.Year()
	for _, l := range found {
		first = min(first, l.Conclusion.SignedOn.Year())
	}
	w, err := holidays.Workdays(ctx, tx, first, today.Year()+1)
	if err != nil {
		return notify.Result{}, err
	}
	dir, err := s.Recipients(ctx, tx)
	if err != nil {
		return notify.Result{}, err
	}
	var items []notify.Item
	for _, l := range found {
		if soon, due, err := followup.DirectiveDueSoon(l.Conclusion, p, w, today); err != nil {
			return notify.Result{}, err
		} else if due {
			note := l.Note
			note.ConclusionID, note.SignedOn, note.Deadline = l.Conclusion.ID, l.Conclusion.SignedOn, soon.Deadline
			for _, r := range dir.To(followup.AudienceLeadership, l.Unit, l.UnitMayKnow) {
				items = append(items, notify.Item{Key: soon.Key, To: r, Note: DirectiveSoon{note}, Mail: soon.Mail})
			}
		}
		n, due, err := followup.MissingDirectiveDue(l.Conclusion, p, w, today)
		if err != nil {
			return notify.Result{}, err
		}
		if !due {
			continue
		}
		note := l.Note
		note.ConclusionID, note.SignedOn, note.Deadline = l.Conclusion.ID, l.Conclusion.SignedOn, n.Deadline
		for _, a := range n.Audiences {
			var to []notify.Recipient
			if a == followup.AudienceTeam {
				if r, ok := dir.Inspector(l.Lead.Int64); ok && l.Lead.Valid {
					to = append(to, r)
				}
			} else {
				to = dir.To(a, l.Unit, l.UnitMayKnow)
			}
			for _, r := range to {
				items = append(items, notify.Item{Key: n.Key, To: r, Note: note, Mail: n.Mail})
			}
		}
	}
	return notify.Deliver(ctx, tx, now, s.site, items)
}
