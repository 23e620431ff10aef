package planning

import (
	"math/bits"
	"math/rand/v2"
	"slices"
)

// searchAids are lists the moves draw from.
type searchAids struct {
	movable  []int     // visits that can be placed at all
	isMov    bitset    // the same, as a set
	byArea   [][]int32 // area → planned visits of the area that can be placed
	good     [][]int32 // visit → its starts with the cheapest window cost
	can      [][]bool  // visit → start is in pv.starts
	weekFrom []int32   // week → first working day
	weekTo   []int32   // week → last working day
}

func newSearchAids(p *problem) *searchAids {
	a := &searchAids{byArea: make([][]int32, p.nArea), good: make([][]int32, len(p.visits)),
		can: make([][]bool, len(p.visits)), isMov: newBitset(len(p.visits))}
	for v := range p.visits {
		pv := &p.visits[v]
		if pv.reason.ID != "" || len(pv.starts) == 0 { // no starts: a repair's frozen visit
			continue
		}
		a.movable = append(a.movable, v)
		a.isMov.set(v)
		if pv.area >= 0 {
			a.byArea[pv.area] = append(a.byArea[pv.area], int32(v))
		}
		a.can[v] = make([]bool, p.nW)
		cheapest := int64(-1)
		for _, s := range pv.starts {
			a.can[v][s] = true
			if cheapest < 0 || pv.win[s] < cheapest {
				cheapest = pv.win[s]
			}
		}
		for _, s := range pv.starts {
			if pv.win[s] == cheapest {
				a.good[v] = append(a.good[v], s)
			}
		}
	}
	a.weekFrom = make([]int32, p.nWeek)
	a.weekTo = make([]int32, p.nWeek)
	for d := p.nW - 1; d >= 0; d-- {
		a.weekFrom[p.week[d]] = int32(d)
	}
	for d := 0; d < p.nW; d++ {
		a.weekTo[p.week[d]] = int32(d)
	}
	return a
}

// undoEntry remembers a visit's placement before a move touched it.
type undoEntry struct {
	v    int
	s    int32
	team []int32
	pc   placedCost
}

// search is the Late Acceptance Hill Climbing improver.
type search struct {
	st      *state
	p       *problem
	rng     *rand.Rand
	aids    *searchAids
	touched []undoEntry
	costs   []int64
	// limit is the highest cost the current iteration accepts; a move
	// that prices itself above it before it is made sets rejected and
	// returns false, and counts as rejected (not as a move that could
	// not be made: the history moves on).
	limit    int64
	rejected bool
	// bound: moves that must build a team are priced first with the best
	// team they could get, and not made when even that is above the limit
	// (they count as moves that could not be made). Large provinces only:
	// the search of small ones, with its restarts and long history, is
	// kept as it was (it matches the proven optima of the golden instances).
	bound bool
	// scratch lists of the moves, reused from one iteration to the next
	list1, list2 []int
	goals        []int
	olds         [][]int32
	shifts       []shift
}

// touch records v's placement and lifts it from the schedule.
func (se *search) touch(v int) {
	st := se.st
	se.touched = append(se.touched, undoEntry{v: v, s: st.start[v], team: st.team[v], pc: st.placed[v]})
	if st.start[v] >= 0 {
		st.unplace(v)
	}
}

// revert puts every touched visit back where it was.
func (se *search) revert() {
	st := se.st
	for _, u := range se.touched {
		if st.start[u.v] >= 0 {
			st.unplace(u.v)
		}
	}
	for _, u := range se.touched {
		if u.s >= 0 {
			st.placeCost(u.v, int(u.s), u.team, u.pc)
		}
	}
	se.touched = se.touched[:0]
}

// improve runs iters LAHC iterations, comparing each candidate with the cost
// histLen iterations ago, and leaves the best schedule found.
func (st *state) improve(rng *rand.Rand, iters, histLen int) {
	p := st.p
	se := &search{st: st, p: p, rng: rng, aids: newSearchAids(p), bound: len(p.visits) > smallProvince}
	if len(se.aids.movable) == 0 || iters <= 0 {
		return
	}
	histLen = max(1, histLen)
	cur := st.cost()
	hist := make([]int64, histLen)
	for k := range hist {
		hist[k] = cur
	}
	// The best schedule is kept as a snapshot updated only for the visits
	// changed since it was taken (dirty), so a new best costs little.
	best, bestSnap := cur, st.snapshot()
	dirty := make([]bool, len(st.start))
	var dirtyList []int
	for it := 0; it < iters; it++ {
		se.touched = se.touched[:0]
		k := it % histLen
		se.limit, se.rejected = max(cur, hist[k]), false
		if !se.move() {
			se.revert()
			if se.rejected {
				hist[k] = cur
			}
			continue
		}
		c := st.cost()
		if c <= se.limit {
			cur = c
			for _, u := range se.touched {
				if !dirty[u.v] {
					dirty[u.v] = true
					dirtyList = append(dirtyList, u.v)
				}
			}
			if c < best {
				best = c
				for _, v := range dirtyList {
					bestSnap.start[v], bestSnap.team[v] = st.start[v], st.team[v]
					dirty[v] = false
				}
				dirtyList = dirtyList[:0]
			}
		} else {
			se.revert()
		}
		hist[k] = cur
	}
	if cur != best {
		st.restore(bestSnap)
	}
}

