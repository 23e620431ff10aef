package routes

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/inspections"
	"khung/app/inspectors"
	"khung/app/paging"
	"khung/app/users"
	"khung/models"
)

// usersPage: GET /admin/users?q=&role=&status=.
func (a *admin) usersPage(c *fiber.Ctx) error {
	f := users.Filter{Q: c.Query("q"), Role: models.Role(c.Query("role")), Status: c.Query("status"), Page: pageQuery(c)}
	res, err := a.users.List(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	return a.page(c, "admin/users", "users", trOf(c).T("admin.users.title"), fiber.Map{
		"Users": res.Items, "Total": res.Total, "Filter": f, "Roles": models.Roles(),
		"Pager": pagerOf(c, res), "Sorts": sortLinks(c, users.SortKeys()...),
		"Filtered": f.Q != "" || f.Role != "" || f.Status != "",
	})
}

// userFormData is what the user form needs besides the values.
func userFormData(data fiber.Map) fiber.Map {
	data["Roles"] = models.Roles()
	data["Positions"] = []models.UnitPosition{models.PositionOffice, models.PositionHead, models.PositionLeadership}
	return data
}

// newUserPage: GET /admin/users/new.
func (a *admin) newUserPage(c *fiber.Ctx) error {
	data, err := a.withInspectors(c, fiber.Map{
		"Form": map[string]string{"role": string(models.RolePlanner), "unit_position": "office", "locale": "vi"},
	})
	if err != nil {
		return err
	}
	return a.page(c, "admin/user_form", "users", trOf(c).T("admin.users.new"), data)
}

// userInput reads the user form.
func userInput(c *fiber.Ctx) users.Input {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	return users.Input{Email: v("email"), FullName: v("full_name"), Role: v("role"), UnitCode: v("unit_code"),
		InspectorCode: v("inspector_code"), UnitPosition: v("unit_position"), Locale: v("locale"),
		Password: c.FormValue("password"), JobTitle: v("job_title"), SigningAuthority: v("signing_authority")}
}

// inspectorOptions are the active inspectors the user form offers to link an
// account to, each with its picker label (name — title, body).
func (a *admin) inspectorOptions(c *fiber.Ctx) ([]inspections.InspectorOption, error) {
	var out []inspections.InspectorOption
	for page := 1; ; page++ {
		res, err := a.inspectors.List(ctxOf(c), actorOf(c), inspectors.Filter{Status: "active",
			Page: paging.Page{Number: page, Size: paging.MaxSize}})
		if err != nil {
			return nil, err
		}
		for _, r := range res.Items {
			out = append(out, inspections.InspectorOption{ID: r.ID, Code: r.Code, FullName: r.FullName, Title: r.Title, BodyName: r.BodyName})
		}
		if !res.HasNext() {
			return out, nil
		}
	}
}

// withInspectors adds the inspector picker's choices to the user form's data
// and shows a linked inspector by its label, never by its code.
func (a *admin) withInspectors(c *fiber.Ctx, data fiber.Map) (fiber.Map, error) {
	opts, err := a.inspectorOptions(c)
	if err != nil {
		return nil, err
	}
	data["InspectorOptions"] = opts
	if form, ok := data["Form"].(map[string]string); ok {
		for _, o := range opts {
			if o.Code != "" && o.Code == form["inspector_code"] {
				form["inspector_code"] = o.Label()
			}
		}
	}
	return userFormData(data), nil
}

// userInputPicked reads the user form, the inspector picked by its label (or
// typed by a name only one inspector has) turned into its code; anything else
// goes to the service as typed, which refuses an unknown one on its field.
func (a *admin) userInputPicked(c *fiber.Ctx) (users.Input, error) {
	in := userInput(c)
	if in.InspectorCode == "" {
		return in, nil
	}
	opts, err := a.inspectorOptions(c)
	if err != nil {
		return in, err
	}
	if o, ok := inspectorByLabel(opts, in.InspectorCode); ok {
		in.InspectorCode = o.Code
	}
	return in, nil
}

// userForm422 shows the user form again after err, with the picker's choices.
func (a *admin) userForm422(c *fiber.Ctx, title string, data fiber.Map, err error) error {
	data, derr := a.withInspectors(c, data)
	if derr != nil {
		return derr
	}
	return a.form422(c, "admin/user_form", "users", title, data, err)
}

// createUser: POST /admin/users.
func (a *admin) createUser(c *fiber.Ctx) error {
	in, err := a.userInputPicked(c)
	if err != nil {
		return err
	}
	u, err := a.users.Create(ctxOf(c), actorOf(c), in, a.Now())
	if err != nil {
		return a.userForm422(c, trOf(c).T("admin.users.new"), fiber.Map{}, err)
	}
	return a.done(c, "admin.users.created", fmt.Sprintf("/admin/users/%d", u.ID))
}

// userForm turns a stored user into the form's values.
func userForm(u users.Row) map[string]string {
	return map[string]string{"email": u.Email, "full_name": u.FullName, "role": string(u.Role), "unit_code": u.UnitCode,
		"inspector_code": u.InspectorCode, "unit_position": string(u.UnitPosition), "locale": u.Locale,
		"job_title": u.JobTitle, "signing_authority": u.SigningAuthority}
}

// editUserPage: GET /admin/users/:id.
func (a *admin) editUserPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := a.users.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	data, err := a.withInspectors(c, fiber.Map{"User": u, "Form": userForm(u)})
	if err != nil {
		return err
	}
	return a.page(c, "admin/user_form", "users", u.FullName, data)
}

// updateUser: POST /admin/users/:id.
func (a *admin) updateUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := ctxOf(c), actorOf(c)
	in, err := a.userInputPicked(c)
	if err != nil {
		return err
	}
	if _, err := a.users.Update(ctx, actor, id, in, a.Now()); err != nil {
		u, gerr := a.users.Get(ctx, actor, id)
		if gerr != nil {
			return gerr
		}
		return a.userForm422(c, u.FullName, fiber.Map{"User": u}, err)
	}
	return a.done(c, "admin.users.saved", fmt.Sprintf("/admin/users/%d", id))
}

// deactivateUser: POST /admin/users/:id/deactivate.
func (a *admin) deactivateUser(c *fiber.Ctx) error { return a.setUserActive(c, false) }

// activateUser: POST /admin/users/:id/activate.
func (a *admin) activateUser(c *fiber.Ctx) error { return a.setUserActive(c, true) }

func (a *admin) setUserActive(c *fiber.Ctx, active bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := ctxOf(c), actorOf(c)
	if _, err := a.users.SetActive(ctx, actor, id, active, a.Now()); err != nil {
		u, gerr := a.users.Get(ctx, actor, id)
		if gerr != nil {
			return gerr
		}
		return a.userForm422(c, u.FullName, fiber.Map{"User": u, "Form": userForm(u)}, err)
	}
	msg := "admin.users.deactivated"
	if active {
		msg = "admin.users.activated"
	}
	return a.done(c, msg, fmt.Sprintf("/admin/users/%d", id))
}

// resetPassword: POST /admin/users/:id/reset-password — shows the new password once.
func (a *admin) resetPassword(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := ctxOf(c), actorOf(c)
	pw, err := a.users.ResetPassword(ctx, actor, id, a.Now())
	if err != nil {
		return err
	}
	u, err := a.users.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return a.page(c, "admin/user_password", "users", u.FullName, fiber.Map{"User": u, "Password": pw})
}
