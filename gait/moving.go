package gait

import (
	"math"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Weights returns, for each record, the seconds it stands for: the time to
// the next record, at most maxGap; the last record gets the median
// interval. elapsed must not decrease.
func Weights(elapsed []float64, maxGap float64) []float64 {
	n := len(elapsed)
	w := make([]float64, n)
	if n == 0 {
		return w
	}
	for i := 0; i < n-1; i++ {
		w[i] = min(elapsed[i+1]-elapsed[i], maxGap) // min is math.Min, NaN and ±0 alike
	}
	if n == 1 {
		w[0] = 1
		return w
	}
	w[n-1] = median(w[:n-1])
	return w
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
	pause := 0
	for i, t := range a.Elapsed {
		for pause < len(ends) && ends[pause] <= t {
			pause++
		}
		on := pause >= len(ends) || t < starts[pause]
		timer[i] = on
		// NaN speed compares false: no speed is no evidence of a stop.
		// NaN and 0 cadence fail.
		moving[i] = on && !(a.SpeedMPS[i] < p.StopSpeedMPS) && a.CadenceSPM[i] >= p.WalkCadenceSPM
	}
	return timer, moving
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
	for i, mv := range moving {
		d := a.DistanceM[i]
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
