package routes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/bodies"
	"khung/app/paging"
	"khung/models"
)

// bodyKinds lists the kinds of inspecting body, for the form.
func bodyKinds() []models.BodyKind {
	return []models.BodyKind{models.BodyCityTeam, models.BodyInspectorate, models.BodyDivision, models.BodyDepartment,
		models.BodyDistrictInternal, models.BodyCommune, models.BodyUnitInternal}
}

// bodySorts are the columns the list of bodies may be sorted by (it is
// short: read whole, sorted in memory).
func bodySorts() paging.Compare[bodies.Row] {
	return paging.Compare[bodies.Row]{
		"precedence": paging.By(func(r bodies.Row) int { return r.Precedence }),
		"name":       paging.ByText(func(r bodies.Row) string { return r.Name }),
		"code":       paging.By(func(r bodies.Row) string { return r.Code }),
		"kind":       paging.By(func(r bodies.Row) string { return string(r.Kind) }),
		"unit":       paging.ByText(func(r bodies.Row) string { return r.UnitName }),
		"inspectors": paging.By(func(r bodies.Row) int64 { return r.InspectorCount }),
		"status":     paging.ByFlag(func(r bodies.Row) bool { return r.Active }),
	}
}

// bodiesPage: GET /admin/bodies?sort=&page=.
func (a *admin) bodiesPage(c *fiber.Ctx) error {
	rows, err := a.bodies.List(ctxOf(c), actorOf(c), true)
	if err != nil {
		return err
	}
	by := bodySorts()
	res := paging.Slice(rows, pageQuery(c), by)
	return a.page(c, "admin/bodies", "bodies", trOf(c).T("admin.bodies.title"), fiber.Map{"Bodies": res.Items,
		"Total": res.Total, "Today": a.today(), "Pager": pagerOf(c, res), "Sorts": sortLinks(c, by.Keys()...)})
}

// newBodyPage: GET /admin/bodies/new.
func (a *admin) newBodyPage(c *fiber.Ctx) error {
	return a.page(c, "admin/body_form", "bodies", trOf(c).T("admin.bodies.new"), fiber.Map{
		"Kinds": bodyKinds(), "Form": map[string]string{"kind": string(models.BodyDivision), "precedence": "100", "active": "on"}})
}

// bodyInput reads the body form; a precedence that is not a number is reported
// on its field without calling the service.
func bodyInput(c *fiber.Ctx) (bodies.Input, error) {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	active := c.FormValue("active") != ""
	in := bodies.Input{Code: v("code"), Name: v("name"), ShortName: v("short_name"), Kind: v("kind"),
		UnitCode: v("unit_code"), Active: &active, LegalBasis: v("legal_basis")}
	ve := &apperr.ValidationError{}
	for _, f := range []struct {
		key string
		to  **models.Date
	}{{"valid_from", &in.ValidFrom}, {"valid_to", &in.ValidTo}} {
		if s := v(f.key); s != "" {
			d, err := models.ParseTyped(s)
			if err != nil {
				ve.AddField(f.key, "date", "validation.date_invalid")
				continue
			}
			*f.to = &d
		}
	}
	if p := v("precedence"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			ve.AddField("precedence", "number", "validation.whole_number")
		}
		in.Precedence = n
	}
	return in, ve.Err()
}

// bodyForm is the form's values for body b.
func bodyForm(b bodies.Row) map[string]string {
	form := map[string]string{"code": b.Code, "name": b.Name, "short_name": b.ShortName, "kind": string(b.Kind),
		"precedence": strconv.Itoa(b.Precedence), "unit_code": b.UnitCode,
		"valid_from": optDate(b.ValidFrom), "valid_to": optDate(b.ValidTo), "legal_basis": b.LegalBasis}
	if b.Active {
		form["active"] = "on"
	}
	return form
}

// createBody: POST /admin/bodies.
func (a *admin) createBody(c *fiber.Ctx) error {
	title := trOf(c).T("admin.bodies.new")
	in, err := bodyInput(c)
	if err == nil {
		var b bodies.Row
		if b, err = a.bodies.Create(ctxOf(c), actorOf(c), in); err == nil {
			return a.done(c, "admin.saved", fmt.Sprintf("/admin/bodies/%d", b.ID))
		}
	}
	return a.form422(c, "admin/body_form", "bodies", title, fiber.Map{"Kinds": bodyKinds()}, err)
}

// editBodyPage: GET /admin/bodies/:id.
func (a *admin) editBodyPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, err := a.bodies.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return a.page(c, "admin/body_form", "bodies", b.Name, fiber.Map{"Body": b, "Kinds": bodyKinds(), "Form": bodyForm(b)})
}

// updateBody: POST /admin/bodies/:id.
func (a *admin) updateBody(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := ctxOf(c), actorOf(c)
	b, err := a.bodies.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	in, err := bodyInput(c)
	if err == nil {
		if _, err = a.bodies.Update(ctx, actor, id, in); err == nil {
			return a.done(c, "admin.saved", fmt.Sprintf("/admin/bodies/%d", id))
		}
	}
	return a.form422(c, "admin/body_form", "bodies", b.Name, fiber.Map{"Body": b, "Kinds": bodyKinds()}, err)
}

// deleteBody: POST /admin/bodies/:id/delete.
func (a *admin) deleteBody(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := ctxOf(c), actorOf(c)
	if err := a.bodies.Delete(ctx, actor, id); err != nil {
		b, gerr := a.bodies.Get(ctx, actor, id)
		if gerr != nil {
			return gerr
		}
		return a.form422(c, "admin/body_form", "bodies", b.Name, fiber.Map{"Body": b, "Kinds": bodyKinds(), "Form": bodyForm(b)}, err)
	}
	return a.done(c, "admin.deleted", "/admin/bodies")
}
