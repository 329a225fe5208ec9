package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
	"github.com/gaitkeeper/gaitkeeper/internal/config"
	"github.com/gaitkeeper/gaitkeeper/internal/store"
	"github.com/gaitkeeper/gaitkeeper/report"
)

// checkMaxLines is the most lines the text output of check may have: a
// glance after a run, not a report.
const checkMaxLines = 15

type checkOptions struct {
	storeFlags
	symptoms string
	format   string
}

func (o *checkOptions) AddFlags(f *pflag.FlagSet) {
	o.storeFlags.AddFlags(f)
	f.StringVar(&o.symptoms, "symptoms", "", "symptom log (CSV, YAML or JSON) to consider besides the athlete's diary; it is read, not stored")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
}

func newCheckCommand(g *globalOptions) *cobra.Command {
	var opts checkOptions
	cmd := &cobra.Command{
		Use:   "check FILE.fit",
		Short: "The check after a run: load spike, cadence, asymmetry and drift against your own baseline, flags",
		Long: `Check looks at one run right after it: the run's distance against the
longest run of the previous 30 days (Frandsen et al. 2025), cadence,
ground-contact balance and late-run drift against the runner's own
28-day baseline, spikes within the run, recent symptoms, and the risk
flags of the whole history as of the run's day. It prints at most 15
lines; --format json gives the same with every flag.

With --athlete the run is stored first (a file already stored is not
stored twice), so it counts in the history of later checks and reports;
symptoms come from the athlete's diary (see 'gaitkeeper log') and from
--symptoms. Without --athlete the run is checked on its own: no spike
ratio, no baseline. Symptoms logged after the run's day are left out.

gaitkeeper flags risk patterns; it does not diagnose.

EXIT STATUS
  0  nothing flagged (info flags are context)
  1  the file could not be read
  2  usage error
  3  risk flags raised
  4  a red flag, or a flag that says to see a clinician`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), opts, *g, args[0], g.stdout)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// checked is what check found: the run, its assessment as of its day,
// and the symptoms of the days before it.
type checked struct {
	File    string
	Athlete string
	Run     report.Run
	History int // runs in the history, this one included
	As      report.Assessment
	Recent  []ingest.Symptom // symptoms of the RecentDays to the end of the run's day
	Days    int              // RecentDays
	// BaselineDays is the window of the runner's own baseline.
	BaselineDays int
}

func runCheck(ctx context.Context, o checkOptions, g globalOptions, file string, stdout io.Writer) error {
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Sprintf("--format %q: want text or json", o.format)}
	}
	if o.athlete != "" {
		if err := o.requireAthlete(); err != nil {
			return err
		}
	} else if o.dir != "" {
		return usageError{"--store needs --athlete"}
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	c, err := check(ctx, o, cfg, file)
	if err != nil {
		return err
	}
	if o.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(c.json()); err != nil {
			return err
		}
	} else if err := c.writeText(stdout); err != nil {
		return err
	}
	switch report.Verdict(c.As.Flags) {
	case "refer":
		return flaggedError{verdict: "refer"}
	case "risk":
		return flaggedError{verdict: "risk"}
	}
	return nil
}

