package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// tokenPrefix marks Khung's API tokens, so a leaked one is easy to recognise.
const tokenPrefix = "khung_"

// TokenInput is the form that creates a personal API token.
type TokenInput struct {
	Name string `json:"name" form:"name" validate:"notblank,max=100"`
	// ExpiresInDays is the lifetime in days; 0 means the token does not expire.
	ExpiresInDays int `json:"expires_in_days" form:"expires_in_days" validate:"min=0,max=3650"`
}

// CreateToken makes a personal API token for the actor and returns it in clear
// text, the only time it is ever available; the database keeps its hash.
//
// by is the API token that authenticated the request, nil for a browser
// session. A token cannot create tokens (ErrForbidden): otherwise a one-day
// token, once leaked, could mint one that never expires and outlives its own
// revocation. Creating tokens takes a session, that is, the password.
func (s *Service) CreateToken(ctx context.Context, actor authz.Actor, by *models.APIToken, in TokenInput, now time.Time) (string, models.APIToken, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := apperr.Validate(in); err != nil {
		return "", models.APIToken{}, err
	}
	if !actor.LoggedIn() {
		return "", models.APIToken{}, apperr.ErrUnauthenticated
	}
	if by != nil {
		return "", models.APIToken{}, apperr.Fail(apperr.ErrForbidden, "security.token_cannot_create_tokens")
	}
	secret, err := randomToken()
	if err != nil {
		return "", models.APIToken{}, err
	}
	plain := tokenPrefix + secret
	t := models.APIToken{UserID: actor.UserID, Name: in.Name, TokenHash: HashToken(plain), CreatedAt: now}
	if in.ExpiresInDays > 0 {
		exp := now.AddDate(0, 0, in.ExpiresInDays)
		t.ExpiresAt = &exp
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&t).Error; err != nil {
			return fmt.Errorf("create API token: %w", err)
		}
		return audit.Record(tx, actor, "token.create", "api_tokens", t.ID, nil, t)
	})
	if err != nil {
		return "", models.APIToken{}, err
	}
	return plain, t, nil
}

// ListTokens returns the actor's own tokens, newest first, revoked ones included.
func (s *Service) ListTokens(ctx context.Context, actor authz.Actor) ([]models.APIToken, error) {
	var ts []models.APIToken
	err := s.db.WithContext(ctx).Where("user_id = ?", actor.UserID).Order("created_at DESC, id DESC").Find(&ts).Error
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken ends one of the actor's own tokens. Another user's token is
// reported as not found; revoking twice changes nothing.
func (s *Service) RevokeToken(ctx context.Context, actor authz.Actor, id int64, now time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t models.APIToken
		err := tx.Where("id = ? AND user_id = ?", id, actor.UserID).Take(&t).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("API token %d: %w", id, apperr.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("revoke API token %d: %w", id, err)
		}
		if t.RevokedAt != nil {
			return nil
		}
		before := t
		t.RevokedAt = &now
		if err := tx.Model(&models.APIToken{}).Where("id = ?", id).Update("revoked_at", now).Error; err != nil {
			return fmt.Errorf("revoke API token %d: %w", id, err)
		}
		return audit.Record(tx, actor, "token.revoke", "api_tokens", id, before, t)
	})
}

// AuthenticateToken resolves a bearer token. A token that is unknown, revoked
// or expired, or whose user is deactivated, gives apperr.ErrUnauthenticated.
func (s *Service) AuthenticateToken(ctx context.Context, plain string, now time.Time) (Identity, error) {
	if !strings.HasPrefix(plain, tokenPrefix) {
		return Identity{}, apperr.ErrUnauthenticated
	}
	key := "token:" + HashToken(plain)
	id, gen, ok := s.kept(key, now)
	if ok {
		return id, nil
	}
	db := s.db.WithContext(ctx)
	var row struct {
		Token    models.APIToken `gorm:"embedded;embeddedPrefix:t_"`
		User     models.User     `gorm:"embedded;embeddedPrefix:u_"`
		UnitName *string
		UnitPath *string
	}
	res := db.Raw(`SELECT `+s.tokenCols+`, `+s.userCols+`, un.name AS unit_name, un.path AS unit_path
		  FROM api_tokens t
		  JOIN users u ON u.id = t.user_id AND u.active
		  LEFT JOIN units un ON un.id = u.unit_id
		 WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)`,
		HashToken(plain), now).Scan(&row)
	if res.Error != nil {
		return Identity{}, fmt.Errorf("authenticate token: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return Identity{}, apperr.ErrUnauthenticated
	}
	t := row.Token
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		t.LastUsedAt = &now
		if err := db.Model(&models.APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now).Error; err != nil {
			return Identity{}, fmt.Errorf("authenticate token: touch: %w", err)
		}
	}
	id, err := withUnit(row.User, row.UnitName, row.UnitPath)
	if err != nil {
		return Identity{}, err
	}
	id.Token = &t
	s.keep(key, gen, id)
	return id, nil
}
