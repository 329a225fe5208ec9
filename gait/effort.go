package gait

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Effort is the load of one run (domain.md A1): what the training-load
// history adds up across runs.
type Effort struct {
	DistanceM   float64 // covered while moving
	MovingTimeS float64
	TimerS      float64 // timer running: elapsed time less pauses

	// ElevationGainM and ElevationLossM are summed from the altitude
	// column, ignoring changes under EffortParams.ElevationHysteresisM;
	// ElevationSource says "altitude" or, without altitude, "session"
	// (the device's totals), or "" when neither exists (NaN then).
	ElevationGainM, ElevationLossM float64
	ElevationSource                string

	HeartRate Summary // over the timer-running records
	// TRIMP is Banister's training impulse summed record by record over
	// the timer-running records; NaN without heart rate (TRIMPReason
	// says so). TRIMPFormula states the coefficients used.
	TRIMP        float64
	TRIMPReason  string
	TRIMPFormula string

	// Power summarizes running power (W) over moving records, native or
	// from a developer field (Stryd); PowerSource says which.
	Power       Summary
	PowerSource string
}

// EffortOf computes the per-run load. sel marks moving records.
func EffortOf(a *ingest.Activity, sel []bool, weights []float64, p Params) Effort {
	var s scratch
	timer := running(a)
	movingS, distM, timerS := totals(a, timer, sel, weights)
	return s.effortOf(a, timer, sel, weights, movingS, distM, timerS, p)
}

// effortOf is EffortOf with the timer-running records (running) and the
// totals (totals) already known.
func (s *scratch) effortOf(a *ingest.Activity, timer, sel []bool, weights []float64, movingS, distM, timerS float64, p Params) Effort {
	e := Effort{MovingTimeS: movingS, DistanceM: distM, TimerS: timerS}

	e.ElevationGainM, e.ElevationLossM, e.ElevationSource = elevation(a, p.Effort.ElevationHysteresisM)

	e.HeartRate, _, _ = s.summarize(a.HeartRateBPM, timer, weights, nil)
	e.TRIMP, e.TRIMPFormula, e.TRIMPReason = trimp(a.HeartRateBPM, timer, weights, p.Effort)

	power, source := powerSeries(a)
	e.Power, _, _ = s.summarize(power, sel, weights, nil)
	e.PowerSource = source
	if e.Power.N == 0 {
		e.PowerSource = ""
	}
	return e
}

// elevation sums climbs and descents of at least h metres.
func elevation(a *ingest.Activity, h float64) (gain, loss float64, source string) {
	ref := math.NaN()
	for _, alt := range a.AltitudeM {
		// Mostly the altitude stays within h of the reference: then
		// neither test below holds (ref − alt is −(alt − ref) exactly).
		// A NaN altitude or reference fails this and goes on below.
		if math.Abs(alt-ref) < h {
			continue
		}
		switch {
		case math.IsNaN(alt):
		case math.IsNaN(ref):
			ref = alt
		case alt-ref >= h:
			gain += alt - ref
			ref = alt
		case ref-alt >= h:
			loss += ref - alt
			ref = alt
		}
	}
	if !math.IsNaN(ref) {
		return gain, loss, "altitude"
	}
	if !math.IsNaN(a.Totals.AscentM) || !math.IsNaN(a.Totals.DescentM) {
		return a.Totals.AscentM, a.Totals.DescentM, "session"
	}
	return math.NaN(), math.NaN(), ""
}

// trimp sums Banister's TRIMP, min × ΔHR × a·e^(b·ΔHR) with
// ΔHR = (HR − rest)/(max − rest) clamped to [0, 1], record by record
// (domain.md A1 L11: Morton 1990, men a = 0.64, b = 1.92; women a = 0.86,
// b = 1.67).
func trimp(hr []float64, sel []bool, w []float64, p EffortParams) (v float64, formula, reason string) {
	a, b := 0.64, 1.92
	if strings.EqualFold(p.Sex, "female") {
		a, b = 0.86, 1.67
	}
	formula = fmt.Sprintf("Banister TRIMP: minutes × ΔHR × %.2f·e^(%.2f·ΔHR), ΔHR = (HR − %.0f)/(%.0f − %.0f)", a, b, p.HRRestBPM, p.HRMaxBPM, p.HRRestBPM)
	// Heart rate comes in whole bpm, so sum the time at each rate first
	// and take one exponential per rate rather than one per record; the
	// rates are summed in increasing order, a fixed summation order.
	var byBPM [256]float64 // time at each whole bpm
	var used [256]bool
	// Heart rate mostly holds from one record to the next, so the time at
	// the current rate is summed in cur and stored when the rate changes:
	// each rate's time still adds the same values in the same order.
	rate, cur := -1, 0.0
	n := 0
	w = w[:len(sel)]
	for i, ok := range sel {
		h := hr[i]
		if !ok || math.IsNaN(h) {
			continue
		}
		// A whole number in 0–255, tested by conversion rather than
		// math.Trunc, whose fallback call would keep the loop's values
		// on the stack.
		r := int(h)
		if !(h >= 0 && h <= 255) || float64(r) != h {
			return trimpByMap(hr, sel, w, a, b, p), formula, ""
		}
		if r != rate {
			if rate >= 0 {
				byBPM[rate] = cur
			}
			rate, cur = r, byBPM[r]
			used[r] = true
		}
		cur += w[i]
		n++
	}
	if rate >= 0 {
		byBPM[rate] = cur
	}
	for r, ok := range used {
		if ok {
			v += trimpTerm(byBPM[r], float64(r), a, b, p)
		}
	}
	if n == 0 {
		return math.NaN(), formula, "no heart rate recorded"
	}
	return v, formula, ""
}

// trimpByMap is trimp's sum for heart rates that are not all whole bpm
// in 0–255 (a developer's resampled column): at least one valid rate.
func trimpByMap(hr []float64, sel []bool, w []float64, a, b float64, p EffortParams) (v float64) {
	byRate := map[float64]float64{}
	for i, ok := range sel {
		if ok && !math.IsNaN(hr[i]) {
			byRate[hr[i]] += w[i]
		}
	}
	rates := make([]float64, 0, len(byRate))
	for r := range byRate {
		rates = append(rates, r)
	}
	slices.Sort(rates)
	for _, r := range rates {
		v += trimpTerm(byRate[r], r, a, b, p)
	}
	return v
}

// trimpTerm is the TRIMP of sec seconds at heart rate r.
func trimpTerm(sec, r, a, b float64, p EffortParams) float64 {
	x := math.Min(math.Max((r-p.HRRestBPM)/(p.HRMaxBPM-p.HRRestBPM), 0), 1)
	return sec / 60 * x * a * math.Exp(b*x)
}

// powerSeries returns running power: the native column, else a developer
// field named "Power" in watts (Stryd's Connect IQ field; "Form Power"
// and other power-like fields are not running power).
func powerSeries(a *ingest.Activity) ([]float64, string) {
	for _, v := range a.PowerW {
		if !math.IsNaN(v) {
			return a.PowerW, "power"
		}
	}
	for _, d := range a.Dev {
		if strings.EqualFold(strings.TrimSpace(d.Name), "power") && strings.HasPrefix(strings.ToLower(d.Units), "w") {
			return d.Values, "developer field " + d.Name
		}
	}
	return a.PowerW, ""
}
