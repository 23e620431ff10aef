package surveys

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/notify"
	"khung/models"
	"khung/views"
)

// The surveys' notifications, each recorded once under its key by
// app/notify: the head of an inspected unit is asked for the survey once the
// work on site has ended (SurveyNotices, a job); leadership is told when a
// unit reports misconduct, and the unit when leadership answers (in the
// transaction that records them). None goes to anybody on the team of the
// visit concerned, and none names a visit its recipient may not know of.

// SurveyOpened asks a unit's head to answer the survey about a visit.
type SurveyOpened struct {
	VisitID    int64
	UnitName   string
	LeadBody   string
	Start, End time.Time
}

// Kind names the note's kind.
func (SurveyOpened) Kind() string { return "survey_open" }

// Render writes the note in t's language.
func (n SurveyOpened) Render(t *views.Translator) notify.Content {
	args := []any{"Unit", n.UnitName, "Body", n.LeadBody, "Start", notify.Date(t, n.Start), "End", notify.Date(t, n.End)}
	return notify.Content{Subject: t.T("surveys.notify.open.subject", args...), Body: t.T("surveys.notify.open.body", args...),
		Link: fmt.Sprintf("/surveys/visits/%d", n.VisitID)}
}

// MisconductReceived tells leadership a unit reported misconduct.
type MisconductReceived struct {
	UnitName string
	Visit    *time.Time // the first day of the visit named, if any
}

// Kind names the note's kind.
func (MisconductReceived) Kind() string { return "misconduct_received" }

// Render writes the note in t's language.
func (n MisconductReceived) Render(t *views.Translator) notify.Content {
	about := t.T("surveys.notify.received.no_visit")
	if n.Visit != nil {
		about = t.T("surveys.notify.received.visit", "Start", notify.Date(t, *n.Visit))
	}
	return notify.Content{Subject: t.T("surveys.notify.received.subject", "Unit", n.UnitName),
		Body: t.T("surveys.notify.received.body", "Unit", n.UnitName, "About", about), Link: "/misconduct/inbox"}
}

// MisconductAnswered tells the unit that leadership answered its report.
type MisconductAnswered struct {
	Submitted time.Time
}

// Kind names the note's kind.
func (MisconductAnswered) Kind() string { return "misconduct_answered" }

// Render writes the note in t's language.
func (n MisconductAnswered) Render(t *views.Translator) notify.Content {
	return notify.Content{Subject: t.T("surveys.notify.answered.subject"),
		Body: t.T("surveys.notify.answered.body", "Submitted", notify.Date(t, n.Submitted)), Link: "/misconduct"}
}

// recipients reads the active users matching cond (on users alias u) who are
// not on the team of visit (0: no visit): nothing about a team goes to it.
func recipients(ctx context.Context, tx *gorm.DB, visit int64, cond string, args ...any) ([]notify.Recipient, error) {
	var out []notify.Recipient
	err := tx.WithContext(ctx).Raw(`SELECT u.id AS user_id, u.email, u.full_name AS name, u.locale FROM users u
		WHERE u.active AND (`+cond+`) AND NOT EXISTS (SELECT 1 FROM visit_members m
		      WHERE m.visit_id = ? AND m.inspector_id = u.inspector_id)
		ORDER BY u.id`, append(args, visit)...).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("notification recipients: %w", err)
	}
	return out, nil
}

// leadershipUsers: the department's leadership (approvers whose position is
// leadership), who read misconduct reports.
const leadershipUsers = `u.role = 'approver' AND u.unit_position = 'leadership'`

// SurveyWindowDays is how long after a visit's last day its unit's head is
// still asked for the survey (a job run after a downtime catches up within it).
const SurveyWindowDays = 60

