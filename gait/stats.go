package gait

import (
	"math"
	"slices"
)

// Summary describes one channel over the selected records, time-weighted.
// With no valid sample N is 0 and every number is NaN.
type Summary struct {
	N      int     // records with a value
	Mean   float64 // time-weighted
	SD     float64 // time-weighted standard deviation
	CVPct  float64 // coefficient of variation, 100·SD/Mean
	Median float64
	P05    float64
	P95    float64
}

// Summarize summarizes x over the records where sel is true and x is not
// NaN, each weighted by weights. x, sel and weights must have equal length.
func Summarize(x []float64, sel []bool, weights []float64) Summary {
	var s scratch
	sum, _, _ := s.summarize(x, sel, weights, nil)
	return sum
}

// scratch holds the working buffers of one analysis, reused from one
// statistic to the next so that a long run costs a handful of
// allocations rather than several per channel. A scratch belongs to a
// single call of Analyze (or of one exported building block): slices it
// returns are only valid until its next use.
type scratch struct {
	// wholeWeights reports that the weights are whole numbers small
	// enough that any sum of them is exact, as whole seconds between FIT
	// timestamps are: such sums come out the same in any order, which
	// lets sums of weights be split over buckets and lanes. Otherwise
	// they are added one by one in record order.
	wholeWeights bool

	v, w      []float64 // one channel's selected values and their weights
	next      []int32   // the histogram's bucket chains (see histogram.last); drift's slots
	sub       []paired1 // one quantile's bucket, sorted
	roll      []float64 // rolling means (spikes); speeds (cadence fit)
	small     []float64 // short lists: steady-stretch values; spikes' step sums
	sds       []float64 // steady stretches' SDs
	stretches [][2]int  // steady stretches
	ints      []int32   // two columns: drift's speed and grade bins; spikes' step counts
	win       []uint8   // drift's window of each record
	steps     []step    // spikes' evaluation grid
	sums      []stepSum // spikes' step sums
	hist      histogram
}

// grow returns buf with length n, reallocated when its capacity is
// short. The contents are whatever was there: callers overwrite them.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// int32s returns two columns of n int32s from s.ints, contents undefined.
func (s *scratch) int32s(n int) (a, b []int32) {
	s.ints = grow(s.ints, 2*n)
	return s.ints[:n:n], s.ints[n : 2*n]
}

// wholeNumbers reports whether every weight is a whole number small
// enough that no sum of them can be rounded (see scratch.wholeWeights).
func wholeNumbers(weights []float64) bool {
	for _, w := range weights {
		if !wholeNumber(w, len(weights)) {
			return false
		}
	}
	return true
}

// wholeNumber reports whether w is a whole number that n of can be added
// without rounding: at most 2⁵³/n. NaN is not.
func wholeNumber(w float64, n int) bool {
	return w == math.Trunc(w) && math.Abs(w) <= (1<<53)/float64(max(n, 1))
}

// lanes returns the mask that spreads sums of weights over two
// accumulators when that cannot change them (see scratch.wholeWeights):
// consecutive values often land in the same bucket, and a single
// accumulator would make each addition wait for the one before.
func (s *scratch) lanes() int {
	if s.wholeWeights {
		return 1
	}
	return 0
}

