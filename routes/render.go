package routes

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/template/html/v2"

	"khung/app/apperr"
	"khung/models"
	"khung/views"
)

// layout wraps every page.
const layout = "layouts/main"

// newEngine loads the embedded templates with the few functions they use;
// instants are shown in loc, the city's time zone.
func newEngine(loc *time.Location) *html.Engine {
	if loc == nil {
		loc = time.UTC
	}
	e := html.NewFileSystem(http.FS(views.Templates()), ".html")
	e.AddFunc("t", translate)
	e.AddFunc("langURL", langURL)
	e.AddFunc("withItem", withItem)
	e.AddFunc("unitPicker", unitPicker)
	e.AddFunc("col", sortColumn)
	e.AddFunc("date", func(t any) string { return formatTime(t, loc, "02/01/2006") })
	e.AddFunc("datetime", func(t any) string { return formatTime(t, loc, "02/01/2006 15:04") })
	return e
}

// translate is the template function t: {{t $ "id" "Key" value…}}. Its first
// argument is the page data (which holds the translator under "T") or a
// translator itself.
func translate(root any, id string, pairs ...any) string {
	var tr *views.Translator
	switch r := root.(type) {
	case fiber.Map:
		tr, _ = r["T"].(*views.Translator)
	case map[string]any:
		tr, _ = r["T"].(*views.Translator)
	case *views.Translator:
		tr = r
	}
	if tr == nil {
		return id
	}
	return tr.T(id, pairs...)
}

// langURL returns the current page's URL with ?lang=code, other parameters kept.
func langURL(path, rawQuery, code string) string {
	q, _ := url.ParseQuery(rawQuery)
	q.Set("lang", code)
	return path + "?" + q.Encode()
}

// formatTime shows an instant in loc, a civil date (models.Date) as it is, in
// the Vietnamese order day/month/year.
func formatTime(v any, loc *time.Location, layout string) string {
	switch t := v.(type) {
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(layout)
	case *time.Time:
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(loc).Format(layout)
	case models.Date:
		if t.IsZero() {
			return ""
		}
		return t.Time().Format(dateOnly(layout))
	case *models.Date:
		if t == nil || t.IsZero() {
			return ""
		}
		return t.Time().Format(dateOnly(layout))
	case fmt.Stringer:
		return t.String()
	}
	return ""
}

// dateOnly drops the time of day from a layout: a civil date has none.
func dateOnly(layout string) string {
	d, _, _ := strings.Cut(layout, " ")
	return d
}

// staticFiles serves views/static under /static with a day of caching.
func staticFiles() fiber.Handler {
	return filesystem.New(filesystem.Config{Root: http.FS(views.Static()), MaxAge: 24 * 3600})
}

// FormErrors are a form's problems, by field, in the request's language.
type FormErrors struct {
	byField map[string][]string
	top     []string
}

// For returns the messages of one field ("" is none).
func (e FormErrors) For(field string) []string { return e.byField[field] }

// FieldMessages are one field's messages, for the partial "partials/field_errors".
type FieldMessages struct {
	Name     string
	Messages []string
}

// Field returns one field's messages with its name:
// {{template "partials/field_errors" ($.Errors.Field "email")}}.
func (e FormErrors) Field(field string) FieldMessages {
	return FieldMessages{Name: field, Messages: e.byField[field]}
}

// Top returns the messages about the whole form.
func (e FormErrors) Top() []string { return e.top }

// Any tells whether there is any problem.
func (e FormErrors) Any() bool { return len(e.byField) > 0 || len(e.top) > 0 }

// formErrors turns err into messages in tr's language.
func (h *Handlers) formErrors(err error, tr *views.Translator) FormErrors {
	fe := FormErrors{byField: map[string][]string{}}
	p := h.classify(err)
	if _, ok := apperr.AsValidation(err); ok {
		for _, f := range p.Fields {
			fe.byField[f.Field] = append(fe.byField[f.Field], tr.Pick(f.VI, f.EN))
		}
		fe.top = append(fe.top, tr.T("form.has_errors"))
		return fe
	}
	fe.top = append(fe.top, tr.Pick(p.VI, p.EN))
	return fe
}

