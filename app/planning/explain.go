package planning

import (
	"fmt"
	"slices"
	"strings"
)

// explain turns the final schedule into plan rows with their why sentences.
func (st *state) explain(greedy bool) groupResult {
	p := st.p
	m := p.m
	byInsp := make([][]int32, p.nI)
	for v := range p.visits {
		for _, i := range st.team[v] {
			byInsp[i] = append(byInsp[i], int32(v))
		}
	}
	ex := &explainer{st: st, byInsp: byInsp, byArea: make([][]int32, p.nArea)}
	for v := range p.visits {
		if a := p.visits[v].area; a >= 0 {
			ex.byArea[a] = append(ex.byArea[a], int32(v))
		}
	}
	var notes map[int][]string
	var out groupResult
	for v := range p.visits {
		pv := &p.visits[v]
		s := int(st.start[v])
		if s < 0 {
			reason := pv.reason
			if reason == "" {
				if notes == nil {
					notes = p.capacityNotes()
				}
				reason = ex.unplacedReason(v, notes[v])
			}
			out.unscheduled = append(out.unscheduled, Unscheduled{
				Visit: pv.mv.ID, Proposals: slices.Clone(pv.mv.Proposals), Reason: reason})
			continue
		}
		team := slices.Clone(st.team[v])
		slices.Sort(team[1:]) // local indices follow inspector ids
		members := make([]TeamMember, len(team))
		for k, i := range team {
			role := RoleMember
			if k == 0 {
				role = RoleLead
			}
			members[k] = TeamMember{Inspector: m.inspectors[p.insp[i]].ID, Role: role}
		}
		out.visits = append(out.visits, Visit{
			ID: pv.mv.ID, Unit: pv.mv.Unit, Form: pv.mv.Form,
			Proposals: slices.Clone(pv.mv.Proposals), LeadBody: pv.mv.LeadBody,
			Start: m.dateOf(s), End: m.dateOf(s + pv.days - 1), Days: pv.days,
			Team: members, Why: ex.why(v, greedy),
		})
	}
	return out
}

type explainer struct {
	st     *state
	byInsp [][]int32 // inspector → visits they are on
	byArea [][]int32 // area → planned visits of the area
}

func (ex *explainer) name(i int32) string {
	p := ex.st.p
	return p.m.inspectors[p.insp[i]].ID
}

