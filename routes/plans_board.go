package routes

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/plans"
	"khung/views"
)

// boardPage: GET /plans/versions/:id/board?view=&group=&body=&form=&area=&status=&q=
// — the timeline by month or ISO week, by area or inspector, and the conflicts panel.
func (p *plansUI) boardPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f plans.BoardFilter
	if err := c.QueryParser(&f); err != nil {
		return fmt.Errorf("board query: %w", apperr.ErrBadRequest)
	}
	b, err := p.plans.Board(ctxOf(c), actorOf(c), id, f)
	if err != nil {
		return err
	}
	tr := trOf(c)
	link := func(key, value string) string { return boardURL(id, b.Filter, key, value) }
	quarters := make([]boardQuarter, 4)
	for i := range quarters {
		quarters[i] = boardQuarter{N: i + 1, URL: boardURL(id, b.Filter, "quarter", fmt.Sprint(i+1)), Current: b.Filter.Quarter == i+1}
	}
	return p.render(c, "plans/board", fiber.Map{
		"Title":        tr.T("plans.board.title", "Year", b.Version.Year, "Number", b.Version.Number),
		"B":            b,
		"Can":          canOf(c),
		"Penalty":      penaltyRows(b.Metrics.PenaltyBy, tr.Lang),
		"Total":        points(b.Metrics.Penalty, tr.Lang),
		"Pts":          func(x float64) string { return points(x, tr.Lang) },
		"MonthURL":     link("view", "month"),
		"WeekURL":      link("view", "week"),
		"AreaURL":      link("group", "area"),
		"InspectorURL": link("group", "inspector"),
		"SoftURL":      link("status", plans.StatusSoft),
		"Quarters":     quarters,
		"Name":         func(param, id string) string { return b.Names.Of(tr, param, id) },
		"Forms":        []string{"planned", "unannounced", "verification"},
		"Statuses":     []string{plans.StatusScheduled, plans.StatusUnscheduled, plans.StatusSoft},
		"Crumb":        crumb(b.Version),
	})
}

// boardURL is the board's URL with filter f and one value replaced.
func boardURL(id int64, f plans.BoardFilter, key, value string) string {
	q := url.Values{}
	for k, v := range map[string]string{"view": f.View, "group": f.Group, "body": f.Body, "form": f.Form,
		"area": f.Area, "status": f.Status, "q": f.Q, "quarter": fmt.Sprint(f.Quarter)} {
		if v != "" {
			q.Set(k, v)
		}
	}
	q.Set(key, value)
	return fmt.Sprintf("/plans/versions/%d/board?%s", id, q.Encode())
}

// boardQuarter is a quarter of the week view's switch.
type boardQuarter struct {
	N       int
	URL     string
	Current bool
}

// visitPage: GET /plans/versions/:id/visits/:code — the visit's proposals,
// team, window, dates and reasons, and on a draft the adjustment form.
func (p *plansUI) visitPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return p.renderVisit(c, id, c.Params("code"), nil, nil)
}

// changeInput reads the adjustment form: start, replace_out, replace_in, lock_version.
func changeInput(c *fiber.Ctx) (plans.ChangeInput, error) {
	in := plans.ChangeInput{Start: strings.TrimSpace(c.FormValue("start"))}
	out, inn := strings.TrimSpace(c.FormValue("replace_out")), strings.TrimSpace(c.FormValue("replace_in"))
	if out != "" || inn != "" {
		in.Replace = &plans.Swap{Out: out, In: inn}
	}
	lock, err := lockVersion(c)
	in.LockVersion = lock
	return in, err
}

// renderVisit shows the visit page; res is a check's result to show, err a
// failed check or save (its status and messages).
func (p *plansUI) renderVisit(c *fiber.Ctx, id int64, code string, res *plans.CheckResult, err error) error {
	ctx, a, tr := ctxOf(c), actorOf(c), trOf(c)
	page, perr := p.plans.Visit(ctx, a, id, code)
	if perr != nil {
		return perr
	}
	data := fiber.Map{
		"Title": tr.T("plans.visit.title", "Unit", page.Visit.UnitName),
		"P":     page,
		"V":     page.Visit,
		"Can":   canOf(c),
		"Pts":   func(x float64) string { return points(x, tr.Lang) },
		"Form":  map[string]string{},
		"Crumb": crumb(page.Version),
		"Name":  func(param, id string) string { return page.Names.Of(tr, param, id) },
		"Day":   isoDay,
	}
	if page.Visit.StartDate != nil {
		data["Form"] = map[string]string{"start": page.Visit.StartDate.String()}
	}
	topics := map[int64][]string{}
	for _, pr := range page.Visit.Proposals {
		for _, t := range pr.Topics {
			name := t
			if n, ok := page.Topics[t]; ok {
				name = tr.Pick(n[0], n[1])
			}
			topics[pr.ID] = append(topics[pr.ID], name)
		}
	}
	data["TopicNames"] = topics
	editable := canOf(c).Manage && page.Version.Editable() && page.Visit.Scheduled()
	data["Editable"] = editable
	if editable {
		opts, oerr := p.plans.Options(ctx, a, id, code)
		if oerr != nil {
			return oerr
		}
		data["Candidates"] = candidateViews(opts.Candidates, tr.Lang)
		data["Starts"] = startViews(opts.Starts, tr.Lang)
		data["StartCount"] = len(opts.Starts)
	}
	if res != nil && res.Change.Visit != "" {
		data["Check"] = p.newCheckView(*res, nil, tr, page.Names)
	}
	if err != nil {
		if res == nil || res.Change.Visit == "" {
			data["Check"] = p.newCheckView(plans.CheckResult{}, err, tr, page.Names)
		}
		data["Form"] = postedValues(c)
		return p.renderForm422(c, "plans/visit", data, err)
	}
	return p.render(c, "plans/visit", data)
}

