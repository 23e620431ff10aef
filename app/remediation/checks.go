package remediation

import (
	"context"
	"fmt"

	"khung/app/authz"
	"khung/models"
)

// CheckRef is a check on the implementation of a conclusion that looks at a
// recommendation: the visit, its dates and where it stands.
type CheckRef struct {
	VisitID   int64              `json:"visit_id"`
	StartDate *models.Date       `json:"start_date"`
	EndDate   *models.Date       `json:"end_date"`
	Status    models.VisitStatus `json:"status"`
}

// checks lists the checks on implementation of recommendation id that a may
// know of (the one visibility rule, authz.VisitScope).
func (s *Service) checks(ctx context.Context, a authz.Actor, id int64) ([]CheckRef, error) {
	var out []CheckRef
	err := s.db.WithContext(ctx).Table("visits").Scopes(authz.VisitScope(a)).
		Select("visits.id AS visit_id, visits.start_date, visits.end_date, visits.status").
		Joins("JOIN visit_checked_recommendations k ON k.visit_id = visits.id").
		Where("k.recommendation_id = ?", id).Order("visits.start_date, visits.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("checks of recommendation %d: %w", id, err)
	}
	return out, nil
}

// LiableCode is whom a recommendation of responsibility concerns
// (collective, individual, both); "" for a remedial one.
func (i Item) LiableCode() string {
	if i.Liable == nil {
		return ""
	}
	return string(*i.Liable)
}
