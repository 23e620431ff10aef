package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/app/inspections"
)

// recordDraft: POST /visits/:id/draft — the draft conclusion (or the team's
// report of results) was received by its signer on a day: the time to sign
// the conclusion runs from it.
func (ui *inspectionsUI) recordDraft(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := inspections.DraftInput{ReceivedOn: f.date("received_on"), ReceivedBy: f.int("received_by")}
	if err = f.err(); err == nil {
		_, err = ui.svc.RecordDraft(ctxOf(c), actorOf(c), id, in, ui.Now())
	}
	return ui.afterWrite(c, id, err, "legal.flash.draft", "conclusion")
}
