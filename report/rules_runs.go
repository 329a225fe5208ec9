package report

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
)

// overuse flags the recent runs' single-session spikes (the primary load
// flag), and the two-week increase and monotony of recent days.
func (e *evaluator) overuse() {
	for _, r := range e.h.Runs {
		if !e.recent(r.Local) && !e.beforeSymptom(r.Local) {
			continue
		}
		s := e.as.Spikes[r.ID]
		if !s.Ratio.OK || s.Ratio.V <= e.rules["overuse.session_spike"].Threshold {
			continue
		}
		e.add(KindOveruse, "overuse.session_spike", r.Local, fmt.Sprintf("%.1f km was %.0f%% of the longest run of the previous 30 days (%.1f km): %s spike",
			s.DistanceM.V/1000, 100*s.Ratio.V, s.LongestM.V/1000, s.Band),
			Object{{"run", r.File}, {"distance_m", Num(s.DistanceM.V)}, {"longest_30d_m", Num(s.LongestM.V)}, {"ratio", Num(s.Ratio.V)},
				{"band", string(s.Band)}, {"threshold", Num(e.rules["overuse.session_spike"].Threshold)}})
	}
	var twoWeek, monotony *gait.LoadDay
	for i := range e.as.Load.Days {
		d := &e.as.Load.Days[i]
		if !e.recent(d.Date) {
			continue
		}
		if d.TwoWeekFlag && (twoWeek == nil || d.TwoWeekChangePct.V > twoWeek.TwoWeekChangePct.V) {
			twoWeek = d
		}
		if d.MonotonyFlag && (monotony == nil || d.Monotony.V > monotony.Monotony.V) {
			monotony = d
		}
	}
	if twoWeek != nil {
		e.add(KindOveruse, "overuse.two_week", twoWeek.Date, fmt.Sprintf("distance of the two weeks to %s was %.0f%% above the two weeks before (threshold %.0f%%)",
			twoWeek.Date.Format("2006-01-02"), twoWeek.TwoWeekChangePct.V, e.load.TwoWeekFlagPct),
			Object{{"date", twoWeek.Date.Format("2006-01-02")}, {"change_pct", Num(twoWeek.TwoWeekChangePct.V)}, {"threshold_pct", Num(e.load.TwoWeekFlagPct)},
				{"acwr_ewma", ValueNum(twoWeek.ACWREWMA)}, {"acwr_note", gait.ACWRCaveat}})
	}
	if monotony != nil {
		e.add(KindOveruse, "overuse.monotony", monotony.Date, fmt.Sprintf("training monotony %.1f in the week to %s (above %.1f): the same load day after day",
			monotony.Monotony.V, monotony.Date.Format("2006-01-02"), e.load.MonotonyFlag),
			Object{{"date", monotony.Date.Format("2006-01-02")}, {"monotony", Num(monotony.Monotony.V)}, {"threshold", Num(e.load.MonotonyFlag)}})
	}
}

// beforeSymptom reports whether a symptom was logged within
// SymptomWindow hours after t: the runs a symptom is lined up with.
func (e *evaluator) beforeSymptom(t time.Time) bool {
	w := time.Duration(e.o.SymptomWindow * float64(time.Hour))
	for _, s := range e.h.Symptoms {
		if d := s.Time.Sub(t); d >= 0 && d <= w || s.DateOnly && d >= -24*time.Hour && d <= w {
			return true
		}
	}
	return false
}

