package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/auth"
)

// tokensPage lists the user's personal API tokens.
func (h *Handlers) tokensPage(c *fiber.Ctx) error {
	return h.renderTokens(c, fiber.Map{})
}

func (h *Handlers) renderTokens(c *fiber.Ctx, data fiber.Map) error {
	tokens, err := h.Auth.ListTokens(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	data["Tokens"] = tokens
	data["Now"] = h.Now()
	data["Title"] = trOf(c).T("account.tokens.title")
	return h.render(c, "account/tokens", data)
}

// createToken makes a token and shows it once, on this response only.
func (h *Handlers) createToken(c *fiber.Ctx) error {
	var in auth.TokenInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	plain, t, err := h.Auth.CreateToken(ctxOf(c), actorOf(c), identityOf(c).Token, in, h.Now())
	if err != nil {
		tokens, lerr := h.Auth.ListTokens(ctxOf(c), actorOf(c))
		if lerr != nil {
			return lerr
		}
		return h.renderForm422(c, "account/tokens", fiber.Map{"Tokens": tokens, "Now": h.Now(), "Title": trOf(c).T("account.tokens.title")}, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(fiber.StatusCreated)
	return h.renderTokens(c, fiber.Map{"NewToken": plain, "NewTokenName": t.Name})
}

// revokeToken ends one of the user's tokens.
func (h *Handlers) revokeToken(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Auth.RevokeToken(ctxOf(c), actorOf(c), id, h.Now()); err != nil {
		return err
	}
	if isHTMX(c) {
		// htmx swaps the token's row in place.
		tokens, err := h.Auth.ListTokens(ctxOf(c), actorOf(c))
		if err != nil {
			return err
		}
		for _, t := range tokens {
			if t.ID == int64(id) {
				return h.renderPartial(c, "account/token_row", fiber.Map{"Item": t, "Now": h.Now()})
			}
		}
		return apperr.ErrNotFound
	}
	h.setFlash(c, "account.tokens.revoked")
	return c.Redirect("/account/tokens", fiber.StatusSeeOther)
}
