package planning

import (
	"fmt"
	"strings"
	"time"

	"khung/app/calendar"
)

// Problem is one defect of an instance, named by its field.
type Problem struct {
	Field string  `json:"field"`
	Msg   Message `json:"msg"` // what is wrong, as a message id with parameters
	// Message and MessageVI are Msg in English and Vietnamese, filled by InstanceError.Render.
	Message   string `json:"message,omitempty"`
	MessageVI string `json:"message_vi,omitempty"`
}

// InstanceError lists every problem Validate found in an instance.
type InstanceError struct {
	Problems []Problem
}

// Error joins the first problems into one line (English sentences once
// rendered, message ids before).
func (e *InstanceError) Error() string {
	return problemList("invalid instance: ", len(e.Problems), func(i int) string {
		p := e.Problems[i]
		text := p.Message
		if text == "" {
			text = p.Msg.ID
		}
		return p.Field + ": " + text
	})
}

// problemList joins the first problems of a list into one line of an error.
func problemList(prefix string, n int, problem func(i int) string) string {
	const shown = 8
	var b strings.Builder
	b.WriteString(prefix)
	for i := range min(n, shown) {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(problem(i))
	}
	if n > shown {
		fmt.Fprintf(&b, "; and %d more", n-shown)
	}
	return b.String()
}

// validator collects problems while walking an instance.
type validator struct {
	year     int
	problems []Problem
}

func (v *validator) add(field, id string, pairs ...any) {
	v.problems = append(v.problems, Problem{Field: field, Msg: Msg(id, pairs...)})
}

// date parses an ISO date that must lie in the plan year.
func (v *validator) date(field, s string) (time.Time, bool) {
	t, err := calendar.Parse(s)
	if err != nil {
		v.add(field, "planning.problem.not_date", "Value", s)
		return t, false
	}
	if t.Year() != v.year {
		v.add(field, "planning.problem.outside_year", "Date", s, "Year", v.year)
		return t, false
	}
	return t, true
}

func (v *validator) interval(field string, iv Interval) {
	from, ok1 := v.date(field+".from", iv.From)
	to, ok2 := v.date(field+".to", iv.To)
	if ok1 && ok2 && to.Before(from) {
		v.add(field, "planning.problem.ends_before", "From", iv.From, "To", iv.To)
	}
}