// check reads, stores (with an athlete) and assesses one run.
func check(ctx context.Context, o checkOptions, cfg config.Config, file string) (checked, error) {
	p := cfg.Gait()
	loc, err := cfg.Location()
	if err != nil {
		return checked{}, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return checked{}, err
	}
	sha := sha256.Sum256(data)

	var (
		st   *store.Store
		acts []*ingest.Activity
		ms   []gait.Metrics
	)
	if o.athlete != "" {
		if st, err = o.open(cfg); err != nil {
			return checked{}, err
		}
		s, err := putFIT(ctx, st, o.athlete, file, data, p)
		if err != nil {
			return checked{}, err
		}
		acts, ms = s.Activities, s.Metrics
	}
	if acts == nil { // no athlete, or the file was stored before
		if acts, err = ingest.DecodeFIT(bytes.NewReader(data), ingest.DecodeOptions{SizeHint: int64(len(data))}); err != nil {
			var de *ingest.DecodeError
			if errors.As(err, &de) && de.File == "" {
				de.File = file
			}
			return checked{}, err
		}
		ms = make([]gait.Metrics, len(acts))
		for i, a := range acts {
			ms[i] = gait.Analyze(a, p)
		}
	}

	// The run to check: the file's longest analyzed run (a triathlon has
	// one; a file of repeats, several).
	key := -1
	for i, m := range ms {
		if m.Analyzed && (key < 0 || m.MovingTimeS > ms[key].MovingTimeS) {
			key = i
		}
	}
	if key < 0 {
		sports := make([]string, len(acts))
		for i, a := range acts {
			sports[i] = a.Sport
		}
		return checked{}, fmt.Errorf("%s: no run to check (activities: %s)", file, cmp.Or(strings.Join(sports, ", "), "none"))
	}
	a := acts[key]
	run := report.Run{ID: store.ActivityID(a, sha), File: file, Metrics: ms[key],
		Local: localTime(a.Start, int(a.LocalOffset/time.Second), a.HasLocalOffset, loc)}

	runs := []report.Run{run}
	var syms []ingest.Symptom
	if st != nil {
		hist, _, err := historyRuns(ctx, st, o.athlete, p, loc)
		if err != nil {
			return checked{}, err
		}
		runs = runs[:0]
		for _, r := range hist {
			switch {
			case r.ID == run.ID:
				// The fresh analysis has what the store's columns do not
				// keep (the list of spikes); the file name is the store's,
				// as other commands show it.
				run.File = r.File
				runs = append(runs, run)
			case !r.Local.After(run.Local):
				runs = append(runs, r)
			}
		}
		if !slices.ContainsFunc(runs, func(r report.Run) bool { return r.ID == run.ID }) {
			// Put stored it or found it stored; only a store changed
			// underneath us gets here. Check the run all the same.
			runs = append(runs, run)
		}
		if syms, err = storedSymptoms(st, o.athlete, loc); err != nil {
			return checked{}, err
		}
	}
	if o.symptoms != "" {
		more, err := ingest.ReadSymptomsFile(o.symptoms, ingest.SymptomOptions{Location: loc})
		if err != nil {
			return checked{}, err
		}
		syms = append(syms, more...)
	}
	syms = distinctSymptoms(syms)

	day := time.Date(run.Local.Year(), run.Local.Month(), run.Local.Day(), 0, 0, 0, 0, run.Local.Location())
	end := day.AddDate(0, 0, 1)
	ropts := cfg.ReportOptions()
	c := checked{File: run.File, Athlete: o.athlete, Run: run, History: len(runs), Days: ropts.RecentDays, BaselineDays: ropts.BaselineDays}
	var upToRun []ingest.Symptom
	for _, s := range syms {
		if !s.Time.Before(end) {
			continue // after the run's day: a later check's business
		}
		upToRun = append(upToRun, s)
		if !s.Time.Before(day.AddDate(0, 0, -ropts.RecentDays)) {
			c.Recent = append(c.Recent, s)
		}
	}
	slices.SortStableFunc(upToRun, func(x, y ingest.Symptom) int { return x.Time.Compare(y.Time) })
	slices.SortStableFunc(c.Recent, func(x, y ingest.Symptom) int { return x.Time.Compare(y.Time) })
	c.As = report.Assess(report.History{Athlete: o.athlete, Runs: runs, Symptoms: upToRun, Now: day},
		cfg.ReportRules(), cfg.LoadParams(), ropts)
	return c, nil
}

