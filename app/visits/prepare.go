package visits

import (
	"khung/app/msg"
	"khung/models"
)

// Text is a message for a reader. A service sets Msg (a catalog id); the
// reader's side renders it into VI and EN (the JSON API shows both, as
// {"vi","en"}; a page or feed shows one with In).
type Text struct {
	Msg msg.Message `json:"-"`
	VI  string      `json:"vi"`
	EN  string      `json:"en"`
}

// In returns the text in lang ("en" or else Vietnamese).
func (t Text) In(lang string) string {
	if lang == models.LocaleEN && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// prepared is one item to prepare: its id in the catalogs (visits.prepare.*).
func prepared(name string) Text { return Text{Msg: msg.New("visits.prepare." + name)} }

// everyVisit is what a unit prepares for any visit.
var everyVisit = []string{"self_report", "contact"}

// byKind is what a unit prepares for a visit of an inspection kind (codes of
// the inspection_kinds catalog). A kind not listed here gets only everyVisit.
var byKind = map[string][]string{
	"public_service": {"personnel_files", "internal_rules", "procedure_files"},
	"specialised":    {"recruitment_files", "job_positions", "pay_records"},
	"professional":   {"task_documents", "reform_reports"},
	"internal":       {"internal_plan", "internal_followup"},
}

// verification is what a unit prepares for a verification visit.
const verification = "verification_files"

// Preparation returns the short checklist of what the unit prepares for a
// visit of the given form and kinds: the common items, then each kind's, in
// the order the kinds are given, without repeats. Each item is a message id
// the reader's side renders (Visit.RenderTexts).
func Preparation(form models.Form, kinds []string) []Text {
	var names []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	for _, n := range everyVisit {
		add(n)
	}
	for _, k := range kinds {
		for _, n := range byKind[k] {
			add(n)
		}
	}
	if form == models.FormVerification {
		add(verification)
	}
	out := make([]Text, len(names))
	for i, n := range names {
		out[i] = prepared(n)
	}
	return out
}

// PreparationIDs lists every message id Preparation can return (for the
// catalog test).
func PreparationIDs() []string {
	names := append(append([]string{}, everyVisit...), verification)
	for _, ns := range byKind {
		names = append(names, ns...)
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prepared(n).Msg.ID
	}
	return out
}

// RenderTexts fills the Vietnamese and English texts of v's messages (what to
// prepare) with render, the reader's side's bundle: render(lang, m).
func (v *Visit) RenderTexts(render func(lang string, m msg.Message) string) {
	for i := range v.Prepare {
		p := &v.Prepare[i]
		if p.Msg.ID != "" {
			p.VI, p.EN = render(models.LocaleVI, p.Msg), render(models.LocaleEN, p.Msg)
		}
	}
}