// Validate checks the instance itself: ids are unique and known, dates are real
// and inside the year, days, team sizes and priorities are in range, the unit
// tree has no cycle. It returns nil or an *InstanceError listing every problem.
// References that cannot break a rule (an inspector's home, former or conflict
// unit that is not in the list; history of a unit no longer listed) are allowed.
func Validate(inst *Instance) error {
	if inst == nil {
		return &InstanceError{Problems: []Problem{{Field: "instance", Msg: Msg("planning.problem.no_instance")}}}
	}
	v := &validator{year: inst.Year}
	if inst.Year < 2000 || inst.Year > 2100 {
		v.add("year", "planning.problem.year", "Year", inst.Year)
		return &InstanceError{Problems: v.problems}
	}
	for i, s := range inst.Calendar.Holidays {
		v.date(fmt.Sprintf("calendar.holidays[%d]", i), s)
	}
	for i, s := range inst.Calendar.ExtraWorkingDays {
		v.date(fmt.Sprintf("calendar.extra_working_days[%d]", i), s)
	}

	units := map[string]int{}
	for i, u := range inst.Units {
		f := fmt.Sprintf("units[%d]", i)
		switch {
		case u.ID == "":
			v.add(f+".id", "planning.problem.unit_id_empty")
		case units[u.ID] > 0:
			v.add(f+".id", "planning.problem.unit_twice", "Unit", u.ID)
		}
		units[u.ID] = i + 1
		for j, b := range u.Blackouts {
			v.interval(fmt.Sprintf("%s (%s).blackouts[%d]", f, u.ID, j), b)
		}
	}
	for i, u := range inst.Units {
		if u.Parent != "" && units[u.Parent] == 0 {
			v.add(fmt.Sprintf("units[%d] (%s).parent", i, u.ID), "planning.problem.unknown_unit", "Unit", u.Parent)
		}
	}
	// Walk up from every unit; more steps than units means a cycle.
	for i, u := range inst.Units {
		cur, steps := u.Parent, 0
		for cur != "" && units[cur] > 0 && steps <= len(inst.Units) {
			cur = inst.Units[units[cur]-1].Parent
			steps++
		}
		if steps > len(inst.Units) {
			v.add(fmt.Sprintf("units[%d] (%s).parent", i, u.ID), "planning.problem.unit_cycle")
		}
	}

	bodies := map[string]bool{}
	for i, b := range inst.Bodies {
		f := fmt.Sprintf("bodies[%d].id", i)
		switch {
		case b.ID == "":
			v.add(f, "planning.problem.body_id_empty")
		case bodies[b.ID]:
			v.add(f, "planning.problem.body_twice", "Body", b.ID)
		}
		bodies[b.ID] = true
	}

	inspectors := map[string]bool{}
	for i, in := range inst.Inspectors {
		f := fmt.Sprintf("inspectors[%d]", i)
		switch {
		case in.ID == "":
			v.add(f+".id", "planning.problem.inspector_id_empty")
		case inspectors[in.ID]:
			v.add(f+".id", "planning.problem.inspector_twice", "Inspector", in.ID)
		}
		inspectors[in.ID] = true
		f = fmt.Sprintf("%s (%s)", f, in.ID)
		if !bodies[in.Body] {
			v.add(f+".body", "planning.problem.unknown_body", "Body", in.Body)
		}
		if in.MaxDays < 0 {
			v.add(f+".max_days", "planning.problem.negative", "Value", in.MaxDays)
		}
		for j, iv := range in.Unavailable {
			v.interval(fmt.Sprintf("%s.unavailable[%d]", f, j), iv)
		}
	}

	rules := EffectiveRules(inst.Rules)
	if r := inst.Rules; r != nil {
		if r.MaxVisitDays < 0 || r.MaxTeamSize < 0 || r.ExtraDaysPerExtraBody < 0 {
			v.add("rules", "planning.problem.negative_limits")
		}
		w := r.Weights
		if w.Unscheduled < 0 || w.WindowDay < 0 || w.Rotation < 0 || w.JointMissingBody < 0 || w.BalanceDay < 0 || w.AreaWeek < 0 {
			v.add("rules.weights", "planning.problem.negative_weights")
		}
	}

	proposals := map[string]bool{}
	for i, p := range inst.Proposals {
		f := fmt.Sprintf("proposals[%d]", i)
		switch {
		case p.ID == "":
			v.add(f+".id", "planning.problem.proposal_id_empty")
		case proposals[p.ID]:
			v.add(f+".id", "planning.problem.proposal_twice", "Proposal", p.ID)
		}
		proposals[p.ID] = true
		f = fmt.Sprintf("%s (%s)", f, p.ID)
		if !bodies[p.Body] {
			v.add(f+".body", "planning.problem.unknown_body", "Body", p.Body)
		}
		if units[p.Unit] == 0 {
			v.add(f+".unit", "planning.problem.unknown_unit", "Unit", p.Unit)
		}
		switch p.Form {
		case FormPlanned, FormUnannounced, FormVerification:
		default:
			v.add(f+".form", "planning.problem.form", "Value", p.Form)
		}
		if p.Days < 1 {
			v.add(f+".days", "planning.problem.days", "Value", p.Days)
		}
		if p.TeamSize < 1 {
			v.add(f+".team_size", "planning.problem.team_size", "Value", p.TeamSize)
		}
		if p.Priority < 1 || p.Priority > 3 {
			v.add(f+".priority", "planning.problem.priority", "Value", p.Priority)
		}
		if p.Window != nil {
			v.interval(f+".window", *p.Window)
		}
	}
	// A planned visit is named after its unit, the others after their proposal.
	for i, p := range inst.Proposals {
		if p.Form != FormPlanned && units[p.ID] > 0 {
			v.add(fmt.Sprintf("proposals[%d].id", i), "planning.problem.proposal_is_unit", "Proposal", p.ID)
		}
	}
	if rules.MaxVisitDays < 1 || rules.MaxTeamSize < 1 {
		v.add("rules", "planning.problem.limits_below_one")
	}
	if len(v.problems) > 0 {
		return &InstanceError{Problems: v.problems}
	}
	return nil
}
