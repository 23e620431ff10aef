// Package notices holds the follow-up's due-queries: what is due today
// (recommendation reminders and escalations, the weekly digest, notices of
// published visits, reminders of missing implementing directives) and who
// receives it. Each decision reads the state in the caller's transaction,
// asks the pure engine (app/followup) what is due, and hands the notes to
// app/notify, which records each one once under its dedupe key.
//
// A notification never tells a unit what its pages would hide: the queries
// reuse authz's rule that an unannounced or verification visit stays hidden
// from the inspected unit before its first day, so neither a reminder nor a
// digest names a recommendation of such a visit to the unit's users early.
//
// The cron table (package jobs) only schedules these decisions and runs each
// under its advisory lock.
package notices

import (
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm"

	"khung/app/notify"
)

// Service decides the follow-up notifications on db.
type Service struct {
	db   *gorm.DB
	loc  *time.Location // the zone of "today" and of the working calendar
	site notify.Site    // renders the notes in their recipients' languages
}

// New returns the service on db; loc is the platform's zone (Asia/Ho_Chi_Minh).
func New(db *gorm.DB, loc *time.Location, site notify.Site) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{db: db, loc: loc, site: site}
}

// Location is the zone the decisions read today in.
func (s *Service) Location() *time.Location { return s.loc }

// Sender returns the sender of the mail outbox over smtp.
func (s *Service) Sender(smtp notify.SMTP, log *slog.Logger) *notify.Sender {
	return notify.NewSender(s.db, smtp, log)
}

// asDay puts a date read from PostgreSQL at 00:00 UTC, as followup expects.
func asDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// sqlArray passes v as one PostgreSQL array parameter: GORM expands a plain
// slice into a list of placeholders, while pgx encodes a pgtype.Array natively.
func sqlArray[T any](v []T) pgtype.Array[T] {
	a := pgtype.Array[T]{Elements: v, Valid: true}
	if len(v) > 0 {
		a.Dims = []pgtype.ArrayDimension{{Length: int32(len(v)), LowerBound: 1}}
	}
	return a
}
