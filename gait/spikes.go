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
// For each channel, a rolling mean over SpikeParams.WindowS seconds of
// the moving records after the warm-up is taken every SpikeParams.StepS
// seconds (see step). The baseline is the median of those rolling means
// and its spread the robust SD, 1.4826 × MAD. A spike is a stretch of
// SpikeParams.MinS seconds or more in which the rolling mean stays more
// than SpikeParams.K robust SDs on the same side of the median; its
// start and duration are known to StepS seconds.
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
	return s.spikesOf(a, left, base, grade, p)
}

// spikesOf is SpikesOf with the balance series left already taken (see
// [BalanceSeries]).
func (s *scratch) spikesOf(a *ingest.Activity, left []float64, base []bool, grade []float64, p Params) Spikes {
	channels := [...]struct {
		name, unit string
		x          []float64 // for the symmetry index, the balance it is derived from
	}{
		{"symmetry_index", "%", left},
		{"cadence", "spm", a.CadenceSPM},
		{"gct", "ms", a.GCTMS},
		{"vertical_oscillation", "mm", a.VerticalOscillationMM},
	}
	st := s.stepsOf(a.Elapsed, p.Spikes.StepS, p.MaxRecordGapS, stepsPerWindow(p.Spikes))
	// Each step's sums, for the four channels in one pass.
	s.sums = grow(s.sums, len(st))
	stepSums(s.sums, left, a.CadenceSPM, a.GCTMS, a.VerticalOscillationMM, base, st)
	var out Spikes
	for c, ch := range channels {
		found, why := s.spikesIn(a, s.sums, c, st, grade, p)
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

// spikesIn finds the spikes of channel c on the evaluation grid st,
// from the sums and counts of its values in each step (stepSums).
func (s *scratch) spikesIn(a *ingest.Activity, sums []stepSum, c int, st []step, grade []float64, p Params) ([]Spike, string) {
	s.roll, s.v = grow(s.roll, len(st)), grow(s.v, len(st))
	r := stepMeans(s.roll, s.v, sums, c, st, int(max(2, p.Spikes.WindowS/4))) // max is math.Max, NaN alike
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
	s.next = grow(s.next, len(vals))
	bin, bw, last, next := h.binning, &h.bw, &h.last, s.next[:len(vals)]
	for i, v := range vals {
		d := math.Abs(v - med)
		vals[i] = d
		b := bin.bucket(d)
		next[i], last[b] = last[b], int32(i+1)
		bw[i&1][b]++ // counts are exact in any order
	}
	var q [1]float64
	ps := [1]float64{0.5}
	s.quantiles(vals, nil, dev, h, ps[:], q[:])
	rsd := 1.4826 * q[0]
	if rsd == 0 {
		return nil, fmt.Sprintf("no spread: half the run's %.0f s rolling means equal its median", p.Spikes.WindowS)
	}

	roll := s.roll[:len(st)]
	var out []Spike
	start, sign := -1, 0 // the open spike: its first evaluation and side
	for j, v := range roll {
		side := 0
		switch z := (v - med) / rsd; { // NaN: no side
		case z > p.Spikes.K:
			side = 1
		case z < -p.Spikes.K:
			side = -1
		}
		if side != sign || st[j].gap {
			out = appendSpike(out, a, roll, st, start, j, med, rsd, grade, p)
			start, sign = -1, 0
		}
		if side != 0 && start < 0 {
			start, sign = j, side
		}
	}
	return appendSpike(out, a, roll, st, start, len(roll), med, rsd, grade, p), ""
}

// appendSpike appends the spike over evaluations [start, end) if one is
// open (start ≥ 0) and lasts long enough.
func appendSpike(out []Spike, a *ingest.Activity, roll []float64, st []step, start, end int, med, rsd float64, grade []float64, p Params) []Spike {
	if start < 0 {
		return out
	}
	t0, t1 := evalTime(a.Elapsed, st, start, p.Spikes), evalTime(a.Elapsed, st, end-1, p.Spikes)
	if t1-t0 >= p.Spikes.MinS {
		out = append(out, describe(a, roll, start, end, t0, t1, med, rsd, grade, p))
	}
	return out
}

// describe describes the spike over evaluations [lo, hi), at times t0
// to t1: its speed and grade are the means over the records in between.
func describe(a *ingest.Activity, roll []float64, lo, hi int, t0, t1, med, rsd float64, grade []float64, p Params) Spike {
	first, _ := slices.BinarySearch(a.Elapsed, t0)
	last, _ := slices.BinarySearch(a.Elapsed, math.Nextafter(t1, math.Inf(1)))
	s := Spike{StartS: t0, StartM: math.NaN(), DurationS: t1 - t0, Baseline: med}
	if first < len(a.DistanceM) {
		s.StartM = a.DistanceM[first]
	}
	peak := lo
	for j := lo; j < hi; j++ {
		if math.Abs(roll[j]-med) > math.Abs(roll[peak]-med) {
			peak = j
		}
	}
	var sp, gr []float64
	for i := first; i < last; i++ {
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

// step is one block of the spike search's evaluation grid: the records
// whose elapsed time t falls in [t₀ + id·StepS, t₀ + (id+1)·StepS), t₀
// the first record's. Only blocks that hold records are kept, so a long
// pause costs nothing.
//
// Evaluating the rolling means once per block rather than at every
// record is a design choice, resolution against cost: each record is
// added to its block once per channel, the window then sums a handful
// of blocks, and the median, the MAD and the search run over one value
// per StepS seconds. A spike's start and duration are known to StepS
// seconds; with the defaults (5 s steps, spikes of 20 s or more) a
// spike spans at least five evaluations.
type step struct {
	id    int   // block number
	start int32 // its first record; it ends where the next one starts
	// lo and hi: the steps [lo, hi) in the window of the evaluation
	// centred on this one, the same for every channel.
	lo, hi int32
	// gap: a record in it follows a pause longer than MaxRecordGapS,
	// which ends a spike open before it.
	gap bool
}

// stepsPerWindow is the rolling window in whole steps, at least one.
func stepsPerWindow(p SpikeParams) int {
	return int(max(1, math.Round(p.WindowS/p.StepS)))
}

// evalTime is the time of the evaluation centred on step j: the middle
// of its window of stepsPerWindow steps.
func evalTime(t []float64, st []step, j int, p SpikeParams) float64 {
	m := stepsPerWindow(p)
	return t[0] + (float64(st[j].id-m/2)+float64(m)/2)*p.StepS
}

// stepsOf cuts the times t (non-decreasing, not NaN) into steps of
// stepS seconds, each with its window of m steps: steps id−m/2 up to,
// not including, id−m/2+m.
func (s *scratch) stepsOf(t []float64, stepS, maxGap float64, m int) []step {
	st := s.steps[:0]
	if len(t) == 0 || !(stepS > 0) {
		s.steps = st
		return st
	}
	t0 := t[0]
	// At most one step per record, and per stepS seconds of the span
	// when times do not decrease. The loop below stores steps by index
	// rather than append, whose call would make the compiler keep the
	// loop's values on the stack; should the steps not fit (times that
	// decrease), it starts again with room for one per record.
	most := len(t)
	if span := (t[len(t)-1] - t0) / stepS; span >= 0 && span < float64(most) {
		most = int(span) + 2
	}
	// A record's step is ⌊(t − t₀)/stepS⌋ (floorInt is math.Floor's for
	// t − t₀ ≥ 0). A record from where the current step was found up to
	// its end, less a margin far wider than the division's rounding, is
	// in the current step, so the division is only needed near a step's
	// end. (end stays -Inf where it could overflow, and for times before
	// t₀, which only times that decrease give: then every record
	// divides.)
	const margin = 1 - 0x1p-40
	for {
		buf := st[:cap(st)]
		if len(buf) < most {
			buf = make([]step, most)
		}
		k := 0 // steps found
		full := false
		id, from, end := 0, 0.0, math.Inf(-1)
		prev := math.Inf(1) // the time before: none, so no gap
		for i, ti := range t {
			d := ti - t0
			if !(from <= d && d < end) {
				id, from = floorInt(d/stepS), d
				if end = float64(id+1) * stepS * margin; math.IsInf(end, 0) || !(d >= 0) {
					end = math.Inf(-1) // (and before t₀, where the margin would widen the step)
				}
				if k == 0 || id != buf[k-1].id {
					if k == len(buf) {
						full = true
						break
					}
					buf[k] = step{id: id, start: int32(i)}
					k++
				}
			}
			if ti-prev > maxGap {
				buf[k-1].gap = true
			}
			prev = ti
		}
		st = buf[:k]
		if !full {
			break
		}
		most = len(t)
	}
	lo, hi := 0, 0
	for j := range st {
		first := st[j].id - m/2
		for hi < len(st) && st[hi].id < first+m {
			hi++
		}
		for lo < hi && st[lo].id < first {
			lo++
		}
		st[j].lo, st[j].hi = int32(lo), int32(hi)
	}
	s.steps = st
	return st
}

// rolled is the result of stepMeans.
type rolled struct {
	vals   []float64 // the means that are not NaN, in order
	extent           // of vals, unweighted
}

// stepSum is the sum and count of a step's values in each of the four
// spike channels.
type stepSum struct {
	sum [4]float64
	n   [4]int32
}

// stepSums stores in sums[j], for each step j of st and each of four
// columns, the sum and the count of the values base marks that are not
// NaN. The columns are the symmetry index of balance
// left (see [Balance]: 4·b − 200, taken here rather than stored) and x1,
// x2, x3. Each step's sum adds its values in record order.
//
// The four columns are summed in one pass: the records' loop and base
// are shared, and the four sums, each waiting on its own last addition,
// overlap.
func stepSums(sums []stepSum, left, x1, x2, x3 []float64, base []bool, st []step) {
	n := len(base)
	x0, x1, x2, x3 := left[:n], x1[:n], x2[:n], x3[:n]
	sums = sums[:len(st)]
	// No value is NaN, mostly: add them all, and count the step's base
	// records once for the four. A NaN among them makes its sum NaN;
	// only those steps are summed again, value by value.
	addSteps(sums, x0, x1, x2, x3, base, st)
	countSteps(sums, base, st)
	for j := range sums {
		if u := sums[j].sum; math.IsNaN(u[0] + u[1] + u[2] + u[3]) {
			lo, hi := int(st[j].start), n
			if j+1 < len(st) {
				hi = int(st[j+1].start)
			}
			sums[j] = stepSumOf(base[lo:hi], x0[lo:hi], x1[lo:hi], x2[lo:hi], x3[lo:hi])
		}
	}
}

// addSteps stores in sums[j].sum the sums of step j's values that base
// marks, NaN or not, the first column taken as the symmetry index.
//
// addSteps and countSteps are loops of their own, with no call near
// them and few values live, so that the compiler keeps those in
// registers: summing and counting in one loop, it kept the count and
// the record index in memory, each increment waiting on the store
// before it (three times slower).
func addSteps(sums []stepSum, x0, x1, x2, x3 []float64, base []bool, st []step) {
	n := len(base)
	x0, x1, x2, x3 = x0[:n], x1[:n], x2[:n], x3[:n]
	i := 0
	for j := range sums {
		hi := n
		if j+1 < len(st) {
			hi = min(int(st[j+1].start), n)
		}
		var s0, s1, s2, s3 float64
		for ; i < hi; i++ {
			if base[i] {
				s0 += 4*x0[i] - 200 // as symmetryIndex
				s1 += x1[i]
				s2 += x2[i]
				s3 += x3[i]
			}
		}
		u := &sums[j].sum
		u[0], u[1], u[2], u[3] = s0, s1, s2, s3
	}
}

// countSteps stores in sums[j].n, for each column, the records of step j
// that base marks.
func countSteps(sums []stepSum, base []bool, st []step) {
	n := len(base)
	i := 0
	for j := range sums {
		hi := n
		if j+1 < len(st) {
			hi = min(int(st[j+1].start), n)
		}
		nb := int32(0)
		for ; i < hi; i++ {
			if base[i] {
				nb++
			}
		}
		sums[j].n = [4]int32{nb, nb, nb, nb}
	}
}

// stepSumOf is a step's stepSum, skipping NaN values one by one.
func stepSumOf(base []bool, x0, x1, x2, x3 []float64) stepSum {
	var sum stepSum
	xs := [4][]float64{x0, x1, x2, x3}
	for c, x := range xs {
		for i, ok := range base {
			v := x[i]
			if c == 0 {
				v = 4*v - 200 // as symmetryIndex
			}
			if ok && !math.IsNaN(v) {
				sum.sum[c] += v
				sum.n[c]++
			}
		}
	}
	return sum
}

// stepMeans stores in mean[j], for each step j of st, the mean of the
// values in its window (see stepsOf), from the sums and counts of each
// step's values (stepSums). It is NaN when the window holds fewer than minN
// values, or step j itself none (a stop, the warm-up). It returns the
// means that are not NaN, stored in vals. Smart recording thins records
// on a steady run to one every few seconds, so a stricter count than a
// quarter of the window would blank the very stretches that form the
// baseline.
//
// The window's sum adds a step's sum as it enters and removes it as it
// leaves.
func stepMeans(mean, vals []float64, sums []stepSum, c int, st []step, minN int) rolled {
	sums, mean = sums[:len(st)], mean[:len(st)]
	lo, hi := 0, 0
	sum, cnt := 0.0, 0
	k := 0
	vlo, vhi := math.Inf(1), math.Inf(-1)
	for j := range mean {
		for end := int(st[j].hi); hi < end; hi++ {
			sum += sums[hi].sum[c]
			cnt += int(sums[hi].n[c])
		}
		for end := int(st[j].lo); lo < end; lo++ {
			sum -= sums[lo].sum[c]
			cnt -= int(sums[lo].n[c])
		}
		if cnt == 0 {
			sum = 0 // no rounding left over from steps gone
		}
		v := math.NaN()
		if sums[j].n[c] > 0 && cnt >= minN {
			v = sum / float64(cnt)
			vals[k] = v
			k++
			// The builtins, with their rules for NaN and signed zeros,
			// only where v can change the extent.
			if !(v > vlo) {
				vlo = min(vlo, v)
			}
			if !(v < vhi) {
				vhi = max(vhi, v)
			}
		}
		mean[j] = v
	}
	return rolled{vals[:k], extent{vlo, vhi, float64(k)}}
}
