package gait

import (
	"time"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Metrics is the gait analysis of one run.
type Metrics struct {
	Index           int // the activity's session index in its file
	Sport, SubSport string
	Start           time.Time // UTC
	// Analyzed is false for activities that are not runs (a triathlon's
	// swim or bike leg, a walk); Reason says why and the rest is zero.
	Analyzed bool
	Reason   string

	// MovingTimeS and DistanceM cover the moving records (Moving).
	MovingTimeS, DistanceM float64
	// GradeDerived reports that grade was computed from altitude, the
	// device having written none.
	GradeDerived bool

	Cadence    Cadence
	GCT        Channel
	Balance    Balance
	VO         Channel // vertical oscillation, mm
	VR         Channel // vertical ratio, %
	StepLength Channel // mm
	Drift      Drift
	Spikes     Spikes
	Effort     Effort
}

// Analyze computes the metrics of one activity. Only runs are analyzed:
// gait thresholds are for running (domain.md A2, A3).
func Analyze(a *ingest.Activity, p Params) Metrics {
	m := Metrics{Index: a.Index, Sport: a.Sport, SubSport: a.SubSport, Start: a.Start}
	if a.Sport != "running" {
		m.Reason = "not a run (sport " + a.Sport + "): gait analysis covers running only"
		return m
	}
	m.Analyzed = true
	w := Weights(a.Elapsed, p.MaxRecordGapS)
	sel := Moving(a, p)
	base := AfterWarmup(sel, w, p)
	grade, derived := Grade(a, p)
	m.GradeDerived = derived

	m.MovingTimeS, m.DistanceM = MovingTotals(a, sel, w)
	m.Cadence = CadenceOf(a, sel, w, p)
	m.GCT = GCTOf(a, sel, w, p)
	m.Balance = BalanceOf(a, sel, w, grade, p)
	m.VO = VerticalOscillationOf(a, sel, w, p)
	m.VR = VerticalRatioOf(a, sel, w, p)
	m.StepLength = StepLengthOf(a, sel, w)
	m.Drift = DriftOf(a, sel, w, grade, p)
	m.Spikes = SpikesOf(a, sel, base, grade, p)
	m.Effort = EffortOf(a, sel, w, p)
	return m
}
