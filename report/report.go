package report

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Report is one athlete's report: the assessment and everything it was
// made from, ready to be written as text, JSON, Markdown or HTML. Build
// makes it; the writers only read it, and none of them reads the clock,
// so the same Report always gives the same bytes.
type Report struct {
	Athlete string
	// AsOf is the report day: the start of that day on the runner's
	// clock. Runs and symptoms after it are not in the report.
	AsOf    time.Time
	Verdict string // see [Verdict]
	Flags   []Flag // most urgent first, as Assess orders them
	Runs    []Run  // in start order
	// Symptoms are the log's entries in time order.
	Symptoms []ingest.Symptom
	// Days and Weeks are the load series from the first week with a run
	// or symptom to AsOf (the days before hold no history).
	Days  []gait.LoadDay
	Weeks []gait.Week
	// Spikes and Baseline are the assessment's, by run ID.
	Spikes   map[string]gait.SpikeResult
	Baseline map[string]Baseline
	// Alignment is the assessment's: the symptom log lined up with the runs.
	Alignment Alignment
	// Traces are the within-run detail of flagged runs, in start order.
	Traces []Trace
	// Warnings say what made the report less complete (a run whose
	// samples could not be read for its trace, load warnings).
	Warnings []string

	Charts ChartOptions
	Load   gait.LoadParams // the load settings Assess used: the spike bands
	// CadenceBandMADs is how many of the runner's own MADs below their
	// median cadence counts as low (rule form.cadence_below_own), and
	// BalanceGreenMaxPct Garmin's green balance edge: the bands the charts
	// draw are the rules' own.
	CadenceBandMADs     float64
	BalanceGreenMaxPct  float64
	BalanceOrangeMaxPct float64
}

// ChartOptions set what the HTML charts show beyond the rules' own
// thresholds; configs/default.yaml gives each with its source.
type ChartOptions struct {
	// ACWRLow and ACWRHigh shade Gabbett's "sweet spot" of the
	// acute:chronic ratio (domain.md A1 L5), drawn as context only (L8).
	ACWRLow, ACWRHigh float64
	// TraceBinS is the width of the bins a within-run trace averages
	// over, seconds.
	TraceBinS float64
	// TraceMaxRuns caps how many flagged runs get a within-run trace
	// (the most recent ones, and always a run with a load spike flag).
	TraceMaxRuns int
}

// DefaultChartOptions are the chart settings of configs/default.yaml.
func DefaultChartOptions() ChartOptions {
	return ChartOptions{ACWRLow: 0.8, ACWRHigh: 1.3, TraceBinS: 30, TraceMaxRuns: 6}
}

// cadenceBandMinSPM is the least distance below the runner's own median
// that rule form.cadence_below_own counts as low, whatever the MAD
// (rules_runs.go): the cadence chart draws the same band.
const cadenceBandMinSPM = 2

// Build assembles the report of h from its assessment. rules and load
// are those given to Assess and p the analysis parameters (for Garmin's
// balance zones); traces are the within-run traces of the runs
// FlaggedRuns chose (NewTrace), in any order.
func Build(h History, as Assessment, rules Rules, p gait.Params, load gait.LoadParams, c ChartOptions, traces []Trace) *Report {
	r := &Report{
		Athlete: h.Athlete, AsOf: h.Now, Verdict: Verdict(as.Flags), Flags: as.Flags,
		Runs: h.Runs, Spikes: as.Spikes, Baseline: as.Baseline, Alignment: as.Alignment, Charts: c, Load: load,
		CadenceBandMADs:    rules["form.cadence_below_own"].Threshold,
		BalanceGreenMaxPct: p.BalanceGreenMaxPct, BalanceOrangeMaxPct: p.BalanceOrangeMaxPct,
	}
	r.Symptoms = slices.Clone(h.Symptoms)
	slices.SortStableFunc(r.Symptoms, func(a, b ingest.Symptom) int { return a.Time.Compare(b.Time) })
	r.Traces = slices.Clone(traces)
	slices.SortStableFunc(r.Traces, func(a, b Trace) int { return a.Local.Compare(b.Local) })

	// Keep the days from the Monday of the first week with a run or a
	// symptom: before it, the series is a year of "no run yet".
	first := time.Time{}
	if len(h.Runs) > 0 {
		first = h.Runs[0].Local
	}
	if len(r.Symptoms) > 0 && (first.IsZero() || r.Symptoms[0].Time.Before(first)) {
		first = r.Symptoms[0].Time
	}
	days := as.Load.Days
	if !first.IsZero() {
		fd := civil(first)
		for len(days) > 0 && civil(days[0].Date).Before(fd.AddDate(0, 0, -int(weekday(fd)))) {
			days = days[1:]
		}
	}
	for len(days) > 0 && civil(days[len(days)-1].Date).After(civil(h.Now)) {
		days = days[:len(days)-1]
	}
	r.Days = days
	r.Weeks = gait.Weekly(gait.LoadSeries{Metric: as.Load.Metric, Days: days, Spikes: as.Load.Spikes})
	for _, w := range as.Load.Warnings {
		r.Warnings = append(r.Warnings, w.Error())
	}
	return r
}

// civil is t's calendar date at midnight UTC, for comparing days across
// locations.
func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// weekday counts days since Monday.
func weekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// runRules are the rules whose flags are about one run: their When is
// the run's Local start.
func runRule(rule string) bool {
	return rule == "overuse.session_spike" || strings.HasPrefix(rule, "form.")
}

// FlagsOf returns the rules of the flags about run r, in flag order,
// without repeats.
func FlagsOf(flags []Flag, r Run) []string {
	var out []string
	for _, f := range flags {
		if runRule(f.Rule) && f.When.Equal(r.Local) && !slices.Contains(out, f.Rule) {
			out = append(out, f.Rule)
		}
	}
	return out
}

