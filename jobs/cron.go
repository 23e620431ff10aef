package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
	"gorm.io/gorm"

	"khung/config"
)

// Start runs the cron table in the background until stop is called or ctx
// ends; stop waits for running jobs to finish (their context is cancelled
// first, so the outbox sender releases what it has not sent). A job still
// running when its next tick comes is skipped, not doubled.
func Start(ctx context.Context, db *gorm.DB, cfg config.Config, log *slog.Logger) (stop func()) {
	j, err := New(db, cfg, log)
	if err != nil {
		// Decide and queue anyway: the mail waits in the outbox until the
		// configuration is fixed.
		log.Error("mail sending disabled", "error", err)
		cfg.SMTPURL = nil
		if j, err = New(db, cfg, log); err != nil {
			log.Error("jobs not started", "error", err)
			return func() {}
		}
	}
	logger := cronLogger{log}
	c := cron.New(cron.WithLocation(j.loc), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	runCtx, cancel := context.WithCancel(ctx)
	for _, e := range j.List() {
		if _, err := c.AddFunc(e.Spec, func() {
			if err := e.Job.Run(runCtx, time.Now()); err != nil {
				log.Error("job failed", "job", e.Name, "error", err)
			}
		}); err != nil {
			log.Error("bad cron spec", "job", e.Name, "spec", e.Spec, "error", err)
		}
	}
	c.Start()
	log.Info("jobs started", "jobs", len(c.Entries()), "zone", j.loc.String())
	return func() {
		cancel()
		<-c.Stop().Done()
	}
}

// cronLogger lets robfig/cron log through slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
