// Package routes holds the HTTP layer: every route in one list (New), thin
// handlers (one file per resource), the middleware and the single error handler.
//
// Building blocks for handlers in this package (admin_*.go included):
//
//	h *Handlers                      dependencies: h.Config, h.DB, h.Log, h.Auth, h.Locales, h.Now()
//	h.RequireLogin                   middleware: anonymous HTML → redirect to /login, JSON → 401
//	h.RequireRole(models.RoleAdmin)  middleware: logged in AND one of the roles, else 403
//	h.RequirePermission(authz.ManageReference)
//	                                 middleware: logged in AND the role has the permission, else 403
//	actorOf(c) authz.Actor           who is acting (zero Actor when anonymous); pass it to services
//	userOf(c) *models.User           the logged-in user (nil when anonymous)
//	ctxOf(c) context.Context         the request context carrying the request id and IP for
//	                                 audit.Record: services run db.WithContext(ctx).Transaction(…)
//	trOf(c) *views.Translator        the request's language: trOf(c).T("id"), .Pick(vi, en)
//	h.render(c, "admin/units", fiber.Map{…})
//	                                 renders views/templates/admin/units.html inside the layout,
//	                                 adding T, Lang, CSRF, Me, Actor, Path, Form, Errors, Flash
//	h.renderForm422(c, "admin/user_form", data, err)
//	                                 a *apperr.ValidationError → status 422, the form re-rendered
//	                                 with the posted values kept (data["Form"], default: the raw
//	                                 posted fields) and each message under its field; other
//	                                 apperr errors with a message → their status and the message
//	                                 on top of the form; anything else → returned (error handler)
//	h.renderPartial(c, "admin/row", data)
//	                                 the same without the layout, for htmx swaps (isHTMX(c));
//	                                 in a range: {{template "admin/row" (withItem $ .)}} → .Item
//	h.jsonError(c, err)              writes the JSON error envelope with the mapped status
//	bindJSON(c, &dst) / bindForm(c, &dst)
//	                                 parse a body; malformed input → apperr.ErrBadRequest (400)
//	h.setFlash(c, "message.id")      a one-shot message (catalog id) shown on the next page
//	safeNext(s)                      a redirect target kept on this site
//	returning an error from a handler is fine: the error handler maps apperr sentinels to
//	404/403/409/401/429/400, *ValidationError to 422, anything else to 500 (logged, never shown).
//
// In templates: {{t $ "message.id"}} translates (always pass $, the root), {{$.CSRF}} is the
// token for the hidden field `_csrf` ({{template "partials/csrf" $}} writes it), {{$.Form.name}}
// is a posted value, {{template "partials/field_errors" ($.Errors.Field "name")}} lists a field's
// messages with id "name-error" (point aria-describedby at it), {{template "partials/form_errors" $}}
// shows the form-level messages, and htmx requests send the header X-CSRF-Token (set on <body>).
// ($.Errors.For "name" is the []string of messages, for aria-invalid.) Data keys set by render:
// T, Lang, CSRF, Me, Identity (UnitName), Actor, Path, Query, RequestID, Form, Errors, Flash; set
// "Title" for the <title>. Functions: t, langURL, date, datetime (02/01/2006 [15:04]).
// Audit: audit.Record(tx, actor, action, entity, entityID int64, before, after) inside the
// service's transaction (request id and IP come from tx's context, see ctxOf).
// Services: build them in registerAdmin from h.DB (and h.Now for the clock); ask the web core
// for a field on Handlers if one must be shared.
// Catalogs: views/locales/{vi,en}/*.toml; a test fails when an id is in one language only or
// when a template uses an id that no catalog has.
package routes

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"khung/app/auth"
	"khung/config"
	"khung/views"
)

// Deps are what the HTTP layer needs; main builds them once.
type Deps struct {
	Config config.Config
	DB     *gorm.DB
	Log    *slog.Logger
	// Now is the clock (time.Now when nil); tests fix it.
	Now func() time.Time
}

// Handlers holds the dependencies every handler and middleware uses. Handlers
// of other areas build their services from these fields.
type Handlers struct {
	Config  config.Config
	DB      *gorm.DB
	Log     *slog.Logger
	Auth    *auth.Service
	Locales *views.Locales
	clock   func() time.Time
}

// Now returns the current time from the handlers' clock.
func (h *Handlers) Now() time.Time { return h.clock() }

// New builds the Fiber app with every route. It panics when the embedded
// templates or catalogs are broken, which the tests catch before a release.
func New(d Deps) *fiber.App {
	h, err := newHandlers(d)
	if err != nil {
		panic(err)
	}
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		Views:                 newEngine(d.Config.TimeZone),
		ErrorHandler:          h.handleError,
		BodyLimit:             int(max(d.Config.UploadMaxBytes, 1<<20)) + 1<<20,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           2 * time.Minute,
	})

	// Middleware, in order: every request gets an id, an access log line and panic
	// recovery; static assets are served before any database work.
	app.Use(h.requestID, h.accessLog, h.recover, securityHeaders)
	app.Use("/static", staticFiles())
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/readyz", h.readyz)
	app.Use(h.loadIdentity, h.language, h.checkCSRF)

	// Pages.
	app.Get("/", h.RequireLogin, h.home)
	app.Get("/login", h.loginPage)
	app.Post("/login", h.login)
	app.Post("/logout", h.logout)
	app.Get("/account/password", h.RequireLogin, h.passwordPage)
	app.Post("/account/password", h.RequireLogin, h.changePassword)
	app.Get("/account/tokens", h.RequireLogin, h.tokensPage)
	app.Post("/account/tokens", h.RequireLogin, h.createToken)
	app.Post("/account/tokens/:id/revoke", h.RequireLogin, h.revokeToken)

	// JSON API.
	app.Get("/api/v1/me", h.RequireLogin, h.apiMe)
	app.Get("/api/v1/me/tokens", h.RequireLogin, h.apiListTokens)
	app.Post("/api/v1/me/tokens", h.RequireLogin, h.apiCreateToken)
	app.Delete("/api/v1/me/tokens/:id", h.RequireLogin, h.apiRevokeToken)

	// The admin area (routes/admin_routes.go).
	registerAdmin(app, h)
	registerProposals(app, h)
	registerPlans(app, h)
	registerCalendar(app, h)
	registerRemediation(app, h)
	registerInspections(app, h)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}

func newHandlers(d Deps) (*Handlers, error) {
	locales, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		return nil, err
	}
	clock := d.Now
	if clock == nil {
		clock = time.Now
	}
	log := d.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handlers{
		Config:  d.Config,
		DB:      d.DB,
		Log:     log,
		Auth:    auth.NewService(d.DB, d.Config.SessionTTL),
		Locales: locales,
		clock:   clock,
	}, nil
}

func (h *Handlers) readyz(c *fiber.Ctx) error {
	sqlDB, err := h.DB.DB()
	if err == nil {
		err = sqlDB.PingContext(c.Context())
	}
	if err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unreachable")
	}
	return c.SendString("ready")
}
