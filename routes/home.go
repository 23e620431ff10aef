package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/models"
)

// home shows the start page that fits the user's role.
func (h *Handlers) home(c *fiber.Ctx) error {
	tmpl := map[models.Role]string{
		models.RoleAdmin:     "home/admin",
		models.RolePlanner:   "home/planner",
		models.RoleApprover:  "home/approver",
		models.RoleInspector: "home/inspector",
		models.RoleUnit:      "home/unit",
		models.RoleViewer:    "home/viewer",
	}[actorOf(c).Role]
	if tmpl == "" {
		return fiber.ErrForbidden
	}
	return h.render(c, tmpl, fiber.Map{"Title": trOf(c).T("home.title")})
}
