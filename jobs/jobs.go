// Package jobs is Khung's cron table: the follow-up reminders and escalations,
// the weekly digest, the notices of published visits, the reminders about
// missing implementing directives, and the mail outbox sender.
//
// Every deciding job selects what is due and not yet done (never "what falls
// in this minute"), records each notification under a unique key with
// INSERT … ON CONFLICT DO NOTHING, and runs inside one transaction holding
// pg_try_advisory_xact_lock(<job key>). Running a job twice, in two processes
// at once, or after a downtime therefore produces exactly the missing
// notifications. The outbox sender claims rows with FOR UPDATE SKIP LOCKED, so
// several processes can send at once.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/notify"
	"khung/config"
)

// Job is one job of the table: Run does its work once, as of now.
type Job interface {
	Run(ctx context.Context, now time.Time) error
}

// Entry is one line of the cron table.
type Entry struct {
	Name  string
	Spec  string // robfig/cron spec, in the configured time zone (Asia/Ho_Chi_Minh)
	About string
	Job   Job
}

// deps are what every job needs.
type deps struct {
	db      *gorm.DB
	loc     *time.Location
	baseURL string
	log     *slog.Logger
}

// Jobs holds the jobs and their dependencies.
type Jobs struct {
	deps
	sender *notify.Sender // nil when SMTP_URL is not set: mail waits in the outbox
}

// New returns the jobs on db. A bad SMTP_URL or MAIL_FROM is an error.
func New(db *gorm.DB, cfg config.Config, log *slog.Logger) (*Jobs, error) {
	j := &Jobs{deps: deps{db: db, loc: cfg.TimeZone, log: log}}
	if j.loc == nil {
		j.loc = time.UTC
	}
	if cfg.BaseURL != nil {
		j.baseURL = strings.TrimRight(cfg.BaseURL.String(), "/")
	}
	if cfg.SMTPURL != nil {
		s, err := notify.SMTPFromURL(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		j.sender = notify.NewSender(db, s, log)
	}
	return j, nil
}

// List returns the cron table. The deciding jobs run every hour of the working
// day: the first run of a day does the day's work, the others only catch up
// after a downtime or pick up what was entered since (they find nothing done
// twice). Times are in the configured zone, Asia/Ho_Chi_Minh by default.
func (j *Jobs) List() []Entry {
	return []Entry{
		{"reminders", "0 7-17 * * *",
			"nhắc hạn kiến nghị (trước hạn, đúng hạn, quá hạn hằng tuần) và báo cáo vượt cấp / recommendation reminders and escalation",
			Reminders{j.deps}},
		{"digest", "10 7-17 * * *",
			"bản tin tổng hợp hằng tuần cho từng người / weekly digest per person", Digest{j.deps}},
		{"visit-notices", "20 7-17 * * *",
			"thông báo đơn vị trước cuộc kiểm tra theo kế hoạch đã công bố / notices of published planned visits", VisitNotices{j.deps}},
		{"directives", "30 7-17 * * *",
			"nhắc ban hành văn bản chỉ đạo thực hiện kết luận / reminders of missing implementing directives", Directives{j.deps}},
		{"outbox", "@every 1m",
			"gửi thư từ hộp thư đi / send the mail outbox", Outbox{j.deps, j.sender}},
	}
}

// RunOnce runs the job called name once, as of now.
func (j *Jobs) RunOnce(ctx context.Context, name string, now time.Time) error {
	for _, e := range j.List() {
		if e.Name == name {
			return e.Job.Run(ctx, now)
		}
	}
	var names []string
	for _, e := range j.List() {
		names = append(names, e.Name)
	}
	slices.Sort(names)
	return fmt.Errorf("%w %q (known: %s)", ErrUnknownJob, name, strings.Join(names, ", "))
}

// ErrUnknownJob is returned by RunOnce for a name not in the table.
var ErrUnknownJob = errors.New("unknown job")

// decide runs fn in a transaction that holds the job's advisory lock. When
// another process holds it, that process is doing the same work: decide
// returns false and does nothing. The lock is released with the transaction,
// so a crashed process never leaves it behind.
func (d deps) decide(ctx context.Context, job string, fn func(tx *gorm.DB) error) (bool, error) {
	ran := false
	err := d.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var locked bool
		if err := tx.Raw(`SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0))`, "khung.jobs."+job).Scan(&locked).Error; err != nil {
			return fmt.Errorf("lock job %s: %w", job, err)
		}
		if !locked {
			return nil
		}
		ran = true
		return fn(tx)
	})
	if err != nil {
		return ran, fmt.Errorf("job %s: %w", job, err)
	}
	return ran, nil
}

// report logs the outcome of a deciding job.
func (d deps) report(job string, ran bool, now time.Time, res notify.Result, started time.Time, extra ...any) {
	if !ran {
		d.log.Info("job skipped: another process is running it", "job", job, "now", now)
		return
	}
	args := append([]any{"job", job, "now", now, "new", res.New, "in_app", res.InApp, "mails", res.Mails,
		"took", time.Since(started).Round(time.Millisecond)}, extra...)
	d.log.Info("job done", args...)
}
