package report

import (
	"encoding/json"
	"io"
	"math"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// WriteJSON writes the report as one pretty-printed JSON document; the
// README documents every field. Missing numbers are null, never NaN.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.JSON())
}

// JSON is the report document WriteJSON writes.
func (r *Report) JSON() Object {
	refer, warn, info := severityCounts(r.Flags)
	warnings := r.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	return Object{
		{"athlete", r.Athlete},
		{"as_of", r.AsOf.Format(time.DateOnly)},
		{"verdict", r.Verdict},
		{"counts", Object{{"refer", refer}, {"warn", warn}, {"info", info}}},
		{"disclaimer", Disclaimer},
		{"flags", FlagsJSON(r.Flags)},
		{"runs", r.runsJSON()},
		{"symptoms", symptomsJSON(r.Symptoms)},
		{"alignment", r.alignmentJSON()},
		{"weeks", weeksJSON(r.Weeks)},
		{"days", daysJSON(r.Days)},
		{"acwr_note", gait.ACWRCaveat},
		{"traces", tracesJSON(r.Traces)},
		{"warnings", warnings},
	}
}

// ValueNum is a gait.Value as a Num: null in JSON when undefined.
func ValueNum(v gait.Value) Num {
	if !v.OK {
		return Num(math.NaN())
	}
	return Num(v.V)
}

func (r *Report) runsJSON() []Object {
	out := make([]Object, 0, len(r.Runs))
	for _, run := range r.Runs {
		m := run.Metrics
		b := r.Baseline[run.ID]
		sp := r.Spikes[run.ID]
		rules := FlagsOf(r.Flags, run)
		if rules == nil {
			rules = []string{}
		}
		out = append(out, Object{
			{"id", run.ID},
			{"file", run.File},
			{"start", run.Local.Format(time.RFC3339)},
			{"distance_m", Num(m.Effort.DistanceM)},
			{"moving_time_s", Num(m.MovingTimeS)},
			{"spike", Object{{"ratio", ValueNum(sp.Ratio)}, {"longest_30d_m", ValueNum(sp.LongestM)}, {"band", string(sp.Band)}}},
			{"cadence_at_median_speed_spm", Num(m.Cadence.AtMedianSpeedSPM)},
			{"cadence_baseline", Object{{"runs", b.Runs}, {"median_spm", Num(b.CadenceMedian)}, {"mad_spm", Num(b.CadenceMAD)}}},
			{"balance_left_mean_pct", Num(m.Balance.LeftPct.Mean)},
			{"balance_step_variability_pct", Num(m.Balance.StepVariabilityPct)},
			{"balance_baseline", Object{{"median_off_pct", Num(b.BalanceMedian)}, {"mad_pct", Num(b.BalanceMAD)}}},
			{"drift_si_delta_pct", deltaJSON(m.Drift.SymmetryIndex)},
			{"drift_cadence_delta_spm", deltaJSON(m.Drift.Cadence)},
			{"flags", rules},
		})
	}
	return out
}

func deltaJSON(d gait.Delta) Num {
	if !d.Measured {
		return Num(math.NaN())
	}
	return Num(d.Delta)
}

func strs[T ~string](x []T) []string {
	out := make([]string, len(x))
	for i, v := range x {
		out[i] = string(v)
	}
	return out
}

func symptomsJSON(syms []ingest.Symptom) []Object {
	out := make([]Object, 0, len(syms))
	for _, s := range syms {
		dur := Num(math.NaN())
		if s.Duration > 0 {
			dur = Num(s.Duration.Seconds())
		}
		out = append(out, Object{
			{"time", symptomTimeJSON(s.Time, s.DateOnly)},
			{"side", string(s.Side)},
			{"location", string(s.Location)},
			{"sensations", strs(s.Sensations)},
			{"severity", s.Severity},
			{"timing", strs(s.Timing)},
			{"duration_s", dur},
			{"shoes", s.Shoes},
			{"notes", s.Notes},
		})
	}
	return out
}

func weeksJSON(weeks []gait.Week) []Object {
	out := make([]Object, 0, len(weeks))
	for _, w := range weeks {
		out = append(out, Object{
			{"year", w.Year},
			{"week", w.Week},
			{"monday", w.Monday.Format(time.DateOnly)},
			{"days", w.Days},
			{"runs", w.Runs},
			{"distance_m", Num(w.DistanceM)},
			{"moving_time_s", Num(w.MovingS)},
			{"max_spike", ValueNum(w.MaxSpike)},
			{"max_spike_band", string(w.MaxSpikeBand)},
			{"monotony", ValueNum(w.Monotony)},
		})
	}
	return out
}

func daysJSON(days []gait.LoadDay) []Object {
	out := make([]Object, 0, len(days))
	for _, d := range days {
		out = append(out, Object{
			{"date", d.Date.Format(time.DateOnly)},
			{"runs", d.Runs},
			{"distance_m", Num(d.DistanceM)},
			{"acwr_ewma", ValueNum(d.ACWREWMA)},
			{"acwr_rolling", ValueNum(d.ACWRRolling)},
			{"two_week_change_pct", ValueNum(d.TwoWeekChangePct)},
			{"monotony", ValueNum(d.Monotony)},
		})
	}
	return out
}

func tracesJSON(traces []Trace) []Object {
	out := make([]Object, 0, len(traces))
	for _, t := range traces {
		spikes := make([]Object, 0, len(t.Spikes))
		for _, x := range t.Spikes {
			spikes = append(spikes, Object{
				{"metric", x.Metric}, {"unit", x.Unit}, {"start_s", Num(x.StartS)}, {"duration_s", Num(x.DurationS)},
				{"baseline", Num(x.Baseline)}, {"peak", Num(x.Peak)}, {"robust_sds", Num(x.SDs)}, {"eccentric", x.Eccentric},
			})
		}
		out = append(out, Object{
			{"run", t.File},
			{"start", t.Local.Format(time.RFC3339)},
			{"flags", t.Rules},
			{"bin_s", Num(t.BinS)},
			{"reference_window_min", []Num{Num(t.RefStartMin), Num(t.RefEndMin)}},
			{"late_window_min", []Num{Num(t.LateStartMin), Num(t.LateEndMin)}},
			{"spikes", spikes},
		})
	}
	return out
}
