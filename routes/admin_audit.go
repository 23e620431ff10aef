package routes

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"khung/app/audit"
	"khung/app/auditlog"
	"khung/app/paging"
	"khung/models"
	"khung/views"
)

// auditWord is a stored audit code (an action or an entity) in the reader's
// words. A code the catalogs lack reads as a generic phrase and keeps the code
// for a title attribute only (Known false): no code is ever page text.
type auditWord struct {
	Code, Text string
	Known      bool
}

func auditAction(tr *views.Translator, action string) auditWord {
	if id := audit.ActionMessage(action); tr.Has(id) {
		return auditWord{Code: action, Text: tr.T(id), Known: true}
	}
	return auditWord{Code: action, Text: tr.T("audit.other_action")}
}

func auditEntity(tr *views.Translator, entity string) auditWord {
	if id := audit.EntityMessage(entity); tr.Has(id) {
		return auditWord{Code: entity, Text: tr.T(id), Known: true}
	}
	return auditWord{Code: entity, Text: tr.T("audit.other_entity")}
}

// auditRow is an audit entry with its action and entity in words.
type auditRow struct {
	auditlog.Entry
	ActionWords, EntityWords auditWord
}

func auditRowOf(tr *views.Translator, e auditlog.Entry) auditRow {
	return auditRow{Entry: e, ActionWords: auditAction(tr, e.Action), EntityWords: auditEntity(tr, e.Entity)}
}

// auditPage: GET /admin/audit?entity=&entity_id=&user=&action=&from=&to= — the log, newest first.
func (a *admin) auditPage(c *fiber.Ctx) error {
	ctx, actor := ctxOf(c), actorOf(c)
	entities, err := a.audit.Entities(ctx, actor)
	if err != nil {
		return err
	}
	tr := trOf(c)
	// The filter offers the entities in words, in a reader's order; its values stay the stored codes.
	options := make([]auditWord, len(entities))
	for i, e := range entities {
		options[i] = auditEntity(tr, e)
	}
	slices.SortStableFunc(options, paging.ByText(func(w auditWord) string { return w.Text }))
	data := fiber.Map{"Entities": options, "Form": map[string]string{
		"entity": c.Query("entity"), "entity_id": c.Query("entity_id"), "user": c.Query("user"),
		"action": c.Query("action"), "from": c.Query("from"), "to": c.Query("to")}}
	title := tr.T("admin.audit.title")
	f, err := auditFilter(c)
	if err == nil {
		res, lerr := a.audit.List(ctx, actor, f)
		if lerr == nil {
			rows := make([]auditRow, len(res.Items))
			for i, e := range res.Items {
				rows[i] = auditRowOf(tr, e)
			}
			data["Entries"], data["Total"] = rows, res.Total
			data["Pager"], data["Sorts"] = pagerOf(c, res), sortLinks(c, auditlog.SortKeys()...)
			return a.page(c, "admin/audit", "audit", title, data)
		}
		err = lerr
	}
	return a.form422(c, "admin/audit", "audit", title, data, err)
}

// auditEntryPage: GET /admin/audit/:id — one change, before and after.
func (a *admin) auditEntryPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := a.audit.Get(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	tr := trOf(c)
	return a.page(c, "admin/audit_entry", "audit", tr.T("admin.audit.entry_title", "ID", e.ID), fiber.Map{
		"Entry": auditRowOf(tr, e), "Diff": auditDiff(tr, a.App.Location(), e.Entity, diffJSON(e.Before, e.After)),
		"BeforeText": prettyJSON(e.Before), "AfterText": prettyJSON(e.After),
	})
}

// diffLine is one field of an audited row: its value before and after.
type diffLine struct {
	Key, Before, After string
	Changed            bool
	Label              auditWord // the field in words (auditDiff)
}

// auditDiff puts the diff in a reader's words: each field by its label (its
// audit.field.* message, else its field.* label, else a generic phrase with
// the stored name only in the title) and dates as dd/mm/yyyy, instants in
// the city's time.
func auditDiff(tr *views.Translator, loc *time.Location, entity string, lines []diffLine) []diffLine {
	for i, l := range lines {
		lines[i].Label = auditField(tr, l.Key)
		lines[i].Before, lines[i].After = codeWords(tr, l.Key, auditValue(tr, l.Before, loc)), codeWords(tr, l.Key, auditValue(tr, l.After, loc))
		if prefix, ok := statusWords[entity]; ok && (l.Key == "status" || l.Key == "from_status" || l.Key == "to_status") {
			lines[i].Before, lines[i].After = statusText(tr, prefix, l.Before), statusText(tr, prefix, l.After)
		}
	}
	return lines
}

