// Package check verifies a framework plan against its instance, independently of
// the planning engine: it merges the proposals on its own (planner-spec §2),
// checks every hard constraint H1–H6 (§4) with plain maps and loops, checks that
// every visit appears exactly once, and recomputes the score (§5).
package check

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"khung/app/planning"
)

// Rule names used in violations besides H1–H6.
const (
	// RuleInstance: the instance itself is unusable (unknown unit, bad date…).
	RuleInstance = "instance"
	// RuleMerge: a plan visit does not match the visit §2 builds from its proposals.
	RuleMerge = "merge"
	// RuleOnce: a visit is missing, appears twice, or has no or a repeated id.
	RuleOnce = "once"
)

// Violation is one broken rule, located as precisely as possible.
type Violation struct {
	Rule      string `json:"rule"`
	Visit     string `json:"visit,omitempty"`
	Inspector string `json:"inspector,omitempty"`
	Day       string `json:"day,omitempty"`
	Message   string `json:"message"`
}

// Report is the verdict on a plan: validity, violations and the recomputed score.
type Report struct {
	Valid      bool               `json:"valid"`
	Violations []Violation        `json:"violations"`
	Penalty    float64            `json:"penalty"`
	PenaltyBy  map[string]float64 `json:"penalty_by"`
	Metrics    planning.Metrics   `json:"metrics"`
	// Notes list differences between the metrics the plan claims and the
	// recomputed ones; they do not make a plan invalid.
	Notes []string `json:"notes,omitempty"`
}

// Penalty component names, the JSON names of planning.Weights.
const (
	Unscheduled      = "unscheduled"
	WindowDay        = "window_day"
	Rotation         = "rotation"
	JointMissingBody = "joint_missing_body"
	BalanceDay       = "balance_day"
	AreaWeek         = "area_week"
)

// Components lists the penalty components in the order of planner-spec §5.
func Components() []string {
	return []string{Unscheduled, WindowDay, Rotation, JointMissingBody, BalanceDay, AreaWeek}
}

// scheduled is a matched plan visit whose days could be laid out.
type scheduled struct {
	exp  *Expected
	days []int // working-day indexes
	team []planning.TeamMember
	lead string
}

type checker struct {
	inst       *planning.Instance
	rules      planning.Rules
	cal        *Calendar
	units      map[string]planning.Unit
	inspectors map[string]planning.Inspector
	violations []Violation
}

func (c *checker) add(rule, visit, inspector string, day int, format string, args ...any) {
	v := Violation{Rule: rule, Visit: visit, Inspector: inspector, Message: fmt.Sprintf(format, args...)}
	if day >= 0 {
		v.Day = c.cal.Date(day)
	}
	c.violations = append(c.violations, v)
}

