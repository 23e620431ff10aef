package routes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/catalogs"
	"khung/app/paging"
	"khung/app/rules"
	"khung/models"
)

// catalogPage: GET /admin/catalogs/:catalog — the entries of one catalog.
func (a *admin) catalogPage(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	entries, err := a.catalogs.List(ctxOf(c), actorOf(c), cat)
	if err != nil {
		return err
	}
	by := entrySorts()
	res := paging.Slice(entries, pageQuery(c), by)
	return a.page(c, "admin/catalog", "catalogs", trOf(c).T("admin.catalog."+string(cat)), fiber.Map{
		"Catalog": string(cat), "Catalogs": catalogTabs(), "Entries": res.Items, "Total": res.Total, "Today": a.today(),
		"Pager": pagerOf(c, res), "Sorts": sortLinks(c, by.Keys()...)})
}

// entrySorts are the columns a catalog's entries may be sorted by (a catalog
// is short: read whole, sorted in memory); names by the Vietnamese one shown first.
func entrySorts() paging.Compare[catalogs.Entry] {
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return paging.Compare[catalogs.Entry]{
		"code":        paging.By(func(e catalogs.Entry) string { return e.Code }),
		"name":        paging.ByText(func(e catalogs.Entry) string { return e.NameVI }),
		"kind":        paging.By(func(e catalogs.Entry) string { return deref(e.KindCode) }),
		"skill":       paging.By(func(e catalogs.Entry) string { return deref(e.SkillCode) }),
		"legal_basis": paging.ByText(func(e catalogs.Entry) string { return e.LegalBasis }),
		"validity":    paging.By(func(e catalogs.Entry) string { return e.ValidFrom.String() }),
	}
}

// ruleSorts are the columns the rules' versions may be sorted by (read whole,
// sorted in memory); the purpose in the reader's language.
func ruleSorts(lang string) paging.Compare[catalogs.RuleRow] {
	return paging.Compare[catalogs.RuleRow]{
		"key": paging.By(func(r catalogs.RuleRow) string { return r.Key }),
		"purpose": paging.ByText(func(r catalogs.RuleRow) string {
			if lang == "en" && r.DescriptionEN != "" {
				return r.DescriptionEN
			}
			return r.DescriptionVI
		}),
		"legal_basis": paging.ByText(func(r catalogs.RuleRow) string { return r.LegalBasis }),
		"validity":    paging.By(func(r catalogs.RuleRow) string { return r.ValidFrom.String() }),
	}
}

func catalogTabs() []string {
	var out []string
	for _, c := range catalogs.All() {
		out = append(out, string(c))
	}
	return append(out, "rules")
}

// entryFormData adds the choices a topic needs (kinds and skills).
func (a *admin) entryFormData(c *fiber.Ctx, cat catalogs.Catalog, data fiber.Map) (fiber.Map, error) {
	data["Catalog"], data["Catalogs"] = string(cat), catalogTabs()
	if cat == catalogs.Topics {
		kinds, err := a.catalogs.List(ctxOf(c), actorOf(c), catalogs.Kinds)
		if err != nil {
			return nil, err
		}
		skills, err := a.catalogs.List(ctxOf(c), actorOf(c), catalogs.Skills)
		if err != nil {
			return nil, err
		}
		data["Kinds"], data["Skills"] = kinds, skills
	}
	return data, nil
}

// newEntryPage: GET /admin/catalogs/:catalog/new.
func (a *admin) newEntryPage(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	data, err := a.entryFormData(c, cat, fiber.Map{"Form": map[string]string{"valid_from": a.today().String()}})
	if err != nil {
		return err
	}
	return a.page(c, "admin/entry_form", "catalogs", trOf(c).T("admin.catalogs.new"), data)
}

// entryInput reads a catalog entry form.
func entryInput(c *fiber.Ctx) (catalogs.EntryInput, error) {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	ve := &apperr.ValidationError{}
	in := catalogs.EntryInput{Code: v("code"), NameVI: v("name_vi"), NameEN: v("name_en"), LegalBasis: v("legal_basis"),
		KindCode: v("kind_code"), SkillCode: v("skill_code")}
	in.ValidFrom, in.ValidTo = formPeriod(c, ve)
	return in, ve.Err()
}