// fieldCodes are where the values of coded fields are in words.
var fieldCodes = map[string]string{"relation": "admin.relation", "post": "admin.post"}

// codeWords shows the value of a coded field (a relative's relation, say) in
// words when the catalog has them.
func codeWords(tr *views.Translator, key, v string) string {
	if prefix, ok := fieldCodes[key]; ok && v != "" && tr.Has(prefix+"."+v) {
		return tr.T(prefix + "." + v)
	}
	return v
}

// statusWords are where the audited entities' statuses are in words.
var statusWords = map[string]string{"visit": "visits.status", "visits": "visits.status", "plans": "plans.status",
	"plan_versions": "plans.status", "recommendation": "remediation.status", "remediation_report": "remediation.status"}

func statusText(tr *views.Translator, prefix, v string) string {
	if id := prefix + "." + v; v != "" && tr.Has(id) {
		return tr.T(id)
	}
	return v
}

func auditField(tr *views.Translator, key string) auditWord {
	msgKey := key
	if goI18nReserved[key] {
		msgKey += "_field"
	}
	for _, id := range []string{"audit.field." + msgKey, "field." + msgKey} {
		if tr.Has(id) {
			return auditWord{Code: key, Text: upperFirst(tr.T(id)), Known: true}
		}
	}
	return auditWord{Code: key, Text: tr.T("audit.other_field")}
}

// auditRows shows a list of records (an inspector's former units, say) one
// record a line, each field by its label with its value in words; record
// numbers (id, …_id) are left out, the names beside them say more.
func auditRows(tr *views.Translator, v string, loc *time.Location) (string, bool) {
	var rows []map[string]json.RawMessage
	if !strings.HasPrefix(v, "[") || json.Unmarshal([]byte(v), &rows) != nil {
		return "", false
	}
	lines := make([]string, 0, len(rows))
	for _, row := range rows {
		keys := make([]string, 0, len(row))
		for k := range row {
			if k != "id" && !strings.HasSuffix(k, "_id") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			if val := codeWords(tr, k, auditValue(tr, readable(row[k]), loc)); val != "" {
				parts = append(parts, auditField(tr, k).Text+": "+val)
			}
		}
		lines = append(lines, strings.Join(parts, "; "))
	}
	return strings.Join(lines, "\n"), true
}

// goI18nReserved are the keys go-i18n's catalogs cannot hold as messages;
// their labels are under NAME_field.
var goI18nReserved = map[string]bool{"id": true, "description": true, "hash": true, "leftdelim": true,
	"rightdelim": true, "zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

// upperFirst capitalises a label written for the middle of a sentence.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// auditValue shows a stored day (2026-07-01) as 01/07/2026, an instant as
// its day and time in loc, true and false as yes and no, null as nothing, a
// list of records one a line (auditRows); any other value as it is.
func auditValue(tr *views.Translator, v string, loc *time.Location) string {
	switch v {
	case "null":
		return ""
	case "true":
		return tr.T("audit.value.yes")
	case "false":
		return tr.T("audit.value.no")
	}
	if rows, ok := auditRows(tr, v, loc); ok {
		return rows
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return d.Format("02/01/2006")
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.In(loc).Format("02/01/2006 15:04")
	}
	return v
}

// diffJSON compares two JSON objects field by field, in key order. It returns
// nil when either side is not an object (a creation or deletion still diffs
// against an empty side).
func diffJSON(before, after models.JSON) []diffLine {
	b, okB := object(before)
	a, okA := object(after)
	if !okB || !okA {
		return nil
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	// On a creation or a deletion one side is empty: nothing "changed", the
	// row simply appears or disappears.
	both := len(before) > 0 && len(after) > 0
	var out []diffLine
	for _, k := range sorted {
		bv, av := readable(b[k]), readable(a[k])
		out = append(out, diffLine{Key: k, Before: bv, After: av, Changed: both && compact(b[k]) != compact(a[k])})
	}
	return out
}

// readable shows a JSON string as its text and anything else as compact JSON.
func readable(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return compact(raw)
}

// object reads j as a JSON object; an empty value is an empty object.
func object(j models.JSON) (map[string]json.RawMessage, bool) {
	m := map[string]json.RawMessage{}
	if len(j) == 0 {
		return m, true
	}
	if err := json.Unmarshal(j, &m); err != nil {
		return nil, false
	}
	return m, true
}

func compact(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}

func prettyJSON(j models.JSON) string {
	if len(j) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, j, "", "  "); err != nil {
		return string(j)
	}
	return buf.String()
}
