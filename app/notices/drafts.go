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
	"khung/views"
)

// DraftDue tells the signer (and, once late, the department's leadership
// and the team lead) that a draft conclusion waits for its signature.
type DraftDue struct {
	VisitID    int64
	UnitName   string
	ReceivedOn time.Time
	Deadline   time.Time
	Overdue    bool
}

// Kind names the notice's kind.
func (n DraftDue) Kind() string {
	if n.Overdue {
		return string(followup.KindConclusionOverdue)
	}
	return string(followup.KindConclusionDueSoon)
}

// Render writes the notice in t's language.
func (n DraftDue) Render(t *views.Translator) notify.Content {
	args := []any{"Unit", n.UnitName, "Received", notify.Date(t, n.ReceivedOn), "Last", notify.Date(t, n.Deadline)}
	c := notify.Content{Subject: t.T("legal.notify.draft_soon.subject", args...), Body: t.T("legal.notify.draft_soon.body", args...),
		Link: fmt.Sprintf("/visits/%d#conclusion", n.VisitID)}
	if n.Overdue {
		c.Subject, c.Body = t.T("legal.notify.draft_overdue.subject", args...), t.T("legal.notify.draft_overdue.body", args...)
	}
	return c
}

// DirectiveSoon tells the department's leadership that the directive
// implementing a conclusion is due within days.
type DirectiveSoon struct {
	notify.MissingDirective
}

// Kind names the reminder's kind.
func (n DirectiveSoon) Kind() string { return string(followup.KindDirectiveDueSoon) }

// Render writes the reminder in t's language.
func (n DirectiveSoon) Render(t *views.Translator) notify.Content {
	args := []any{"Conclusion", n.Conclusion, "Unit", n.UnitName, "Signed", notify.Date(t, n.SignedOn), "Last", notify.Date(t, n.Deadline)}
	return notify.Content{Subject: t.T("legal.notify.directive_soon.subject", args...),
		Body: t.T("legal.notify.directive_soon.body", args...), Link: fmt.Sprintf("/conclusions/%d", n.ConclusionID)}
}

// waitingDraftsSQL selects the drafts received by today whose conclusion is
// not signed yet, of visits still at work.
const waitingDraftsSQL = `
SELECT d.visit_id, d.received_on, d.received_by, u.name AS unit_name,
       (SELECT m.inspector_id FROM visit_members m WHERE m.visit_id = v.id AND m.role = 'lead') AS lead
  FROM conclusion_drafts d
  JOIN visits v ON v.id = d.visit_id
  JOIN units u ON u.id = v.unit_id
 WHERE d.received_on <= ?
   AND NOT EXISTS (SELECT 1 FROM conclusions c WHERE c.visit_id = d.visit_id)
   AND v.status NOT IN ('cancelled', 'closed')
 ORDER BY d.visit_id`

