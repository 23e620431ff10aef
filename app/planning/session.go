package planning

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"khung/app/calendar"
)

// ErrHardRule is returned by Session.Apply for a change that breaks a hard rule.
var ErrHardRule = errors.New("the change breaks a hard rule")

// Change is one edit a planner makes to a scheduled visit: a new start ("" =
// unchanged), one team member replaced (Out → In), and/or a new lead. A new
// lead who is on the team swaps roles with the old lead; one who is not takes
// the old lead's place on the team.
type Change struct {
	Visit   string `json:"visit"`
	Start   string `json:"start,omitempty"`
	Replace *Swap  `json:"replace,omitempty"`
	Lead    string `json:"lead,omitempty"`
}

// Swap replaces team member Out by In.
type Swap struct {
	Out string `json:"out"`
	In  string `json:"in"`
}

// Delta is the effect of a change: the hard-rule violations of the changed
// visit, the penalty before and after, and the change of each component
// (after − before, keys as in Metrics.PenaltyBy).
type Delta struct {
	Violations    []Violation        `json:"violations"`
	PenaltyBefore float64            `json:"penalty_before"`
	PenaltyAfter  float64            `json:"penalty_after"`
	PenaltyBy     map[string]float64 `json:"penalty_by"`
}

// Session re-checks hand edits of a plan incrementally: build it once per plan,
// then each Try costs O(days × team) plus a scan of the few visits sharing an
// inspector or the unit. Inspectors may be placed on any visit (the province
// split is a search heuristic, not a rule). A Session is not safe for
// concurrent use; unscheduled visits cannot be changed (solve again).
type Session struct {
	m    *model
	p    *problem
	plan *Plan // the plan, updated by Apply
	row  []int // visit → index in plan.Visits, -1 when unscheduled

	start  []int32
	team   [][]int32
	cnt    []int16   // [day*nI + inspector] visits on that day
	byInsp [][]int32 // inspector → visits they are on
	load   []int32

	sc sessionScore
}

// sessionScore are the penalty counters (raw; balance scaled by W).
type sessionScore struct {
	unsched, window, rotation, joint int64
	monthLoad                        [12]int64
	total                            int64
	aw                               map[int]int32
}

// NewSession indexes inst and plan for incremental re-checking. It fails when
// the instance is unusable or the plan names unknown visits or inspectors or
// has a start that cannot be laid out on working days.
func NewSession(inst *Instance, plan *Plan) (*Session, error) {
	m, err := newModel(inst)
	if err != nil {
		return nil, err
	}
	all := &group{root: "*"}
	for v := range m.visits {
		all.visits = append(all.visits, v)
	}
	for i := range m.inspectors {
		all.inspectors = append(all.inspectors, i)
	}
	p := newProblem(m, all)
	s := &Session{m: m, p: p, plan: clonePlan(plan)}
	nV := len(p.visits)
	s.row = make([]int, nV)
	s.start = make([]int32, nV)
	s.team = make([][]int32, nV)
	s.cnt = make([]int16, p.nW*p.nI)
	s.byInsp = make([][]int32, p.nI)
	s.load = make([]int32, p.nI)
	s.sc.aw = map[int]int32{}
	byID := make(map[string]int, nV)
	for v := range p.visits {
		byID[p.visits[v].mv.ID] = v
		s.start[v] = -1
		s.row[v] = -1
		s.sc.unsched += p.visits[v].prio
	}
	inspIdx := m.inspIdx // group holds every inspector in model order
	for r, pv := range s.plan.Visits {
		v, ok := byID[pv.ID]
		if !ok {
			return nil, fmt.Errorf("plan visit %s: no such visit in the instance", pv.ID)
		}
		if s.row[v] >= 0 {
			return nil, fmt.Errorf("plan visit %s appears twice", pv.ID)
		}
		t, err := calendar.Parse(pv.Start)
		if err != nil {
			return nil, fmt.Errorf("plan visit %s: %w", pv.ID, err)
		}
		d, ok := m.cal.Index(t)
		if !ok || d+p.visits[v].days > p.nW {
			return nil, fmt.Errorf("plan visit %s: start %s is not a working day with room for %d working days", pv.ID, pv.Start, p.visits[v].days)
		}
		var team []int32
		lead := -1
		for k, tm := range pv.Team {
			i, ok := inspIdx[tm.Inspector]
			if !ok {
				return nil, fmt.Errorf("plan visit %s: unknown inspector %s", pv.ID, tm.Inspector)
			}
			if tm.Role == RoleLead && lead < 0 {
				lead = k
			}
			team = append(team, int32(i))
		}
		if lead > 0 {
			team[0], team[lead] = team[lead], team[0]
		}
		if len(team) == 0 {
			return nil, fmt.Errorf("plan visit %s has no team", pv.ID)
		}
		s.row[v] = r
		s.add(v, d, team)
	}
	return s, nil
}