// render renders a template inside the layout with what every page needs:
// T (translator), Lang, CSRF, Me (user), Identity, Actor, Path, Query, Form,
// Errors, Flash, RequestID. data may be nil; its keys win over none of these
// except Form, Errors and Title.
func (h *Handlers) render(c *fiber.Ctx, name string, data fiber.Map) error {
	return c.Render(name, h.pageData(c, data), layout)
}

// renderPartial renders a template without the layout, with the same data as
// render: the answer to an htmx request that swaps part of a page.
func (h *Handlers) renderPartial(c *fiber.Ctx, name string, data fiber.Map) error {
	return c.Render(name, h.pageData(c, data))
}

// isHTMX tells whether htmx sent the request (it swaps the answer into the page).
func isHTMX(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// pageData adds what every template needs to data.
func (h *Handlers) pageData(c *fiber.Ctx, data fiber.Map) fiber.Map {
	if data == nil {
		data = fiber.Map{}
	}
	r := state(c)
	tr := trOf(c)
	data["T"] = tr
	data["Lang"] = tr.Lang
	data["CSRF"] = r.CSRF
	data["Me"] = userOf(c)
	data["Identity"] = identityOf(c)
	data["Actor"] = actorOf(c)
	data["Path"] = c.Path()
	data["Query"] = string(c.Request().URI().QueryString())
	data["RequestID"] = r.ID
	if r.Identity != nil {
		c.Set(fiber.HeaderCacheControl, "no-store") // personal pages stay out of shared caches
	}
	if _, ok := data["Form"]; !ok {
		data["Form"] = map[string]string{}
	}
	if _, ok := data["Errors"]; !ok {
		data["Errors"] = FormErrors{}
	}
	if _, ok := data["Flash"]; !ok && c.Method() == fiber.MethodGet {
		if id := h.takeFlash(c); id != "" {
			data["Flash"] = tr.T(id)
		}
	}
	return data
}

// withItem returns a copy of the page data with "Item" set to item, so a
// partial rendered inside a range keeps the translator and the CSRF token:
// {{range .Tokens}}{{template "account/token_row" (withItem $ .)}}{{end}}.
func withItem(root fiber.Map, item any) fiber.Map {
	m := make(fiber.Map, len(root)+1)
	for k, v := range root {
		m[k] = v
	}
	m["Item"] = item
	return m
}

// sortCol is a sortable column heading: the sort key and the label's message id.
type sortCol struct{ Key, Label, Class string }

// sortColumn is the template function col: {{template "partials/sort_th"
// (withItem $ (col "name" "label.id" "class"))}} draws the heading of the
// column sorted by key (the page data holds the links under "Sorts").
func sortColumn(key, label string, class ...string) sortCol {
	c := sortCol{Key: key, Label: label}
	if len(class) > 0 {
		c.Class = class[0]
	}
	return c
}

// renderForm422 shows a form again after err: a ValidationError gives 422 with
// each message under its field; another apperr error gives its own status with
// the message above the form; any other error is returned for the error
// handler. The posted values are kept: data["Form"] when the handler set it,
// else every posted field as text.
func (h *Handlers) renderForm422(c *fiber.Ctx, name string, data fiber.Map, err error) error {
	p := h.classify(err)
	if p.Status >= 500 {
		return err
	}
	if wantsJSON(c) {
		return h.jsonError(c, err)
	}
	if data == nil {
		data = fiber.Map{}
	}
	if _, ok := data["Form"]; !ok {
		data["Form"] = postedValues(c)
	}
	data["Errors"] = h.formErrors(err, trOf(c))
	c.Status(p.Status)
	return h.render(c, name, data)
}

// postedValues returns the posted form fields (first value each), without secrets.
func postedValues(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		if _, seen := out[key]; seen || key == "_csrf" || strings.Contains(key, "password") {
			return
		}
		out[key] = string(v)
	})
	if form, err := c.MultipartForm(); err == nil {
		for k, vs := range form.Value {
			if _, seen := out[k]; !seen && len(vs) > 0 && k != "_csrf" && !strings.Contains(k, "password") {
				out[k] = vs[0]
			}
		}
	}
	return out
}
