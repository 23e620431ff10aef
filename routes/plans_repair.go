package routes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/plans"
)

// leaveRows is how many leave rows the repair form offers.
const leaveRows = 3

// repairForm is the repair form as posted, kept to show it again.
type repairForm struct {
	In       plans.RepairInput
	Leaves   [leaveRows]plans.LeaveInput
	Selected map[string]map[string]bool // list name → chosen values
}

// Picked tells whether value was chosen in list (for the template).
func (f repairForm) Picked(list, value string) bool { return f.Selected[list][value] }

// repairFormInput reads the repair form. A value that is not a proposal id is
// a field error (the form only offers ids).
func repairFormInput(c *fiber.Ctx) (repairForm, error) {
	f := repairForm{Selected: map[string]map[string]bool{}}
	args := c.Request().PostArgs()
	values := func(name string) []string {
		var out []string
		for _, v := range args.PeekMulti(name) {
			if s := strings.TrimSpace(string(v)); s != "" {
				out = append(out, s)
				if f.Selected[name] == nil {
					f.Selected[name] = map[string]bool{}
				}
				f.Selected[name][s] = true
			}
		}
		return out
	}
	ve := &apperr.ValidationError{}
	ids := func(name string) []int64 {
		var out []int64
		for k, s := range values(name) {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				ve.AddField(fmt.Sprintf("%s[%d]", name, k), "integer", "replan.err.proposal_id", "Value", s)
				continue
			}
			out = append(out, id)
		}
		return out
	}
	// Filled rows move up, so that an error's row (leaves[1]) is the row shown second.
	for k := range leaveRows {
		l := plans.LeaveInput{
			Inspector: strings.TrimSpace(c.FormValue(fmt.Sprintf("leaves[%d].inspector", k))),
			From:      strings.TrimSpace(c.FormValue(fmt.Sprintf("leaves[%d].from", k))),
			To:        strings.TrimSpace(c.FormValue(fmt.Sprintf("leaves[%d].to", k))),
		}
		if l != (plans.LeaveInput{}) {
			f.Leaves[len(f.In.Leaves)] = l
			f.In.Leaves = append(f.In.Leaves, l)
		}
	}
	f.In.NewProposals = ids("new_proposals")
	f.In.WithdrawProposals = ids("withdraw_proposals")
	f.In.CancelVisits = values("cancel_visits")
	f.In.PinVisits = values("pin_visits")
	f.In.Reason = c.FormValue("reason")
	if n, err := strconv.Atoi(strings.TrimSpace(c.FormValue("lock_version"))); err == nil {
		f.In.LockVersion = n
	}
	return f, ve.Err()
}

// repairPage: GET /plans/versions/:id/repair — the changes to a published version.
func (p *plansUI) repairPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return p.renderRepair(c, id, repairForm{}, nil, nil)
}

// repairPreview: POST /plans/versions/:id/repair — the form again with the
// repaired plan as a diff; nothing is saved.
func (p *plansUI) repairPreview(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := repairFormInput(c)
	if err != nil {
		return p.renderRepair(c, id, f, nil, err)
	}
	prev, err := p.plans.Repair(ctxOf(c), actorOf(c), id, f.In, p.App.Today())
	if err != nil {
		return p.renderRepair(c, id, f, nil, err)
	}
	return p.renderRepair(c, id, f, &prev, nil)
}

// repairSave: POST /plans/versions/:id/repair/save — the repaired plan saved
// as an amendment (a new draft) with its reason; then its page.
func (p *plansUI) repairSave(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := repairFormInput(c)
	if err != nil {
		return p.renderRepair(c, id, f, nil, err)
	}
	v, err := p.plans.SaveRepair(ctxOf(c), actorOf(c), id, f.In, p.App.Today())
	if ve, ok := apperr.AsValidation(err); ok && ve.Has("reason") {
		// Only the reason is missing: show the preview again beside it, or
		// what is wrong with the changes.
		prev, perr := p.plans.Repair(ctxOf(c), actorOf(c), id, f.In, p.App.Today())
		if perr != nil {
			return p.renderRepair(c, id, f, nil, perr)
		}
		return p.renderRepair(c, id, f, &prev, err)
	}
	if err != nil {
		return p.renderRepair(c, id, f, nil, err)
	}
	p.setFlash(c, "replan.flash.saved")
	return c.Redirect(fmt.Sprintf("/plans/versions/%d", v.ID), fiber.StatusSeeOther)
}

