// Package plantext renders the planning engine's messages (planning.Message:
// an id with parameters) as sentences with the message catalogs
// (views/locales/*/planning.toml). It does not import the engine, so the
// engine's own tests can use it: a parameter is a nested message when it has
// a Parts method (planning.Message) or is a JSON object with an "id" (a
// message read back from the database).
package plantext

import (
	"fmt"
	"math"
	"strings"
	"time"

	"khung/app/msg"
	"khung/views"
)

// message is what planning.Message offers without importing the engine.
type message interface {
	Parts() (string, map[string]any)
}

// Text renders the message id with args in t's language. Parameters are
// prepared first:
//   - a nested message is rendered (recursively);
//   - a list ([]any) of ids and messages becomes "a, b and c" ("a, b và c");
//   - a date YYYY-MM-DD is written dd/mm/yyyy in Vietnamese;
//   - a whole number read back from JSON (float64) is an int again, so plural
//     forms and %02d work.
//
// Ids are shown as the engine gives them (the API, the CLI and the stored
// sentences keep them); pages name them with Named.
func Text(t *views.Translator, id string, args map[string]any) string {
	return renderer{t: t}.text(id, args)
}

// Of renders any message value the engine produces (see Text).
func Of(t *views.Translator, m message) string {
	id, args := m.Parts()
	return Text(t, id, args)
}

// Names gives people's names for the engine's ids. param is the name of the
// parameter the id fills ("Unit", "Area", "Body", "Inspector", "Lead",
// "Visit", "Others", "Skill", "Proposal"…), which tells what the id is; ok is
// false when the id has no name (it is then shown as given).
type Names interface {
	Name(t *views.Translator, param, id string) (name string, ok bool)
}

// Named renders m as Of does, with every id named by n and every date written
// dd/mm/yyyy in both languages: what a person reads on a page.
func Named(t *views.Translator, n Names, m message) string {
	id, args := m.Parts()
	return renderer{t: t, names: n}.text(id, args)
}

// renderer renders messages in t's language, naming ids when names is set.
type renderer struct {
	t     *views.Translator
	names Names
}

func (r renderer) text(id string, args map[string]any) string {
	if len(args) == 0 {
		return r.t.Msg(msg.Message{ID: id})
	}
	data := make(map[string]any, len(args))
	for k, v := range args {
		data[k] = r.value(k, v)
	}
	return r.t.Msg(msg.Message{ID: id, Args: data})
}

// Renderer returns a function that renders the engine's messages in t's
// language, for planning's Render methods: plantext.Renderer[planning.Message](t).
func Renderer[M message](t *views.Translator) func(M) string {
	return func(m M) string { return Of(t, m) }
}

// Arg wraps a message so that it can be a parameter of an app message
// (apperr.Field, msg.New): views renders it in the reader's language.
func Arg(m message) any { return arg{m} }

type arg struct{ m message }

func (a arg) RenderIn(t *views.Translator) string { return Of(t, a.m) }

// value prepares parameter key's value v.
func (r renderer) value(key string, v any) any {
	t := r.t
	switch x := v.(type) {
	case message:
		id, args := x.Parts()
		return r.text(id, args)
	case map[string]any:
		if id, ok := x["id"].(string); ok {
			args, _ := x["args"].(map[string]any)
			return r.text(id, args)
		}
	case []any:
		if r.names != nil {
			if grouped, ok := r.groupByBody(x); ok {
				return grouped
			}
		}
		items := make([]string, len(x))
		for k, item := range x {
			items[k] = str(r.value(key, item))
		}
		return list(t, items)
	case []string:
		items := make([]string, len(x))
		for k, item := range x {
			items[k] = str(r.value(key, item))
		}
		return list(t, items)
	case string:
		if (t.Lang == "vi" || r.names != nil) && isDate(x) {
			return x[8:10] + "/" + x[5:7] + "/" + x[0:4]
		}
		if r.names != nil {
			return r.name(key, x)
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
	}
	return v
}

// groupable are the list items written with each body named once: a
// visit's proposals ("số 130, 131 và 132 của Sở …") and its members ("Hồ Văn
// Vinh và Nguyễn Thị Anh của Thanh tra Thành phố"), rather than the body after
// every number or name. item is the parameter each message names, into the
// message of one body's group, whose parameter list holds the items.
var groupable = map[string]struct{ item, into, list string }{
	"planning.proposal_of": {"Proposal", "planning.proposals_of", "Numbers"},
	"planning.member_of":   {"Inspector", "planning.members_of", "Inspectors"},
}

// groupByBody writes a list of groupable messages of one kind by body, in the
// order given; ok is false when items are anything else.
func (r renderer) groupByBody(items []any) (string, bool) {
	type group struct {
		body string
		ids  []any
	}
	var groups []*group
	byBody := map[string]*group{}
	kind := ""
	for _, item := range items {
		id, args := parts(item)
		g, known := groupable[id]
		body, okB := args["Body"].(string)
		ref, okR := args[g.item].(string)
		if !known || !okB || !okR || (kind != "" && id != kind) {
			return "", false
		}
		kind = id
		grp := byBody[body]
		if grp == nil {
			grp = &group{body: body}
			byBody[body] = grp
			groups = append(groups, grp)
		}
		grp.ids = append(grp.ids, ref)
	}
	if len(groups) == 0 {
		return "", false
	}
	g := groupable[kind]
	out := make([]string, len(groups))
	for k, grp := range groups {
		out[k] = r.text(g.into, map[string]any{g.list: grp.ids, "Body": grp.body, "Count": len(grp.ids)})
	}
	return list(r.t, out), true
}

// parts reads a nested message: the engine's value or one read back from JSON.
func parts(v any) (string, map[string]any) {
	switch x := v.(type) {
	case message:
		return x.Parts()
	case map[string]any:
		id, _ := x["id"].(string)
		args, _ := x["args"].(map[string]any)
		return id, args
	}
	return "", nil
}

// name names id, or each id of "a, b" (the engine joins some lists), or
// leaves it as given.
func (r renderer) name(key, id string) any {
	if n, ok := r.names.Name(r.t, key, id); ok {
		return n
	}
	parts := strings.Split(id, ", ")
	if len(parts) < 2 {
		return id
	}
	for k, p := range parts {
		n, ok := r.names.Name(r.t, key, p)
		if !ok {
			return id
		}
		parts[k] = n
	}
	return list(r.t, parts)
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// list joins items the way the language writes a list: "a, b and c".
func list(t *views.Translator, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return t.T("planning.list", "Head", strings.Join(items[:len(items)-1], ", "), "Last", items[len(items)-1])
}

// isDate tells whether s is a real ISO date YYYY-MM-DD (a bad date quoted in
// an error stays as written).
func isDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}