// formPeriod reads valid_from and valid_to; malformed dates go into ve.
func formPeriod(c *fiber.Ctx, ve *apperr.ValidationError) (models.Date, *models.Date) {
	var from models.Date
	var to *models.Date
	for _, name := range []string{"valid_from", "valid_to"} {
		s := strings.TrimSpace(c.FormValue(name))
		if s == "" {
			continue
		}
		d, err := models.ParseTyped(s)
		if err != nil {
			ve.AddField(name, "date", "validation.date_invalid")
			continue
		}
		if name == "valid_from" {
			from = d
		} else {
			to = &d
		}
	}
	return from, to
}

// createEntry: POST /admin/catalogs/:catalog.
func (a *admin) createEntry(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	in, err := entryInput(c)
	if err == nil {
		if _, err = a.catalogs.Create(ctxOf(c), actorOf(c), cat, in); err == nil {
			return a.done(c, "admin.saved", "/admin/catalogs/"+string(cat))
		}
	}
	data, derr := a.entryFormData(c, cat, fiber.Map{})
	if derr != nil {
		return derr
	}
	return a.form422(c, "admin/entry_form", "catalogs", trOf(c).T("admin.catalogs.new"), data, err)
}

func entryForm(e catalogs.Entry) map[string]string {
	f := map[string]string{"code": e.Code, "name_vi": e.NameVI, "name_en": e.NameEN, "legal_basis": e.LegalBasis,
		"valid_from": e.ValidFrom.String(), "valid_to": optDate(e.ValidTo)}
	if e.KindCode != nil {
		f["kind_code"] = *e.KindCode
	}
	if e.SkillCode != nil {
		f["skill_code"] = *e.SkillCode
	}
	return f
}

// editEntryPage: GET /admin/catalogs/:catalog/:id.
func (a *admin) editEntryPage(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := a.catalogs.Get(ctxOf(c), actorOf(c), cat, id)
	if err != nil {
		return err
	}
	data, err := a.entryFormData(c, cat, fiber.Map{"Entry": e, "Form": entryForm(e)})
	if err != nil {
		return err
	}
	return a.page(c, "admin/entry_form", "catalogs", e.NameVI, data)
}

// updateEntry: POST /admin/catalogs/:catalog/:id.
func (a *admin) updateEntry(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := a.catalogs.Get(ctxOf(c), actorOf(c), cat, id)
	if err != nil {
		return err
	}
	in, err := entryInput(c)
	if err == nil {
		if _, err = a.catalogs.Update(ctxOf(c), actorOf(c), cat, id, in); err == nil {
			return a.done(c, "admin.saved", "/admin/catalogs/"+string(cat))
		}
	}
	data, derr := a.entryFormData(c, cat, fiber.Map{"Entry": e})
	if derr != nil {
		return derr
	}
	return a.form422(c, "admin/entry_form", "catalogs", e.NameVI, data, err)
}

