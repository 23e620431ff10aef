package routes

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khung/app/inspections"
)

// apiWork: GET /api/v1/visits/:id/work — the visit's decision, findings,
// conclusion, recommendations and history.
func (ui *inspectionsUI) apiWork(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	w, err := ui.svc.Work(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

// apiDecision: POST /api/v1/visits/:id/decision — record the signed inspection decision.
func (ui *inspectionsUI) apiDecision(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in inspections.DecisionInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	d, err := ui.svc.SignDecision(ctxOf(c), actorOf(c), id, in, ui.Now())
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/visits/%d/work", id), d)
}

// apiFinding: POST /api/v1/visits/:id/findings — record a finding (evidence
// files go through the page's multipart form).
func (ui *inspectionsUI) apiFinding(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in inspections.FindingInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := ui.svc.AddFinding(ctxOf(c), actorOf(c), id, in, nil)
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/visits/%d/work", id), f)
}

// conclusionJSON is the answer to an issued conclusion.
type conclusionJSON struct {
	Conclusion      any `json:"conclusion"`
	Recommendations any `json:"recommendations"`
}

// apiConclusion: POST /api/v1/visits/:id/conclusion — issue the conclusion
// with its recommendations.
func (ui *inspectionsUI) apiConclusion(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in inspections.ConclusionInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	con, recs, err := ui.svc.IssueConclusion(ctxOf(c), actorOf(c), id, in, ui.Now())
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/visits/%d/work", id), conclusionJSON{Conclusion: con, Recommendations: recs})
}

// apiStatus: POST /api/v1/visits/:id/status — move the visit to its next step.
func (ui *inspectionsUI) apiStatus(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in inspections.StatusInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := ui.svc.ChangeStatus(ctxOf(c), actorOf(c), id, in, ui.Now())
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// apiEvent: POST /api/v1/visits/:id/events — record an extension, suspension,
// resumption or cancellation.
func (ui *inspectionsUI) apiEvent(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in inspections.EventInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ev, err := ui.svc.RecordEvent(ctxOf(c), actorOf(c), id, in, ui.Now())
	if err != nil {
		return err
	}
	return created(c, fmt.Sprintf("/api/v1/visits/%d/work", id), ev)
}
