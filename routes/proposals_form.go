package routes

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app/proposals"
	"khung/models"
)

// choice is one choice of a form list (a select, a checkbox group).
type choice struct {
	Value, Label string
	Checked      bool
}

// topicGroup is the topics of one kind of inspection.
type topicGroup struct {
	Kind   string
	Topics []choice
}

// proposalFields are the text fields of the proposal form; topics and skills may
// hold several values.
var proposalFields = []string{"year", "external_ref", "body", "unit", "kind", "form", "topics", "skills",
	"period_from", "period_to", "window_from", "window_to", "days", "team_size", "priority", "legal_basis", "note"}

// postedProposal returns the posted form as text by field, lists joined by commas.
func postedProposal(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	for _, k := range proposalFields {
		if k == "topics" || k == "skills" {
			var vs []string
			for _, v := range c.Request().PostArgs().PeekMulti(k) {
				vs = append(vs, string(v))
			}
			out[k] = strings.Join(vs, ",")
			continue
		}
		out[k] = strings.TrimSpace(c.FormValue(k))
	}
	return out
}

// formData is what the proposal form needs to show form (the values so far).
func (p *proposalsUI) formData(c *fiber.Ctx, form map[string]string) (fiber.Map, error) {
	year, err := strconv.Atoi(form["year"])
	if err != nil || year < 2000 || year > 2100 {
		year = p.planningYear()
	}
	a, tr := actorOf(c), trOf(c)
	ref, err := p.svc.Reference(ctxOf(c), a, year)
	if err != nil {
		return nil, err
	}
	n := catalogNamesOf(ref, tr)
	chosen := func(key string) map[string]bool {
		m := map[string]bool{}
		for _, v := range strings.Split(form[key], ",") {
			m[strings.TrimSpace(v)] = true
		}
		return m
	}
	topics, skills := chosen("topics"), chosen("skills")
	var skillOpts, kindOpts, bodyOpts []choice
	// Topics grouped by their kind of inspection (the reference lists them so).
	var topicGroups []topicGroup
	for _, t := range ref.Topics {
		group := ""
		if t.KindCode != nil {
			group = nameOrCode(n.Kinds, *t.KindCode)
		}
		if len(topicGroups) == 0 || topicGroups[len(topicGroups)-1].Kind != group {
			topicGroups = append(topicGroups, topicGroup{Kind: group})
		}
		g := &topicGroups[len(topicGroups)-1]
		g.Topics = append(g.Topics, choice{Value: t.Code, Label: n.Topics[t.Code], Checked: topics[t.Code]})
	}
	for _, s := range ref.Skills {
		skillOpts = append(skillOpts, choice{Value: s.Code, Label: n.Skills[s.Code], Checked: skills[s.Code]})
	}
	for _, k := range ref.Kinds {
		kindOpts = append(kindOpts, choice{Value: k.Code, Label: n.Kinds[k.Code], Checked: form["kind"] == k.Code})
	}
	for _, b := range ref.Bodies {
		bodyOpts = append(bodyOpts, choice{Value: b.Code, Label: b.Name, Checked: form["body"] == b.Code})
	}
	var formOpts []choice
	for _, f := range proposals.Forms() {
		formOpts = append(formOpts, choice{Value: f, Label: tr.T("proposals.form_value." + f), Checked: form["form"] == f})
	}
	return fiber.Map{
		"Title": tr.T("proposals.new"), "Form": form, "Year": year, "CanManage": true,
		"TopicGroups": topicGroups, "Skills": skillOpts, "Kinds": kindOpts, "Bodies": bodyOpts,
		// The unit picker offers the units in force on the plan year's first day.
		"PickerOn": models.NewDate(year, time.January, 1),
		"Forms":    formOpts,
	}, nil
}

// newPage: GET /proposals/new?year=.
func (p *proposalsUI) newPage(c *fiber.Ctx) error {
	year := c.QueryInt("year")
	if year == 0 {
		year = p.planningYear()
	}
	data, err := p.formData(c, map[string]string{"year": strconv.Itoa(year), "form": "planned", "priority": "1"})
	if err != nil {
		return err
	}
	return p.render(c, "proposals/form", data)
}

// create: POST /proposals. A bad form comes back with 422, the input kept and
// each reason under its field.
func (p *proposalsUI) create(c *fiber.Ctx) error {
	form := postedProposal(c)
	row, err := p.svc.CreateFromForm(ctxOf(c), actorOf(c), func(k string) string { return form[k] })
	if err == nil {
		p.setFlash(c, "proposals.created")
		return c.Redirect(fmt.Sprintf("/proposals/%d", row.ID), fiber.StatusSeeOther)
	}
	data, derr := p.formData(c, form)
	if derr != nil {
		return derr
	}
	return p.renderForm422(c, "proposals/form", data, err)
}