// distinctSymptoms drops entries that repeat an earlier one but for
// their line number: a --symptoms file that is, or overlaps, the stored
// diary must not count its entries twice.
func distinctSymptoms(syms []ingest.Symptom) []ingest.Symptom {
	seen := map[string]bool{}
	out := syms[:0:0]
	for _, s := range syms {
		k := s
		k.Line = 0
		key := fmt.Sprintf("%v|%v", k.Time.UnixNano(), k)
		if !seen[key] {
			seen[key] = true
			out = append(out, s)
		}
	}
	return out
}

// writeText writes the check for a person, in at most checkMaxLines
// lines: the run, six lines of figures, the verdict, the flags (the most
// urgent first; the rest counted) and the disclaimer.
func (c checked) writeText(w io.Writer) error {
	m := c.Run.Metrics
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }

	who := "no athlete: checked on its own"
	if c.Athlete != "" {
		who = fmt.Sprintf("athlete %s, %d runs to this day", c.Athlete, c.History)
	}
	add("%s: run of %s, %.2f km in %s (%s)", c.File, c.Run.Local.Format("Mon 2006-01-02 15:04"), m.DistanceM/1000, report.Clock(m.MovingTimeS), who)
	add("load      %s", c.spikeText())
	add("cadence   %s", c.cadenceText())
	add("balance   %s", c.balanceText())
	add("drift     %s", driftLine(m.Drift))
	add("spikes    %s", spikesLine(m.Spikes))
	add("symptoms  %s", c.symptomsText())

	flags := c.As.Flags
	verdict := report.Verdict(flags)
	add("verdict   %s: %s", verdict, verdictText(verdict, len(flags)))
	room := checkMaxLines - len(lines) - 1 // the disclaimer
	shown := flags
	if len(flags) > room {
		shown = flags[:room-1]
	}
	for _, f := range shown {
		when := "     "
		if !f.When.IsZero() {
			when = f.When.Format("01-02")
		}
		add("  %-5s %s %s: %s", f.Severity, when, f.Rule, f.Message)
	}
	if len(shown) < len(flags) {
		add("  … and %d more (--format json lists every flag with its evidence)", len(flags)-len(shown))
	}
	add("%s", report.Disclaimer)
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}

func verdictText(v string, n int) string {
	switch v {
	case "refer":
		return fmt.Sprintf("%d flags; see a clinician about the red flags first (exit 4)", n)
	case "risk":
		return fmt.Sprintf("%d flags; risk patterns to act on (exit 3)", n)
	}
	if n > 0 {
		return fmt.Sprintf("no risk flags; %d for context (exit 0)", n)
	}
	return "nothing flagged (exit 0)"
}

// spike is the run's distance spike, or the zero result when the history
// has none for it.
func (c checked) spike() gait.SpikeResult { return c.As.Spikes[c.Run.ID] }

func (c checked) spikeText() string {
	s := c.spike()
	if !s.Ratio.OK {
		why := cmp.Or(s.Ratio.Why, "no history")
		if c.Athlete == "" {
			why = "no history (give --athlete to compare with your own runs)"
		}
		return fmt.Sprintf("%.1f km; spike ratio undefined: %s", m2km(s.DistanceM, c.Run.Metrics.Effort.DistanceM), why)
	}
	return fmt.Sprintf("%.1f km = %.3f × the longest run of the previous 30 days (%.1f km): %s (Frandsen 2025)",
		s.DistanceM.V/1000, s.Ratio.V, s.LongestM.V/1000, s.Band)
}

func m2km(v gait.Value, fallback float64) float64 {
	if v.OK {
		return v.V / 1000
	}
	return fallback / 1000
}

func (c checked) cadenceText() string {
	cad := c.Run.Metrics.Cadence
	if cad.N == 0 {
		return "not recorded"
	}
	s := fmt.Sprintf("%.1f spm", cad.Mean)
	if !math.IsNaN(cad.AtMedianSpeedSPM) {
		s += fmt.Sprintf(", %.1f at the median %s", cad.AtMedianSpeedSPM, report.Pace(cad.MedianSpeedMPS))
	}
	b := c.As.Baseline[c.Run.ID]
	if b.Runs >= 3 {
		s += fmt.Sprintf("; your own at that speed %.1f ± %.1f (median ± MAD of %d runs in %d days)", b.CadenceMedian, b.CadenceMAD, b.Runs, c.BaselineDays)
	} else {
		s += fmt.Sprintf("; no baseline yet (%d earlier runs in %d days, 3 needed)", b.Runs, c.BaselineDays)
	}
	return s
}

