// Package icalfeed gives each user a personal iCalendar feed of the visits
// they may see: a secret URL token (only its hash is stored) that the user can
// revoke and renew, and the rendering of the feed (RFC 5545, all-day events).
package icalfeed

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/auth"
	"khung/app/authz"
	"khung/models"
)

// tokenPrefix marks feed tokens, so a leaked URL is easy to recognise.
const tokenPrefix = "khcal_"

// Service keeps the users' feed tokens.
type Service struct {
	db *gorm.DB
}

// New returns the service on db.
func New(db *gorm.DB) *Service { return &Service{db: db} }

// Active returns the actor's feed token that is in use, or nil when there is none.
func (s *Service) Active(ctx context.Context, a authz.Actor) (*models.CalendarFeedToken, error) {
	var t models.CalendarFeedToken
	err := s.db.WithContext(ctx).Where("user_id = ? AND revoked_at IS NULL", a.UserID).
		Order("created_at DESC, id DESC").Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("active feed token of user %d: %w", a.UserID, err)
	}
	return &t, nil
}

// Renew gives the actor a new feed token and revokes the one in use, in one
// transaction: a user has at most one working feed URL. It returns the token
// in clear text, the only time it is available.
func (s *Service) Renew(ctx context.Context, a authz.Actor, now time.Time) (string, models.CalendarFeedToken, error) {
	if !a.LoggedIn() {
		return "", models.CalendarFeedToken{}, apperr.ErrUnauthenticated
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", models.CalendarFeedToken{}, fmt.Errorf("feed token: %w", err)
	}
	plain := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	t := models.CalendarFeedToken{UserID: a.UserID, TokenHash: auth.HashToken(plain), CreatedAt: now}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		revoked, err := revokeAll(tx, a, now)
		if err != nil {
			return err
		}
		if err := tx.Create(&t).Error; err != nil {
			return fmt.Errorf("create feed token: %w", err)
		}
		action := "calendar_feed.create"
		if revoked > 0 {
			action = "calendar_feed.renew"
		}
		return audit.Record(tx, a, action, "calendar_feed_tokens", t.ID, nil, t)
	})
	if err != nil {
		return "", models.CalendarFeedToken{}, err
	}
	return plain, t, nil
}

// Revoke ends the actor's feed URL; revoking when there is none changes nothing.
func (s *Service) Revoke(ctx context.Context, a authz.Actor, now time.Time) error {
	if !a.LoggedIn() {
		return apperr.ErrUnauthenticated
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, err := revokeAll(tx, a, now)
		return err
	})
}

// revokeAll revokes every token of a still in use and records each.
func revokeAll(tx *gorm.DB, a authz.Actor, now time.Time) (int, error) {
	var live []models.CalendarFeedToken
	if err := tx.Where("user_id = ? AND revoked_at IS NULL", a.UserID).Find(&live).Error; err != nil {
		return 0, fmt.Errorf("feed tokens of user %d: %w", a.UserID, err)
	}
	for _, t := range live {
		before := t
		if err := tx.Model(&models.CalendarFeedToken{}).Where("id = ?", t.ID).Update("revoked_at", now).Error; err != nil {
			return 0, fmt.Errorf("revoke feed token %d: %w", t.ID, err)
		}
		t.RevokedAt = &now
		if err := audit.Record(tx, a, "calendar_feed.revoke", "calendar_feed_tokens", t.ID, before, t); err != nil {
			return 0, err
		}
	}
	return len(live), nil
}

// Owner is the user a feed token belongs to.
type Owner struct {
	Actor    authz.Actor
	FullName string
	Locale   string
}

// Owner returns the owner of the feed token plain. An unknown or revoked
// token, or one whose user is deactivated, is ErrNotFound: the feed URL then
// answers 404 and says nothing more.
func (s *Service) Owner(ctx context.Context, plain string) (Owner, error) {
	if !strings.HasPrefix(plain, tokenPrefix) {
		return Owner{}, fmt.Errorf("feed token: %w", apperr.ErrNotFound)
	}
	var row struct {
		models.User
		UnitName string
		UnitPath string
	}
	err := s.db.WithContext(ctx).Table("calendar_feed_tokens t").
		Select("u.*, coalesce(un.name, '') AS unit_name, coalesce(un.path, '') AS unit_path").
		Joins("JOIN users u ON u.id = t.user_id AND u.active").
		Joins("LEFT JOIN units un ON un.id = u.unit_id").
		Where("t.token_hash = ? AND t.revoked_at IS NULL", auth.HashToken(plain)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Owner{}, fmt.Errorf("feed token: %w", apperr.ErrNotFound)
	}
	if err != nil {
		return Owner{}, fmt.Errorf("feed token owner: %w", err)
	}
	id := auth.Identity{User: row.User, UnitName: row.UnitName, UnitPath: row.UnitPath}
	return Owner{Actor: id.Actor(), FullName: row.FullName, Locale: row.Locale}, nil
}
