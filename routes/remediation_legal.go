package routes

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khung/app/remediation"
)

// recordOutcome: POST /recommendations/:id/outcomes — what was decided about
// those a recommendation of responsibility names (the measure, whom, the
// decision's date and number), by the owner unit or a planner.
func (r *remediationPages) recordOutcome(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := remediation.OutcomeInput{Measure: f.text("measure"), Subject: f.text("subject"), DecidedOn: f.date("decided_on"),
		DocumentNumber: f.text("document_number"), Note: f.text("note")}
	if err = f.err(); err == nil {
		_, err = r.svc.RecordOutcome(ctxOf(c), actorOf(c), id, in, r.Now())
	}
	if err != nil {
		return r.formError(c, id, err)
	}
	r.setFlash(c, "legal.flash.outcome")
	return c.Redirect(fmt.Sprintf("/recommendations/%d#outcomes", id), fiber.StatusSeeOther)
}
