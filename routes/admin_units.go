package routes

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/units"
	"khung/models"
)

// unitsPage: GET /admin/units?q=&kind=&on= — the search (with on, only the
// units in force that day), or the top of the tree.
func (a *admin) unitsPage(c *fiber.Ctx) error {
	ctx, actor := ctxOf(c), actorOf(c)
	q, err := unitQuery(c)
	if err != nil {
		return err
	}
	data := fiber.Map{"Q": q.Q, "Kind": string(q.Kind), "Kinds": unitKinds(), "On": c.Query("on")}
	if q.Q != "" || q.Kind != "" || q.On != nil {
		res, err := a.units.Search(ctx, actor, q)
		if err != nil {
			return err
		}
		data["Results"] = res.Items
		data["Searched"] = true
		data["Total"] = res.Total
		data["Pager"], data["Sorts"] = pagerOf(c, res), sortLinks(c, units.SortKeys()...)
	} else {
		roots, err := a.units.Roots(ctx, actor)
		if err != nil {
			return err
		}
		data["Results"] = roots
	}
	return a.page(c, "admin/units", "units", trOf(c).T("admin.units.title"), data)
}

// unitPage: GET /admin/units/:id — one unit, its place in the tree, its children.
func (a *admin) unitPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := a.unitDetail(c, id)
	if err != nil {
		return err
	}
	kids, err := a.units.Children(ctxOf(c), actorOf(c), id, pageQuery(c))
	if err != nil {
		return err
	}
	return a.page(c, "admin/unit", "units", u.Name, fiber.Map{
		"Unit": u, "Children": kids.Items, "ChildTotal": kids.Total, "Kinds": unitKinds(), "Form": unitForm(u.Unit),
		"Pager": newPager(c, kids.Page, kids.Pages(), kids.Total), "Sorts": sortLinks(c, units.ChildSortKeys()...),
	})
}

func unitKinds() []string {
	return []string{string(models.UnitCity), string(models.UnitDistrict), string(models.UnitCommune),
		string(models.UnitDepartment), string(models.UnitPublicServiceUnit), string(models.UnitOther)}
}

// unitInput reads the unit form; malformed dates are reported on their field.
func unitInput(c *fiber.Ctx) (units.Input, error) {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	ve := &apperr.ValidationError{}
	in := units.Input{ParentCode: v("parent_code"), Code: v("code"), Name: v("name"), ShortName: v("short_name"),
		Kind: v("kind"), TypeLabel: v("type_label"), AreaCode: v("area_code")}
	for _, f := range []struct {
		name string
		dst  **models.Date
	}{{"valid_from", &in.ValidFrom}, {"valid_to", &in.ValidTo}} {
		if s := v(f.name); s != "" {
			d, err := models.ParseTyped(s)
			if err != nil {
				ve.AddField(f.name, "date", "validation.date_invalid")
				continue
			}
			*f.dst = &d
		}
	}
	return in, ve.Err()
}

// unitForm turns a unit into the form's values.
func unitForm(u models.Unit) map[string]string {
	return map[string]string{"code": u.Code, "name": u.Name, "short_name": u.ShortName, "kind": string(u.Kind),
		"type_label": u.TypeLabel, "area_code": u.AreaCode, "valid_from": optDate(u.ValidFrom), "valid_to": optDate(u.ValidTo)}
}

// newUnitPage: GET /admin/units/new?parent=CODE.
func (a *admin) newUnitPage(c *fiber.Ctx) error {
	form := map[string]string{"parent_code": c.Query("parent"), "kind": string(models.UnitPublicServiceUnit)}
	return a.page(c, "admin/unit_form", "units", trOf(c).T("admin.units.new"), fiber.Map{"Kinds": unitKinds(), "Form": form})
}

// createUnit: POST /admin/units/new.
func (a *admin) createUnit(c *fiber.Ctx) error {
	in, err := unitInput(c)
	if err == nil {
		var n units.Node
		if n, err = a.units.Create(ctxOf(c), actorOf(c), in); err == nil {
			return a.done(c, "admin.saved", fmt.Sprintf("/admin/units/%d", n.ID))
		}
	}
	return a.form422(c, "admin/unit_form", "units", trOf(c).T("admin.units.new"), fiber.Map{"Kinds": unitKinds()}, err)
}

// updateUnit: POST /admin/units/:id — the edit form of the unit page.
func (a *admin) updateUnit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in, err := unitInput(c)
	if err == nil {
		if _, err = a.units.Update(ctxOf(c), actorOf(c), id, in); err == nil {
			return a.done(c, "admin.saved", fmt.Sprintf("/admin/units/%d", id))
		}
	}
	u, derr := a.unitDetail(c, id)
	if derr != nil {
		return derr
	}
	kids, derr := a.units.Children(ctxOf(c), actorOf(c), id, pageQuery(c))
	if derr != nil {
		return derr
	}
	return a.form422(c, "admin/unit", "units", u.Name, fiber.Map{
		"Unit": u, "Children": kids.Items, "ChildTotal": kids.Total, "Kinds": unitKinds(), "EditOpen": true,
		"Pager": newPager(c, kids.Page, kids.Pages(), kids.Total), "Sorts": sortLinks(c, units.ChildSortKeys()...),
	}, err)
}