func clonePlan(p *Plan) *Plan {
	out := &Plan{Visits: slices.Clone(p.Visits), Unscheduled: slices.Clone(p.Unscheduled), Metrics: p.Metrics}
	for k := range out.Visits {
		out.Visits[k].Team = slices.Clone(out.Visits[k].Team)
		out.Visits[k].Why = slices.Clone(out.Visits[k].Why)
		out.Visits[k].WhyVi = slices.Clone(out.Visits[k].WhyVi)
		out.Visits[k].WhyMsgs = slices.Clone(out.Visits[k].WhyMsgs)
	}
	out.Metrics.PenaltyBy = maps.Clone(p.Metrics.PenaltyBy)
	return out
}

// add places v at d with team (occupancy and score).
func (s *Session) add(v, d int, team []int32) {
	p := s.p
	pv := &p.visits[v]
	s.start[v], s.team[v] = int32(d), team
	for _, i := range team {
		for x := d; x < d+pv.days; x++ {
			s.cnt[x*p.nI+int(i)]++
		}
		s.load[i] += int32(pv.days)
		s.byInsp[i] = append(s.byInsp[i], int32(v))
	}
	s.sc.add(p, pv, d, team, +1)
}

// remove lifts v from the schedule.
func (s *Session) remove(v int) {
	p := s.p
	pv := &p.visits[v]
	d, team := int(s.start[v]), s.team[v]
	for _, i := range team {
		for x := d; x < d+pv.days; x++ {
			s.cnt[x*p.nI+int(i)]--
		}
		s.load[i] -= int32(pv.days)
		list := s.byInsp[i]
		if k := slices.Index(list, int32(v)); k >= 0 {
			s.byInsp[i] = slices.Delete(list, k, k+1)
		}
	}
	s.sc.add(p, pv, d, team, -1)
	s.start[v], s.team[v] = -1, nil
}

// add adds (sign +1) or removes (-1) a placement from the score counters.
func (sc *sessionScore) add(p *problem, pv *pvisit, d int, team []int32, sign int64) {
	sc.unsched -= sign * pv.prio
	sc.window += sign * pv.win[d]
	if isRot(pv, team[0]) {
		sc.rotation += sign
	}
	sc.joint += sign * p.missingBodies(pv, team)
	for x := d; x < d+pv.days; x++ {
		sc.monthLoad[p.month[x]] += sign * int64(len(team))
	}
	sc.total += sign * int64(len(team)*pv.days)
	if pv.area >= 0 {
		k := int(pv.area)*p.nWeek + int(p.week[d])
		sc.aw[k] += int32(sign)
		if sc.aw[k] == 0 {
			delete(sc.aw, k)
		}
	}
}

// parts returns the weighted components × W, in componentNames order.
func (sc *sessionScore) parts(p *problem) [6]int64 {
	var bal int64
	for m := 0; m < 12; m++ {
		bal += abs64(p.W*sc.monthLoad[m] - sc.total*p.monthW[m])
	}
	r := rawScore{unscheduled: sc.unsched, rotation: sc.rotation, joint: sc.joint,
		areaWeek: int64(len(sc.aw)), balance: bal}
	out := r.scaled(p.m.rules.Weights, p.W)
	out[1] = p.W * sc.window // window costs are stored already weighted
	return out
}

func sum6(x [6]int64) (t int64) {
	for _, v := range x {
		t += v
	}
	return t
}

// Penalty returns the current penalty of the session's plan.
func (s *Session) Penalty() float64 { return round2(sum6(s.sc.parts(s.p)), s.p.W) }

// Try evaluates a change without modifying the session.
func (s *Session) Try(c Change) (Delta, error) {
	v, d, team, err := s.resolve(c)
	if err != nil {
		return Delta{}, err
	}
	return s.evaluate(v, d, team), nil
}

