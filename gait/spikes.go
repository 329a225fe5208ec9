package gait

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Spikes lists the stretches of a run where a gait channel left the run's
// own steady baseline (domain.md A1 L15, A3).
//
// For each channel, a rolling mean over SpikeParams.WindowS seconds is
// taken at every moving record after the warm-up. The baseline is the
// median of those rolling means and its spread the robust SD,
// 1.4826 × MAD. A spike is a stretch of SpikeParams.MinS seconds or more
// in which the rolling mean stays more than SpikeParams.K robust SDs on
// the same side of the median.
type Spikes struct {
	// Count is the number found; List holds the largest
	// SpikeParams.MaxSpikes of them, in time order.
	Count int
	List  []Spike
	// Skipped says, per channel, why it was not searched (not recorded,
	// or no spread to measure against).
	Skipped []string
}

// Spike is one within-run excursion.
type Spike struct {
	Metric    string  // "symmetry_index", "cadence", "gct" or "vertical_oscillation"
	Unit      string  // "%", "spm", "ms" or "mm"
	StartS    float64 // elapsed seconds since the start
	StartM    float64 // distance at the start, m (NaN without distance)
	DurationS float64
	// Baseline is the run's steady median, Peak the rolling mean furthest
	// from it, Size = Peak − Baseline in the channel's unit, and SDs the
	// same in robust SDs (signed).
	Baseline, Peak, Size, SDs float64
	// SpeedMPS and GradePct are the means over the spike.
	SpeedMPS, GradePct float64
	// Eccentric marks a spike on a sustained downhill (mean grade at or
	// below SpikeParams.DownhillPc): eccentric load on the legs.
	Eccentric bool
}

// SpikesOf finds the spikes of SI, cadence, GCT and VO. sel marks moving
// records, base those after the warm-up; grade is per-record grade.
func SpikesOf(a *ingest.Activity, sel, base []bool, grade []float64, p Params) Spikes {
	left, _, _ := BalanceSeries(a)
	si := make([]float64, len(left))
	for i, b := range left {
		si[i] = 4*b - 200
	}
	channels := []struct {
		name, unit string
		x          []float64
	}{
		{"symmetry_index", "%", si},
		{"cadence", "spm", a.CadenceSPM},
		{"gct", "ms", a.GCTMS},
		{"vertical_oscillation", "mm", a.VerticalOscillationMM},
	}
	var out Spikes
	for _, c := range channels {
		found, why := spikesIn(a, c.x, sel, base, grade, p)
		if why != "" {
			out.Skipped = append(out.Skipped, c.name+": "+why)
			continue
		}
		for i := range found {
			found[i].Metric, found[i].Unit = c.name, c.unit
		}
		out.List = append(out.List, found...)
	}
	out.Count = len(out.List)
	if len(out.List) > p.Spikes.MaxSpikes {
		slices.SortStableFunc(out.List, func(a, b Spike) int { return cmp.Compare(math.Abs(b.SDs), math.Abs(a.SDs)) })
		out.List = out.List[:p.Spikes.MaxSpikes]
	}
	slices.SortStableFunc(out.List, func(a, b Spike) int {
		return cmp.Or(cmp.Compare(a.StartS, b.StartS), cmp.Compare(a.Metric, b.Metric))
	})
	return out
}

// spikesIn finds the spikes of one channel.
func spikesIn(a *ingest.Activity, x []float64, sel, base []bool, grade []float64, p Params) ([]Spike, string) {
	roll := rollingMean(a.Elapsed, x, base, p.Spikes.WindowS)
	var vals []float64
	for i, ok := range base {
		if ok && !math.IsNaN(roll[i]) {
			vals = append(vals, roll[i])
		}
	}
	if len(vals) < 2 {
		return nil, "not recorded"
	}
	med := median(vals)
	for i, v := range vals {
		vals[i] = math.Abs(v - med)
	}
	rsd := 1.4826 * median(vals)
	if rsd == 0 {
		return nil, fmt.Sprintf("no spread: half the run's %.0f s rolling means equal its median", p.Spikes.WindowS)
	}

	var out []Spike
	start, sign := -1, 0
	flush := func(end int) { // records [start, end)
		if start < 0 {
			return
		}
		if a.Elapsed[end-1]-a.Elapsed[start] >= p.Spikes.MinS {
			out = append(out, describe(a, roll, start, end, med, rsd, grade, p))
		}
		start, sign = -1, 0
	}
	for i := range base {
		s := 0
		if base[i] && !math.IsNaN(roll[i]) {
			switch z := (roll[i] - med) / rsd; {
			case z > p.Spikes.K:
				s = 1
			case z < -p.Spikes.K:
				s = -1
			}
		}
		gap := i > 0 && a.Elapsed[i]-a.Elapsed[i-1] > p.MaxRecordGapS
		if s != sign || gap {
			flush(i)
		}
		if s != 0 && start < 0 {
			start, sign = i, s
		}
	}
	flush(len(base))
	return out, ""
}

func describe(a *ingest.Activity, roll []float64, lo, hi int, med, rsd float64, grade []float64, p Params) Spike {
	s := Spike{StartS: a.Elapsed[lo], StartM: a.DistanceM[lo], DurationS: a.Elapsed[hi-1] - a.Elapsed[lo], Baseline: med}
	peak := lo
	var sp, gr []float64
	for i := lo; i < hi; i++ {
		if math.Abs(roll[i]-med) > math.Abs(roll[peak]-med) {
			peak = i
		}
		if !math.IsNaN(a.SpeedMPS[i]) {
			sp = append(sp, a.SpeedMPS[i])
		}
		if !math.IsNaN(grade[i]) {
			gr = append(gr, grade[i])
		}
	}
	s.Peak = roll[peak]
	s.Size = s.Peak - med
	s.SDs = s.Size / rsd
	s.SpeedMPS, s.GradePct = meanOrNaN(sp), meanOrNaN(gr)
	s.Eccentric = s.GradePct <= p.Spikes.DownhillPc
	return s
}

func meanOrNaN(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	return stat.Mean(x, nil)
}

// rollingMean returns, at each record sel marks, the mean of the selected
// non-NaN values of x within ±window/2 seconds; NaN where the window
// holds fewer than window/4 values (at least 2). Smart recording thins
// records on a steady run to one every few seconds, so a stricter count
// would blank the very stretches that form the baseline.
func rollingMean(t, x []float64, sel []bool, window float64) []float64 {
	n := len(x)
	out := make([]float64, n)
	half := window / 2
	minN := int(math.Max(2, window/4))
	lo, hi := 0, 0
	sum, cnt := 0.0, 0
	ok := func(i int) bool { return sel[i] && !math.IsNaN(x[i]) }
	for i := range out {
		out[i] = math.NaN()
		for hi < n && t[hi] <= t[i]+half {
			if ok(hi) {
				sum += x[hi]
				cnt++
			}
			hi++
		}
		for lo < hi && t[lo] < t[i]-half {
			if ok(lo) {
				sum -= x[lo]
				cnt--
			}
			lo++
		}
		if sel[i] && cnt >= minN {
			out[i] = sum / float64(cnt)
		}
	}
	return out
}