// ConclusionDrafts decides and records, in tx, the notices due as of now
// about draft conclusions waiting for their signature: the reminder to the
// signer before the time the law allows ends, the escalation once it has
// passed. Each recipient must be allowed to read the visit's work by the
// visibility rule (authz.VisitWorkScopeOn, on today): a signer or lead who
// may no longer read a secret visit's work is not told of it.
func (s *Service) ConclusionDrafts(ctx context.Context, tx *gorm.DB, now time.Time) (notify.Result, error) {
	today := followup.Day(now, s.loc)
	p, err := rules.LoadPolicy(ctx, tx, models.DateOf(today))
	if err != nil {
		return notify.Result{}, err
	}
	rows, err := tx.WithContext(ctx).Raw(waitingDraftsSQL, models.DateOf(today)).Rows()
	if err != nil {
		return notify.Result{}, fmt.Errorf("select waiting drafts: %w", err)
	}
	type waiting struct {
		draft    followup.Draft
		signer   int64
		unitName string
		lead     sql.NullInt64
	}
	var found []waiting
	for rows.Next() {
		var w waiting
		if err := rows.Scan(&w.draft.VisitID, &w.draft.ReceivedOn, &w.signer, &w.unitName, &w.lead); err != nil {
			rows.Close()
			return notify.Result{}, fmt.Errorf("read waiting draft: %w", err)
		}
		w.draft.ReceivedOn = asDay(w.draft.ReceivedOn)
		found = append(found, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(found) == 0 {
		return notify.Result{}, err
	}
	first := today.Year()
	for _, w := range found {
		first = min(first, w.draft.ReceivedOn.Year())
	}
	wd, err := holidays.Workdays(ctx, tx, first, today.Year()+1)
	if err != nil {
		return notify.Result{}, err
	}
	dir, err := s.Recipients(ctx, tx)
	if err != nil {
		return notify.Result{}, err
	}
	readers := workReaders{tx: tx, today: models.DateOf(today)}
	var items []notify.Item
	for _, w := range found {
		n, due, err := followup.ConclusionDue(w.draft, p, wd, today)
		if err != nil {
			return notify.Result{}, err
		}
		if !due {
			continue
		}
		note := DraftDue{VisitID: w.draft.VisitID, UnitName: w.unitName, ReceivedOn: w.draft.ReceivedOn,
			Deadline: n.Deadline, Overdue: n.Kind == followup.KindConclusionOverdue}
		var to []notify.Recipient
		for _, a := range n.Audiences {
			switch a {
			case followup.AudienceSigner:
				if r, ok, err := readers.user(ctx, w.signer); err != nil {
					return notify.Result{}, err
				} else if ok {
					to = append(to, r)
				}
			case followup.AudienceTeam:
				if r, ok := dir.Inspector(w.lead.Int64); ok && w.lead.Valid {
					to = append(to, r)
				}
			default:
				to = append(to, dir.To(a, 0, false)...)
			}
		}
		for _, r := range to {
			ok, err := readers.may(ctx, r.UserID, w.draft.VisitID)
			if err != nil {
				return notify.Result{}, err
			}
			if ok {
				items = append(items, notify.Item{Key: n.Key, To: r, Note: note, Mail: n.Mail})
			}
		}
	}
	return notify.Deliver(ctx, tx, now, s.site, items)
}

// workReaders answers, for the jobs, whether a user may read a visit's work
// today under the one visibility rule.
type workReaders struct {
	tx    *gorm.DB
	today models.Date
}

// user reads an active user as a recipient.
func (r workReaders) user(ctx context.Context, id int64) (notify.Recipient, bool, error) {
	var u models.User
	err := r.tx.WithContext(ctx).Select("id", "email", "full_name", "locale").Where("id = ? AND active", id).Limit(1).Find(&u).Error
	if err != nil {
		return notify.Recipient{}, false, fmt.Errorf("signer %d: %w", id, err)
	}
	return notify.Recipient{UserID: u.ID, Email: u.Email, Name: u.FullName, Locale: u.Locale}, u.ID != 0, nil
}

// may tells whether user id may read the work of visit today.
func (r workReaders) may(ctx context.Context, id, visit int64) (bool, error) {
	var u models.User
	if err := r.tx.WithContext(ctx).Where("id = ? AND active", id).Limit(1).Find(&u).Error; err != nil {
		return false, fmt.Errorf("user %d: %w", id, err)
	}
	if u.ID == 0 {
		return false, nil
	}
	a := authz.Actor{UserID: u.ID, Role: u.Role, Today: r.today}
	if u.InspectorID != nil {
		a.InspectorID = *u.InspectorID
	}
	var n int64
	if err := r.tx.WithContext(ctx).Model(&models.Visit{}).Scopes(authz.VisitWorkScopeOn(a, "visits")).
		Where("visits.id = ?", visit).Count(&n).Error; err != nil {
		return false, fmt.Errorf("may user %d read visit %d: %w", id, visit, err)
	}
	return n > 0, nil
}