// Apply makes a change; it refuses (with ErrHardRule and the violations) one
// that breaks a hard rule.
func (s *Session) Apply(c Change) (Delta, error) {
	v, d, team, err := s.resolve(c)
	if err != nil {
		return Delta{}, err
	}
	delta := s.evaluate(v, d, team)
	if len(delta.Violations) > 0 {
		return delta, fmt.Errorf("%s: %w: %s %s", c.Visit, ErrHardRule, delta.Violations[0].Rule, delta.Violations[0].Msg.ID)
	}
	s.remove(v)
	s.add(v, d, team)
	row := &s.plan.Visits[s.row[v]]
	pv := &s.p.visits[v]
	row.Start, row.End = s.m.dateOf(d), s.m.dateOf(d+pv.days-1)
	row.Team = s.members(team)
	// Only the message is added: the caller writes its sentences (a row of an
	// older plan may have sentences and no messages).
	row.WhyMsgs = append(row.WhyMsgs, Msg("planning.why.changed", "Change", describeChange(c)))
	s.plan.Metrics = s.m.metrics(s.plan)
	return delta, nil
}

// Plan returns a copy of the plan with the applied changes and fresh metrics.
func (s *Session) Plan() *Plan { return clonePlan(s.plan) }

// describeChange lists what a change does ("start 2025-03-10 and i1 replaced by i2").
func describeChange(c Change) []any {
	var parts []any
	if c.Start != "" {
		parts = append(parts, Msg("planning.change.start", "Date", c.Start))
	}
	if c.Replace != nil {
		parts = append(parts, Msg("planning.change.replace", "Out", c.Replace.Out, "In", c.Replace.In))
	}
	if c.Lead != "" {
		parts = append(parts, Msg("planning.change.lead", "Lead", c.Lead))
	}
	return parts
}

func (s *Session) members(team []int32) []TeamMember {
	out := make([]TeamMember, len(team))
	rest := slices.Clone(team[1:])
	slices.Sort(rest)
	for k, i := range append([]int32{team[0]}, rest...) {
		role := RoleMember
		if k == 0 {
			role = RoleLead
		}
		out[k] = TeamMember{Inspector: s.m.inspectors[i].ID, Role: role}
	}
	return out
}

// resolve turns a change into (visit, start day, team with the lead first).
// Day -1 means the start is not a working day with room for the visit.
func (s *Session) resolve(c Change) (int, int, []int32, error) {
	v := -1
	// Visits are sorted by id.
	if k, ok := slices.BinarySearchFunc(s.p.visits, c.Visit, func(pv pvisit, id string) int {
		return strings.Compare(pv.mv.ID, id)
	}); ok {
		v = k
	}
	if v < 0 {
		return 0, 0, nil, fmt.Errorf("visit %q: no such visit", c.Visit)
	}
	if s.start[v] < 0 {
		return 0, 0, nil, fmt.Errorf("visit %s is unscheduled: solve again to place it", c.Visit)
	}
	d := int(s.start[v])
	if c.Start != "" {
		t, err := calendar.Parse(c.Start)
		if err != nil {
			return 0, 0, nil, fmt.Errorf("visit %s: %w", c.Visit, err)
		}
		i, ok := s.m.cal.Index(t)
		if !ok || i+s.p.visits[v].days > s.p.nW {
			i = -1
		}
		d = i
	}
	team := slices.Clone(s.team[v])
	insp := func(id string) (int32, error) {
		i, ok := s.m.inspIdx[id]
		if !ok {
			return 0, fmt.Errorf("visit %s: unknown inspector %q", c.Visit, id)
		}
		return int32(i), nil
	}
	if r := c.Replace; r != nil && (r.Out != "" || r.In != "") {
		out, err := insp(r.Out)
		if err != nil {
			return 0, 0, nil, err
		}
		in, err := insp(r.In)
		if err != nil {
			return 0, 0, nil, err
		}
		k := slices.Index(team, out)
		if k < 0 {
			return 0, 0, nil, fmt.Errorf("visit %s: %s is not on the team", c.Visit, r.Out)
		}
		if slices.Contains(team, in) {
			return 0, 0, nil, fmt.Errorf("visit %s: %s is already on the team", c.Visit, r.In)
		}
		team[k] = in
	}
	if c.Lead != "" {
		lead, err := insp(c.Lead)
		if err != nil {
			return 0, 0, nil, err
		}
		if k := slices.Index(team, lead); k >= 0 {
			team[0], team[k] = team[k], team[0]
		} else {
			team[0] = lead
		}
	}
	return v, d, team, nil
}

