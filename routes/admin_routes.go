package routes

import (
	_ "embed"
	"io/fs"

	"github.com/gofiber/fiber/v2"

	"khung/app/auditlog"
	"khung/app/authz"
	"khung/app/bodies"
	"khung/app/catalogs"
	"khung/app/holidays"
	"khung/app/inspectors"
	"khung/app/units"
	"khung/app/users"
	"khung/models"
	"khung/views"
)

// admin serves the admin area: the pages under /admin and the reference-data
// resources of the JSON API. It embeds Handlers for rendering and middleware.
type admin struct {
	*Handlers
	units      *units.Service
	users      *users.Service
	bodies     *bodies.Service
	inspectors *inspectors.Service
	holidays   *holidays.Service
	catalogs   *catalogs.Service
	audit      *auditlog.Service
}

// openAPIDocument is the OpenAPI 3.1 description of every /api/v1 endpoint.
//
//go:embed openapi.yaml
var openAPIDocument []byte

// registerAdmin adds the admin area's routes: every admin page and every
// /api/v1 resource for units, users, bodies, inspectors, holidays, catalogs,
// rules and the audit log, plus the OpenAPI document.
func registerAdmin(app *fiber.App, h *Handlers) {
	a := &admin{
		Handlers:   h,
		units:      units.New(h.DB),
		users:      users.New(h.DB, nil),
		bodies:     bodies.New(h.DB),
		inspectors: inspectors.New(h.DB),
		holidays:   holidays.New(h.DB, defaultHolidays),
		catalogs:   catalogs.New(h.DB),
		audit:      auditlog.New(h.DB, h.Config.TimeZone),
	}
	onlyAdmin := h.RequireRole(models.RoleAdmin)
	canManage := h.RequirePermission(authz.ManageReference)
	canRead := h.RequirePermission(authz.ReadReference)

	app.Get("/api/openapi.yaml", a.openAPI)
	app.Get("/admin/assets/admin.css", a.stylesheet)

	// Pages: the admin area is for the administrator only. A form posts to
	// the URL of its own page, so after an error the address still shows the
	// form (reloading or switching the language stays there).
	g := app.Group("/admin", onlyAdmin)
	g.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/", fiber.StatusSeeOther) })
	g.Get("/units", a.unitsPage)
	g.Get("/units/new", a.newUnitPage)
	g.Post("/units/new", a.createUnit)
	g.Get("/units/:id<int>", a.unitPage)
	g.Post("/units/:id<int>", a.updateUnit)

	g.Get("/users", a.usersPage)
	g.Get("/users/new", a.newUserPage)
	g.Post("/users/new", a.createUser)
	g.Get("/users/:id<int>", a.editUserPage)
	g.Post("/users/:id<int>", a.updateUser)
	g.Post("/users/:id<int>/deactivate", a.deactivateUser)
	g.Post("/users/:id<int>/activate", a.activateUser)
	g.Post("/users/:id<int>/reset-password", a.resetPassword)

	g.Get("/bodies", a.bodiesPage)
	g.Get("/bodies/new", a.newBodyPage)
	g.Post("/bodies/new", a.createBody)
	g.Get("/bodies/:id<int>", a.editBodyPage)
	g.Post("/bodies/:id<int>", a.updateBody)
	g.Post("/bodies/:id<int>/delete", a.deleteBody)

	g.Get("/inspectors", a.inspectorsPage)
	g.Get("/inspectors/new", a.newInspectorPage)
	g.Post("/inspectors/new", a.createInspector)
	g.Get("/inspectors/:id<int>", a.editInspectorPage)
	g.Post("/inspectors/:id<int>", a.updateInspector)
	g.Post("/inspectors/:id<int>/delete", a.deleteInspector)

	g.Get("/holidays", a.holidaysPage)
	g.Post("/holidays", a.createHoliday)
	g.Get("/holidays/:id<int>", a.editHolidayPage)
	g.Post("/holidays/:id<int>", a.updateHoliday)
	g.Post("/holidays/:id<int>/delete", a.deleteHoliday)
	g.Post("/holidays/defaults", a.loadDefaultHolidays)

	g.Get("/catalogs", func(c *fiber.Ctx) error { return c.Redirect("/admin/catalogs/kinds", fiber.StatusSeeOther) })
	g.Get("/catalogs/rules", a.rulesPage)
	g.Get("/catalogs/rules/new", a.newRulePage)
	g.Post("/catalogs/rules/new", a.createRule)
	g.Get("/catalogs/rules/:id<int>", a.editRulePage)
	g.Post("/catalogs/rules/:id<int>", a.updateRule)
	g.Post("/catalogs/rules/:id<int>/delete", a.deleteRule)
	g.Get("/catalogs/:catalog", a.catalogPage)
	g.Get("/catalogs/:catalog/new", a.newEntryPage)
	g.Post("/catalogs/:catalog/new", a.createEntry)
	g.Get("/catalogs/:catalog/:id<int>", a.editEntryPage)
	g.Post("/catalogs/:catalog/:id<int>", a.updateEntry)
	g.Post("/catalogs/:catalog/:id<int>/delete", a.deleteEntry)

	g.Get("/audit", a.auditPage)
	g.Get("/audit/:id<int>", a.auditEntryPage)

	// JSON API. Reads are open to the roles that read reference data, each
	// service scoping what a role sees (a unit user reads its own subtree);
	// writes are the administrator's.
	api := app.Group("/api/v1", h.RequireLogin)
	api.Get("/units", a.apiSearchUnits)
	api.Get("/units/:id<int>", a.apiGetUnit)
	api.Post("/units", canManage, a.apiCreateUnit)
	api.Put("/units/:id<int>", canManage, a.apiUpdateUnit)
	api.Get("/units/:id<int>/children", a.apiUnitChildren)

	api.Get("/users", onlyAdmin, a.apiListUsers)
	api.Post("/users", onlyAdmin, a.apiCreateUser)
	api.Get("/users/:id<int>", onlyAdmin, a.apiGetUser)
	api.Put("/users/:id<int>", onlyAdmin, a.apiUpdateUser)
	api.Post("/users/:id<int>/deactivate", onlyAdmin, a.apiDeactivateUser)
	api.Post("/users/:id<int>/activate", onlyAdmin, a.apiActivateUser)
	api.Post("/users/:id<int>/reset-password", onlyAdmin, a.apiResetPassword)

	api.Get("/bodies", canRead, a.apiListBodies)
	api.Post("/bodies", canManage, a.apiCreateBody)
	api.Get("/bodies/:id<int>", canRead, a.apiGetBody)
	api.Put("/bodies/:id<int>", canManage, a.apiUpdateBody)
	api.Delete("/bodies/:id<int>", canManage, a.apiDeleteBody)

	api.Get("/inspectors", canRead, a.apiListInspectors)
	api.Post("/inspectors", canManage, a.apiCreateInspector)
	api.Get("/inspectors/:id<int>", canRead, a.apiGetInspector)
	api.Put("/inspectors/:id<int>", canManage, a.apiUpdateInspector)
	api.Delete("/inspectors/:id<int>", canManage, a.apiDeleteInspector)

	api.Get("/holidays", canRead, a.apiHolidayYear)
	api.Post("/holidays", canManage, a.apiCreateHoliday)
	api.Post("/holidays/defaults", canManage, a.apiLoadDefaultHolidays)
	api.Get("/holidays/:id<int>", canRead, a.apiGetHoliday)
	api.Put("/holidays/:id<int>", canManage, a.apiUpdateHoliday)
	api.Delete("/holidays/:id<int>", canManage, a.apiDeleteHoliday)

	api.Get("/rules", canRead, a.apiListRules)
	api.Post("/rules", canManage, a.apiCreateRule)
	api.Get("/rules/:id<int>", canRead, a.apiGetRule)
	api.Put("/rules/:id<int>", canManage, a.apiUpdateRule)
	api.Delete("/rules/:id<int>", canManage, a.apiDeleteRule)

	api.Get("/catalogs/:catalog", canRead, a.apiListEntries)
	api.Post("/catalogs/:catalog", canManage, a.apiCreateEntry)
	api.Get("/catalogs/:catalog/:id<int>", canRead, a.apiGetEntry)
	api.Put("/catalogs/:catalog/:id<int>", canManage, a.apiUpdateEntry)
	api.Delete("/catalogs/:catalog/:id<int>", canManage, a.apiDeleteEntry)

	api.Get("/audit", onlyAdmin, a.apiListAudit)
	api.Get("/audit/:id<int>", onlyAdmin, a.apiGetAudit)
}

// openAPI serves the OpenAPI document.
func (a *admin) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	return c.Send(openAPIDocument)
}

// stylesheet serves the admin pages' few extra styles (the calendar grid, the
// tree, before/after diffs), kept next to the admin templates.
func (a *admin) stylesheet(c *fiber.Ctx) error {
	css, err := fs.ReadFile(views.Templates(), "admin/admin.css")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(css)
}

// defaultHolidays offers the Labour Code's holidays of a year (with the
// government's decided swaps) to the holiday calendar's "load defaults".
func defaultHolidays(year int) []holidays.Input {
	var out []holidays.Input
	for _, d := range holidays.LabourCode(year) {
		out = append(out, holidays.Input{Date: d.Date, Kind: string(d.Kind), NameVI: d.NameVI, NameEN: d.NameEN,
			LegalBasis: d.LegalBasis})
	}
	return out
}
