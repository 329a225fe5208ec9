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
	var s scratch
	return s.spikesOf(a, symmetryIndex(left), base, grade, p)
}

// spikesOf is SpikesOf with the symmetry index series si already derived.
func (s *scratch) spikesOf(a *ingest.Activity, si []float64, base []bool, grade []float64, p Params) Spikes {
	channels := [...]struct {
		name, unit string
		x          []float64
	}{
		{"symmetry_index", "%", si},
		{"cadence", "spm", a.CadenceSPM},
		{"gct", "ms", a.GCTMS},
		{"vertical_oscillation", "mm", a.VerticalOscillationMM},
	}
	win := s.windowsOf(a.Elapsed, p.Spikes.WindowS)
	var out Spikes
	for _, ch := range channels {
		found, why := s.spikesIn(a, ch.x, win, base, grade, p)
		if why != "" {
			out.Skipped = append(out.Skipped, ch.name+": "+why)
			continue
		}
		for i := range found {
			found[i].Metric, found[i].Unit = ch.name, ch.unit
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

// spikesIn finds the spikes of one channel x, whose rolling windows are
// win.
func (s *scratch) spikesIn(a *ingest.Activity, x []float64, win windows, base []bool, grade []float64, p Params) ([]Spike, string) {
	s.roll, s.v = grow(s.roll, len(x)), grow(s.v, len(x))
	r := rollingMean(s.roll, s.v, x, base, win, int(max(2, p.Spikes.WindowS/4))) // max is math.Max, NaN alike
	vals := r.vals
	if len(vals) < 2 {
		return nil, "not recorded"
	}
	med := s.median(vals, r.extent)
	// The robust SD from the median absolute deviation. Every deviation
	// lies between 0 and that of the smallest or the largest mean, which
	// bounds the histogram of the deviations without a pass to find
	// their extent: unweighted, the median is the same for any bounds.
	dev := extent{0, max(math.Abs(r.lo-med), math.Abs(r.hi-med)), r.total}
	h := s.histogramFor(dev, len(vals))
	bin, bw, idx := h.binning, &h.bw, s.idx[:len(vals)]
	for i, v := range vals {
		d := math.Abs(v - med)
		vals[i] = d
		b := bin.bucket(d)
		idx[i] = uint16(b)
		bw[i&1][b]++ // counts are exact in any order
	}
	var q [1]float64
	ps := [1]float64{0.5}
	s.quantiles(vals, nil, dev, h, ps[:], q[:], nil)
	rsd := 1.4826 * q[0]
	if rsd == 0 {
		return nil, fmt.Sprintf("no spread: half the run's %.0f s rolling means equal its median", p.Spikes.WindowS)
	}

	// A mean this close to the median is no spike: |roll − med| < K·rsd
	// with a margin for rounding keeps (roll − med)/rsd within ±K. While
	// no spike is open such records change nothing, so they are skipped
	// without the division.
	near := p.Spikes.K * rsd * (1 - 1e-9)
	if !(near > 0) {
		near = 0 // K ≤ 0 or NaN: test every record
	}
	roll := s.roll
	var out []Spike
	start, sign := -1, 0 // the open spike: its first record and side
	for i := 0; i < len(roll); i++ {
		if start < 0 {
			for i < len(roll) && !(math.Abs(roll[i]-med) >= near) { // NaN: not a candidate
				i++
			}
			if i == len(roll) {
				break
			}
		}
		side := 0
		if base[i] && !math.IsNaN(roll[i]) {
			switch z := (roll[i] - med) / rsd; {
			case z > p.Spikes.K:
				side = 1
			case z < -p.Spikes.K:
				side = -1
			}
		}
		gap := i > 0 && a.Elapsed[i]-a.Elapsed[i-1] > p.MaxRecordGapS
		if side != sign || gap {
			out = appendSpike(out, a, roll, start, i, med, rsd, grade, p)
			start, sign = -1, 0
		}
		if side != 0 && start < 0 {
			start, sign = i, side
		}
	}
	return appendSpike(out, a, roll, start, len(roll), med, rsd, grade, p), ""
}

// appendSpike appends the spike over records [start, end) if one is open
// (start ≥ 0) and lasts long enough.
func appendSpike(out []Spike, a *ingest.Activity, roll []float64, start, end int, med, rsd float64, grade []float64, p Params) []Spike {
	if start >= 0 && a.Elapsed[end-1]-a.Elapsed[start] >= p.Spikes.MinS {
		out = append(out, describe(a, roll, start, end, med, rsd, grade, p))
	}
	return out
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

// windows are the rolling windows of a run: record i's window holds the
// records from lo[i] up to, not including, hi[i], those within ±half of
// its time. They are the same for every channel.
type windows struct{ lo, hi []int32 }

// windowsOf returns the windows of window seconds around each record of
// times t (non-decreasing).
func (s *scratch) windowsOf(t []float64, window float64) windows {
	n := len(t)
	var w windows
	w.lo, w.hi = s.int32s(n)
	half := window / 2
	lo, hi := 0, 0
	los, his := w.lo[:n], w.hi[:n]
	for i, ti := range t {
		up, down := ti+half, ti-half
		for hi < n && t[hi] <= up {
			hi++
		}
		for lo < hi && t[lo] < down {
			lo++
		}
		los[i], his[i] = int32(lo), int32(hi)
	}
	return w
}

// rolled is the result of rollingMean.
type rolled struct {
	vals   []float64 // the means that are not NaN, in record order
	extent           // of vals, unweighted
}

// rollingMean stores in mean[i], for each record sel marks, the mean of
// the selected non-NaN values of x in its window; NaN where the window
// holds fewer than minN of them, and at the records sel does not mark.
// It returns the means that are not NaN, stored in vals. Smart recording
// thins records on a steady run to one every few seconds, so a stricter
// count than a quarter of the window would blank the very stretches that
// form the baseline (see SpikesOf).
//
// The sum adds each value as it enters the window and removes it as it
// leaves, in record order. Records almost always come one at a time, one
// entering and one leaving, which has a path of its own.
func rollingMean(mean, vals, x []float64, sel []bool, win windows, minN int) rolled {
	n := len(x)
	x, sel, mean = x[:n], sel[:n], mean[:n]
	lo, hi := 0, 0
	sum, cnt := 0.0, 0
	k := 0
	vlo, vhi := math.Inf(1), math.Inf(-1)
	for i := range mean {
		l, h := int(win.lo[i]), int(win.hi[i])
		if h == hi+1 && l == lo+1 && hi < n {
			if v := x[hi]; sel[hi] && !math.IsNaN(v) {
				sum += v
				cnt++
			}
			if v := x[lo]; sel[lo] && !math.IsNaN(v) {
				sum -= v
				cnt--
			}
			hi, lo = h, l
		} else {
			for ; hi < h; hi++ {
				if v := x[hi]; sel[hi] && !math.IsNaN(v) {
					sum += v
					cnt++
				}
			}
			for ; lo < l; lo++ {
				if v := x[lo]; sel[lo] && !math.IsNaN(v) {
					sum -= v
					cnt--
				}
			}
		}
		m := math.NaN()
		if sel[i] && cnt >= minN {
			m = sum / float64(cnt)
			vals[k] = m
			k++
			if m < vlo {
				vlo = m
			}
			if m > vhi {
				vhi = m
			}
		}
		mean[i] = m
	}
	return rolled{vals[:k], extent{vlo, vhi, float64(k)}}
}
