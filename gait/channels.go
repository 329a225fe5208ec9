package gait

import (
	"math"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Channel summarizes one running-dynamics channel over the moving records.
type Channel struct {
	// Measured is false when no moving record has a value; Reason then
	// says why.
	Measured bool
	Reason   string
	Summary
	// Derived reports that the values were computed rather than recorded
	// (vertical ratio from VO ÷ step length, step length from speed ÷
	// step rate); DerivedFrom says from what.
	Derived     bool
	DerivedFrom string
	// Zones is the share of measured time in Garmin's colour zones, best
	// first; ZoneSet names the table used ("gct", "hrm" or "rdp").
	Zones   []BandShare
	ZoneSet string
}

// ZoneSensor returns which of Garmin's zone tables applies to vertical
// oscillation and ratio: "rdp" when a Running Dynamics Pod is paired, else
// "hrm" (chest strap, and by default for other sensors, whose own ranges
// Garmin does not publish).
func ZoneSensor(a *ingest.Activity) string {
	for _, s := range a.Sensors {
		if s.Kind == ingest.SensorRDPod {
			return "rdp"
		}
	}
	return "hrm"
}

// GCTOf summarizes ground contact time (ms) with Garmin's GCT zones.
func GCTOf(a *ingest.Activity, sel []bool, w []float64, p Params) Channel {
	var s scratch
	return s.gctOf(a, sel, w, p)
}

func (s *scratch) gctOf(a *ingest.Activity, sel []bool, w []float64, p Params) Channel {
	return s.channelOf(a.GCTMS, sel, w, p.GCTZones, "gct", "ground contact time", a)
}

// VerticalOscillationOf summarizes vertical oscillation (mm).
func VerticalOscillationOf(a *ingest.Activity, sel []bool, w []float64, p Params) Channel {
	var s scratch
	return s.verticalOscillationOf(a, sel, w, p)
}

func (s *scratch) verticalOscillationOf(a *ingest.Activity, sel []bool, w []float64, p Params) Channel {
	set := ZoneSensor(a)
	z := p.VOZonesHRM
	if set == "rdp" {
		z = p.VOZonesRDP
	}
	return s.channelOf(a.VerticalOscillationMM, sel, w, z, set, "vertical oscillation", a)
}

// StepLength returns the step length column (mm): the recorded one, or
// where a record has none, speed ÷ steps per second. derived counts the
// records computed.
func StepLength(a *ingest.Activity) (mm []float64, derived int) {
	mm = make([]float64, a.Len())
	return mm, fillStepLength(mm, a)
}

// stepLength is StepLength for Analyze, which only reads the column: when
// no record needs deriving it returns a.StepLengthMM itself, not a copy.
func stepLength(a *ingest.Activity) (mm []float64, derived int) {
	for i, v := range a.StepLengthMM {
		if math.IsNaN(v) && a.CadenceSPM[i] > 0 {
			return StepLength(a)
		}
	}
	return a.StepLengthMM, 0
}

// fillStepLength stores StepLength in dst and returns the records derived.
func fillStepLength(dst []float64, a *ingest.Activity) (derived int) {
	for i, v := range a.StepLengthMM {
		if math.IsNaN(v) {
			if s, c := a.SpeedMPS[i], a.CadenceSPM[i]; c > 0 {
				v = 1000 * s / (c / 60) // NaN speed stays NaN
				derived++
			}
		}
		dst[i] = v
	}
	return derived
}

// StepLengthOf summarizes step length (mm), derived where not recorded.
func StepLengthOf(a *ingest.Activity, sel []bool, w []float64) Channel {
	var s scratch
	mm, derived := stepLength(a)
	return s.stepLengthOf(a, mm, derived, sel, w)
}

// stepLengthOf summarizes the step lengths mm of which derived were
// computed (see [StepLength]).
func (s *scratch) stepLengthOf(a *ingest.Activity, mm []float64, derived int, sel []bool, w []float64) Channel {
	c := s.channelOf(mm, sel, w, nil, "", "step length", a)
	if derived > 0 && c.Measured {
		c.Derived, c.DerivedFrom = true, "speed ÷ step rate where the device recorded no step length"
	}
	return c
}

// VerticalRatioOf summarizes vertical ratio (%), computed as VO ÷ step
// length × 100 where the device recorded none (Garmin's definition,
// domain.md A3).
func VerticalRatioOf(a *ingest.Activity, sel []bool, w []float64, p Params) Channel {
	var s scratch
	steps, _ := stepLength(a)
	vr, derived := verticalRatio(a, steps)
	return s.verticalRatioOf(a, vr, derived, sel, w, p)
}

// verticalRatioOf summarizes the vertical ratios vr of which derived
// were computed (see [VerticalRatioSeries]).
func (s *scratch) verticalRatioOf(a *ingest.Activity, vr []float64, derived int, sel []bool, w []float64, p Params) Channel {
	set := ZoneSensor(a)
	z := p.VRZonesHRM
	if set == "rdp" {
		z = p.VRZonesRDP
	}
	c := s.channelOf(vr, sel, w, z, set, "vertical ratio", a)
	if derived > 0 && c.Measured {
		c.Derived, c.DerivedFrom = true, "vertical oscillation ÷ step length where the device recorded no vertical ratio"
	}
	return c
}

// VerticalRatioSeries returns the vertical ratio column (%): the recorded
// one, or VO ÷ step length × 100 where a record has none.
func VerticalRatioSeries(a *ingest.Activity) []float64 {
	vr := make([]float64, a.Len())
	steps, _ := stepLength(a)
	fillVerticalRatio(vr, a, steps)
	return vr
}

// verticalRatio is VerticalRatioSeries from the step lengths for
// Analyze, which only reads it: when no record needs deriving it returns
// a.VerticalRatioPct itself. derived counts the records that got a value
// by derivation.
func verticalRatio(a *ingest.Activity, steps []float64) (vr []float64, derived int) {
	for i, v := range a.VerticalRatioPct {
		if math.IsNaN(v) && steps[i] > 0 {
			vr = make([]float64, a.Len())
			return vr, fillVerticalRatio(vr, a, steps)
		}
	}
	return a.VerticalRatioPct, 0
}

// fillVerticalRatio stores the vertical ratio series in dst and returns
// how many records got a value by derivation.
func fillVerticalRatio(dst []float64, a *ingest.Activity, steps []float64) (derived int) {
	for i, v := range a.VerticalRatioPct {
		if math.IsNaN(v) && steps[i] > 0 {
			v = 100 * a.VerticalOscillationMM[i] / steps[i] // NaN VO stays NaN
			if !math.IsNaN(v) {
				derived++
			}
		}
		dst[i] = v
	}
	return derived
}

func (s *scratch) channelOf(x []float64, sel []bool, w []float64, zones []Band, set, what string, a *ingest.Activity) Channel {
	var rule *zoneRule
	if zones != nil {
		rule = upperZones(zones)
	}
	sum, share, total := s.summarize(x, sel, w, rule)
	c := Channel{Summary: sum}
	if c.N == 0 {
		c.Reason = missingReason(what, a)
		return c
	}
	c.Measured = true
	if zones == nil {
		return c
	}
	c.ZoneSet = set
	c.Zones = make([]BandShare, len(zones))
	for i, z := range zones {
		c.Zones[i] = BandShare{z.Name, 100 * share[i] / total}
	}
	return c
}

// upperZone returns the index of the first zone whose upper edge is above
// x; the last zone is unbounded.
func upperZone(x float64, zones []Band) int {
	for i, z := range zones[:len(zones)-1] {
		if x < z.Edge {
			return i
		}
	}
	return len(zones) - 1
}

// missingReason says why a running-dynamics channel has no value.
func missingReason(what string, a *ingest.Activity) string {
	for _, s := range a.Sensors {
		if s.RunningDynamics || s.Kind == ingest.SensorStryd {
			return "no " + what + " recorded while running, although a running-dynamics sensor was paired"
		}
	}
	return "not measurable with this sensor: " + what + " needs a running-dynamics chest strap, pod or foot pod"
}
