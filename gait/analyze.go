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
	// Derive once what several metrics share, and reuse one set of
	// working buffers: a 6-hour run has over 20,000 records per column.
	var s scratch
	w, whole := s.weights(a.Elapsed, p.MaxRecordGapS)
	s.wholeWeights = whole
	r := records(a, w, p)
	timer, sel, base := r.timer, r.moving, r.base
	grade, derived := Grade(a, p)
	m.GradeDerived = derived
	left, source, _ := BalanceSeries(a)
	steps, stepsDerived := stepLength(a)
	vr, vrDerived := verticalRatio(a, steps)

	m.MovingTimeS, m.DistanceM = r.movingS, r.distM
	m.Cadence = s.cadenceOf(a, sel, w, p)
	m.GCT = s.gctOf(a, sel, w, p)
	m.Balance = s.balanceOf(a, left, source, sel, w, grade, p)
	m.VO = s.verticalOscillationOf(a, sel, w, p)
	m.VR = s.verticalRatioOf(a, vr, vrDerived, sel, w, p)
	m.StepLength = s.stepLengthOf(a, steps, stepsDerived, sel, w)
	m.Drift = s.driftOf(a, left, vr, sel, w, m.MovingTimeS, grade, p)
	m.Spikes = s.spikesOf(a, left, base, grade, p)
	m.Effort = s.effortOf(a, timer, sel, w, m.MovingTimeS, m.DistanceM, r.timerS, p)
	return m
}