// move applies one random neighbourhood move; false when it could not be made
// (the caller reverts).
func (se *search) move() bool {
	r := se.rng.IntN(100)
	if r < 10 && se.st.unsched > 0 {
		return se.makeRoom()
	}
	switch {
	case r < 45:
		return se.relocate()
	case r < 55:
		return se.mergeWeeks()
	case r < 70:
		return se.swapStarts()
	case r < 85:
		return se.replaceMember()
	case r < 90:
		return se.changeLead()
	case r < 95:
		return se.swapInspectors()
	default:
		return se.ruinRecreate()
	}
}

func (se *search) randomVisit() int {
	return se.aids.movable[se.rng.IntN(len(se.aids.movable))]
}

// chooseStart draws a new start for v: the week of another visit of the same
// area (to share an (area, week)), a small shift, a cheapest-window start, or
// any start.
func (se *search) chooseStart(v int, cur int32) int {
	p, a, rng := se.p, se.aids, se.rng
	pv := &p.visits[v]
	r := rng.IntN(100)
	if pv.area >= 0 && r < 40 {
		list := a.byArea[pv.area]
		u := int(list[rng.IntN(len(list))])
		us := se.st.start[u]
		if u != v && us >= 0 {
			if rng.IntN(2) == 0 && a.can[v][us] {
				return int(us)
			}
			wk := p.week[us]
			from, to := a.weekFrom[wk], a.weekTo[wk]
			s := int(from) + rng.IntN(int(to-from)+1)
			if a.can[v][s] {
				return s
			}
		}
	}
	if cur >= 0 && r < 60 {
		d := 1 + rng.IntN(5)
		if rng.IntN(2) == 0 {
			d = -d
		}
		if s := int(cur) + d; s >= 0 && s < p.nW && a.can[v][s] {
			return s
		}
	}
	if r < 80 {
		g := a.good[v]
		return int(g[rng.IntN(len(g))])
	}
	return int(pv.starts[rng.IntN(len(pv.starts))])
}

// placeAt places v at s keeping team old when it is free, else a new team.
// A non-nil old is the team v had when it was touched, so st.placed[v] still
// holds its missing bodies and rotation (only place writes them).
func (se *search) placeAt(v, s int, old []int32) bool {
	st := se.st
	if st.siblingClash(v, s) >= 0 {
		return false
	}
	if old != nil && st.teamFree(v, s, old) {
		pc := st.placed[v]
		pc.window = se.p.visits[v].win[s]
		st.placeCost(v, s, old, pc)
		return true
	}
	team := st.buildTeam(v, s, teamBalanced)
	if team == nil {
		return false
	}
	st.place(v, s, team)
	return true
}

func (se *search) relocate() bool {
	v := se.randomVisit()
	cur, old := se.st.start[v], se.st.team[v]
	s := se.chooseStart(v, cur)
	if int32(s) == cur {
		return false
	}
	// A placed visit is priced before it moves: exactly when it keeps its
	// team, else with the best team it could get.
	if st := se.st; cur >= 0 && st.siblingClash(v, s) < 0 {
		keep := st.shiftFree(v, s)
		if keep || se.bound {
			if c, ok := st.shiftCost([]shift{{v, s}}, keep); ok && c > se.limit {
				se.rejected = keep
				return false
			}
		}
	}
	se.touch(v)
	return se.placeAt(v, s, old)
}

