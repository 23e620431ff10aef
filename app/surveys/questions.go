package surveys

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// EditableQuestion is a question as the administrator edits it.
type EditableQuestion struct {
	Question
	Active bool `json:"active"`
}

// QuestionInput is a question's new wording, place and whether it is asked.
type QuestionInput struct {
	Position int
	TextVI   string
	TextEN   string
	Active   bool
}

// mayEdit: the administrator edits the questions (reference data).
func mayEdit(a authz.Actor) error {
	if a.LoggedIn() && a.Role == models.RoleAdmin {
		return nil
	}
	if !a.LoggedIn() {
		return fmt.Errorf("survey questions: %w", apperr.ErrUnauthenticated)
	}
	return fmt.Errorf("survey questions as %s: %w", a.Role, apperr.ErrForbidden)
}

// AllQuestions lists every question, asked or not, in order.
func (s *Service) AllQuestions(ctx context.Context, a authz.Actor) ([]EditableQuestion, error) {
	if err := mayEdit(a); err != nil {
		return nil, err
	}
	var qs []EditableQuestion
	if err := s.db.WithContext(ctx).Raw(`SELECT id, position, text_vi, text_en, active FROM survey_questions
		ORDER BY position, id`).Scan(&qs).Error; err != nil {
		return nil, fmt.Errorf("survey questions: %w", err)
	}
	return qs, nil
}

// SaveQuestion changes question id, or adds one when id is 0. A question
// taken out (not active) keeps its past answers; the results average the
// questions asked now.
func (s *Service) SaveQuestion(ctx context.Context, a authz.Actor, id int64, in QuestionInput) error {
	if err := mayEdit(a); err != nil {
		return err
	}
	in.TextVI, in.TextEN = strings.TrimSpace(in.TextVI), strings.TrimSpace(in.TextEN)
	ve := &apperr.ValidationError{}
	if in.TextVI == "" {
		ve.AddField("text_vi", "required", "surveys.questions.check.text")
	} else if len([]rune(in.TextVI)) > 500 {
		ve.AddField("text_vi", "max", "surveys.questions.check.long")
	}
	if len([]rune(in.TextEN)) > 500 {
		ve.AddField("text_en", "max", "surveys.questions.check.long")
	}
	if in.Position < 1 || in.Position > 99 {
		ve.AddField("position", "range", "surveys.questions.check.position")
	}
	if err := ve.Err(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if id == 0 {
			if err := tx.Raw(`INSERT INTO survey_questions (position, text_vi, text_en, active) VALUES (?, ?, ?, ?) RETURNING id`,
				in.Position, in.TextVI, in.TextEN, in.Active).Scan(&id).Error; err != nil {
				return fmt.Errorf("add survey question: %w", err)
			}
			return audit.Record(tx, a, "survey_question.add", "survey_question", id, nil, in)
		}
		res := tx.Exec(`UPDATE survey_questions SET position = ?, text_vi = ?, text_en = ?, active = ?, updated_at = now() WHERE id = ?`,
			in.Position, in.TextVI, in.TextEN, in.Active, id)
		if res.Error != nil {
			return fmt.Errorf("change survey question %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("survey question %d: %w", id, apperr.ErrNotFound)
		}
		return audit.Record(tx, a, "survey_question.change", "survey_question", id, nil, in)
	})
}
