package planning

import (
	"cmp"
	"math/bits"
	"slices"
)

// state is a (partial) schedule of one problem with its penalty kept up to date
// incrementally. All penalty arithmetic is in int64: cost() is the penalty
// multiplied by W (the number of working days), so the balance term is exact.
type state struct {
	p     *problem
	start []int32   // -1 = unscheduled
	team  [][]int32 // lead first
	// occ holds who is on leave or on a visit, word by word of the inspector
	// bitsets and day by day within a word: bit i&63 of occ[(i>>6)·nW + d]
	// is inspector i on day d, so a visit's days are adjacent words.
	occ  []uint64
	load []int32 // visit days per inspector
	// byLoad[L·words + w] is word w of the set of inspectors whose load is
	// L, and loadN[L] their number: the final fill of a team reads the
	// least loaded free inspectors from the lowest loads up instead of
	// scanning every free inspector.
	byLoad []uint64
	loadN  []int32
	// active[(v>>6)·nW + d] holds bit v&63 when visit v is placed on
	// working day d (the layout of occ), and unplaced the visits not
	// placed: makeRoom reads the visits in its way and the waiting ones
	// from them instead of scanning every visit.
	active   []uint64
	unplaced bitset
	// tight[d] holds the capped inspectors whose max_days room (max_days −
	// load) is below d: they cannot take a visit of d days. It has an entry
	// for every length up to the group's longest visit.
	tight []bitset

	monthLoad [12]int64
	total     int64
	aw        []int32 // (area, week) → scheduled planned visits starting there

	// Penalty components, unscaled except balAbs (which is |W·L_m − total·W_m| summed).
	unsched, window, rotation, joint, areaWeek int64
	balAbs                                     int64
	balStale                                   bool // balAbs must be recomputed (monthLoad or total changed)

	// anchor is a repair's previous plan (nil in a solve); disrupt is the
	// disruption terms of the current schedule, weighted, unscaled.
	anchor  *anchor
	disrupt int64

	placed []placedCost // per placed visit: its team's and start's share of the penalty
	order  startOrder   // scratch for insertBest
	// byMonth[v] lists the starts of pv.starts (as they are when the state
	// is made) that end in their own month, month by month (month m is
	// byMonth[v][months[v].from[m]:months[v].from[m+1]]), each month by
	// window cost then index; crossMonth[v] lists the others, in the same
	// order.
	byMonth    [][]startEntry
	months     []monthIndex
	crossMonth [][]startEntry
	tmp        bitset  // scratch for free sets
	slab       []int32 // teams are carved from here: they are never mutated once placed
}

// placedCost is what place added for a visit and unplace takes back.
type placedCost struct {
	window int64
	joint  int32
	rot    bool
}

// newTeam returns an empty team slice with room for n members.
func (st *state) newTeam(n int) []int32 {
	if cap(st.slab)-len(st.slab) < n {
		st.slab = make([]int32, 0, max(4096, n))
	}
	k := len(st.slab)
	st.slab = st.slab[:k+n]
	return st.slab[k : k : k+n]
}

// copyTeam returns a copy of team carved from the slab.
func (st *state) copyTeam(team []int32) []int32 {
	return append(st.newTeam(len(team)), team...)
}

func newState(p *problem) *state {
	st := &state{p: p}
	n := len(p.visits)
	st.start = make([]int32, n)
	st.team = make([][]int32, n)
	st.placed = make([]placedCost, n)
	for v := range st.start {
		st.start[v] = -1
		st.unsched += p.visits[v].prio
	}
	st.occ = make([]uint64, p.words*p.nW)
	for d := 0; d < p.nW; d++ {
		for w, x := range p.leave[d] {
			st.occ[w*p.nW+d] = x
		}
	}
	st.load = make([]int32, p.nI)
	st.byLoad = make([]uint64, (p.nW+1)*p.words)
	st.loadN = make([]int32, p.nW+1)
	for i := 0; i < p.nI; i++ {
		st.byLoad[i>>6] |= 1 << (uint(i) & 63)
	}
	st.loadN[0] = int32(p.nI)
	st.active = make([]uint64, (n+63)/64*p.nW)
	st.unplaced = newBitset(n)
	for v := range n {
		st.unplaced.set(v)
	}
	longest := 0
	for v := range p.visits {
		longest = max(longest, p.visits[v].days)
	}
	st.tight = make([]bitset, longest+1)
	for d := range st.tight {
		st.tight[d] = newBitset(p.nI)
		p.capped.each(func(i int) {
			if int(p.maxDays[i]) < d {
				st.tight[d].set(i)
			}
		})
	}
	st.aw = make([]int32, max(1, p.nArea*p.nWeek))
	st.tmp = newBitset(p.nI)
	st.byMonth = make([][]startEntry, n)
	st.months = make([]monthIndex, n)
	st.crossMonth = make([][]startEntry, n)
	for v := range p.visits {
		st.indexStartsByMonth(v)
	}
	return st
}

