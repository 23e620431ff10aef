// Package jobs is Khung's cron table: the follow-up reminders and escalations,
// the weekly digest, the notices of published visits, the reminders about
// missing implementing directives, and the mail outbox sender. It only
// schedules: what is due and who receives it are the queries of app/notices,
// and app/notify records each notification once.
//
// Every deciding job selects what is due and not yet done (never "what falls
// in this minute"), records each notification under a unique key with
// INSERT … ON CONFLICT DO NOTHING, and runs inside one transaction holding
// pg_try_advisory_xact_lock(<job key>). Running a job twice, in two processes
// at once, or after a downtime therefore produces exactly the missing
// notifications. The outbox sender claims batches with FOR UPDATE SKIP LOCKED
// under a renewed lease, so several processes can send at once.
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

	"khung/app"
	"khung/app/notify"
)

// Job is one job of the table: Run does its work once, as of now.
type Job interface {
	Run(ctx context.Context, now time.Time) error
}

// Entry is one line of the cron table.
type Entry struct {
	Name  string
	Spec  string // robfig/cron spec, in the configured time zone (Asia/Ho_Chi_Minh)
	About string // catalog id of what the job does (views/locales/*/notify.toml)
}

// Table returns the cron table; it needs no database. The deciding jobs run
// every hour of the working day: the first run of a day does the day's work,
// the others only catch up after a downtime or pick up what was entered since
// (they find nothing done twice). Times are in the configured zone,
// Asia/Ho_Chi_Minh by default.
func Table() []Entry {
	return []Entry{
		{"reminders", "0 7-17 * * *", "jobs.about.reminders"},
		{"digest", "10 7-17 * * *", "jobs.about.digest"},
		{"visit-notices", "20 7-17 * * *", "jobs.about.visit_notices"},
		{"directives", "30 7-17 * * *", "jobs.about.directives"},
		{"surveys", "40 7-17 * * *", "jobs.about.surveys"},
		{"conclusion-drafts", "45 7-17 * * *", "jobs.about.conclusion_drafts"},
		{"outbox", "@every 1m", "jobs.about.outbox"},
		{"sessions", "15 3 * * *", "jobs.about.sessions"},
	}
}

// Jobs holds the jobs of the table and what they run on.
type Jobs struct {
	app    *app.App
	log    *slog.Logger
	sender *notify.Sender // nil when SMTP_URL is not set: mail waits in the outbox
}

// New returns the jobs of a. A bad SMTP_URL or MAIL_FROM is an error.
func New(a *app.App, log *slog.Logger) (*Jobs, error) {
	j := &Jobs{app: a, log: log}
	if a.Config.SMTPURL != nil {
		s, err := notify.SMTPFromURL(a.Config.SMTPURL, a.Config.MailFrom)
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		j.sender = a.Notices.Sender(s, log)
	}
	return j, nil
}

// job returns the job called name.
func (j *Jobs) job(name string) (Job, bool) {
	switch name {
	case "reminders":
		return Reminders{j}, true
	case "digest":
		return Digest{j}, true
	case "visit-notices":
		return VisitNotices{j}, true
	case "directives":
		return Directives{j}, true
	case "surveys":
		return Surveys{j}, true
	case "conclusion-drafts":
		return ConclusionDrafts{j}, true
	case "outbox":
		return Outbox{j}, true
	case "sessions":
		return Sessions{j}, true
	}
	return nil, false
}

// RunOnce runs the job called name once, as of now.
func (j *Jobs) RunOnce(ctx context.Context, name string, now time.Time) error {
	if job, ok := j.job(name); ok {
		return job.Run(ctx, now)
	}
	var names []string
	for _, e := range Table() {
		names = append(names, e.Name)
	}
	slices.Sort(names)
	return fmt.Errorf("%w %q (known: %s)", ErrUnknownJob, name, strings.Join(names, ", "))
}

// ErrUnknownJob is returned by RunOnce for a name not in the table.
var ErrUnknownJob = errors.New("unknown job")

// decide runs fn as the deciding job called job: in one transaction holding
// the job's advisory lock, and only when no other process holds it (ran is
// then false), and logs the outcome.
func (j *Jobs) decide(ctx context.Context, job string, now time.Time, fn func(tx *gorm.DB) (notify.Result, []any, error)) error {
	started := time.Now()
	var res notify.Result
	var extra []any
	ran, err := j.app.Exclusive(ctx, "khung.jobs."+job, func(tx *gorm.DB) error {
		var err error
		res, extra, err = fn(tx)
		return err
	})
	if err != nil {
		return fmt.Errorf("job %s: %w", job, err)
	}
	if !ran {
		j.log.Info("job skipped: another process is running it", "job", job, "now", now)
		return nil
	}
	args := append([]any{"job", job, "now", now, "new", res.New, "in_app", res.InApp, "mails", res.Mails,
		"took", time.Since(started).Round(time.Millisecond)}, extra...)
	j.log.Info("job done", args...)
	return nil
}

