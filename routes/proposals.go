package routes

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app/authz"
	"khung/app/proposals"
	"khung/app/seed"
	"khung/models"
	"khung/views"
)

// proposalsUI serves the proposals of a year: the list with filters and
// counts, the form, the import from Excel or CSV, the template, the export and
// the demo file, and the /api/v1/proposals resources.
type proposalsUI struct {
	*Handlers
	svc  *proposals.Service
	demo *seed.DemoProposals
}

// proposalAssets are the files the proposal pages load, kept next to their
// templates, with their media types.
var proposalAssets = map[string]string{
	"proposals.css": "text/css; charset=utf-8",
	"import.js":     "text/javascript; charset=utf-8",
}

// asset serves the proposal pages' stylesheet and the import page's script.
func (p *proposalsUI) asset(c *fiber.Ctx) error {
	name := c.Params("file")
	mediaType, ok := proposalAssets[name]
	if !ok {
		return fiber.ErrNotFound
	}
	b, err := fs.ReadFile(views.Templates(), "proposals/"+name)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, mediaType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(b)
}

// planningYear is the year proposals are gathered for today, in the
// department's time zone.
func (p *proposalsUI) planningYear() int {
	return proposals.PlanningYear(p.Now().In(p.App.Location()))
}

// filterOf reads the list's filter from the query string; the year defaults
// to the planning year.
func (p *proposalsUI) filterOf(c *fiber.Ctx) proposals.Filter {
	q := func(k string) string { return strings.TrimSpace(c.Query(k)) }
	f := proposals.Filter{Year: c.QueryInt("year"), Body: q("body"), Kind: q("kind"), Form: q("form"),
		Unit: q("unit"), Status: q("status"), Q: q("q")}
	if slices.Contains(proposals.SortKeys(), strings.TrimPrefix(q("sort"), "-")) {
		f.Sort = q("sort")
	}
	if f.Year == 0 {
		f.Year = p.planningYear()
	}
	return f
}

