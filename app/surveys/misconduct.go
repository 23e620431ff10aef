package surveys

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// MisconductReport is a unit's report of misconduct during an inspection, to
// the department's leadership, and leadership's answer.
type MisconductReport struct {
	ID          int64        `json:"id"`
	UnitID      int64        `json:"unit_id"`
	UnitName    string       `json:"unit_name"`
	VisitID     *int64       `json:"visit_id"`
	VisitStart  *models.Date `json:"visit_start"`
	Body        string       `json:"body"`
	SubmittedAt time.Time    `json:"submitted_at"`
	Status      string       `json:"status"` // received, answered
	Answer      string       `json:"answer"`
	AnsweredAt  *time.Time   `json:"answered_at"`
}

// maxReport is the longest report or answer.
const maxReport = 5000

// mayReadMisconduct: the department's leadership (approvers) reads and
// answers misconduct reports; nobody who may be on a team (inspectors,
// planners) nor viewers, admins or other units.
func mayReadMisconduct(a authz.Actor) error {
	if a.LoggedIn() && a.Role == models.RoleApprover {
		return nil
	}
	if !a.LoggedIn() {
		return fmt.Errorf("misconduct reports: %w", apperr.ErrUnauthenticated)
	}
	return fmt.Errorf("misconduct reports as %s: %w", a.Role, apperr.ErrForbidden)
}

// Visits are the visits of a's unit it may name in a report (those it knows
// of, not cancelled, started), newest first.
func (s *Service) Visits(ctx context.Context, a authz.Actor) ([]OpenVisit, error) {
	if err := mayAnswer(a); err != nil {
		return nil, err
	}
	cond, args := authz.VisitCondition(a, "v")
	var out []OpenVisit
	if err := s.db.WithContext(ctx).Raw(`SELECT v.id AS visit_id, v.start_date, v.end_date, b.name AS lead_body
		FROM visits v JOIN bodies b ON b.id = v.lead_body_id
		WHERE v.unit_id = ? AND v.status <> 'cancelled' AND v.start_date <= ? AND (`+cond+`)
		ORDER BY v.start_date DESC, v.id DESC LIMIT 100`, append([]any{a.UnitID, a.Today}, args...)...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("visits to name in a report: %w", err)
	}
	return out, nil
}

// ReportMisconduct records a's unit's report, about one of its visits or
// none, at now, and tells the department's leadership (never the team).
func (s *Service) ReportMisconduct(ctx context.Context, a authz.Actor, visit int64, body string, now time.Time) (int64, error) {
	if err := mayAnswer(a); err != nil {
		return 0, err
	}
	body = strings.TrimSpace(body)
	ve := &apperr.ValidationError{}
	switch {
	case body == "":
		ve.AddField("body", "required", "surveys.misconduct.check.body")
	case len([]rune(body)) > maxReport:
		ve.AddField("body", "max", "surveys.misconduct.check.too_long", "Max", maxReport)
	}
	var visitID *int64
	if visit != 0 {
		visits, err := s.Visits(ctx, a)
		if err != nil {
			return 0, err
		}
		for _, v := range visits {
			if v.VisitID == visit {
				visitID = &visit
			}
		}
		if visitID == nil {
			ve.AddField("visit_id", "oneof", "surveys.misconduct.check.visit")
		}
	}
	if err := ve.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw(`INSERT INTO misconduct_reports (unit_id, visit_id, body, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			a.UnitID, visitID, body, a.UserID, now).Scan(&id).Error; err != nil {
			return fmt.Errorf("misconduct report: %w", err)
		}
		if err := audit.Record(tx, a, "misconduct.report", "misconduct_report", id, nil, map[string]any{"visit_id": visitID}); err != nil {
			return err
		}
		return s.misconductReceived(ctx, tx, now, id)
	})
	return id, err
}

// misconductList reads reports under cond.
func (s *Service) misconductList(ctx context.Context, cond string, args ...any) ([]MisconductReport, error) {
	var out []MisconductReport
	if err := s.db.WithContext(ctx).Raw(`SELECT m.id, m.unit_id, u.name AS unit_name, m.visit_id, v.start_date AS visit_start,
			m.body, m.submitted_at, m.status, m.answer, m.answered_at
		FROM misconduct_reports m JOIN units u ON u.id = m.unit_id LEFT JOIN visits v ON v.id = m.visit_id
		WHERE `+cond+` ORDER BY m.status = 'answered', m.submitted_at DESC LIMIT 500`, args...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("misconduct reports: %w", err)
	}
	return out, nil
}

// MyMisconductReports are the reports a's unit sent, with their answers.
func (s *Service) MyMisconductReports(ctx context.Context, a authz.Actor) ([]MisconductReport, error) {
	if err := mayAnswer(a); err != nil {
		return nil, err
	}
	return s.misconductList(ctx, "m.unit_id = ?", a.UnitID)
}

// MisconductInbox is every report, unanswered first, for leadership.
func (s *Service) MisconductInbox(ctx context.Context, a authz.Actor) ([]MisconductReport, error) {
	if err := mayReadMisconduct(a); err != nil {
		return nil, err
	}
	return s.misconductList(ctx, "TRUE")
}

// AnswerMisconduct records leadership's answer to report id (once) and tells
// the reporting unit.
func (s *Service) AnswerMisconduct(ctx context.Context, a authz.Actor, id int64, answer string, now time.Time) error {
	if err := mayReadMisconduct(a); err != nil {
		return err
	}
	answer = strings.TrimSpace(answer)
	switch {
	case answer == "":
		return apperr.Field("answer", "required", "surveys.misconduct.check.answer")
	case len([]rune(answer)) > maxReport:
		return apperr.Field("answer", "max", "surveys.misconduct.check.too_long", "Max", maxReport)
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var status string
		if err := tx.Raw(`SELECT status FROM misconduct_reports WHERE id = ? FOR UPDATE`, id).Scan(&status).Error; err != nil {
			return fmt.Errorf("misconduct report %d: %w", id, err)
		}
		switch status {
		case "":
			return fmt.Errorf("misconduct report %d: %w", id, apperr.ErrNotFound)
		case "answered":
			return apperr.Fail(apperr.ErrConflict, "surveys.misconduct.err.answered")
		}
		if err := tx.Exec(`UPDATE misconduct_reports SET status = 'answered', answer = ?, answered_by = ?, answered_at = ? WHERE id = ?`,
			answer, a.UserID, now, id).Error; err != nil {
			return fmt.Errorf("answer misconduct report %d: %w", id, err)
		}
		if err := audit.Record(tx, a, "misconduct.answer", "misconduct_report", id, nil, nil); err != nil {
			return err
		}
		return s.misconductAnswered(ctx, tx, now, id)
	})
}
