package routes

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/planning/plantext"
	"khung/app/plans"
)

// apiBuild: POST /api/v1/plans/:year/build {reason?, lock_version?} → 201 with
// the draft version (rebuilt in place when the year has a draft).
func (p *plansUI) apiBuild(c *fiber.Ctx) error {
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return fiber.ErrNotFound
	}
	var in plans.BuildInput
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	v, err := p.plans.Build(ctxOf(c), actorOf(c), year, in)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/plan-versions/%d", v.ID), v)
}

// apiVersions: GET /api/v1/plans/:year/versions — newest first.
func (p *plansUI) apiVersions(c *fiber.Ctx) error {
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return fiber.ErrNotFound
	}
	vs, err := p.plans.Versions(ctxOf(c), actorOf(c), year)
	if err != nil {
		return err
	}
	return c.JSON(list(vs))
}

// apiVersion: GET /api/v1/plan-versions/:id — the version with its visits,
// unscheduled visits and metrics.
func (p *plansUI) apiVersion(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := p.plans.Detail(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// stepJSON is the body of a workflow step.
type stepJSON struct {
	LockVersion    *int   `json:"lock_version"`
	Reason         string `json:"reason"`
	DocumentNumber string `json:"document_number"`
}

func (s stepJSON) input() (plans.StepInput, error) {
	if s.LockVersion == nil {
		return plans.StepInput{}, apperr.Field("lock_version", "required", "plans.err.lock_required")
	}
	return plans.StepInput{LockVersion: *s.LockVersion, Reason: s.Reason, DocumentNumber: s.DocumentNumber}, nil
}

// apiStep: POST /api/v1/plan-versions/:id/{submit,approve,publish,return}
// {lock_version, reason?, document_number?} → the version.
func (p *plansUI) apiStep(k stepKind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var body stepJSON
		if err := bindJSON(c, &body); err != nil {
			return err
		}
		in, err := body.input()
		if err != nil {
			return err
		}
		v, err := p.take(c, k, id, in)
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}

// apiAmend: POST /api/v1/plan-versions/:id/amend {lock_version, reason} → 201
// with the new draft version.
func (p *plansUI) apiAmend(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var body stepJSON
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input()
	if err != nil {
		return err
	}
	v, err := p.plans.Amend(ctxOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/plan-versions/%d", v.ID), v)
}

// changeJSON is the body of a check or an adjustment.
type changeJSON struct {
	Start       string      `json:"start"`
	Replace     *plans.Swap `json:"replace"`
	LockVersion *int        `json:"lock_version"`
}

// checkJSON is the engine's verdict on a change.
type checkJSON struct {
	Visit         string             `json:"visit"`
	Allowed       bool               `json:"allowed"`
	Saved         bool               `json:"saved"`
	Violations    []violationJSON    `json:"violations"`
	PenaltyBefore float64            `json:"penalty_before"`
	PenaltyAfter  float64            `json:"penalty_after"`
	PenaltyChange float64            `json:"penalty_change"`
	PenaltyBy     map[string]float64 `json:"penalty_by"`
	LockVersion   int                `json:"lock_version"`
}

// violationJSON is a broken hard rule with its message in both languages.
type violationJSON struct {
	Rule      string `json:"rule"`
	Visit     string `json:"visit,omitempty"`
	Inspector string `json:"inspector,omitempty"`
	Day       string `json:"day,omitempty"`
	Message   string `json:"message"`
	MessageVI string `json:"message_vi"`
}

func (p *plansUI) newCheckJSON(r plans.CheckResult) checkJSON {
	en, vi := p.Locales.For("en"), p.Locales.For("vi")
	v := make([]violationJSON, len(r.Delta.Violations))
	for k, x := range r.Delta.Violations {
		v[k] = violationJSON{Rule: x.Rule, Visit: x.Visit, Inspector: x.Inspector, Day: x.Day,
			Message: plantext.Of(en, x.Msg), MessageVI: plantext.Of(vi, x.Msg)}
	}
	return checkJSON{Visit: r.Visit, Allowed: r.Allowed(), Saved: r.Saved, Violations: v,
		PenaltyBefore: r.Delta.PenaltyBefore, PenaltyAfter: r.Delta.PenaltyAfter, PenaltyChange: r.Diff(),
		PenaltyBy: r.Delta.PenaltyBy, LockVersion: r.LockVersion}
}

func (p *plansUI) changeBody(c *fiber.Ctx, needLock bool) (int64, plans.ChangeInput, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, plans.ChangeInput{}, err
	}
	var body changeJSON
	if err := bindJSON(c, &body); err != nil {
		return 0, plans.ChangeInput{}, err
	}
	in := plans.ChangeInput{Start: body.Start, Replace: body.Replace}
	switch {
	case body.LockVersion != nil:
		in.LockVersion = *body.LockVersion
	case needLock:
		return 0, in, apperr.Field("lock_version", "required", "plans.err.lock_required")
	}
	return id, in, nil
}

// apiCheck: POST /api/v1/plan-versions/:id/visits/:code/check {start?,
// replace?: {out, in}} → the violations and the penalty change; nothing is saved.
func (p *plansUI) apiCheck(c *fiber.Ctx) error {
	id, in, err := p.changeBody(c, false)
	if err != nil {
		return err
	}
	res, err := p.plans.Check(ctxOf(c), actorOf(c), id, c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(p.newCheckJSON(res))
}

// apiAdjust: POST /api/v1/plan-versions/:id/visits/:code/adjust {start?,
// replace?, lock_version} → the saved change; 422 with one field per broken
// hard rule; 409 when the version changed since it was read.
func (p *plansUI) apiAdjust(c *fiber.Ctx) error {
	id, in, err := p.changeBody(c, true)
	if err != nil {
		return err
	}
	res, err := p.plans.Adjust(ctxOf(c), actorOf(c), id, c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(p.newCheckJSON(res))
}

// apiDiff: GET /api/v1/plan-versions/:id/diff/:other — added, removed, moved
// and re-teamed visits from :id to :other.
func (p *plansUI) apiDiff(c *fiber.Ctx) error {
	a, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, err := pathID(c, "other")
	if err != nil {
		return err
	}
	d, err := p.plans.Diff(ctxOf(c), actorOf(c), a, b)
	if err != nil {
		return err
	}
	return c.JSON(d)
}
