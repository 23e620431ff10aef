// Package auditlog reads the audit log for the administrator: who changed
// what and when, with the row before and after. Writing it is app/audit's job.
package auditlog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/paging"
	"khung/models"
)

// Service reads the audit log.
type Service struct {
	db  *gorm.DB
	loc *time.Location // where the civil dates of a filter begin and end
}

// New returns a Service on db; dates in filters are days in loc.
func New(db *gorm.DB, loc *time.Location) *Service { return &Service{db: db, loc: loc} }

// Entry is an audit entry with who made it.
type Entry struct {
	models.AuditEntry
	UserEmail string `json:"user_email"`
	UserName  string `json:"user_name"`
}

// Filter selects entries. Every field is optional; From and To are days, both included.
type Filter struct {
	Entity   string      `json:"entity" query:"entity"`
	EntityID int64       `json:"entity_id" query:"entity_id"`
	User     string      `json:"user" query:"user"` // the e-mail of who acted
	Action   string      `json:"action" query:"action"`
	From     models.Date `json:"from" query:"from"`
	To       models.Date `json:"to" query:"to"`
	paging.Page
}

const entrySelect = `audit_log.*, coalesce(users.email::text, '') AS user_email, coalesce(users.full_name, '') AS user_name`

// sorts are the columns the audit log may be sorted by.
var sorts = paging.Columns{
	"at": "audit_log.at", "user": paging.Text("users.full_name"), "action": "audit_log.action", "entity": "audit_log.entity",
}

// SortKeys are the columns the audit log may be sorted by.
func SortKeys() []string { return sorts.Keys() }

// List returns one page of entries, newest first unless f.Sort names a column.
func (s *Service) List(ctx context.Context, a authz.Actor, f Filter) (paging.Result[Entry], error) {
	if err := authz.Require(a, authz.ViewAudit); err != nil {
		return paging.Result[Entry]{}, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return paging.Result[Entry]{}, apperr.Field("to", "gtefield", "validation.on_or_after_from")
	}
	p := f.Page.Normal()
	filter := func(db *gorm.DB) *gorm.DB {
		if f.Entity != "" {
			db = db.Where("audit_log.entity = ?", f.Entity)
		}
		if f.EntityID != 0 {
			db = db.Where("audit_log.entity_id = ?", f.EntityID)
		}
		if f.Action != "" {
			db = db.Where("audit_log.action = ?", f.Action)
		}
		if f.User != "" {
			db = db.Where("audit_log.user_id IN (SELECT id FROM users WHERE email = ?)", f.User)
		}
		if !f.From.IsZero() {
			db = db.Where("audit_log.at >= ?", f.From.In(s.loc))
		}
		if !f.To.IsZero() {
			db = db.Where("audit_log.at < ?", f.To.AddDays(1).In(s.loc))
		}
		return db
	}
	var total int64
	if err := s.db.WithContext(ctx).Model(&models.AuditEntry{}).Scopes(filter).Count(&total).Error; err != nil {
		return paging.Result[Entry]{}, fmt.Errorf("count audit entries: %w", err)
	}
	var out []Entry
	if err := s.db.WithContext(ctx).Table("audit_log").Select(entrySelect).
		Joins("LEFT JOIN users ON users.id = audit_log.user_id").Scopes(filter).
		Order(sorts.Order(p.Sort, "audit_log.at DESC, audit_log.id DESC", "audit_log.id DESC")).Limit(p.Size).Offset(p.Offset()).Find(&out).Error; err != nil {
		return paging.Result[Entry]{}, fmt.Errorf("list audit entries: %w", err)
	}
	return paging.NewResult(out, total, p), nil
}

// Get returns the entry id.
func (s *Service) Get(ctx context.Context, a authz.Actor, id int64) (Entry, error) {
	if err := authz.Require(a, authz.ViewAudit); err != nil {
		return Entry{}, err
	}
	var e Entry
	err := s.db.WithContext(ctx).Table("audit_log").Select(entrySelect).
		Joins("LEFT JOIN users ON users.id = audit_log.user_id").Where("audit_log.id = ?", id).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Entry{}, fmt.Errorf("audit entry %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("load audit entry %d: %w", id, err)
	}
	return e, nil
}

// Entities lists the entity names present in the log, for the filter's choices.
func (s *Service) Entities(ctx context.Context, a authz.Actor) ([]string, error) {
	if err := authz.Require(a, authz.ViewAudit); err != nil {
		return nil, err
	}
	var out []string
	if err := s.db.WithContext(ctx).Model(&models.AuditEntry{}).Distinct("entity").Order("entity").Pluck("entity", &out).Error; err != nil {
		return nil, fmt.Errorf("list audited entities: %w", err)
	}
	return out, nil
}
