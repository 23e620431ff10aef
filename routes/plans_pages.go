package routes

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/authz"
	"khung/app/planning"
	"khung/app/plans"
	"khung/models"
)

// stepKind is one step of the version workflow taken from a page or the API.
type stepKind string

const (
	stepSubmit  stepKind = "submit"
	stepApprove stepKind = "approve"
	stepPublish stepKind = "publish"
	stepReturn  stepKind = "return"
)

// take runs step k on version id.
func (p *plansUI) take(c *fiber.Ctx, k stepKind, id int64, in plans.StepInput) (plans.Version, error) {
	ctx, a, now := ctxOf(c), actorOf(c), p.Now()
	switch k {
	case stepSubmit:
		return p.plans.Submit(ctx, a, id, in, now)
	case stepApprove:
		return p.plans.Approve(ctx, a, id, in, now)
	case stepPublish:
		return p.plans.Publish(ctx, a, id, in, now)
	default:
		return p.plans.Return(ctx, a, id, in, now)
	}
}

// indexPage: GET /plans — the years that have a plan, and the years to plan.
func (p *plansUI) indexPage(c *fiber.Ctx) error {
	years, err := p.plans.Years(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	now := p.Now().In(p.Config.TimeZone)
	next := []int{now.Year() + 1, now.Year()}
	for _, y := range years {
		next = slices.DeleteFunc(next, func(n int) bool { return n == y.Year })
	}
	return p.render(c, "plans/index", fiber.Map{"Title": trOf(c).T("plans.index.title"), "Years": years,
		"NewYears": next, "Can": canOf(c)})
}

// yearPage: GET /plans/:year — the versions of a year's plan and the build form.
func (p *plansUI) yearPage(c *fiber.Ctx) error {
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return fiber.ErrNotFound
	}
	return p.renderYear(c, year, nil)
}

// renderYear shows year's page; err (when not nil) is the build form's problem.
func (p *plansUI) renderYear(c *fiber.Ctx, year int, err error) error {
	versions, verr := p.plans.Versions(ctxOf(c), actorOf(c), year)
	if verr != nil {
		return verr
	}
	data := fiber.Map{"Title": trOf(c).T("plans.year.title", "Year", year), "Year": year, "Versions": versions,
		"Can": canOf(c), "PlanTitle": plans.Title(trOf(c), year)}
	var draft, pending *plans.Version
	for i, v := range versions {
		switch v.Status {
		case models.VersionDraft:
			draft = &versions[i]
		case models.VersionSubmitted, models.VersionApproved:
			pending = &versions[i]
		}
	}
	data["Draft"], data["Pending"] = draft, pending
	data["NeedsReason"] = draft == nil && len(versions) > 0
	if authz.Can(actorOf(c), authz.ManageProposals) { // proposals left on a unit that was split
		stranded, serr := p.App.Proposals.Stranded(ctxOf(c), actorOf(c), year)
		if serr != nil {
			return serr
		}
		data["StrandedCount"] = len(stranded)
	}
	if err != nil {
		return p.renderForm422(c, "plans/year", data, err)
	}
	return p.render(c, "plans/year", data)
}

// build: POST /plans/:year/build — runs the engine and shows the new draft.
func (p *plansUI) build(c *fiber.Ctx) error {
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return fiber.ErrNotFound
	}
	in := plans.BuildInput{Reason: c.FormValue("reason")}
	if s := strings.TrimSpace(c.FormValue("lock_version")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return p.renderYear(c, year, fmt.Errorf("lock_version %q: %w", s, errBadLock))
		}
		in.LockVersion = &n
	}
	v, err := p.plans.Build(ctxOf(c), actorOf(c), year, in)
	if err != nil {
		return p.renderYear(c, year, err)
	}
	p.setFlash(c, "plans.flash.built")
	return c.Redirect(fmt.Sprintf("/plans/versions/%d", v.ID), fiber.StatusSeeOther)
}

// versionPage: GET /plans/versions/:id — the version, its score, what was
// merged and why, and the workflow's next steps.
func (p *plansUI) versionPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return p.renderVersion(c, id, "", nil)
}