func (se *search) swapStarts() bool {
	st, p := se.st, se.p
	v := se.randomVisit()
	if st.start[v] < 0 {
		return false
	}
	var u int
	if pv := &p.visits[v]; pv.area >= 0 && se.rng.IntN(2) == 0 {
		list := se.aids.byArea[pv.area]
		u = int(list[se.rng.IntN(len(list))])
	} else {
		u = se.randomVisit()
	}
	su, sv := st.start[u], st.start[v]
	if u == v || su < 0 || su == sv || !se.aids.can[v][su] || !se.aids.can[u][sv] {
		return false
	}
	if se.bound {
		if c, ok := st.shiftCost([]shift{{v, int(su)}, {u, int(sv)}}, false); ok && c > se.limit {
			return false
		}
	}
	tv, tu := st.team[v], st.team[u]
	se.touch(v)
	se.touch(u)
	return se.placeAt(v, int(su), tv) && se.placeAt(u, int(sv), tu)
}

func (se *search) replaceMember() bool {
	st, p := se.st, se.p
	v := se.randomVisit()
	pv := &p.visits[v]
	if st.start[v] < 0 || pv.size < 2 {
		return false
	}
	s, old := int(st.start[v]), st.team[v]
	// The free set is taken with v still placed: lifting v frees only its
	// own members, who are excluded anyway, so the candidates are the same
	// and a move that cannot be made leaves the schedule untouched.
	cand := st.tmp
	st.free(pv, s, cand)
	for _, i := range old {
		cand.clear(int(i))
	}
	n := cand.count()
	if n == 0 {
		return false
	}
	pick := se.nth(cand, se.rng.IntN(n))
	team := st.copyTeam(old)
	team[1+se.rng.IntN(len(team)-1)] = int32(pick)
	if !p.covers(pv, team) {
		return false
	}
	if st.reteamCost(v, team) > se.limit {
		se.rejected = true
		return false
	}
	se.touch(v)
	st.place(v, s, team)
	return true
}

func (se *search) changeLead() bool {
	st, p := se.st, se.p
	v := se.randomVisit()
	pv := &p.visits[v]
	if st.start[v] < 0 {
		return false
	}
	s, old := int(st.start[v]), st.team[v]
	se.touch(v)
	cand := st.tmp
	st.free(pv, s, cand)
	for w := range cand {
		cand[w] &= pv.leads[w]
	}
	cand.clear(int(old[0]))
	n := cand.count()
	if n == 0 {
		return false
	}
	lead := int32(se.nth(cand, se.rng.IntN(n)))
	team := st.copyTeam(old)
	if k := indexOf(team, lead); k > 0 {
		team[0], team[k] = team[k], team[0] // a member becomes lead
	} else {
		team[0] = lead
	}
	if !p.covers(pv, team) {
		return false
	}
	st.place(v, s, team)
	return true
}

// ruinRecreate lifts a few visits of one area, or of one stretch of weeks, plus
// an unscheduled visit, and reinserts them each at its cheapest start.
func (se *search) ruinRecreate() bool {
	st, p, rng := se.st, se.p, se.rng
	v := se.randomVisit()
	pv := &p.visits[v]
	k := 2 + rng.IntN(5)
	pick := se.list1[:0]
	defer func() { se.list1 = pick }()
	if pv.area >= 0 && rng.IntN(3) > 0 {
		list := se.aids.byArea[pv.area]
		for range k {
			pick = append(pick, int(list[rng.IntN(len(list))]))
		}
	} else if s := st.start[v]; s >= 0 {
		lo, hi := s-10, s+10
		for range 4 * k {
			u := se.randomVisit()
			if us := st.start[u]; us >= lo && us <= hi {
				pick = append(pick, u)
				if len(pick) == k {
					break
				}
			}
		}
	}
	pick = append(pick, v)
	// Unscheduled visits get their chance in every ruin.
	for range 2 {
		if u := se.randomVisit(); st.start[u] < 0 {
			pick = append(pick, u)
		}
	}
	order := se.list2[:0]
	defer func() { se.list2 = order }()
	for _, u := range pick {
		if !slices.Contains(order, u) {
			order = append(order, u)
			se.touch(u)
		}
	}
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	// Higher priority first, keeping the shuffled order otherwise.
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && p.visits[order[j]].prio > p.visits[order[j-1]].prio; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	// The ruin is rejected when its cost ends above the limit, so the
	// reinsertion stops as soon as even the best case of the visits still
	// out cannot bring it back under: each placed at its cheapest window
	// (no longer unscheduled), the monthly balance term falling by at most
	// 2·W per inspector-day added and never below zero. The revert puts
	// the lifted visits back. (Not in a repair, whose disruption terms
	// this bound leaves out.)
	w := &p.m.rules.Weights
	var best, days int64 // the visits still out: their best change, their inspector-days
	for _, u := range order {
		pu := &p.visits[u]
		best += min(0, p.W*(pu.win[se.aids.good[u][0]]-w.Unscheduled*pu.prio))
		days += int64(pu.size * pu.days)
	}
	for _, u := range order {
		if c := st.cost(); st.anchor == nil && c+best-w.BalanceDay*min(st.balAbs, 2*p.W*days) > se.limit {
			se.rejected = true
			return false
		}
		pu := &p.visits[u]
		best -= min(0, p.W*(pu.win[se.aids.good[u][0]]-w.Unscheduled*pu.prio))
		days -= int64(pu.size * pu.days)
		se.costs, _ = st.insertBest(u, se.costs, 8)
	}
	return true
}

