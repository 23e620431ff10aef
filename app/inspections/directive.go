package inspections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// DirectiveInput records the directive implementing a conclusion (văn bản chỉ
// đạo thực hiện kết luận, Law 84/2025/QH15 art. 53): once recorded, the
// missing-directive reminder stops.
type DirectiveInput struct {
	IssuedOn models.Date `json:"issued_on" form:"issued_on" validate:"required" label:"field.issue_date"`
}

// RecordDirective records when the directive implementing the conclusion of
// visit id was issued. The date may not precede the conclusion nor lie in the
// future.
func (s *Service) RecordDirective(ctx context.Context, a authz.Actor, id int64, in DirectiveInput, now time.Time) (models.Conclusion, error) {
	if err := apperr.Validate(in); err != nil {
		return models.Conclusion{}, err
	}
	var c models.Conclusion
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := lockWritable(tx, a, id)
		if err != nil {
			return err
		}
		if err := tx.Where("visit_id = ?", v.ID).Take(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return conflict("inspections.err.no_conclusion_yet")
			}
			return fmt.Errorf("read conclusion: %w", err)
		}
		switch {
		case in.IssuedOn.Before(c.SignedOn):
			return apperr.Field("issued_on", "gtefield", "inspections.check.directive_after_conclusion", "Date", c.SignedOn)
		case s.today(now).Before(in.IssuedOn):
			return apperr.Field("issued_on", "future", "inspections.check.directive_future")
		}
		before := c.DirectiveIssuedOn
		if err := tx.Model(&c).Update("directive_issued_on", in.IssuedOn).Error; err != nil {
			return fmt.Errorf("record directive: %w", err)
		}
		c.DirectiveIssuedOn = &in.IssuedOn
		return audit.Record(tx, a, "conclusion.directive", "conclusion", c.ID,
			map[string]any{"directive_issued_on": before}, map[string]any{"directive_issued_on": in.IssuedOn})
	})
	return c, err
}
