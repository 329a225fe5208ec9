package gait

import (
	"math"
	"sort"

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
	s.Mean = stat.Mean(v, w)
	if len(v) > 1 {
		// gonum's weighted variance is the unbiased "frequency weights"
		// estimator; with seconds as weights that is variance per second.
		s.SD = math.Sqrt(stat.Variance(v, w))
	}
	if s.Mean != 0 {
		s.CVPct = 100 * s.SD / s.Mean
	} else {
		s.CVPct = math.NaN()
	}
	sortPaired(v, w)
	s.Median = stat.Quantile(0.5, stat.Empirical, v, w)
	s.P05 = stat.Quantile(0.05, stat.Empirical, v, w)
	s.P95 = stat.Quantile(0.95, stat.Empirical, v, w)
	return s
}

// pick returns the selected, non-NaN values and their weights.
func pick(x []float64, sel []bool, weights []float64) (v, w []float64) {
	for i, ok := range sel {
		if ok && !math.IsNaN(x[i]) {
			v = append(v, x[i])
			w = append(w, weights[i])
		}
	}
	return v, w
}

type paired struct{ v, w []float64 }

func (p paired) Len() int           { return len(p.v) }
func (p paired) Less(i, j int) bool { return p.v[i] < p.v[j] }
func (p paired) Swap(i, j int) {
	p.v[i], p.v[j] = p.v[j], p.v[i]
	p.w[i], p.w[j] = p.w[j], p.w[i]
}

func sortPaired(v, w []float64) { sort.Sort(paired{v, w}) }

func median(x []float64) float64 {
	v := append([]float64(nil), x...)
	sort.Float64s(v)
	return stat.Quantile(0.5, stat.Empirical, v, nil)
}