// summarize is Summarize using s's buffers. With zones it also returns the
// weight of the values in each zone (nil without values), and their total
// weight, added in record order.
func (s *scratch) summarize(x []float64, sel []bool, weights []float64, zones *zoneRule) (sum Summary, shares []float64, total float64) {
	if len(x) != len(sel) || len(x) != len(weights) {
		panic("gait: slice length mismatch")
	}
	p := s.reduce(x, sel, weights)
	sum.N = p.n
	if p.n == 0 {
		nan := math.NaN()
		sum.Mean, sum.SD, sum.CVPct, sum.Median, sum.P05, sum.P95 = nan, nan, nan, nan, nan, nan
		return sum, nil, 0
	}
	// Mean and variance as gonum's stat.MeanVariance computes them, sum
	// for sum in the same order, so the results are the same to the
	// bit: its corrected two-pass algorithm (Chan, Golub and LeVeque
	// 1983, eq. 1.7) with the weights as frequencies; with seconds as
	// weights that is variance per second. The second pass also fills
	// the histogram for the quantiles.
	//
	// The passes read the columns in place, skipping the records left
	// out, rather than copy out the values first: the histogram chains
	// the records in each bucket and leaves out the others (see
	// quantiles). Only when the histogram is of no use (a few values, or
	// all one) are the values copied out.
	mean := p.sumV / p.sumW
	h := s.histogramFor(p.extent, p.n)
	v, w := x, weights
	var ss, comp float64
	if h.useful {
		ss, comp = s.spreadIn(x, sel, weights, mean, h)
	} else {
		v, w = s.pick(x, sel, weights, p.n)
		ss, comp = spread(v, w, mean)
	}
	// The second pass's Σw adds the same weights in the same order as
	// the first's: the same to the bit.
	sumW := p.sumW
	sum.Mean = mean
	if p.n > 1 {
		sum.SD = math.Sqrt((ss - comp*comp/sumW) / (sumW - 1))
	}
	if sum.Mean != 0 {
		sum.CVPct = 100 * sum.SD / sum.Mean
	} else {
		sum.CVPct = math.NaN()
	}
	ps := [3]float64{0.5, 0.05, 0.95}
	var q [3]float64
	if zones == nil {
		s.quantiles(v, w, p.extent, h, ps[:], q[:])
		sum.Median, sum.P05, sum.P95 = q[0], q[1], q[2]
		return sum, nil, p.sumW
	}
	shares = make([]float64, zones.n)
	if !h.useful || !s.wholeWeights || !zones.exact {
		// One by one, in record order: the only order that gives the
		// same sums for any weights. With a useful histogram v is the
		// column itself, records left out included.
		for i, x := range v {
			if h.useful && (!sel[i] || math.IsNaN(x)) {
				continue // left out
			}
			if z := zones.of(x); z >= 0 {
				shares[z] += w[i]
			}
		}
		zones = nil
	}
	s.quantiles(v, w, p.extent, h, ps[:], q[:])
	sum.Median, sum.P05, sum.P95 = q[0], q[1], q[2]
	if zones != nil {
		zones.fromHistogram(h, v, w, s.next, shares)
	}
	return sum, shares, p.sumW
}

// extent is the range and total weight of a set of values.
type extent struct{ lo, hi, total float64 }

// reduced is the first pass of a summary over the selected, non-NaN
// values of a channel.
type reduced struct {
	n int // how many
	extent
	sumV, sumW float64 // Σ w·v and Σ w, added in order as stat.Mean does
}

// reduce returns the count, extent and weighted sum of the selected,
// non-NaN values of x.
func (s *scratch) reduce(x []float64, sel []bool, weights []float64) reduced {
	n := len(sel)
	x, weights = x[:n], weights[:n] // one length: no bounds checks below
	// The first value is the extent so far; from then on the lowest is
	// never above the highest, so a value below the lowest is not above
	// the highest, and one comparison mostly does (ties: none, as when
	// both are tested).
	first := 0
	for first < n && (!sel[first] || math.IsNaN(x[first])) {
		first++
	}
	if first == n {
		return reduced{extent: extent{math.Inf(1), math.Inf(-1), 0}}
	}
	sel, x, weights = sel[first:], x[first:], weights[first:len(x)]
	x, weights = x[:len(sel)], weights[:len(sel)]
	k := 0
	// Locals, not reduced's fields, so the sums stay in registers.
	lo, hi := x[0], x[0]
	var sumV, sumW float64
	for i, ok := range sel {
		xi := x[i]
		if !ok || math.IsNaN(xi) {
			continue
		}
		wi := weights[i]
		k++
		if xi < lo {
			lo = xi
		} else if xi > hi {
			hi = xi
		}
		sumV += wi * xi
		sumW += wi
	}
	return reduced{n: k, extent: extent{lo, hi, sumW}, sumV: sumV, sumW: sumW}
}

// pick copies the n selected, non-NaN values of x and their weights to
// s.v and s.w, in record order.
func (s *scratch) pick(x []float64, sel []bool, weights []float64, n int) (v, w []float64) {
	s.v, s.w = grow(s.v, n), grow(s.w, n)
	v, w = s.v[:n], s.w[:n]
	k := 0
	for i, ok := range sel {
		if xi := x[i]; ok && !math.IsNaN(xi) {
			v[k], w[k] = xi, weights[i]
			k++
		}
	}
	return v, w
}

