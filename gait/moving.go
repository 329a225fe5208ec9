package gait

import (
	"math"
	"time"

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
		w[i] = math.Min(elapsed[i+1]-elapsed[i], maxGap)
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
	m := running(a)
	for i, ok := range m {
		if !ok {
			continue
		}
		if v := a.SpeedMPS[i]; v < p.StopSpeedMPS { // NaN compares false: no speed is no evidence of a stop
			m[i] = false
			continue
		}
		m[i] = a.CadenceSPM[i] >= p.WalkCadenceSPM // NaN and 0 fail
	}
	return m
}

// running marks the records taken while the timer ran: outside every
// pause. Pauses are compared in elapsed seconds, not as times, because
// this runs once per record.
func running(a *ingest.Activity) []bool {
	m := make([]bool, a.Len())
	pause := 0
	for i, t := range a.Elapsed {
		for pause < len(a.Pauses) && a.Pauses[pause].End.Sub(a.Start).Seconds() <= t {
			pause++
		}
		m[i] = pause >= len(a.Pauses) || t < a.Pauses[pause].Start.Sub(a.Start).Seconds()
	}
	return m
}

func inPause(p ingest.Pause, t time.Time) bool {
	return !t.Before(p.Start) && t.Before(p.End)
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
	last := math.NaN()
	for i, mv := range moving {
		d := a.DistanceM[i]
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
	return seconds, meters
}
