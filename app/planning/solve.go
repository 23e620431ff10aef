package planning

import (
	"cmp"
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Options for Solve. Iterations is the improvement budget (0 = default sized to
// the instance); Greedy=true returns the plain first-fit baseline (no
// improvement) for comparison. Seed varies the search; the same seed gives the
// same plan.
type Options struct {
	Seed       uint64
	Iterations int
	Greedy     bool
}

// DefaultIterationsPerVisit and SmallInstanceIterations size the improvement
// budget of a province with V visits when Options.Iterations is 0:
// DefaultIterationsPerVisit × V + SmallInstanceIterations × 20 / (20 + V).
// The second term gives small provinces, where iterations are cheap and
// plateaus are wide, room to search; it fades as provinces grow.
const (
	DefaultIterationsPerVisit = 150
	SmallInstanceIterations   = 150_000
)

// smallProvince is the size (visits) up to which a province's search restarts.
const smallProvince = 60

// defaultIterations is the budget of a province with v visits.
func defaultIterations(v int) int {
	return DefaultIterationsPerVisit*v + SmallInstanceIterations*20/(20+v)
}

// Solve merges, diagnoses, schedules and improves; it is deterministic for
// (instance, options): the plan JSON is byte-identical whatever GOMAXPROCS.
// It returns an error only for an unusable instance; visits that cannot be
// placed go to Plan.Unscheduled with a reason. Metrics.SolveMS is left 0: the
// engine never reads a clock (callers time it).
func Solve(inst *Instance, opt Options) (*Plan, error) {
	m, err := newModel(inst)
	if err != nil {
		return nil, err
	}
	results := make([]groupResult, len(m.groups))
	totalVisits := len(m.visits)
	budget := func(g *group) int {
		if opt.Iterations > 0 {
			if totalVisits == 0 {
				return 0
			}
			return int(int64(opt.Iterations) * int64(len(g.visits)) / int64(totalVisits))
		}
		return defaultIterations(len(g.visits))
	}
	// Provinces are independent: solve them on up to GOMAXPROCS goroutines,
	// each writing only its own slot, then join them in province order.
	workers := min(runtime.GOMAXPROCS(0), len(m.groups))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for gi := range jobs {
				g := &m.groups[gi]
				results[gi] = solveGroup(m, g, opt, budget(g))
			}
		}()
	}
	for gi := range m.groups {
		jobs <- gi
	}
	close(jobs)
	wg.Wait()

	plan := &Plan{Visits: []Visit{}, Unscheduled: []Unscheduled{}}
	for _, r := range results {
		plan.Visits = append(plan.Visits, r.visits...)
		plan.Unscheduled = append(plan.Unscheduled, r.unscheduled...)
	}
	slices.SortFunc(plan.Visits, func(a, b Visit) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(plan.Unscheduled, func(a, b Unscheduled) int { return cmp.Compare(a.Visit, b.Visit) })
	plan.Metrics = m.metrics(plan)
	return plan, nil
}

type groupResult struct {
	visits      []Visit
	unscheduled []Unscheduled
}

// solveGroup builds, searches and explains one province.
func solveGroup(m *model, g *group, opt Options, iters int) groupResult {
	p := newProblem(m, g)
	p.diagnose()
	st := newState(p)
	if opt.Greedy {
		st.greedy()
	} else {
		st.construct()
		seed := groupSeed(m, g, opt.Seed)
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		// Small provinces have wide plateaus where one search can stall: split
		// their budget into independent restarts from the construction.
		// A short late-acceptance history suits large provinces (measured on
		// Hanoi); small ones need a longer one to cross their plateaus.
		runs, histLen := 1, 8
		if len(g.visits) <= smallProvince {
			runs, histLen = 8, max(8, iters/8000)
		}
		start := st.snapshot()
		var best snapshot
		bestCost := int64(-1)
		for r := range runs {
			if r > 0 {
				st.restore(start)
			}
			st.improve(rng, iters/runs, histLen)
			if c := st.cost(); bestCost < 0 || c < bestCost {
				bestCost, best = c, st.snapshot()
			}
		}
		if st.cost() != bestCost {
			st.restore(best)
		}
	}
	return st.explain(opt.Greedy)
}

// groupSeed hashes the group's content with the caller's seed, so that the
// search depends only on (instance, options).
func groupSeed(m *model, g *group, seed uint64) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	put := func(x uint64) {
		binary.LittleEndian.PutUint64(buf[:], x)
		h.Write(buf[:])
	}
	put(seed)
	put(uint64(m.inst.Year))
	h.Write([]byte(g.root))
	for _, v := range g.visits {
		mv := &m.visits[v]
		h.Write([]byte(mv.ID))
		put(uint64(mv.Days)<<32 | uint64(mv.TeamSize))
	}
	for _, i := range g.inspectors {
		h.Write([]byte(m.inspectors[i].ID))
	}
	return h.Sum64()
}