// FlaggedRuns returns the runs that flags are about, in start order, at
// most max of them: every run with a load-spike flag, then the most
// recent of the others.
func FlaggedRuns(runs []Run, flags []Flag, max int) []Run {
	var spiked, other []Run
	for _, r := range runs {
		rules := FlagsOf(flags, r)
		switch {
		case slices.Contains(rules, "overuse.session_spike"):
			spiked = append(spiked, r)
		case len(rules) > 0:
			other = append(other, r)
		}
	}
	if len(spiked) > max {
		spiked = spiked[len(spiked)-max:]
	}
	if n := max - len(spiked); len(other) > n {
		other = other[len(other)-n:]
	}
	out := append(spiked, other...)
	slices.SortStableFunc(out, func(a, b Run) int { return a.Local.Compare(b.Local) })
	return out
}

// Trace is the within-run detail of one run, in bins of elapsed time, for
// the report's charts: cadence and balance over the run, the spikes the
// analysis found and the windows its drift compared.
type Trace struct {
	RunID string
	File  string
	Local time.Time
	Rules []string // the flags about this run
	BinS  float64
	// MidMin is each bin's middle in elapsed minutes; CadenceSPM and
	// BalanceLeftPct are the means over the bin's moving records, NaN when
	// it has none (a stop, or no sensor).
	MidMin         []float64
	CadenceSPM     []float64
	BalanceLeftPct []float64
	Spikes         []gait.Spike
	// Drift windows in elapsed minutes (the analysis measures them in
	// moving time); NaN when the run is too short to have them.
	RefStartMin, RefEndMin, LateStartMin, LateEndMin float64
}

// NewTrace analyzes a, the activity of run r, and bins its cadence and
// balance into binS-second means over moving records.
func NewTrace(r Run, rules []string, a *ingest.Activity, p gait.Params, binS float64) Trace {
	m := gait.Analyze(a, p)
	t := Trace{RunID: r.ID, File: r.File, Local: r.Local, Rules: rules, BinS: binS, Spikes: m.Spikes.List}
	n := a.Len()
	if n == 0 || binS <= 0 {
		t.RefStartMin, t.RefEndMin, t.LateStartMin, t.LateEndMin = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		return t
	}
	moving := gait.Moving(a, p)
	w := gait.Weights(a.Elapsed, p.MaxRecordGapS)
	left, _, hasBalance := gait.BalanceSeries(a)
	end := a.Elapsed[n-1]
	bins := int(end/binS) + 1
	t.MidMin = make([]float64, bins)
	type acc struct{ sum, w float64 }
	cad, bal := make([]acc, bins), make([]acc, bins)
	for i := range n {
		e := a.Elapsed[i]
		if !moving[i] || math.IsNaN(e) || e < 0 {
			continue
		}
		b := int(e / binS)
		if c := a.CadenceSPM[i]; !math.IsNaN(c) {
			cad[b].sum += c * w[i]
			cad[b].w += w[i]
		}
		if hasBalance && !math.IsNaN(left[i]) {
			bal[b].sum += left[i] * w[i]
			bal[b].w += w[i]
		}
	}
	mean := func(x acc) float64 {
		if x.w == 0 {
			return math.NaN()
		}
		return x.sum / x.w
	}
	t.CadenceSPM, t.BalanceLeftPct = make([]float64, bins), make([]float64, bins)
	for b := range bins {
		t.MidMin[b] = (float64(b) + 0.5) * binS / 60
		t.CadenceSPM[b], t.BalanceLeftPct[b] = mean(cad[b]), mean(bal[b])
	}
	// Moving seconds to elapsed: the first moving record at which the
	// moving time so far reaches s.
	atMoving := func(s float64) float64 {
		if math.IsNaN(s) {
			return math.NaN()
		}
		sum := 0.0
		for i := range n {
			if moving[i] {
				if sum >= s {
					return a.Elapsed[i] / 60
				}
				sum += w[i]
			}
		}
		return end / 60
	}
	d := m.Drift
	t.RefStartMin, t.RefEndMin = atMoving(d.RefStartS), atMoving(d.RefEndS)
	t.LateStartMin, t.LateEndMin = atMoving(d.LateStartS), atMoving(d.LateEndS)
	return t
}

// severityCounts counts the flags by how a reader should take them: red
// flags and other refer flags, warnings, and information.
func severityCounts(flags []Flag) (refer, warn, info int) {
	for _, f := range flags {
		switch {
		case f.Kind == KindRedFlag || f.Severity == SeverityRefer:
			refer++
		case f.Severity == SeverityWarn:
			warn++
		default:
			info++
		}
	}
	return
}

// totalKM sums the runs' distance, km.
func totalKM(runs []Run) float64 {
	s := 0.0
	for _, r := range runs {
		if d := r.Metrics.Effort.DistanceM; !math.IsNaN(d) {
			s += d
		}
	}
	return s / 1000
}

// verdictText is the one line a reader sees first.
func verdictText(v string) string {
	switch v {
	case "refer":
		return "REFER: see a clinician"
	case "risk":
		return "RISK: patterns to act on"
	}
	return "NONE: no risk pattern found"
}

// runByTime finds the run that started at t.
func runByTime(runs []Run, t time.Time) (Run, bool) {
	i, ok := slices.BinarySearchFunc(runs, t, func(r Run, t time.Time) int { return cmp.Compare(r.Local.UnixNano(), t.UnixNano()) })
	if !ok {
		return Run{}, false
	}
	return runs[i], true
}