// spreadIn is spread over the selected, non-NaN values of x, read in
// place, which it also puts in the histogram h (see histogramFor): the
// records left out are in no bucket.
func (s *scratch) spreadIn(x []float64, sel []bool, weights []float64, mean float64, h *histogram) (ss, comp float64) {
	n := len(sel)
	s.next = grow(s.next, n)
	x, weights, next := x[:n], weights[:n], s.next[:n]
	bin, last := h.binning, &h.last
	// Records in pairs, the even one's weight to lane 0 and the odd
	// one's to lane lanes(): bw[i&lanes()] as one record at a time,
	// without computing the lane at each.
	bw0, bw1 := &h.bw[0], &h.bw[s.lanes()]
	i := 0
	for ; i+1 < n; i += 2 {
		if xi := x[i]; sel[i] && !math.IsNaN(xi) {
			wi := weights[i]
			d := xi - mean
			wd := wi * d
			ss += wd * d
			comp += wd
			b := bin.bucket(xi)
			next[i], last[b] = last[b], int32(i+1)
			bw0[b] += wi
		}
		if xi := x[i+1]; sel[i+1] && !math.IsNaN(xi) {
			wi := weights[i+1]
			d := xi - mean
			wd := wi * d
			ss += wd * d
			comp += wd
			b := bin.bucket(xi)
			next[i+1], last[b] = last[b], int32(i+2)
			bw1[b] += wi
		}
	}
	if i < n && sel[i] && !math.IsNaN(x[i]) { // an even record left
		xi, wi := x[i], weights[i]
		d := xi - mean
		wd := wi * d
		ss += wd * d
		comp += wd
		b := bin.bucket(xi)
		next[i], last[b] = last[b], int32(i+1)
		bw0[b] += wi
	}
	return ss, comp
}

// spread returns the sums of stat.MeanVariance's second pass over values
// v with weights w and mean mean, added in the same order: Σw·d² and
// Σw·d with d = v − mean. (Its Σw is the first pass's.)
func spread(v, w []float64, mean float64) (ss, comp float64) {
	w = w[:len(v)]
	for i, x := range v {
		wi := w[i]
		d := x - mean
		wd := wi * d
		ss += wd * d
		comp += wd
	}
	return ss, comp
}

// extentOf returns the range and total weight of v (w nil: weight 1 each).
func extentOf(v, w []float64) extent {
	if len(v) == 0 {
		return extent{}
	}
	r := extent{lo: v[0], hi: v[0]}
	for i, x := range v {
		if x < r.lo {
			r.lo = x
		}
		if x > r.hi {
			r.hi = x
		}
		r.total += weight(w, i)
	}
	return r
}

// quantiles stores in dst[k] the weighted quantile ps[k] of v with
// gonum's Empirical definition (stat.Quantile): the smallest value whose
// cumulative weight reaches p·ΣW. w nil means equal weights. v may be in
// any order; it is not modified.
func quantiles(v, w []float64, ps, dst []float64) {
	var s scratch
	s.quantilesOf(v, w, extentOf(v, w), ps, dst)
}

// quantilesOf is quantiles for values whose extent r is known.
func (s *scratch) quantilesOf(v, w []float64, r extent, ps, dst []float64) {
	h := s.histogramFor(r, len(v))
	if !h.useful {
		s.quantiles(v, w, r, h, ps, dst)
		return
	}
	s.next = grow(s.next, len(v))
	bin, bw, last, next := h.binning, &h.bw, &h.last, s.next[:len(v)]
	switch {
	case w == nil:
		for i, x := range v {
			b := bin.bucket(x)
			next[i], last[b] = last[b], int32(i+1)
			bw[i&1][b]++ // counts are exact in any order
		}
	default:
		w, lane := w[:len(v)], s.lanes()
		for i, x := range v {
			b := bin.bucket(x)
			next[i], last[b] = last[b], int32(i+1)
			bw[i&lane][b] += w[i]
		}
	}
	s.quantiles(v, w, r, h, ps, dst)
}

// median is the unweighted median of x, whose extent r is known.
func (s *scratch) median(x []float64, r extent) float64 {
	var q [1]float64
	ps := [1]float64{0.5}
	s.quantilesOf(x, nil, r, ps[:], q[:])
	return q[0]
}

func median(x []float64) float64 {
	var s scratch
	return s.median(x, extentOf(x, nil))
}

// histogram is the weight of a channel's values in nb equal buckets
// from their minimum to their maximum, kept in two lanes (see
// scratch.lanes), and the positions of the values in each bucket.
//
// The positions are chained: last[b] is 1 + the position of the last
// value put in bucket b (0: none), and next[i] (scratch.next) is last[b]
// as it was before the value at position i was put in, so that a
// quantile finds the values of its bucket without a pass over them all.
type histogram struct {
	binning
	hi     float64 // the values' maximum
	useful bool    // see histogramFor
	bw     [2][nb]float64
	last   [nb]int32
}

const nb = 1024 // histogram buckets

// binning maps values to histogram buckets. It is a value apart from
// the histogram so that loops keep it in registers.
type binning struct{ lo, scale float64 }