// evaluate checks v at (d, team) against the rest of the plan and scores it.
func (s *Session) evaluate(v, d int, team []int32) Delta {
	p := s.p
	pv := &p.visits[v]
	before := s.sc.parts(p)
	delta := Delta{PenaltyBefore: round2(sum6(before), p.W), PenaltyBy: map[string]float64{}}
	delta.Violations = s.violations(v, d, team)
	if d < 0 {
		delta.PenaltyAfter = delta.PenaltyBefore
		for _, k := range componentNames {
			delta.PenaltyBy[k] = 0
		}
		return delta
	}
	old, oldTeam := int(s.start[v]), s.team[v]
	s.sc.add(p, pv, old, oldTeam, -1)
	s.sc.add(p, pv, d, team, +1)
	after := s.sc.parts(p)
	s.sc.add(p, pv, d, team, -1)
	s.sc.add(p, pv, old, oldTeam, +1)
	delta.PenaltyAfter = round2(sum6(after), p.W)
	for k, name := range componentNames {
		delta.PenaltyBy[name] = round2(after[k]-before[k], p.W)
	}
	return delta
}

// violations lists the hard rules visit v breaks at (d, team) given the other
// visits (its own current placement does not count).
func (s *Session) violations(v, d int, team []int32) []Violation {
	p, m := s.p, s.m
	pv := &p.visits[v]
	id := pv.mv.ID
	var out []Violation
	add := func(rule, insp, day string, msg Message) {
		out = append(out, Violation{Rule: rule, Visit: id, Inspector: insp, Day: day, Msg: msg})
	}
	if d < 0 {
		add("H1", "", "", Msg("planning.rule.start_room", "Year", m.inst.Year, "Count", pv.days-1, "Days", pv.days))
		return out
	}
	// H5
	if !pv.startOK[d] {
		for _, b := range m.inst.Units[pv.unit].Blackouts {
			a, z := m.dayRange(b)
			if a <= z && a <= d+pv.days-1 && d <= z {
				day := m.dateOf(max(a, d))
				add("H5", "", day, Msg("planning.rule.blackout", "Date", day, "Unit", pv.mv.Unit))
				break
			}
		}
	}
	// H6
	for _, o := range pv.siblings {
		os := int(s.start[o])
		if os >= 0 && os < d+pv.days && d < os+p.visits[o].days {
			day := m.dateOf(max(os, d))
			add("H6", "", day, Msg("planning.rule.sibling", "Other", p.visits[o].mv.ID, "Unit", pv.mv.Unit, "Date", day))
		}
	}
	// H3
	distinct := slices.Clone(team)
	slices.Sort(distinct)
	if len(slices.Compact(distinct)) != pv.size || len(team) != pv.size {
		add("H3", "", "", Msg("planning.rule.team_size", "Count", pv.size))
	}
	lead := team[0]
	if !p.canLead.has(int(lead)) || p.body[lead] != pv.leadBody {
		add("H3", m.inspectors[lead].ID, "", Msg("planning.rule.lead_body", "Body", pv.mv.LeadBody))
	}
	if !p.covers(pv, team) {
		var held uint64
		for _, i := range team {
			held |= pv.smask[i]
		}
		for k, sk := range pv.mv.Skills {
			if held&(1<<uint(k)) == 0 {
				add("H3", "", "", Msg("planning.rule.skill_missing", "Skill", sk))
			}
		}
	}
	old, oldTeam := int(s.start[v]), s.team[v]
	for _, i := range team {
		name := m.inspectors[i].ID
		// H4
		if !pv.elig.has(int(i)) {
			c := m.conflict(&m.inspectors[i], pv.unit)
			add("H4", name, "", Msg("planning.rule.conflict", "Inspector", name, "Unit", pv.mv.Unit, "Through", c))
		}
		// H2: leave, other visits, max_days.
		mine := slices.Contains(oldTeam, i)
		for x := d; x < d+pv.days; x++ {
			day := m.dateOf(x)
			if p.leave[x].has(int(i)) {
				add("H2", name, day, Msg("planning.rule.leave", "Inspector", name, "Date", day))
				break
			}
			n := int(s.cnt[x*p.nI+int(i)])
			if mine && x >= old && x < old+pv.days {
				n--
			}
			if n > 0 {
				other := ""
				for _, u := range s.byInsp[i] {
					us := int(s.start[u])
					if int(u) != v && us <= x && x < us+p.visits[u].days {
						other = p.visits[u].mv.ID
						break
					}
				}
				add("H2", name, day, Msg("planning.rule.on_other", "Inspector", name, "Other", other, "Date", day))
				break
			}
		}
		if limit := p.maxDays[i]; limit > 0 {
			load := s.load[i] + int32(pv.days)
			if mine {
				load -= int32(pv.days)
			}
			if load > limit {
				add("H2", name, "", Msg("planning.rule.would_exceed", "Inspector", name, "Count", load, "Max", limit))
			}
		}
	}
	return out
}
