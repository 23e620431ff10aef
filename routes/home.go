package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/app/msg"
	"khung/app/paging"
	"khung/app/planning"
	"khung/app/plans"
	"khung/app/proposals"
	"khung/app/remediation"
	"khung/app/units"
	"khung/app/users"
	"khung/app/visits"
	"khung/models"
)

// homeVisits and homeRecs cap what a unit's home lists; the calendar and the
// recommendations page hold the rest.
const (
	homeVisits  = 5
	homeRecs    = 8
	homeReports = 5
	homeMine    = 100 // the inspector's visits read for the home (upcoming first)
)

// home shows the start page that fits the user's role. A unit's office sees
// at once its next visits (dates, lead body, what to prepare) and its open
// recommendations with their deadlines.
func (h *Handlers) home(c *fiber.Ctx) error {
	tmpl := map[models.Role]string{
		models.RoleAdmin:     "home/admin",
		models.RolePlanner:   "home/planner",
		models.RoleApprover:  "home/approver",
		models.RoleInspector: "home/inspector",
		models.RoleUnit:      "home/unit",
		models.RoleViewer:    "home/viewer",
	}[actorOf(c).Role]
	if tmpl == "" {
		return fiber.ErrForbidden
	}
	data := fiber.Map{"Title": trOf(c).T("home.title")}
	fill := map[models.Role]func(*fiber.Ctx, fiber.Map) error{
		models.RoleAdmin:     h.adminHome,
		models.RolePlanner:   h.plannerHome,
		models.RoleApprover:  h.approverHome,
		models.RoleInspector: h.inspectorHome,
		models.RoleUnit:      h.unitHome,
		models.RoleViewer:    h.viewerHome,
	}[actorOf(c).Role]
	if err := fill(c, data); err != nil {
		return err
	}
	return h.render(c, tmpl, data)
}

// unitHome adds the unit's next visits and open recommendations to data.
func (h *Handlers) unitHome(c *fiber.Ctx, data fiber.Map) error {
	ctx, actor, today := ctxOf(c), actorOf(c), h.today()
	// Every visit the unit may see that is not over yet, within a year.
	next, err := h.App.Visits.InRange(ctx, actor, today, visits.Filter{}, visits.Range{From: today, To: today.AddDays(366)})
	if err != nil {
		return err
	}
	data["VisitsMore"] = len(next) > homeVisits
	next = next[:min(len(next), homeVisits)]
	for i := range next {
		next[i].RenderTexts(func(lang string, m msg.Message) string { return h.Locales.For(lang).Msg(m) })
	}
	data["Visits"] = next
	recs, err := h.App.Remediation.List(ctx, actor, remediation.Filter{}, today)
	if err != nil {
		return err
	}
	var open []remediation.Item
	for _, r := range recs {
		if r.Open() {
			open = append(open, r)
		}
	}
	data["RecsOpen"] = len(open)
	data["Recs"] = open[:min(len(open), homeRecs)]
	return nil
}

// homeYear is one plan year on a home page: its newest version that the
// reader may see, the visits that version holds, and the published version.
type homeYear struct {
	Year      int
	Latest    plans.Version
	Visits    int
	Published int // number of the published version, 0 when none
}

// planYears lists the plan years a may see, newest first, with their newest version.
func (h *Handlers) planYears(c *fiber.Ctx) ([]homeYear, error) {
	ctx, a := ctxOf(c), actorOf(c)
	years, err := h.App.Plans.Years(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]homeYear, 0, len(years))
	for _, y := range years {
		vs, err := h.App.Plans.Versions(ctx, a, y.Year)
		if err != nil {
			return nil, err
		}
		if len(vs) == 0 {
			continue
		}
		hy := homeYear{Year: y.Year, Latest: vs[0]}
		if y.Published != nil {
			hy.Published = *y.Published
		}
		var m planning.Metrics
		if len(vs[0].Metrics) > 0 && vs[0].Metrics.Unmarshal(&m) == nil {
			hy.Visits = m.Visits
		}
		out = append(out, hy)
	}
	return out, nil
}

// plannerHome adds the plan years and their state, this year's proposals, the
// remediation reports waiting for a decision and the overdue recommendations.
func (h *Handlers) plannerHome(c *fiber.Ctx, data fiber.Map) error {
	ctx, a, today := ctxOf(c), actorOf(c), h.today()
	years, err := h.planYears(c)
	if err != nil {
		return err
	}
	data["Years"] = years
	type yearCount struct {
		Year  int
		Count proposals.Counts
	}
	var props []yearCount
	for _, y := range []int{today.Year + 1, today.Year} {
		n, err := h.App.Proposals.Count(ctx, a, proposals.Filter{Year: y})
		if err != nil {
			return err
		}
		if n.Total > 0 {
			props = append(props, yearCount{y, n})
		}
	}
	data["Proposals"] = props
	data["ProposalYear"] = today.Year + 1
	if err := h.reportQueue(c, data); err != nil {
		return err
	}
	overdue, err := h.App.Remediation.List(ctx, a, remediation.Filter{Overdue: true}, today)
	if err != nil {
		return err
	}
	data["Overdue"] = len(overdue)
	return h.draftsToSign(c, data)
}