// swapInspectors exchanges one inspector (half the time: the leads) between
// two visits that overlap in time, which single-visit moves cannot do when
// each inspector is busy on the other's visit.
func (se *search) swapInspectors() bool {
	st, p, rng := se.st, se.p, se.rng
	v := se.randomVisit()
	sv := int(st.start[v])
	if sv < 0 {
		return false
	}
	pv := &p.visits[v]
	// Find an overlapping visit through one of v's days and an inspector busy then.
	var u int = -1
	for range 4 {
		w := se.randomVisit()
		if sw := int(st.start[w]); w != v && sw >= 0 && sw < sv+pv.days && sv < sw+p.visits[w].days {
			u = w
			break
		}
	}
	if u < 0 {
		return false
	}
	pu := &p.visits[u]
	tv, tu := st.team[v], st.team[u]
	kv, ku := 0, 0
	if rng.IntN(2) == 0 {
		kv, ku = rng.IntN(len(tv)), rng.IntN(len(tu))
	}
	a, b := tv[kv], tu[ku]
	if a == b || inTeam(tv, int(b)) || inTeam(tu, int(a)) || !pv.elig.has(int(b)) || !pu.elig.has(int(a)) {
		return false
	}
	if (kv == 0 && !pv.leads.has(int(b))) || (ku == 0 && !pu.leads.has(int(a))) {
		return false
	}
	nv, nu := st.copyTeam(tv), st.copyTeam(tu)
	nv[kv], nu[ku] = b, a
	if !p.covers(pv, nv) || !p.covers(pu, nu) {
		return false
	}
	su := int(st.start[u])
	se.touch(v)
	se.touch(u)
	if !st.teamFree(v, sv, nv) {
		return false
	}
	st.place(v, sv, nv)
	if !st.teamFree(u, su, nu) {
		return false
	}
	st.place(u, su, nu)
	return true
}

// mergeWeeks moves every visit of one (area, week) together: half the time
// into another week where the area already has a visit (closing one (area,
// week) pair in a single move), otherwise by the same random shift of up to
// three weeks (keeping the pair count, moving months and teams).
func (se *search) mergeWeeks() bool {
	st, p, a, rng := se.st, se.p, se.aids, se.rng
	v := se.randomVisit()
	pv := &p.visits[v]
	if pv.area < 0 || st.start[v] < 0 {
		return false
	}
	list := a.byArea[pv.area]
	w1 := p.week[st.start[v]]
	moving := se.list1[:0]
	defer func() { se.list1 = moving }()
	for _, x := range list {
		if xs := st.start[x]; xs >= 0 && p.week[xs] == w1 {
			moving = append(moving, int(x))
		}
	}
	if len(moving) > 6 {
		return false
	}
	// target(x) is the first start tried for x; the rest of its week follows.
	var target func(x int) int
	if rng.IntN(2) == 0 {
		t := int32(-1)
		for range 4 {
			u := list[rng.IntN(len(list))]
			if us := st.start[u]; us >= 0 && p.week[us] != w1 {
				t = us
				break
			}
		}
		if t < 0 {
			return false
		}
		target = func(int) int { return int(t) }
	} else {
		delta := 1 + rng.IntN(15)
		if rng.IntN(2) == 0 {
			delta = -delta
		}
		target = func(x int) int { return int(st.start[x]) + delta }
	}
	goals := se.goals[:0]
	for _, x := range moving {
		g := target(x)
		if g < 0 || g >= p.nW {
			return false
		}
		goals = append(goals, g)
	}
	se.goals = goals
	// Priced first as if every visit took its first start with a new team
	// (when those are possible starts); the move is not made when even that
	// is above the limit.
	if se.bound {
		moves := se.shifts[:0]
		for k, x := range moving {
			if a.can[x][goals[k]] {
				moves = append(moves, shift{x, goals[k]})
			}
		}
		se.shifts = moves
		if len(moves) == len(moving) {
			if c, ok := st.shiftCost(moves, false); ok && c > se.limit {
				return false
			}
		}
	}
	olds := se.olds[:0]
	for _, x := range moving {
		olds = append(olds, st.team[x])
		se.touch(x)
	}
	se.olds = olds
	for k, x := range moving {
		goal := goals[k]
		placed := a.can[x][goal] && se.placeAt(x, goal, olds[k])
		wk := p.week[goal]
		from, to := int(a.weekFrom[wk]), int(a.weekTo[wk])
		for off := 0; !placed && off <= to-from; off++ {
			s := from + (off+rng.IntN(to-from+1))%(to-from+1)
			if s != goal && a.can[x][s] {
				placed = se.placeAt(x, s, olds[k])
			}
		}
		if !placed {
			return false
		}
	}
	return true
}