// Reminders reminds units of their recommendations' deadlines (before, on the
// day, weekly while overdue) and escalates overdue ones: the unit's office,
// then its head, then the department's leadership, each level once.
type Reminders struct{ j *Jobs }

// Run decides and records the reminders and escalations due as of now.
func (r Reminders) Run(ctx context.Context, now time.Time) error {
	return r.j.decide(ctx, "reminders", now, func(tx *gorm.DB) (notify.Result, []any, error) {
		res, considered, err := r.j.app.Notices.Reminders(ctx, tx, now)
		return res, []any{"considered", considered}, err
	})
}

// Digest sends each person, once a week, one message with everything pending on them.
type Digest struct{ j *Jobs }

// Run sends this week's digest to whoever has something pending and has not had it yet.
func (d Digest) Run(ctx context.Context, now time.Time) error {
	return d.j.decide(ctx, "digest", now, func(tx *gorm.DB) (notify.Result, []any, error) {
		res, err := d.j.app.Notices.Digest(ctx, tx, now)
		return res, nil, err
	})
}

// VisitNotices tells a unit, a few working days ahead, that a visit of the
// published framework plan is coming (never an unannounced or verification visit).
type VisitNotices struct{ j *Jobs }

// Run decides and records the visit notices due as of now.
func (v VisitNotices) Run(ctx context.Context, now time.Time) error {
	return v.j.decide(ctx, "visit-notices", now, func(tx *gorm.DB) (notify.Result, []any, error) {
		res, err := v.j.app.Notices.VisitNotices(ctx, tx, now)
		return res, nil, err
	})
}

// Directives reminds the department's leadership before a conclusion's
// implementing directive falls due, and the leadership and the team lead when
// it still has none after the time the law allows.
type Directives struct{ j *Jobs }

// Run decides and records the missing-directive reminders due as of now.
func (d Directives) Run(ctx context.Context, now time.Time) error {
	return d.j.decide(ctx, "directives", now, func(tx *gorm.DB) (notify.Result, []any, error) {
		res, err := d.j.app.Notices.Directives(ctx, tx, now)
		return res, nil, err
	})
}

// Surveys asks the head of each inspected unit, once, to answer the survey
// about a visit whose work on site has ended (app/surveys.SurveyNotices).
type Surveys struct{ j *Jobs }

// Run decides and records the survey invitations due as of now.
func (s Surveys) Run(ctx context.Context, now time.Time) error {
	return s.j.decide(ctx, "surveys", now, func(tx *gorm.DB) (notify.Result, []any, error) {
		res, err := s.j.app.Surveys.SurveyNotices(ctx, tx, now)
		return res, nil, err
	})
}

// ConclusionDrafts reminds the signer of a draft conclusion before the time
// to sign it ends, and tells the signer, the department's leadership and the
// team lead once it has passed.
type ConclusionDrafts struct{ j *Jobs }

// Run decides and records the notices about waiting drafts due as of now.
func (d ConclusionDrafts) Run(ctx context.Context, now time.Time) error {
	return d.j.decide(ctx, "conclusion-drafts", now, func(tx *gorm.DB) (notify.Result, []any, error) {
		res, err := d.j.app.Notices.ConclusionDrafts(ctx, tx, now)
		return res, nil, err
	})
}

// Sessions deletes ended sessions and login attempts the throttle no longer
// reads (auth.PurgeExpired), once a night. It takes no lock: in two processes
// at once, the second deletes nothing more.
type Sessions struct{ j *Jobs }

// Run deletes what had ended or aged out as of now.
func (s Sessions) Run(ctx context.Context, now time.Time) error {
	started := time.Now()
	if err := s.j.app.Auth.PurgeExpired(ctx, now); err != nil {
		return fmt.Errorf("job sessions: %w", err)
	}
	s.j.log.Info("job done", "job", "sessions", "now", now, "took", time.Since(started).Round(time.Millisecond))
	return nil
}

// Outbox sends the mail outbox. It takes no advisory lock: senders in several
// processes claim disjoint rows with FOR UPDATE SKIP LOCKED.
type Outbox struct{ j *Jobs }

// Run sends the mail due as of now.
func (o Outbox) Run(ctx context.Context, now time.Time) error {
	if o.j.sender == nil {
		o.j.log.Debug("SMTP_URL is not set: mail stays in the outbox", "job", "outbox")
		return nil
	}
	started := time.Now()
	res, err := o.j.sender.Run(ctx, now)
	if res != (notify.SendResult{}) {
		o.j.log.Info("job done", "job", "outbox", "now", now, "sent", res.Sent, "retry", res.Retry, "failed", res.Failed,
			"reclaimed", res.Reclaimed, "released", res.Released, "lost", res.Lost, "took", time.Since(started).Round(time.Millisecond))
	}
	if err != nil {
		return fmt.Errorf("job outbox: %w", err)
	}
	return nil
}
