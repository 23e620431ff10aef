package routes

import (
	"errors"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/attachments"
	"khung/app/inspections"
	"khung/app/remediation"
	"khung/app/visits"
	"khung/models"
	"khung/views"
)

// inspectionsUI serves the work of a visit: its page (lifecycle, history,
// decision, findings, conclusion and recommendations), the printable
// decision, the evidence files and the /api/v1/visits/{id}/… resources.
// Readers who may know of a visit but not read its work (units, viewers) are
// sent to its calendar card or their recommendations, once visits and recs
// say they may reach them.
type inspectionsUI struct {
	*Handlers
	svc    *inspections.Service
	visits *visits.Service
	recs   *remediation.Service
}

// recommendationRows is how many recommendation blocks the conclusion form
// can hold; it shows one at first and another on each "add" (maxRecRows caps
// what one form can send).
const recommendationRows = 30

// stylesheet serves the work page's styles, kept next to its template.
func (ui *inspectionsUI) stylesheet(c *fiber.Ctx) error {
	css, err := fs.ReadFile(views.Templates(), "inspections/inspections.css")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(css)
}

// workPage: GET /visits/:id — the visit's work page. Whoever may not read the
// work (a unit user or a viewer, whom notifications also send here; an
// admin) reads the visit on the calendar when the one visibility rule lets
// them know of it, else gets 404 as for a visit that does not exist.
func (ui *inspectionsUI) workPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if a := actorOf(c); !a.Is(models.RolePlanner, models.RoleApprover, models.RoleInspector) {
		if _, err := ui.visits.Get(ctxOf(c), a, ui.today(), id); err != nil {
			return err
		}
		return c.Redirect(fmt.Sprintf("/calendar/visits/%d", id), fiber.StatusSeeOther)
	}
	return ui.renderWork(c, id, nil)
}

// renderWork shows the work page; with err (a refused form) it shows the
// page again with the status of err, the posted values and the messages.
func (ui *inspectionsUI) renderWork(c *fiber.Ctx, id int64, formErr error) error {
	a := actorOf(c)
	w, err := ui.svc.Work(ctxOf(c), a, id)
	if err != nil {
		return err
	}
	canWrite, err := ui.svc.CanWrite(ctxOf(c), a, id)
	if err != nil {
		return err
	}
	var signers []inspections.SignerOption
	if canWrite {
		if err := ui.svc.WithChoices(ctxOf(c), &w); err != nil {
			return err
		}
		if w.Conclusion == nil && w.Visit.Status == models.VisitOnSiteEnded {
			if signers, err = ui.svc.DraftSigners(ctxOf(c)); err != nil {
				return err
			}
		}
	}
	today := ui.today()
	data := fiber.Map{
		"Title":      trOf(c).T("inspections.title", "Unit", w.UnitName),
		"W":          w,
		"CanWrite":   canWrite,
		"Today":      today.String(),
		"Rows":       formRows(shownRecRows(c)),
		"RecShown":   shownRecRows(c),
		"Members":    chosenMembers(c, w.Inspectors),
		"Severities": []models.Severity{models.SeverityLow, models.SeverityMedium, models.SeverityHigh},
		"EventKinds": []models.VisitEventKind{models.EventExtended, models.EventSuspended, models.EventResumed, models.EventCancelled},
		"Overdue":    overdueIDs(w.Recommendations, today),
		"Signers":    signers,
		"Liables":    []models.Liable{models.LiableCollective, models.LiableIndividual, models.LiableBoth},
	}
	if formErr != nil {
		return ui.renderForm422(c, "inspections/work", data, formErr)
	}
	if c.Method() == fiber.MethodPost {
		data["Form"] = postedValues(c) // a form grown by one block or member: nothing saved yet
	}
	return ui.render(c, "inspections/work", data)
}

// formRow is one recommendation block of the conclusion form: its index in
// the field names, its number for people, and whether it waits hidden for an
// "add a recommendation".
type formRow struct {
	I, N   int
	Hidden bool
}

func formRows(shown int) []formRow {
	rows := make([]formRow, recommendationRows)
	for i := range rows {
		rows[i] = formRow{I: i, N: i + 1, Hidden: i >= shown}
	}
	return rows
}

// shownRecRows is how many recommendation blocks the conclusion form shows:
// one on a fresh form; after a post, every block up to the last one filled
// in, plus one when the inspector asked to add one.
func shownRecRows(c *fiber.Ctx) int {
	shown := 1
	if c.Method() != fiber.MethodPost {
		return shown
	}
	for i := range recommendationRows {
		for _, f := range []string{"action", "deadline", "days"} {
			if strings.TrimSpace(c.FormValue(fmt.Sprintf("rec_%s_%d", f, i))) != "" {
				shown = i + 1
			}
		}
	}
	if n, err := strconv.Atoi(c.FormValue("rec_shown")); err == nil && n > shown {
		shown = n
	}
	if c.FormValue("do") == "add_rec" {
		shown++
	}
	return min(shown, recommendationRows)
}