// makeRoom takes an unscheduled visit and picks one of its starts. It lifts up
// to three visits in its way: those holding its possible leads (or its unit)
// on those days, or, when every possible lead has used up max_days, visits
// anywhere in the year that use those leads. It places the visit, reinserts
// the lifted ones at their cheapest starts, and then gives up to two other
// waiting visits a chance (one long visit out can let two short ones in).
func (se *search) makeRoom() bool {
	st, p, rng := se.st, se.p, se.rng
	waiting := se.list1[:0]
	defer func() { se.list1 = waiting }()
	for w, x := range st.unplaced {
		for x &= se.aids.isMov[w]; x != 0; x &= x - 1 {
			waiting = append(waiting, w<<6|bits.TrailingZeros64(x))
		}
	}
	if len(waiting) == 0 {
		return false
	}
	u := waiting[rng.IntN(len(waiting))]
	pu := &p.visits[u]
	var s int
	if rng.IntN(2) == 0 {
		g := se.aids.good[u]
		s = int(g[rng.IntN(len(g))])
	} else {
		s = int(pu.starts[rng.IntN(len(pu.starts))])
	}
	capped := true
	pu.leads.each(func(i int) {
		capped = capped && p.maxDays[i] > 0 && st.load[i]+int32(pu.days) > p.maxDays[i]
	})
	blockers := se.list2[:0]
	defer func() { se.list2 = blockers }()
	// The placed visits that may be in the way, in index order: every one
	// when the leads are capped, else those on one of the start's days.
	for w := range st.unplaced {
		x := se.aids.isMov[w] &^ st.unplaced[w]
		if !capped {
			var on uint64
			for _, a := range st.active[w*p.nW+s:][:pu.days] {
				on |= a
			}
			x &= on
		}
		for ; x != 0; x &= x - 1 {
			v := w<<6 | bits.TrailingZeros64(x)
			vs := int(st.start[v])
			overlaps := vs < s+pu.days && s < vs+p.visits[v].days
			hit := overlaps && p.visits[v].unit == pu.unit
			for _, i := range st.team[v] {
				hit = hit || pu.leads.has(int(i)) || (overlaps && rng.IntN(4) == 0 && pu.elig.has(int(i)))
			}
			if hit {
				blockers = append(blockers, v)
			}
		}
	}
	rng.Shuffle(len(blockers), func(i, j int) { blockers[i], blockers[j] = blockers[j], blockers[i] })
	blockers = blockers[:min(len(blockers), 1+rng.IntN(3))]
	se.touch(u)
	for _, v := range blockers {
		se.touch(v)
	}
	if !se.placeAt(u, s, nil) {
		return false
	}
	// Bounded tries: in an over-subscribed province most starts fail.
	for _, v := range blockers {
		se.costs, _ = st.insertBest(v, se.costs, 0)
	}
	for range 2 {
		w := waiting[rng.IntN(len(waiting))]
		if st.start[w] >= 0 {
			continue
		}
		se.touch(w)
		se.costs, _ = st.insertBest(w, se.costs, 24)
	}
	return true
}

// nth returns the n-th member (0-based) of b, or -1.
func (se *search) nth(b bitset, n int) int {
	for w, x := range b {
		if c := bits.OnesCount64(x); n >= c {
			n -= c
			continue
		}
		for ; n > 0; n-- {
			x &= x - 1
		}
		return w<<6 | bits.TrailingZeros64(x)
	}
	return -1
}

func indexOf(team []int32, i int32) int {
	for k, t := range team {
		if t == i {
			return k
		}
	}
	return -1
}

// covers reports whether team holds every skill of the visit.
func (p *problem) covers(pv *pvisit, team []int32) bool {
	var m uint64
	for _, i := range team {
		m |= p.skillMask(pv, int(i))
	}
	need := fullMask(len(pv.skills))
	return m&need == need
}