// deleteEntry: POST /admin/catalogs/:catalog/:id/delete.
func (a *admin) deleteEntry(c *fiber.Ctx) error {
	cat, err := catalogParam(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.catalogs.Delete(ctxOf(c), actorOf(c), cat, id); err != nil {
		e, gerr := a.catalogs.Get(ctxOf(c), actorOf(c), cat, id)
		if gerr != nil {
			return gerr
		}
		data, derr := a.entryFormData(c, cat, fiber.Map{"Entry": e, "Form": entryForm(e)})
		if derr != nil {
			return derr
		}
		return a.form422(c, "admin/entry_form", "catalogs", e.NameVI, data, err)
	}
	return a.done(c, "admin.deleted", "/admin/catalogs/"+string(cat))
}

// rulesPage: GET /admin/catalogs/rules.
func (a *admin) rulesPage(c *fiber.Ctx) error {
	versions, err := a.catalogs.Rules(ctxOf(c), actorOf(c), a.today())
	if err != nil {
		return err
	}
	var declared []rules.Info
	for _, e := range rules.All() {
		declared = append(declared, e.Info())
	}
	by := ruleSorts(trOf(c).Lang)
	res := paging.Slice(versions, pageQuery(c), by)
	return a.page(c, "admin/rules", "catalogs", trOf(c).T("admin.catalog.rules"), fiber.Map{
		"Catalog": "rules", "Catalogs": catalogTabs(), "Rules": res.Items, "Total": res.Total, "Declared": declared, "Today": a.today(),
		"Pager": pagerOf(c, res), "Sorts": sortLinks(c, by.Keys()...)})
}

// newRulePage: GET /admin/catalogs/rules/new.
func (a *admin) newRulePage(c *fiber.Ctx) error {
	return a.page(c, "admin/rule_form", "catalogs", trOf(c).T("admin.rules.new"), fiber.Map{
		"Catalog": "rules", "Catalogs": catalogTabs(), "Form": map[string]string{"valid_from": a.today().String()},
		"RuleOptions": ruleOptions("")})
}

// ruleOption is a rule the form offers: its key, what it is for, the value
// it expects and its default.
type ruleOption struct {
	Key, AboutID, FormatID, Default string
}

// ruleOptions lists the rules of the registry. current, the key of a version
// saved before keys were checked, is offered too, so the form still shows it.
func ruleOptions(current string) []ruleOption {
	var out []ruleOption
	for _, e := range rules.All() {
		info := e.Info()
		out = append(out, ruleOption{Key: info.Key, AboutID: info.AboutID, FormatID: info.FormatID, Default: string(info.Default)})
	}
	slices.SortFunc(out, func(a, b ruleOption) int { return strings.Compare(a.Key, b.Key) })
	if _, ok := rules.Find(current); current != "" && !ok {
		out = append(out, ruleOption{Key: current})
	}
	return out
}

// ruleInput reads the rule form; the value is JSON text.
func ruleInput(c *fiber.Ctx) (catalogs.RuleInput, error) {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	ve := &apperr.ValidationError{}
	in := catalogs.RuleInput{Key: v("key"), Value: models.JSON(v("value")), DescriptionVI: v("description_vi"),
		DescriptionEN: v("description_en"), LegalBasis: v("legal_basis")}
	in.ValidFrom, in.ValidTo = formPeriod(c, ve)
	return in, ve.Err()
}

func ruleForm(r models.Rule) map[string]string {
	return map[string]string{"key": r.Key, "value": string(r.Value), "description_vi": r.DescriptionVI,
		"description_en": r.DescriptionEN, "legal_basis": r.LegalBasis, "valid_from": r.ValidFrom.String(),
		"valid_to": optDate(r.ValidTo)}
}

// createRule: POST /admin/catalogs/rules.
func (a *admin) createRule(c *fiber.Ctx) error {
	in, err := ruleInput(c)
	if err == nil {
		if _, err = a.catalogs.CreateRule(ctxOf(c), actorOf(c), in); err == nil {
			return a.done(c, "admin.saved", "/admin/catalogs/rules")
		}
	}
	return a.form422(c, "admin/rule_form", "catalogs", trOf(c).T("admin.rules.new"),
		fiber.Map{"Catalog": "rules", "Catalogs": catalogTabs(), "RuleOptions": ruleOptions(in.Key)}, err)
}

// editRulePage: GET /admin/catalogs/rules/:id.
func (a *admin) editRulePage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := a.catalogs.Rule(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return a.page(c, "admin/rule_form", "catalogs", r.Key, fiber.Map{
		"Catalog": "rules", "Catalogs": catalogTabs(), "Rule": r, "Form": ruleForm(r), "RuleOptions": ruleOptions(r.Key)})
}

// updateRule: POST /admin/catalogs/rules/:id.
func (a *admin) updateRule(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := a.catalogs.Rule(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	in, err := ruleInput(c)
	if err == nil {
		if _, err = a.catalogs.UpdateRule(ctxOf(c), actorOf(c), id, in); err == nil {
			return a.done(c, "admin.saved", "/admin/catalogs/rules")
		}
	}
	return a.form422(c, "admin/rule_form", "catalogs", r.Key, fiber.Map{"Catalog": "rules", "Catalogs": catalogTabs(), "Rule": r,
		"RuleOptions": ruleOptions(in.Key)}, err)
}

// deleteRule: POST /admin/catalogs/rules/:id/delete.
func (a *admin) deleteRule(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.catalogs.DeleteRule(ctxOf(c), actorOf(c), id); err != nil {
		return err
	}
	return a.done(c, "admin.deleted", fmt.Sprintf("/admin/catalogs/%s", "rules"))
}
