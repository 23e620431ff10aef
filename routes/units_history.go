package routes

import (
	"fmt"
	"io/fs"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/remediation"
	"khung/app/units"
	"khung/views"
)

// unitHistory serves the pages where history follows the unit: the unit's
// page with where it came from, the visits to it and to the units it was
// formed from, and the open recommendations it carries or inherited; and the
// planner's re-assignment of a recommendation of a unit that ended.
type unitHistory struct {
	*Handlers
	units *units.Service
	recs  *remediation.Service
}

// myUnit: GET /units/mine — the unit office's own unit page.
func (u *unitHistory) myUnit(c *fiber.Ctx) error {
	a := actorOf(c)
	if a.UnitID == 0 {
		return fmt.Errorf("no unit of user %d: %w", a.UserID, apperr.ErrNotFound)
	}
	return c.Redirect(fmt.Sprintf("/units/%d", a.UnitID), fiber.StatusSeeOther)
}

// unitPage: GET /units/:id — the unit, its history and its record.
func (u *unitHistory) unitPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, a := ctxOf(c), actorOf(c)
	n, err := u.units.Get(ctx, a, id)
	if err != nil {
		return err
	}
	h, err := u.units.History(ctx, a, id)
	if err != nil {
		return err
	}
	rec, err := u.units.Record(ctx, a, id)
	if err != nil {
		return err
	}
	return u.render(c, "history/unit", fiber.Map{"Title": n.Name, "Unit": n, "History": h, "Record": rec})
}

// reassignData loads the re-assignment form of recommendation id.
func (u *unitHistory) reassignData(c *fiber.Ctx, id int64) (fiber.Map, error) {
	d, err := u.recs.Get(ctxOf(c), actorOf(c), id, u.today())
	if err != nil {
		return nil, err
	}
	succ, err := u.recs.Successors(ctxOf(c), actorOf(c), id, u.today())
	if err != nil {
		return nil, err
	}
	return fiber.Map{"Title": trOf(c).T("history.reassign.title", "ID", d.ID), "Rec": d, "Successors": succ}, nil
}

// reassignPage: GET /recommendations/:id/reassign — the planner's form.
func (u *unitHistory) reassignPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	data, err := u.reassignData(c, id)
	if err != nil {
		return err
	}
	return u.render(c, "history/reassign", data)
}

// reassign: POST /recommendations/:id/reassign — give it to a successor, with the reason.
func (u *unitHistory) reassign(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in remediation.ReassignInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	if _, err := u.recs.Reassign(ctxOf(c), actorOf(c), id, in, u.Now(), u.today()); err != nil {
		data, derr := u.reassignData(c, id)
		if derr != nil {
			return derr
		}
		return u.renderForm422(c, "history/reassign", data, err)
	}
	u.setFlash(c, "history.reassign.done")
	return c.Redirect(fmt.Sprintf("/recommendations/%d", id), fiber.StatusSeeOther)
}

// apiReassign: POST /api/v1/recommendations/:id/reassign {"unit_id": 9, "reason": "…"}.
func (u *unitHistory) apiReassign(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return u.jsonError(c, err)
	}
	var in remediation.ReassignInput
	if err := bindJSON(c, &in); err != nil {
		return u.jsonError(c, err)
	}
	rec, err := u.recs.Reassign(ctxOf(c), actorOf(c), id, in, u.Now(), u.today())
	if err != nil {
		return u.jsonError(c, err)
	}
	return c.JSON(rec)
}

// templateCSS serves the stylesheet name, kept next to its templates, with a
// day of caching (the unit pages' history/history.css).
func templateCSS(name string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		css, err := fs.ReadFile(views.Templates(), name)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		return c.Send(css)
	}
}
