package planning

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// The search's shortcuts must agree with a recount after every move, accepted
// or reverted: the inspectors too short of max_days room for each visit
// length, the free sets built on them and on who is busy which day, the
// cheapest start found without costing every start, the inspectors by load,
// the placed visits by day, the unplaced visits and each placed visit's
// share of the penalty.
func TestIncrementalIndexesAgreeWithARecountAfterEveryMove(t *testing.T) {
	for seed := range uint64(6) {
		inst := randomInstance(seed, 60, 14)
		m, err := newModel(inst)
		if err != nil {
			t.Fatal(err)
		}
		for gi := range m.groups {
			p := newProblem(m, &m.groups[gi])
			p.diagnose()
			st := newState(p)
			st.construct()
			rng := rand.New(rand.NewPCG(seed, 3))
			se := &search{st: st, p: p, rng: rng, aids: newSearchAids(p)}
			if len(se.aids.movable) == 0 {
				continue
			}
			for it := range 400 {
				se.touched = se.touched[:0]
				if !se.move() || rng.IntN(2) == 0 {
					se.revert()
				}
				if msg := recountMismatch(st); msg != "" {
					t.Fatalf("seed %d, group %d, move %d: %s", seed, gi, it, msg)
				}
			}
		}
	}
}

// recountMismatch recomputes what state keeps incrementally and names the
// first difference ("" when none).
func recountMismatch(st *state) string {
	p := st.p
	for d := range st.tight {
		for i := 0; i < p.nI; i++ {
			want := p.maxDays[i] > 0 && st.load[i]+int32(d) > p.maxDays[i]
			if st.tight[d].has(i) != want {
				return "tight set of length " + strconv.Itoa(d) + " is stale for inspector " + strconv.Itoa(i)
			}
		}
	}
	counts := make([]int32, len(st.loadN))
	for i := 0; i < p.nI; i++ {
		l := int(st.load[i])
		counts[l]++
		for o := range st.loadN {
			if got := st.byLoad[o*p.words+i>>6]>>(uint(i)&63)&1 == 1; got != (o == l) {
				return "load set " + strconv.Itoa(o) + " is stale for inspector " + strconv.Itoa(i)
			}
		}
	}
	for l, n := range counts {
		if st.loadN[l] != n {
			return "count of load " + strconv.Itoa(l) + " is stale"
		}
	}
	for v := range p.visits {
		s := int(st.start[v])
		if st.unplaced.has(v) != (s < 0) {
			return "unplaced set is stale for visit " + p.visits[v].mv.ID
		}
		for d := 0; d < p.nW; d++ {
			want := s >= 0 && d >= s && d < s+p.visits[v].days
			if got := st.active[(v>>6)*p.nW+d]>>(uint(v)&63)&1 == 1; got != want {
				return "visits of day " + strconv.Itoa(d) + " are stale for visit " + p.visits[v].mv.ID
			}
		}
		if s >= 0 {
			pv, team := &p.visits[v], st.team[v]
			want := placedCost{window: pv.win[s], joint: int32(p.missingBodies(pv, team)), rot: isRot(pv, team[0])}
			if st.placed[v] != want {
				return "share of the penalty of visit " + pv.mv.ID + " is stale"
			}
		}
	}
	out := newBitset(p.nI)
	var costs []int64
	for v := range p.visits {
		pv := &p.visits[v]
		if len(pv.starts) == 0 {
			continue
		}
		for _, s := range pv.starts {
			st.free(pv, int(s), out)
			for i := 0; i < p.nI; i++ {
				want := pv.elig.has(i) && (p.maxDays[i] == 0 || st.load[i]+int32(pv.days) <= p.maxDays[i])
				for d := int(s); d < int(s)+pv.days; d++ {
					want = want && !p.leave[d].has(i)
				}
				for u := range p.visits {
					us := int(st.start[u])
					if us >= 0 && us < int(s)+pv.days && int(s) < us+p.visits[u].days && inTeam(st.team[u], i) {
						want = false
					}
				}
				if out.has(i) != want {
					return "free set of visit " + pv.mv.ID + " is wrong for inspector " + strconv.Itoa(i)
				}
			}
		}
		costs = st.startCosts(v, costs)
		want := -1
		for k, c := range costs {
			if want < 0 || c < costs[want] {
				want = k
			}
		}
		if got := st.cheapestStart(v); got != want {
			return "cheapest start of " + pv.mv.ID + " is " + strconv.Itoa(got) + ", a full costing says " + strconv.Itoa(want)
		}
	}
	return ""
}