// startEntry is a start of a visit as cheapestStart reads it: W × its window
// cost, its index in pv.starts and its week.
type startEntry struct {
	win  int64
	k    int32
	week int16
}

// monthIndex locates a visit's starts of each month in byMonth, with the
// least window cost (× W) of each month's starts.
type monthIndex struct {
	from   [13]int32
	minWin [12]int64
}

// indexStartsByMonth fills byMonth, months and crossMonth for visit v.
func (st *state) indexStartsByMonth(v int) {
	p := st.p
	pv := &p.visits[v]
	monthOf := func(s int32) int8 { // -1 across months
		if m := p.month[s]; m == p.month[int(s)+pv.days-1] {
			return m
		}
		return -1
	}
	var count [12]int32
	cross := 0
	for _, s := range pv.starts {
		if m := monthOf(s); m >= 0 {
			count[m]++
		} else {
			cross++
		}
	}
	from := &st.months[v].from
	for m := 0; m < 12; m++ {
		from[m+1] = from[m] + count[m]
	}
	sorted := make([]startEntry, from[12])
	crossing := make([]startEntry, 0, cross)
	next := *from
	for k, s := range pv.starts {
		e := startEntry{win: p.W * pv.win[s], k: int32(k), week: p.week[s]}
		if m := monthOf(s); m >= 0 {
			sorted[next[m]] = e
			next[m]++
		} else {
			crossing = append(crossing, e)
		}
	}
	byWin := func(a, b startEntry) int { return cmp.Compare(a.win, b.win) }
	for m := 0; m < 12; m++ {
		slices.SortStableFunc(sorted[from[m]:from[m+1]], byWin)
	}
	slices.SortStableFunc(crossing, byWin)
	for m := 0; m < 12; m++ {
		if from[m] < from[m+1] {
			st.months[v].minWin[m] = sorted[from[m]].win
		}
	}
	st.byMonth[v], st.crossMonth[v] = sorted, crossing
}

// cost is the penalty × W.
func (st *state) cost() int64 {
	w := &st.p.m.rules.Weights
	lin := w.Unscheduled*st.unsched + st.window + w.Rotation*st.rotation +
		w.JointMissingBody*st.joint + w.AreaWeek*st.areaWeek
	if st.balStale {
		st.recomputeBalance()
	}
	return st.p.W*(lin+st.disrupt) + w.BalanceDay*st.balAbs
}

func (st *state) recomputeBalance() {
	st.balAbs = st.balanceAbs(&st.monthLoad)
	st.balStale = false
}

// balanceAbs is balAbs for the monthly loads ml and the current total.
func (st *state) balanceAbs(ml *[12]int64) int64 {
	var s int64
	for m := 0; m < 12; m++ {
		s += abs64(st.p.W*ml[m] - st.total*st.p.monthW[m])
	}
	return s
}

// Pricing a move before making it: most moves are rejected, and a move
// that keeps its visits' teams changes only a few terms of the penalty, so
// its cost is computed without placing, lifting and putting back.

