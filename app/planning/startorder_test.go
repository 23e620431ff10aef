package planning

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// The heap must try starts in exactly the order the scan did: cheapest first,
// ties to the earlier start, the skipped one never.
func TestStartOrderPopsByCostThenIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h startOrder
	for n := range 40 {
		costs := make([]int64, n)
		for k := range costs {
			costs[k] = int64(rng.IntN(5)) // many ties
		}
		skip := -1
		if n > 0 {
			skip = rng.IntN(n)
		}
		want := make([]int, 0, n)
		for k := range costs {
			if k != skip {
				want = append(want, k)
			}
		}
		slices.SortStableFunc(want, func(a, b int) int { return cmp.Compare(costs[a], costs[b]) })
		h.init(costs, skip)
		var got []int
		for k := h.pop(); k >= 0; k = h.pop() {
			got = append(got, k)
		}
		if !slices.Equal(got, want) && (len(got) > 0 || len(want) > 0) {
			t.Fatalf("n=%d skip=%d costs %v: popped %v, want %v", n, skip, costs, got, want)
		}
		// The n least only: the same first n, then nothing.
		for _, best := range []int{1, 3, 7, 50} {
			h.initBest(costs, skip, best)
			got = got[:0]
			for k := h.pop(); k >= 0; k = h.pop() {
				got = append(got, k)
			}
			if w := want[:min(best, len(want))]; !slices.Equal(got, w) && (len(got) > 0 || len(w) > 0) {
				t.Fatalf("n=%d skip=%d best %d costs %v: popped %v, want %v", n, skip, best, costs, got, w)
			}
		}
	}
}