// bucket returns the bucket of x, a value within the histogram's range.
// It never decreases as x grows. (The conversions keep the compiler from
// checking the bucket against the histogram's bounds: it cannot be
// negative.)
func (b binning) bucket(x float64) int { return int(min(uint(int((x-b.lo)*b.scale)), nb-1)) }

// weight returns the weight in bucket b.
func (h *histogram) weight(b int) float64 { return h.bw[0][b] + h.bw[1][b] }

// histogramFor returns s's histogram, emptied, for n values of extent r.
// It is not useful when a few values (sorted instead) or equal ones
// (which need nothing) do not need it; callers may fill it all the same.
// Callers that fill it grow s.next to the positions they put in it.
func (s *scratch) histogramFor(r extent, n int) *histogram {
	h := &s.hist
	h.lo, h.hi, h.scale = r.lo, r.hi, nb/(r.hi-r.lo)
	h.useful = n > 64 && r.lo != r.hi
	h.bw = [2][nb]float64{}
	h.last = [nb]int32{}
	return h
}

// oneValue reports whether the values of v in bucket b are all one value
// (to the bit), and returns it; ok is false for an empty bucket.
func (h *histogram) oneValue(v []float64, next []int32, b int) (x float64, ok bool) {
	p := h.last[b]
	if p == 0 {
		return 0, false
	}
	x = v[p-1]
	for p = next[p-1]; p != 0; p = next[p-1] {
		if math.Float64bits(v[p-1]) != math.Float64bits(x) {
			return 0, false
		}
	}
	return x, true
}

// pairs appends to dst the values of v in bucket b with their weights w
// (nil: 1 each), in the order they were put in.
func (h *histogram) pairs(dst []paired1, v, w []float64, next []int32, b int) []paired1 {
	start := len(dst)
	for p := h.last[b]; p != 0; p = next[p-1] {
		dst = append(dst, paired1{v[p-1], weight(w, int(p-1))})
	}
	slices.Reverse(dst[start:]) // the chain runs backwards
	return dst
}

// quantiles stores in dst[k] the quantile ps[k] of the values v of
// extent r with weights w, nil for 1 each (see the package-level
// quantiles). h is their histogram, filled with v (see histogramFor). v
// and w may also be columns read in place, when h is useful and holds
// only the records kept (see spreadIn).
//
// Sorting all of v would cost most of the analysis of a long run, so
// the histogram finds the bucket that holds each quantile, and only
// those buckets are sorted.
func (s *scratch) quantiles(v, w []float64, r extent, h *histogram, ps, dst []float64) {
	if len(ps) > 7 {
		panic("gait: more than 7 quantiles at once")
	}
	if len(v) == 0 {
		for k := range ps {
			dst[k] = math.NaN()
		}
		return
	}
	if r.lo == r.hi {
		for k := range ps {
			dst[k] = r.lo
		}
		return
	}
	if !h.useful { // a few values: sort them all
		in := grow(s.sub, len(v))
		for i, x := range v {
			in[i] = paired1{x, weight(w, i)}
		}
		sortPairs(in)
		for k, p := range ps {
			dst[k] = crossing(in, 0, p*r.total)
		}
		s.sub = in
		return
	}
	// The bucket holding each quantile, and the weight below it.
	var bucket [7]int
	var below [7]float64
	for k, p := range ps {
		goal := p * r.total
		b, cum := 0, 0.0
		for ; b < nb-1 && cum+h.weight(b) < goal; b++ {
			cum += h.weight(b)
		}
		bucket[k], below[k] = b, cum
	}
	// The values of those buckets, found through their chains: a few
	// per bucket for fine-grained values, thousands for coarse ones
	// (heart rate in whole bpm).
	for k, p := range ps {
		if x, ok := h.oneValue(v, s.next, bucket[k]); ok {
			dst[k] = x // as in a bucket of whole bpm: that value, wherever the goal falls
			continue
		}
		sub := h.pairs(s.sub[:0], v, w, s.next, bucket[k])
		sortPairs(sub)
		dst[k] = crossing(sub, below[k], p*r.total)
		s.sub = sub
	}
}

// crossing returns the first value of the sorted pairs at which the
// cumulative weight, starting from cum, reaches goal; the last value if
// rounding left the goal unreached.
func crossing(in []paired1, cum, goal float64) float64 {
	for _, e := range in {
		if cum += e.w; cum >= goal {
			return e.v
		}
	}
	return in[len(in)-1].v
}

type paired1 struct{ v, w float64 }

// sortPairs sorts by value. The values are never NaN.
func sortPairs(in []paired1) {
	slices.SortFunc(in, func(a, b paired1) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}
