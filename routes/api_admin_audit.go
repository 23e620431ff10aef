package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/auditlog"
)

// auditFilter reads the audit log filter from the query string.
func auditFilter(c *fiber.Ctx) (auditlog.Filter, error) {
	ve := &apperr.ValidationError{}
	f := auditlog.Filter{
		Entity: c.Query("entity"), EntityID: int64(c.QueryInt("entity_id")), User: c.Query("user"),
		Action: c.Query("action"), From: dateQuery(c, "from", ve), To: dateQuery(c, "to", ve), Page: pageQuery(c),
	}
	return f, ve.Err()
}

// apiListAudit: GET /api/v1/audit?entity=&entity_id=&user=&action=&from=&to=&page=&per_page=.
func (a *admin) apiListAudit(c *fiber.Ctx) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	res, err := a.audit.List(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// apiGetAudit: GET /api/v1/audit/:id.
func (a *admin) apiGetAudit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := a.audit.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(e)
}