// draftsToSign adds the draft conclusions waiting for the reader's signature
// and the time left to sign each (Luật Thanh tra 84/2025/QH15, Điều 36).
func (h *Handlers) draftsToSign(c *fiber.Ctx, data fiber.Map) error {
	drafts, err := h.App.Inspections.DraftsToSign(ctxOf(c), actorOf(c))
	data["Drafts"] = drafts
	return err
}

// reportQueue adds the remediation reports waiting for the reader's decision.
func (h *Handlers) reportQueue(c *fiber.Ctx, data fiber.Map) error {
	q, err := h.App.Remediation.Queue(ctxOf(c), actorOf(c), h.today())
	if err != nil {
		return err
	}
	data["QueueCount"] = len(q)
	data["Queue"] = q[:min(len(q), homeReports)]
	return nil
}

// approverHome adds the versions waiting for the approver's step and the
// year's headline figures.
func (h *Handlers) approverHome(c *fiber.Ctx, data fiber.Map) error {
	years, err := h.planYears(c)
	if err != nil {
		return err
	}
	var waiting, others []homeYear
	for _, y := range years {
		switch y.Latest.Status {
		case models.VersionSubmitted, models.VersionApproved:
			waiting = append(waiting, y)
		default:
			others = append(others, y)
		}
	}
	data["Waiting"], data["Years"] = waiting, others
	if err := h.draftsToSign(c, data); err != nil {
		return err
	}
	return h.headlineHome(c, data)
}

// inspectorHome adds the inspector's next visits, the visits whose
// conclusion is still to be issued and the reports waiting for a decision.
func (h *Handlers) inspectorHome(c *fiber.Ctx, data fiber.Map) error {
	ctx, a, today := ctxOf(c), actorOf(c), h.today()
	data["HasProfile"] = a.InspectorID != 0
	mine, err := h.App.Visits.Mine(ctx, a, today, paging.Page{Number: 1, Size: homeMine})
	if err != nil {
		return err
	}
	var next, toConclude []visits.MyVisit
	for _, v := range mine.Items {
		switch {
		case v.Status == models.VisitOnSiteEnded:
			toConclude = append(toConclude, v)
		case v.Status == models.VisitCancelled || v.Status == models.VisitClosed:
		case v.When(today) == "upcoming" || v.When(today) == "ongoing":
			next = append(next, v)
		}
	}
	data["VisitsMore"] = len(next) > homeVisits
	data["Visits"] = next[:min(len(next), homeVisits)]
	data["ToConclude"] = toConclude
	data["Today"] = today
	return h.reportQueue(c, data)
}

// viewerHome adds the year's headline figures, the dashboard's own.
func (h *Handlers) viewerHome(c *fiber.Ctx, data fiber.Map) error {
	return h.headlineHome(c, data)
}

// headlineHome adds the dashboard's headline figures of this year so far.
func (h *Handlers) headlineHome(c *fiber.Ctx, data fiber.Map) error {
	r := &reportsUI{Handlers: h, svc: h.App.Reports}
	f, err := r.filterOf(c, true)
	if err != nil {
		return err
	}
	rep, err := r.svc.Periodic(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	data["Headline"] = headline(trOf(c), f, rep)
	data["Period"] = rep.Filter
	return nil
}

// adminHome adds the platform's work: failed mail, users, units in force. The
// administrator sees no visit here (the visibility rule hides some from them).
func (h *Handlers) adminHome(c *fiber.Ctx, data fiber.Map) error {
	ctx, a, today := ctxOf(c), actorOf(c), h.today()
	mail, err := h.App.Outbox.Counts(ctx, a)
	if err != nil {
		return err
	}
	people, err := h.App.Users.List(ctx, a, users.Filter{Status: "active", Page: paging.Page{Number: 1, Size: 1}})
	if err != nil {
		return err
	}
	inForce, err := h.App.Units.Search(ctx, a, units.Query{On: &today, Page: paging.Page{Number: 1, Size: 1}})
	if err != nil {
		return err
	}
	data["Mail"], data["Users"], data["Units"], data["Today"] = mail, people.Total, inForce.Total, today
	return nil
}