// chosenMembers are the members the decision form shows ticked: the posted
// ones when the decision form was sent back (plus the one asked for with
// "add to the team"), else the planned team without its leader.
func chosenMembers(c *fiber.Ctx, all []inspections.InspectorOption) []inspections.InspectorOption {
	chosen := map[int64]bool{}
	posted := c.Method() == fiber.MethodPost && c.Request().PostArgs().Has("lead_id")
	if posted {
		for _, b := range c.Request().PostArgs().PeekMulti("member_ids") {
			if id, err := strconv.ParseInt(string(b), 10, 64); err == nil {
				chosen[id] = true
			}
		}
		if in, ok := inspectorByLabel(all, c.FormValue("add_member")); ok && c.FormValue("do") == "add_member" {
			chosen[in.ID] = true
		}
	}
	var out []inspections.InspectorOption
	for _, in := range all {
		if (posted && chosen[in.ID]) || (!posted && in.OnTeam && !in.Lead) {
			out = append(out, in)
		}
	}
	return out
}

// inspectorByLabel finds the inspector a person picked from the suggestions
// ("Full Name — title, body"), or typed by a name that only one inspector has,
// or by staff code.
func inspectorByLabel(all []inspections.InspectorOption, label string) (inspections.InspectorOption, bool) {
	label = strings.Join(strings.Fields(label), " ")
	if label == "" {
		return inspections.InspectorOption{}, false
	}
	var byLabel, byName []inspections.InspectorOption
	for _, in := range all {
		switch {
		case strings.EqualFold(in.Code, label):
			return in, true
		case strings.EqualFold(in.Label(), label):
			byLabel = append(byLabel, in)
		case strings.EqualFold(in.FullName, label):
			byName = append(byName, in)
		}
	}
	for _, found := range [][]inspections.InspectorOption{byLabel, byName} {
		if len(found) == 1 {
			return found[0], true
		}
	}
	return inspections.InspectorOption{}, false
}

// overdueIDs marks the recommendations past their deadline and not closed.
func overdueIDs(recs []inspections.RecommendationView, today models.Date) map[int64]bool {
	out := map[int64]bool{}
	for _, r := range recs {
		open := r.Status != models.RecommendationDone && r.Status != models.RecommendationCancelled
		if open && r.Deadline.Before(today) {
			out[r.ID] = true
		}
	}
	return out
}

// afterWrite redirects to the work page with a flash, or shows the refused
// form again.
func (ui *inspectionsUI) afterWrite(c *fiber.Ctx, id int64, err error, flash, anchor string) error {
	_, invalid := apperr.AsValidation(err)
	switch {
	case invalid || errors.Is(err, apperr.ErrConflict) || errors.Is(err, apperr.ErrBadRequest):
		return ui.renderWork(c, id, err)
	case err != nil:
		return err // forbidden, not found…: the error page, never the forms
	}
	ui.setFlash(c, flash)
	return c.Redirect(fmt.Sprintf("/visits/%d#%s", id, anchor), fiber.StatusSeeOther)
}

// formReader reads a posted form's values and collects the problems of
// those that do not parse (dates, numbers), by field name.
type formReader struct {
	c  *fiber.Ctx
	ve *apperr.ValidationError
}

func newFormReader(c *fiber.Ctx) *formReader { return &formReader{c: c, ve: &apperr.ValidationError{}} }

func (f *formReader) text(name string) string { return strings.TrimSpace(f.c.FormValue(name)) }

func (f *formReader) date(name string) models.Date {
	d, _ := f.optDate(name)
	return d
}

func (f *formReader) optDate(name string) (models.Date, bool) {
	s := f.text(name)
	if s == "" {
		return models.Date{}, false
	}
	// A browser without a date picker lets a person type the date as they
	// write it: dd/mm/yyyy.
	d, err := models.ParseTyped(s)
	if err != nil {
		f.ve.AddField(name, "date", "validation.date_invalid")
		return models.Date{}, false
	}
	return d, true
}

func (f *formReader) datePtr(name string) *models.Date {
	if d, ok := f.optDate(name); ok {
		return &d
	}
	return nil
}

func (f *formReader) int(name string) int64 {
	s := f.text(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f.ve.AddField(name, "number", "validation.number")
	}
	return n
}

