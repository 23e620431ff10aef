package app

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Exclusive runs fn in one transaction that holds the advisory lock named
// lock (pg_try_advisory_xact_lock). When another process holds it, that
// process is doing the same work: Exclusive returns false and runs nothing.
// The lock goes with the transaction, so a crashed process never leaves it
// behind. The cron table runs each deciding job this way.
func (a *App) Exclusive(ctx context.Context, lock string, fn func(tx *gorm.DB) error) (ran bool, err error) {
	err = a.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var locked bool
		if err := tx.Raw(`SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0))`, lock).Scan(&locked).Error; err != nil {
			return fmt.Errorf("lock %s: %w", lock, err)
		}
		if !locked {
			return nil
		}
		ran = true
		return fn(tx)
	})
	return ran, err
}