func (c checked) balanceText() string {
	bal := c.Run.Metrics.Balance
	if !bal.Measurable {
		return bal.Reason
	}
	s := fmt.Sprintf("%.2f%% left (SI %+.1f%%)", bal.LeftPct.Mean, bal.SymmetryIndexPct)
	if !math.IsNaN(bal.StepVariabilityPct) {
		s += fmt.Sprintf(", %.1f× your record-to-record SD of %.2f", bal.AsymmetryOverVariability, bal.StepVariabilityPct)
	}
	if b := c.As.Baseline[c.Run.ID]; !math.IsNaN(b.BalanceMedian) {
		s += fmt.Sprintf("; your own %.2f ± %.2f points off 50", b.BalanceMedian, b.BalanceMAD)
	}
	return s
}

func driftLine(d gait.Drift) string {
	var parts []string
	for _, x := range []struct {
		name, f string
		d       gait.Delta
	}{
		{"cadence", "%+.1f spm", d.Cadence},
		{"SI", "%+.1f points", d.SymmetryIndex},
		{"GCT", "%+.0f ms", d.GCT},
	} {
		if x.d.Measured {
			parts = append(parts, fmt.Sprintf("%s "+x.f, x.name, x.d.Delta))
		}
	}
	if len(parts) == 0 {
		return "not measured: " + d.Cadence.Reason
	}
	return fmt.Sprintf("last %s against %s–%s at matched speed and grade: %s",
		report.Clock(d.LateEndS-d.LateStartS), report.Clock(d.RefStartS), report.Clock(d.RefEndS), strings.Join(parts, ", "))
}

func spikesLine(s gait.Spikes) string {
	if s.Count == 0 {
		return "none within the run"
	}
	// The largest, in robust SDs.
	big := slices.MaxFunc(s.List, func(a, b gait.Spike) int { return cmp.Compare(math.Abs(a.SDs), math.Abs(b.SDs)) })
	ecc := ""
	if big.Eccentric {
		ecc = ", downhill"
	}
	unit := " " + big.Unit
	if big.Unit == "%" {
		unit = big.Unit
	}
	return fmt.Sprintf("%d within the run; largest %s %+.1f%s (%.1f robust SD) at %s for %.0f s%s",
		s.Count, strings.ReplaceAll(big.Metric, "_", " "), big.Size, unit, big.SDs, report.Clock(big.StartS), big.DurationS, ecc)
}

func (c checked) symptomsText() string {
	if len(c.Recent) == 0 {
		return fmt.Sprintf("none logged in the %d days to the run", c.Days)
	}
	// The latest two; the count says how many more.
	var parts []string
	for _, s := range c.Recent[max(0, len(c.Recent)-2):] {
		parts = append(parts, symptomShort(s))
	}
	s := fmt.Sprintf("%d in the %d days to the run", len(c.Recent), c.Days)
	if len(c.Recent) > 2 {
		s += ", the last two"
	}
	return s + ": " + strings.Join(parts, "; ")
}

func symptomShort(s ingest.Symptom) string {
	sens := make([]string, len(s.Sensations))
	for i, x := range s.Sensations {
		sens[i] = strings.ReplaceAll(string(x), "_", " ")
	}
	where := strings.ReplaceAll(string(s.Location), "_", " ")
	if s.Side != "" {
		where = string(s.Side) + " " + where
	}
	return fmt.Sprintf("%s %s %s %d/10", s.Time.Format("01-02"), where, strings.Join(sens, ", "), s.Severity)
}

