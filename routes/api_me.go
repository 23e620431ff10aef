package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/models"
)

// meResponse is the body of GET /api/v1/me.
type meResponse struct {
	ID          int64       `json:"id"`
	Email       string      `json:"email"`
	FullName    string      `json:"full_name"`
	Role        models.Role `json:"role"`
	UnitID      *int64      `json:"unit_id"`
	UnitName    string      `json:"unit_name,omitempty"`
	InspectorID *int64      `json:"inspector_id"`
	Locale      string      `json:"locale"`
	AuthMethod  string      `json:"auth_method"` // "session" or "token"
}

// apiMe returns the current user.
func (h *Handlers) apiMe(c *fiber.Ctx) error {
	id := identityOf(c)
	method := "session"
	if id.Token != nil {
		method = "token"
	}
	u := id.User
	return c.JSON(meResponse{
		ID: u.ID, Email: u.Email, FullName: u.FullName, Role: u.Role, UnitID: u.UnitID,
		UnitName: id.UnitName, InspectorID: u.InspectorID, Locale: u.Locale, AuthMethod: method,
	})
}
