package routes

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app/auth"
	"khung/models"
)

// tokenJSON is an API token as the JSON API shows it (never its hash).
type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	// Token is the secret, present only in the answer to its creation.
	Token string `json:"token,omitempty"`
}

func toTokenJSON(t models.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt,
		ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt}
}

// apiListTokens: GET /api/v1/me/tokens.
func (h *Handlers) apiListTokens(c *fiber.Ctx) error {
	ts, err := h.Auth.ListTokens(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	out := make([]tokenJSON, len(ts))
	for i, t := range ts {
		out[i] = toTokenJSON(t)
	}
	return c.JSON(fiber.Map{"items": out})
}

// apiCreateToken: POST /api/v1/me/tokens {"name", "expires_in_days"} → 201 with the token once.
func (h *Handlers) apiCreateToken(c *fiber.Ctx) error {
	var in auth.TokenInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	plain, t, err := h.Auth.CreateToken(ctxOf(c), actorOf(c), identityOf(c).Token, in, h.Now())
	if err != nil {
		return err
	}
	out := toTokenJSON(t)
	out.Token = plain
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(out)
}

// apiRevokeToken: DELETE /api/v1/me/tokens/:id → 204.
func (h *Handlers) apiRevokeToken(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Auth.RevokeToken(ctxOf(c), actorOf(c), id, h.Now()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