// renderVersion shows version id; failed names the form whose err it is.
func (p *plansUI) renderVersion(c *fiber.Ctx, id int64, failed string, err error) error {
	ctx, a, tr := ctxOf(c), actorOf(c), trOf(c)
	sum, derr := p.plans.Summary(ctx, a, id)
	if derr != nil {
		return derr
	}
	v := sum.Version
	versions, derr := p.plans.Versions(ctx, a, v.Year)
	if derr != nil {
		return derr
	}
	reason, derr := p.plans.ReturnReason(ctx, a, id)
	if derr != nil {
		return derr
	}
	var m planning.Metrics
	if len(v.Metrics) > 0 {
		_ = v.Metrics.Unmarshal(&m)
	}
	fit, derr := p.plans.Fit(ctx, a, id)
	if derr != nil {
		return derr
	}
	data := fiber.Map{
		"Title":        tr.T("plans.version.title", "Year", v.Year, "Number", v.Number),
		"V":            v,
		"M":            m,
		"Fit":          fit,
		"Num":          func(n int) string { return points(float64(n), tr.Lang) },
		"Penalty":      penaltyRows(m.PenaltyBy, tr.Lang),
		"Total":        points(m.Penalty, tr.Lang),
		"SolveSeconds": points(float64(m.SolveMS)/1000, tr.Lang),
		"Joint":        sum.Joint,
		"Unscheduled":  sum.Unscheduled,
		"Versions":     versions,
		"Can":          canOf(c),
		"ReturnReason": reason,
		"Failed":       failed,
		"Crumb":        fiber.Map{"Year": v.Year},
	}
	if err != nil {
		return p.renderForm422(c, "plans/version", data, err)
	}
	return p.render(c, "plans/version", data)
}

// penaltyRow is a penalty component as a page shows it.
type penaltyRow struct {
	Name  string
	Value string
	Zero  bool
}

func penaltyRows(by map[string]float64, lang string) []penaltyRow {
	var out []penaltyRow
	for _, name := range plans.Components() {
		out = append(out, penaltyRow{Name: name, Value: points(by[name], lang), Zero: by[name] == 0})
	}
	return out
}

// confirmPage: GET /plans/versions/:id/{submit,approve,publish} — what the
// step will do, the visits it leaves unscheduled, and the button that takes
// it (a page, so that it asks before acting with or without JavaScript).
func (p *plansUI) confirmPage(k stepKind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		ctx, a, tr := ctxOf(c), actorOf(c), trOf(c)
		sum, err := p.plans.Summary(ctx, a, id)
		if err != nil {
			return err
		}
		v := sum.Version
		if !stepFrom(k, v.Status) {
			return c.Redirect(fmt.Sprintf("/plans/versions/%d", id), fiber.StatusSeeOther)
		}
		return p.render(c, "plans/confirm", fiber.Map{
			"Title":          tr.T("plansux.confirm."+string(k)+".title", "Year", v.Year, "Number", v.Number),
			"Step":           string(k),
			"V":              v,
			"Unscheduled":    sum.Unscheduled,
			"DocumentNumber": strings.TrimSpace(c.Query("document_number", v.DocumentNumber)),
			"Crumb":          crumb(v),
		})
	}
}

// stepFrom tells whether step k starts from status st (else the confirmation
// page sends the reader back to the version).
func stepFrom(k stepKind, st models.PlanVersionStatus) bool {
	switch k {
	case stepSubmit:
		return st == models.VersionDraft
	case stepApprove:
		return st == models.VersionSubmitted
	case stepPublish:
		return st == models.VersionApproved
	}
	return false
}

// stepHandler: POST /plans/versions/:id/{submit,approve,publish,return}.
func (p *plansUI) stepHandler(k stepKind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		lock, err := lockVersion(c)
		if err != nil {
			return p.renderVersion(c, id, string(k), err)
		}
		in := plans.StepInput{LockVersion: lock, Reason: c.FormValue("reason"), DocumentNumber: c.FormValue("document_number")}
		if _, err := p.take(c, k, id, in); err != nil {
			return p.renderVersion(c, id, string(k), err)
		}
		p.setFlash(c, "plans.flash."+string(k))
		return c.Redirect(fmt.Sprintf("/plans/versions/%d", id), fiber.StatusSeeOther)
	}
}

// amend: POST /plans/versions/:id/amend — a new draft copied from an issued version.
func (p *plansUI) amend(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	lock, err := lockVersion(c)
	if err != nil {
		return p.renderVersion(c, id, "amend", err)
	}
	v, err := p.plans.Amend(ctxOf(c), actorOf(c), id, plans.StepInput{LockVersion: lock, Reason: c.FormValue("reason")})
	if err != nil {
		return p.renderVersion(c, id, "amend", err)
	}
	p.setFlash(c, "plans.flash.amended")
	return c.Redirect(fmt.Sprintf("/plans/versions/%d", v.ID), fiber.StatusSeeOther)
}