// why returns the sentences that explain visit v's merge, date and team.
func (ex *explainer) why(v int, greedy bool) []string {
	st, p := ex.st, ex.st.p
	m := p.m
	pv := &p.visits[v]
	mv := pv.mv
	s := int(st.start[v])
	var why []string

	// 1. What was merged.
	bodyOf := func(id string) string { return m.proposals[id].Body }
	switch {
	case mv.Form != FormPlanned:
		why = append(why, fmt.Sprintf("%s proposal %s of %s: never merged, a visit of its own",
			mv.Form, mv.Proposals[0], bodyOf(mv.Proposals[0])))
	case len(mv.Proposals) == 1:
		why = append(why, fmt.Sprintf("proposal %s of %s: the only planned proposal for unit %s",
			mv.Proposals[0], bodyOf(mv.Proposals[0]), mv.Unit))
	default:
		parts := make([]string, len(mv.Proposals))
		for k, id := range mv.Proposals {
			parts[k] = fmt.Sprintf("%s (%s)", id, bodyOf(id))
		}
		if len(mv.Bodies) == 1 {
			why = append(why, fmt.Sprintf("merged %s: same unit %s, all planned, one body", joinAnd(parts), mv.Unit))
		} else {
			why = append(why, fmt.Sprintf("merged %s: same unit %s, all planned; %s leads (lowest precedence); %d working days and a team of %d for %d bodies",
				joinAnd(parts), mv.Unit, mv.LeadBody, mv.Days, mv.TeamSize, len(mv.Bodies)))
		}
	}

	// 2. Why this date.
	date := m.dateOf(s)
	var inside, outside []string
	for k, iv := range mv.Windows {
		if iv.From == "" {
			continue
		}
		a, z := m.dayRange(iv)
		in := max(0, min(s+pv.days-1, z)-max(s, a)+1)
		if in == pv.days {
			inside = append(inside, fmt.Sprintf("%s (%s..%s)", mv.Proposals[k], iv.From, iv.To))
		} else {
			outside = append(outside, fmt.Sprintf("%d working days outside the window %s..%s of %s", pv.days-in, iv.From, iv.To, mv.Proposals[k]))
		}
	}
	switch {
	case len(inside) == 0 && len(outside) == 0:
		why = append(why, fmt.Sprintf("start %s: no window was asked", date))
	case len(outside) == 0:
		why = append(why, fmt.Sprintf("start %s: every day inside the window of %s", date, joinAnd(inside)))
	default:
		why = append(why, fmt.Sprintf("start %s: %s", date, strings.Join(outside, "; ")))
	}
	if greedy {
		why = append(why, "baseline: first start (in-window first, then by date) where the first team by id is free")
	}
	// What stopped a start with a cheaper window.
	cheapest, alt := int64(-1), -1
	for x := 0; x < p.nW; x++ {
		if !pv.startOK[x] {
			continue
		}
		c := pv.win[x]
		if cheapest < 0 || c < cheapest || (c == cheapest && absInt(x-s) < absInt(alt-s)) {
			cheapest, alt = c, x
		}
	}
	if pv.win[s] > cheapest && alt >= 0 {
		saved := st.team[v]
		st.unplace(v)
		b := ex.blocker(v, alt)
		st.place(v, s, saved)
		if b == "" {
			b = "the plan is cheaper overall with this date (month balance, shared area weeks, teams of other visits)"
		}
		verb := "would be in the window"
		if cheapest > 0 {
			verb = "would miss the windows by fewer days"
		}
		why = append(why, fmt.Sprintf("%s %s but %s", m.dateOf(alt), verb, b))
	}
	if cheapest > 0 && len(outside) > 0 {
		why = append(why, ex.windowsImpossible(pv))
	}
	if pv.area >= 0 {
		var others []string
		k := int(pv.area)*p.nWeek + int(p.week[s])
		if st.aw[k] > 1 {
			for _, u := range ex.byArea[pv.area] {
				if int(u) != v && st.start[u] >= 0 && p.week[st.start[u]] == p.week[s] {
					others = append(others, p.visits[u].mv.ID)
				}
			}
		}
		y, w := m.cal.ISOWeek(s)
		area := p.areaID[pv.area]
		if len(others) == 0 {
			why = append(why, fmt.Sprintf("the only visit of area %s starting in week %d-W%02d", area, y, w))
		} else {
			why = append(why, fmt.Sprintf("shares week %d-W%02d of area %s with %s (one trip)", y, w, area, joinAnd(capList(others, 4))))
		}
	}

	// 3. Why this team.
	team := st.team[v]
	lead := team[0]
	leadLine := fmt.Sprintf("lead %s of %s: can lead, free of conflict of interest and free on all %d days", ex.name(lead), mv.LeadBody, pv.days)
	if isRot(pv, lead) {
		leadLine += "; led the unit's last visit (rotation), no other lead inspector of " + mv.LeadBody + " was free then"
	} else if len(pv.rot) > 0 {
		leadLine += fmt.Sprintf("; not %s, who led the unit's last visit", ex.name(pv.rot[0]))
	}
	why = append(why, leadLine)
	if len(team) > 1 {
		var parts []string
		for _, i := range sortedMembers(team) {
			parts = append(parts, fmt.Sprintf("%s (%s)", ex.name(i), m.inspectors[p.insp[i]].Body))
		}
		line := "members " + joinAnd(parts)
		if len(pv.skills) > 0 {
			line += "; skills " + strings.Join(mv.Skills, ", ") + " covered"
		}
		why = append(why, line)
	}
	for k, b := range pv.bodies {
		if !teamHasBody(p, team, b) {
			why = append(why, fmt.Sprintf("no free inspector of %s could join the team on these days", mv.Bodies[k]))
		}
	}
	return why
}

func sortedMembers(team []int32) []int32 {
	m := slices.Clone(team[1:])
	slices.Sort(m)
	return m
}

