package gait

import (
	"math"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Grade returns the grade of each record in percent: the device's own
// where it wrote one, else rise over run across a window of about
// p.GradeWindowS seconds centred on the record, from the altitude and
// distance columns. NaN where neither allows it (no altitude, or less than
// 10 m covered in the window, as when standing).
func Grade(a *ingest.Activity, p Params) (grade []float64, derived bool) {
	n := a.Len()
	grade = make([]float64, n)
	have := 0
	for i, g := range a.GradePct {
		grade[i] = g
		if !math.IsNaN(g) {
			have++
		}
	}
	if have > n/2 {
		return grade, false
	}
	half := p.GradeWindowS / 2
	lo, hi := 0, 0
	for i := range grade {
		t := a.Elapsed[i]
		for lo < i && a.Elapsed[lo] < t-half {
			lo++
		}
		for hi+1 < n && a.Elapsed[hi+1] <= t+half {
			hi++
		}
		grade[i] = math.NaN()
		l, h := firstValid(a, lo, i), lastValid(a, max(hi, i), i)
		if l < 0 || h < 0 || h <= l {
			continue
		}
		run := a.DistanceM[h] - a.DistanceM[l]
		if run < 10 {
			continue
		}
		grade[i] = 100 * (a.AltitudeM[h] - a.AltitudeM[l]) / run
	}
	return grade, true
}

// firstValid returns the first index in [lo, i] with altitude and
// distance, or -1.
func firstValid(a *ingest.Activity, lo, i int) int {
	for j := lo; j <= i && j < a.Len(); j++ {
		if !math.IsNaN(a.AltitudeM[j]) && !math.IsNaN(a.DistanceM[j]) {
			return j
		}
	}
	return -1
}

// lastValid returns the last index in [i, hi] with altitude and
// distance, or -1.
func lastValid(a *ingest.Activity, hi, i int) int {
	for j := hi; j >= i && j >= 0; j-- {
		if !math.IsNaN(a.AltitudeM[j]) && !math.IsNaN(a.DistanceM[j]) {
			return j
		}
	}
	return -1
}