// SurveyNotices asks, once, the head of each inspected unit to answer the
// survey about its visits whose work on site has ended and which it has not
// answered, in-app and by mail, as of now. A visit counts only
// when the unit may know of it (the visibility rule of its own unit's users,
// authz.VisitCondition), so a secret visit is never named before its start.
func (s *Service) SurveyNotices(ctx context.Context, tx *gorm.DB, now time.Time) (notify.Result, error) {
	today := models.DateOf(now.In(s.loc))
	var cands []struct {
		VisitID, UnitID int64
		UnitPath        string
	}
	if err := tx.WithContext(ctx).Raw(`SELECT v.id AS visit_id, v.unit_id, u.path AS unit_path
		FROM visits v JOIN units u ON u.id = v.unit_id
		WHERE `+fmt.Sprintf(endedWork, "v")+` AND v.end_date >= ?
		  AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.visit_id = v.id AND r.unit_id = v.unit_id)
		  AND EXISTS (SELECT 1 FROM users h WHERE h.active AND h.role = 'unit' AND h.unit_id = v.unit_id AND h.unit_position = 'head')
		ORDER BY v.unit_id, v.id`, today.AddDays(-SurveyWindowDays)).Scan(&cands).Error; err != nil {
		return notify.Result{}, fmt.Errorf("surveys to open: %w", err)
	}
	// The visits each unit may know of, by the unit's own rule (one query a unit).
	byUnit := map[int64][]int64{}
	paths := map[int64]string{}
	var units []int64
	for _, c := range cands {
		if byUnit[c.UnitID] == nil {
			units = append(units, c.UnitID)
		}
		byUnit[c.UnitID] = append(byUnit[c.UnitID], c.VisitID)
		paths[c.UnitID] = c.UnitPath
	}
	var items []notify.Item
	for _, unit := range units {
		a := authz.Actor{UserID: -1, Role: models.RoleUnit, UnitID: unit, UnitPath: paths[unit], Today: today}
		cond, args := visitOfUnit(a)
		var visits []struct {
			ID                 int64
			UnitName, LeadBody string
			StartDate, EndDate time.Time
		}
		if err := tx.WithContext(ctx).Raw(`SELECT v.id, u.name AS unit_name, b.name AS lead_body, v.start_date, v.end_date
			FROM visits v JOIN units u ON u.id = v.unit_id JOIN bodies b ON b.id = v.lead_body_id
			WHERE v.id IN ? AND `+cond+` ORDER BY v.id`, append([]any{byUnit[unit]}, args...)...).Scan(&visits).Error; err != nil {
			return notify.Result{}, fmt.Errorf("surveys to open for unit %d: %w", unit, err)
		}
		for _, v := range visits {
			heads, err := recipients(ctx, tx, v.ID, `u.role = 'unit' AND u.unit_id = ? AND u.unit_position = 'head'`, unit)
			if err != nil {
				return notify.Result{}, err
			}
			note := SurveyOpened{VisitID: v.ID, UnitName: v.UnitName, LeadBody: v.LeadBody, Start: v.StartDate, End: v.EndDate}
			for _, r := range heads {
				items = append(items, notify.Item{Key: fmt.Sprintf("survey:open:%d", v.ID), To: r, Note: note, Mail: true})
			}
		}
	}
	return notify.Deliver(ctx, tx, now, s.site, items)
}

// misconductReceived tells leadership, in tx, of report id.
func (s *Service) misconductReceived(ctx context.Context, tx *gorm.DB, now time.Time, id int64) error {
	var m struct {
		UnitName   string
		VisitID    *int64
		VisitStart *time.Time
	}
	if err := tx.WithContext(ctx).Raw(`SELECT u.name AS unit_name, m.visit_id, v.start_date AS visit_start
		FROM misconduct_reports m JOIN units u ON u.id = m.unit_id LEFT JOIN visits v ON v.id = m.visit_id
		WHERE m.id = ?`, id).Scan(&m).Error; err != nil {
		return fmt.Errorf("misconduct report %d: %w", id, err)
	}
	var visit int64
	if m.VisitID != nil {
		visit = *m.VisitID
	}
	to, err := recipients(ctx, tx, visit, leadershipUsers)
	if err != nil {
		return err
	}
	return s.deliver(ctx, tx, now, fmt.Sprintf("misconduct:%d:received", id), to, MisconductReceived{UnitName: m.UnitName, Visit: m.VisitStart})
}

// misconductAnswered tells the reporting unit's users, in tx, that report id
// was answered.
func (s *Service) misconductAnswered(ctx context.Context, tx *gorm.DB, now time.Time, id int64) error {
	var m struct {
		UnitID      int64
		VisitID     *int64
		SubmittedAt time.Time
	}
	if err := tx.WithContext(ctx).Raw(`SELECT unit_id, visit_id, submitted_at FROM misconduct_reports WHERE id = ?`, id).
		Scan(&m).Error; err != nil {
		return fmt.Errorf("misconduct report %d: %w", id, err)
	}
	var visit int64
	if m.VisitID != nil {
		visit = *m.VisitID
	}
	to, err := recipients(ctx, tx, visit, `u.role = 'unit' AND u.unit_id = ?`, m.UnitID)
	if err != nil {
		return err
	}
	return s.deliver(ctx, tx, now, fmt.Sprintf("misconduct:%d:answered", id), to, MisconductAnswered{Submitted: m.SubmittedAt.In(s.loc)})
}

// deliver records note under key for each of to, in-app and by mail.
func (s *Service) deliver(ctx context.Context, tx *gorm.DB, now time.Time, key string, to []notify.Recipient, note notify.Note) error {
	items := make([]notify.Item, len(to))
	for i, r := range to {
		items[i] = notify.Item{Key: key, To: r, Note: note, Mail: true}
	}
	_, err := notify.Deliver(ctx, tx, now, s.site, items)
	return err
}
