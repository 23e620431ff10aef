package planning

import (
	"cmp"
	"slices"
)

// diagnose finds, before any search, the starts where a visit could be placed
// if it were alone (a lead of the lead body, a holder of every skill and enough
// inspectors free of conflict, leave and max_days on every day), and the exact
// reason when there is none. These starts are a relaxation: the search only
// ever tries them, and LowerBound uses them.
func (p *problem) diagnose() {
	alone := newBitset(p.nI)
	// avail[d][s]: inspectors off leave on all of [s, s+d), built up by length.
	avail := map[int][]bitset{}
	for v := range p.visits {
		d := p.visits[v].days
		if _, ok := avail[d]; ok || d > p.nW {
			continue
		}
		avail[d] = nil
	}
	run := make([]bitset, p.nW)
	for s := range run {
		run[s] = newBitset(p.nI)
		for w := range run[s] {
			run[s][w] = ^p.leave[s][w]
		}
	}
	for d := 1; d <= p.nW && len(avail) > 0; d++ {
		if d > 1 {
			for s := 0; s+d <= p.nW; s++ {
				for w := range run[s] {
					run[s][w] &^= p.leave[s+d-1][w]
				}
			}
		}
		if _, ok := avail[d]; ok {
			// Inspectors whose max_days is below d can never take the visit.
			short := newBitset(p.nI)
			p.capped.each(func(i int) {
				if int(p.maxDays[i]) < d {
					short.set(i)
				}
			})
			tab := make([]bitset, p.nW)
			for s := 0; s+d <= p.nW; s++ {
				tab[s] = slices.Clone(run[s])
				for w := range short {
					tab[s][w] &^= short[w]
				}
			}
			avail[d] = tab
		}
		done := true
		for k, t := range avail {
			if t == nil && k > d {
				done = false
			}
		}
		if done {
			break
		}
	}
	for v := range p.visits {
		pv := &p.visits[v]
		pv.starts = pv.starts[:0]
		pv.reason = p.impossible(pv)
		if pv.reason.ID != "" {
			continue
		}
		tab := avail[pv.days]
		for s := 0; s < p.nW; s++ {
			if pv.startOK[s] && p.aloneFeasible(pv, tab[s], alone) {
				pv.starts = append(pv.starts, int32(s))
			}
		}
		if len(pv.starts) == 0 {
			pv.reason = Msg("planning.reason.no_feasible_start", "Count", pv.days, "Body", pv.mv.LeadBody, "Size", pv.size)
		}
	}
}

