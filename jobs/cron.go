package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"khung/app"
)

// Start runs the cron table in the background until stop is called or ctx
// ends; stop waits for running jobs to finish (their context is cancelled
// first, so the outbox sender releases what it has not sent). A job still
// running when its next tick comes is skipped, not doubled.
func Start(ctx context.Context, a *app.App, log *slog.Logger) (stop func()) {
	j, err := New(a, log)
	if err != nil {
		// Decide and queue anyway: the mail waits in the outbox until the
		// configuration is fixed.
		log.Error("mail sending disabled", "error", err)
		j = &Jobs{app: a, log: log}
	}
	logger := cronLogger{log}
	loc := a.Location()
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	runCtx, cancel := context.WithCancel(ctx)
	for _, e := range Table() {
		job, _ := j.job(e.Name)
		if _, err := c.AddFunc(e.Spec, func() {
			if err := job.Run(runCtx, time.Now()); err != nil {
				log.Error("job failed", "job", e.Name, "error", err)
			}
		}); err != nil {
			log.Error("bad cron spec", "job", e.Name, "spec", e.Spec, "error", err)
		}
	}
	c.Start()
	log.Info("jobs started", "jobs", len(c.Entries()), "zone", loc.String())
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
