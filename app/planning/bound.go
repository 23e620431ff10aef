package planning

import (
	"cmp"
	"math"
	"slices"
)

// Bound is a lower bound on the penalty of any valid plan, by component
// (penalty units, not scaled).
type Bound struct {
	Unscheduled int64 // visits impossible even alone × priority × weight
	Rotation    int64 // visits whose only possible leads led them last year
	Joint       int64 // bodies that cannot be represented
	// WindowArea is window misses and (area, week) pairs together: per area an
	// uncapacitated facility-location problem (weeks are facilities costing
	// area_week, visits are clients paying their cheapest window cost in the
	// week), bounded by a dual ascent of its LP; visits without area pay their
	// cheapest window cost.
	WindowArea int64
	// WindowOnly is the window part alone (each visit at its cheapest start).
	WindowOnly int64
	// Capacity is the extra cost of the visits that must stay unscheduled
	// because demand exceeds supply: lead-days per lead body and inspector-days
	// overall, each a fractional covering knapsack over the visits' drop costs
	// (unscheduled weight minus what the visit already adds to the bound).
	Capacity int64
}

// Total is the sum of the components.
func (b Bound) Total() int64 {
	return b.Unscheduled + b.Rotation + b.Joint + b.WindowArea + b.Capacity
}

// LowerBound returns a lower bound on the penalty of any valid plan of inst.
func LowerBound(inst *Instance) (float64, error) {
	b, err := LowerBounds(inst)
	if err != nil {
		return 0, err
	}
	return float64(b.Total()), nil
}

// LowerBounds returns the lower bound by component.
func LowerBounds(inst *Instance) (Bound, error) {
	m, err := newModel(inst)
	if err != nil {
		return Bound{}, err
	}
	var b Bound
	for gi := range m.groups {
		p := newProblem(m, &m.groups[gi])
		p.diagnose()
		p.bound(&b)
	}
	return b, nil
}

func (p *problem) bound(b *Bound) {
	w := p.m.rules.Weights
	clients := make([][]int32, p.nArea)  // area → visits
	base := make([]int64, len(p.visits)) // rotation + joint (+ window without area) per visit
	cheap := make([]int64, len(p.visits))
	var rot, joint, flat int64
	for v := range p.visits {
		pv := &p.visits[v]
		if pv.reason.ID != "" {
			b.Unscheduled += w.Unscheduled * pv.prio
			continue
		}
		// Rotation is forced when every possible lead led the unit last time.
		forced := true
		pv.leads.each(func(i int) {
			if !isRot(pv, int32(i)) && (p.maxDays[i] == 0 || int(p.maxDays[i]) >= pv.days) {
				forced = false
			}
		})
		if forced {
			rot += w.Rotation
			base[v] += w.Rotation
		}
		// Bodies no eligible inspector belongs to, then bodies beyond the team size.
		var none, some int64
		for _, bd := range pv.bodies {
			hit := false
			for x := range pv.elig {
				hit = hit || pv.elig[x]&p.bodySets[bd][x] != 0
			}
			if hit {
				some++
			} else {
				none++
			}
		}
		j := w.JointMissingBody * (none + max(0, some-int64(pv.size)))
		joint += j
		base[v] += j
		cheap[v] = int64(math.MaxInt64)
		for _, s := range pv.starts {
			cheap[v] = min(cheap[v], pv.win[s])
		}
		b.WindowOnly += cheap[v]
		if pv.area >= 0 {
			clients[pv.area] = append(clients[pv.area], int32(v))
		} else {
			flat += cheap[v]
			base[v] += cheap[v]
		}
	}
	b.Rotation += rot
	b.Joint += joint
	// Two valid ways to bound windows and (area, week) pairs per area:
	// (1) the facility-location dual, shares u_v; (2) the weeks the lead bodies
	// need at least, plus each visit's cheapest window, shares f + cheapest_v.
	// Each gives a total with its own capacity term; the larger one stands.
	ufl := slices.Clone(base)
	mixed := slices.Clone(base)
	var areaUFL, areaMixed int64
	for _, list := range clients {
		if len(list) == 0 {
			continue // every visit of the area is impossible
		}
		u := p.facilityBound(list, w.AreaWeek)
		var sumU, sumCheap int64
		for k, v := range list {
			sumU += u[k]
			sumCheap += cheap[v]
			ufl[v] += u[k]
			mixed[v] += max(u[k], w.AreaWeek+cheap[v])
		}
		areaUFL += sumU
		areaMixed += max(sumU, w.AreaWeek*p.weeksNeeded(list)+sumCheap)
	}
	capUFL, capMixed := p.capacityBound(ufl), p.capacityBound(mixed)
	if areaMixed+capMixed > areaUFL+capUFL {
		b.WindowArea += flat + areaMixed
		b.Capacity += capMixed
	} else {
		b.WindowArea += flat + areaUFL
		b.Capacity += capUFL
	}
}

