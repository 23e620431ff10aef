package planning

import (
	"math/bits"
)

// state is a (partial) schedule of one problem with its penalty kept up to date
// incrementally. All penalty arithmetic is in int64: cost() is the penalty
// multiplied by W (the number of working days), so the balance term is exact.
type state struct {
	p     *problem
	start []int32   // -1 = unscheduled
	team  [][]int32 // lead first
	occ   []bitset  // per working day: on leave or on a visit
	load  []int32   // visit days per inspector

	monthLoad [12]int64
	total     int64
	aw        []int32 // (area, week) → scheduled planned visits starting there

	// Penalty components, unscaled except balAbs (which is |W·L_m − total·W_m| summed).
	unsched, window, rotation, joint, areaWeek int64
	balAbs                                     int64

	// anchor is a repair's previous plan (nil in a solve); disrupt is the
	// disruption terms of the current schedule, weighted, unscaled.
	anchor  *anchor
	disrupt int64

	order startOrder // scratch for insertBest
	tmp   bitset     // scratch for free sets
	slab  []int32    // teams are carved from here: they are never mutated once placed
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
	for v := range st.start {
		st.start[v] = -1
		st.unsched += p.visits[v].prio
	}
	st.occ = make([]bitset, p.nW)
	for d := range st.occ {
		st.occ[d] = make(bitset, p.words)
		copy(st.occ[d], p.leave[d])
	}
	st.load = make([]int32, p.nI)
	st.aw = make([]int32, max(1, p.nArea*p.nWeek))
	st.tmp = newBitset(p.nI)
	return st
}

// cost is the penalty × W.
func (st *state) cost() int64 {
	w := &st.p.m.rules.Weights
	lin := w.Unscheduled*st.unsched + st.window + w.Rotation*st.rotation +
		w.JointMissingBody*st.joint + w.AreaWeek*st.areaWeek
	return st.p.W*(lin+st.disrupt) + w.BalanceDay*st.balAbs
}

func (st *state) recomputeBalance() {
	var s int64
	for m := 0; m < 12; m++ {
		x := st.p.W*st.monthLoad[m] - st.total*st.p.monthW[m]
		if x < 0 {
			x = -x
		}
		s += x
	}
	st.balAbs = s
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
	p := st.p
	pv := &p.visits[v]
	st.start[v] = int32(s)
	st.team[v] = team
	for d := s; d < s+pv.days; d++ {
		o := st.occ[d]
		for _, i := range team {
			o[i>>6] |= 1 << (uint(i) & 63)
		}
		st.monthLoad[p.month[d]] += int64(len(team))
	}
	for _, i := range team {
		st.load[i] += int32(pv.days)
	}
	st.total += int64(len(team) * pv.days)
	st.recomputeBalance()
	if pv.area >= 0 {
		k := int(pv.area)*p.nWeek + int(p.week[s])
		if st.aw[k] == 0 {
			st.areaWeek++
		}
		st.aw[k]++
	}
	st.unsched -= pv.prio
	st.window += pv.win[s]
	if isRot(pv, team[0]) {
		st.rotation++
	}
	st.joint += p.missingBodies(pv, team)
	if st.anchor != nil {
		st.disrupt += st.anchor.delta(v, s, team)
	}
}

