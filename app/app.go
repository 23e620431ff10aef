// Package app is Khung's front door: New builds every service once from the
// configuration, the database, the clock and the logger, and the HTTP layer
// (routes.New) and the cron table (jobs.New) receive the one *App. Services
// live in the subpackages (units, plans, remediation…); the pure engines
// (planning, calendar, followup, lunar) take their data and time as arguments.
//
// The request path: route (routes/routes.go) → handler → a service of App →
// models. The job path: cron (jobs) → a due-query of App → notify → outbox.
package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/auditlog"
	"khung/app/auth"
	"khung/app/authz"
	"khung/app/bodies"
	"khung/app/catalogs"
	"khung/app/changes"
	"khung/app/evaluation"
	"khung/app/holidays"
	"khung/app/icalfeed"
	"khung/app/inspections"
	"khung/app/inspectors"
	"khung/app/notices"
	"khung/app/notify"
	"khung/app/officialdoc"
	"khung/app/plans"
	"khung/app/proposals"
	"khung/app/remediation"
	"khung/app/reports"
	"khung/app/seed"
	"khung/app/signing"
	"khung/app/surveys"
	"khung/app/units"
	"khung/app/users"
	"khung/app/visits"
	"khung/config"
	"khung/models"
	"khung/views"
)

// Deps are what main hands to New.
type Deps struct {
	Config config.Config
	DB     *gorm.DB
	Log    *slog.Logger     // slog.DiscardHandler when nil
	Now    func() time.Time // time.Now when nil; tests fix it
	Random io.Reader        // crypto/rand when nil (passwords, tokens)
}

// App holds every service of Khung. Build it once with New.
type App struct {
	Config  config.Config
	Log     *slog.Logger
	Locales *views.Locales // the one message bundle (vi, en) for pages, JSON, mail and iCal

	Changes       *changes.Listener // what keeps the caches fresh: start it with Listen
	Auth          *auth.Service
	Audit         *auditlog.Service
	Units         *units.Service
	Users         *users.Service
	Bodies        *bodies.Service
	Inspectors    *inspectors.Service
	Holidays      *holidays.Service
	Catalogs      *catalogs.Service
	Proposals     *proposals.Service
	DemoProposals *seed.DemoProposals // the demo city's proposals file on the import page
	Plans         *plans.Service
	Visits        *visits.Service
	Feeds         *icalfeed.Service
	Inspections   *inspections.Service
	Remediation   *remediation.Service
	Inbox         *remediation.Inbox
	Notices       *notices.Service     // what the follow-up jobs find due, and who receives it
	Outbox        *notify.Outbox       // the mail outbox as the administrator sees it: failed mail and its retry
	Reports       *reports.Service     // statistics: the periodic report, its exports, units' own inspections
	Printer       *officialdoc.Printer // documents' HTML to A4 PDF (Chromium)
	Signing       *signing.Store       // signed originals: sign with the agency's certificate, verify uploads
	Surveys       *surveys.Service     // the inspected units' survey on the teams' conduct
	Evaluation    *evaluation.Service  // published evaluation criteria and the scores of units and teams

	db  *gorm.DB
	now func() time.Time
}

// New builds every service. It fails when the embedded message catalogs are broken.
func New(d Deps) (*App, error) {
	if d.DB == nil {
		return nil, fmt.Errorf("app: no database")
	}
	locales, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Random == nil {
		d.Random = rand.Reader
	}
	if d.Config.TimeZone == nil {
		d.Config.TimeZone = time.UTC
	}
	a := &App{Config: d.Config, Log: d.Log, Locales: locales, db: d.DB, now: d.Now}
	base := a.BaseURL()
	loc := d.Config.TimeZone
	db := d.DB

	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("app: database handle: %w", err)
	}
	a.Changes = changes.New(sqlDB, d.Log)
	a.Auth = auth.NewService(db, d.Config.SessionTTL, d.Config.SessionMaxAge).WithChanges(a.Changes)
	a.Audit = auditlog.New(db, loc)
	a.Units = units.New(db)
	a.Users = users.New(db, d.Random)
	a.Bodies = bodies.New(db)
	a.Inspectors = inspectors.New(db)
	a.Holidays = holidays.New(db, holidays.DefaultInputs)
	a.Catalogs = catalogs.New(db)
	a.Proposals = proposals.New(db)
	a.DemoProposals = seed.NewDemoProposals(db)
	a.Plans = plans.New(db, a.Changes, loc, locales)
	a.Visits = visits.New(db, a.Changes)
	a.Feeds = icalfeed.New(db)
	site := notify.Site{Locales: locales, BaseURL: base} // what renders notifications and mail
	a.Inspections = inspections.New(db, loc, site)
	a.Remediation = remediation.New(db, site, loc)
	a.Inbox = remediation.NewInbox(db)
	a.Notices = notices.New(db, loc, site)
	a.Outbox = notify.NewOutbox(db)
	a.Reports = reports.New(db, loc, locales)
	a.Printer = officialdoc.NewPrinter(d.Config.ChromiumBin)
	if a.Signing, err = signing.Open(db, d.Config.SigningPKCS12, d.Config.SigningPassword, d.Config.SigningRoots); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	a.Surveys = surveys.New(db, site, loc)
	a.Evaluation = evaluation.New(db, a.Reports, a.Surveys)
	// A published amendment tells the units whose visits it moved.
	a.Plans.OnPublish(func(ctx context.Context, tx *gorm.DB, now time.Time, id, previous int64) error {
		_, err := a.Notices.MovedVisits(ctx, tx, now, id, previous)
		return err
	})
	// Each workflow step tells who must act next; a publication tells the units.
	a.Plans.OnStep(func(ctx context.Context, tx *gorm.DB, now time.Time, who authz.Actor, id int64, step string, previous int64) error {
		_, err := a.Notices.PlanStep(ctx, tx, now, who, id, step, previous)
		return err
	})
	return a, nil
}

// Listen keeps the caches of calendars, boards and identities fresh by
// listening to the database's notifications until ctx ends or stop is
// called (stop waits for the connection to be given back). Without it
// nothing is cached: every request reads the database.
func (a *App) Listen(ctx context.Context) (stop func()) { return changes.Start(ctx, a.Changes) }

// Now is the current time from the app's clock.
func (a *App) Now() time.Time { return a.now() }

// Location is the zone of the working calendar and the cron table (Asia/Ho_Chi_Minh).
func (a *App) Location() *time.Location { return a.Config.TimeZone }

// Today is the civil date of now in the app's time zone: the day deadlines and
// the visibility rule compare with.
func (a *App) Today() models.Date { return visits.Today(a.now(), a.Config.TimeZone) }

// BaseURL is the public address of the app without a trailing slash ("" when unset).
func (a *App) BaseURL() string {
	if a.Config.BaseURL == nil {
		return ""
	}
	return strings.TrimRight(a.Config.BaseURL.String(), "/")
}

// Ready tells whether the database answers (for /readyz).
func (a *App) Ready(ctx context.Context) error {
	sqlDB, err := a.db.DB()
	if err != nil {
		return fmt.Errorf("database handle: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}
