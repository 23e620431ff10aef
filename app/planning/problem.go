package planning

import (
	"math/bits"
	"strings"
)

// bitset is a fixed-size set of small ints (inspector indices).
type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) clear(i int)    { b[i>>6] &^= 1 << (uint(i) & 63) }
func (b bitset) count() (n int) {
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls f for every member in increasing order.
func (b bitset) each(f func(i int)) {
	for w, x := range b {
		for x != 0 {
			f(w<<6 | bits.TrailingZeros64(x))
			x &= x - 1
		}
	}
}

// problem is one group indexed to dense ints: working days, local inspectors
// (sorted by id), per-day leave bitsets, skill and body sets, and per visit its
// feasible starts, window cost per start and eligible inspectors (H4 closed over
// the unit's ancestors).
type problem struct {
	m        *model
	g        *group
	nW       int
	month    []int8  // working day → 0..11
	week     []int16 // working day → dense ISO week
	nWeek    int
	monthW   [12]int64
	monthEnd [12]int32 // month → one past its last working day (months are in day order)
	W        int64     // working days in the year

	nI       int
	words    int
	insp     []int    // local → model inspector index
	leave    []bitset // per working day: inspectors on leave
	maxDays  []int32  // 0 = no limit
	capped   bitset   // inspectors with a max_days limit
	canLead  bitset
	scarce   bitset  // leads of a body whose lead-days are at least half taken by its visits
	body     []int32 // local inspector → body index
	bodySets []bitset
	// bodyWords[b] is the range [lo, hi) of the words of bodySets[b] that
	// hold a member (a body's inspectors are usually adjacent).
	bodyWords [][2]int32
	skillSet  []bitset // by model skill index (nil when nobody in the group holds it)

	nArea  int
	areaID []string
	visits []pvisit

	blocked []int32 // scratch of index
	black   []bool
}

// pvisit is a visit of the group with everything the search needs.
type pvisit struct {
	// The fields every place, unplace and team build reads come first, so
	// that they share the struct's first cache lines.
	days     int
	size     int
	prio     int64
	area     int32 // dense area, -1 when the visit does not count for area_week
	leadBody int32
	win      []int64 // window_day cost per start (weighted, unscaled)
	rot      []int32 // last year's lead(s), local indices
	bodies   []int32
	siblings []int32  // other visits of the same unit (H6)
	elig     bitset   // inspectors free of conflict of interest
	leads    bitset   // elig ∩ can_lead ∩ lead body
	smask    []uint64 // inspector → which of the visit's skills they hold (bit k = skills[k])
	skills   []int32
	starts   []int32 // starts where a team may exist at all (after diagnosis)
	mv       *MergedVisit
	unit     int
	startOK  []bool  // H1 + H5 per start
	reason   Message // non-empty: the visit can never be placed, and why
}

func newProblem(m *model, g *group) *problem {
	cal := m.cal
	p := &problem{m: m, g: g, nW: cal.Len(), W: int64(cal.Len())}
	p.month = make([]int8, p.nW)
	p.week = make([]int16, p.nW)
	prevKey := -1
	for d := 0; d < p.nW; d++ {
		p.month[d] = int8(cal.Month(d) - 1)
		p.monthW[p.month[d]]++
		p.monthEnd[p.month[d]] = int32(d + 1)
		y, w := cal.ISOWeek(d)
		if key := y*100 + w; key != prevKey {
			prevKey = key
			p.nWeek++
		}
		p.week[d] = int16(p.nWeek - 1)
	}

	p.insp = g.inspectors
	p.nI = len(p.insp)
	p.words = (p.nI + 63) / 64
	p.leave = make([]bitset, p.nW)
	for d := range p.leave {
		p.leave[d] = newBitset(p.nI)
	}
	p.maxDays = make([]int32, p.nI)
	p.capped = newBitset(p.nI)
	p.canLead = newBitset(p.nI)
	p.body = make([]int32, p.nI)
	p.bodySets = make([]bitset, len(m.bodyIdx))
	for b := range p.bodySets {
		p.bodySets[b] = newBitset(p.nI)
	}
	p.skillSet = make([]bitset, len(m.skillIdx))
	local := make(map[string]int, p.nI)
	for li, mi := range p.insp {
		in := &m.inspectors[mi]
		local[in.ID] = li
		if in.MaxDays > 0 {
			p.maxDays[li] = int32(in.MaxDays)
			p.capped.set(li)
		}
		if in.CanLead {
			p.canLead.set(li)
		}
		b := m.bodyIdx[in.Body]
		p.body[li] = int32(b)
		p.bodySets[b].set(li)
		for _, s := range in.Skills {
			k := m.skillIdx[s]
			if p.skillSet[k] == nil {
				p.skillSet[k] = newBitset(p.nI)
			}
			p.skillSet[k].set(li)
		}
		for _, iv := range in.Unavailable {
			a, z := m.dayRange(iv)
			for d := a; d <= z; d++ {
				p.leave[d].set(li)
			}
		}
	}
	p.bodyWords = make([][2]int32, len(p.bodySets))
	for b, set := range p.bodySets {
		lo, hi := int32(0), int32(0)
		for w, x := range set {
			if x != 0 {
				if hi == 0 {
					lo = int32(w)
				}
				hi = int32(w + 1)
			}
		}
		p.bodyWords[b] = [2]int32{lo, hi}
	}

	// Conflicts of interest: a unit is closed to everyone whose home, former or
	// conflict units include it or one of its ancestors.
	direct := map[int][]int{}
	for li, mi := range p.insp {
		in := &m.inspectors[mi]
		for _, list := range [][]string{{in.HomeUnit}, in.FormerUnits, in.ConflictUnits} {
			for _, u := range list {
				if ui, ok := m.unitIdx[u]; ok {
					direct[ui] = append(direct[ui], li)
				}
			}
		}
	}
	conflicts := map[int]bitset{}
	var closed func(u int) bitset
	closed = func(u int) bitset {
		if c, ok := conflicts[u]; ok {
			return c
		}
		c := newBitset(p.nI)
		if m.parent[u] >= 0 {
			copy(c, closed(m.parent[u]))
		}
		for _, li := range direct[u] {
			c.set(li)
		}
		conflicts[u] = c
		return c
	}
	eligCache := map[int]bitset{}
	maskCache := map[string][]uint64{}

	areaIdx := map[string]int{}
	unitVisits := map[int][]int32{}
	p.visits = make([]pvisit, len(g.visits))
	for lv, mv := range g.visits {
		v := &m.visits[mv]
		pv := &p.visits[lv]
		pv.mv = v
		pv.unit = m.unitIdx[v.Unit]
		pv.days = v.Days
		pv.size = v.TeamSize
		pv.prio = int64(v.Priority)
		pv.area = -1
		if a := m.inst.Units[pv.unit].Area; a != "" && v.Form == FormPlanned {
			if _, ok := areaIdx[a]; !ok {
				areaIdx[a] = len(p.areaID)
				p.areaID = append(p.areaID, a)
			}
			pv.area = int32(areaIdx[a])
		}
		for _, b := range v.Bodies {
			pv.bodies = append(pv.bodies, int32(m.bodyIdx[b]))
		}
		pv.leadBody = int32(m.bodyIdx[v.LeadBody])
		for _, s := range v.Skills {
			pv.skills = append(pv.skills, int32(m.skillIdx[s]))
		}
		key := strings.Join(v.Skills, "\x00")
		if masks, ok := maskCache[key]; ok {
			pv.smask = masks
		} else {
			pv.smask = make([]uint64, p.nI)
			for k, s := range pv.skills {
				if set := p.skillSet[s]; set != nil && k < 64 {
					set.each(func(i int) { pv.smask[i] |= 1 << uint(k) })
				}
			}
			maskCache[key] = pv.smask
		}
		elig, ok := eligCache[pv.unit]
		if !ok {
			elig = newBitset(p.nI)
			c := closed(pv.unit)
			for w := range elig {
				elig[w] = ^c[w]
			}
			if r := p.nI & 63; r != 0 {
				elig[len(elig)-1] &= 1<<uint(r) - 1
			}
			eligCache[pv.unit] = elig
		}
		pv.elig = elig
		pv.leads = newBitset(p.nI)
		for w := range pv.leads {
			pv.leads[w] = elig[w] & p.canLead[w] & p.bodySets[pv.leadBody][w]
		}
		for _, id := range m.lastLeads[v.Unit] {
			if li, ok := local[id]; ok {
				pv.rot = append(pv.rot, int32(li))
			}
		}
		unitVisits[pv.unit] = append(unitVisits[pv.unit], int32(lv))
		p.index(pv)
	}
	p.nArea = len(p.areaID)
	p.markScarceLeads()
	for lv := range p.visits {
		pv := &p.visits[lv]
		for _, o := range unitVisits[pv.unit] {
			if int(o) != lv {
				pv.siblings = append(pv.siblings, o)
			}
		}
	}
	return p
}

// markScarceLeads marks the lead inspectors of every body whose visits need at
// least half of the lead-days its leads can give (off leave, within max_days).
func (p *problem) markScarceLeads() {
	p.scarce = newBitset(p.nI)
	supply := make([]int64, len(p.bodySets))
	demand := make([]int64, len(p.bodySets))
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
		supply[p.body[i]] += days
	}
	for v := range p.visits {
		demand[p.visits[v].leadBody] += int64(p.visits[v].days)
	}
	for i := 0; i < p.nI; i++ {
		if b := p.body[i]; p.canLead.has(i) && 2*demand[b] >= supply[b] {
			p.scarce.set(i)
		}
	}
}