// Check verifies plan against inst. It never fails: problems, including an
// unusable instance, are reported as violations.
func Check(inst *planning.Instance, plan *planning.Plan) Report {
	rep := Report{PenaltyBy: map[string]float64{}}
	for _, k := range Components() {
		rep.PenaltyBy[k] = 0
	}
	if inst == nil {
		inst = &planning.Instance{}
	}
	if plan == nil {
		plan = &planning.Plan{}
	}
	cal, err := NewCalendar(inst)
	if err == nil {
		err = checkInstanceDates(inst)
	}
	var expected []Expected
	if err == nil {
		expected, err = ExpectedVisits(inst)
	}
	if err != nil {
		rep.Violations = []Violation{{Rule: RuleInstance, Message: err.Error()}}
		rep.Metrics = planning.Metrics{Proposals: len(inst.Proposals), HardViolations: 1, PenaltyBy: rep.PenaltyBy}
		return rep
	}

	c := &checker{
		inst: inst, rules: planning.EffectiveRules(inst.Rules), cal: cal,
		units: map[string]planning.Unit{}, inspectors: map[string]planning.Inspector{},
	}
	for _, u := range inst.Units {
		c.units[u.ID] = u
	}
	for _, in := range inst.Inspectors {
		c.inspectors[in.ID] = in
	}

	byKey := map[string]int{}
	byProposal := map[string]int{}
	for i, e := range expected {
		byKey[key(e.Proposals)] = i
		for _, p := range e.Proposals {
			byProposal[p] = i
		}
	}
	placedBy := make([]string, len(expected)) // plan id that covers each expected visit
	usedIDs := map[string]bool{}

	// match finds the expected visit of a plan entry, reporting merge and
	// exactly-once problems; it returns -1 when the entry cannot be used.
	match := func(id string, proposals []string) int {
		switch {
		case id == "":
			c.add(RuleOnce, "", "", -1, "a visit has no id (proposals %s)", strings.Join(proposals, ", "))
		case usedIDs[id]:
			c.add(RuleOnce, id, "", -1, "visit id %s is used twice", id)
		}
		usedIDs[id] = true
		i, ok := byKey[key(proposals)]
		if !ok {
			c.add(RuleMerge, id, "", -1, "proposals [%s] are not one visit of the merge rules%s",
				strings.Join(proposals, ", "), describeExpected(proposals, byProposal, expected))
			return -1
		}
		if placedBy[i] != "" {
			c.add(RuleOnce, id, "", -1, "proposals [%s] already appear in visit %s",
				strings.Join(proposals, ", "), placedBy[i])
			return -1
		}
		placedBy[i] = id
		return i
	}

	var done []scheduled
	inspectorDays := map[string]map[int]string{} // inspector → day → visit id
	unitDays := map[string]map[int]string{}      // unit → day → visit id
	for _, v := range plan.Visits {
		i := match(v.ID, v.Proposals)
		if i < 0 {
			continue
		}
		e := &expected[i]
		c.checkMerge(v, e)
		days := c.checkDays(v, e)
		lead := c.checkTeam(v, e)
		c.checkConflicts(v, e)
		for _, d := range days {
			c.checkBlackout(v, e, d)
			if other, busy := unitDays[e.Unit][d]; busy {
				c.add("H6", v.ID, "", d, "unit %s already has visit %s on %s", e.Unit, other, c.cal.Date(d))
			} else {
				if unitDays[e.Unit] == nil {
					unitDays[e.Unit] = map[int]string{}
				}
				unitDays[e.Unit][d] = v.ID
			}
		}
		seenMember := map[string]bool{}
		for _, m := range v.Team {
			in, known := c.inspectors[m.Inspector]
			if !known || seenMember[m.Inspector] {
				continue // reported by checkTeam
			}
			seenMember[m.Inspector] = true
			for _, d := range days {
				if other, busy := inspectorDays[m.Inspector][d]; busy {
					c.add("H2", v.ID, m.Inspector, d, "inspector %s is already on visit %s on %s", m.Inspector, other, c.cal.Date(d))
					continue
				}
				if inspectorDays[m.Inspector] == nil {
					inspectorDays[m.Inspector] = map[int]string{}
				}
				inspectorDays[m.Inspector][d] = v.ID
				for _, iv := range in.Unavailable {
					if inInterval(c.cal.Date(d), iv) {
						c.add("H2", v.ID, m.Inspector, d, "inspector %s is unavailable from %s to %s", m.Inspector, iv.From, iv.To)
						break
					}
				}
			}
		}
		if days != nil {
			done = append(done, scheduled{exp: e, days: days, team: v.Team, lead: lead})
		}
	}
	for _, in := range inst.Inspectors {
		if n := len(inspectorDays[in.ID]); in.MaxDays > 0 && n > in.MaxDays {
			c.add("H2", "", in.ID, -1, "inspector %s has %d visit days, more than max_days %d", in.ID, n, in.MaxDays)
		}
	}

	var unscheduled []*Expected
	for _, u := range plan.Unscheduled {
		if i := match(u.Visit, u.Proposals); i >= 0 {
			unscheduled = append(unscheduled, &expected[i])
		}
	}
	for i, e := range expected {
		if placedBy[i] == "" {
			c.add(RuleOnce, e.ID, "", -1, "visit of unit %s with proposals [%s] is neither scheduled nor unscheduled",
				e.Unit, strings.Join(e.Proposals, ", "))
		}
	}

	rep.Violations = c.violations
	rep.Valid = len(c.violations) == 0
	rep.Penalty, rep.PenaltyBy = c.score(done, unscheduled)
	rep.Metrics = planning.Metrics{
		Proposals:               len(inst.Proposals),
		Visits:                  len(plan.Visits),
		Unscheduled:             len(plan.Unscheduled),
		HardViolations:          len(c.violations),
		Penalty:                 rep.Penalty,
		PenaltyBy:               rep.PenaltyBy,
		MaxPlannedVisitsPerUnit: maxPlannedPerUnit(done),
		SolveMS:                 plan.Metrics.SolveMS,
	}
	rep.Notes = compareMetrics(plan.Metrics, rep.Metrics)
	if rep.Violations == nil {
		rep.Violations = []Violation{}
	}
	return rep
}

