package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
)

// AnalysisJSON is the `gaitkeeper analyze --format json` document of one
// file; the README documents every field. errMsg is set when the file
// could not be read.
func AnalysisJSON(file, errMsg string, ms []gait.Metrics) Object {
	o := Object{{"file", file}}
	if errMsg != "" {
		o = append(o, Field{"error", errMsg})
	}
	acts := make([]Object, 0, len(ms))
	for _, m := range ms {
		acts = append(acts, activityJSON(m))
	}
	return append(o, Field{"activities", acts})
}

func activityJSON(m gait.Metrics) Object {
	o := Object{
		{"index", m.Index},
		{"sport", m.Sport},
		{"sub_sport", m.SubSport},
		{"start", m.Start.UTC().Format(time.RFC3339)},
		{"analyzed", m.Analyzed},
	}
	if !m.Analyzed {
		return append(o, Field{"reason", m.Reason})
	}
	return append(o,
		Field{"moving_time_s", Num(m.MovingTimeS)},
		Field{"distance_m", Num(m.DistanceM)},
		Field{"grade_derived", m.GradeDerived},
		Field{"cadence", cadenceJSON(m.Cadence)},
		Field{"gct", channelJSON(m.GCT, "ms")},
		Field{"gct_balance", balanceJSON(m.Balance)},
		Field{"vertical_oscillation", channelJSON(m.VO, "mm")},
		Field{"vertical_ratio", channelJSON(m.VR, "pct")},
		Field{"step_length", channelJSON(m.StepLength, "mm")},
		Field{"drift", driftJSON(m.Drift)},
		Field{"spikes", spikesJSON(m.Spikes)},
		Field{"load", effortJSON(m.Effort)},
	)
}

// summaryJSON writes a gait.Summary with the unit as the key suffix.
func summaryJSON(s gait.Summary, unit string) Object {
	return Object{
		{"n", s.N},
		{"mean_" + unit, Num(s.Mean)},
		{"sd_" + unit, Num(s.SD)},
		{"cv_pct", Num(s.CVPct)},
		{"median_" + unit, Num(s.Median)},
		{"p05_" + unit, Num(s.P05)},
		{"p95_" + unit, Num(s.P95)},
	}
}

func sharesJSON(b []gait.BandShare) []Object {
	out := make([]Object, 0, len(b))
	for _, s := range b {
		out = append(out, Object{{"name", s.Name}, {"pct", Num(s.Pct)}})
	}
	return out
}

func cadenceJSON(c gait.Cadence) Object {
	o := Object{{"measured", c.N > 0}}
	if c.N == 0 {
		o = append(o, Field{"reason", "no cadence recorded while moving"})
	}
	o = append(o, summaryJSON(c.Summary, "spm")...)
	return append(o,
		Field{"bands", sharesJSON(c.Bands)},
		Field{"speed_relation", Object{
			{"intercept_spm", Num(c.InterceptSPM)},
			{"slope_spm_per_mps", Num(c.SlopeSPMPerMPS)},
			{"median_speed_mps", Num(c.MedianSpeedMPS)},
			{"at_median_speed_spm", Num(c.AtMedianSpeedSPM)},
		}},
	)
}

func channelJSON(c gait.Channel, unit string) Object {
	o := Object{{"measured", c.Measured}}
	if !c.Measured {
		o = append(o, Field{"reason", c.Reason})
	}
	o = append(o, Field{"derived", c.Derived})
	if c.Derived {
		o = append(o, Field{"derived_from", c.DerivedFrom})
	}
	o = append(o, summaryJSON(c.Summary, unit)...)
	if c.Zones != nil {
		o = append(o, Field{"zone_set", c.ZoneSet}, Field{"zones", sharesJSON(c.Zones)})
	}
	return o
}

func balanceJSON(b gait.Balance) Object {
	o := Object{{"measurable", b.Measurable}}
	if !b.Measurable {
		o = append(o, Field{"reason", b.Reason})
	} else {
		o = append(o, Field{"source", b.Source})
	}
	o = append(o,
		Field{"n", b.LeftPct.N},
		Field{"mean_left_pct", Num(b.LeftPct.Mean)},
		Field{"sd_pct", Num(b.LeftPct.SD)},
		Field{"symmetry_index_pct", Num(b.SymmetryIndexPct)},
		Field{"step_variability_pct", Num(b.StepVariabilityPct)},
		Field{"steady_stretches", b.SteadyStretches},
		Field{"asymmetry_over_variability", Num(b.AsymmetryOverVariability)},
	)
	if b.Zones != nil {
		o = append(o, Field{"zones", sharesJSON(b.Zones)})
	}
	return o
}

