// Package routes holds the HTTP layer: every route in one list (New), thin
// handlers (one file per resource), the middleware and the single error handler.
//
// Building blocks for handlers in this package (admin_*.go included):
//
//	h *Handlers                      dependencies: h.App (every service), h.Config, h.Log, h.Auth,
//	                                 h.Locales, h.Now(), h.today()
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
// Services: every service is built once by app.New; an area's handler struct (admin, plansUI…)
// takes the services it uses from the *app.App in New. Handlers never hold the database.
// Path ids: pathID(c, "id") (a malformed id is 404, like a missing row).
// Catalogs: views/locales/{vi,en}/*.toml; a test fails when an id is in one language only or
// when a template uses an id that no catalog has.
package routes

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app"
	"khung/app/auth"
	"khung/app/authz"
	"khung/config"
	"khung/models"
	"khung/views"
)

// Handlers holds what every handler and middleware uses. The areas' handler
// structs embed it and keep the services they call.
type Handlers struct {
	App     *app.App
	Config  config.Config
	Log     *slog.Logger
	Auth    *auth.Service
	Locales *views.Locales
}

// Now returns the current time from the app's clock.
func (h *Handlers) Now() time.Time { return h.App.Now() }

// New builds the Fiber app with every route of Khung, in one list. It panics
// when the embedded templates are broken, which the tests catch before a release.
func New(a *app.App) *fiber.App {
	h := newHandlers(a)
	f := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		Views:                 newEngine(a.Location()),
		ErrorHandler:          h.handleError,
		BodyLimit:             int(max(a.Config.UploadMaxBytes, 1<<20)) + 1<<20,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           2 * time.Minute,
		// X-Forwarded-For/-Proto/-Host count only from TRUSTED_PROXIES; the
		// client address the app keys on is clientIP's (right-most untrusted
		// hop), not c.IP() (which would take the left-most, the client's own).
		EnableTrustedProxyCheck: true,
		TrustedProxies:          a.Config.TrustedProxyList(),
		ProxyHeader:             fiber.HeaderXForwardedFor,
		EnableIPValidation:      true,
	})

	// The areas and the services they use.
	adm := &admin{Handlers: h, units: a.Units, users: a.Users, bodies: a.Bodies, inspectors: a.Inspectors,
		holidays: a.Holidays, catalogs: a.Catalogs, audit: a.Audit}
	prop := &proposalsUI{Handlers: h, svc: a.Proposals, demo: a.DemoProposals}
	plan := &plansUI{Handlers: h, plans: a.Plans}
	cal := &calendar{Handlers: h, visits: a.Visits, feeds: a.Feeds}
	insp := &inspectionsUI{Handlers: h, svc: a.Inspections, visits: a.Visits, recs: a.Remediation}
	rem := &remediationPages{Handlers: h, svc: a.Remediation, inbox: a.Inbox}
	box := &outboxAdmin{admin: adm, outbox: a.Outbox}
	rep := &reportsUI{Handlers: h, svc: a.Reports}
	hist := &unitHistory{Handlers: h, units: a.Units, recs: a.Remediation}
	stranded := &strandedUI{Handlers: h, proposals: a.Proposals}
	docs := &documentsUI{Handlers: h, insp: a.Inspections, plans: a.Plans, signing: a.Signing}
	svy := &surveysUI{Handlers: h, svc: a.Surveys, reports: a.Reports}
	eva := &evaluationUI{Handlers: h, svc: a.Evaluation, reports: a.Reports}

	// Who may pass.
	login := h.RequireLogin
	onlyAdmin := h.RequireRole(models.RoleAdmin)
	readReference := h.RequirePermission(authz.ReadReference)
	manageReference := h.RequirePermission(authz.ManageReference)
	readProposals := h.RequireRole(models.RolePlanner, models.RoleApprover, models.RoleViewer)
	manageProposals := h.RequirePermission(authz.ManageProposals)
	readPlans := plan.requireReader
	managePlans := h.RequirePermission(authz.ManagePlans)
	approvePlans := h.RequirePermission(authz.ApprovePlans)
	readVisitFiles := h.RequireRole(models.RolePlanner, models.RoleApprover, models.RoleInspector)
	signDocuments := h.RequireRole(models.RoleApprover, models.RolePlanner) // leadership signs
	workOnVisits := h.RequirePermission(authz.WorkOnVisits)
	reportRemediation := h.RequirePermission(authz.ReportRemediation)
	verifyRemediation := h.RequirePermission(authz.VerifyRemediation)
	readStatistics := h.RequireRole(models.RolePlanner, models.RoleApprover, models.RoleViewer, models.RoleUnit)
	recordOwn := h.RequireRole(models.RoleUnit) // a department's or commune's office records its own inspections
	readScores := h.RequireRole(models.RoleApprover, models.RoleViewer, models.RoleUnit)

	// Middleware, in order: every request gets an id, an access log line and panic
	// recovery; static assets and health checks are served before any database work.
	f.Use(h.requestID, h.accessLog, h.recover, h.securityHeaders)
	f.Use("/static", staticFiles())
	f.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	f.Get("/readyz", h.readyz)
	f.Get("/admin/assets/admin.css", adm.stylesheet)
	f.Get("/proposals/assets/:file", prop.asset)
	f.Get("/plans/assets/:file", plan.asset)
	f.Get("/calendar/assets/calendar.css", cal.stylesheet)
	f.Get("/inspections/assets/inspections.css", insp.stylesheet)
	f.Get("/remediation/assets/remediation.css", rem.stylesheet)
	f.Get("/units/assets/history.css", templateCSS("history/history.css"))
	f.Use(h.settle, h.loadIdentity, h.language, h.checkCSRF)

	// ---- Pages ----

	// Signing in, the home page and one's own account.
	f.Get("/", login, h.home)
	f.Get("/login", h.loginPage)
	f.Post("/login", h.login)
	f.Post("/logout", h.logout)
	f.Get("/account/password", login, h.passwordPage)
	f.Post("/account/password", login, h.changePassword)
	f.Get("/account/tokens", login, h.tokensPage)
	f.Post("/account/tokens", login, h.createToken)
	f.Post("/account/tokens/:id<int>/revoke", login, h.revokeToken)

	// The admin area, for the administrator only. A form posts to the URL of
	// its own page, so after an error the address still shows the form.
	g := f.Group("/admin", onlyAdmin)
	g.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/", fiber.StatusSeeOther) })
	g.Get("/units", adm.unitsPage)
	g.Get("/units/new", adm.newUnitPage)
	g.Post("/units/new", adm.createUnit)
	g.Get("/units/:id<int>", adm.unitPage)
	g.Post("/units/:id<int>", adm.updateUnit)
	g.Get("/users", adm.usersPage)
	g.Get("/users/new", adm.newUserPage)
	g.Post("/users/new", adm.createUser)
	g.Get("/users/:id<int>", adm.editUserPage)
	g.Post("/users/:id<int>", adm.updateUser)
	g.Post("/users/:id<int>/deactivate", adm.deactivateUser)
	g.Post("/users/:id<int>/activate", adm.activateUser)
	g.Post("/users/:id<int>/reset-password", adm.resetPassword)
	g.Get("/bodies", adm.bodiesPage)
	g.Get("/bodies/new", adm.newBodyPage)
	g.Post("/bodies/new", adm.createBody)
	g.Get("/bodies/:id<int>", adm.editBodyPage)
	g.Post("/bodies/:id<int>", adm.updateBody)
	g.Post("/bodies/:id<int>/delete", adm.deleteBody)
	g.Get("/inspectors", adm.inspectorsPage)
	g.Get("/inspectors/new", adm.newInspectorPage)
	g.Post("/inspectors/new", adm.createInspector)
	g.Get("/inspectors/:id<int>", adm.editInspectorPage)
	g.Post("/inspectors/:id<int>", adm.updateInspector)
	g.Post("/inspectors/:id<int>/delete", adm.deleteInspector)
	g.Get("/holidays", adm.holidaysPage)
	g.Post("/holidays", adm.createHoliday)
	g.Get("/holidays/:id<int>", adm.editHolidayPage)
	g.Post("/holidays/:id<int>", adm.updateHoliday)
	g.Post("/holidays/:id<int>/delete", adm.deleteHoliday)
	g.Post("/holidays/defaults", adm.loadDefaultHolidays)
	g.Get("/catalogs", func(c *fiber.Ctx) error { return c.Redirect("/admin/catalogs/kinds", fiber.StatusSeeOther) })
	g.Get("/catalogs/rules", adm.rulesPage)
	g.Get("/catalogs/rules/new", adm.newRulePage)
	g.Post("/catalogs/rules/new", adm.createRule)
	g.Get("/catalogs/rules/:id<int>", adm.editRulePage)
	g.Post("/catalogs/rules/:id<int>", adm.updateRule)
	g.Post("/catalogs/rules/:id<int>/delete", adm.deleteRule)
	g.Get("/catalogs/:catalog", adm.catalogPage)
	g.Get("/catalogs/:catalog/new", adm.newEntryPage)
	g.Post("/catalogs/:catalog/new", adm.createEntry)
	g.Get("/catalogs/:catalog/:id<int>", adm.editEntryPage)
	g.Post("/catalogs/:catalog/:id<int>", adm.updateEntry)
	g.Post("/catalogs/:catalog/:id<int>/delete", adm.deleteEntry)
	g.Get("/audit", adm.auditPage)
	g.Get("/audit/:id<int>", adm.auditEntryPage)
	g.Get("/outbox", box.outboxPage)
	g.Post("/outbox/retry-failed", box.retryAllFailed)
	g.Post("/outbox/:id<int>/retry", box.retryMail)

	// Proposals: planners manage them, approvers and viewers read them.
	f.Get("/proposals", readProposals, prop.listPage)
	f.Get("/proposals/new", manageProposals, prop.newPage)
	f.Post("/proposals", manageProposals, prop.create)
	f.Get("/proposals/import", manageProposals, prop.importPage)
	f.Post("/proposals/import", manageProposals, prop.importFile)
	f.Get("/proposals/template.xlsx", readProposals, prop.template)
	f.Get("/proposals/demo.xlsx", manageProposals, prop.demoFile)
	f.Get("/proposals/export.xlsx", readProposals, prop.export)
	f.Get("/proposals/:id<int>", readProposals, prop.showPage)
	f.Post("/proposals/:id<int>/withdraw", manageProposals, prop.withdraw)
	f.Post("/proposals/:id<int>/reject", manageProposals, prop.reject)
	// Proposals left on a unit split between several successors go to one.
	f.Get("/plans/:year<int>/stranded", manageProposals, stranded.page)
	f.Post("/proposals/:id<int>/successor", manageProposals, stranded.move)

	// The framework plan: build, versions and their steps, the board, hand
	// adjustment, diff, print and Excel.
	f.Get("/plans", readPlans, plan.indexPage)
	f.Get("/plans/:year<int>", readPlans, plan.yearPage)
	f.Post("/plans/:year<int>/build", managePlans, plan.build)
	f.Get("/plans/versions/:id<int>", readPlans, plan.versionPage)
	f.Get("/plans/versions/:id<int>/submit", managePlans, plan.confirmPage(stepSubmit))
	f.Post("/plans/versions/:id<int>/submit", managePlans, plan.stepHandler(stepSubmit))
	f.Post("/plans/versions/:id<int>/amend", managePlans, plan.amend)
	f.Get("/plans/versions/:id<int>/approve", approvePlans, plan.confirmPage(stepApprove))
	f.Post("/plans/versions/:id<int>/approve", approvePlans, plan.stepHandler(stepApprove))
	f.Get("/plans/versions/:id<int>/publish", approvePlans, plan.confirmPage(stepPublish))
	f.Post("/plans/versions/:id<int>/publish", approvePlans, plan.stepHandler(stepPublish))
	f.Post("/plans/versions/:id<int>/return", approvePlans, plan.stepHandler(stepReturn))
	f.Get("/plans/versions/:id<int>/board", readPlans, plan.boardPage)
	f.Get("/plans/versions/:id<int>/visits/:code", readPlans, plan.visitPage)
	f.Post("/plans/versions/:id<int>/visits/:code/check", managePlans, plan.check)
	f.Post("/plans/versions/:id<int>/visits/:code/adjust", managePlans, plan.adjust)
	f.Get("/plans/versions/:id<int>/diff/:other<int>", readPlans, plan.diffPage)
	f.Get("/plans/versions/:id<int>/repair", managePlans, plan.repairPage)
	f.Post("/plans/versions/:id<int>/repair", managePlans, plan.repairPreview)
	f.Post("/plans/versions/:id<int>/repair/save", managePlans, plan.repairSave)
	f.Get("/plans/versions/:id<int>/print", readPlans, plan.printPage)
	f.Get("/plans/versions/:id<int>/plan.xlsx", readPlans, plan.exportXLSX)

	// The calendar of visits (each reader sees what the visibility rule lets
	// them see), the iCal address page and the inspector's own visits.
	f.Get("/calendar", login, cal.monthPage)
	f.Get("/calendar/list", login, cal.listPage)
	f.Get("/calendar/visits/:id<int>", login, cal.visitPage)
	f.Get("/calendar/ical", login, cal.icalPage)
	f.Post("/calendar/ical", login, cal.renewFeed)
	f.Post("/calendar/ical/revoke", login, cal.revokeFeed)
	f.Get("/my-visits", login, cal.myVisitsPage)

	// A visit's work: unplanned visits, the decision, status and events,
	// findings, the conclusion and the implementing directive.
	f.Get("/visits/new", managePlans, insp.newUnplannedPage)
	f.Post("/visits", managePlans, insp.createUnplanned)
	f.Get("/visits/checks/new", managePlans, insp.newCheckPage)
	f.Post("/visits/checks", managePlans, insp.createCheck)
	f.Get("/visits/:id<int>", login, insp.workPage)
	// Official documents: print, PDF (the signed original when there is one),
	// sign with the agency's certificate, upload an original signed elsewhere,
	// verify any signed PDF.
	f.Get("/visits/:id<int>/decision/print", readVisitFiles, docs.page("decision"))
	f.Get("/visits/:id<int>/decision.pdf", readVisitFiles, docs.pdf("decision"))
	f.Post("/visits/:id<int>/decision/sign", signDocuments, docs.sign("decision"))
	f.Post("/visits/:id<int>/decision/signed", signDocuments, docs.upload("decision"))
	f.Get("/visits/:id<int>/conclusion/print", readVisitFiles, docs.page("conclusion"))
	f.Get("/visits/:id<int>/conclusion.pdf", readVisitFiles, docs.pdf("conclusion"))
	f.Post("/visits/:id<int>/conclusion/sign", signDocuments, docs.sign("conclusion"))
	f.Post("/visits/:id<int>/conclusion/signed", signDocuments, docs.upload("conclusion"))
	f.Get("/visits/:id<int>/notice/print", readVisitFiles, docs.page("notice"))
	f.Get("/visits/:id<int>/notice.pdf", readVisitFiles, docs.pdf("notice"))
	f.Get("/recommendations/:id<int>/acceptance/print", login, docs.page("acceptance"))
	f.Get("/recommendations/:id<int>/acceptance.pdf", login, docs.pdf("acceptance"))
	f.Get("/plans/versions/:id<int>/document.pdf", readPlans, docs.planPDF)
	f.Get("/documents/verify", login, docs.verifyPage)
	f.Post("/documents/verify", login, docs.verify)
	f.Post("/visits/:id<int>/decision", workOnVisits, insp.signDecision)
	f.Post("/visits/:id<int>/status", workOnVisits, insp.changeStatus)
	f.Post("/visits/:id<int>/events", workOnVisits, insp.recordEvent)
	f.Post("/visits/:id<int>/findings", workOnVisits, insp.addFinding)
	f.Post("/visits/:id<int>/conclusion", workOnVisits, insp.issueConclusion)
	f.Post("/visits/:id<int>/directive", workOnVisits, insp.recordDirective)
	f.Post("/visits/:id<int>/draft", workOnVisits, insp.recordDraft)
	f.Post("/visits/:id<int>/notice/number", workOnVisits, insp.numberNotice)
	f.Get("/visits/files/:id<int>", readVisitFiles, insp.download)
	f.Get("/conclusions/:id<int>", login, insp.conclusionPage)

	// A unit's page: where it came from, the visits to it and to the units it
	// was formed from, the open recommendations it carries or inherited.
	f.Get("/units/mine", login, hist.myUnit)
	f.Get("/units/pick", readReference, hist.pickUnits) // the forms' unit picker (partials/unit_picker)
	f.Get("/units/:id<int>", readReference, hist.unitPage)

	// Recommendations and their remediation reports, attachments, notifications.
	f.Get("/recommendations", login, rem.listPage)
	f.Get("/recommendations/:id<int>", login, rem.detailPage)
	f.Post("/recommendations/:id<int>/reports", reportRemediation, rem.submit)
	f.Post("/recommendations/:id<int>/outcomes", login, rem.recordOutcome)
	f.Get("/remediation-reports", verifyRemediation, rem.queuePage)
	f.Post("/remediation-reports/:id<int>/accept", verifyRemediation, rem.accept)
	f.Post("/remediation-reports/:id<int>/return", verifyRemediation, rem.giveBack)
	f.Get("/recommendations/:id<int>/reassign", managePlans, hist.reassignPage)
	f.Post("/recommendations/:id<int>/reassign", managePlans, hist.reassign)
	f.Get("/attachments/:id<int>", login, rem.download)
	f.Get("/notifications", login, rem.notificationsPage)
	f.Get("/notifications/badge", login, rem.notificationsBadge)
	f.Post("/notifications/read-all", login, rem.markAllRead)
	f.Post("/notifications/:id<int>/read", login, rem.markRead)

	// Statistics: the periodic report, its Excel, and the lists behind its
	// figures (a unit reads its own subtree's).
	f.Get("/reports", readStatistics, rep.page)
	f.Get("/reports/periodic.xlsx", readStatistics, rep.periodicXLSX)
	f.Get("/reports/periodic.pdf", readStatistics, rep.periodicPDF)
	f.Get("/reports/list", readStatistics, rep.listPage)
	f.Get("/reports/assets/reports.css", rep.stylesheet)
	f.Get("/dashboard", readStatistics, rep.dashboard)
	// A department's or commune's office: the inspections it ran itself.
	f.Get("/own-inspections", recordOwn, rep.ownListPage)
	f.Get("/own-inspections/new", recordOwn, rep.ownNewPage)
	f.Post("/own-inspections", recordOwn, rep.ownCreate)
	f.Get("/own-inspections/template.xlsx", recordOwn, rep.ownTemplate)
	f.Get("/own-inspections/import", recordOwn, rep.ownImportPage)
	f.Post("/own-inspections/import", recordOwn, rep.ownImport)
	f.Get("/own-inspections/:id<int>/conclusion", recordOwn, rep.ownConcludePage)
	f.Post("/own-inspections/:id<int>/conclusion", recordOwn, rep.ownConclude)
	// The inspected unit's survey on the team's conduct; results for leadership only.
	f.Get("/surveys", recordOwn, svy.openPage)
	f.Get("/surveys/visits/:id<int>", recordOwn, svy.answerPage)
	f.Post("/surveys/visits/:id<int>", recordOwn, svy.answer)
	f.Get("/surveys/results", h.RequireRole(models.RoleApprover, models.RoleViewer), svy.resultsPage)
	// A unit's report of misconduct goes to the department's leadership (approvers), never to the team.
	f.Get("/misconduct", recordOwn, svy.misconductPage)
	f.Post("/misconduct", recordOwn, svy.reportMisconduct)
	f.Get("/misconduct/inbox", h.RequireRole(models.RoleApprover), svy.misconductInbox)
	f.Post("/misconduct/:id<int>/answer", h.RequireRole(models.RoleApprover), svy.answerMisconduct)
	f.Get("/admin/survey-questions", onlyAdmin, svy.questionsPage)
	f.Post("/admin/survey-questions", onlyAdmin, svy.saveQuestion)
	f.Post("/admin/survey-questions/:id<int>", onlyAdmin, svy.saveQuestion)
	// Published evaluation criteria (the administrator edits them) and the
	// scores they give: leadership every unit's and team's, a unit its subtree's.
	f.Get("/reports/list/findings", readStatistics, rep.findingsList)
	f.Get("/reports/list/ageing", readStatistics, rep.ageingList)
	f.Get("/reports/list/conclusions", readStatistics, rep.conclusionsList)
	f.Get("/evaluation", readScores, eva.scoresPage)
	f.Get("/evaluation/criteria", login, eva.criteriaPage)
	f.Get("/admin/evaluation-criteria", onlyAdmin, eva.adminPage)
	f.Post("/admin/evaluation-criteria", onlyAdmin, eva.saveCriterion)
	f.Get("/admin/evaluation-criteria/:id<int>", onlyAdmin, eva.adminPage)
	f.Post("/admin/evaluation-criteria/:id<int>", onlyAdmin, eva.saveCriterion)

	// ---- JSON API (/api/v1, described by openapi.yaml) ----
	f.Get("/api/openapi.yaml", adm.openAPI)
	api := f.Group("/api/v1", login)

	// The caller and their API tokens.
	api.Get("/me", h.apiMe)
	api.Get("/me/tokens", h.apiListTokens)
	api.Post("/me/tokens", h.apiCreateToken)
	api.Delete("/me/tokens/:id<int>", h.apiRevokeToken)
	api.Get("/me/visits", cal.apiMyVisits)

	// Reference data. Reads are open to the roles that read reference data,
	// each service scoping what a role sees (a unit user reads its own
	// subtree); writes are the administrator's.
	api.Get("/units", adm.apiSearchUnits)
	api.Get("/units/:id<int>", adm.apiGetUnit)
	api.Post("/units", manageReference, adm.apiCreateUnit)
	api.Put("/units/:id<int>", manageReference, adm.apiUpdateUnit)
	api.Get("/units/:id<int>/children", adm.apiUnitChildren)
	api.Get("/users", onlyAdmin, adm.apiListUsers)
	api.Post("/users", onlyAdmin, adm.apiCreateUser)
	api.Get("/users/:id<int>", onlyAdmin, adm.apiGetUser)
	api.Put("/users/:id<int>", onlyAdmin, adm.apiUpdateUser)
	api.Post("/users/:id<int>/deactivate", onlyAdmin, adm.apiDeactivateUser)
	api.Post("/users/:id<int>/activate", onlyAdmin, adm.apiActivateUser)
	api.Post("/users/:id<int>/reset-password", onlyAdmin, adm.apiResetPassword)
	api.Get("/bodies", readReference, adm.apiListBodies)
	api.Post("/bodies", manageReference, adm.apiCreateBody)
	api.Get("/bodies/:id<int>", readReference, adm.apiGetBody)
	api.Put("/bodies/:id<int>", manageReference, adm.apiUpdateBody)
	api.Delete("/bodies/:id<int>", manageReference, adm.apiDeleteBody)
	api.Get("/inspectors", readReference, adm.apiListInspectors)
	api.Post("/inspectors", manageReference, adm.apiCreateInspector)
	api.Get("/inspectors/:id<int>", readReference, adm.apiGetInspector)
	api.Put("/inspectors/:id<int>", manageReference, adm.apiUpdateInspector)
	api.Delete("/inspectors/:id<int>", manageReference, adm.apiDeleteInspector)
	api.Get("/holidays", readReference, adm.apiHolidayYear)
	api.Post("/holidays", manageReference, adm.apiCreateHoliday)
	api.Post("/holidays/defaults", manageReference, adm.apiLoadDefaultHolidays)
	api.Get("/holidays/:id<int>", readReference, adm.apiGetHoliday)
	api.Put("/holidays/:id<int>", manageReference, adm.apiUpdateHoliday)
	api.Delete("/holidays/:id<int>", manageReference, adm.apiDeleteHoliday)
	api.Get("/rules", readReference, adm.apiListRules)
	api.Post("/rules", manageReference, adm.apiCreateRule)
	api.Get("/rules/:id<int>", readReference, adm.apiGetRule)
	api.Put("/rules/:id<int>", manageReference, adm.apiUpdateRule)
	api.Delete("/rules/:id<int>", manageReference, adm.apiDeleteRule)
	api.Get("/catalogs/:catalog", readReference, adm.apiListEntries)
	api.Post("/catalogs/:catalog", manageReference, adm.apiCreateEntry)
	api.Get("/catalogs/:catalog/:id<int>", readReference, adm.apiGetEntry)
	api.Put("/catalogs/:catalog/:id<int>", manageReference, adm.apiUpdateEntry)
	api.Delete("/catalogs/:catalog/:id<int>", manageReference, adm.apiDeleteEntry)
	api.Get("/audit", onlyAdmin, adm.apiListAudit)
	api.Get("/audit/:id<int>", onlyAdmin, adm.apiGetAudit)
	api.Get("/outbox", onlyAdmin, box.apiListOutbox)
	api.Post("/outbox/:id<int>/retry", onlyAdmin, box.apiRetryMail)

	// Proposals.
	api.Get("/proposals", readProposals, prop.apiList)
	api.Post("/proposals", manageProposals, prop.apiCreate)
	api.Get("/proposals/template", readProposals, prop.template)
	api.Get("/proposals/export", readProposals, prop.export)
	api.Post("/proposals/import", manageProposals, prop.apiImport)
	api.Get("/proposals/:id<int>", readProposals, prop.apiGet)
	api.Post("/proposals/:id<int>/withdraw", manageProposals, prop.apiWithdraw)
	api.Post("/proposals/:id<int>/reject", manageProposals, prop.apiReject)
	api.Get("/plans/:year<int>/stranded-proposals", manageProposals, stranded.apiList)
	api.Post("/proposals/:id<int>/successor", manageProposals, stranded.apiMove)

	// Plans and their versions.
	api.Post("/plans/:year<int>/build", managePlans, plan.apiBuild)
	api.Get("/plans/:year<int>/versions", readPlans, plan.apiVersions)
	api.Get("/plan-versions/:id<int>", readPlans, plan.apiVersion)
	api.Post("/plan-versions/:id<int>/submit", managePlans, plan.apiStep(stepSubmit))
	api.Post("/plan-versions/:id<int>/amend", managePlans, plan.apiAmend)
	api.Post("/plan-versions/:id<int>/approve", approvePlans, plan.apiStep(stepApprove))
	api.Post("/plan-versions/:id<int>/publish", approvePlans, plan.apiStep(stepPublish))
	api.Post("/plan-versions/:id<int>/return", approvePlans, plan.apiStep(stepReturn))
	api.Post("/plan-versions/:id<int>/visits/:code/check", managePlans, plan.apiCheck)
	api.Post("/plan-versions/:id<int>/visits/:code/adjust", managePlans, plan.apiAdjust)
	api.Get("/plan-versions/:id<int>/diff/:other<int>", readPlans, plan.apiDiff)
	api.Post("/plan-versions/:id<int>/repair", managePlans, plan.apiRepair)
	api.Post("/plan-versions/:id<int>/repair/save", managePlans, plan.apiRepairSave)

	// Visits (under the visibility rule) and their work.
	api.Get("/visits", cal.apiListVisits)
	api.Get("/visits/:id<int>", cal.apiGetVisit)
	api.Get("/visits/:id<int>/work", readVisitFiles, insp.apiWork)
	api.Post("/visits/:id<int>/decision", workOnVisits, insp.apiDecision)
	api.Post("/visits/:id<int>/findings", workOnVisits, insp.apiFinding)
	api.Post("/visits/:id<int>/conclusion", workOnVisits, insp.apiConclusion)
	api.Post("/visits/:id<int>/status", workOnVisits, insp.apiStatus)
	api.Post("/visits/:id<int>/events", workOnVisits, insp.apiEvent)

	// Recommendations, remediation reports and notifications.
	api.Get("/recommendations", rem.apiList)
	api.Get("/recommendations/:id<int>", rem.apiGet)
	api.Post("/recommendations/:id<int>/reports", reportRemediation, rem.apiSubmit)
	api.Post("/recommendations/:id<int>/reassign", managePlans, hist.apiReassign)
	api.Get("/remediation-reports", verifyRemediation, rem.apiQueue)
	api.Post("/remediation-reports/:id<int>/verdict", verifyRemediation, rem.apiDecide)
	api.Get("/notifications", rem.apiNotifications)

	// Statistics.
	api.Get("/reports/periodic", readStatistics, rep.apiPeriodic)
	api.Get("/reports/periodic.xlsx", readStatistics, rep.periodicXLSX)
	api.Get("/reports/periodic.pdf", readStatistics, rep.periodicPDF)
	api.Get("/evaluation/scores", readScores, eva.apiScores)
	api.Get("/evaluation/criteria", login, eva.apiCriteria)
	api.Post("/evaluation/criteria", onlyAdmin, eva.apiSaveCriterion)
	api.Get("/evaluation/criteria/:id<int>", login, eva.apiCriterion)
	api.Put("/evaluation/criteria/:id<int>", onlyAdmin, eva.apiSaveCriterion)
	api.Get("/own-inspections", readStatistics, rep.apiOwnList)
	api.Post("/own-inspections", recordOwn, rep.apiRecordOwn)
	api.Get("/own-inspections/template", recordOwn, rep.ownTemplate)
	api.Post("/own-inspections/import", recordOwn, rep.apiImportOwn)
	api.Post("/own-inspections/:id<int>/conclusion", recordOwn, rep.apiConcludeOwn)

	// ---- Feeds ----
	// The iCal feed: the secret token in the address is the credential.
	f.Get("/ical/:token.ics", cal.feed)

	f.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return f
}

func newHandlers(a *app.App) *Handlers {
	return &Handlers{App: a, Config: a.Config, Log: a.Log, Auth: a.Auth, Locales: a.Locales}
}

func (h *Handlers) readyz(c *fiber.Ctx) error {
	if err := h.App.Ready(c.Context()); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unreachable")
	}
	return c.SendString("ready")
}