// shiftFree reports whether placed visit v's team is free at start s, as
// teamFree(v, s, team) would once v is lifted: lifting v clears its
// members' own days (so only the days of [s, s+days) outside them are
// read) and leaves each member's load at most max_days.
func (st *state) shiftFree(v, s int) bool {
	p := st.p
	days, s0 := p.visits[v].days, int(st.start[v])
	for _, i := range st.team[v] {
		if p.maxDays[i] > 0 && st.load[i] > p.maxDays[i] {
			return false
		}
		row, bit := st.occ[int(i>>6)*p.nW:], uint64(1)<<(uint(i)&63)
		for d := s; d < s+days; d++ {
			if (d < s0 || d >= s0+days) && row[d]&bit != 0 {
				return false
			}
		}
	}
	return true
}

// shift is a placed visit moving to start s.
type shift struct{ v, s int }

// shiftCost prices placed visits (at most 8) moving to new starts, each with a team of
// its size: their windows, the (area, week) pairs, the monthly balance and a
// repair's disruption change. With keep, every visit keeps its team
// (shiftFree) and the result is cost() after the moves; otherwise their
// teams are to be built, whose missing bodies and rotation are at best
// nothing, and the result is a lower bound of it (not in a repair: ok is
// false there).
func (st *state) shiftCost(moves []shift, keep bool) (c int64, ok bool) {
	if !keep && st.anchor != nil {
		return 0, false
	}
	p := st.p
	w := &p.m.rules.Weights
	c = st.cost() // brings balAbs up to date
	var lin int64
	ml := st.monthLoad
	// The (area, week) pairs the moves change, with their change of count.
	var keys [16]int
	var delta [16]int32
	nk := 0
	pair := func(k int, d int32) {
		for j := range nk {
			if keys[j] == k {
				delta[j] += d
				return
			}
		}
		keys[nk], delta[nk] = k, d
		nk++
	}
	for _, m := range moves {
		pv := &p.visits[m.v]
		s0, team, pc := int(st.start[m.v]), st.team[m.v], &st.placed[m.v]
		lin += pv.win[m.s] - pc.window
		if !keep {
			lin -= w.JointMissingBody * int64(pc.joint)
			if pc.rot {
				lin -= w.Rotation
			}
		}
		if pv.area >= 0 && p.week[m.s] != p.week[s0] {
			pair(int(pv.area)*p.nWeek+int(p.week[s0]), -1)
			pair(int(pv.area)*p.nWeek+int(p.week[m.s]), 1)
		}
		if st.anchor != nil {
			lin += st.anchor.delta(m.v, m.s, team) - st.anchor.delta(m.v, s0, team)
		}
		n := int64(pv.size)
		for d := s0; d < s0+pv.days; d++ {
			ml[p.month[d]] -= n
		}
		for d := m.s; d < m.s+pv.days; d++ {
			ml[p.month[d]] += n
		}
	}
	for j := range nk {
		was := st.aw[keys[j]]
		if was == 0 && delta[j] > 0 {
			lin += w.AreaWeek // a new (area, week) pair
		} else if was > 0 && was+delta[j] == 0 {
			lin -= w.AreaWeek // the pair's last visit left
		}
	}
	return c + p.W*lin + w.BalanceDay*(st.balanceAbs(&ml)-st.balAbs), true
}

// reteamCost is cost() after placed visit v takes team (of the same size)
// at its start: only its missing bodies, rotation and a repair's disruption
// change (its window is re-read as place does).
func (st *state) reteamCost(v int, team []int32) int64 {
	p := st.p
	pv := &p.visits[v]
	w := &p.m.rules.Weights
	s, pc := int(st.start[v]), st.placed[v]
	lin := pv.win[s] - pc.window + w.JointMissingBody*(p.missingBodies(pv, team)-int64(pc.joint))
	if r := isRot(pv, team[0]); r != pc.rot {
		if r {
			lin += w.Rotation
		} else {
			lin -= w.Rotation
		}
	}
	if st.anchor != nil {
		lin += st.anchor.delta(v, s, team) - st.anchor.delta(v, s, st.team[v])
	}
	return st.cost() + p.W*lin
}

// isRot reports whether inspector i led the unit's last visit.
func isRot(pv *pvisit, i int32) bool {
	for _, r := range pv.rot {
		if r == i {
			return true
		}
	}
	return false
}

