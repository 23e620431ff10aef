package routes

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/catalogs"
	"khung/app/inspectors"
	"khung/models"
)

// maxRows bounds how many rows of each list the inspector form reads.
const maxRows = 50

// blankRows is how many empty rows the form holds for adding to each list:
// the first is shown, the others wait behind the list's "add a row" button.
const blankRows = 5

// inspectorsPage: GET /admin/inspectors?q=&body_code=&skill=&can_lead=&status=.
func (a *admin) inspectorsPage(c *fiber.Ctx) error {
	ctx, actor := ctxOf(c), actorOf(c)
	f := inspectors.Filter{Q: c.Query("q"), BodyCode: c.Query("body_code"), Skill: c.Query("skill"),
		CanLead: c.QueryBool("can_lead"), Status: c.Query("status"), Page: pageQuery(c)}
	res, err := a.inspectors.List(ctx, actor, f)
	if err != nil {
		return err
	}
	bs, err := a.bodies.List(ctx, actor, true)
	if err != nil {
		return err
	}
	skills, err := a.catalogs.List(ctx, actor, catalogs.Skills)
	if err != nil {
		return err
	}
	return a.page(c, "admin/inspectors", "inspectors", trOf(c).T("admin.inspectors.title"), fiber.Map{
		"Inspectors": res.Items, "Total": res.Total, "Filter": f, "Bodies": bs, "Skills": skills,
		"Pager": pagerOf(c, res), "Sorts": sortLinks(c, inspectors.SortKeys()...),
		"Filtered": f.Q != "" || f.BodyCode != "" || f.Skill != "" || f.CanLead || f.Status != "",
	})
}

// Rows of the inspector form, each with the index it was posted under; a
// Spare row is an empty one the form shows only when asked for.
type formerRow struct {
	Index              int
	UnitCode, From, To string
	UnitName           string // the name of the unit UnitCode stands for, shown under the picker
	Spare              bool
}

type relativeRow struct {
	Index                          int
	UnitCode, Relation, Post, Note string
	UnitName                       string // as formerRow's
	Spare                          bool
}

type leaveRow struct {
	Index            int
	From, To, Reason string
	Spare            bool
}

func (r formerRow) blank() bool { return r.UnitCode == "" && r.From == "" && r.To == "" }
func (r relativeRow) blank() bool {
	return r.UnitCode == "" && r.Relation == "" && r.Post == "" && r.Note == ""
}
func (r leaveRow) blank() bool { return r.From == "" && r.To == "" && r.Reason == "" }

// withSpares ends rows with blankRows empty rows (new ones numbered after the
// posted ones, up to maxRows), the first shown and the others spare.
func withSpares[T interface{ blank() bool }](rows []T, blankOf func(index int) T, spare func(*T)) []T {
	trailing := 0
	for i := len(rows) - 1; i >= 0 && rows[i].blank(); i-- {
		trailing++
	}
	for ; trailing < blankRows && len(rows) < maxRows; trailing++ {
		rows = append(rows, blankOf(len(rows)))
	}
	for i := len(rows) - trailing + 1; i < len(rows); i++ {
		spare(&rows[i])
	}
	return rows
}

// inspectorRows are the list parts of the inspector form.
type inspectorRows struct {
	Former    []formerRow
	Relatives []relativeRow
	Leaves    []leaveRow
	Skills    map[string]bool
}

// withBlanks ends each list with empty rows for adding to it, one shown.
func (r inspectorRows) withBlanks() inspectorRows {
	r.Former = withSpares(r.Former, func(i int) formerRow { return formerRow{Index: i} }, func(x *formerRow) { x.Spare = true })
	r.Relatives = withSpares(r.Relatives, func(i int) relativeRow { return relativeRow{Index: i} }, func(x *relativeRow) { x.Spare = true })
	r.Leaves = withSpares(r.Leaves, func(i int) leaveRow { return leaveRow{Index: i} }, func(x *leaveRow) { x.Spare = true })
	return r
}

// inspectorFormData adds what the form's choices need: bodies and skills.
func (a *admin) inspectorFormData(c *fiber.Ctx, data fiber.Map) (fiber.Map, error) {
	ctx, actor := ctxOf(c), actorOf(c)
	bs, err := a.bodies.List(ctx, actor, true)
	if err != nil {
		return nil, err
	}
	skills, err := a.catalogs.List(ctx, actor, catalogs.Skills)
	if err != nil {
		return nil, err
	}
	data["Bodies"], data["Skills"] = bs, skills
	data["Relations"] = []models.Relation{models.RelationSpouse, models.RelationParent, models.RelationChild,
		models.RelationSibling, models.RelationParentInLaw}
	data["Posts"] = []models.KeyPost{models.PostHead, models.PostDeputy, models.PostPersonnel, models.PostAccounting}
	return data, nil
}

// newInspectorPage: GET /admin/inspectors/new.
func (a *admin) newInspectorPage(c *fiber.Ctx) error {
	data, err := a.inspectorFormData(c, fiber.Map{
		"Form": map[string]string{"max_days_per_year": "0", "active": "on"},
		"Rows": inspectorRows{Skills: map[string]bool{}}.withBlanks(),
	})
	if err != nil {
		return err
	}
	return a.page(c, "admin/inspector_form", "inspectors", trOf(c).T("admin.inspectors.new"), data)
}

