// Package audit writes the audit log: who did what to which row, with the row
// before and after, inside the transaction that made the change, so a change
// and its record commit or roll back together.
package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/models"
)

type requestKey struct{}

// Request is what the HTTP layer knows about the request behind a change.
type Request struct {
	ID string // the X-Request-ID
	IP string
}

// WithRequest returns ctx carrying the request's id and IP; services run their
// transaction with db.WithContext(ctx) and Record reads them back.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request carried by ctx (zero when none, as in jobs).
func RequestFrom(ctx context.Context) Request {
	if ctx == nil {
		return Request{}
	}
	r, _ := ctx.Value(requestKey{}).(Request)
	return r
}

// Record writes one audit entry with tx, the caller's transaction. entityID 0
// means no row (a failed login for an unknown e-mail); before and after are
// marshalled to JSON (nil stays NULL), so pass the model or a small map — never
// a secret (models keep password hashes out of JSON with `json:"-"`).
func Record(tx *gorm.DB, actor authz.Actor, action, entity string, entityID int64, before, after any) error {
	e := models.AuditEntry{Action: action, Entity: entity}
	if actor.UserID != 0 {
		id := actor.UserID
		e.UserID = &id
	}
	if entityID != 0 {
		id := entityID
		e.EntityID = &id
	}
	var err error
	if e.Before, err = toJSON(before); err != nil {
		return fmt.Errorf("audit %s %s: before: %w", action, entity, err)
	}
	if e.After, err = toJSON(after); err != nil {
		return fmt.Errorf("audit %s %s: after: %w", action, entity, err)
	}
	r := RequestFrom(tx.Statement.Context)
	e.RequestID, e.IP = r.ID, r.IP
	// "at" is left to the database (now(): the transaction's start), so every
	// entry of one change carries the same instant.
	if err := tx.Omit("At").Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s %s: %w", action, entity, err)
	}
	return nil
}

func toJSON(v any) (models.JSON, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case models.JSON:
		return x, nil
	case json.RawMessage:
		return models.JSON(x), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return nil, nil
	}
	return models.JSON(b), nil
}
