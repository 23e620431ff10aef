package routes

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/paging"
	"khung/app/units"
	"khung/models"
)

// pickerOptions is how many units the picker's list offers as one types.
const pickerOptions = 20

// unitPickerField is one unit picker of a form (partials/unit_picker): the
// field's name and id, its value (a unit's code), and the day the units
// offered must be in force on ("" for today).
type unitPickerField struct {
	Name, ID, Value string
	On, OnText      string // ISO day for the links, dd/mm/yyyy for the hint
	Required        bool
	// A picker in a table row (InRow) has no <label> nor hint of its own: it
	// is named by Label and shows the chosen unit's name, Shown, under it.
	InTable      bool
	Label, Shown string
}

// InRow makes the picker one cell of a repeatable row, named label and
// showing shown, the name of the unit its value stands for:
// {{template "partials/unit_picker" (withItem $ ((unitPicker $name $id .UnitCode "").InRow $label .UnitName))}}.
func (f unitPickerField) InRow(label, shown string) unitPickerField {
	f.InTable, f.Label, f.Shown = true, label, shown
	return f
}

// unitPicker is the template function that builds a picker:
// {{template "partials/unit_picker" (withItem $ (unitPicker "unit_code" "unit_code" .Form.unit_code ""))}}.
// value is the field's value (nil when the form has none); on is an ISO day, a models.Date or "" (today); a field whose name ends in
// "!" is required ("unit!").
func unitPicker(name, id string, value, on any) unitPickerField {
	f := unitPickerField{Name: name, ID: id}
	if value != nil { // a form's missing key is nil
		f.Value = fmt.Sprint(value)
	}
	if n := len(name); n > 1 && name[n-1] == '!' {
		f.Name, f.Required = name[:n-1], true
	}
	var d models.Date
	switch v := on.(type) {
	case models.Date:
		d = v
	case string:
		d, _ = models.ParseDate(v)
	}
	if !d.IsZero() {
		f.On, f.OnText = d.String(), d.Time().Format("02/01/2006")
	}
	return f
}

// pickUnits: GET /units/pick?q=&on=&page= — the picker's search: the units in
// force on on (today without it) whose name, earlier unit's name or code
// holds q, as a page (the picker without JavaScript). Asked by htmx with
// field=NAME, the words are that field's value and the answer is the
// picker's list of options.
func (u *unitHistory) pickUnits(c *fiber.Ctx) error {
	ve := &apperr.ValidationError{}
	on := dateQuery(c, "on", ve)
	if err := ve.Err(); err != nil {
		return err
	}
	day := on
	if day.IsZero() {
		day = u.today()
	}
	q := units.Query{Q: c.Query("q"), On: &day, Page: pageQuery(c)}
	if field := c.Query("field"); field != "" && isHTMX(c) {
		q.Q, q.Page = c.Query(field), paging.Page{Number: 1, Size: pickerOptions}
		found, err := u.units.Search(ctxOf(c), actorOf(c), q)
		if err != nil {
			return err
		}
		return u.renderPartial(c, "partials/unit_options", fiber.Map{"Found": found})
	}
	found, err := u.units.Search(ctxOf(c), actorOf(c), q)
	if err != nil {
		return err
	}
	link := func(page int) string {
		v := url.Values{"q": {q.Q}, "page": {strconv.Itoa(page)}}
		if !on.IsZero() {
			v.Set("on", on.String())
		}
		return v.Encode()
	}
	onText := ""
	if !on.IsZero() {
		onText = on.String()
	}
	return u.render(c, "history/pick", fiber.Map{"Title": trOf(c).T("unitpicker.title"), "Q": q.Q,
		"On": onText, "OnDate": day, "Found": found, "Prev": link(found.Page - 1), "Next": link(found.Page + 1)})
}
