package routes

import (
	_ "embed"
	"io/fs"

	"github.com/gofiber/fiber/v2"

	"khung/app/auditlog"
	"khung/app/bodies"
	"khung/app/catalogs"
	"khung/app/holidays"
	"khung/app/inspectors"
	"khung/app/units"
	"khung/app/users"
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
