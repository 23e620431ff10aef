package reports

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// OwnInput is an inspection a department or commune office ran itself, as
// its office records it: the inspected unit (its own or one below it), the
// kind, form and days on site; Concluded adds the conclusion.
type OwnInput struct {
	UnitID    int64       `json:"unit_id" form:"unit_id" validate:"required,min=1"`
	Kind      string      `json:"kind" form:"kind" validate:"required,max=64"`
	Form      models.Form `json:"form" form:"form" validate:"required,oneof=planned unannounced verification"`
	StartDate models.Date `json:"start_date" form:"start_date" validate:"required" label:"field.start_date"`
	EndDate   models.Date `json:"end_date" form:"end_date" validate:"required,gtefield=StartDate"`
	Note      string      `json:"note" form:"note" validate:"max=2000"`
	Concluded bool        `json:"concluded" form:"concluded"`
	Conclusion
}

// Conclusion is the conclusion of an own inspection and what it found and required.
type Conclusion struct {
	ConclusionNumber    string       `json:"conclusion_number" form:"conclusion_number" validate:"max=64"`
	ConclusionSignedOn  *models.Date `json:"conclusion_signed_on" form:"conclusion_signed_on"`
	Shortcomings        int          `json:"shortcomings" form:"shortcomings" validate:"min=0,max=100000"`
	Violations          int          `json:"violations" form:"violations" validate:"min=0,max=100000"`
	Recommendations     int          `json:"recommendations" form:"recommendations" validate:"min=0,max=100000"`
	RecommendationsDone int          `json:"recommendations_done" form:"recommendations_done" validate:"min=0,max=100000"`
}

// checkOwn adds to ve what is wrong with in beyond its tags, on today.
func checkOwn(in OwnInput, today models.Date, ve *apperr.ValidationError) {
	if !in.StartDate.IsZero() && in.StartDate.After(today) {
		ve.AddField("start_date", "not_future", "reports.own.check.start_future")
	}
	if !in.Concluded {
		return
	}
	switch {
	case in.ConclusionSignedOn == nil || in.ConclusionSignedOn.IsZero():
		ve.AddField("conclusion_signed_on", "required", "reports.own.check.signed_required")
	case in.ConclusionSignedOn.After(today):
		ve.AddField("conclusion_signed_on", "not_future", "reports.own.check.signed_future")
	case in.ConclusionSignedOn.Before(in.StartDate):
		ve.AddField("conclusion_signed_on", "gtefield", "reports.own.check.signed_before_start")
	}
	if strings.TrimSpace(in.ConclusionNumber) == "" {
		ve.AddField("conclusion_number", "required", "reports.own.check.number_required")
	}
	if in.RecommendationsDone > in.Recommendations {
		ve.AddField("recommendations_done", "ltefield", "reports.own.check.done_over_issued")
	}
}

// mayRecord: the office of a department or a commune (a unit user) records
// its own inspections.
func mayRecord(a authz.Actor) error {
	if a.LoggedIn() && a.Role == models.RoleUnit && a.UnitID != 0 {
		return nil
	}
	if !a.LoggedIn() {
		return fmt.Errorf("record own inspections: %w", apperr.ErrUnauthenticated)
	}
	return fmt.Errorf("record own inspections as %s: %w", a.Role, apperr.ErrForbidden)
}

// RecordOwn records an inspection a's unit ran itself, under way or concluded.
func (s *Service) RecordOwn(ctx context.Context, a authz.Actor, in OwnInput) (models.OwnInspection, error) {
	var row models.OwnInspection
	if err := mayRecord(a); err != nil {
		return row, err
	}
	in.Kind, in.Note = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Note)
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(in); err != nil {
		if !errors.As(err, &ve) {
			return row, err
		}
	}
	checkOwn(in, a.Today, ve)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkRefs(tx, a, in, ve); err != nil {
			return err
		}
		if len(ve.Fields) > 0 {
			return ve
		}
		row = ownRow(a, in, "form", nil)
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt").Create(&row).Error; err != nil {
			return fmt.Errorf("record own inspection: %w", err)
		}
		return audit.Record(tx, a, "own_inspection.record", "own_inspection", row.ID, nil, row)
	})
	return row, err
}

// checkRefs adds to ve an inspected unit outside a's subtree (or unknown) and
// an unknown kind.
func checkRefs(tx *gorm.DB, a authz.Actor, in OwnInput, ve *apperr.ValidationError) error {
	if in.UnitID > 0 {
		var n int64
		if err := tx.Model(&models.Unit{}).Scopes(authz.UnitScope(a)).Where("units.id = ?", in.UnitID).Count(&n).Error; err != nil {
			return fmt.Errorf("inspected unit %d: %w", in.UnitID, err)
		}
		if n == 0 {
			ve.AddField("unit_id", "exists", "reports.own.check.unit")
		}
	}
	if in.Kind != "" {
		var n int64
		if err := tx.Model(&models.InspectionKind{}).Where("code = ?", in.Kind).Count(&n).Error; err != nil {
			return fmt.Errorf("kind %q: %w", in.Kind, err)
		}
		if n == 0 {
			ve.AddField("kind", "exists", "reports.own.check.kind")
		}
	}
	return nil
}

