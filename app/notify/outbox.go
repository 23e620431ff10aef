package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/paging"
	"khung/models"
)

// Outbox is the administrator's view of the mail outbox: the mail given up on
// after its retries (or refused for good by the server) and the mail still
// waiting, with a retry for what failed. Every retry is audited.
type Outbox struct {
	db *gorm.DB
}

// NewOutbox returns the outbox view on db.
func NewOutbox(db *gorm.DB) *Outbox { return &Outbox{db: db} }

// OutboxFilter selects outbox rows: Status is failed (the default) or pending.
type OutboxFilter struct {
	Status string `json:"status" query:"status"`
	paging.Page
}

// OutboxEntry is one outbox row as the administrator reads it (without the body).
type OutboxEntry struct {
	ID            int64             `json:"id"`
	ToEmail       string            `json:"to_email"`
	ToName        string            `json:"to_name"`
	Subject       string            `json:"subject"`
	Status        models.MailStatus `json:"status"`
	Attempts      int               `json:"attempts"`
	NextAttemptAt time.Time         `json:"next_attempt_at"`
	LastError     string            `json:"last_error"`
	CreatedAt     time.Time         `json:"created_at"`
}

// OutboxCounts is how many rows each status has.
type OutboxCounts struct {
	Pending int64 `json:"pending"`
	Sending int64 `json:"sending"`
	Sent    int64 `json:"sent"`
	Failed  int64 `json:"failed"`
}

// requireAdmin lets only the administrator read the outbox (it holds every
// user's mail) and retry it.
func requireAdmin(a authz.Actor) error {
	if !a.LoggedIn() {
		return fmt.Errorf("outbox: %w", apperr.ErrUnauthenticated)
	}
	if !a.Is(models.RoleAdmin) {
		return fmt.Errorf("outbox as %s: %w", a.Role, apperr.ErrForbidden)
	}
	return nil
}

// outboxSorts are the columns the outbox may be sorted by.
var outboxSorts = paging.Columns{
	"created": "created_at", "to": "to_email", "subject": paging.Text("subject"), "attempts": "attempts", "next_attempt": "next_attempt_at",
}

// OutboxSortKeys are the columns the outbox may be sorted by.
func OutboxSortKeys() []string { return outboxSorts.Keys() }

// List returns one page of the rows of f.Status (sorted by f.Sort when it names a column, else), the oldest first for failed
// mail (the longest waiting) and by next attempt for pending mail.
func (o *Outbox) List(ctx context.Context, a authz.Actor, f OutboxFilter) (paging.Result[OutboxEntry], error) {
	if err := requireAdmin(a); err != nil {
		return paging.Result[OutboxEntry]{}, err
	}
	if f.Status == "" {
		f.Status = string(models.MailFailed)
	}
	order := "id"
	switch models.MailStatus(f.Status) {
	case models.MailFailed:
	case models.MailPending:
		order = "next_attempt_at, id"
	default:
		return paging.Result[OutboxEntry]{}, apperr.Field("status", "oneof", "validation.oneof", "List", "failed, pending")
	}
	p := f.Page.Normal()
	q := o.db.WithContext(ctx).Model(&models.MailOutbox{}).Where("status = ?", f.Status)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return paging.Result[OutboxEntry]{}, fmt.Errorf("count outbox: %w", err)
	}
	var rows []OutboxEntry
	if err := q.Order(outboxSorts.Order(p.Sort, order, "id")).Limit(p.Size).Offset(p.Offset()).Find(&rows).Error; err != nil {
		return paging.Result[OutboxEntry]{}, fmt.Errorf("list outbox: %w", err)
	}
	return paging.NewResult(rows, total, p), nil
}

// Counts returns how many rows each status has.
func (o *Outbox) Counts(ctx context.Context, a authz.Actor) (OutboxCounts, error) {
	if err := requireAdmin(a); err != nil {
		return OutboxCounts{}, err
	}
	var rows []struct {
		Status models.MailStatus
		N      int64
	}
	if err := o.db.WithContext(ctx).Raw(`SELECT status, count(*) AS n FROM mail_outbox GROUP BY status`).Scan(&rows).Error; err != nil {
		return OutboxCounts{}, fmt.Errorf("count outbox: %w", err)
	}
	var c OutboxCounts
	for _, r := range rows {
		switch r.Status {
		case models.MailPending:
			c.Pending = r.N
		case models.MailSending:
			c.Sending = r.N
		case models.MailSent:
			c.Sent = r.N
		case models.MailFailed:
			c.Failed = r.N
		}
	}
	return c, nil
}

// retrySQL puts failed rows back in the queue, due now, with their attempts
// counted afresh (the retry limit applies again); last_error stays for the
// record until the next attempt replaces it.
const retrySQL = `
WITH failed AS (
    SELECT id, attempts FROM mail_outbox WHERE status = 'failed' AND (? OR id = ?) ORDER BY id FOR UPDATE)
UPDATE mail_outbox AS m SET status = 'pending', attempts = 0, next_attempt_at = ?
  FROM failed
 WHERE m.id = failed.id
RETURNING m.id, m.to_email, m.subject, failed.attempts, m.last_error`

// retried is what the audit log keeps of a retried row.
type retried struct {
	ID        int64  `json:"id"`
	ToEmail   string `json:"to_email"`
	Subject   string `json:"subject"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
}

// Retry puts the failed mail id back in the queue, due at now. Mail that has
// not failed is a conflict: pending mail is already queued, sent mail is sent.
func (o *Outbox) Retry(ctx context.Context, a authz.Actor, id int64, now time.Time) (OutboxEntry, error) {
	if err := requireAdmin(a); err != nil {
		return OutboxEntry{}, err
	}
	var out OutboxEntry
	err := o.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before models.MailOutbox
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&before, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("outbox mail %d: %w", id, apperr.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("load outbox mail %d: %w", id, err)
		}
		if before.Status != models.MailFailed {
			return apperr.Fail(apperr.ErrConflict, "outbox.error.not_failed", "ID", id)
		}
		if _, err := retry(tx, a, now, false, id); err != nil {
			return err
		}
		return tx.Model(&models.MailOutbox{}).Where("id = ?", id).Take(&out).Error
	})
	return out, err
}

// RetryAllFailed puts every failed mail back in the queue, due at now, and
// returns how many.
func (o *Outbox) RetryAllFailed(ctx context.Context, a authz.Actor, now time.Time) (int, error) {
	if err := requireAdmin(a); err != nil {
		return 0, err
	}
	var n int
	err := o.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		n, err = retry(tx, a, now, true, 0)
		return err
	})
	return n, err
}

// retry requeues the failed row id (or every failed row) and audits each one.
func retry(tx *gorm.DB, a authz.Actor, now time.Time, all bool, id int64) (int, error) {
	var rows []retried
	if err := tx.Raw(retrySQL, all, id, now).Scan(&rows).Error; err != nil {
		return 0, fmt.Errorf("retry outbox mail: %w", err)
	}
	for _, r := range rows {
		before := map[string]any{"status": models.MailFailed, "attempts": r.Attempts, "last_error": r.LastError}
		after := map[string]any{"status": models.MailPending, "attempts": 0, "next_attempt_at": now, "to_email": r.ToEmail, "subject": r.Subject}
		if err := audit.Record(tx, a, "retry", "mail_outbox", r.ID, before, after); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}
