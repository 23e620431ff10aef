package planning

import (
	"slices"
	"strings"
)

// explain turns the final schedule into plan rows with their why messages.
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
	var notes map[int][]Message
	var out groupResult
	for v := range p.visits {
		pv := &p.visits[v]
		s := int(st.start[v])
		if s < 0 {
			reason := pv.reason
			if reason.ID == "" {
				if notes == nil {
					notes = p.capacityNotes()
				}
				reason = ex.unplacedReason(v, notes[v])
			}
			out.unscheduled = append(out.unscheduled, Unscheduled{
				Visit: pv.mv.ID, Proposals: slices.Clone(pv.mv.Proposals), ReasonMsg: &reason})
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
			Team: members, WhyMsgs: ex.why(v, greedy),
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

// why returns the messages that explain visit v's merge, date and team.
func (ex *explainer) why(v int, greedy bool) []Message {
	st, p := ex.st, ex.st.p
	m := p.m
	pv := &p.visits[v]
	mv := pv.mv
	s := int(st.start[v])
	var why []Message

	// 1. What was merged.
	bodyOf := func(id string) string { return m.proposals[id].Body }
	switch {
	case mv.Form != FormPlanned:
		why = append(why, Msg("planning.why.own_visit", "Form", formMsg(mv.Form),
			"Proposal", mv.Proposals[0], "Body", bodyOf(mv.Proposals[0])))
	case len(mv.Proposals) == 1:
		why = append(why, Msg("planning.why.only_proposal", "Proposal", mv.Proposals[0],
			"Body", bodyOf(mv.Proposals[0]), "Unit", mv.Unit))
	default:
		parts := make([]any, len(mv.Proposals))
		for k, id := range mv.Proposals {
			parts[k] = Msg("planning.proposal_of", "Proposal", id, "Body", bodyOf(id))
		}
		if len(mv.Bodies) == 1 {
			why = append(why, Msg("planning.why.merged", "Proposals", parts, "Unit", mv.Unit))
		} else {
			why = append(why, Msg("planning.why.merged_joint", "Proposals", parts, "Unit", mv.Unit,
				"Lead", mv.LeadBody, "Days", mv.Days, "Team", mv.TeamSize, "Count", len(mv.Bodies)))
		}
	}

	// 2. Why this date.
	date := m.dateOf(s)
	var inside []any
	var outside []Message
	for k, iv := range mv.Windows {
		if iv.From == "" {
			continue
		}
		a, z := m.dayRange(iv)
		in := max(0, min(s+pv.days-1, z)-max(s, a)+1)
		if in == pv.days {
			inside = append(inside, Msg("planning.window_of", "Proposal", mv.Proposals[k], "From", iv.From, "To", iv.To))
		} else {
			outside = append(outside, Msg("planning.days_outside", "Count", pv.days-in,
				"From", iv.From, "To", iv.To, "Proposal", mv.Proposals[k]))
		}
	}
	switch {
	case len(inside) == 0 && len(outside) == 0:
		why = append(why, Msg("planning.why.start_no_window", "Date", date))
	case len(outside) == 0:
		why = append(why, Msg("planning.why.start_inside", "Date", date, "Windows", inside))
	default:
		why = append(why, Msg("planning.why.start_outside", "Date", date, "Outside", clauses(outside)))
	}
	if greedy {
		why = append(why, Msg("planning.why.baseline"))
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
		b, blocked := ex.blocker(v, alt)
		st.place(v, s, saved)
		if !blocked {
			b = Msg("planning.blocker.cheaper")
		}
		id := "planning.why.alt_in_window"
		if cheapest > 0 {
			id = "planning.why.alt_fewer_days"
		}
		why = append(why, Msg(id, "Date", m.dateOf(alt), "Blocker", b))
	}
	if cheapest > 0 && len(outside) > 0 {
		why = append(why, ex.windowsImpossible(pv))
	}
	if pv.area >= 0 {
		var others []any
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
			why = append(why, Msg("planning.why.area_alone", "Area", area, "Year", y, "Week", w))
		} else {
			if n := len(others); n > 4 {
				others = append(others[:4], Msg("planning.more_visits", "Count", n-4))
			}
			why = append(why, Msg("planning.why.area_shared", "Area", area, "Year", y, "Week", w, "Others", others))
		}
	}

	// 3. Why this team.
	team := st.team[v]
	lead := team[0]
	switch {
	case isRot(pv, lead):
		why = append(why, Msg("planning.why.lead_rotation", "Lead", ex.name(lead), "Body", mv.LeadBody, "Count", pv.days))
	case len(pv.rot) > 0:
		why = append(why, Msg("planning.why.lead_not_last", "Lead", ex.name(lead), "Body", mv.LeadBody, "Count", pv.days,
			"Last", ex.name(pv.rot[0])))
	default:
		why = append(why, Msg("planning.why.lead", "Lead", ex.name(lead), "Body", mv.LeadBody, "Count", pv.days))
	}
	if len(team) > 1 {
		var parts []any
		for _, i := range sortedMembers(team) {
			parts = append(parts, Msg("planning.member_of", "Inspector", ex.name(i), "Body", m.inspectors[p.insp[i]].Body))
		}
		if len(pv.skills) > 0 {
			why = append(why, Msg("planning.why.members_skills", "Members", parts, "Skills", strings.Join(mv.Skills, ", ")))
		} else {
			why = append(why, Msg("planning.why.members", "Members", parts))
		}
	}
	for k, b := range pv.bodies {
		if !teamHasBody(p, team, b) {
			why = append(why, Msg("planning.why.body_missing", "Body", mv.Bodies[k]))
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
// visits; false when it could.
func (ex *explainer) blocker(v, s int) (Message, bool) {
	st, p := ex.st, ex.st.p
	pv := &p.visits[v]
	if s+pv.days > p.nW {
		return Msg("planning.blocker.past_year_end"), true
	}
	if !pv.startOK[s] {
		return Msg("planning.blocker.blackout"), true
	}
	if o := st.siblingClash(v, s); o >= 0 {
		return Msg("planning.blocker.sibling", "Visit", p.visits[o].mv.ID), true
	}
	cand := newBitset(p.nI)
	st.free(pv, s, cand)
	leads := newBitset(p.nI)
	for w := range leads {
		leads[w] = cand[w] & pv.leads[w]
	}
	if leads.count() == 0 {
		var busy []any
		pv.leads.each(func(i int) {
			if len(busy) < 3 {
				busy = append(busy, ex.busy(int32(i), s, pv.days))
			}
		})
		if n := pv.leads.count(); n > 3 {
			busy = append(busy, Msg("planning.busy.more_leads", "Count", n-3))
		}
		return Msg("planning.blocker.no_lead", "Body", pv.mv.LeadBody, "Busy", busy), true
	}
	for k, sk := range pv.skills {
		set := p.skillSet[sk]
		hit := false
		for w := range cand {
			hit = hit || cand[w]&set[w] != 0
		}
		if !hit {
			var busy []any
			set.each(func(i int) {
				if len(busy) < 3 && pv.elig.has(i) {
					busy = append(busy, ex.busy(int32(i), s, pv.days))
				}
			})
			return Msg("planning.blocker.no_skill", "Skill", pv.mv.Skills[k], "Busy", busy), true
		}
	}
	if n := cand.count(); n < pv.size {
		return Msg("planning.blocker.too_few", "Count", n, "Size", pv.size), true
	}
	if st.buildTeam(v, s, teamBalanced) == nil {
		return Msg("planning.blocker.no_team", "Count", pv.size, "Body", pv.mv.LeadBody), true
	}
	return Message{}, false
}

// busy says why inspector i cannot take days [s, s+days).
func (ex *explainer) busy(i int32, s, days int) Message {
	st, p := ex.st, ex.st.p
	name := ex.name(i)
	for d := s; d < s+days; d++ {
		if p.leave[d].has(int(i)) {
			return Msg("planning.busy.leave", "Inspector", name, "Date", p.m.dateOf(d))
		}
	}
	for _, u := range ex.byInsp[i] {
		us := int(st.start[u])
		if us >= 0 && us < s+days && s < us+p.visits[u].days && inTeam(st.team[u], int(i)) {
			return Msg("planning.busy.visit", "Inspector", name, "Visit", p.visits[u].mv.ID)
		}
	}
	if p.maxDays[i] > 0 && st.load[i]+int32(days) > p.maxDays[i] {
		return Msg("planning.busy.max_days", "Inspector", name, "Max", p.maxDays[i])
	}
	return Msg("planning.busy.free", "Inspector", name)
}

// unplacedReason explains why a possible visit stayed unscheduled after search.
func (ex *explainer) unplacedReason(v int, notes []Message) Message {
	p := ex.st.p
	pv := &p.visits[v]
	parts := []Message{Msg("planning.reason.collides", "Count", len(pv.starts))}
	best := -1
	for k, s := range pv.starts {
		if best < 0 || pv.win[s] < pv.win[pv.starts[best]] {
			best = k
		}
	}
	if best >= 0 {
		s := int(pv.starts[best])
		if why, ok := ex.blocker(v, s); ok {
			parts = append(parts, Msg("planning.reason.blocked_on", "Date", p.m.dateOf(s), "Blocker", why))
		}
	}
	return clauses(append(parts, notes...))
}

// windowsImpossible says why no start keeps every day inside every window.
func (ex *explainer) windowsImpossible(pv *pvisit) Message {
	m := ex.st.p.m
	lo, hi := 0, ex.st.p.nW-1
	var named []any
	for k, iv := range pv.mv.Windows {
		if iv.From == "" {
			continue
		}
		a, z := m.dayRange(iv)
		lo, hi = max(lo, a), min(hi, z)
		named = append(named, Msg("planning.window_of", "Proposal", pv.mv.Proposals[k], "From", iv.From, "To", iv.To))
	}
	switch {
	case len(named) > 1 && hi-lo+1 < pv.days:
		return Msg("planning.why.windows_no_common_days", "Windows", named, "Count", pv.days)
	case len(named) > 1:
		return Msg("planning.why.windows_no_common_run", "From", m.dateOf(lo), "To", m.dateOf(hi), "Count", pv.days)
	default:
		iv := pv.mv.Windows[slices.IndexFunc(pv.mv.Windows, func(iv Interval) bool { return iv.From != "" })]
		return Msg("planning.why.window_no_run", "From", iv.From, "To", iv.To, "Count", pv.days)
	}
}

// clauses joins messages with "; " (as right-nested pairs, so the renderer
// needs no list syntax for it).
func clauses(ms []Message) Message {
	if len(ms) == 1 {
		return ms[0]
	}
	return Msg("planning.clauses", "First", ms[0], "Rest", clauses(ms[1:]))
}

// formMsg names a proposal form.
func formMsg(form string) Message { return Msg("planning.form." + form) }

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