// proposalQuery writes f back as a query string (for links that keep the filter).
func proposalQuery(f proposals.Filter) url.Values {
	v := url.Values{}
	v.Set("year", strconv.Itoa(f.Year))
	for k, s := range map[string]string{"body": f.Body, "kind": f.Kind, "form": f.Form, "unit": f.Unit, "status": f.Status, "q": f.Q, "sort": f.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// catalogNames are the catalog names in the request's language, by code.
type catalogNames struct {
	Kinds, Topics, Skills map[string]string
}

func catalogNamesOf(ref proposals.Reference, tr *views.Translator) catalogNames {
	n := catalogNames{Kinds: map[string]string{}, Topics: map[string]string{}, Skills: map[string]string{}}
	for _, k := range ref.Kinds {
		n.Kinds[k.Code] = tr.Pick(k.NameVI, k.NameEN)
	}
	for _, t := range ref.Topics {
		n.Topics[t.Code] = tr.Pick(t.NameVI, t.NameEN)
	}
	for _, s := range ref.Skills {
		n.Skills[s.Code] = tr.Pick(s.NameVI, s.NameEN)
	}
	return n
}

// name is a code's name, or the code itself when the catalog no longer has it.
func nameOrCode(m map[string]string, code string) string {
	if n, ok := m[code]; ok && n != "" {
		return n
	}
	return code
}

// proposalView is a proposal as the pages show it.
type proposalView struct {
	proposals.Row
	KindName   string
	FormName   string
	StatusName string
	TopicNames []string
	SkillNames []string
	Window     string
	Period     string
	Open       bool // may still be withdrawn or rejected
	Seq        int  // the row's number in the list as sorted (1, 2, 3… across pages)
}

func proposalViewOf(r proposals.Row, n catalogNames, tr *views.Translator) proposalView {
	v := proposalView{Row: r, KindName: nameOrCode(n.Kinds, r.Kind),
		FormName:   tr.T("proposals.form_value." + string(r.Form)),
		StatusName: tr.T("proposals.status_value." + string(r.Status)),
		Window:     civilRange(r.WindowFrom, r.WindowTo), Period: civilRange(r.PeriodFrom, r.PeriodTo),
		Open: r.Status == models.ProposalDraft || r.Status == models.ProposalSubmitted || r.Status == models.ProposalAccepted}
	for _, t := range r.Topics {
		v.TopicNames = append(v.TopicNames, nameOrCode(n.Topics, t))
	}
	for _, s := range r.Skills {
		v.SkillNames = append(v.SkillNames, nameOrCode(n.Skills, s))
	}
	return v
}

// civilDate writes a civil date as dd/mm/yyyy ("" for none).
func civilDate(d *models.Date) string {
	if d == nil || d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

func civilRange(from, to *models.Date) string {
	a, b := civilDate(from), civilDate(to)
	switch {
	case a == "" && b == "":
		return ""
	case a == "":
		return "… – " + b
	case b == "":
		return a + " – …"
	}
	return a + " – " + b
}

// groupDigits writes n with the thousands separator of lang: 1.600 or 1,600.
func groupDigits(n int64, lang string) string {
	s := strconv.FormatInt(n, 10)
	sep := "."
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[0] != '-' {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// importedCookie carries "year:count" from a good import to the list page,
// which shows the count once (the flash cookie holds message ids only).
const importedCookie = "khung_proposals_imported"

func (p *proposalsUI) setImported(c *fiber.Ctx, res proposals.ImportResult) {
	c.Cookie(&fiber.Cookie{Name: importedCookie, Value: fmt.Sprintf("%d:%d", res.Year, res.Added), Path: "/proposals",
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: p.Config.SecureCookies()})
}

// takeImported returns the message of the last good import, and forgets it.
func (p *proposalsUI) takeImported(c *fiber.Ctx) string {
	v := c.Cookies(importedCookie)
	if v == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: importedCookie, Value: "", Path: "/proposals", HTTPOnly: true, MaxAge: -1,
		Expires: time.Unix(1, 0), SameSite: fiber.CookieSameSiteLaxMode, Secure: p.Config.SecureCookies()})
	y, n, ok := strings.Cut(v, ":")
	year, err1 := strconv.Atoi(y)
	count, err2 := strconv.ParseInt(n, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return ""
	}
	tr := trOf(c)
	return tr.T("proposals.import.done", "Count", groupDigits(count, tr.Lang), "Year", year)
}

// listPage: GET /proposals?year=&body=&kind=&form=&unit=&status=&q=&page=.
func (p *proposalsUI) listPage(c *fiber.Ctx) error {
	f := p.filterOf(c)
	a, ctx, tr := actorOf(c), ctxOf(c), trOf(c)
	res, err := p.svc.List(ctx, a, f, pageQuery(c))
	if err != nil {
		return err
	}
	counts, err := p.svc.Count(ctx, a, f)
	if err != nil {
		return err
	}
	ref, err := p.svc.Reference(ctx, a, f.Year)
	if err != nil {
		return err
	}
	n := catalogNamesOf(ref, tr)
	items := make([]proposalView, len(res.Items))
	for i, r := range res.Items {
		items[i] = proposalViewOf(r, n, tr)
		items[i].Seq = (res.Page-1)*res.PerPage + i + 1
	}
	q := proposalQuery(f)
	statusLinks := make([]proposalCountLink, 0, len(proposals.Statuses()))
	for _, s := range proposals.Statuses() {
		v := proposalQuery(f)
		v.Set("status", s)
		statusLinks = append(statusLinks, proposalCountLink{Value: s, Label: tr.T("proposals.status_value." + s),
			Count: counts.ByStatus[s], URL: "/proposals?" + v.Encode(), Current: f.Status == s})
	}
	formLinks := make([]proposalCountLink, 0, 3)
	for _, s := range proposals.Forms() {
		v := proposalQuery(f)
		v.Set("form", s)
		formLinks = append(formLinks, proposalCountLink{Value: s, Label: tr.T("proposals.form_value." + s),
			Count: counts.ByForm[s], URL: "/proposals?" + v.Encode(), Current: f.Form == s})
	}
	data := fiber.Map{
		"Title": tr.T("proposals.title"), "Filter": f, "Items": items, "Result": res, "Counts": counts,
		"Total": groupDigits(counts.Total, tr.Lang), "Units": groupDigits(counts.Units, tr.Lang),
		"StatusLinks": statusLinks, "FormLinks": formLinks, "Ref": ref, "Names": n,
		"Forms": proposals.Forms(), "Statuses": proposals.Statuses(),
		"CanManage": authz.Can(a, authz.ManageProposals),
		"Pager":     pagerOf(c, res), "ExportURL": "/proposals/export.xlsx?" + q.Encode(),
		"Year": f.Year, "Sorts": sortLinks(c, proposals.SortKeys()...), "PageTotal": groupDigits(res.Total, tr.Lang),
	}
	if len(items) == 0 {
		// An honest empty state: nothing gathered yet for the year, or nothing matching the filter.
		all, err := p.svc.Count(ctx, a, proposals.Filter{Year: f.Year})
		if err != nil {
			return err
		}
		data["YearEmpty"] = all.Total == 0
	}
	if msg := p.takeImported(c); msg != "" {
		data["Flash"] = msg
	}
	return p.render(c, "proposals/list", data)
}

// proposalCountLink is a filter value with its count, as a link.
type proposalCountLink struct {
	Value, Label, URL string
	Count             int64
	Current           bool
}

// showPage: GET /proposals/:id.
func (p *proposalsUI) showPage(c *fiber.Ctx) error {
	return p.renderShow(c, nil, "")
}

// renderShow shows a proposal, with err (from withdraw or reject) on the form named action.
func (p *proposalsUI) renderShow(c *fiber.Ctx, err error, action string) error {
	id, perr := pathID(c, "id")
	if perr != nil {
		return perr
	}
	a, ctx, tr := actorOf(c), ctxOf(c), trOf(c)
	row, gerr := p.svc.Get(ctx, a, id)
	if gerr != nil {
		return gerr
	}
	ref, rerr := p.svc.Reference(ctx, a, row.Year)
	if rerr != nil {
		return rerr
	}
	data := fiber.Map{
		"Title": tr.T("proposals.detail", "ID", row.ID), "P": proposalViewOf(row, catalogNamesOf(ref, tr), tr),
		"CanManage": authz.Can(a, authz.ManageProposals), "Action": action, "Year": row.Year,
	}
	if err != nil {
		return p.renderForm422(c, "proposals/show", data, err)
	}
	return p.render(c, "proposals/show", data)
}

// withdraw: POST /proposals/:id/withdraw (reason).
func (p *proposalsUI) withdraw(c *fiber.Ctx) error {
	return p.close(c, "withdraw", p.svc.Withdraw, "proposals.withdrawn_done")
}

// reject: POST /proposals/:id/reject (reason).
func (p *proposalsUI) reject(c *fiber.Ctx) error {
	return p.close(c, "reject", p.svc.Reject, "proposals.rejected_done")
}

// proposalCloser is Withdraw or Reject.
type proposalCloser func(ctx context.Context, a authz.Actor, id int64, reason string) (proposals.Row, error)

func (p *proposalsUI) close(c *fiber.Ctx, action string, do proposalCloser, done string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := do(ctxOf(c), actorOf(c), id, c.FormValue("reason")); err != nil {
		return p.renderShow(c, err, action)
	}
	p.setFlash(c, done)
	return c.Redirect(fmt.Sprintf("/proposals/%d", id), fiber.StatusSeeOther)
}