// weeksNeeded is the least number of ISO weeks in which the visits of one area
// can start: a lead starts at most ceil(W/d) visits of d days or more in a week
// of W working days, and each visit needs a lead of its lead body.
func (p *problem) weeksNeeded(list []int32) int64 {
	perWeek := make([]int, p.nWeek)
	most := 0
	for d := 0; d < p.nW; d++ {
		perWeek[p.week[d]]++
		most = max(most, perWeek[p.week[d]])
	}
	type group struct {
		n, dmin int
		leads   bitset
	}
	byBody := map[int32]*group{}
	var order []int32
	for _, v := range list {
		pv := &p.visits[v]
		g := byBody[pv.leadBody]
		if g == nil {
			g = &group{dmin: pv.days, leads: newBitset(p.nI)}
			byBody[pv.leadBody] = g
			order = append(order, pv.leadBody)
		}
		g.n++
		g.dmin = min(g.dmin, pv.days)
		for x := range g.leads {
			g.leads[x] |= pv.leads[x]
		}
	}
	var need int64 = 1
	for _, b := range order {
		g := byBody[b]
		perLead := (most + g.dmin - 1) / g.dmin
		capacity := g.leads.count() * perLead
		if capacity > 0 {
			need = max(need, int64((g.n+capacity-1)/capacity))
		}
	}
	return need
}

// capacityBound returns the least extra cost of leaving visits unscheduled so
// that the remaining demand fits the supply (LP relaxation: fractional knapsack).
func (p *problem) capacityBound(share []int64) int64 {
	w := p.m.rules.Weights
	type item struct{ cost, size int64 }
	cover := func(items []item, excess int64) int64 {
		if excess <= 0 {
			return 0
		}
		slices.SortFunc(items, func(a, b item) int { // cost per unit, ascending
			return cmp.Compare(a.cost*b.size, b.cost*a.size)
		})
		var total int64
		for _, it := range items {
			if excess <= 0 {
				break
			}
			take := min(it.size, excess)
			total += it.cost * take / it.size
			excess -= take
		}
		return total
	}
	// Supply per inspector: working days off leave, capped by max_days.
	supply := make([]int64, p.nI)
	for i := range supply {
		n := int64(p.nW)
		for d := 0; d < p.nW; d++ {
			if p.leave[d].has(i) {
				n--
			}
		}
		if p.maxDays[i] > 0 {
			n = min(n, int64(p.maxDays[i]))
		}
		supply[i] = n
	}
	var all []item
	var demand, offer, negative int64
	byBody := map[int32][]item{}
	leadDemand := map[int32]int64{}
	for v := range p.visits {
		pv := &p.visits[v]
		if pv.reason.ID != "" {
			continue
		}
		cost := w.Unscheduled*pv.prio - share[v]
		if cost < 0 { // dropping this visit would lower the bound: count it as dropped
			negative += cost
			cost = 0
		}
		all = append(all, item{cost, int64(pv.size * pv.days)})
		demand += int64(pv.size * pv.days)
		byBody[pv.leadBody] = append(byBody[pv.leadBody], item{cost, int64(pv.days)})
		leadDemand[pv.leadBody] += int64(pv.days)
	}
	for i := range supply {
		offer += supply[i]
	}
	overall := cover(all, demand-offer)
	var leads int64
	for b := int32(0); int(b) < len(p.bodySets); b++ {
		items := byBody[b]
		if len(items) == 0 {
			continue
		}
		var offerB int64
		for i := range supply {
			if p.canLead.has(i) && p.body[i] == b {
				offerB += supply[i]
			}
		}
		leads += cover(items, leadDemand[b]-offerB)
	}
	return negative + max(overall, leads)
}

// facilityBound bounds min over sets of weeks F of |F|·f + Σ_v min_{s in a week
// of F} win[v][s] by dual ascent on the LP dual: maximise Σ_v u_v subject to
// Σ_v max(0, u_v − c_vw) ≤ f for every week w.
func (p *problem) facilityBound(visits []int32, f int64) []int64 {
	if len(visits) == 0 {
		return nil
	}
	const inf = int64(math.MaxInt64 / 4)
	nV := len(visits)
	c := make([][]int64, nV) // visit → week → cheapest window cost in the week
	for k, v := range visits {
		pv := &p.visits[v]
		c[k] = make([]int64, p.nWeek)
		for x := range c[k] {
			c[k][x] = inf
		}
		for _, s := range pv.starts {
			wk := p.week[s]
			c[k][wk] = min(c[k][wk], pv.win[s])
		}
	}
	u := make([]int64, nV)
	for k := range u {
		u[k] = inf
		for _, x := range c[k] {
			u[k] = min(u[k], x)
		}
	}
	slack := make([]int64, p.nWeek)
	for x := range slack {
		slack[x] = f
	}
	for changed := true; changed; {
		changed = false
		for k := range u {
			next, room := inf, inf
			for x, cx := range c[k] {
				if cx <= u[k] {
					room = min(room, slack[x])
				} else {
					next = min(next, cx)
				}
			}
			// u can grow to the next cost level, paid by every week already tight for it.
			step := min(room, next-u[k])
			if next == inf {
				step = room
			}
			if step <= 0 || step >= inf {
				continue
			}
			for x, cx := range c[k] {
				if cx <= u[k] {
					slack[x] -= step
				}
			}
			u[k] += step
			changed = true
		}
	}
	return u
}
