package report

import (
	"slices"
	"testing"
)

// withCadence gives run r a cadence–speed line (cadence = intercept +
// slope·speed) and a median speed, as gait.Analyze reports them.
func withCadence(r Run, intercept, slope, speed float64) Run {
	c := &r.Metrics.Cadence
	c.InterceptSPM, c.SlopeSPMPerMPS, c.MedianSpeedMPS = intercept, slope, speed
	c.AtMedianSpeedSPM = intercept + slope*speed
	c.Mean = c.AtMedianSpeedSPM
	return r
}

// form.cadence_below_own compares cadence at matched speed: a run slower
// than usual with the runner's usual cadence–speed line is not a drop in
// cadence; the same speed with fewer steps is. (Found with scenario (c)
// in testdata/scenarios: a slow easy day was flagged.)
func TestCadenceBelowOwnAtMatchedSpeed(t *testing.T) {
	// Six runs at 3.0 m/s on the line 140 + 10·speed: 170 spm at 3.0 m/s
	// (10 spm per m/s, the generator's model, domain.md A2 C4), the
	// intercept varying by ±0.3 spm from day to day.
	var base []Run
	for d := range 6 {
		base = append(base, withCadence(run(2*d, 8), 140+0.3*float64(d%3-1), 10, 3.0))
	}
	tests := []struct {
		name    string
		last    Run
		flagged bool
	}{
		// 2.7 m/s on the usual line: 167 spm, 3 spm under the usual 170
		// at 3.0 m/s, but exactly the usual cadence at 2.7 m/s.
		{"slower day, usual cadence for its speed", withCadence(run(12, 8), 140, 10, 2.7), false},
		// 3.0 m/s with the line 5 spm lower: 165 against 170 ± 0.3.
		{"usual speed, fewer steps", withCadence(run(12, 8), 135, 10, 3.0), true},
		// 3.3 m/s but only 167 spm: faster yet fewer steps than the 173
		// the runner's line gives at 3.3 m/s.
		{"faster day, fewer steps than usual at that speed", withCadence(run(12, 8), 134, 10, 3.3), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := History{Runs: append(slices.Clone(base), tt.last), Now: day0.AddDate(0, 0, 12)}
			a := assess(h)
			got := slices.Contains(rulesOf(a.Flags), "form.cadence_below_own")
			if got != tt.flagged {
				b := a.Baseline[tt.last.ID]
				t.Errorf("flagged %v, want %v (cadence %.1f at %.1f m/s; baseline %.1f ± %.1f of %d runs)",
					got, tt.flagged, tt.last.Metrics.Cadence.AtMedianSpeedSPM, tt.last.Metrics.Cadence.MedianSpeedMPS, b.CadenceMedian, b.CadenceMAD, b.Runs)
			}
		})
	}
}