// candidateView is a replacement offered in the form.
type candidateView struct {
	Code, Label string
}

func candidateViews(cs []plans.Candidate, lang string) []candidateView {
	out := make([]candidateView, len(cs))
	for i, c := range cs {
		out[i] = candidateView{Code: c.Code,
			Label: fmt.Sprintf("%s (%s) · %s", c.Name, c.BodyName, signedPoints(c.PenaltyChange, lang))}
	}
	return out
}

// startView is a start date offered as a hint: "03/03/2027 (−20)".
type startView struct {
	Date, Label string
}

// startViews keeps the best starts for the hint: the lowest penalty changes,
// then in date order.
func startViews(ss []plans.Start, lang string) []startView {
	best := slices.Clone(ss)
	slices.SortStableFunc(best, func(x, y plans.Start) int { return cmp.Compare(x.PenaltyChange, y.PenaltyChange) })
	best = best[:min(len(best), 8)]
	slices.SortFunc(best, func(x, y plans.Start) int { return strings.Compare(x.Date, y.Date) })
	out := make([]startView, len(best))
	for i, s := range best {
		d, _ := time.Parse(time.DateOnly, s.Date)
		out[i] = startView{Date: s.Date, Label: fmt.Sprintf("%s (%s)", d.Format("02/01/2006"), signedPoints(s.PenaltyChange, lang))}
	}
	return out
}

// checkView is the engine's verdict on a change as the page shows it.
type checkView struct {
	Shown       bool
	Allowed     bool
	Saved       bool
	Violations  []string
	Before      string
	After       string
	Change      string
	Worse       bool
	Better      bool
	By          []penaltyRow
	Problem     string   // why there is no verdict (bad input, conflict…)
	FieldErrors []string // the input's field messages
}

func (p *plansUI) newCheckView(res plans.CheckResult, err error, tr *views.Translator, names *plans.Names) checkView {
	lang, pick := tr.Lang, tr.Pick
	if err != nil {
		v := checkView{Shown: true}
		if _, ok := apperr.AsValidation(err); ok {
			if len(res.Delta.Violations) == 0 {
				for _, f := range p.classify(err).Fields {
					v.FieldErrors = append(v.FieldErrors, pick(f.VI, f.EN))
				}
				return v
			}
		} else {
			pr := p.classify(err)
			v.Problem = pick(pr.VI, pr.EN)
			return v
		}
	}
	d := res.Delta
	v := checkView{Shown: true, Allowed: res.Allowed(), Saved: res.Saved,
		Before: points(d.PenaltyBefore, lang), After: points(d.PenaltyAfter, lang),
		Change: signedPoints(res.Diff(), lang), Worse: res.Diff() > 0, Better: res.Diff() < 0}
	for _, x := range d.Violations {
		v.Violations = append(v.Violations, tr.T("plansux.rule."+x.Rule)+": "+names.Text(tr, x.Msg))
	}
	for _, name := range plans.Components() {
		if x := d.PenaltyBy[name]; x != 0 {
			v.By = append(v.By, penaltyRow{Name: name, Value: signedPoints(x, lang)})
		}
	}
	return v
}

// check: POST /plans/versions/:id/visits/:code/check — the preview. htmx
// gets the result fragment (always 200, so that it is shown); a plain form
// post gets the whole page.
func (p *plansUI) check(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	code := c.Params("code")
	in, err := changeInput(c)
	var res plans.CheckResult
	if err == nil {
		res, err = p.plans.Check(ctxOf(c), actorOf(c), id, code, in)
	}
	if c.Get("HX-Request") == "true" {
		tr := trOf(c)
		names, nerr := p.plans.Names(ctxOf(c), actorOf(c), id)
		if nerr != nil {
			return nerr
		}
		return c.Render("plans/check", fiber.Map{"T": tr, "Lang": tr.Lang,
			"Check": p.newCheckView(res, err, tr, names)})
	}
	if err != nil {
		return p.renderVisit(c, id, code, nil, err)
	}
	return p.renderVisit(c, id, code, &res, nil)
}

// adjust: POST /plans/versions/:id/visits/:code/adjust — saves the change
// unless it breaks a hard rule (422 with the violations) or the version was
// changed meanwhile (409, nothing overwritten).
func (p *plansUI) adjust(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	code := c.Params("code")
	in, err := changeInput(c)
	if err != nil {
		return p.renderVisit(c, id, code, nil, err)
	}
	res, err := p.plans.Adjust(ctxOf(c), actorOf(c), id, code, in)
	if err != nil {
		return p.renderVisit(c, id, code, &res, err)
	}
	p.setFlash(c, "plans.flash.adjusted")
	return c.Redirect(fmt.Sprintf("/plans/versions/%d/visits/%s", id, url.PathEscape(code)), fiber.StatusSeeOther)
}

// isoDay writes an ISO date (YYYY-MM-DD) as dd/mm/yyyy; anything else as given.
func isoDay(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("02/01/2006")
}

// crumb is the way back from a version's sub-page: its year and the version.
func crumb(v plans.Version) fiber.Map {
	return fiber.Map{"Year": v.Year, "ID": v.ID, "Number": v.Number}
}
