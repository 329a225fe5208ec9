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
	var e Effort
	e.MovingTimeS, e.DistanceM = MovingTotals(a, sel, weights)

	timer := running(a)
	for i, ok := range timer {
		if ok {
			e.TimerS += weights[i]
		}
	}

	e.ElevationGainM, e.ElevationLossM, e.ElevationSource = elevation(a, p.Effort.ElevationHysteresisM)

	e.HeartRate = Summarize(a.HeartRateBPM, timer, weights)
	e.TRIMP, e.TRIMPFormula, e.TRIMPReason = trimp(a.HeartRateBPM, timer, weights, p.Effort)

	power, source := powerSeries(a)
	e.Power, e.PowerSource = Summarize(power, sel, weights), source
	if e.Power.N == 0 {
		e.PowerSource = ""
	}
	return e
}

// elevation sums climbs and descents of at least h metres.
func elevation(a *ingest.Activity, h float64) (gain, loss float64, source string) {
	ref := math.NaN()
	for _, alt := range a.AltitudeM {
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
	// and take one exponential per rate rather than one per record.
	byRate := map[float64]float64{}
	n := 0
	for i, ok := range sel {
		if ok && !math.IsNaN(hr[i]) {
			byRate[hr[i]] += w[i]
			n++
		}
	}
	rates := make([]float64, 0, len(byRate))
	for r := range byRate {
		rates = append(rates, r)
	}
	slices.Sort(rates) // a fixed summation order
	for _, r := range rates {
		x := math.Min(math.Max((r-p.HRRestBPM)/(p.HRMaxBPM-p.HRRestBPM), 0), 1)
		v += byRate[r] / 60 * x * a * math.Exp(b*x)
	}
	if n == 0 {
		return math.NaN(), formula, "no heart rate recorded"
	}
	return v, formula, ""
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