// ownRow is the row of in, recorded by a.
func ownRow(a authz.Actor, in OwnInput, source string, ref *string) models.OwnInspection {
	row := models.OwnInspection{ByUnitID: a.UnitID, UnitID: in.UnitID, Kind: in.Kind, Form: in.Form,
		StartDate: in.StartDate, EndDate: in.EndDate, Status: models.OwnUnderWay, Note: in.Note, Source: source,
		ExternalRef: ref, CreatedBy: userID(a)}
	if in.Concluded {
		row.Status = models.OwnConcluded
		row.ConclusionNumber = strings.TrimSpace(in.ConclusionNumber)
		row.ConclusionSignedOn = in.ConclusionSignedOn
		row.Shortcomings, row.Violations = in.Shortcomings, in.Violations
		row.Recommendations, row.RecommendationsDone = in.Recommendations, in.RecommendationsDone
	}
	return row
}

func userID(a authz.Actor) *int64 {
	if a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

// ConcludeOwn records the conclusion of an own inspection under way (or
// corrects that of a concluded one) of a's unit.
func (s *Service) ConcludeOwn(ctx context.Context, a authz.Actor, id int64, c Conclusion) (models.OwnInspection, error) {
	var row models.OwnInspection
	if err := mayRecord(a); err != nil {
		return row, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Set("gorm:query_option", "FOR UPDATE").Where("id = ? AND by_unit_id = ?", id, a.UnitID).
			Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return fmt.Errorf("own inspection %d: %w", id, apperr.ErrNotFound)
			}
			return fmt.Errorf("own inspection %d: %w", id, err)
		}
		in := OwnInput{UnitID: row.UnitID, Kind: row.Kind, Form: row.Form, StartDate: row.StartDate, EndDate: row.EndDate,
			Concluded: true, Conclusion: c}
		ve := &apperr.ValidationError{}
		if err := apperr.Validate(c); err != nil && !errors.As(err, &ve) {
			return err
		}
		checkOwn(in, a.Today, ve)
		if len(ve.Fields) > 0 {
			return ve
		}
		before := row
		next := ownRow(a, in, row.Source, row.ExternalRef)
		row.Status, row.ConclusionNumber, row.ConclusionSignedOn = next.Status, next.ConclusionNumber, next.ConclusionSignedOn
		row.Shortcomings, row.Violations = next.Shortcomings, next.Violations
		row.Recommendations, row.RecommendationsDone = next.Recommendations, next.RecommendationsDone
		if err := tx.Model(&models.OwnInspection{}).Where("id = ?", id).Updates(map[string]any{
			"status": row.Status, "conclusion_number": row.ConclusionNumber, "conclusion_signed_on": row.ConclusionSignedOn,
			"shortcomings": row.Shortcomings, "violations": row.Violations, "recommendations": row.Recommendations,
			"recommendations_done": row.RecommendationsDone, "updated_at": gorm.Expr("now()")}).Error; err != nil {
			return fmt.Errorf("conclude own inspection %d: %w", id, err)
		}
		return audit.Record(tx, a, "own_inspection.conclude", "own_inspection", id, before, row)
	})
	return row, err
}

// OwnItem is an own inspection as its list shows it.
type OwnItem struct {
	models.OwnInspection
	UnitName   string `json:"unit_name"`
	ByUnitName string `json:"by_unit_name"`
	KindVI     string `json:"kind_name_vi"`
	KindEN     string `json:"kind_name_en"`
}

// OwnList lists the own inspections a may read (authz.OwnInspectionCondition)
// that started in year, newest first.
func (s *Service) OwnList(ctx context.Context, a authz.Actor, year int) ([]OwnItem, error) {
	if err := requireReader(a); err != nil {
		return nil, err
	}
	cond, args := authz.OwnInspectionCondition(a, "o")
	var rows []OwnItem
	err := s.db.WithContext(ctx).Raw(`SELECT o.*, u.name AS unit_name, bu.name AS by_unit_name,
		k.name_vi AS kind_vi, k.name_en AS kind_en
		FROM own_inspections o JOIN units u ON u.id = o.unit_id JOIN units bu ON bu.id = o.by_unit_id
		JOIN inspection_kinds k ON k.code = o.kind
		WHERE extract(year FROM o.start_date) = ? AND (`+cond+`)
		ORDER BY o.start_date DESC, o.id DESC LIMIT 2000`, append([]any{year}, args...)...).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("own inspections of %d: %w", year, err)
	}
	return rows, nil
}

// Option is a choice of a form: an id or code and its label.
type Option struct {
	ID    int64  `json:"id"`
	Code  string `json:"code"`
	Label string `json:"label"`
}

// OwnChoices are the inspected units (a's unit and those below it, in force)
// and the kinds of inspection the form offers.
func (s *Service) OwnChoices(ctx context.Context, a authz.Actor) (units, kinds []Option, err error) {
	if err := mayRecord(a); err != nil {
		return nil, nil, err
	}
	db := s.db.WithContext(ctx)
	if err := db.Table("units").Scopes(authz.UnitScope(a)).Where("valid_to IS NULL").
		Select("id, code, name AS label").Order("path").Limit(2000).Scan(&units).Error; err != nil {
		return nil, nil, fmt.Errorf("units to inspect: %w", err)
	}
	if err := db.Raw(`SELECT id, code, name_vi AS label FROM inspection_kinds WHERE valid_to IS NULL ORDER BY id`).
		Scan(&kinds).Error; err != nil {
		return nil, nil, fmt.Errorf("kinds: %w", err)
	}
	return units, kinds, nil
}