// renderRepair shows the repair page of version id with the form f, the
// preview (when there is one) and err (when not nil).
func (p *plansUI) renderRepair(c *fiber.Ctx, id int64, f repairForm, prev *plans.RepairPreview, err error) error {
	ch, cerr := p.plans.RepairChoices(ctxOf(c), actorOf(c), id)
	if cerr != nil {
		return cerr
	}
	tr := trOf(c)
	if f.Selected == nil {
		f.Selected = map[string]map[string]bool{}
	}
	v := ch.Version
	data := fiber.Map{
		"Title":    tr.T("replan.page.title", "Year", v.Year, "Number", v.Number),
		"V":        v,
		"C":        ch,
		"F":        f,
		"P":        prev,
		"Today":    p.App.Today(),
		"Crumb":    fiber.Map{"Year": v.Year, "Number": v.Number, "ID": v.ID},
		"Form":     map[string]string{"reason": f.In.Reason},
		"Problems": []string{},
	}
	if err != nil {
		var lines []string
		for _, fe := range p.classify(err).Fields {
			lines = append(lines, tr.Pick(fe.VI, fe.EN))
		}
		data["Problems"] = lines
		return p.renderForm422(c, "plans/repair", data, err)
	}
	return p.render(c, "plans/repair", data)
}

// repairedVisitJSON is a visit of a repair's preview with the engine's
// explanation in both languages.
type repairedVisitJSON struct {
	plans.RepairedVisit
	Why   []string `json:"why"`
	WhyVI []string `json:"why_vi"`
}

// repairJSON is a repair's preview as the API returns it.
type repairJSON struct {
	plans.RepairPreview
	Moved       []repairedVisitJSON `json:"moved"`
	Reteamed    []repairedVisitJSON `json:"reteamed"`
	Placed      []repairedVisitJSON `json:"placed"`
	Dropped     []repairedVisitJSON `json:"dropped"`
	Cancelled   []repairedVisitJSON `json:"cancelled"`
	Unscheduled []repairedVisitJSON `json:"unscheduled"`
}

func (p *plansUI) newRepairJSON(r plans.RepairPreview) repairJSON {
	en, vi := p.Locales.For("en"), p.Locales.For("vi")
	conv := func(list []plans.RepairedVisit) []repairedVisitJSON {
		out := make([]repairedVisitJSON, len(list))
		for k, v := range list {
			out[k] = repairedVisitJSON{RepairedVisit: v, Why: v.NotesFor(en), WhyVI: v.NotesFor(vi)}
		}
		return out
	}
	return repairJSON{RepairPreview: r, Moved: conv(r.Moved), Reteamed: conv(r.Reteamed), Placed: conv(r.Placed),
		Dropped: conv(r.Dropped), Cancelled: conv(r.Cancelled), Unscheduled: conv(r.Unscheduled)}
}

// repairBody is the body of a repair preview or save.
type repairBody struct {
	plans.RepairInput
	LockVersion *int `json:"lock_version"`
}

// apiRepair: POST /api/v1/plan-versions/:id/repair {leaves?, new_proposals?,
// cancel_visits?, withdraw_proposals?, pin_visits?} → the repaired plan as a
// diff of the published version; nothing is saved. 422 names each bad field;
// 409 when the version is not the published one.
func (p *plansUI) apiRepair(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var body repairBody
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	prev, err := p.plans.Repair(ctxOf(c), actorOf(c), id, body.RepairInput, p.App.Today())
	if err != nil {
		return err
	}
	return c.JSON(p.newRepairJSON(prev))
}

// apiRepairSave: POST /api/v1/plan-versions/:id/repair/save {…the changes,
// reason, lock_version} → 201 with the amendment (a new draft version).
func (p *plansUI) apiRepairSave(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var body repairBody
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	if body.LockVersion == nil {
		return apperr.Field("lock_version", "required", "plans.err.lock_required")
	}
	in := body.RepairInput
	in.LockVersion = *body.LockVersion
	v, err := p.plans.SaveRepair(ctxOf(c), actorOf(c), id, in, p.App.Today())
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/plan-versions/%d", v.ID), v)
}
