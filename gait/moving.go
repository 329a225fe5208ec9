package gait

import (
	"math"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Weights returns, for each record, the seconds it stands for: the time to
// the next record, at most maxGap; the last record gets the median
// interval. elapsed must not decrease.
func Weights(elapsed []float64, maxGap float64) []float64 {
	var s scratch
	w, _ := s.weights(elapsed, maxGap)
	return w
}

// weights is Weights, also reporting whether the weights are whole
// numbers (see scratch.wholeWeights). Its one pass keeps the intervals'
// extent, so that the median of equal intervals (1 Hz recording) needs
// no second pass.
func (s *scratch) weights(elapsed []float64, maxGap float64) (w []float64, whole bool) {
	n := len(elapsed)
	w = make([]float64, n)
	if n == 0 {
		return w, true
	}
	if n == 1 {
		w[0] = 1
		return w, true
	}
	r := extent{lo: math.Inf(1), hi: math.Inf(-1), total: float64(n - 1)}
	elapsed, w = elapsed[:n], w[:n]
	for i := range n - 1 {
		// min is math.Min, NaN and ±0 alike; the builtin's handling of
		// those costs more than a test that mostly spares it.
		d := elapsed[i+1] - elapsed[i]
		if !(d < maxGap) {
			d = min(d, maxGap)
		}
		w[i] = d
		if d < r.lo {
			r.lo = d
		}
		if d > r.hi {
			r.hi = d
		}
	}
	if math.IsNaN(w[0]) || r.lo > r.hi {
		r = extentOf(w[:n-1], nil) // NaN intervals: the extent as quantiles finds it
	}
	w[n-1] = s.median(w[:n-1], r)
	if r.lo == r.hi { // all one interval, as at 1 Hz: check it and the last
		whole = wholeNumber(r.lo, n) && wholeNumber(w[n-1], n)
	} else {
		whole = wholeNumbers(w)
	}
	return w, whole
}

// Moving marks the records that count for gait statistics: not inside a
// timer pause, not stopped (slower than p.StopSpeedMPS, or cadence 0), and
// not walking (cadence below p.WalkCadenceSPM). A record with no cadence
// is not counted: without steps there is no gait to measure.
func Moving(a *ingest.Activity, p Params) []bool {
	_, m := timerAndMoving(a, p)
	return m
}

// running marks the records taken while the timer ran: outside every
// pause.
func running(a *ingest.Activity) []bool {
	timer, _ := timerAndMoving(a, Params{})
	return timer
}

// timerAndMoving returns running(a) and Moving(a, p) in one pass. Pauses
// are compared in elapsed seconds, not as times, because this runs once
// per record.
func timerAndMoving(a *ingest.Activity, p Params) (timer, moving []bool) {
	timer, moving = make([]bool, a.Len()), make([]bool, a.Len())
	starts, ends := make([]float64, len(a.Pauses)), make([]float64, len(a.Pauses))
	for k, p := range a.Pauses {
		starts[k], ends[k] = p.Start.Sub(a.Start).Seconds(), p.End.Sub(a.Start).Seconds()
	}
	// Columns and thresholds in locals: the stores below might otherwise
	// alias them, and the loop would reload them at every record.
	n := a.Len()
	speed, cadence := a.SpeedMPS[:n], a.CadenceSPM[:n]
	stop, walk := p.StopSpeedMPS, p.WalkCadenceSPM
	pause := 0
	for i, t := range a.Elapsed {
		for pause < len(ends) && ends[pause] <= t {
			pause++
		}
		on := pause >= len(ends) || t < starts[pause]
		timer[i] = on
		// NaN speed compares false: no speed is no evidence of a stop.
		// NaN and 0 cadence fail.
		moving[i] = on && !(speed[i] < stop) && cadence[i] >= walk
	}
	return timer, moving
}

// recordSet is what Analyze derives per record from the timer, speed,
// cadence and distance columns, in one pass: timerAndMoving's masks,
// AfterWarmup's, and totals' sums.
type recordSet struct {
	timer, moving, base []bool
	// movingS, distM, timerS as totals returns them.
	movingS, distM, timerS float64
}

// records is timerAndMoving, AfterWarmup and totals in two passes over
// the records, with weights w: the masks, then the sums. Each sum adds
// the same values in the same order as they do (AfterWarmup's moving
// time is totals' moving seconds), so the results are theirs. (One pass
// for all was slower: with that many values live, the compiler kept the
// sums in memory, each addition waiting on the store before it.)
func records(a *ingest.Activity, w []float64, p Params) recordSet {
	n := a.Len()
	masks := make([]bool, 3*n)
	r := recordSet{timer: masks[:n:n], moving: masks[n : 2*n : 2*n], base: masks[2*n:]}
	recordMasks(r.timer, r.moving, a, p)
	r.movingS, r.distM, r.timerS = recordSums(r.base, r.timer, r.moving, a.DistanceM, w, p.WarmupS)
	return r
}

// recordMasks stores timerAndMoving's masks in timer and moving.
func recordMasks(timer, moving []bool, a *ingest.Activity, p Params) {
	starts, ends := make([]float64, len(a.Pauses)), make([]float64, len(a.Pauses))
	for k, p := range a.Pauses {
		starts[k], ends[k] = p.Start.Sub(a.Start).Seconds(), p.End.Sub(a.Start).Seconds()
	}
	// Columns and thresholds in locals: the stores below might otherwise
	// alias them, and the loop would reload them at every record.
	n := len(timer)
	speed, cadence, moving := a.SpeedMPS[:n], a.CadenceSPM[:n], moving[:n]
	stop, walk := p.StopSpeedMPS, p.WalkCadenceSPM
	pause := 0
	for i, t := range a.Elapsed[:n] {
		for pause < len(ends) && ends[pause] <= t {
			pause++
		}
		on := pause >= len(ends) || t < starts[pause]
		// NaN speed compares false: no speed is no evidence of a stop.
		// NaN and 0 cadence fail.
		timer[i], moving[i] = on, on && !(speed[i] < stop) && cadence[i] >= walk
	}
}

// recordSums stores AfterWarmup's mask in base and returns totals' sums.
func recordSums(base, timer, moving []bool, dist, w []float64, warmup float64) (movingS, distM, timerS float64) {
	n := len(base)
	timer, moving, dist, w = timer[:n], moving[:n], dist[:n], w[:n]
	last := math.NaN()
	for i, mv := range moving {
		d := dist[i]
		if timer[i] {
			timerS += w[i]
		}
		if mv {
			base[i] = movingS >= warmup
			movingS += w[i]
			if d >= last { // false for NaN d or last, as totals tests
				distM += d - last
			}
		}
		if !math.IsNaN(d) {
			last = d
		}
	}
	return movingS, distM, timerS
}

// AfterWarmup marks the moving records that come after the first
// p.WarmupS seconds of moving time: the run's own steady baseline.
func AfterWarmup(moving []bool, weights []float64, p Params) []bool {
	out := make([]bool, len(moving))
	t := 0.0
	for i, mv := range moving {
		if !mv {
			continue
		}
		out[i] = t >= p.WarmupS
		t += weights[i]
	}
	return out
}

// MovingTotals returns the moving time (s) and the distance covered while
// moving (m), from the distance column's increments.
func MovingTotals(a *ingest.Activity, moving []bool, weights []float64) (seconds, meters float64) {
	seconds, meters, _ = totals(a, moving, moving, weights)
	return seconds, meters
}

// totals returns MovingTotals and, in the same pass, the time the timer
// ran: the weights of the records timer marks.
func totals(a *ingest.Activity, timer, moving []bool, weights []float64) (seconds, meters, timerS float64) {
	last := math.NaN()
	dist, timer, weights := a.DistanceM[:len(moving)], timer[:len(moving)], weights[:len(moving)]
	for i, mv := range moving {
		d := dist[i]
		if timer[i] {
			timerS += weights[i]
		}
		if mv {
			seconds += weights[i]
			if !math.IsNaN(d) && !math.IsNaN(last) && d >= last {
				meters += d - last
			}
		}
		if !math.IsNaN(d) {
			last = d
		}
	}
	return seconds, meters, timerS
}
