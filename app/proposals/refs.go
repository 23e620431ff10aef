package proposals

import (
	"encoding/json"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/models"
)

// Limits a proposal must keep when no rule in the rules table says otherwise
// (the engine's defaults, planner-spec §1).
const (
	defaultMaxVisitDays = 10
	defaultMaxTeamSize  = 8
)

// validity is when a catalog entry or a unit applies; nil ends are open.
type validity struct {
	From, To *models.Date
}

// covers tells whether the validity overlaps the year.
func (v validity) covers(year int) bool {
	start, end := models.NewDate(year, 1, 1), models.NewDate(year, 12, 31)
	if v.From != nil && !v.From.IsZero() && v.From.After(end) {
		return false
	}
	if v.To != nil && !v.To.IsZero() && v.To.Before(start) {
		return false
	}
	return true
}

type bodyRef struct {
	ID     int64
	Active bool
	validity
}

type unitRef struct {
	ID int64
	validity
}

type topicRef struct {
	validity
	Skill string
}

// refs is the reference data that proposals of one year are checked against,
// read once per form or file.
type refs struct {
	year    int
	bodies  map[string]bodyRef
	units   map[string]unitRef
	kinds   map[string]validity
	topics  map[string]topicRef
	skills  map[string]validity
	maxDays int
	maxTeam int
}

// loadRefs reads the catalogs, the bodies, the units the inputs name and the
// limits in force in year.
func loadRefs(tx *gorm.DB, year int, inputs []Input) (*refs, error) {
	r := &refs{year: year, bodies: map[string]bodyRef{}, units: map[string]unitRef{}, kinds: map[string]validity{},
		topics: map[string]topicRef{}, skills: map[string]validity{}}
	var bodies []models.Body
	if err := tx.Select("id", "code", "active", "valid_from", "valid_to").Find(&bodies).Error; err != nil {
		return nil, fmt.Errorf("read bodies: %w", err)
	}
	for _, b := range bodies {
		r.bodies[b.Code] = bodyRef{ID: b.ID, Active: b.Active, validity: validity{b.ValidFrom, b.ValidTo}}
	}

	var codes []string
	seen := map[string]bool{}
	for _, in := range inputs {
		if in.Unit != "" && !seen[in.Unit] {
			seen[in.Unit] = true
			codes = append(codes, in.Unit)
		}
	}
	const chunk = 5000 // well under PostgreSQL's limit of bound parameters
	for i := 0; i < len(codes); i += chunk {
		var units []models.Unit
		part := codes[i:min(i+chunk, len(codes))]
		if err := tx.Select("id", "code", "valid_from", "valid_to").Where("code IN ?", part).Find(&units).Error; err != nil {
			return nil, fmt.Errorf("read units: %w", err)
		}
		for _, u := range units {
			r.units[u.Code] = unitRef{ID: u.ID, validity: validity{u.ValidFrom, u.ValidTo}}
		}
	}

	var kinds []models.InspectionKind
	if err := tx.Select("code", "valid_from", "valid_to").Find(&kinds).Error; err != nil {
		return nil, fmt.Errorf("read inspection kinds: %w", err)
	}
	for _, k := range kinds {
		r.kinds[k.Code] = validity{models.DatePtr(k.ValidFrom), k.ValidTo}
	}
	var topics []models.Topic
	if err := tx.Select("code", "skill_code", "valid_from", "valid_to").Find(&topics).Error; err != nil {
		return nil, fmt.Errorf("read topics: %w", err)
	}
	for _, t := range topics {
		ref := topicRef{validity: validity{models.DatePtr(t.ValidFrom), t.ValidTo}}
		if t.SkillCode != nil {
			ref.Skill = *t.SkillCode
		}
		r.topics[t.Code] = ref
	}
	var skills []models.Skill
	if err := tx.Select("code", "valid_from", "valid_to").Find(&skills).Error; err != nil {
		return nil, fmt.Errorf("read skills: %w", err)
	}
	for _, s := range skills {
		r.skills[s.Code] = validity{models.DatePtr(s.ValidFrom), s.ValidTo}
	}

	var err error
	if r.maxDays, err = ruleInt(tx, "planning.max_visit_days", year, defaultMaxVisitDays); err != nil {
		return nil, err
	}
	if r.maxTeam, err = ruleInt(tx, "planning.max_team_size", year, defaultMaxTeamSize); err != nil {
		return nil, err
	}
	return r, nil
}