// index computes the feasible starts (H1, H5) and the window cost per start.
func (p *problem) index(pv *pvisit) {
	m := p.m
	d := pv.days
	if len(p.blocked) != p.nW+1 {
		p.blocked, p.black = make([]int32, p.nW+1), make([]bool, p.nW)
	}
	blocked := p.blocked // prefix count of blackout days
	black := p.black
	clear(black)
	for _, iv := range m.inst.Units[pv.unit].Blackouts {
		a, z := m.dayRange(iv)
		for x := a; x <= z; x++ {
			black[x] = true
		}
	}
	for x := 0; x < p.nW; x++ {
		blocked[x+1] = blocked[x]
		if black[x] {
			blocked[x+1]++
		}
	}
	pv.startOK = make([]bool, p.nW)
	for s := 0; s+d <= p.nW; s++ {
		pv.startOK[s] = blocked[s+d] == blocked[s]
	}
	pv.win = make([]int64, p.nW)
	wd := m.rules.Weights.WindowDay
	for _, iv := range pv.mv.Windows {
		if iv.From == "" {
			continue
		}
		a, z := m.dayRange(iv)
		for s := 0; s < p.nW; s++ {
			inside := min(s+d-1, z) - max(s, a) + 1
			if inside < 0 {
				inside = 0
			}
			pv.win[s] += wd * int64(d-inside)
		}
	}
}

// free returns, in out, the inspectors eligible for pv who are neither on leave
// nor busy on any of the days [s, s+days) and have max_days room.
func (st *state) free(pv *pvisit, s int, out bitset) {
	tight, nW := st.tight[pv.days], st.p.nW
	for w := range out {
		x := pv.elig[w] &^ tight[w]
		if x != 0 {
			for _, o := range st.occ[w*nW+s:][:pv.days] {
				x &^= o
			}
		}
		out[w] = x
	}
}