// json is the check as the README's JSON contract documents it.
func (c checked) json() report.Object {
	m := c.Run.Metrics
	sp := c.spike()
	b := c.As.Baseline[c.Run.ID]
	var athlete any // null without one
	if c.Athlete != "" {
		athlete = c.Athlete
	}
	spike := report.Object{objField("distance_m", report.ValueNum(sp.DistanceM)), objField("longest_30d_m", report.ValueNum(sp.LongestM)),
		objField("ratio", report.ValueNum(sp.Ratio)), objField("band", string(sp.Band))}
	if !sp.Ratio.OK {
		spike = append(spike, objField("reason", cmp.Or(sp.Ratio.Why, "no history")))
	}
	drift := report.Object{}
	for _, x := range []struct {
		key string
		d   gait.Delta
	}{{"cadence_spm", m.Drift.Cadence}, {"symmetry_index_pct", m.Drift.SymmetryIndex}, {"gct_ms", m.Drift.GCT}} {
		v := report.Num(math.NaN())
		if x.d.Measured {
			v = report.Num(x.d.Delta)
		}
		drift = append(drift, objField(x.key, v))
	}
	if !m.Drift.Cadence.Measured {
		drift = append(drift, objField("reason", m.Drift.Cadence.Reason))
	}
	bal := report.Object{objField("measurable", m.Balance.Measurable)}
	if !m.Balance.Measurable {
		bal = append(bal, objField("reason", m.Balance.Reason))
	}
	bal = append(bal,
		objField("mean_left_pct", report.Num(m.Balance.LeftPct.Mean)),
		objField("symmetry_index_pct", report.Num(m.Balance.SymmetryIndexPct)),
		objField("step_variability_pct", report.Num(m.Balance.StepVariabilityPct)),
		objField("own_off_center_median_pct", report.Num(b.BalanceMedian)),
		objField("own_off_center_mad_pct", report.Num(b.BalanceMAD)))
	syms := make([]report.Object, 0, len(c.Recent))
	for _, s := range c.Recent {
		sens := make([]string, len(s.Sensations))
		for i, x := range s.Sensations {
			sens[i] = string(x)
		}
		syms = append(syms, report.Object{objField("time", s.Time.Format(time.RFC3339)), objField("side", string(s.Side)),
			objField("location", string(s.Location)), objField("sensations", sens), objField("severity", s.Severity)})
	}
	verdict := report.Verdict(c.As.Flags)
	exit := exitOK
	switch verdict {
	case "refer":
		exit = exitRefer
	case "risk":
		exit = exitRisk
	}
	return report.Object{
		objField("file", c.File),
		objField("athlete", athlete),
		objField("run", report.Object{
			objField("id", c.Run.ID),
			objField("start", c.Run.Local.Format(time.RFC3339)),
			objField("distance_m", report.Num(m.DistanceM)),
			objField("moving_time_s", report.Num(m.MovingTimeS)),
			objField("history_runs", c.History),
			objField("spike", spike),
			objField("cadence", report.Object{
				objField("mean_spm", report.Num(m.Cadence.Mean)),
				objField("at_median_speed_spm", report.Num(m.Cadence.AtMedianSpeedSPM)),
				objField("median_speed_mps", report.Num(m.Cadence.MedianSpeedMPS)),
				objField("own_median_spm", report.Num(b.CadenceMedian)),
				objField("own_mad_spm", report.Num(b.CadenceMAD)),
				objField("baseline_runs", b.Runs),
			}),
			objField("balance", bal),
			objField("drift", drift),
			objField("spikes", m.Spikes.Count),
		}),
		objField("recent_symptoms", syms),
		objField("verdict", verdict),
		objField("exit_code", exit),
		objField("flags", report.FlagsJSON(c.As.Flags)),
		objField("disclaimer", report.Disclaimer),
	}
}

// objField is one key of a report.Object.
func objField(key string, v any) report.Field { return report.Field{Key: key, Value: v} }