// editInspectorPage: GET /admin/inspectors/:id.
func (a *admin) editInspectorPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := a.inspectors.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	form, rows := profileForm(p)
	data, err := a.inspectorFormData(c, fiber.Map{"Inspector": p, "Form": form, "Rows": rows.withBlanks()})
	if err != nil {
		return err
	}
	return a.page(c, "admin/inspector_form", "inspectors", p.FullName, data)
}

// profileForm turns a stored profile into the form's values and rows.
func profileForm(p inspectors.Profile) (map[string]string, inspectorRows) {
	form := map[string]string{"code": p.Code, "full_name": p.FullName, "title": p.Title, "body_code": p.BodyCode,
		"home_unit_code": p.HomeUnitCode, "max_days_per_year": strconv.Itoa(p.MaxDaysPerYear)}
	if p.Email != nil {
		form["email"] = *p.Email
	}
	if p.CanLead {
		form["can_lead"] = "on"
	}
	if p.Active {
		form["active"] = "on"
	}
	rows := inspectorRows{Skills: map[string]bool{}}
	for i, f := range p.FormerUnits {
		rows.Former = append(rows.Former, formerRow{Index: i, UnitCode: f.UnitCode, UnitName: f.UnitName, From: optDate(f.FromDate), To: optDate(f.ToDate)})
	}
	for i, r := range p.Relatives {
		rows.Relatives = append(rows.Relatives, relativeRow{Index: i, UnitCode: r.UnitCode, UnitName: r.UnitName, Relation: string(r.Relation),
			Post: string(r.Post), Note: r.Note})
	}
	for i, l := range p.Leaves {
		rows.Leaves = append(rows.Leaves, leaveRow{Index: i, From: l.FromDate.String(), To: l.ToDate.String(), Reason: l.Reason})
	}
	for _, s := range p.Skills {
		rows.Skills[s.Code] = true
	}
	return form, rows
}

func optDate(d *models.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// postedInspector is the inspector form as posted: the values to show again,
// the service input built from the non-empty rows, and where each input row
// came from (so that errors land under the row the person typed in).
type postedInspector struct {
	form  map[string]string
	rows  inspectorRows
	input inspectors.Input
	index map[string][]int // list name → posted index of each input row
	ve    *apperr.ValidationError
}

// readInspectorForm reads the inspector form. Rows left entirely empty are
// ignored; dates that are not YYYY-MM-DD are reported on their field.
func readInspectorForm(c *fiber.Ctx) postedInspector {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	p := postedInspector{form: postedValues(c), rows: inspectorRows{Skills: map[string]bool{}},
		index: map[string][]int{}, ve: &apperr.ValidationError{}}
	active := v("active") != ""
	p.input = inspectors.Input{Code: v("code"), FullName: v("full_name"), Email: v("email"), Title: v("title"),
		BodyCode: v("body_code"), HomeUnitCode: v("home_unit_code"), CanLead: v("can_lead") != "", Active: &active}
	if s := v("max_days_per_year"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			p.ve.AddField("max_days_per_year", "number", "validation.whole_number")
		}
		p.input.MaxDaysPerYear = n
	}
	for _, code := range c.Context().PostArgs().PeekMulti("skills") {
		p.input.Skills = append(p.input.Skills, string(code))
		p.rows.Skills[string(code)] = true
	}
	date := func(field string) *models.Date {
		s := v(field)
		if s == "" {
			return nil
		}
		d, err := models.ParseTyped(s)
		if err != nil {
			p.ve.AddField(field, "date", "validation.date_invalid")
			return nil
		}
		return &d
	}
	for i := 0; i < maxRows; i++ {
		k := func(name string) string { return fmt.Sprintf("former_units[%d].%s", i, name) }
		if !c.Context().PostArgs().Has(k("unit_code")) {
			break
		}
		row := formerRow{Index: i, UnitCode: v(k("unit_code")), From: v(k("from")), To: v(k("to"))}
		p.rows.Former = append(p.rows.Former, row)
		if row.blank() {
			continue
		}
		p.index["former_units"] = append(p.index["former_units"], i)
		p.input.FormerUnits = append(p.input.FormerUnits, inspectors.FormerUnitInput{UnitCode: row.UnitCode,
			From: date(k("from")), To: date(k("to"))})
	}
	for i := 0; i < maxRows; i++ {
		k := func(name string) string { return fmt.Sprintf("relatives[%d].%s", i, name) }
		if !c.Context().PostArgs().Has(k("unit_code")) {
			break
		}
		row := relativeRow{Index: i, UnitCode: v(k("unit_code")), Relation: v(k("relation")), Post: v(k("post")), Note: v(k("note"))}
		p.rows.Relatives = append(p.rows.Relatives, row)
		if row.blank() {
			continue
		}
		p.index["relatives"] = append(p.index["relatives"], i)
		p.input.Relatives = append(p.input.Relatives, inspectors.RelativeInput{UnitCode: row.UnitCode,
			Relation: row.Relation, Post: row.Post, Note: row.Note})
	}
	for i := 0; i < maxRows; i++ {
		k := func(name string) string { return fmt.Sprintf("leaves[%d].%s", i, name) }
		if !c.Context().PostArgs().Has(k("from")) {
			break
		}
		row := leaveRow{Index: i, From: v(k("from")), To: v(k("to")), Reason: v(k("reason"))}
		p.rows.Leaves = append(p.rows.Leaves, row)
		if row.blank() {
			continue
		}
		p.index["leaves"] = append(p.index["leaves"], i)
		in := inspectors.LeaveInput{Reason: row.Reason}
		if d := date(k("from")); d != nil {
			in.From = *d
		}
		if d := date(k("to")); d != nil {
			in.To = *d
		}
		p.input.Leaves = append(p.input.Leaves, in)
	}
	return p
}