// ints reads every value of a repeated field (checkboxes).
func (f *formReader) ints(name string) []int64 {
	var out []int64
	for _, b := range f.c.Request().PostArgs().PeekMulti(name) {
		n, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			f.ve.AddField(name, "number", "validation.number")
			continue
		}
		out = append(out, n)
	}
	return out
}

func (f *formReader) err() error { return f.ve.Err() }

// signDecision: POST /visits/:id/decision.
func (ui *inspectionsUI) signDecision(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if c.FormValue("do") == "add_member" {
		return ui.addMember(c, id)
	}
	f := newFormReader(c)
	in := inspections.DecisionInput{SignedOn: f.date("signed_on"), SignerName: f.text("signer_name"),
		SignerTitle: f.text("signer_title"), PeriodFrom: f.datePtr("period_from"), PeriodTo: f.datePtr("period_to"),
		Scope: f.text("scope"), LeadID: f.int("lead_id"), MemberIDs: f.ints("member_ids"),
		Grounds: f.text("grounds"), OrderedBy: f.text("ordered_by"), Number: int(f.int("number"))}
	if err = f.err(); err == nil {
		_, err = ui.svc.SignDecision(ctxOf(c), actorOf(c), id, in, ui.Now())
	}
	return ui.afterWrite(c, id, err, "inspections.flash.decision", "decision")
}

// addMember: the decision form's "add to the team" — the form comes back with
// the inspector picked from the suggestions ticked, nothing saved yet; a name
// that matches no inspector is refused under the field (422).
func (ui *inspectionsUI) addMember(c *fiber.Ctx, id int64) error {
	label := c.FormValue("add_member")
	ve := &apperr.ValidationError{}
	if strings.TrimSpace(label) == "" {
		ve.AddField("add_member", "required", "validation.required")
		return ui.renderWork(c, id, ve.Err())
	}
	w, err := ui.svc.Work(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	if err := ui.svc.WithChoices(ctxOf(c), &w); err != nil {
		return err
	}
	if _, ok := inspectorByLabel(w.Inspectors, label); !ok {
		ve.AddField("add_member", "unknown", "inspections.decision.member_unknown")
		return ui.renderWork(c, id, ve.Err())
	}
	return ui.renderWork(c, id, nil)
}

// changeStatus: POST /visits/:id/status.
func (ui *inspectionsUI) changeStatus(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := inspections.StatusInput{To: models.VisitStatus(f.text("to")), OnDate: f.date("on_date"), Reason: f.text("reason")}
	if err = f.err(); err == nil {
		_, err = ui.svc.ChangeStatus(ctxOf(c), actorOf(c), id, in, ui.Now())
	}
	return ui.afterWrite(c, id, err, "inspections.flash.status", "lifecycle")
}

// recordEvent: POST /visits/:id/events.
func (ui *inspectionsUI) recordEvent(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := inspections.EventInput{Kind: models.VisitEventKind(f.text("kind")), OnDate: f.date("on_date"),
		NewEndDate: f.datePtr("new_end_date"), Reason: f.text("reason")}
	if err = f.err(); err == nil {
		_, err = ui.svc.RecordEvent(ctxOf(c), actorOf(c), id, in, ui.Now())
	}
	return ui.afterWrite(c, id, err, "inspections.flash.event", "history")
}

// recordDirective: POST /visits/:id/directive — the date the directive
// implementing the conclusion was issued.
func (ui *inspectionsUI) recordDirective(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := inspections.DirectiveInput{IssuedOn: f.date("issued_on")}
	if err = f.err(); err == nil {
		_, err = ui.svc.RecordDirective(ctxOf(c), actorOf(c), id, in, ui.Now())
	}
	return ui.afterWrite(c, id, err, "inspections.flash.directive", "conclusion")
}

// addFinding: POST /visits/:id/findings (multipart, with evidence files).
func (ui *inspectionsUI) addFinding(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newFormReader(c)
	in := inspections.FindingInput{TopicCode: f.text("topic_code"), Kind: models.FindingKind(f.text("kind")),
		Description: f.text("description"), Severity: models.Severity(f.text("severity"))}
	files, err := ui.evidence(c)
	if err == nil {
		_, err = ui.svc.AddFinding(ctxOf(c), actorOf(c), id, in, files)
	}
	return ui.afterWrite(c, id, err, "inspections.flash.finding", "findings")
}

// evidence checks the files of the "files" field by content and size.
func (ui *inspectionsUI) evidence(c *fiber.Ctx) ([]attachments.File, error) {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return nil, nil
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, apperr.Fail(apperr.ErrBadRequest, "request.files_unreadable")
	}
	var headers []*multipart.FileHeader
	if form != nil {
		headers = form.File["files"]
	}
	return attachments.CheckUploads(headers, ui.Config.UploadMaxBytes, "files")
}