// missingBodies counts bodies of the visit with no member in the team.
func (p *problem) missingBodies(pv *pvisit, team []int32) int64 {
	var n int64
	for _, b := range pv.bodies {
		found := false
		for _, i := range team {
			if p.body[i] == b {
				found = true
				break
			}
		}
		if !found {
			n++
		}
	}
	return n
}

func (st *state) place(v int, s int, team []int32) {
	pv := &st.p.visits[v]
	st.placeCost(v, s, team, placedCost{window: pv.win[s], joint: int32(st.p.missingBodies(pv, team)), rot: isRot(pv, team[0])})
}

// placeCost places v at s with team, whose share of the penalty pc is
// known (as place computes it): a revert puts back what it lifted, and a
// visit moved with its team keeps its missing bodies and rotation.
func (st *state) placeCost(v int, s int, team []int32, pc placedCost) {
	p := st.p
	pv := &p.visits[v]
	st.start[v] = int32(s)
	st.team[v] = team
	st.unplaced.clear(v)
	st.markActive(v, s, pv.days, ^uint64(0))
	for _, i := range team {
		row, bit := st.occ[int(i>>6)*p.nW+s:][:pv.days], uint64(1)<<(uint(i)&63)
		for d := range row {
			row[d] |= bit
		}
	}
	for d := s; d < s+pv.days; d++ {
		st.monthLoad[p.month[d]] += int64(len(team))
	}
	for _, i := range team {
		st.moveLoad(i, st.load[i]+int32(pv.days))
		if p.maxDays[i] > 0 {
			// room fell from r+days to r: lengths in (r, r+days] no longer fit.
			r := p.maxDays[i] - st.load[i]
			for d := max(r+1, 1); d <= r+int32(pv.days) && int(d) < len(st.tight); d++ {
				st.tight[d].set(int(i))
			}
		}
	}
	st.total += int64(len(team) * pv.days)
	st.balStale = true
	if pv.area >= 0 {
		k := int(pv.area)*p.nWeek + int(p.week[s])
		if st.aw[k] == 0 {
			st.areaWeek++
		}
		st.aw[k]++
	}
	st.placed[v] = pc
	st.unsched -= pv.prio
	st.window += pc.window
	if pc.rot {
		st.rotation++
	}
	st.joint += int64(pc.joint)
	if st.anchor != nil {
		st.disrupt += st.anchor.delta(v, s, team)
	}
}

func (st *state) unplace(v int) {
	p := st.p
	pv := &p.visits[v]
	s := int(st.start[v])
	team := st.team[v]
	for _, i := range team {
		row, bit := st.occ[int(i>>6)*p.nW+s:][:pv.days], uint64(1)<<(uint(i)&63)
		for d := range row {
			row[d] &^= bit
		}
	}
	for d := s; d < s+pv.days; d++ {
		st.monthLoad[p.month[d]] -= int64(len(team))
	}
	for _, i := range team {
		if p.maxDays[i] > 0 {
			// room grows from r to r+days: lengths in (r, r+days] fit again.
			r := p.maxDays[i] - st.load[i]
			for d := max(r+1, 1); d <= r+int32(pv.days) && int(d) < len(st.tight); d++ {
				st.tight[d].clear(int(i))
			}
		}
		st.moveLoad(i, st.load[i]-int32(pv.days))
	}
	st.total -= int64(len(team) * pv.days)
	st.balStale = true
	if pv.area >= 0 {
		k := int(pv.area)*p.nWeek + int(p.week[s])
		st.aw[k]--
		if st.aw[k] == 0 {
			st.areaWeek--
		}
	}
	pc := &st.placed[v]
	st.unsched += pv.prio
	st.window -= pc.window
	if pc.rot {
		st.rotation--
	}
	st.joint -= int64(pc.joint)
	if st.anchor != nil {
		st.disrupt -= st.anchor.delta(v, s, team)
	}
	st.markActive(v, s, pv.days, 0)
	st.unplaced.set(v)
	st.start[v] = -1
	st.team[v] = nil
}