// ruleInt reads a whole-number rule: the latest version in force during year,
// or def when there is none.
func ruleInt(tx *gorm.DB, key string, year, def int) (int, error) {
	var rules []models.Rule
	err := tx.Where("key = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)",
		key, models.NewDate(year, 12, 31), models.NewDate(year, 1, 1)).
		Order("valid_from DESC").Limit(1).Find(&rules).Error
	if err != nil {
		return 0, fmt.Errorf("read rule %s: %w", key, err)
	}
	if len(rules) == 0 {
		return def, nil
	}
	var n int
	if err := json.Unmarshal(rules[0].Value, &n); err != nil || n < 1 {
		return def, nil // a malformed rule value is the admin's to fix; the default keeps planning going
	}
	return n, nil
}

// check returns every problem of in (already normalised) against the reference data.
func (r *refs) check(in Input) []problem {
	var ps []problem
	add := func(col, rule, id string, pairs ...any) { ps = append(ps, newProblem(col, rule, id, pairs...)) }
	required := func(col string) { add(col, "required", "proposals.check.required") }
	y := r.year

	if in.Year < 2000 || in.Year > 2100 {
		// Every other check depends on the year.
		add(colYear, "range", "proposals.check.year_range")
		return ps
	}
	switch b, ok := r.bodies[in.Body]; {
	case in.Body == "":
		required(colBody)
	case !ok:
		add(colBody, "exists", "proposals.check.no_body", "Code", in.Body)
	case !b.Active:
		add(colBody, "active", "proposals.check.body_inactive", "Code", in.Body)
	case !b.covers(y):
		add(colBody, "valid", "proposals.check.body_not_in_year", "Code", in.Body, "Year", y)
	}
	switch u, ok := r.units[in.Unit]; {
	case in.Unit == "":
		required(colUnit)
	case !ok:
		add(colUnit, "exists", "proposals.check.no_unit", "Code", in.Unit)
	case !u.covers(y):
		add(colUnit, "valid", "proposals.check.unit_not_in_year", "Code", in.Unit, "Year", y)
	}
	switch k, ok := r.kinds[in.Kind]; {
	case in.Kind == "":
		required(colKind)
	case !ok:
		add(colKind, "exists", "proposals.check.no_kind", "Code", in.Kind)
	case !k.covers(y):
		add(colKind, "valid", "proposals.check.kind_not_in_year", "Code", in.Kind, "Year", y)
	}
	if in.Form == "" {
		required(colForm)
	} else if formWords[in.Form] != in.Form {
		add(colForm, "oneof", "proposals.check.form_oneof")
	}
	if len(in.Topics) == 0 {
		add(colTopics, "required", "proposals.check.topics_required")
	}
	var unknown, stale []string
	for _, t := range in.Topics {
		ref, ok := r.topics[t]
		switch {
		case !ok:
			unknown = append(unknown, t)
		case !ref.covers(y):
			stale = append(stale, t)
		}
	}
	if len(unknown) > 0 {
		add(colTopics, "exists", "proposals.check.no_topics", "Codes", quoteAll(unknown))
	}
	if len(stale) > 0 {
		add(colTopics, "valid", "proposals.check.topics_not_in_year", "Codes", quoteAll(stale), "Year", y)
	}
	unknown, stale = nil, nil
	for _, s := range in.Skills {
		v, ok := r.skills[s]
		switch {
		case !ok:
			unknown = append(unknown, s)
		case !v.covers(y):
			stale = append(stale, s)
		}
	}
	if len(unknown) > 0 {
		add(colSkills, "exists", "proposals.check.no_skills", "Codes", quoteAll(unknown))
	}
	if len(stale) > 0 {
		add(colSkills, "valid", "proposals.check.skills_not_in_year", "Codes", quoteAll(stale), "Year", y)
	}

	// Period under review: in order, and not after the plan's year.
	yearEnd := models.NewDate(y, 12, 31)
	if !in.PeriodFrom.IsZero() && !in.PeriodTo.IsZero() && in.PeriodTo.Before(in.PeriodFrom) {
		add(colPeriodTo, "order", "proposals.check.period_order")
	}
	for _, d := range []struct {
		col  string
		date models.Date
	}{{colPeriodFrom, in.PeriodFrom}, {colPeriodTo, in.PeriodTo}} {
		if !d.date.IsZero() && d.date.After(yearEnd) {
			add(d.col, "range", "proposals.check.period_after_year", "Year", y, "Date", d.date)
		}
	}

	// Preferred window: both dates or neither, inside the year, in order.
	switch {
	case in.WindowFrom.IsZero() && !in.WindowTo.IsZero():
		add(colWindowFrom, "required_with", "proposals.check.window_from_required")
	case !in.WindowFrom.IsZero() && in.WindowTo.IsZero():
		add(colWindowTo, "required_with", "proposals.check.window_to_required")
	}
	for _, d := range []struct {
		col  string
		date models.Date
	}{{colWindowFrom, in.WindowFrom}, {colWindowTo, in.WindowTo}} {
		if !d.date.IsZero() && d.date.Year != y {
			add(d.col, "year", "proposals.check.window_outside_year", "Date", d.date, "Year", y)
		}
	}
	if !in.WindowFrom.IsZero() && !in.WindowTo.IsZero() && in.WindowTo.Before(in.WindowFrom) {
		add(colWindowTo, "order", "proposals.check.window_order")
	}

	switch {
	case in.Days == 0:
		required(colDays)
	case in.Days < 1 || in.Days > r.maxDays:
		add(colDays, "range", "proposals.check.days_range", "Max", r.maxDays)
	}
	switch {
	case in.TeamSize == 0:
		required(colTeamSize)
	case in.TeamSize < 1 || in.TeamSize > r.maxTeam:
		add(colTeamSize, "range", "proposals.check.team_range", "Max", r.maxTeam)
	}
	if in.Priority < 1 || in.Priority > 3 {
		add(colPriority, "range", "proposals.check.priority_range")
	}
	for _, l := range []struct {
		col string
		s   string
		max int
	}{{colRef, in.ExternalRef, 100}, {colLegalBasis, in.LegalBasis, 1000}, {colNote, in.Note, 2000}} {
		if n := len([]rune(l.s)); n > l.max {
			add(l.col, "max", "proposals.check.too_long", "Max", l.max)
		}
	}
	return ps
}

