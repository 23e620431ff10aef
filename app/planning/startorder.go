package planning

// startOrder yields the indices of a visit's start costs in increasing (cost,
// index) order, lazily: a binary heap costs O(n) to build and O(log n) per
// start tried, where finding the cheapest untried start by a scan cost O(n)
// per try (the order is the same: ties go to the earlier start).
//
// A caller that tries at most n more starts (insertBest with a bound on its
// tries) asks for the n least only (initBest): one pass keeps them in a
// short sorted list, which costs less than heaping every start.
type startOrder struct {
	costs []int64
	idx   []int32
	// sorted: idx holds the n least indices in order, next is the next
	// one to pop (initBest); otherwise idx is a heap (init).
	sorted bool
	next   int
}

// initBest orders the n least indices of costs but skip (-1: none): pop
// yields them as init would, then -1.
func (h *startOrder) initBest(costs []int64, skip, n int) {
	h.costs, h.sorted, h.next = costs, true, 0
	h.idx = h.idx[:0]
	if n <= 0 {
		return
	}
	for k := range costs {
		if k == skip || (len(h.idx) == n && !h.less(int32(k), h.idx[n-1])) {
			continue
		}
		if len(h.idx) < n {
			h.idx = append(h.idx, 0)
		}
		j := len(h.idx) - 1 // insert k, dropping the last when full
		for ; j > 0 && h.less(int32(k), h.idx[j-1]); j-- {
			h.idx[j] = h.idx[j-1]
		}
		h.idx[j] = int32(k)
	}
}

// init orders every index of costs but skip (-1: none).
func (h *startOrder) init(costs []int64, skip int) {
	h.costs, h.sorted = costs, false
	h.idx = h.idx[:0]
	for k := range costs {
		if k != skip {
			h.idx = append(h.idx, int32(k))
		}
	}
	for i := len(h.idx)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *startOrder) less(a, b int32) bool {
	ca, cb := h.costs[a], h.costs[b]
	return ca < cb || (ca == cb && a < b)
}

func (h *startOrder) down(i int) {
	n := len(h.idx)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && h.less(h.idx[r], h.idx[l]) {
			j = r
		}
		if !h.less(h.idx[j], h.idx[i]) {
			return
		}
		h.idx[i], h.idx[j] = h.idx[j], h.idx[i]
		i = j
	}
}

// pop returns the next index, or -1 when every start was tried.
func (h *startOrder) pop() int {
	if h.sorted {
		if h.next == len(h.idx) {
			return -1
		}
		h.next++
		return int(h.idx[h.next-1])
	}
	n := len(h.idx)
	if n == 0 {
		return -1
	}
	top := h.idx[0]
	h.idx[0] = h.idx[n-1]
	h.idx = h.idx[:n-1]
	if n > 2 {
		h.down(0)
	}
	return int(top)
}