// moveLoad sets inspector i's load to l, keeping byLoad and loadN.
func (st *state) moveLoad(i int32, l int32) {
	words := st.p.words
	if int(l) >= len(st.loadN) { // more visit days than working days: only ever in a repair's frozen past
		st.loadN = append(st.loadN, make([]int32, int(l)+1-len(st.loadN))...)
		st.byLoad = append(st.byLoad, make([]uint64, len(st.loadN)*words-len(st.byLoad))...)
	}
	w, bit := int(i>>6), uint64(1)<<(uint(i)&63)
	old := st.load[i]
	st.byLoad[int(old)*words+w] &^= bit
	st.loadN[old]--
	st.byLoad[int(l)*words+w] |= bit
	st.loadN[l]++
	st.load[i] = l
}

// markActive sets (on = all ones) or clears (on = 0) visit v's bit in
// active on the days [s, s+days).
func (st *state) markActive(v, s, days int, on uint64) {
	row, bit := st.active[(v>>6)*st.p.nW+s:][:days], uint64(1)<<(uint(v)&63)
	for d := range row {
		row[d] = row[d]&^bit | bit&on
	}
}

// anyLeadFree reports whether some possible lead of pv is free on [s, s+days)
// with max_days room: free ∩ leads, computed only on the words that hold a lead.
func (st *state) anyLeadFree(pv *pvisit, s int) bool {
	tight, nW := st.tight[pv.days], st.p.nW
	words := st.p.bodyWords[pv.leadBody] // the leads are of the lead body
	for w := int(words[0]); w < int(words[1]); w++ {
		x := pv.leads[w] &^ tight[w]
		if x == 0 {
			continue
		}
		for _, o := range st.occ[w*nW+s:][:pv.days] {
			x &^= o
		}
		if x != 0 {
			return true
		}
	}
	return false
}

// siblingClash reports a visit of the same unit sharing a day with [s, s+days) (H6).
func (st *state) siblingClash(v, s int) int {
	pv := &st.p.visits[v]
	for _, o := range pv.siblings {
		os := int(st.start[o])
		if os < 0 {
			continue
		}
		if os < s+pv.days && s < os+st.p.visits[o].days {
			return int(o)
		}
	}
	return -1
}

// teamFree reports whether every member of team is free on [s, s+days) and has
// max_days room (the visit itself must not be placed).
func (st *state) teamFree(v, s int, team []int32) bool {
	p := st.p
	pv := &p.visits[v]
	for _, i := range team {
		bit := uint64(1) << (uint(i) & 63)
		for _, o := range st.occ[int(i>>6)*p.nW+s:][:pv.days] {
			if o&bit != 0 {
				return false
			}
		}
		if p.maxDays[i] > 0 && st.load[i]+int32(pv.days) > p.maxDays[i] {
			return false
		}
	}
	return true
}

// skillMask returns which of the visit's skills inspector i holds (bit k for
// pv.skills[k]; a visit with more than 64 skills is never placed).
func (p *problem) skillMask(pv *pvisit, i int) uint64 { return pv.smask[i] }

// skillsOf is skillMask read from the (few, shared) skill sets rather than
// the visit's mask table.
func (p *problem) skillsOf(pv *pvisit, i int) uint64 {
	if len(pv.skills) > 8 {
		return pv.smask[i]
	}
	var m uint64
	for k, s := range pv.skills {
		if set := p.skillSet[s]; set != nil && set.has(i) {
			m |= 1 << uint(k)
		}
	}
	return m
}

func fullMask(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(n) - 1
}

// teamStyle selects how buildTeam chooses among free inspectors.
type teamStyle int

const (
	teamBalanced teamStyle = iota // the engine: avoid rotation, cover bodies, least loaded
	teamFirstFit                  // the baseline: smallest ids that satisfy H3
)

