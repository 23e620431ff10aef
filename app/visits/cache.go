package visits

import (
	"context"
	"fmt"
	"strings"

	"khung/app/authz"
	"khung/app/paging"
	"khung/app/viewcache"
	"khung/models"
)

// DefaultCacheBytes bounds the calendar's cache of a Service made by New.
const DefaultCacheBytes = 64 << 20

// View reads the data's generation (one query) and returns the request's
// view for viewcache.Remember: the calendar's answers (JSON, month and list
// pages) are kept per visibility class, day, query and generation.
func (s *Service) View(ctx context.Context, a authz.Actor, today models.Date) (viewcache.View, error) {
	return s.cache.View(ctx, a, today)
}

// CacheStats reports what the calendar's cache holds.
func (s *Service) CacheStats() viewcache.Stats { return s.cache.Stats() }

// QueryKey is the part of a cache key that f and page p make.
func QueryKey(f Filter, p paging.Page) string {
	p = p.Normal()
	return fmt.Sprintf("%d|%d|%d|%q|%d|%d", f.Year, f.Month, f.UnitID, strings.TrimSpace(f.Q), p.Number, p.Size)
}
