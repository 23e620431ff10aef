package planning

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"khung/app/calendar"
)

// model is a validated instance with its ids resolved: the calendar, the unit
// tree, the merged visits and the groups (provinces) that can be solved apart.
type model struct {
	inst       *Instance
	rules      Rules
	cal        *calendar.Year
	visits     []MergedVisit
	unitIdx    map[string]int // unit id → index in inst.Units
	parent     []int          // unit index → parent index or -1
	inspectors []Inspector    // sorted by id
	inspIdx    map[string]int
	bodyIdx    map[string]int
	bodyNames  map[string]string
	proposals  map[string]Proposal
	lastLeads  map[string][]string // unit → lead inspectors of its most recent history year
	skillIdx   map[string]int
	groups     []group
}

// group is a set of visits and the inspectors who may serve them. Inspectors
// never serve outside the province (root unit) of their home unit, so each
// province is an independent problem.
type group struct {
	root       string
	visits     []int // indices into model.visits
	inspectors []int // indices into model.inspectors
}

func newModel(inst *Instance) (*model, error) {
	if err := Validate(inst); err != nil {
		return nil, err
	}
	m := &model{inst: inst, rules: EffectiveRules(inst.Rules)}
	parse := func(list []string) []time.Time {
		out := make([]time.Time, 0, len(list))
		for _, s := range list {
			t, _ := calendar.Parse(s) // validated
			out = append(out, t)
		}
		return out
	}
	cal, err := calendar.New(inst.Year, parse(inst.Calendar.Holidays), parse(inst.Calendar.ExtraWorkingDays))
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	m.cal = cal
	m.visits = merge(inst)

	m.unitIdx = make(map[string]int, len(inst.Units))
	for i, u := range inst.Units {
		m.unitIdx[u.ID] = i
	}
	m.parent = make([]int, len(inst.Units))
	for i, u := range inst.Units {
		m.parent[i] = -1
		if u.Parent != "" {
			m.parent[i] = m.unitIdx[u.Parent]
		}
	}
	m.inspectors = slices.Clone(inst.Inspectors)
	slices.SortFunc(m.inspectors, func(a, b Inspector) int { return cmp.Compare(a.ID, b.ID) })
	m.inspIdx = make(map[string]int, len(m.inspectors))
	for i, in := range m.inspectors {
		m.inspIdx[in.ID] = i
	}
	m.bodyIdx = map[string]int{}
	m.bodyNames = map[string]string{}
	bodyIDs := make([]string, 0, len(inst.Bodies))
	for _, b := range inst.Bodies {
		bodyIDs = append(bodyIDs, b.ID)
		m.bodyNames[b.ID] = b.Name
	}
	slices.Sort(bodyIDs)
	for i, b := range bodyIDs {
		m.bodyIdx[b] = i
	}
	m.proposals = make(map[string]Proposal, len(inst.Proposals))
	for _, p := range inst.Proposals {
		m.proposals[p.ID] = p
	}
	latest := map[string]int{}
	m.lastLeads = map[string][]string{}
	for _, h := range inst.History {
		y, seen := latest[h.Unit]
		switch {
		case !seen || h.Year > y:
			latest[h.Unit] = h.Year
			m.lastLeads[h.Unit] = []string{h.LeadInspector}
		case h.Year == y:
			m.lastLeads[h.Unit] = append(m.lastLeads[h.Unit], h.LeadInspector)
		}
	}
	var skills []string
	for _, in := range m.inspectors {
		skills = append(skills, in.Skills...)
	}
	for _, v := range m.visits {
		skills = append(skills, v.Skills...)
	}
	skills = sortedUnique(skills)
	m.skillIdx = make(map[string]int, len(skills))
	for i, s := range skills {
		m.skillIdx[s] = i
	}
	m.buildGroups()
	return m, nil
}

// root returns the id of the top ancestor of unit index u.
func (m *model) root(u int) string {
	for m.parent[u] >= 0 {
		u = m.parent[u]
	}
	return m.inst.Units[u].ID
}

// buildGroups splits visits and inspectors by province (root unit). With a
// single root everything is one group. An inspector whose home unit is not
// listed goes to the province where their body has most visits.
func (m *model) buildGroups() {
	byRoot := map[string]*group{}
	var roots []string
	get := func(r string) *group {
		g := byRoot[r]
		if g == nil {
			g = &group{root: r}
			byRoot[r] = g
			roots = append(roots, r)
		}
		return g
	}
	bodyVotes := map[string]map[string]int{}
	for vi, v := range m.visits {
		r := m.root(m.unitIdx[v.Unit])
		get(r).visits = append(get(r).visits, vi)
		for _, b := range v.Bodies {
			if bodyVotes[b] == nil {
				bodyVotes[b] = map[string]int{}
			}
			bodyVotes[b][r]++
		}
	}
	slices.Sort(roots)
	for ii, in := range m.inspectors {
		r := ""
		if u, ok := m.unitIdx[in.HomeUnit]; ok {
			r = m.root(u)
		} else {
			best := 0
			for _, cand := range roots {
				if n := bodyVotes[in.Body][cand]; n > best {
					r, best = cand, n
				}
			}
		}
		if len(roots) == 1 {
			r = roots[0]
		}
		if g := byRoot[r]; g != nil {
			g.inspectors = append(g.inspectors, ii)
		}
	}
	for _, r := range roots {
		m.groups = append(m.groups, *byRoot[r])
	}
}

// dateOf formats working day i.
func (m *model) dateOf(i int) string { return calendar.Format(m.cal.Day(i)) }

// dayRange converts an inclusive interval to working-day indices [a, b]; a > b
// when it holds no working day.
func (m *model) dayRange(iv Interval) (int, int) {
	from, err1 := calendar.Parse(iv.From)
	to, err2 := calendar.Parse(iv.To)
	if err1 != nil || err2 != nil {
		return 0, -1
	}
	return m.cal.NextIndex(from), m.cal.PrevIndex(to)
}