func driftJSON(d gait.Drift) Object {
	delta := func(x gait.Delta) Object {
		o := Object{{"measured", x.Measured}}
		if !x.Measured {
			o = append(o, Field{"reason", x.Reason})
		}
		return append(o,
			Field{"delta", Num(x.Delta)},
			Field{"reference_mean", Num(x.RefMean)},
			Field{"late_mean", Num(x.LateMean)},
			Field{"reference_n", x.RefN},
			Field{"late_n", x.LateN},
			Field{"bins", x.Bins},
		)
	}
	return Object{
		{"reference_window_s", []Num{Num(d.RefStartS), Num(d.RefEndS)}},
		{"late_window_s", []Num{Num(d.LateStartS), Num(d.LateEndS)}},
		{"cadence_spm", delta(d.Cadence)},
		{"gct_ms", delta(d.GCT)},
		{"symmetry_index_pct", delta(d.SymmetryIndex)},
		{"vertical_oscillation_mm", delta(d.VerticalOscillation)},
		{"vertical_ratio_pct", delta(d.VerticalRatio)},
	}
}

func spikesJSON(s gait.Spikes) Object {
	list := make([]Object, 0, len(s.List))
	for _, x := range s.List {
		list = append(list, Object{
			{"metric", x.Metric},
			{"unit", x.Unit},
			{"start_s", Num(x.StartS)},
			{"start_m", Num(x.StartM)},
			{"duration_s", Num(x.DurationS)},
			{"baseline", Num(x.Baseline)},
			{"peak", Num(x.Peak)},
			{"size", Num(x.Size)},
			{"robust_sds", Num(x.SDs)},
			{"speed_mps", Num(x.SpeedMPS)},
			{"grade_pct", Num(x.GradePct)},
			{"eccentric", x.Eccentric},
		})
	}
	skipped := s.Skipped
	if skipped == nil {
		skipped = []string{}
	}
	return Object{{"count", s.Count}, {"listed", list}, {"skipped", skipped}}
}

func effortJSON(e gait.Effort) Object {
	o := Object{
		{"distance_m", Num(e.DistanceM)},
		{"moving_time_s", Num(e.MovingTimeS)},
		{"timer_s", Num(e.TimerS)},
		{"elevation_gain_m", Num(e.ElevationGainM)},
		{"elevation_loss_m", Num(e.ElevationLossM)},
		{"elevation_source", e.ElevationSource},
		{"heart_rate_mean_bpm", Num(e.HeartRate.Mean)},
		{"trimp", Num(e.TRIMP)},
	}
	if e.TRIMPReason != "" {
		o = append(o, Field{"trimp_reason", e.TRIMPReason})
	}
	o = append(o, Field{"trimp_formula", e.TRIMPFormula})
	p := Object{{"source", e.PowerSource}}
	if e.PowerSource == "" {
		p = append(p, Field{"reason", "no power recorded"})
	}
	p = append(p, summaryJSON(e.Power, "w")...)
	return append(o, Field{"power", p})
}

// WriteAnalysisText writes the analysis of one file for a person.
func WriteAnalysisText(w io.Writer, file string, ms []gait.Metrics) {
	fmt.Fprintf(w, "%s\n", file)
	for _, m := range ms {
		sport := m.Sport
		if m.SubSport != "" && m.SubSport != "generic" {
			sport += " (" + m.SubSport + ")"
		}
		fmt.Fprintf(w, "  activity %d: %s, %s\n", m.Index, sport, m.Start.UTC().Format("2006-01-02 15:04 UTC"))
		if !m.Analyzed {
			fmt.Fprintf(w, "    %s\n", m.Reason)
			continue
		}
		fmt.Fprintf(w, "    moving:   %s, %.2f km\n", Clock(m.MovingTimeS), m.DistanceM/1000)
		c := m.Cadence
		if c.N > 0 {
			fmt.Fprintf(w, "    cadence:  %.1f spm (SD %.1f, CV %.1f%%); %s", c.Mean, c.SD, c.CVPct, bands(c.Bands))
			if !math.IsNaN(c.AtMedianSpeedSPM) {
				fmt.Fprintf(w, "; %.1f spm at the median %s", c.AtMedianSpeedSPM, Pace(c.MedianSpeedMPS))
			}
			fmt.Fprintln(w)
		} else {
			fmt.Fprintf(w, "    cadence:  not recorded\n")
		}
		fmt.Fprintf(w, "    GCT:      %s\n", channelText(m.GCT, "%.0f ms"))
		b := m.Balance
		if b.Measurable {
			fmt.Fprintf(w, "    balance:  %.2f%% left (SI %+.1f%%); %s", b.LeftPct.Mean, b.SymmetryIndexPct, bands(b.Zones))
			if b.SteadyStretches > 0 {
				fmt.Fprintf(w, "; record-to-record SD %.2f points in %d steady stretches", b.StepVariabilityPct, b.SteadyStretches)
			}
			fmt.Fprintln(w)
		} else {
			fmt.Fprintf(w, "    balance:  %s\n", b.Reason)
		}
		fmt.Fprintf(w, "    VO:       %s\n", channelText(m.VO, "%.1f mm"))
		fmt.Fprintf(w, "    VR:       %s\n", channelText(m.VR, "%.2f%%"))
		fmt.Fprintf(w, "    step:     %s\n", channelText(m.StepLength, "%.0f mm"))
		driftText(w, m.Drift)
		spikesText(w, m.Spikes)
		e := m.Effort
		load := fmt.Sprintf("%s timer", Clock(e.TimerS))
		if !math.IsNaN(e.ElevationGainM) {
			load += fmt.Sprintf(", +%.0f/−%.0f m", e.ElevationGainM, e.ElevationLossM)
		}
		if !math.IsNaN(e.TRIMP) {
			load += fmt.Sprintf(", TRIMP %.0f", e.TRIMP)
		}
		if e.PowerSource != "" {
			load += fmt.Sprintf(", power %.0f W", e.Power.Mean)
		}
		fmt.Fprintf(w, "    load:     %s\n", load)
	}
}