// buildTeam chooses a team for visit v starting at s from the free inspectors,
// or returns nil when H3 cannot be met. The lead comes first.
func (st *state) buildTeam(v, s int, style teamStyle) []int32 {
	p := st.p
	pv := &p.visits[v]
	if !st.anyLeadFree(pv, s) {
		return nil // the usual failure, decided on the leads' words alone
	}
	cand := st.tmp
	st.free(pv, s, cand)
	need := fullMask(len(pv.skills))
	// Members come from cand: a skill that no free inspector holds can
	// never be covered (the other usual failure, decided before any pick).
	for _, k := range pv.skills {
		set := p.skillSet[k]
		if set == nil {
			return nil
		}
		hit := uint64(0)
		for w, x := range cand {
			hit |= x & set[w]
		}
		if hit == 0 {
			return nil
		}
	}

	// pick returns the best inspector in set (intersected with cand, which
	// never holds a member) by: not last year's lead when choosing a lead
	// (balanced), covers more missing skills, not a scarce lead elsewhere when
	// choosing a member, least loaded, smallest index. With mustCover only
	// holders of a missing skill are offered.
	pick := func(set bitset, words [2]int32, lead bool, mustCover bool, covered uint64) int {
		// The order as one key, least first: last year's lead (leads
		// only), fewer missing skills covered (64 − gain, 7 bits), scarce
		// lead (members only), load (31 bits: at most the working days),
		// index (24 bits). The gain is counted on the holder sets of the
		// missing skills (a few words) rather than read from each
		// candidate's skill mask.
		var hold [4]bitset
		nh := 0
		for u := need &^ covered; u != 0; u &= u - 1 {
			if nh == len(hold) {
				return st.pickByMask(pv, cand, set, words, lead, mustCover, covered, style)
			}
			if hs := p.skillSet[pv.skills[bits.TrailingZeros64(u)]]; hs != nil {
				hold[nh] = hs
				nh++
			}
		}
		best := ^uint64(0)
		for w := int(words[0]); w < int(words[1]); w++ {
			x := cand[w]
			if set != nil {
				x &= set[w]
			}
			var hw [4]uint64
			var holders uint64
			for k := range nh {
				hw[k] = hold[k][w]
				holders |= hw[k]
			}
			if mustCover {
				x &= holders
			}
			if x == 0 {
				continue
			}
			if style == teamFirstFit {
				return w<<6 | bits.TrailingZeros64(x)
			}
			var scarceW uint64
			if !lead {
				scarceW = p.scarce[w]
			}
			for ; x != 0; x &= x - 1 {
				b := uint(bits.TrailingZeros64(x))
				i := w<<6 | int(b)
				gain := uint64(0)
				for k := range nh {
					gain += hw[k] >> b & 1
				}
				key := (64-gain)<<56 | (scarceW>>b&1)<<55 | uint64(st.load[i])<<24 | uint64(i)
				if lead && isRot(pv, int32(i)) {
					key |= 1 << 63
				}
				best = min(best, key)
			}
		}
		if best == ^uint64(0) {
			return -1
		}
		return int(best & (1<<24 - 1))
	}

	all := [2]int32{0, int32(len(cand))}
	lead := -1
	if style == teamBalanced && pv.leadTop != nil {
		// A free lead of the preferred class beats every other lead:
		// among those only load and index differ.
		best := ^uint64(0)
		words := p.bodyWords[pv.leadBody]
		for w := int(words[0]); w < int(words[1]); w++ {
			for x := pv.leadTop[w] & cand[w]; x != 0; x &= x - 1 {
				i := w<<6 | bits.TrailingZeros64(x)
				best = min(best, uint64(st.load[i])<<24|uint64(i))
			}
		}
		if best != ^uint64(0) {
			lead = int(best & (1<<24 - 1))
		}
	}
	if lead < 0 {
		lead = pick(pv.leads, p.bodyWords[pv.leadBody], true, false, 0)
	}
	if lead < 0 {
		return nil // the usual failure: decided before any team is carved
	}
	team := st.newTeam(pv.size)
	fail := func() []int32 {
		st.slab = st.slab[:len(st.slab)-pv.size] // the team was carved last: give it back
		return nil
	}
	var covered uint64
	add := func(i int) {
		team = append(team, int32(i))
		if covered != need {
			covered |= p.skillsOf(pv, i)
		}
		cand.clear(i) // pick never offers a member twice
	}
	add(lead)
	if style == teamBalanced {
		for _, b := range pv.bodies {
			if len(team) >= pv.size {
				break
			}
			if b == p.body[lead] || teamHasBody(p, team, b) {
				continue
			}
			if i := pick(p.bodySets[b], p.bodyWords[b], false, false, covered); i >= 0 {
				add(i)
			}
		}
	}
	for covered&need != need {
		if len(team) >= pv.size {
			return fail()
		}
		i := pick(nil, all, false, true, covered)
		if i < 0 {
			return fail()
		}
		add(i)
	}
	if style == teamBalanced && len(team) < pv.size {
		// Every skill is covered, so picks no longer differ in gain or
		// rotation: the remaining places go to the free inspectors that are
		// not scarce leads, then least loaded, then by index, read from the
		// lowest loads up (scarce leads only when the others run out).
		r := pv.size - len(team)
		words := p.words
		for scarce := uint64(0); scarce <= 1 && r > 0; scarce++ {
			for l := 0; l < len(st.loadN) && r > 0; l++ {
				if st.loadN[l] == 0 {
					continue
				}
				set := st.byLoad[l*words : (l+1)*words]
				for w := 0; w < words && r > 0; w++ {
					x := set[w] & cand[w] & (p.scarce[w] ^ (scarce - 1))
					for ; x != 0 && r > 0; x &= x - 1 {
						add(w<<6 | bits.TrailingZeros64(x))
						r--
					}
				}
			}
		}
		if r > 0 {
			return fail()
		}
	}
	for len(team) < pv.size {
		i := pick(nil, all, false, false, covered)
		if i < 0 {
			return fail()
		}
		add(i)
	}
	return team
}

