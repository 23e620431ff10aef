package routes

import (
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/icalfeed"
	"khung/app/visits"
	"khung/models"
)

// icalPage: GET /calendar/ical — "Lịch của tôi (iCal)": whether the user has a
// feed URL, and the buttons to create, renew or revoke it.
func (cal *calendar) icalPage(c *fiber.Ctx) error {
	return cal.renderICal(c, fiber.Map{})
}

func (cal *calendar) renderICal(c *fiber.Ctx, data fiber.Map) error {
	active, err := cal.feeds.Active(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	data["Title"] = trOf(c).T("visits.ical.title")
	data["Section"] = "ical"
	data["Active"] = active
	return cal.render(c, "calendar/ical", data)
}

// renewFeed: POST /calendar/ical — a new secret feed URL (the old one stops
// working), shown on this response only.
// Replacing an address that works asks first (it stops the calendar apps that
// use it): without confirm=1 the page comes back with the question.
func (cal *calendar) renewFeed(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "1" {
		active, err := cal.feeds.Active(ctxOf(c), actorOf(c))
		if err != nil {
			return err
		}
		if active != nil {
			return cal.renderICal(c, fiber.Map{"Confirm": "renew"})
		}
	}
	plain, _, err := cal.feeds.Renew(ctxOf(c), actorOf(c), cal.Now())
	if err != nil {
		return err
	}
	feedURL := cal.App.BaseURL() + "/ical/" + plain + ".ics"
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(fiber.StatusCreated)
	return cal.renderICal(c, fiber.Map{"FeedURL": feedURL, "WebcalURL": webcalURL(feedURL)})
}

// webcalURL is the feed's address with the webcal: scheme that calendar apps
// open. html/template refuses that scheme in an href, so the address is
// marked safe here, and only when it is exactly webcal:// and our own feed
// path (built from the configured base URL and a token of URL-safe characters).
func webcalURL(feedURL string) template.URL {
	rest := strings.TrimPrefix(strings.TrimPrefix(feedURL, "https://"), "http://")
	if rest == feedURL || !strings.HasSuffix(rest, ".ics") || strings.ContainsAny(rest, "\"'<> \t\n") {
		return ""
	}
	return template.URL("webcal://" + rest)
}

// revokeFeed: POST /calendar/ical/revoke — the feed URL stops working.
// Without confirm=1 it asks first, saying what happens.
func (cal *calendar) revokeFeed(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "1" {
		return cal.renderICal(c, fiber.Map{"Confirm": "revoke"})
	}
	if err := cal.feeds.Revoke(ctxOf(c), actorOf(c), cal.Now()); err != nil {
		return err
	}
	cal.setFlash(c, "visits.ical.revoked")
	return c.Redirect("/calendar/ical", fiber.StatusSeeOther)
}

// feed: GET /ical/:token.ics — the owner's visits as iCalendar, from January
// of last year to the end of next year. An unknown or revoked token is 404.
func (cal *calendar) feed(c *fiber.Ctx) error {
	ctx := ctxOf(c)
	// The token is a password: the access log and the error handler print
	// c.Path(), so from here on the path shows a placeholder instead. Fiber's
	// params point into the request's buffer, which that rewrites: copy first.
	token := strings.Clone(c.Params("token"))
	c.Path("/ical/redacted.ics")
	owner, err := cal.feeds.Owner(ctx, token)
	if err != nil {
		return err
	}
	today := cal.today()
	span := visits.Range{From: models.NewDate(today.Year-1, 1, 1), To: models.NewDate(today.Year+1, 12, 31)}
	vs, err := cal.visits.InRange(ctx, owner.Actor, today, visits.Filter{}, span)
	if err != nil {
		return err
	}
	for i := range vs {
		cal.renderTexts(&vs[i])
	}
	lang := owner.Locale
	body := icalfeed.Render(icalfeed.Feed{
		Name:    cal.Locales.For(lang).T("visits.ical.calendar_name", "Name", owner.FullName),
		T:       cal.Locales.For(lang),
		BaseURL: cal.App.BaseURL(),
		Now:     cal.Now(),
		Visits:  vs,
	})
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="khung.ics"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(body)
}