func channelText(c gait.Channel, f string) string {
	if !c.Measured {
		return c.Reason
	}
	s := fmt.Sprintf(f, c.Mean)
	if c.Derived {
		s += " (derived)"
	}
	if c.Zones != nil {
		s += "; " + bands(c.Zones)
	}
	return s
}

// bands lists the non-empty shares, largest first in their given order.
func bands(b []gait.BandShare) string {
	var parts []string
	for _, s := range b {
		if s.Pct >= 0.5 {
			parts = append(parts, fmt.Sprintf("%s %.0f%%", strings.ReplaceAll(s.Name, "_", " "), s.Pct))
		}
	}
	return strings.Join(parts, ", ")
}

func driftText(w io.Writer, d gait.Drift) {
	var parts []string
	for _, x := range []struct {
		name, f string
		d       gait.Delta
	}{
		{"cadence", "%+.1f spm", d.Cadence},
		{"GCT", "%+.0f ms", d.GCT},
		{"SI", "%+.1f points", d.SymmetryIndex},
		{"VO", "%+.1f mm", d.VerticalOscillation},
		{"VR", "%+.2f points", d.VerticalRatio},
	} {
		if x.d.Measured {
			parts = append(parts, fmt.Sprintf("%s "+x.f+" (n %d/%d)", x.name, x.d.Delta, x.d.RefN, x.d.LateN))
		}
	}
	if len(parts) == 0 {
		fmt.Fprintf(w, "    drift:    not measured: %s\n", d.Cadence.Reason)
		return
	}
	fmt.Fprintf(w, "    drift:    last %s vs %s–%s, matched speed and grade: %s\n",
		Clock(d.LateEndS-d.LateStartS), Clock(d.RefStartS), Clock(d.RefEndS), strings.Join(parts, ", "))
}

func spikesText(w io.Writer, s gait.Spikes) {
	if s.Count == 0 {
		fmt.Fprintf(w, "    spikes:   none\n")
		return
	}
	fmt.Fprintf(w, "    spikes:   %d\n", s.Count)
	for _, x := range s.List {
		ecc := ""
		if x.Eccentric {
			ecc = ", downhill (eccentric load)"
		}
		at := Clock(x.StartS)
		if !math.IsNaN(x.StartM) {
			at += fmt.Sprintf(" (km %.2f)", x.StartM/1000)
		}
		fmt.Fprintf(w, "      %-20s %+.1f %s (%.1f SD) at %s for %.0f s, %s, grade %.1f%%%s\n",
			x.Metric, x.Size, x.Unit, x.SDs, at, x.DurationS, Pace(x.SpeedMPS), x.GradePct, ecc)
	}
}

// Clock writes seconds as h:mm:ss, "-" when unknown.
func Clock(s float64) string {
	if math.IsNaN(s) {
		return "-"
	}
	d := time.Duration(math.Round(s)) * time.Second
	return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// Pace writes a speed as min:ss per km, "speed -" when unknown.
func Pace(mps float64) string {
	if math.IsNaN(mps) || mps <= 0 {
		return "speed -"
	}
	spk := 1000 / mps
	return fmt.Sprintf("%d:%02d/km", int(spk)/60, int(spk)%60)
}