// form flags the recent runs' cadence, asymmetry, drift and vertical
// motion, each against Garmin's bands or the runner's own baseline.
func (e *evaluator) form() {
	for i, r := range e.h.Runs {
		b := e.baseline(i)
		e.as.Baseline[r.ID] = b
		if !e.recent(r.Local) || !r.Metrics.Analyzed {
			continue
		}
		m := r.Metrics
		if low := bandShare(m.Cadence.Bands, "orange") + bandShare(m.Cadence.Bands, "red"); low > e.rules["form.cadence_low"].Threshold {
			e.add(KindForm, "form.cadence_low", r.Local, fmt.Sprintf("cadence %.0f spm, %.0f%% of the run below 164 spm (Garmin's two lowest bands): long, pounding steps load the knee and foot more",
				m.Cadence.Mean, low), Object{{"run", r.File}, {"mean_spm", Num(m.Cadence.Mean)}, {"low_band_pct", Num(low)}, {"threshold_pct", Num(e.rules["form.cadence_low"].Threshold)}})
		}
		k := e.rules["form.cadence_below_own"].Threshold
		if c := m.Cadence.AtMedianSpeedSPM; b.Runs >= 3 && !math.IsNaN(c) && c < b.CadenceMedian-math.Max(k*b.CadenceMAD, 2) {
			e.add(KindForm, "form.cadence_below_own", r.Local, fmt.Sprintf("cadence %.1f spm at %.2f m/s, below your own %.1f ± %.1f at that speed (median ± MAD of %d runs)",
				c, m.Cadence.MedianSpeedMPS, b.CadenceMedian, b.CadenceMAD, b.Runs), Object{{"run", r.File}, {"cadence_at_median_speed_spm", Num(c)},
				{"median_speed_mps", Num(m.Cadence.MedianSpeedMPS)}, {"own_median_spm", Num(b.CadenceMedian)},
				{"own_mad_spm", Num(b.CadenceMAD)}, {"threshold_mads", Num(k)}, {"baseline_runs", b.Runs}})
		}
		bal := m.Balance
		if bal.Measurable {
			off := math.Abs(bal.LeftPct.Mean - 50)
			green := e.o.BalanceGreenMaxPct - 50
			k := e.rules["form.asymmetry"].Threshold
			if off > green && !math.IsNaN(bal.StepVariabilityPct) && off > k*bal.StepVariabilityPct {
				side := "left"
				if bal.LeftPct.Mean < 50 {
					side = "right"
				}
				e.add(KindForm, "form.asymmetry", r.Local, fmt.Sprintf("ground contact %.2f%% on the %s (SI %+.1f%%), outside Garmin's green band and %.1f× your own variability",
					50+off, side, bal.SymmetryIndexPct, off/bal.StepVariabilityPct),
					Object{{"run", r.File}, {"mean_left_pct", Num(bal.LeftPct.Mean)}, {"symmetry_index_pct", Num(bal.SymmetryIndexPct)}, {"green_max_pct", Num(50 + green)},
						{"own_variability_pct", Num(bal.StepVariabilityPct)}, {"threshold_x_variability", Num(k)}})
			}
			d := m.Drift.SymmetryIndex
			k = e.rules["form.asymmetry_drift"].Threshold
			if d.Measured && !math.IsNaN(bal.StepVariabilityPct) && math.Abs(d.Delta) > k*4*bal.StepVariabilityPct {
				e.add(KindForm, "form.asymmetry_drift", r.Local, fmt.Sprintf("asymmetry grew late in the run: SI %+.1f points in the last %.0f min at matched speed and grade, beyond %.1f× your own variability",
					d.Delta, (m.Drift.LateEndS-m.Drift.LateStartS)/60, k),
					Object{{"run", r.File}, {"si_delta_pct", Num(d.Delta)}, {"reference_n", d.RefN}, {"late_n", d.LateN}, {"own_variability_si_pct", Num(4 * bal.StepVariabilityPct)}, {"threshold_x_variability", Num(k)}})
			}
		}
		if d := m.Drift.Cadence; d.Measured && d.Delta <= -e.rules["form.cadence_drift"].Threshold {
			e.add(KindForm, "form.cadence_drift", r.Local, fmt.Sprintf("cadence fell %.1f spm late in the run at matched speed and grade", -d.Delta),
				Object{{"run", r.File}, {"cadence_delta_spm", Num(d.Delta)}, {"reference_n", d.RefN}, {"late_n", d.LateN}, {"threshold_spm", Num(-e.rules["form.cadence_drift"].Threshold)}})
		}
		for _, c := range []struct {
			name string
			ch   gait.Channel
		}{{"vertical oscillation", m.VO}, {"vertical ratio", m.VR}} {
			if red := bandShare(c.ch.Zones, "red"); red > e.rules["form.vertical"].Threshold {
				e.add(KindForm, "form.vertical", r.Local, fmt.Sprintf("%s in Garmin's red zone %.0f%% of the run: a lot of bounce for the distance covered", c.name, red),
					Object{{"run", r.File}, {"channel", c.name}, {"mean", Num(c.ch.Mean)}, {"red_pct", Num(red)}, {"threshold_pct", Num(e.rules["form.vertical"].Threshold)}})
			}
		}
	}
}

func bandShare(b []gait.BandShare, name string) float64 {
	for _, s := range b {
		if s.Name == name && !math.IsNaN(s.Pct) {
			return s.Pct
		}
	}
	return 0
}

// baseline is the runner's own median and MAD of cadence at matched speed
// and of |balance − 50| over the BaselineDays before run i.
//
// Cadence rises with speed (domain.md A2 C4, C6), so run i's cadence at
// its median speed is compared with what each earlier run's own
// cadence–speed line predicts at that same speed, not with the cadence
// the earlier runs had at their own median speeds: a slower easy day is
// not a drop in cadence. The median over runs keeps one run's poorly
// determined slope from moving the baseline, and the further run i's
// speed is from the usual, the more the predictions spread and the wider
// the MAD the threshold allows.
func (e *evaluator) baseline(i int) Baseline {
	r := e.h.Runs[i]
	speed := r.Metrics.Cadence.MedianSpeedMPS
	var cad, bal []float64
	for _, p := range e.h.Runs[:i] {
		if r.Local.Sub(p.Local) > time.Duration(e.o.BaselineDays)*24*time.Hour || !p.Metrics.Analyzed {
			continue
		}
		pc := p.Metrics.Cadence
		if c := pc.InterceptSPM + pc.SlopeSPMPerMPS*speed; !math.IsNaN(c) && !math.IsInf(c, 0) && pc.MedianSpeedMPS > 0 {
			cad = append(cad, c)
		}
		if p.Metrics.Balance.Measurable {
			bal = append(bal, math.Abs(p.Metrics.Balance.LeftPct.Mean-50))
		}
	}
	b := Baseline{Runs: len(cad)}
	b.CadenceMedian, b.CadenceMAD = medMAD(cad)
	b.BalanceMedian, b.BalanceMAD = medMAD(bal)
	return b
}

func medMAD(x []float64) (med, mad float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	med = s[len(s)/2]
	for i, v := range s {
		s[i] = math.Abs(v - med)
	}
	slices.Sort(s)
	return med, s[len(s)/2]
}