// aloneFeasible is the relaxation of H2–H4 for visit pv alone at a start
// where the inspectors in avail are off leave on every day and have max_days
// room for the visit.
func (p *problem) aloneFeasible(pv *pvisit, avail bitset, out bitset) bool {
	for w := range out {
		out[w] = pv.elig[w] & avail[w]
	}
	if out.count() < pv.size {
		return false
	}
	ok := false
	for w := range out {
		if out[w]&pv.leads[w] != 0 {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	for _, k := range pv.skills {
		set := p.skillSet[k]
		if set == nil {
			return false
		}
		hit := false
		for w := range out {
			if out[w]&set[w] != 0 {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

// impossible explains why a visit can never be placed whatever the dates, or
// returns the empty message.
func (p *problem) impossible(pv *pvisit) Message {
	m := p.m
	lead := pv.mv.LeadBody
	if len(pv.skills) > 64 {
		return Msg("planning.reason.too_many_skills")
	}
	anyStart := false
	for _, ok := range pv.startOK {
		anyStart = anyStart || ok
	}
	if !anyStart {
		if pv.days > p.nW {
			return Msg("planning.reason.year_too_short", "Count", pv.days, "Year", m.inst.Year, "Working", p.nW)
		}
		return Msg("planning.reason.blackouts", "Count", pv.days, "Year", m.inst.Year)
	}
	canLead := newBitset(p.nI)
	for w := range canLead {
		canLead[w] = p.canLead[w] & p.bodySets[pv.leadBody][w]
	}
	switch {
	case canLead.count() == 0:
		return Msg("planning.reason.no_lead_inspector", "Body", lead)
	case pv.leads.count() == 0:
		return Msg("planning.reason.leads_conflicted", "Body", lead)
	}
	longEnough := false
	pv.leads.each(func(i int) {
		longEnough = longEnough || p.maxDays[i] == 0 || int(p.maxDays[i]) >= pv.days
	})
	if !longEnough {
		return Msg("planning.reason.leads_max_days", "Body", lead, "Days", pv.days)
	}
	for k, s := range pv.skills {
		set := p.skillSet[s]
		if set == nil {
			return Msg("planning.reason.no_skill", "Skill", pv.mv.Skills[k])
		}
		hit := false
		for w := range set {
			hit = hit || set[w]&pv.elig[w] != 0
		}
		if !hit {
			return Msg("planning.reason.skill_conflicted", "Skill", pv.mv.Skills[k])
		}
	}
	if n := pv.elig.count(); n < pv.size {
		return Msg("planning.reason.too_few_eligible", "Size", pv.size, "Count", n)
	}
	return Message{}
}

// order returns the visits most-constrained first: priority, then fewest
// (start, lead) pairs, then larger (days × team), then id.
func (p *problem) order() []int {
	idx := make([]int, len(p.visits))
	freedom := make([]int, len(p.visits))
	for v := range idx {
		idx[v] = v
		freedom[v] = len(p.visits[v].starts) * p.visits[v].leads.count()
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		va, vb := &p.visits[a], &p.visits[b]
		if c := cmp.Compare(vb.prio, va.prio); c != 0 {
			return c
		}
		if c := cmp.Compare(freedom[a], freedom[b]); c != 0 {
			return c
		}
		if c := cmp.Compare(vb.days*vb.size, va.days*va.size); c != 0 {
			return c
		}
		return cmp.Compare(va.mv.ID, vb.mv.ID)
	})
	return idx
}

// balance holds, for a visit about to be added, what the balance term of every
// start is made of: the months' terms after the total grows (base is their
// sum), and per month the weighted balance change of a start whose days all
// lie in it.
type balance struct {
	newTotal int64
	base     int64
	term     [12]int64
	within   [12]int64
}

func (st *state) balanceOf(pv *pvisit) (b balance) {
	p := st.p
	add := int64(pv.size * pv.days)
	b.newTotal = st.total + add
	for m := 0; m < 12; m++ {
		b.term[m] = abs64(p.W*st.monthLoad[m] - b.newTotal*p.monthW[m])
		b.base += b.term[m]
	}
	wb := p.m.rules.Weights.BalanceDay
	for m := 0; m < 12; m++ {
		b.within[m] = wb * (b.base + abs64(p.W*(st.monthLoad[m]+add)-b.newTotal*p.monthW[m]) - b.term[m])
	}
	return b
}

// crossCost is the weighted balance term of pv starting at s when its days
// span months: each month takes its days up to the month's end.
func (st *state) crossCost(pv *pvisit, s int, b *balance) int64 {
	p := st.p
	bal := b.base
	from := s
	for m := p.month[s]; m <= p.month[s+pv.days-1]; m++ {
		to := min(s+pv.days, int(p.monthEnd[m]))
		if to <= from {
			continue // a month without working days in between
		}
		x := p.W*(st.monthLoad[m]+int64(to-from)*int64(pv.size)) - b.newTotal*p.monthW[m]
		bal += abs64(x) - b.term[m]
		from = to
	}
	return p.m.rules.Weights.BalanceDay * bal
}

// startCosts writes into costs[k] the marginal penalty × W of placing v at
// pv.starts[k] (window, area_week, balance), ignoring team-dependent terms.
func (st *state) startCosts(v int, costs []int64) []int64 {
	p := st.p
	pv := &p.visits[v]
	b := st.balanceOf(pv)
	starts := pv.starts
	n := len(starts)
	costs = slices.Grow(costs[:0], n)[:n]
	for k, s := range starts {
		if m := p.month[s]; m == p.month[int(s)+pv.days-1] {
			costs[k] = p.W*pv.win[s] + b.within[m]
		} else {
			costs[k] = p.W*pv.win[s] + st.crossCost(pv, int(s), &b)
		}
	}
	if pv.area >= 0 {
		aw := st.aw[int(pv.area)*p.nWeek : (int(pv.area)+1)*p.nWeek]
		areaWeek := p.W * p.m.rules.Weights.AreaWeek
		for k, s := range starts {
			if aw[p.week[s]] == 0 {
				costs[k] += areaWeek
			}
		}
	}
	return costs
}

// cheapestStart returns the index k of pv.starts with the least startCosts
// cost (the earliest on ties) without costing every start: within one month
// starts differ only by window and area_week costs, so each month's starts,
// kept sorted by window cost, are read only while they can still win.
func (st *state) cheapestStart(v int) int {
	p := st.p
	pv := &p.visits[v]
	b := st.balanceOf(pv)
	var aw []int32
	if pv.area >= 0 {
		aw = st.aw[int(pv.area)*p.nWeek : (int(pv.area)+1)*p.nWeek]
	}
	areaWeek := p.W * p.m.rules.Weights.AreaWeek
	best, bestC := -1, int64(0)
	sorted, mi := st.byMonth[v], &st.months[v]
	scan := func(m int) {
		// The last start read, when its week has no visit of the area: the
		// next starts of that week at the same window cost cannot win.
		emptyWeek, emptyWin := int16(-1), int64(0)
		for _, e := range sorted[mi.from[m]:mi.from[m+1]] {
			if e.week == emptyWeek && e.win == emptyWin {
				continue
			}
			c := e.win + b.within[m]
			if best >= 0 && c > bestC {
				break // the rest of the month costs at least as much
			}
			full := aw != nil && aw[e.week] == 0
			if full {
				c += areaWeek
			}
			if best < 0 || c < bestC || (c == bestC && int(e.k) < best) {
				best, bestC = int(e.k), c
			}
			if !full {
				break // later starts of the month cost at least c, with a later index on ties
			}
			emptyWeek, emptyWin = e.week, e.win
		}
	}
	// A month's starts cost at least its least window cost plus its
	// balance term: read first the month where that is least, then only
	// the months that can still win (or tie with an earlier start).
	var low [12]int64
	first := -1
	for m := 0; m < 12; m++ {
		if mi.from[m] < mi.from[m+1] {
			low[m] = mi.minWin[m] + b.within[m]
			if first < 0 || low[m] < low[first] {
				first = m
			}
		}
	}
	if first >= 0 {
		scan(first)
	}
	for m := 0; m < 12; m++ {
		if m != first && mi.from[m] < mi.from[m+1] && low[m] <= bestC {
			scan(m)
		}
	}
	// A start across months changes each month's term by at least minus its
	// days there, so its balance cost is at least lowBal.
	lowBal := p.m.rules.Weights.BalanceDay * (b.base - p.W*int64(pv.days*pv.size))
	for _, e := range st.crossMonth[v] {
		if best >= 0 && e.win+lowBal > bestC {
			break
		}
		s := int(pv.starts[e.k])
		c := e.win + st.crossCost(pv, s, &b)
		if aw != nil && aw[e.week] == 0 {
			c += areaWeek
		}
		if best < 0 || c < bestC || (c == bestC && int(e.k) < best) {
			best, bestC = int(e.k), c
		}
	}
	return best
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// anyLeadHasRoom reports whether one of the visit's possible leads has
// max_days room for it.
func (st *state) anyLeadHasRoom(pv *pvisit) bool {
	tight := st.tight[pv.days]
	for w, x := range pv.leads {
		if x&^tight[w] != 0 {
			return true
		}
	}
	return false
}

// insertBest places v at its cheapest start where a team can be formed,
// trying starts in order of marginal cost; it returns false when none works.
// At most maxTries starts are tried (0 = all).
func (st *state) insertBest(v int, costs []int64, maxTries int) ([]int64, bool) {
	pv := &st.p.visits[v]
	if !st.anyLeadHasRoom(pv) {
		return costs, false // no start can have a team
	}
	// The first try is usually enough: find it without costing every start,
	// and cost and order the other starts only when it fails.
	first := st.cheapestStart(v)
	for tries := 0; maxTries == 0 || tries < maxTries; tries++ {
		best := first
		if tries == 1 {
			costs = st.startCosts(v, costs)
			if maxTries > 0 {
				st.order.initBest(costs, first, maxTries-1)
			} else {
				st.order.init(costs, first)
			}
		}
		if tries > 0 {
			best = st.order.pop()
		}
		if best < 0 {
			return costs, false
		}
		s := int(pv.starts[best])
		if st.siblingClash(v, s) >= 0 {
			continue
		}
		if team := st.buildTeam(v, s, teamBalanced); team != nil {
			st.place(v, s, team)
			return costs, true
		}
	}
	return costs, false
}

// construct places every possible visit most-constrained first.
func (st *state) construct() {
	var costs []int64
	for _, v := range st.p.order() {
		if st.p.visits[v].reason.ID == "" {
			costs, _ = st.insertBest(v, costs, 0)
		}
	}
}

// greedy is the plain first-fit baseline: visits in id order, each at the
// first start (in-window starts first, then by date) where the smallest-id
// team that meets H3 is free.
func (st *state) greedy() {
	p := st.p
	for v := range p.visits {
		pv := &p.visits[v]
		if pv.reason.ID != "" {
			continue
		}
		starts := slices.Clone(pv.starts)
		slices.SortStableFunc(starts, func(a, b int32) int { return cmp.Compare(pv.win[a], pv.win[b]) })
		for _, s := range starts {
			if st.siblingClash(v, int(s)) >= 0 {
				continue
			}
			if team := st.buildTeam(v, int(s), teamFirstFit); team != nil {
				st.place(v, int(s), team)
				break
			}
		}
	}
}

// capacityNotes compares demand and supply of inspector-days, per quarter (for
// visits whose windows all lie in it) and per lead body (lead-days), and
// returns messages for the over-subscribed ones, keyed by visit.
func (p *problem) capacityNotes() map[int][]Message {
	notes := map[int][]Message{}
	// Quarter of a working day.
	quarter := func(d int) int { return int(p.month[d]) / 3 }
	var supply, demand [4]int64
	for d := 0; d < p.nW; d++ {
		supply[quarter(d)] += int64(p.nI - p.leave[d].count())
	}
	inQuarter := make([]int, len(p.visits))
	for v := range p.visits {
		pv := &p.visits[v]
		inQuarter[v] = -1
		q := -1
		for _, iv := range pv.mv.Windows {
			if iv.From == "" {
				q = -2
				break
			}
			a, z := p.m.dayRange(iv)
			if a > z {
				q = -2
				break
			}
			qa, qz := quarter(a), quarter(z)
			if qa != qz || (q >= 0 && q != qa) {
				q = -2
				break
			}
			q = qa
		}
		if q >= 0 && pv.reason.ID == "" {
			inQuarter[v] = q
			demand[q] += int64(pv.days * pv.size)
		}
	}
	for v, q := range inQuarter {
		if q >= 0 && demand[q] > supply[q] {
			notes[v] = append(notes[v], Msg("planning.reason.quarter_full", "Quarter", q+1, "Count", demand[q]-supply[q]))
		}
	}
	// Lead-days per lead body.
	leadSupply := map[int32]int64{}
	leadDemand := map[int32]int64{}
	for i := 0; i < p.nI; i++ {
		if !p.canLead.has(i) {
			continue
		}
		days := int64(p.nW)
		for d := 0; d < p.nW; d++ {
			if p.leave[d].has(i) {
				days--
			}
		}
		if p.maxDays[i] > 0 {
			days = min(days, int64(p.maxDays[i]))
		}
		leadSupply[p.body[i]] += days
	}
	for v := range p.visits {
		if pv := &p.visits[v]; pv.reason.ID == "" {
			leadDemand[pv.leadBody] += int64(pv.days)
		}
	}
	for v := range p.visits {
		pv := &p.visits[v]
		if d, s := leadDemand[pv.leadBody], leadSupply[pv.leadBody]; d > s {
			notes[v] = append(notes[v], Msg("planning.reason.leads_full", "Body", pv.mv.LeadBody, "Count", d-s))
		}
	}
	return notes
}