// rowField matches a field of a list row: "leaves[0].to".
var rowField = regexp.MustCompile(`^(former_units|relatives|leaves|skills)\[(\d+)\](.*)$`)

// postedFields renames the fields of err from the service's row numbers to
// the posted ones. Skills are checkboxes: their problems go on "skills".
func (p postedInspector) postedFields(err error) error {
	ve, ok := apperr.AsValidation(err)
	if !ok {
		return err
	}
	out := &apperr.ValidationError{}
	for _, f := range ve.Fields {
		if m := rowField.FindStringSubmatch(f.Field); m != nil {
			if m[1] == "skills" {
				f.Field = "skills"
			} else if n, _ := strconv.Atoi(m[2]); n < len(p.index[m[1]]) {
				f.Field = fmt.Sprintf("%s[%d]%s", m[1], p.index[m[1]][n], m[3])
			}
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

// saveInspector creates (id 0) or updates an inspector from the posted form.
func (a *admin) saveInspector(c *fiber.Ctx, id int64) error {
	ctx, actor := ctxOf(c), actorOf(c)
	p := readInspectorForm(c)
	err := p.ve.Err()
	if err == nil {
		var saved inspectors.Profile
		if id == 0 {
			saved, err = a.inspectors.Create(ctx, actor, p.input)
		} else {
			saved, err = a.inspectors.Update(ctx, actor, id, p.input)
		}
		if err == nil {
			return a.done(c, "admin.saved", fmt.Sprintf("/admin/inspectors/%d", saved.ID))
		}
		err = p.postedFields(err)
	}
	if nerr := a.nameRowUnits(c, &p.rows); nerr != nil {
		return nerr
	}
	data := fiber.Map{"Form": p.form, "Rows": p.rows.withBlanks()}
	title := trOf(c).T("admin.inspectors.new")
	if id != 0 {
		current, gerr := a.inspectors.Get(ctx, actor, id)
		if gerr != nil {
			return gerr
		}
		data["Inspector"], title = current, current.FullName
	}
	data, gerr := a.inspectorFormData(c, data)
	if gerr != nil {
		return gerr
	}
	return a.form422(c, "admin/inspector_form", "inspectors", title, data, err)
}

// nameRowUnits gives the posted rows the names of the units their codes
// stand for, so that the form shown again names them; a code that names no
// unit keeps no name (its row carries the error).
func (a *admin) nameRowUnits(c *fiber.Ctx, rows *inspectorRows) error {
	name := func(code string) (string, error) {
		if code == "" {
			return "", nil
		}
		n, err := a.units.GetByCode(ctxOf(c), actorOf(c), code)
		if errors.Is(err, apperr.ErrNotFound) {
			return "", nil
		}
		return n.Name, err
	}
	var err error
	for i := range rows.Former {
		if rows.Former[i].UnitName, err = name(rows.Former[i].UnitCode); err != nil {
			return err
		}
	}
	for i := range rows.Relatives {
		if rows.Relatives[i].UnitName, err = name(rows.Relatives[i].UnitCode); err != nil {
			return err
		}
	}
	return nil
}

// createInspector: POST /admin/inspectors.
func (a *admin) createInspector(c *fiber.Ctx) error { return a.saveInspector(c, 0) }

// updateInspector: POST /admin/inspectors/:id.
func (a *admin) updateInspector(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return a.saveInspector(c, id)
}

// deleteInspector: POST /admin/inspectors/:id/delete.
func (a *admin) deleteInspector(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := ctxOf(c), actorOf(c)
	if err := a.inspectors.Delete(ctx, actor, id); err != nil {
		p, gerr := a.inspectors.Get(ctx, actor, id)
		if gerr != nil {
			return gerr
		}
		form, rows := profileForm(p)
		data, derr := a.inspectorFormData(c, fiber.Map{"Inspector": p, "Form": form, "Rows": rows.withBlanks()})
		if derr != nil {
			return derr
		}
		return a.form422(c, "admin/inspector_form", "inspectors", p.FullName, data, err)
	}
	return a.done(c, "admin.deleted", "/admin/inspectors")
}
