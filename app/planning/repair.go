package planning

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"

	"khung/app/calendar"
)

// Changes is what happened since a plan was made (docs/planner-spec.md §7):
// new leave, new and withdrawn proposals, and the visits that must not move.
// Only Today is required.
type Changes struct {
	Today              string           `json:"today"`
	Unavailable        []Unavailability `json:"unavailable,omitempty"`
	NewProposals       []Proposal       `json:"new_proposals,omitempty"`
	WithdrawnProposals []string         `json:"withdrawn_proposals,omitempty"`
	PinnedVisits       []string         `json:"pinned_visits,omitempty"`
	NoticeSent         []string         `json:"notice_sent,omitempty"`
}

// Unavailability is new leave of one inspector, inclusive at both ends.
type Unavailability struct {
	Inspector string `json:"inspector"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// RepairReport sums up a repair: its score (the plan's penalty plus the
// disruption terms) and what moved. Moved and Dropped visits pay moved_visit
// each; ChangedMembers pay changed_member each.
type RepairReport struct {
	Today          string             `json:"today"`
	Penalty        float64            `json:"penalty"`
	Disruption     float64            `json:"disruption"`
	DisruptionBy   map[string]float64 `json:"disruption_by"`
	Frozen         int                `json:"frozen"`
	Unchanged      int                `json:"unchanged"`
	ChangedMembers int                `json:"changed_members"`
	Moved          []string           `json:"moved"`     // scheduled before and after, on another start
	Reteamed       []string           `json:"reteamed"`  // same start, another team or lead
	Placed         []string           `json:"placed"`    // unscheduled or new before, scheduled now
	Dropped        []string           `json:"dropped"`   // scheduled before, unscheduled now
	Cancelled      []string           `json:"cancelled"` // every proposal withdrawn
}

// RepairNote explains what a repair did to one visit, as messages: for a
// scheduled visit the lines of its why (after its previous lines when
// KeepOld), for an unscheduled one the parts of its reason.
type RepairNote struct {
	Visit   string    `json:"visit"`
	Why     []Message `json:"why"`
	KeepOld bool      `json:"keep_old,omitempty"`
}

// RepairResult is a repaired plan of the changed instance. The rows the
// repair changed have no why until Render writes the notes into them.
type RepairResult struct {
	Instance *Instance
	Plan     *Plan
	Notes    []RepairNote
}

// ChangeProblem is one defect of the changes, of the plan they apply to, or a
// visit that cannot stay where it is frozen; Field names the input.
type ChangeProblem struct {
	Field string  `json:"field"`
	Msg   Message `json:"message"`
}

// ChangesError lists every problem Repair found before repairing.
type ChangesError struct {
	Problems []ChangeProblem
}

func (e *ChangesError) Error() string {
	return problemList("cannot repair: ", len(e.Problems), func(i int) string {
		p := e.Problems[i]
		return fmt.Sprintf("%s: %s %v", p.Field, p.Msg.ID, p.Msg.Args)
	})
}

// Default disruption weights (rules.weights.moved_visit and changed_member).
const (
	DefaultMovedVisitWeight    = 100
	DefaultChangedMemberWeight = 10
)

// RepairIterationsPerVisit sizes a repair's improvement budget: this many
// iterations per visit that may still move.
const RepairIterationsPerVisit = 40

// RepairWeights returns the disruption weights of w, defaults for zero.
func RepairWeights(w Weights) (movedVisit, changedMember int64) {
	movedVisit, changedMember = w.MovedVisit, w.ChangedMember
	if movedVisit == 0 {
		movedVisit = DefaultMovedVisitWeight
	}
	if changedMember == 0 {
		changedMember = DefaultChangedMemberWeight
	}
	return movedVisit, changedMember
}

// ApplyChanges returns the changed instance: inst with the new leave (clipped
// to the plan year) and the new proposals added and the withdrawn proposals
// removed. inst is not modified.
func ApplyChanges(inst *Instance, ch *Changes) (*Instance, error) {
	if inst == nil || ch == nil {
		return nil, &ChangesError{Problems: []ChangeProblem{{Field: "changes", Msg: Msg("repair.problem.empty")}}}
	}
	var probs []ChangeProblem
	add := func(field, id string, pairs ...any) {
		probs = append(probs, ChangeProblem{Field: field, Msg: Msg(id, pairs...)})
	}
	if _, err := calendar.Parse(ch.Today); err != nil {
		add("today", "repair.problem.date", "Value", ch.Today)
	}
	out := *inst
	out.Inspectors = slices.Clone(inst.Inspectors)
	inspIdx := make(map[string]int, len(out.Inspectors))
	for i, in := range out.Inspectors {
		inspIdx[in.ID] = i
	}
	first, last := fmt.Sprintf("%04d-01-01", inst.Year), fmt.Sprintf("%04d-12-31", inst.Year)
	for k, u := range ch.Unavailable {
		f := fmt.Sprintf("unavailable[%d]", k)
		i, ok := inspIdx[u.Inspector]
		if !ok {
			add(f+".inspector", "repair.problem.inspector", "Inspector", u.Inspector)
		}
		_, errFrom := calendar.Parse(u.From)
		_, errTo := calendar.Parse(u.To)
		switch {
		case errFrom != nil:
			add(f+".from", "repair.problem.date", "Value", u.From)
		case errTo != nil:
			add(f+".to", "repair.problem.date", "Value", u.To)
		case u.To < u.From:
			add(f, "repair.problem.interval", "From", u.From, "To", u.To)
		case ok:
			a, z := max(u.From, first), min(u.To, last)
			if a <= z {
				in := &out.Inspectors[i]
				in.Unavailable = append(slices.Clip(in.Unavailable), Interval{From: a, To: z})
			}
		}
	}
	known := make(map[string]bool, len(inst.Proposals))
	for _, p := range inst.Proposals {
		known[p.ID] = true
	}
	withdrawn := make(map[string]bool, len(ch.WithdrawnProposals))
	for k, id := range ch.WithdrawnProposals {
		if !known[id] {
			add(fmt.Sprintf("withdrawn_proposals[%d]", k), "repair.problem.proposal", "Proposal", id)
		}
		withdrawn[id] = true
	}
	if len(probs) > 0 {
		return nil, &ChangesError{Problems: probs}
	}
	out.Proposals = make([]Proposal, 0, len(inst.Proposals)+len(ch.NewProposals))
	for _, p := range inst.Proposals {
		if !withdrawn[p.ID] {
			out.Proposals = append(out.Proposals, p)
		}
	}
	out.Proposals = append(out.Proposals, ch.NewProposals...)
	if err := Validate(&out); err != nil {
		return nil, err
	}
	return &out, nil
}

// oldVisit is a visit's placement in the previous plan.
type oldVisit struct {
	start  int   // working day, -1 when it was not scheduled
	team   []int // model inspector indices, lead first
	row    *Visit
	listed bool   // in the previous plan (scheduled or unscheduled)
	frozen string // why it must not move: "today" (started), "pinned_visits", "notice_sent"
}

// repairInput is what every group of a repair reads (never writes).
type repairInput struct {
	m       *model
	old     []oldVisit // by model visit
	today   int        // first working day on or after Changes.Today
	todayID string
	leaves  map[string][]Interval // new leave by inspector, clipped to the year
	moved   int64
	changed int64
}

// Repair adapts plan (a plan of inst) to the changes with as little
// disruption as it can: frozen visits (started before today, pinned, or whose
// notice was sent) keep their dates and teams, nothing else starts before
// today, and the search weighs the plan's penalty plus moved_visit per moved
// visit and changed_member per changed team member. The result is a valid plan
// of the changed instance. It fails with a *ChangesError when the changes or
// the plan do not fit the instance, or when a frozen visit cannot keep its
// dates and team under the changes, and with an *InstanceError when the
// changed instance is invalid.
func Repair(inst *Instance, plan *Plan, ch *Changes, opt Options) (*RepairResult, error) {
	changed, err := ApplyChanges(inst, ch)
	if err != nil {
		return nil, err
	}
	if plan == nil {
		return nil, &ChangesError{Problems: []ChangeProblem{{Field: "plan", Msg: Msg("repair.problem.empty")}}}
	}
	m, err := newModel(changed)
	if err != nil {
		return nil, err
	}
	in := &repairInput{m: m, todayID: ch.Today, leaves: map[string][]Interval{}}
	in.moved, in.changed = RepairWeights(m.rules.Weights)
	var probs []ChangeProblem
	add := func(field, id string, pairs ...any) {
		probs = append(probs, ChangeProblem{Field: field, Msg: Msg(id, pairs...)})
	}
	if w := m.rules.Weights; w.MovedVisit < 0 || w.ChangedMember < 0 {
		add("rules.weights", "repair.problem.weights")
	}
	todayT, _ := calendar.Parse(ch.Today) // checked by ApplyChanges
	in.today = m.cal.NextIndex(todayT)
	// The clipped new leave is the tail ApplyChanges appended (same order).
	for k, after := range changed.Inspectors {
		if n := len(inst.Inspectors[k].Unavailable); len(after.Unavailable) > n {
			in.leaves[after.ID] = after.Unavailable[n:]
		}
	}

	byID := make(map[string]int, len(m.visits))
	for v := range m.visits {
		byID[m.visits[v].ID] = v
	}
	withdrawn := make(map[string]bool, len(ch.WithdrawnProposals))
	for _, id := range ch.WithdrawnProposals {
		withdrawn[id] = true
	}
	allWithdrawn := func(ids []string) bool {
		for _, id := range ids {
			if !withdrawn[id] {
				return false
			}
		}
		return len(ids) > 0
	}
	in.old = make([]oldVisit, len(m.visits))
	for v := range in.old {
		in.old[v].start = -1
	}
	var cancelled []string
	for r := range plan.Visits {
		row := &plan.Visits[r]
		f := fmt.Sprintf("plan.visits[%d]", r)
		v, ok := byID[row.ID]
		if !ok {
			if allWithdrawn(row.Proposals) {
				cancelled = append(cancelled, row.ID)
			} else {
				add(f, "repair.problem.plan_visit", "Visit", row.ID)
			}
			continue
		}
		if in.old[v].listed {
			add(f, "repair.problem.plan_twice", "Visit", row.ID)
			continue
		}
		t, err := calendar.Parse(row.Start)
		d, working := m.cal.Index(t)
		if err != nil || !working {
			add(f+".start", "repair.problem.plan_start", "Visit", row.ID, "Date", row.Start)
			continue
		}
		var team []int
		for _, tm := range row.Team {
			i, ok := m.inspIdx[tm.Inspector]
			if !ok {
				add(f+".team", "repair.problem.inspector", "Inspector", tm.Inspector)
				continue
			}
			if tm.Role == RoleLead {
				team = append([]int{i}, team...)
			} else {
				team = append(team, i)
			}
		}
		if len(team) == 0 {
			add(f+".team", "repair.problem.plan_team", "Visit", row.ID)
			continue
		}
		o := &in.old[v]
		o.start, o.team, o.row, o.listed = d, team, row, true
		if row.Start < ch.Today {
			o.frozen = "today"
		}
	}
	for _, u := range plan.Unscheduled {
		if v, ok := byID[u.Visit]; ok {
			in.old[v].listed = true
		} else if allWithdrawn(u.Proposals) {
			cancelled = append(cancelled, u.Visit)
		}
	}
	isCancelled := func(id string) bool { return slices.Contains(cancelled, id) }
	for _, fl := range []struct {
		field string
		list  []string
	}{{"pinned_visits", ch.PinnedVisits}, {"notice_sent", ch.NoticeSent}} {
		field := fl.field
		for k, id := range fl.list {
			v, ok := byID[id]
			switch {
			case ok && in.old[v].start >= 0:
				if in.old[v].frozen == "" {
					in.old[v].frozen = field
				}
			case isCancelled(id):
			default:
				add(fmt.Sprintf("%s[%d]", field, k), "repair.problem.visit", "Visit", id)
			}
		}
	}
	if len(probs) > 0 {
		sortProblems(probs)
		return nil, &ChangesError{Problems: probs}
	}

	// Inspectors are split by province; a previous team that crossed provinces
	// (a hand edit) is kept by repairing everything as one group.
	groups := m.groups
	insGroup := make([]int, len(m.inspectors))
	visGroup := make([]int, len(m.visits))
	for gi := range groups {
		for _, i := range groups[gi].inspectors {
			insGroup[i] = gi + 1
		}
		for _, v := range groups[gi].visits {
			visGroup[v] = gi + 1
		}
	}
	crossing := false
	for v, o := range in.old {
		for _, i := range o.team {
			crossing = crossing || insGroup[i] != visGroup[v]
		}
	}
	if crossing {
		all := group{root: "*"}
		for v := range m.visits {
			all.visits = append(all.visits, v)
		}
		for i := range m.inspectors {
			all.inspectors = append(all.inspectors, i)
		}
		groups = []group{all}
	}

	results := make([]repairOut, len(groups))
	workers := min(runtime.GOMAXPROCS(0), len(groups))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for gi := range jobs {
				results[gi] = repairGroup(in, &groups[gi], opt)
			}
		}()
	}
	for gi := range groups {
		jobs <- gi
	}
	close(jobs)
	wg.Wait()

	out := &Plan{Visits: []Visit{}, Unscheduled: []Unscheduled{}}
	var notes []RepairNote
	for _, r := range results {
		probs = append(probs, r.conflicts...)
		out.Visits = append(out.Visits, r.visits...)
		out.Unscheduled = append(out.Unscheduled, r.unscheduled...)
		notes = append(notes, r.notes...)
	}
	if len(probs) > 0 {
		return nil, &ChangesError{Problems: probs}
	}
	slices.SortFunc(out.Visits, func(a, b Visit) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(out.Unscheduled, func(a, b Unscheduled) int { return cmp.Compare(a.Visit, b.Visit) })
	slices.SortFunc(notes, func(a, b RepairNote) int { return cmp.Compare(a.Visit, b.Visit) })
	out.Metrics = m.metrics(out)
	slices.Sort(cancelled)
	frozen := 0
	for _, o := range in.old {
		if o.frozen != "" {
			frozen++
		}
	}
	out.Repair = repairReport(plan, out, cancelled, in.moved, in.changed)
	out.Repair.Today = ch.Today
	out.Repair.Frozen = frozen
	return &RepairResult{Instance: changed, Plan: out, Notes: notes}, nil
}

func sortProblems(probs []ChangeProblem) {
	slices.SortStableFunc(probs, func(a, b ChangeProblem) int { return cmp.Compare(a.Field, b.Field) })
}

// anchor is the previous plan as the search sees it: each visit's previous
// start and team (local indices) and the disruption weights.
type anchor struct {
	start          []int32 // -1: not scheduled before
	team           [][]int32
	moved, changed int64
}

// delta is the disruption of v placed at s with team minus that of v unscheduled.
func (a *anchor) delta(v, s int, team []int32) int64 {
	o := a.start[v]
	if o < 0 {
		return 0
	}
	d := a.changed * int64(teamChanges(a.team[v], team))
	if int32(s) == o {
		d -= a.moved
	}
	return d
}

// teamChanges counts the changed places of a team (lead first): the larger of
// the inspectors who joined and who left, plus one when the new lead was
// already on the team in another role.
func teamChanges[T comparable](old, team []T) int {
	joined, left := 0, 0
	for _, i := range team {
		if !slices.Contains(old, i) {
			joined++
		}
	}
	for _, i := range old {
		if !slices.Contains(team, i) {
			left++
		}
	}
	n := max(joined, left)
	if len(old) > 0 && len(team) > 0 && old[0] != team[0] && slices.Contains(old, team[0]) {
		n++
	}
	return n
}

// repairOut is one group's part of the repaired plan.
type repairOut struct {
	visits      []Visit
	unscheduled []Unscheduled
	notes       []RepairNote
	conflicts   []ChangeProblem
}

// repairer repairs one group.
type repairer struct {
	in     *repairInput
	p      *problem
	st     *state
	a      *anchor
	old    []*oldVisit // local visit → previous placement
	alone  [][]int32   // local visit → starts before the today filter
	causes [][]Message // local visit → why its previous placement could not stay
	costs  []int64
}

func repairGroup(in *repairInput, g *group, opt Options) repairOut {
	m := in.m
	p := newProblem(m, g)
	p.diagnose()
	nV := len(p.visits)
	local := make(map[int]int32, len(p.insp))
	for li, mi := range p.insp {
		local[mi] = int32(li)
	}
	r := &repairer{in: in, p: p, old: make([]*oldVisit, nV), alone: make([][]int32, nV), causes: make([][]Message, nV)}
	r.a = &anchor{start: make([]int32, nV), team: make([][]int32, nV), moved: in.moved, changed: in.changed}
	for lv, mv := range g.visits {
		o := &in.old[mv]
		r.old[lv] = o
		r.a.start[lv] = int32(o.start)
		for _, i := range o.team {
			r.a.team[lv] = append(r.a.team[lv], local[i]) // every member is in the group
		}
		pv := &p.visits[lv]
		r.alone[lv] = pv.starts
		if o.frozen != "" {
			pv.starts = nil // never moved by the search
			continue
		}
		var starts []int32
		for _, s := range pv.starts {
			if int(s) >= in.today {
				starts = append(starts, s)
			}
		}
		pv.starts = starts
	}
	st := newState(p)
	st.anchor = r.a
	for lv := range r.a.start {
		if r.a.start[lv] >= 0 {
			st.disrupt += r.a.moved
		}
	}
	r.st = st

	var out repairOut
	out.conflicts = r.placeFrozen()
	if len(out.conflicts) > 0 {
		return out
	}
	queue := r.placeKept()
	for lv := range p.visits {
		if r.a.start[lv] < 0 && len(p.visits[lv].starts) > 0 {
			queue = append(queue, lv)
		}
	}
	slices.SortStableFunc(queue, func(a, b int) int {
		va, vb := &p.visits[a], &p.visits[b]
		if c := cmp.Compare(vb.prio, va.prio); c != 0 {
			return c
		}
		fa, fb := len(va.starts)*va.leads.count(), len(vb.starts)*vb.leads.count()
		if c := cmp.Compare(fa, fb); c != 0 {
			return c
		}
		if c := cmp.Compare(vb.days*vb.size, va.days*va.size); c != 0 {
			return c
		}
		return cmp.Compare(va.mv.ID, vb.mv.ID)
	})
	for _, v := range queue {
		r.insert(v)
	}

	movable := 0
	for lv := range p.visits {
		if len(p.visits[lv].starts) > 0 {
			movable++
		}
	}
	iters := RepairIterationsPerVisit * movable
	if opt.Iterations > 0 {
		iters = int(int64(opt.Iterations) * int64(movable) / int64(max(1, len(m.visits))))
	}
	if iters > 0 {
		seed := groupSeed(m, g, opt.Seed) ^ 0x7265706169720000 // "repair"
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		st.improve(rng, iters, 8)
	}
	r.output(&out)
	return out
}

// placeFrozen places every frozen visit where it was, or reports why it cannot stay.
func (r *repairer) placeFrozen() []ChangeProblem {
	st, a := r.st, r.a
	var order []int
	for lv, o := range r.old {
		if o.frozen != "" {
			order = append(order, lv)
		}
	}
	slices.SortFunc(order, func(x, y int) int {
		return cmp.Or(cmp.Compare(a.start[x], a.start[y]), cmp.Compare(x, y))
	})
	var out []ChangeProblem
	for _, v := range order {
		s, team := int(a.start[v]), a.team[v]
		if msg := r.frozenConflict(v, s, team); msg.ID != "" {
			out = append(out, ChangeProblem{Field: r.old[v].frozen, Msg: msg})
			continue
		}
		st.place(v, s, team)
	}
	return out
}

// frozenConflict says why frozen visit v cannot stay at s with team, or
// returns the zero message.
func (r *repairer) frozenConflict(v, s int, team []int32) Message {
	p, st := r.p, r.st
	pv := &p.visits[v]
	id := pv.mv.ID
	o := r.old[v]
	switch {
	case o.row.Days != pv.days || len(team) != pv.size:
		return Msg("repair.conflict.shape", "Visit", id, "Days", pv.days, "Size", pv.size,
			"OldDays", o.row.Days, "OldSize", len(team))
	case s+pv.days > p.nW || !pv.startOK[s]:
		return Msg("repair.conflict.dates", "Visit", id, "Date", p.m.dateOf(s))
	case p.body[team[0]] != pv.leadBody || !p.canLead.has(int(team[0])):
		return Msg("repair.conflict.lead", "Visit", id, "Inspector", r.name(team[0]), "Body", pv.mv.LeadBody)
	}
	if !p.covers(pv, team) {
		var held uint64
		for _, i := range team {
			held |= pv.smask[i]
		}
		for k, sk := range pv.mv.Skills {
			if held&(1<<uint(k)) == 0 {
				return Msg("repair.conflict.skill", "Visit", id, "Skill", sk)
			}
		}
	}
	for _, i := range team {
		if !pv.elig.has(int(i)) {
			return Msg("repair.conflict.interest", "Visit", id, "Inspector", r.name(i))
		}
		for d := s; d < s+pv.days; d++ {
			if p.leave[d].has(int(i)) {
				return Msg("repair.conflict.leave", "Visit", id, "Inspector", r.name(i), "Day", p.m.dateOf(d))
			}
		}
	}
	if u := st.siblingClash(v, s); u >= 0 {
		return Msg("repair.conflict.unit", "Visit", id, "Other", p.visits[u].mv.ID)
	}
	if !st.teamFree(v, s, team) {
		for _, i := range team {
			if !st.teamFree(v, s, []int32{i}) {
				return Msg("repair.conflict.busy", "Visit", id, "Inspector", r.name(i))
			}
		}
	}
	return Message{}
}

func (r *repairer) name(i int32) string { return r.p.m.inspectors[r.p.insp[i]].ID }

// placeKept puts every other previously scheduled visit back where it was
// when it still fits, else at its old start with the fewest team changes, and
// returns those that must move, with their causes recorded.
func (r *repairer) placeKept() []int {
	p, st, a := r.p, r.st, r.a
	var order []int
	for lv, o := range r.old {
		if o.frozen == "" && o.start >= 0 {
			order = append(order, lv)
		}
	}
	slices.SortFunc(order, func(x, y int) int {
		return cmp.Or(cmp.Compare(a.start[x], a.start[y]), cmp.Compare(x, y))
	})
	var pending, queue []int
	for _, v := range order {
		s, team := int(a.start[v]), a.team[v]
		if r.fits(v, s, team) {
			st.place(v, s, team)
			continue
		}
		r.causes[v] = r.displaced(v, s, team)
		pending = append(pending, v)
	}
	for _, v := range pending {
		pv := &p.visits[v]
		s := int(a.start[v])
		if s >= r.in.today && pv.startOK[s] && st.siblingClash(v, s) < 0 {
			if team := r.keepTeam(v, s, a.team[v]); team != nil {
				st.place(v, s, team)
				continue
			}
		}
		if len(pv.starts) > 0 {
			queue = append(queue, v)
		}
	}
	return queue
}

// fits reports whether v can stay at s with team exactly.
func (r *repairer) fits(v, s int, team []int32) bool {
	p, st := r.p, r.st
	pv := &p.visits[v]
	if len(team) != pv.size || !pv.startOK[s] || st.siblingClash(v, s) >= 0 || !pv.leads.has(int(team[0])) || !p.covers(pv, team) {
		return false
	}
	for k, i := range team {
		if !pv.elig.has(int(i)) || slices.Contains(team[k+1:], i) {
			return false
		}
	}
	return st.teamFree(v, s, team)
}

// displaced says why v cannot stay at s with its previous team: changed
// proposals, members now on leave, or the visit now in its place.
func (r *repairer) displaced(v, s int, team []int32) []Message {
	p, st := r.p, r.st
	pv := &p.visits[v]
	why := r.proposalChanges(v)
	end := min(s+pv.days, p.nW)
	for k, i := range team {
		for d := s; d < end; d++ {
			if !p.leave[d].has(int(i)) {
				continue
			}
			id, day := r.name(i), p.m.dateOf(d)
			from, to := day, day
			for _, iv := range r.in.leaves[id] {
				if iv.From <= day && day <= iv.To {
					from, to = iv.From, iv.To
					break
				}
			}
			key := "repair.cause.member_leave"
			if k == 0 {
				key = "repair.cause.lead_leave"
			}
			why = append(why, Msg(key, "Inspector", id, "From", from, "To", to))
			break
		}
	}
	if len(why) == 0 {
		if u := st.siblingClash(v, s); u >= 0 {
			why = append(why, Msg("repair.cause.taken", "Visit", p.visits[u].mv.ID))
		} else if u := r.occupant(v, s, team); u >= 0 {
			why = append(why, Msg("repair.cause.taken", "Visit", p.visits[u].mv.ID))
		} else {
			why = append(why, Msg("repair.cause.rules"))
		}
	}
	return why
}

// occupant returns a placed visit other than v that overlaps [s, s+days) and
// holds a member of team or v's unit, or -1.
func (r *repairer) occupant(v, s int, team []int32) int {
	p, st := r.p, r.st
	pv := &p.visits[v]
	for u := range p.visits {
		us := int(st.start[u])
		if u == v || us < 0 || us >= s+pv.days || s >= us+p.visits[u].days {
			continue
		}
		if p.visits[u].unit == pv.unit {
			return u
		}
		for _, i := range st.team[u] {
			if slices.Contains(team, i) {
				return u
			}
		}
	}
	return -1
}

// proposalChanges lists the proposals that joined or left v since the previous plan.
func (r *repairer) proposalChanges(v int) []Message {
	o := r.old[v]
	if o.row == nil {
		return nil
	}
	now := r.p.visits[v].mv.Proposals
	var added, removed []string
	for _, id := range now {
		if !slices.Contains(o.row.Proposals, id) {
			added = append(added, id)
		}
	}
	for _, id := range o.row.Proposals {
		if !slices.Contains(now, id) {
			removed = append(removed, id)
		}
	}
	var out []Message
	if len(added) > 0 {
		out = append(out, Msg("repair.cause.added", "Proposals", strings.Join(added, ", "), "Count", len(added)))
	}
	if len(removed) > 0 {
		out = append(out, Msg("repair.cause.withdrawn", "Proposals", strings.Join(removed, ", "), "Count", len(removed)))
	}
	if len(out) > 0 && (o.row.Days != r.p.visits[v].days || len(o.team) != r.p.visits[v].size) {
		out = append(out, Msg("repair.cause.shape", "Days", r.p.visits[v].days, "Size", r.p.visits[v].size))
	}
	return out
}

// keepTeam returns a team for v (not placed) at s that keeps the members of
// old who are still free and eligible, the old lead as lead when possible, and
// fills the other places as the engine's team builder would; nil when no team
// meets H3 there. With old nil it is the engine's team.
func (r *repairer) keepTeam(v, s int, old []int32) []int32 {
	p, st := r.p, r.st
	pv := &p.visits[v]
	if len(old) == 0 {
		return st.buildTeam(v, s, teamBalanced)
	}
	cand := newBitset(p.nI)
	st.free(pv, s, cand)
	team := make([]int32, 0, pv.size)
	var covered uint64
	add := func(i int32) {
		team = append(team, i)
		covered |= pv.smask[i]
	}
	// pick: the best free inspector of set not on the team, by the engine's
	// rules (not last year's lead, covers more missing skills, least loaded).
	pick := func(set bitset, lead, mustCover bool) int32 {
		best, bestGain, bestRot, bestLoad := int32(-1), -1, true, int32(0)
		for w := range cand {
			x := cand[w]
			if set != nil {
				x &= set[w]
			}
			for ; x != 0; x &= x - 1 {
				i := int32(w<<6 | bits.TrailingZeros64(x))
				if slices.Contains(team, i) {
					continue
				}
				gain := bits.OnesCount64(pv.smask[i] &^ covered)
				if mustCover && gain == 0 {
					continue
				}
				rot := lead && isRot(pv, i)
				better := best < 0
				if !better {
					switch {
					case rot != bestRot:
						better = !rot
					case gain != bestGain:
						better = gain > bestGain
					case st.load[i] != bestLoad:
						better = st.load[i] < bestLoad
					}
				}
				if better {
					best, bestGain, bestRot, bestLoad = i, gain, rot, st.load[i]
				}
			}
		}
		return best
	}
	var lead int32 = -1
	switch {
	case cand.has(int(old[0])) && pv.leads.has(int(old[0])):
		lead = old[0]
	default:
		// A new lead from outside the team changes one place; promoting a
		// member changes two (the lead and the member who replaces them).
		outside := newBitset(p.nI)
		for w := range outside {
			outside[w] = pv.leads[w]
		}
		for _, i := range old {
			outside.clear(int(i))
		}
		if lead = pick(outside, true, false); lead < 0 {
			lead = pick(pv.leads, true, false)
		}
	}
	if lead < 0 {
		return nil
	}
	add(lead)
	for _, i := range old[1:] {
		if len(team) < pv.size && i != lead && cand.has(int(i)) {
			add(i)
		}
	}
	if old[0] != lead && len(team) < pv.size && cand.has(int(old[0])) {
		add(old[0]) // the old lead stays as a member
	}
	for _, b := range pv.bodies {
		if len(team) < pv.size && !teamHasBody(p, team, b) {
			if i := pick(p.bodySets[b], false, false); i >= 0 {
				add(i)
			}
		}
	}
	need := fullMask(len(pv.skills))
	for covered&need != need && len(team) < pv.size {
		i := pick(nil, false, true)
		if i < 0 {
			break
		}
		add(i)
	}
	for len(team) < pv.size {
		i := pick(nil, false, false)
		if i < 0 {
			return nil
		}
		add(i)
	}
	if covered&need != need {
		return st.buildTeam(v, s, teamBalanced)
	}
	return append(st.newTeam(len(team)), team...)
}

// insert places v (not placed) at its cheapest start from today on, counting
// the move, with the fewest team changes; false when no start has a team.
func (r *repairer) insert(v int) bool {
	p, st, a := r.p, r.st, r.a
	pv := &p.visits[v]
	r.costs = st.startCosts(v, r.costs)
	if o := a.start[v]; o >= 0 {
		for k, s := range pv.starts {
			if s != o {
				r.costs[k] += p.W * a.moved
			}
		}
	}
	for {
		best := -1
		for k, c := range r.costs {
			if c != math.MaxInt64 && (best < 0 || c < r.costs[best]) {
				best = k
			}
		}
		if best < 0 {
			return false
		}
		r.costs[best] = math.MaxInt64
		s := int(pv.starts[best])
		if st.siblingClash(v, s) >= 0 {
			continue
		}
		if team := r.keepTeam(v, s, a.team[v]); team != nil {
			st.place(v, s, team)
			return true
		}
	}
}

// output writes the group's rows and the notes of every visit the repair changed.
func (r *repairer) output(out *repairOut) {
	p, st, a := r.p, r.st, r.a
	m := p.m
	for v := range p.visits {
		pv := &p.visits[v]
		o := r.old[v]
		s := int(st.start[v])
		if s < 0 {
			var why []Message
			if o.start >= 0 {
				why = append(why, r.causesOf(v)...)
				why = append(why, Msg("repair.dropped", "From", m.dateOf(o.start)))
			}
			switch {
			case len(r.alone[v]) == 0:
				why = append(why, Msg("repair.unscheduled.never", "Body", pv.mv.LeadBody, "Size", pv.size, "Days", pv.days))
			case len(pv.starts) == 0:
				why = append(why, Msg("repair.unscheduled.before_today", "Today", r.in.todayID))
			default:
				why = append(why, Msg("repair.unscheduled.no_room", "Today", r.in.todayID, "Body", pv.mv.LeadBody, "Count", len(pv.starts)))
			}
			out.unscheduled = append(out.unscheduled, Unscheduled{Visit: pv.mv.ID, Proposals: slices.Clone(pv.mv.Proposals)})
			out.notes = append(out.notes, RepairNote{Visit: pv.mv.ID, Why: why})
			continue
		}
		team := st.team[v]
		row := r.row(v)
		if o.start < 0 {
			key := "repair.new"
			if o.listed {
				key = "repair.placed"
			}
			out.visits = append(out.visits, row)
			out.notes = append(out.notes, RepairNote{Visit: pv.mv.ID, Why: []Message{r.dateLine(v, key)}})
			continue
		}
		changes := teamChanges(a.team[v], team)
		if s == int(a.start[v]) && changes == 0 {
			if slices.Equal(o.row.Proposals, pv.mv.Proposals) && o.row.Days == pv.days {
				out.visits = append(out.visits, cloneRow(*o.row))
				continue
			}
			row.Why, row.WhyVi = slices.Clone(o.row.Why), slices.Clone(o.row.WhyVi)
			out.visits = append(out.visits, row)
			out.notes = append(out.notes, RepairNote{Visit: pv.mv.ID, Why: r.proposalChanges(v), KeepOld: true})
			continue
		}
		why := r.causesOf(v)
		if s != int(a.start[v]) {
			why = append(why, r.dateLine(v, "repair.moved"))
		}
		why = append(why, r.teamLines(a.team[v], team)...)
		out.visits = append(out.visits, row)
		out.notes = append(out.notes, RepairNote{Visit: pv.mv.ID, Why: why})
	}
}

// causesOf returns why v changed: the causes recorded when its previous
// placement did not fit, else (a change the search made) its changed
// proposals, the visit now on its previous days, or that the whole plan is
// cheaper so.
func (r *repairer) causesOf(v int) []Message {
	if len(r.causes[v]) > 0 {
		return r.causes[v]
	}
	if why := r.proposalChanges(v); len(why) > 0 {
		return why
	}
	o := int(r.a.start[v])
	if o >= 0 && o < r.p.nW {
		if u := r.occupant(v, o, r.a.team[v]); u >= 0 && r.changedBy(u) {
			return []Message{Msg("repair.cause.taken", "Visit", r.p.visits[u].mv.ID)}
		}
	}
	return []Message{Msg("repair.cause.cheaper")}
}

// changedBy reports whether the repair placed, moved or re-teamed visit u.
func (r *repairer) changedBy(u int) bool {
	s, o := r.st.start[u], r.a.start[u]
	return s >= 0 && (o < 0 || s != o || teamChanges(r.a.team[u], r.st.team[u]) > 0)
}

// dateLine says where v went and why that date: the first start from today
// (or from its previous date, when it moved later) where a team was free, or
// the cheapest of several free ones.
func (r *repairer) dateLine(v int, key string) Message {
	p, st, a := r.p, r.st, r.a
	pv := &p.visits[v]
	s := int(st.start[v])
	since := r.in.today
	if o := int(a.start[v]); o >= 0 && o < s {
		since = o
	}
	team := st.team[v]
	st.unplace(v)
	first := true
	for _, x := range pv.starts {
		if int(x) < since || int(x) >= s {
			continue
		}
		if st.siblingClash(v, int(x)) < 0 && r.keepTeam(v, int(x), a.team[v]) != nil {
			first = false
			break
		}
	}
	st.place(v, s, team)
	args := []any{"To", p.m.dateOf(s), "Body", pv.mv.LeadBody, "Proposals", strings.Join(pv.mv.Proposals, ", "),
		"Count", len(pv.mv.Proposals)}
	if o := int(a.start[v]); o >= 0 {
		args = append(args, "From", p.m.dateOf(o))
	}
	if first {
		since = max(since, 0)
		if since < p.nW {
			args = append(args, "Since", p.m.dateOf(since))
		}
		return Msg(key+".first_free", args...)
	}
	return Msg(key+".cheapest", args...)
}

// teamLines says who replaced whom between the previous team and the new one
// (both lead first).
func (r *repairer) teamLines(old, team []int32) []Message {
	var out []Message
	var joined, left []int32
	for _, i := range team {
		if !slices.Contains(old, i) {
			joined = append(joined, i)
		}
	}
	for _, i := range old {
		if !slices.Contains(team, i) {
			left = append(left, i)
		}
	}
	if len(old) > 0 && old[0] != team[0] {
		if slices.Contains(old, team[0]) {
			out = append(out, Msg("repair.team.promoted", "In", r.name(team[0]), "Out", r.name(old[0])))
		} else {
			out = append(out, Msg("repair.team.lead", "In", r.name(team[0]), "Out", r.name(old[0])))
			joined = slices.DeleteFunc(joined, func(i int32) bool { return i == team[0] })
			left = slices.DeleteFunc(left, func(i int32) bool { return i == old[0] })
		}
	}
	for k := 0; k < max(len(joined), len(left)); k++ {
		switch {
		case k < len(joined) && k < len(left):
			out = append(out, Msg("repair.team.member", "In", r.name(joined[k]), "Out", r.name(left[k])))
		case k < len(joined):
			out = append(out, Msg("repair.team.joined", "In", r.name(joined[k])))
		default:
			out = append(out, Msg("repair.team.left", "Out", r.name(left[k])))
		}
	}
	return out
}

// row is v's plan row (no why yet): the lead first, then members by id.
func (r *repairer) row(v int) Visit {
	p, st := r.p, r.st
	m := p.m
	pv := &p.visits[v]
	s := int(st.start[v])
	team := slices.Clone(st.team[v])
	slices.Sort(team[1:]) // local indices follow inspector ids
	members := make([]TeamMember, len(team))
	for k, i := range team {
		role := RoleMember
		if k == 0 {
			role = RoleLead
		}
		members[k] = TeamMember{Inspector: r.name(i), Role: role}
	}
	return Visit{
		ID: pv.mv.ID, Unit: pv.mv.Unit, Form: pv.mv.Form,
		Proposals: slices.Clone(pv.mv.Proposals), LeadBody: pv.mv.LeadBody,
		Start: m.dateOf(s), End: m.dateOf(s + pv.days - 1), Days: pv.days, Team: members,
	}
}

func cloneRow(v Visit) Visit {
	v.Proposals = slices.Clone(v.Proposals)
	v.Team = slices.Clone(v.Team)
	v.Why = slices.Clone(v.Why)
	v.WhyVi = slices.Clone(v.WhyVi)
	return v
}

// repairReport compares the previous plan with the repaired one plainly (by
// ids, independent of the search) and scores the disruption.
func repairReport(before, after *Plan, cancelled []string, movedW, changedW int64) *RepairReport {
	rep := &RepairReport{Moved: []string{}, Reteamed: []string{}, Placed: []string{}, Dropped: []string{},
		Cancelled: cancelled}
	if rep.Cancelled == nil {
		rep.Cancelled = []string{}
	}
	prev := make(map[string]*Visit, len(before.Visits))
	for k := range before.Visits {
		prev[before.Visits[k].ID] = &before.Visits[k]
	}
	for _, u := range after.Unscheduled {
		if prev[u.Visit] != nil {
			rep.Dropped = append(rep.Dropped, u.Visit)
		}
	}
	for _, v := range after.Visits {
		o := prev[v.ID]
		switch {
		case o == nil:
			rep.Placed = append(rep.Placed, v.ID)
			continue
		case o.Start != v.Start:
			rep.Moved = append(rep.Moved, v.ID)
		}
		n := teamChanges(leadFirst(o.Team), leadFirst(v.Team))
		rep.ChangedMembers += n
		switch {
		case o.Start == v.Start && n > 0:
			rep.Reteamed = append(rep.Reteamed, v.ID)
		case o.Start == v.Start && slices.Equal(o.Proposals, v.Proposals):
			rep.Unchanged++
		}
	}
	moved := movedW * int64(len(rep.Moved)+len(rep.Dropped))
	members := changedW * int64(rep.ChangedMembers)
	rep.DisruptionBy = map[string]float64{"moved_visit": float64(moved), "changed_member": float64(members)}
	rep.Disruption = float64(moved + members)
	rep.Penalty = math.Round((after.Metrics.Penalty+rep.Disruption)*100) / 100
	return rep
}

// leadFirst returns the inspector ids of a team with the lead first.
func leadFirst(team []TeamMember) []string {
	out := make([]string, 0, len(team))
	for _, tm := range team {
		if tm.Role == RoleLead {
			out = append([]string{tm.Inspector}, out...)
		} else {
			out = append(out, tm.Inspector)
		}
	}
	return out
}

// Render writes the notes into the plan's rows and renders every row's
// sentences: why (English) and why_vi (Vietnamese) of the changed visits,
// reason and reason_vi of the unscheduled ones. render turns a message into a
// sentence of a language ("en", "vi").
func (res *RepairResult) Render(render func(lang string, m Message) string) {
	rows := make(map[string]*Visit, len(res.Plan.Visits))
	for k := range res.Plan.Visits {
		rows[res.Plan.Visits[k].ID] = &res.Plan.Visits[k]
	}
	unsched := make(map[string]*Unscheduled, len(res.Plan.Unscheduled))
	for k := range res.Plan.Unscheduled {
		unsched[res.Plan.Unscheduled[k].Visit] = &res.Plan.Unscheduled[k]
	}
	lines := func(lang string, msgs []Message) []string {
		out := make([]string, len(msgs))
		for k, m := range msgs {
			out[k] = render(lang, m)
		}
		return out
	}
	for _, n := range res.Notes {
		if u := unsched[n.Visit]; u != nil {
			u.Reason = strings.Join(lines("en", n.Why), "; ")
			u.ReasonVi = strings.Join(lines("vi", n.Why), "; ")
			continue
		}
		row := rows[n.Visit]
		switch {
		case row == nil:
		case !n.KeepOld:
			row.WhyMsgs, row.Why, row.WhyVi = n.Why, nil, nil
		case len(row.WhyMsgs) > 0 || len(row.Why) == 0:
			row.WhyMsgs, row.Why, row.WhyVi = append(row.WhyMsgs, n.Why...), nil, nil
		default:
			// A row of an older plan carries sentences only: add the new
			// lines as sentences, keeping WhyVi in step with Why or empty.
			if len(row.WhyVi) == len(row.Why) {
				row.WhyVi = append(row.WhyVi, lines("vi", n.Why)...)
			}
			row.Why = append(row.Why, lines("en", n.Why)...)
		}
	}
	res.Plan.Render(func(m Message) string { return render("en", m) }, func(m Message) string { return render("vi", m) })
}