// pickByMask is buildTeam's pick for a visit with more than four missing
// skills: the gain is read from each candidate's skill mask.
func (st *state) pickByMask(pv *pvisit, cand, set bitset, words [2]int32, lead, mustCover bool, covered uint64, style teamStyle) int {
	p := st.p
	need := fullMask(len(pv.skills))
	best := ^uint64(0)
	for w := int(words[0]); w < int(words[1]); w++ {
		x := cand[w]
		if set != nil {
			x &= set[w]
		}
		if mustCover {
			var holders uint64
			for u := need &^ covered; u != 0; u &= u - 1 {
				if hs := p.skillSet[pv.skills[bits.TrailingZeros64(u)]]; hs != nil {
					holders |= hs[w]
				}
			}
			x &= holders
		}
		if x == 0 {
			continue
		}
		if style == teamFirstFit {
			return w<<6 | bits.TrailingZeros64(x)
		}
		var scarceW uint64
		if !lead {
			scarceW = p.scarce[w]
		}
		for ; x != 0; x &= x - 1 {
			b := bits.TrailingZeros64(x)
			i := w<<6 | b
			key := uint64(64-bits.OnesCount64(pv.smask[i]&^covered))<<56 |
				(scarceW>>uint(b)&1)<<55 | uint64(st.load[i])<<24 | uint64(i)
			if lead && isRot(pv, int32(i)) {
				key |= 1 << 63
			}
			best = min(best, key)
		}
	}
	if best == ^uint64(0) {
		return -1
	}
	return int(best & (1<<24 - 1))
}

func inTeam(team []int32, i int) bool {
	for _, t := range team {
		if int(t) == i {
			return true
		}
	}
	return false
}

func teamHasBody(p *problem, team []int32, b int32) bool {
	for _, i := range team {
		if p.body[i] == b {
			return true
		}
	}
	return false
}

// snapshot is a copy of the assignment, to restore the best state found.
type snapshot struct {
	start []int32
	team  [][]int32
}

func (st *state) snapshot() snapshot {
	s := snapshot{start: append([]int32(nil), st.start...), team: make([][]int32, len(st.team))}
	copy(s.team, st.team) // teams are never mutated in place
	return s
}

// restore rebuilds the state from a snapshot.
func (st *state) restore(s snapshot) {
	for v := range st.start {
		if st.start[v] >= 0 {
			st.unplace(v)
		}
	}
	for v, x := range s.start {
		if x >= 0 {
			st.place(v, int(x), s.team[v])
		}
	}
}
