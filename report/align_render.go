package report

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// alignmentText says in words what Alignment found, for the text,
// Markdown and HTML reports: one line per symptom entry with its runs,
// then the lags, the load–severity correlation and the rest sign.
type alignmentText struct {
	Entries []alignedEntryText
	Summary []string
}

type alignedEntryText struct {
	When, Symptom string
	Runs          []string // one per run, newest first; empty: no run in the window
}

func (r *Report) alignmentText() alignmentText {
	al := r.Alignment
	var out alignmentText
	for _, e := range al.Entries {
		t := alignedEntryText{When: strings.TrimSpace(symptomWhen(e.Symptom)), Symptom: symptomText(e.Symptom)}
		for _, ar := range e.Runs {
			t.Runs = append(t.Runs, alignedRunText(ar))
		}
		out.Entries = append(out.Entries, t)
	}
	if len(al.Lags) > 0 && al.Lags[0].SymptomDays > 0 {
		var parts []string
		for _, l := range al.Lags {
			parts = append(parts, fmt.Sprintf("%d d: %d of %d (%s by chance)", l.Days, l.AfterSpike, l.SymptomDays, pctOrDash(l.BaseShare)))
		}
		out.Summary = append(out.Summary, "symptom days after a spike run, by lag: "+strings.Join(parts, "; "))
	}
	if c := al.LoadSeverity; math.IsNaN(c.Rho) {
		out.Summary = append(out.Summary, "weekly distance against the week's worst severity: no correlation given ("+c.Why+")")
	} else {
		out.Summary = append(out.Summary, fmt.Sprintf("weekly distance against the week's worst severity: Spearman ρ %+.2f over %d weeks (a description of this runner's weeks, not proof of cause)", c.Rho, c.Weeks))
	}
	if al.RestDoesNotFix {
		out.Summary = append(out.Summary, "symptoms were logged after a week of reduced load: rest has not fixed them")
	} else if len(al.Entries) > 0 {
		out.Summary = append(out.Summary, "no symptom was logged after a week of reduced load")
	}
	return out
}

func alignedRunText(a AlignedRun) string {
	parts := []string{fmt.Sprintf("%s km, %.0f h before", kmOrDash(a.Spike.DistanceM.V), a.HoursBefore)}
	if a.Spike.Ratio.OK {
		parts = append(parts, fmt.Sprintf("spike %.2f× (%s)", a.Spike.Ratio.V, a.Spike.Band))
	}
	if !math.IsNaN(a.CadenceSPM) {
		parts = append(parts, fmt.Sprintf("cadence %.1f spm (own %s)", a.CadenceSPM, ownText(a.OwnCadenceSPM, a.OwnCadenceMADSPM, "%.1f")))
	}
	if !math.IsNaN(a.BalanceOffPct) {
		parts = append(parts, fmt.Sprintf("balance %.2f points off even (own %s)", a.BalanceOffPct, ownText(a.OwnBalanceOffPct, a.OwnBalanceMADPct, "%.2f")))
	}
	if a.DriftSI.Measured {
		parts = append(parts, fmt.Sprintf("late SI drift %+.1f", a.DriftSI.Delta))
	}
	if a.DriftCadence.Measured {
		parts = append(parts, fmt.Sprintf("late cadence drift %+.1f spm", a.DriftCadence.Delta))
	}
	parts = append(parts, plural(a.WithinRunSpikes, "within-run spike", "within-run spikes"))
	if !math.IsNaN(a.ElevationLossM) {
		parts = append(parts, fmt.Sprintf("%.0f m downhill", a.ElevationLossM))
	}
	return a.Local.Format("2006-01-02 15:04") + " " + a.File + ": " + strings.Join(parts, ", ")
}

func ownText(med, mad float64, f string) string {
	if math.IsNaN(med) {
		return "no baseline yet"
	}
	return fmt.Sprintf(f+" ± "+f, med, mad)
}

func pctOrDash(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

// alignmentJSON is the "alignment" object of the JSON report.
func (r *Report) alignmentJSON() Object {
	al := r.Alignment
	entries := make([]Object, 0, len(al.Entries))
	for _, e := range al.Entries {
		runs := make([]Object, 0, len(e.Runs))
		for _, a := range e.Runs {
			runs = append(runs, Object{
				{"id", a.ID}, {"file", a.File}, {"start", a.Local.Format(time.RFC3339)}, {"hours_before", Num(a.HoursBefore)},
				{"distance_m", ValueNum(a.Spike.DistanceM)}, {"spike_ratio", ValueNum(a.Spike.Ratio)}, {"spike_band", string(a.Spike.Band)},
				{"cadence_at_median_speed_spm", Num(a.CadenceSPM)}, {"own_cadence_spm", Num(a.OwnCadenceSPM)}, {"own_cadence_mad_spm", Num(a.OwnCadenceMADSPM)},
				{"balance_off_even_pct", Num(a.BalanceOffPct)}, {"own_balance_off_even_pct", Num(a.OwnBalanceOffPct)}, {"own_balance_mad_pct", Num(a.OwnBalanceMADPct)},
				{"drift_si_delta_pct", deltaJSON(a.DriftSI)}, {"drift_cadence_delta_spm", deltaJSON(a.DriftCadence)},
				{"within_run_spikes", a.WithinRunSpikes}, {"elevation_loss_m", Num(a.ElevationLossM)},
			})
		}
		entries = append(entries, Object{{"time", symptomTimeJSON(e.Symptom.Time, e.Symptom.DateOnly)}, {"location", string(e.Symptom.Location)}, {"severity", e.Symptom.Severity}, {"runs", runs}})
	}
	lags := make([]Object, 0, len(al.Lags))
	for _, l := range al.Lags {
		lags = append(lags, Object{{"days", l.Days}, {"symptom_days", l.SymptomDays}, {"after_spike", l.AfterSpike}, {"base_share", Num(l.BaseShare)}})
	}
	c := al.LoadSeverity
	return Object{
		{"entries", entries},
		{"lags", lags},
		{"load_severity", Object{{"weeks", c.Weeks}, {"spearman_rho", Num(c.Rho)}, {"reason", c.Why}}},
		{"rest_does_not_fix", al.RestDoesNotFix},
	}
}

// symptomTimeJSON is an entry's time as the JSON report writes it: a date
// for a date-only entry, else RFC 3339 with the runner's offset.
func symptomTimeJSON(t time.Time, dateOnly bool) string {
	if dateOnly {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}
