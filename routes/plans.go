package routes

import (
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/plans"
	"khung/views"
)

// plansUI serves the framework plan: the plans and versions pages, the board,
// a visit's page with the hand adjustment, the diff, the printable plan and its
// Excel copy, and the plan resources of the JSON API.
type plansUI struct {
	*Handlers
	plans *plans.Service
}

// requireReader lets through the roles that read plans (draft or published).
func (p *plansUI) requireReader(c *fiber.Ctx) error {
	if identityOf(c) == nil {
		return p.RequireLogin(c)
	}
	a := actorOf(c)
	if !authz.Can(a, authz.ReadDraftPlans) && !authz.Can(a, authz.ReadPublishedPlans) {
		return fmt.Errorf("role %s may not read plans: %w", a.Role, apperr.ErrForbidden)
	}
	return c.Next()
}

// asset serves the plan pages' stylesheets (screen and print), kept next to
// their templates.
func (p *plansUI) asset(c *fiber.Ctx) error {
	name := c.Params("file")
	if name != "plans.css" && name != "print.css" {
		return fiber.ErrNotFound
	}
	css, err := fs.ReadFile(views.Templates(), "plans/"+name)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(css)
}

// errBadLock answers a write without the lock version the page showed.
var errBadLock = apperr.Fail(apperr.ErrBadRequest, "plans.err.bad_lock")

// lockVersion reads the posted lock_version (the version as the page showed it).
func lockVersion(c *fiber.Ctx) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue("lock_version")))
	if err != nil || n < 0 {
		return 0, errBadLock
	}
	return n, nil
}

// can is what the actor may do on plan pages, for the templates.
type can struct {
	Manage, Approve bool
}

func canOf(c *fiber.Ctx) can {
	a := actorOf(c)
	return can{Manage: authz.Can(a, authz.ManagePlans), Approve: authz.Can(a, authz.ApprovePlans)}
}

// points writes a penalty in the reader's language: "1.234,5" or "1,234.5".
func points(x float64, lang string) string {
	neg := x < 0
	x = math.Abs(x)
	whole := int64(x)
	cents := int64(math.Round((x - float64(whole)) * 100))
	if cents == 100 {
		whole, cents = whole+1, 0
	}
	digits := strconv.FormatInt(whole, 10)
	thousands, decimal := ",", "."
	if lang != "en" {
		thousands, decimal = ".", ","
	}
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	if cents != 0 {
		b.WriteString(decimal)
		if cents%10 == 0 {
			b.WriteString(strconv.FormatInt(cents/10, 10))
		} else {
			fmt.Fprintf(&b, "%02d", cents)
		}
	}
	return b.String()
}

// signedPoints writes a penalty change with its sign: "+30", "−10", "0".
func signedPoints(x float64, lang string) string {
	if x > 0 {
		return "+" + points(x, lang)
	}
	return points(x, lang)
}
