package routes

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/inspections"
	"khung/models"
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

// newCheckPage: GET /visits/checks/new?rec=ID (or ?unit=ID) — the form of a
// check on the implementation of conclusions at the owner unit of an overdue
// recommendation, its overdue recommendations listed (the one it came from
// ticked).
func (ui *inspectionsUI) newCheckPage(c *fiber.Ctx) error {
	return ui.renderCheck(c, nil)
}

func (ui *inspectionsUI) renderCheck(c *fiber.Ctx, formErr error) error {
	ctx, a := ctxOf(c), actorOf(c)
	f := newFormReader(c)
	unit := inspections.Option{ID: f.int("unit_id")}
	rec := f.int("rec")
	if c.Method() == fiber.MethodGet {
		unit.ID, rec = int64(c.QueryInt("unit")), int64(c.QueryInt("rec"))
	}
	if rec != 0 {
		u, err := ui.svc.UnitOfRecommendation(ctx, a, rec)
		if err != nil {
			return err
		}
		unit = u
	}
	if unit.ID == 0 {
		return apperr.ErrNotFound
	}
	ch, err := ui.svc.UnplannedChoices(ctx, a)
	if err != nil {
		return err
	}
	recs, err := ui.svc.Checkable(ctx, a, unit.ID, ui.today())
	if err != nil {
		return err
	}
	chosen := map[int64]bool{rec: true}
	if c.Method() == fiber.MethodPost {
		chosen = map[int64]bool{}
		for _, id := range f.ints("recommendation_ids") {
			chosen[id] = true
		}
	}
	data := fiber.Map{"Title": trOf(c).T("legal.check.new_title"), "C": ch, "Unit": unit, "Rec": rec, "Recs": recs,
		"Chosen": chosen, "Today": ui.today().String()}
	if formErr != nil {
		return ui.renderForm422(c, "inspections/check", data, formErr)
	}
	return ui.render(c, "inspections/check", data)
}

// createCheck: POST /visits/checks — create the check, then its work page.
func (ui *inspectionsUI) createCheck(c *fiber.Ctx) error {
	f := newFormReader(c)
	in := inspections.CheckInput{UnitID: f.int("unit_id"), RecommendationIDs: f.ints("recommendation_ids"),
		LeadBodyID: f.int("lead_body_id"), StartDate: f.date("start_date"), EndDate: f.date("end_date"),
		LeadID: f.int("lead_id"), MemberIDs: f.ints("member_ids"), Reason: f.text("reason")}
	err := f.err()
	var v models.Visit
	if err == nil {
		v, err = ui.svc.CreateCheck(ctxOf(c), actorOf(c), in, ui.Now())
	}
	if err != nil {
		if _, invalid := apperr.AsValidation(err); invalid || errors.Is(err, apperr.ErrConflict) {
			return ui.renderCheck(c, err)
		}
		return err
	}
	ui.setFlash(c, "legal.flash.check")
	return c.Redirect(fmt.Sprintf("/visits/%d", v.ID), fiber.StatusSeeOther)
}

// numberNotice: POST /visits/:id/notice/number — the notice to the unit gets
// its number in the register of notices (or the registry clerk's).
func (ui *inspectionsUI) numberNotice(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := inspections.NoticeNumberInput{Number: int(f.int("notice_number"))}
	if err = f.err(); err == nil {
		_, err = ui.svc.NumberNotice(ctxOf(c), actorOf(c), id, in, ui.Now())
	}
	return ui.afterWrite(c, id, err, "legal.flash.notice_numbered", "decision")
}
