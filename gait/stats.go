package gait

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
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
	if len(x) != len(sel) || len(x) != len(weights) {
		panic("gait: slice length mismatch")
	}
	v, w := pick(x, sel, weights)
	s := Summary{N: len(v)}
	if len(v) == 0 {
		nan := math.NaN()
		s.Mean, s.SD, s.CVPct, s.Median, s.P05, s.P95 = nan, nan, nan, nan, nan, nan
		return s
	}
	// gonum's weighted variance is the unbiased "frequency weights"
	// estimator; with seconds as weights that is variance per second.
	mean, variance := stat.MeanVariance(v, w)
	s.Mean = mean
	if len(v) > 1 {
		s.SD = math.Sqrt(variance)
	}
	if s.Mean != 0 {
		s.CVPct = 100 * s.SD / s.Mean
	} else {
		s.CVPct = math.NaN()
	}
	var q [3]float64
	quantiles(v, w, []float64{0.5, 0.05, 0.95}, q[:])
	s.Median, s.P05, s.P95 = q[0], q[1], q[2]
	return s
}

// pick returns the selected, non-NaN values and their weights.
func pick(x []float64, sel []bool, weights []float64) (v, w []float64) {
	v, w = make([]float64, 0, len(x)), make([]float64, 0, len(x))
	for i, ok := range sel {
		if ok && !math.IsNaN(x[i]) {
			v = append(v, x[i])
			w = append(w, weights[i])
		}
	}
	return v, w
}

// quantiles stores in dst[k] the weighted quantile ps[k] of v with
// gonum's Empirical definition (stat.Quantile): the smallest value whose
// cumulative weight reaches p·ΣW. w nil means equal weights. v may be in
// any order; it is not modified.
//
// Sorting all of v would cost most of the analysis of a long run, so a
// histogram of the values between their minimum and maximum finds the
// bucket that holds each quantile, and only those buckets are sorted:
// three passes over v.
func quantiles(v, w []float64, ps, dst []float64) {
	if len(ps) > 8 {
		panic("gait: more than 8 quantiles at once")
	}
	if len(v) == 0 {
		for k := range ps {
			dst[k] = math.NaN()
		}
		return
	}
	lo, hi, total := v[0], v[0], 0.0
	for i, x := range v {
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
		total += weight(w, i)
	}
	if lo == hi {
		for k := range ps {
			dst[k] = lo
		}
		return
	}
	if len(v) <= 64 {
		in := make([]paired1, len(v))
		for i, x := range v {
			in[i] = paired1{x, weight(w, i)}
		}
		slices.SortFunc(in, func(a, b paired1) int { return cmp.Compare(a.v, b.v) })
		for k, p := range ps {
			goal, cum := p*total, 0.0
			dst[k] = in[len(in)-1].v
			for _, e := range in {
				if cum += e.w; cum >= goal {
					dst[k] = e.v
					break
				}
			}
		}
		return
	}
	const nb = 1024
	scale := nb / (hi - lo)
	idx := make([]uint16, len(v))
	var bw [nb]float64
	for i, x := range v {
		b := min(int((x-lo)*scale), nb-1)
		idx[i] = uint16(b)
		bw[b] += weight(w, i)
	}
	// The bucket holding each quantile, and the weight below it.
	type target struct {
		bucket int
		below  float64
		in     []paired1
	}
	ts := make([]target, len(ps))
	for k, p := range ps {
		goal := p * total
		b, cum := 0, 0.0
		for ; b < nb-1 && cum+bw[b] < goal; b++ {
			cum += bw[b]
		}
		ts[k] = target{bucket: b, below: cum}
	}
	var mark [nb]uint8 // bit k set: bucket holds quantile k (up to 8)
	for k, t := range ts {
		mark[t.bucket] |= 1 << k
	}
	for i, b := range idx {
		m := mark[b]
		if m == 0 {
			continue
		}
		for k := range ts {
			if m&(1<<k) != 0 {
				ts[k].in = append(ts[k].in, paired1{v[i], weight(w, i)})
			}
		}
	}
	for k, t := range ts {
		slices.SortFunc(t.in, func(a, b paired1) int { return cmp.Compare(a.v, b.v) })
		goal, cum := ps[k]*total, t.below
		dst[k] = t.in[len(t.in)-1].v // rounding left the goal unreached: the bucket's largest
		for _, e := range t.in {
			if cum += e.w; cum >= goal {
				dst[k] = e.v
				break
			}
		}
	}
}

type paired1 struct{ v, w float64 }

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

func median(x []float64) float64 {
	var q [1]float64
	quantiles(x, nil, []float64{0.5}, q[:])
	return q[0]
}