// blocker explains why visit v (not placed) cannot start at s given the other
// visits, or returns "" when it could.
func (ex *explainer) blocker(v, s int) string {
	st, p := ex.st, ex.st.p
	pv := &p.visits[v]
	if s+pv.days > p.nW {
		return "the visit would run past the last working day of the year"
	}
	if !pv.startOK[s] {
		return "the unit has a blackout on those days"
	}
	if o := st.siblingClash(v, s); o >= 0 {
		return fmt.Sprintf("another visit of the unit, %s, runs on those days", p.visits[o].mv.ID)
	}
	cand := newBitset(p.nI)
	p.free(pv, s, st.occ, st.load, cand)
	leads := newBitset(p.nI)
	for w := range leads {
		leads[w] = cand[w] & pv.leads[w]
	}
	if leads.count() == 0 {
		var why []string
		pv.leads.each(func(i int) {
			if len(why) < 3 {
				why = append(why, ex.busy(int32(i), s, pv.days))
			}
		})
		if n := pv.leads.count(); n > 3 {
			why = append(why, fmt.Sprintf("%d other lead inspectors are busy too", n-3))
		}
		return "no lead inspector of " + pv.mv.LeadBody + " is free: " + joinAnd(why)
	}
	for k, sk := range pv.skills {
		set := p.skillSet[sk]
		hit := false
		for w := range cand {
			hit = hit || cand[w]&set[w] != 0
		}
		if !hit {
			var why []string
			set.each(func(i int) {
				if len(why) < 3 && pv.elig.has(i) {
					why = append(why, ex.busy(int32(i), s, pv.days))
				}
			})
			return fmt.Sprintf("no free inspector holds skill %s: %s", pv.mv.Skills[k], joinAnd(why))
		}
	}
	if n := cand.count(); n < pv.size {
		return fmt.Sprintf("only %d inspectors free of conflict of interest are free on those days and the team needs %d", n, pv.size)
	}
	if st.buildTeam(v, s, teamBalanced) == nil {
		return fmt.Sprintf("no team of %d with a lead of %s and every skill is free on those days", pv.size, pv.mv.LeadBody)
	}
	return ""
}

// busy says why inspector i cannot take days [s, s+days).
func (ex *explainer) busy(i int32, s, days int) string {
	st, p := ex.st, ex.st.p
	name := ex.name(i)
	for d := s; d < s+days; d++ {
		if p.leave[d].has(int(i)) {
			return fmt.Sprintf("%s is on leave on %s", name, p.m.dateOf(d))
		}
	}
	for _, u := range ex.byInsp[i] {
		us := int(st.start[u])
		if us >= 0 && us < s+days && s < us+p.visits[u].days && inTeam(st.team[u], int(i)) {
			return fmt.Sprintf("%s is on %s", name, p.visits[u].mv.ID)
		}
	}
	if p.maxDays[i] > 0 && st.load[i]+int32(days) > p.maxDays[i] {
		return fmt.Sprintf("%s would pass max_days (%d)", name, p.maxDays[i])
	}
	return name + " is free"
}

// unplacedReason explains why a possible visit stayed unscheduled after search.
func (ex *explainer) unplacedReason(v int, notes []string) string {
	p := ex.st.p
	pv := &p.visits[v]
	var b strings.Builder
	fmt.Fprintf(&b, "every start where a team could exist (%d of them) collides with other visits", len(pv.starts))
	best := -1
	for k, s := range pv.starts {
		if best < 0 || pv.win[s] < pv.win[pv.starts[best]] {
			best = k
		}
	}
	if best >= 0 {
		s := int(pv.starts[best])
		if why := ex.blocker(v, s); why != "" {
			fmt.Fprintf(&b, "; on %s %s", p.m.dateOf(s), why)
		}
	}
	for _, n := range notes {
		b.WriteString("; " + n)
	}
	return b.String()
}

// windowsImpossible says why no start keeps every day in every window.
func (ex *explainer) windowsImpossible(pv *pvisit) string {
	m := ex.st.p.m
	lo, hi := 0, ex.st.p.nW-1
	var named []string
	for k, iv := range pv.mv.Windows {
		if iv.From == "" {
			continue
		}
		a, z := m.dayRange(iv)
		lo, hi = max(lo, a), min(hi, z)
		named = append(named, fmt.Sprintf("%s (%s..%s)", pv.mv.Proposals[k], iv.From, iv.To))
	}
	switch {
	case len(named) > 1 && hi-lo+1 < pv.days:
		return fmt.Sprintf("no start keeps every day inside every window: the windows of %s leave no %d common working days", joinAnd(named), pv.days)
	case len(named) > 1:
		return fmt.Sprintf("no start keeps every day inside every window: the common part %s..%s of the windows and the unit's blackouts leave no %d consecutive working days",
			m.dateOf(lo), m.dateOf(hi), pv.days)
	default:
		iv := pv.mv.Windows[slices.IndexFunc(pv.mv.Windows, func(iv Interval) bool { return iv.From != "" })]
		return fmt.Sprintf("window %s..%s and blackouts leave no %d consecutive working days", iv.From, iv.To, pv.days)
	}
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func capList(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), fmt.Sprintf("%d more", len(list)-n))
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