func (st *state) unplace(v int) {
	p := st.p
	pv := &p.visits[v]
	s := int(st.start[v])
	team := st.team[v]
	for d := s; d < s+pv.days; d++ {
		o := st.occ[d]
		for _, i := range team {
			o[i>>6] &^= 1 << (uint(i) & 63)
		}
		st.monthLoad[p.month[d]] -= int64(len(team))
	}
	for _, i := range team {
		st.load[i] -= int32(pv.days)
	}
	st.total -= int64(len(team) * pv.days)
	st.recomputeBalance()
	if pv.area >= 0 {
		k := int(pv.area)*p.nWeek + int(p.week[s])
		st.aw[k]--
		if st.aw[k] == 0 {
			st.areaWeek--
		}
	}
	st.unsched += pv.prio
	st.window -= pv.win[s]
	if isRot(pv, team[0]) {
		st.rotation--
	}
	st.joint -= p.missingBodies(pv, team)
	if st.anchor != nil {
		st.disrupt -= st.anchor.delta(v, s, team)
	}
	st.start[v] = -1
	st.team[v] = nil
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
		w, bit := i>>6, uint64(1)<<(uint(i)&63)
		for d := s; d < s+pv.days; d++ {
			if st.occ[d][w]&bit != 0 {
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
	cand := st.tmp
	p.free(pv, s, st.occ, st.load, cand)
	need := fullMask(len(pv.skills))
	team := st.newTeam(pv.size)

	// pick returns the best inspector in set (intersected with cand, minus the
	// team) by: covers more missing skills, then (balanced) not last year's
	// lead when choosing a lead, then least loaded, then smallest index.
	pick := func(set bitset, lead bool, mustCover bool, covered uint64) int {
		best, bestGain, bestRot, bestScarce, bestLoad := -1, -1, true, true, int32(0)
		for w := range cand {
			x := cand[w]
			if set != nil {
				x &= set[w]
			}
			for x != 0 {
				i := w<<6 | bits.TrailingZeros64(x)
				x &= x - 1
				if style == teamFirstFit {
					if mustCover && p.skillMask(pv, i)&^covered == 0 {
						continue
					}
					return i
				}
				gain := bits.OnesCount64(p.skillMask(pv, i) &^ covered)
				if mustCover && gain == 0 {
					continue
				}
				rot := lead && isRot(pv, int32(i))
				// A member who is a scarce lead elsewhere spends days their body needs.
				scarce := !lead && p.scarce.has(i)
				better := best < 0
				if !better {
					switch {
					case rot != bestRot:
						better = !rot
					case gain != bestGain:
						better = gain > bestGain
					case scarce != bestScarce:
						better = !scarce
					case st.load[i] != bestLoad:
						better = st.load[i] < bestLoad
					}
				}
				if better {
					best, bestGain, bestRot, bestScarce, bestLoad = i, gain, rot, scarce, st.load[i]
				}
			}
		}
		return best
	}

	var covered uint64
	add := func(i int) {
		team = append(team, int32(i))
		covered |= p.skillMask(pv, i)
		cand.clear(i) // pick never offers a member twice
	}
	lead := pick(pv.leads, true, false, covered)
	if lead < 0 {
		return nil
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
			if i := pick(p.bodySets[b], false, false, covered); i >= 0 {
				add(i)
			}
		}
	}
	for covered&need != need {
		if len(team) >= pv.size {
			return nil
		}
		i := pick(nil, false, true, covered)
		if i < 0 {
			return nil
		}
		add(i)
	}
	if style == teamBalanced && len(team) < pv.size {
		// Every skill is covered, so picks no longer differ in gain or
		// rotation: the remaining places go to the free inspectors that are
		// not scarce leads, then least loaded, then by index, found in one pass.
		var buf [16]int32
		best := buf[:0]
		r := pv.size - len(team)
		before := func(i, j int32) bool {
			si, sj := p.scarce.has(int(i)), p.scarce.has(int(j))
			if si != sj {
				return !si
			}
			if st.load[i] != st.load[j] {
				return st.load[i] < st.load[j]
			}
			return i < j
		}
		for w, bitsW := range cand {
			for ; bitsW != 0; bitsW &= bitsW - 1 {
				x := int32(w<<6 | bits.TrailingZeros64(bitsW))
				if len(best) == r && !before(x, best[r-1]) {
					continue
				}
				if len(best) < r {
					best = append(best, x)
				} else {
					best[r-1] = x
				}
				for k := len(best) - 1; k > 0 && before(best[k], best[k-1]); k-- {
					best[k], best[k-1] = best[k-1], best[k]
				}
			}
		}
		if len(best) < r {
			return nil
		}
		for _, i := range best {
			add(int(i))
		}
	}
	for len(team) < pv.size {
		i := pick(nil, false, false, covered)
		if i < 0 {
			return nil
		}
		add(i)
	}
	return team
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
