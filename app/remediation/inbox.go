package remediation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/models"
)

// Inbox is a user's in-app notifications (written by app/notify).
type Inbox struct{ db *gorm.DB }

// NewInbox returns the inbox service on db.
func NewInbox(db *gorm.DB) *Inbox { return &Inbox{db: db} }

// InboxLimit caps the notifications listed at once.
const InboxLimit = 200

// List returns a's notifications, unread first, the newest first within each.
func (s *Inbox) List(ctx context.Context, a authz.Actor) ([]models.Notification, error) {
	if !a.LoggedIn() {
		return nil, apperr.ErrUnauthenticated
	}
	var out []models.Notification
	err := s.db.WithContext(ctx).Where("user_id = ?", a.UserID).
		Order("read_at IS NOT NULL, created_at DESC, id DESC").Limit(InboxLimit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return out, nil
}

// Unread counts a's unread notifications.
func (s *Inbox) Unread(ctx context.Context, a authz.Actor) (int64, error) {
	if !a.LoggedIn() {
		return 0, nil
	}
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Notification{}).
		Where("user_id = ? AND read_at IS NULL", a.UserID).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count unread notifications: %w", err)
	}
	return n, nil
}

// MarkRead marks a's notification id read and returns it; someone else's is
// ErrNotFound. Marking it again changes nothing.
func (s *Inbox) MarkRead(ctx context.Context, a authz.Actor, id int64, now time.Time) (models.Notification, error) {
	var n models.Notification
	if !a.LoggedIn() {
		return n, apperr.ErrUnauthenticated
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Where("user_id = ?", a.UserID).First(&n, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("notification %d: %w", id, apperr.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read notification %d: %w", id, err)
		}
		if n.ReadAt != nil {
			return nil
		}
		n.ReadAt = &now
		return tx.Model(&n).Update("read_at", now).Error
	})
	return n, err
}

// MarkAllRead marks every unread notification of a read and returns how many.
func (s *Inbox) MarkAllRead(ctx context.Context, a authz.Actor, now time.Time) (int64, error) {
	if !a.LoggedIn() {
		return 0, apperr.ErrUnauthenticated
	}
	q := s.db.WithContext(ctx).Model(&models.Notification{}).
		Where("user_id = ? AND read_at IS NULL", a.UserID).Update("read_at", now)
	if q.Error != nil {
		return 0, fmt.Errorf("mark notifications read: %w", q.Error)
	}
	return q.RowsAffected, nil
}
