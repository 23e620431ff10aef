package remediation

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/paging"
	"khung/models"
)

// listOrder is the list's own order: open ones first (by deadline), then
// closed ones, most recent first.
const listOrder = "recommendations.status IN ('done', 'cancelled'), " +
	"CASE WHEN recommendations.status IN ('done', 'cancelled') THEN NULL ELSE recommendations.deadline END, " +
	"recommendations.closed_at DESC, recommendations.id"

// sorts are the columns the list of recommendations may be sorted by.
var sorts = paging.Columns{
	"action": paging.Text("recommendations.action"), "unit": paging.Text("u.name"), "conclusion": "c.signed_on",
	"deadline": "recommendations.deadline", "status": "recommendations.status", "severity": "recommendations.severity",
}

// SortKeys are the columns the list of recommendations may be sorted by.
func SortKeys() []string { return sorts.Keys() }

// where narrows a query on recommendations to f, overdue as of today.
func (f Filter) where(today models.Date) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if f.Status != "" {
			q = q.Where("recommendations.status = ?", f.Status)
		}
		if f.Overdue {
			q = q.Where("recommendations.deadline < ? AND recommendations.status IN ('open', 'reported', 'returned')", today)
		}
		return q
	}
}

// Page returns one page of the recommendations a may read that match f, in
// the list's order unless p.Sort names a column, with how many there are.
func (s *Service) Page(ctx context.Context, a authz.Actor, f Filter, today models.Date, p paging.Page) (paging.Result[Item], error) {
	if !a.LoggedIn() {
		return paging.Result[Item]{}, apperr.ErrUnauthenticated
	}
	p = p.Normal()
	var total int64
	if err := s.db.WithContext(ctx).Table("recommendations").Scopes(authz.RecommendationScope(a), f.where(today)).
		Count(&total).Error; err != nil {
		return paging.Result[Item]{}, fmt.Errorf("count recommendations: %w", err)
	}
	var items []Item
	if err := s.itemQuery(ctx, s.db, a).Scopes(f.where(today)).Order(sorts.Order(p.Sort, listOrder, "recommendations.id")).
		Limit(p.Size).Offset(p.Offset()).Scan(&items).Error; err != nil {
		return paging.Result[Item]{}, fmt.Errorf("list recommendations: %w", err)
	}
	if err := s.measure(ctx, s.db, items, today); err != nil {
		return paging.Result[Item]{}, err
	}
	return paging.NewResult(items, total, p), nil
}