// issueConclusion: POST /visits/:id/conclusion, with up to recommendationRows
// recommendation rows; a row left entirely blank is ignored.
func (ui *inspectionsUI) issueConclusion(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if c.FormValue("do") == "add_rec" {
		return ui.renderWork(c, id, nil) // one more block, nothing saved yet
	}
	f := newFormReader(c)
	in := inspections.ConclusionInput{SignedOn: f.date("signed_on"), DraftReceivedOn: f.datePtr("draft_received_on"),
		SignerName: f.text("signer_name"), SignerTitle: f.text("signer_title"), Summary: f.text("summary"),
		Recommendations: []inspections.RecommendationInput{}, Number: int(f.int("number"))}
	for i := range recommendationRows {
		p := func(s string) string { return fmt.Sprintf("rec_%s_%d", s, i) }
		if f.text(p("action")) == "" && f.text(p("deadline")) == "" && f.text(p("days")) == "" {
			continue
		}
		in.Recommendations = append(in.Recommendations, inspections.RecommendationInput{
			OwnerUnitID: f.int(p("owner")), Action: f.text(p("action")), Deadline: f.datePtr(p("deadline")),
			WorkingDays: int(f.int(p("days"))), Severity: models.Severity(f.text(p("severity"))),
			Kind: models.RecommendationKind(f.text(p("kind"))), Liable: models.Liable(f.text(p("liable")))})
	}
	if err = f.err(); err == nil {
		_, _, err = ui.svc.IssueConclusion(ctxOf(c), actorOf(c), id, in, ui.Now())
	}
	return ui.afterWrite(c, id, err, "inspections.flash.conclusion", "conclusion")
}

// download: GET /visits/files/:id — an evidence file, as an attachment with
// its sniffed type.
func (ui *inspectionsUI) download(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := ui.svc.Attachment(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename*=UTF-8''%s`, url.PathEscape(f.Filename)))
	return c.Send(f.Data)
}

// conclusionPage: GET /conclusions/:id — where a conclusion's notifications
// lead: for a unit user, its first recommendation of that conclusion (404 when
// it has none it may read), else the visit's page.
func (ui *inspectionsUI) conclusionPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if actorOf(c).Is(models.RoleUnit) {
		rec, err := ui.recs.FirstOfConclusion(ctxOf(c), actorOf(c), id)
		if err != nil {
			return err
		}
		return c.Redirect(fmt.Sprintf("/recommendations/%d", rec), fiber.StatusSeeOther)
	}
	visitID, err := ui.svc.ConclusionVisit(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/visits/%d#conclusion", visitID), fiber.StatusSeeOther)
}

// newUnplannedPage: GET /visits/new — the form of an unannounced or
// verification visit outside the plan (planners).
func (ui *inspectionsUI) newUnplannedPage(c *fiber.Ctx) error {
	return ui.renderUnplanned(c, nil)
}

func (ui *inspectionsUI) renderUnplanned(c *fiber.Ctx, formErr error) error {
	ch, err := ui.svc.UnplannedChoices(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": trOf(c).T("inspections.unplanned.title"), "C": ch,
		"Today": ui.today().String()}
	if formErr != nil {
		return ui.renderForm422(c, "inspections/unplanned", data, formErr)
	}
	return ui.render(c, "inspections/unplanned", data)
}

// createUnplanned: POST /visits — create the unplanned visit, then its work page.
func (ui *inspectionsUI) createUnplanned(c *fiber.Ctx) error {
	f := newFormReader(c)
	in := inspections.UnplannedInput{UnitID: f.int("unit_id"), UnitCode: f.text("unit_code"), Form: models.Form(f.text("form")),
		LeadBodyID: f.int("lead_body_id"), Kind: f.text("kind"), StartDate: f.date("start_date"), EndDate: f.date("end_date"),
		LeadID: f.int("lead_id"), MemberIDs: f.ints("member_ids"), Reason: f.text("reason")}
	err := f.err()
	var v models.Visit
	if err == nil {
		v, err = ui.svc.CreateUnplanned(ctxOf(c), actorOf(c), in)
	}
	if err != nil {
		if _, invalid := apperr.AsValidation(err); invalid || errors.Is(err, apperr.ErrConflict) {
			return ui.renderUnplanned(c, err)
		}
		return err
	}
	ui.setFlash(c, "inspections.flash.unplanned")
	return c.Redirect(fmt.Sprintf("/visits/%d", v.ID), fiber.StatusSeeOther)
}