// checkInstanceDates parses every blackout and unavailability interval once, so
// that the checks below can ignore parse errors.
func checkInstanceDates(inst *planning.Instance) error {
	var problems []string
	for _, u := range inst.Units {
		for _, iv := range u.Blackouts {
			if _, _, err := parseInterval(iv, fmt.Sprintf("unit %q blackout", u.ID)); err != nil {
				problems = append(problems, err.Error())
			}
		}
	}
	for _, in := range inst.Inspectors {
		for _, iv := range in.Unavailable {
			if _, _, err := parseInterval(iv, fmt.Sprintf("inspector %q unavailable", in.ID)); err != nil {
				problems = append(problems, err.Error())
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// describeExpected says which visits the given proposals belong to, for a merge violation.
func describeExpected(proposals []string, byProposal map[string]int, expected []Expected) string {
	var parts []string
	shown := map[int]bool{}
	for _, p := range proposals {
		i, ok := byProposal[p]
		switch {
		case !ok:
			parts = append(parts, fmt.Sprintf("proposal %s is not in the instance", p))
		case !shown[i]:
			shown[i] = true
			parts = append(parts, fmt.Sprintf("%s belongs to the visit of unit %s with proposals [%s]",
				p, expected[i].Unit, strings.Join(expected[i].Proposals, ", ")))
		}
	}
	return ": " + strings.Join(parts, "; ")
}

// checkMerge compares the visit's declared fields with the merged visit.
func (c *checker) checkMerge(v planning.Visit, e *Expected) {
	if v.Unit != e.Unit {
		c.add(RuleMerge, v.ID, "", -1, "unit is %s, the proposals target %s", v.Unit, e.Unit)
	}
	if v.Form != e.Form {
		c.add(RuleMerge, v.ID, "", -1, "form is %q, the proposals give %q", v.Form, e.Form)
	}
	if v.LeadBody != e.LeadBody {
		c.add(RuleMerge, v.ID, "", -1, "lead_body is %s, the merge rules give %s", v.LeadBody, e.LeadBody)
	}
	if v.Days != e.Days {
		c.add(RuleMerge, v.ID, "", -1, "days is %d, the merge rules give %d", v.Days, e.Days)
	}
}

// checkDays checks H1 and returns the working days the visit occupies (using the
// merged number of days), or nil when they cannot be laid out.
func (c *checker) checkDays(v planning.Visit, e *Expected) []int {
	start, err := time.Parse(isoDate, v.Start)
	if err != nil {
		c.add("H1", v.ID, "", -1, "start %q is not a YYYY-MM-DD date", v.Start)
		return nil
	}
	if start.Year() != c.cal.Year {
		c.add("H1", v.ID, "", -1, "start %s is not in %d", v.Start, c.cal.Year)
		return nil
	}
	s := c.cal.Index(v.Start)
	if s < 0 {
		c.add("H1", v.ID, "", -1, "start %s is not a working day", v.Start)
		return nil
	}
	last := s + e.Days - 1
	if last >= len(c.cal.Days) {
		c.add("H1", v.ID, "", -1, "%d working days from %s run past the last working day of %d", e.Days, v.Start, c.cal.Year)
		return nil
	}
	if v.End != c.cal.Date(last) {
		c.add("H1", v.ID, "", -1, "end is %s, the %dth working day from %s is %s", v.End, e.Days, v.Start, c.cal.Date(last))
	}
	days := make([]int, 0, e.Days)
	for d := s; d <= last; d++ {
		days = append(days, d)
	}
	return days
}

// checkTeam checks H3 and returns the lead's id ("" when there is no single lead).
func (c *checker) checkTeam(v planning.Visit, e *Expected) string {
	distinct := map[string]bool{}
	var leads []string
	skills := map[string]bool{}
	for _, m := range v.Team {
		in, known := c.inspectors[m.Inspector]
		switch {
		case !known:
			c.add("H3", v.ID, m.Inspector, -1, "inspector %q is not in the instance", m.Inspector)
			continue
		case distinct[m.Inspector]:
			c.add("H3", v.ID, m.Inspector, -1, "inspector %s is on the team twice", m.Inspector)
			continue
		}
		distinct[m.Inspector] = true
		for _, s := range in.Skills {
			skills[s] = true
		}
		switch m.Role {
		case planning.RoleLead:
			leads = append(leads, m.Inspector)
			if !in.CanLead {
				c.add("H3", v.ID, m.Inspector, -1, "lead %s cannot lead (can_lead is false)", m.Inspector)
			}
			if in.Body != e.LeadBody {
				c.add("H3", v.ID, m.Inspector, -1, "lead %s belongs to %s, not to the lead body %s", m.Inspector, in.Body, e.LeadBody)
			}
		case planning.RoleMember:
		default:
			c.add("H3", v.ID, m.Inspector, -1, "role %q of %s is neither lead nor member", m.Role, m.Inspector)
		}
	}
	if len(v.Team) != e.TeamSize {
		c.add("H3", v.ID, "", -1, "team has %d members, team_size is %d", len(v.Team), e.TeamSize)
	}
	if len(leads) != 1 {
		c.add("H3", v.ID, "", -1, "team has %d leads, needs exactly one", len(leads))
	}
	for _, s := range e.Skills {
		if !skills[s] {
			c.add("H3", v.ID, "", -1, "no team member has skill %s", s)
		}
	}
	if len(leads) == 1 {
		return leads[0]
	}
	return ""
}

// ancestors returns the unit and all its ancestors (cycle-safe).
func (c *checker) ancestors(unit string) map[string]bool {
	out := map[string]bool{}
	for u := unit; u != "" && !out[u]; u = c.units[u].Parent {
		out[u] = true
	}
	return out
}

// checkConflicts checks H4 for every team member.
func (c *checker) checkConflicts(v planning.Visit, e *Expected) {
	up := c.ancestors(e.Unit)
	for _, m := range v.Team {
		in, known := c.inspectors[m.Inspector]
		if !known {
			continue
		}
		if up[in.HomeUnit] {
			c.add("H4", v.ID, m.Inspector, -1, "inspector %s works at %s, which is %s or above it", m.Inspector, in.HomeUnit, e.Unit)
		}
		for _, u := range in.FormerUnits {
			if up[u] {
				c.add("H4", v.ID, m.Inspector, -1, "inspector %s formerly worked at %s, which is %s or above it", m.Inspector, u, e.Unit)
			}
		}
		for _, u := range in.ConflictUnits {
			if up[u] {
				c.add("H4", v.ID, m.Inspector, -1, "inspector %s has a conflict of interest with %s, which is %s or above it", m.Inspector, u, e.Unit)
			}
		}
	}
}

// checkBlackout checks H5 for one visit day.
func (c *checker) checkBlackout(v planning.Visit, e *Expected, d int) {
	for _, iv := range c.units[e.Unit].Blackouts {
		if inInterval(c.cal.Date(d), iv) {
			c.add("H5", v.ID, "", d, "unit %s is blacked out from %s to %s", e.Unit, iv.From, iv.To)
			return
		}
	}
}

// score computes planner-spec §5 in int64: every component except the balance is
// an integer; the balance is kept multiplied by the number of working days |W|.
func (c *checker) score(done []scheduled, unscheduled []*Expected) (float64, map[string]float64) {
	w := c.rules.Weights
	var comp [6]int64 // in the order of Components(); the balance entry is ×|W|

	for _, e := range unscheduled {
		comp[0] += w.Unscheduled * int64(e.Priority)
	}

	proposals := map[string]planning.Proposal{}
	for _, p := range c.inst.Proposals {
		proposals[p.ID] = p
	}
	lastLeads := lastYearLeads(c.inst.History)
	inspectorBody := map[string]string{}
	for _, in := range c.inst.Inspectors {
		inspectorBody[in.ID] = in.Body
	}

	nW := int64(len(c.cal.Days))
	var workMonth, loadMonth [13]int64
	for _, d := range c.cal.Days {
		workMonth[d.Month()]++
	}
	type areaWeek struct {
		area       string
		year, week int
	}
	openWeeks := map[areaWeek]bool{}

	for _, s := range done {
		e := s.exp
		for _, pid := range e.Proposals {
			p := proposals[pid]
			if p.Window == nil {
				continue
			}
			for _, d := range s.days {
				if !inInterval(c.cal.Date(d), *p.Window) {
					comp[1] += w.WindowDay
				}
			}
		}
		if s.lead != "" && lastLeads[e.Unit][s.lead] {
			comp[2] += w.Rotation
		}
		present := map[string]bool{}
		for _, m := range s.team {
			present[inspectorBody[m.Inspector]] = true
		}
		for _, b := range e.Bodies {
			if !present[b] {
				comp[3] += w.JointMissingBody
			}
		}
		for _, d := range s.days {
			loadMonth[c.cal.Days[d].Month()] += int64(len(s.team))
		}
		if area := c.units[e.Unit].Area; e.Form == planning.FormPlanned && area != "" {
			y, wk := c.cal.Days[s.days[0]].ISOWeek()
			openWeeks[areaWeek{area, y, wk}] = true
		}
	}
	comp[5] = w.AreaWeek * int64(len(openWeeks))

	// |W|·|L_m − T_m| = | |W|·L_m − total·W_m |, an integer.
	var total int64
	for m := 1; m <= 12; m++ {
		total += loadMonth[m]
	}
	for m := 1; m <= 12; m++ {
		diff := nW*loadMonth[m] - total*workMonth[m]
		if diff < 0 {
			diff = -diff
		}
		comp[4] += w.BalanceDay * diff
	}

	by := map[string]float64{}
	var scaled int64 // the whole penalty ×|W|
	for k, name := range Components() {
		if name == BalanceDay {
			by[name] = roundCents(comp[k], nW)
			scaled += comp[k]
			continue
		}
		by[name] = float64(comp[k])
		scaled += comp[k] * nW
	}
	return roundCents(scaled, nW), by
}

// lastYearLeads maps each unit to the lead inspectors of its most recent year in history.
func lastYearLeads(history []planning.HistoryRow) map[string]map[string]bool {
	lastYear := map[string]int{}
	for _, h := range history {
		if y, ok := lastYear[h.Unit]; !ok || h.Year > y {
			lastYear[h.Unit] = h.Year
		}
	}
	out := map[string]map[string]bool{}
	for _, h := range history {
		if h.Year == lastYear[h.Unit] && h.LeadInspector != "" {
			if out[h.Unit] == nil {
				out[h.Unit] = map[string]bool{}
			}
			out[h.Unit][h.LeadInspector] = true
		}
	}
	return out
}

// roundCents returns num/den rounded to 0.01 (halves away from zero); den 0 gives 0.
func roundCents(num, den int64) float64 {
	if den == 0 {
		return 0
	}
	neg := num < 0
	if neg {
		num = -num
	}
	cents := (200*num + den) / (2 * den)
	if neg {
		cents = -cents
	}
	return float64(cents) / 100
}

func maxPlannedPerUnit(done []scheduled) int {
	count := map[string]int{}
	best := 0
	for _, s := range done {
		if s.exp.Form == planning.FormPlanned {
			count[s.exp.Unit]++
			best = max(best, count[s.exp.Unit])
		}
	}
	return best
}

// compareMetrics lists where the plan's own metrics differ from the recomputed ones.
func compareMetrics(claimed, got planning.Metrics) []string {
	var notes []string
	near := func(a, b float64) bool { return math.Abs(a-b) < 0.005 }
	if !near(claimed.Penalty, got.Penalty) {
		notes = append(notes, fmt.Sprintf("the plan claims penalty %.2f, the checker computes %.2f", claimed.Penalty, got.Penalty))
	}
	names := make([]string, 0, len(got.PenaltyBy))
	for k := range got.PenaltyBy {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !near(claimed.PenaltyBy[k], got.PenaltyBy[k]) {
			notes = append(notes, fmt.Sprintf("the plan claims %s %.2f, the checker computes %.2f", k, claimed.PenaltyBy[k], got.PenaltyBy[k]))
		}
	}
	if claimed.HardViolations != got.HardViolations {
		notes = append(notes, fmt.Sprintf("the plan claims %d hard violations, the checker finds %d", claimed.HardViolations, got.HardViolations))
	}
	if claimed.Unscheduled != got.Unscheduled {
		notes = append(notes, fmt.Sprintf("the plan claims %d unscheduled, it lists %d", claimed.Unscheduled, got.Unscheduled))
	}
	return notes
}