// model is the row for a checked input: submitted, created by a.
func (r *refs) model(in Input, a authz.Actor) models.Proposal {
	p := models.Proposal{
		Year: r.year, BodyID: r.bodies[in.Body].ID, UnitID: r.units[in.Unit].ID, Kind: in.Kind,
		Form: models.Form(in.Form), Topics: models.TextArray(in.Topics), Skills: models.TextArray(in.Skills),
		Days: in.Days, TeamSize: in.TeamSize, Priority: in.Priority, LegalBasis: in.LegalBasis, Note: in.Note,
		Status: models.ProposalSubmitted,
	}
	if p.Topics == nil {
		p.Topics = models.TextArray{}
	}
	if len(p.Skills) == 0 {
		p.Skills = r.topicSkills(in.Topics)
	}
	if !in.PeriodFrom.IsZero() {
		p.PeriodFrom = models.DatePtr(in.PeriodFrom)
	}
	if !in.PeriodTo.IsZero() {
		p.PeriodTo = models.DatePtr(in.PeriodTo)
	}
	if !in.WindowFrom.IsZero() {
		p.WindowFrom, p.WindowTo = models.DatePtr(in.WindowFrom), models.DatePtr(in.WindowTo)
	}
	if in.ExternalRef != "" {
		ref := in.ExternalRef
		p.ExternalRef = &ref
	}
	if a.UserID != 0 {
		id := a.UserID
		p.CreatedBy = &id
	}
	return p
}

// topicSkills is the skills the topics call for, in topic order, without repeats.
func (r *refs) topicSkills(topics []string) models.TextArray {
	out := models.TextArray{}
	seen := map[string]bool{}
	for _, t := range topics {
		if s := r.topics[t].Skill; s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// takenRefs returns which of refs are already used by proposals of year.
func takenRefs(tx *gorm.DB, year int, refs []string) (map[string]bool, error) {
	out := map[string]bool{}
	const chunk = 5000
	for i := 0; i < len(refs); i += chunk {
		var used []string
		if err := tx.Model(&models.Proposal{}).Where("year = ? AND external_ref IN ?", year, refs[i:min(i+chunk, len(refs))]).
			Pluck("external_ref", &used).Error; err != nil {
			return nil, fmt.Errorf("read proposal refs: %w", err)
		}
		for _, u := range used {
			out[u] = true
		}
	}
	return out, nil
}

func quoteAll(codes []string) string {
	q := make([]string, len(codes))
	for i, c := range codes {
		q[i] = fmt.Sprintf("%q", c)
	}
	return strings.Join(q, ", ")
}
