package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/app/msg"
	"khung/app/remediation"
	"khung/app/visits"
	"khung/models"
)

// homeVisits and homeRecs cap what a unit's home lists; the calendar and the
// recommendations page hold the rest.
const (
	homeVisits = 5
	homeRecs   = 8
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
	if actorOf(c).Role == models.RoleUnit {
		if err := h.unitHome(c, data); err != nil {
			return err
		}
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
