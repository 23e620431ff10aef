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
// Ids are shown as the engine gives them. This is the one place that could
// name them (inspectors, bodies, units) instead: issue 10.
func Text(t *views.Translator, id string, args map[string]any) string {
	if len(args) == 0 {
		return t.Msg(msg.Message{ID: id})
	}
	data := make(map[string]any, len(args))
	for k, v := range args {
		data[k] = value(t, v)
	}
	return t.Msg(msg.Message{ID: id, Args: data})
}

// Of renders any message value the engine produces (see Text).
func Of(t *views.Translator, m message) string {
	id, args := m.Parts()
	return Text(t, id, args)
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

func value(t *views.Translator, v any) any {
	switch x := v.(type) {
	case message:
		return Of(t, x)
	case map[string]any:
		if id, ok := x["id"].(string); ok {
			args, _ := x["args"].(map[string]any)
			return Text(t, id, args)
		}
	case []any:
		items := make([]string, len(x))
		for k, item := range x {
			items[k] = str(value(t, item))
		}
		return list(t, items)
	case string:
		if t.Lang == "vi" && isDate(x) {
			return x[8:10] + "/" + x[5:7] + "/" + x[0:4]
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
	}
	return v
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
