package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/report"
)

type historyOptions struct {
	storeFlags
	format string
	by     string
}

func (o *historyOptions) AddFlags(f *pflag.FlagSet) {
	o.storeFlags.AddFlags(f)
	f.StringVar(&o.format, "format", "text", "output format: text, json or csv")
	f.StringVar(&o.by, "by", "", "run or week: only that table (csv holds one table: run unless week is given)")
}

func newHistoryCommand(g *globalOptions) *cobra.Command {
	var opts historyOptions
	cmd := &cobra.Command{
		Use:   "history --athlete NAME",
		Short: "The timeline a coach scans: per run and per week, load, spikes, ACWR, monotony, cadence, asymmetry, drift",
		Long: `History lists an athlete's stored runs and weeks: distance and moving
time; the single-run distance spike (distance ÷ the longest run of the
previous 30 days) and its band (Frandsen et al., BJSM 2025: up to 1.10
reference, 1.30 small, 2.00 moderate, above that large); the two-week
distance change (Nielsen 2014), the acute:chronic workload ratios and
Foster's monotony of the run's day; and the key gait figures: cadence,
symmetry index, and late-run drift of cadence and SI.

Numbers that need history (28 days for the ratios and the two-week
change, 7 for monotony, 30 for a spike) are empty until it exists, and
say why. The ratios are shown as context, never as a verdict (see the
note printed with them).

EXIT STATUS
  0  the history was printed (an athlete without runs prints empty tables)
  1  the store could not be read
  2  usage error`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHistory(cmd.Context(), opts, *g, g.stdout)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// historyRun is one row of the runs table.
type historyRun struct {
	Run   report.Run
	Spike gait.SpikeResult
	Day   gait.LoadDay // the load numbers of the run's day
}

// history is what the command prints.
type history struct {
	Athlete string
	Runs    []historyRun
	Weeks   []gait.Week
	Days    []gait.LoadDay
	Others  int // stored activities that are not runs
}

func runHistory(ctx context.Context, o historyOptions, g globalOptions, stdout io.Writer) error {
	switch o.format {
	case "text", "json", "csv":
	default:
		return usageError{fmt.Sprintf("--format %q: want text, json or csv", o.format)}
	}
	if o.by != "" && o.by != "run" && o.by != "week" {
		return usageError{fmt.Sprintf("--by %q: want run or week", o.by)}
	}
	if err := o.requireAthlete(); err != nil {
		return err
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	loc, err := cfg.Location()
	if err != nil {
		return err
	}
	st, err := o.open(cfg)
	if err != nil {
		return err
	}
	runs, rows, err := historyRuns(ctx, st, o.athlete, cfg.Gait(), loc)
	if err != nil {
		return err
	}
	h := buildHistory(o.athlete, runs, cfg.LoadParams())
	h.Others = len(rows) - len(runs)

	showRuns, showWeeks := o.by != "week", o.by != "run"
	switch o.format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(h.json(showRuns, showWeeks))
	case "csv":
		if o.by == "week" {
			return h.writeWeeksCSV(stdout)
		}
		return h.writeRunsCSV(stdout)
	}
	return h.writeText(stdout, showRuns, showWeeks)
}

// buildHistory computes the load numbers over runs (in start order): the
// daily series from the first run's day to the last's (gait.Load), its
// weeks (gait.Weekly) and each run's distance spike (gait.DistanceSpikes).
func buildHistory(athlete string, runs []report.Run, lp gait.LoadParams) history {
	h := history{Athlete: athlete}
	if len(runs) == 0 {
		return h
	}
	gr := make([]gait.Run, len(runs))
	for i, r := range runs {
		gr[i] = gait.Run{Start: r.Local, DistanceM: r.Metrics.Effort.DistanceM, MovingS: r.Metrics.MovingTimeS, TRIMP: r.Metrics.Effort.TRIMP}
	}
	series := gait.Load(gr, gait.MetricDistance, runs[0].Local, runs[len(runs)-1].Local, lp)
	h.Days, h.Weeks = series.Days, gait.Weekly(series)
	byDate := make(map[string]gait.LoadDay, len(series.Days))
	for _, d := range series.Days {
		byDate[d.Date.Format(time.DateOnly)] = d
	}
	spikes := gait.DistanceSpikes(gr, lp)
	for i, r := range runs {
		h.Runs = append(h.Runs, historyRun{Run: r, Spike: spikes[i], Day: byDate[r.Local.Format(time.DateOnly)]})
	}
	return h
}

// cell is one number of a table: its value, or why there is none.
type cell struct {
	v   float64 // NaN: undefined
	why string
}

func valueCell(v gait.Value) cell {
	if !v.OK {
		return cell{math.NaN(), v.Why}
	}
	return cell{v: v.V}
}

func deltaCell(d gait.Delta) cell {
	if !d.Measured {
		return cell{math.NaN(), d.Reason}
	}
	return cell{v: d.Delta}
}

func numCell(v float64, why string) cell {
	if math.IsNaN(v) {
		return cell{v, why}
	}
	return cell{v: v}
}

// runColumns are the runs table's numbers after the date, in column
// order: the CSV and JSON key (the unit in its suffix), the text heading
// (none: not in the text table) and the text format ("km" divides metres
// by 1000, "clock" writes seconds as h:mm:ss).
var runColumns = []struct {
	key, head, format string
	get               func(r historyRun) cell
}{
	{"distance_m", "km", "km", func(r historyRun) cell { return numCell(r.Run.Metrics.Effort.DistanceM, "distance unknown") }},
	{"moving_time_s", "moving", "clock", func(r historyRun) cell { return numCell(r.Run.Metrics.MovingTimeS, "not measured") }},
	{"spike_ratio", "spike", "%.3f", func(r historyRun) cell { return valueCell(r.Spike.Ratio) }},
	{"longest_30d_m", "", "", func(r historyRun) cell { return valueCell(r.Spike.LongestM) }},
	{"two_week_change_pct", "2-wk", "%+.0f%%", func(r historyRun) cell { return valueCell(r.Day.TwoWeekChangePct) }},
	{"acwr_ewma", "ACWR", "%.2f", func(r historyRun) cell { return valueCell(r.Day.ACWREWMA) }},
	{"acwr_rolling", "", "", func(r historyRun) cell { return valueCell(r.Day.ACWRRolling) }},
	{"monotony", "mono", "%.2f", func(r historyRun) cell { return valueCell(r.Day.Monotony) }},
	{"cadence_mean_spm", "cad", "%.1f", func(r historyRun) cell { return numCell(r.Run.Metrics.Cadence.Mean, "no cadence recorded") }},
	{"symmetry_index_pct", "SI%", "%+.1f", func(r historyRun) cell {
		return numCell(r.Run.Metrics.Balance.SymmetryIndexPct, "balance not measurable with this sensor")
	}},
	{"drift_cadence_spm", "drift cad", "%+.1f", func(r historyRun) cell { return deltaCell(r.Run.Metrics.Drift.Cadence) }},
	{"drift_si_pct", "drift SI", "%+.1f", func(r historyRun) cell { return deltaCell(r.Run.Metrics.Drift.SymmetryIndex) }},
}

// weekColumns are the weeks table's numbers, as runColumns; the ratios
// and the two-week change are those of the week's last day.
// (sums are always defined: they have no "_why" in CSV).
var weekColumns = []struct {
	key, head, format string
	sum               bool
	get               func(w gait.Week, end gait.LoadDay) cell
}{
	{"runs", "runs", "%.0f", true, func(w gait.Week, _ gait.LoadDay) cell { return cell{v: float64(w.Runs)} }},
	{"distance_m", "km", "km", true, func(w gait.Week, _ gait.LoadDay) cell { return cell{v: w.DistanceM} }},
	{"moving_time_s", "moving", "clock", true, func(w gait.Week, _ gait.LoadDay) cell { return cell{v: w.MovingS} }},
	{"max_spike", "max spike", "%.3f", false, func(w gait.Week, _ gait.LoadDay) cell { return valueCell(w.MaxSpike) }},
	{"monotony", "mono", "%.2f", false, func(w gait.Week, _ gait.LoadDay) cell { return valueCell(w.Monotony) }},
	{"two_week_change_pct", "2-wk", "%+.0f%%", false, func(_ gait.Week, d gait.LoadDay) cell { return valueCell(d.TwoWeekChangePct) }},
	{"acwr_ewma", "ACWR", "%.2f", false, func(_ gait.Week, d gait.LoadDay) cell { return valueCell(d.ACWREWMA) }},
}

// weekEnd is the load day on which week w ends in the series: its Sunday,
// or the series' last day.
func (h history) weekEnd(w gait.Week) gait.LoadDay {
	want := w.Monday.AddDate(0, 0, 6).Format(time.DateOnly)
	for i := len(h.Days) - 1; i >= 0; i-- {
		if d := h.Days[i].Date.Format(time.DateOnly); d <= want {
			return h.Days[i]
		}
	}
	return gait.LoadDay{}
}

func isoWeek(w gait.Week) string { return fmt.Sprintf("%d-W%02d", w.Year, w.Week) }

// writeText writes the two tables with tabwriter, then what the empty
// cells mean, the ACWR note and the disclaimer.
func (h history) writeText(w io.Writer, showRuns, showWeeks bool) error {
	if len(h.Runs) == 0 {
		fmt.Fprintf(w, "athlete %s: no runs stored\n", h.Athlete)
		return nil
	}
	first, last := h.Runs[0].Run.Local, h.Runs[len(h.Runs)-1].Run.Local
	fmt.Fprintf(w, "athlete %s: %d runs from %s to %s", h.Athlete, len(h.Runs), first.Format(time.DateOnly), last.Format(time.DateOnly))
	if h.Others > 0 {
		fmt.Fprintf(w, " (%d other activities not listed)", h.Others)
	}
	fmt.Fprintln(w)
	undefined := &undefinedCells{}
	if showRuns {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprint(tw, "date\tstart")
		for _, c := range runColumns {
			if c.head != "" {
				fmt.Fprint(tw, "\t"+c.head)
			}
			if c.key == "spike_ratio" {
				fmt.Fprint(tw, "\tband")
			}
		}
		fmt.Fprint(tw, "\tfile\n")
		for _, r := range h.Runs {
			date := r.Run.Local.Format(time.DateOnly)
			fmt.Fprintf(tw, "%s\t%s", date, r.Run.Local.Format("15:04"))
			for _, c := range runColumns {
				if c.head == "" {
					continue
				}
				x := c.get(r)
				fmt.Fprint(tw, "\t"+undefined.text(c.head, date, c.format, x))
				if c.key == "spike_ratio" {
					fmt.Fprint(tw, "\t"+cmp.Or(string(r.Spike.Band), "-"))
				}
			}
			fmt.Fprintf(tw, "\t%s\n", r.Run.File)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if showWeeks {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprint(tw, "week\tmonday")
		for _, c := range weekColumns {
			fmt.Fprint(tw, "\t"+c.head)
			if c.key == "max_spike" {
				fmt.Fprint(tw, "\tband")
			}
		}
		fmt.Fprintln(tw)
		for _, wk := range h.Weeks {
			end := h.weekEnd(wk)
			fmt.Fprintf(tw, "%s\t%s", isoWeek(wk), wk.Monday.Format(time.DateOnly))
			for _, c := range weekColumns {
				fmt.Fprint(tw, "\t"+undefined.text("week "+c.head, isoWeek(wk), c.format, c.get(wk, end)))
				if c.key == "max_spike" {
					fmt.Fprint(tw, "\t"+cmp.Or(string(wk.MaxSpikeBand), "-"))
				}
			}
			fmt.Fprintln(tw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "spike: distance ÷ the longest run of the previous 30 days; bands up to 1.10 reference, 1.30 small, 2.00 moderate, above large (Frandsen et al., BJSM 2025).")
	fmt.Fprintln(w, "2-wk: distance of the last 14 days against the 14 before (Nielsen 2014; flagged above 30%). ACWR: acute:chronic EWMA, 7 and 28 days. mono: Foster's monotony of the last 7 days.")
	for _, line := range undefined.lines() {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w, gait.ACWRCaveat)
	fmt.Fprintln(w, report.Disclaimer)
	return nil
}

// undefinedCells collects, per column, why cells were left empty and on
// which rows, so the text table can say it once below.
type undefinedCells struct {
	order []string
	spans map[string]*undefinedSpan
}

type undefinedSpan struct {
	column, why, first, last string
	n                        int
}

// text formats x for the text table: "-" when undefined, noting why.
func (u *undefinedCells) text(column, row, format string, x cell) string {
	if !math.IsNaN(x.v) {
		switch format {
		case "clock":
			return report.Clock(x.v)
		case "km":
			return fmt.Sprintf("%.2f", x.v/1000)
		}
		t := fmt.Sprintf(format, x.v)
		if strings.HasPrefix(t, "-") && strings.Trim(t, "-0.%") == "" { // -0.0: rounded to zero
			t = strings.Replace(t, "-", "+", 1)
			if !strings.HasPrefix(format, "%+") {
				t = t[1:]
			}
		}
		return t
	}
	why := warmUp(x.why)
	key := column + "\x00" + why
	if u.spans == nil {
		u.spans = map[string]*undefinedSpan{}
	}
	s := u.spans[key]
	if s == nil {
		s = &undefinedSpan{column: column, why: why, first: row}
		u.spans[key] = s
		u.order = append(u.order, key)
	}
	s.last = row
	s.n++
	return "-"
}

// warmUp turns gait's "12 of 28 days of history" into one reason for the
// whole warm-up: "fewer than 28 days of history".
func warmUp(why string) string {
	var have, need int
	if n, _ := fmt.Sscanf(why, "%d of %d days of history", &have, &need); n == 2 && why == fmt.Sprintf("%d of %d days of history", have, need) {
		return fmt.Sprintf("fewer than %d days of history", need)
	}
	return why
}

func (u *undefinedCells) lines() []string {
	var out []string
	for _, k := range u.order {
		s := u.spans[k]
		rows := s.first
		if s.n > 1 {
			rows = fmt.Sprintf("%d rows, %s to %s", s.n, s.first, s.last)
		}
		out = append(out, fmt.Sprintf("- in %s (%s): %s", s.column, rows, cmp.Or(s.why, "no value")))
	}
	return out
}

// json is the history as the README documents it: every number is a
// number or null, and a null has a "<key>_why" beside it.
func (h history) json(showRuns, showWeeks bool) report.Object {
	o := report.Object{objField("athlete", h.Athlete)}
	if showRuns {
		runs := make([]report.Object, 0, len(h.Runs))
		for _, r := range h.Runs {
			ro := report.Object{
				objField("date", r.Run.Local.Format(time.DateOnly)),
				objField("start", r.Run.Local.Format(time.RFC3339)),
				objField("file", r.Run.File),
				objField("id", r.Run.ID),
			}
			for _, c := range runColumns {
				ro = appendCell(ro, c.key, c.get(r))
				if c.key == "longest_30d_m" {
					ro = append(ro, objField("spike_band", string(r.Spike.Band)))
				}
			}
			runs = append(runs, ro)
		}
		o = append(o, objField("runs", runs))
	}
	if showWeeks {
		weeks := make([]report.Object, 0, len(h.Weeks))
		for _, wk := range h.Weeks {
			end := h.weekEnd(wk)
			wo := report.Object{objField("week", isoWeek(wk)), objField("monday", wk.Monday.Format(time.DateOnly)), objField("days", wk.Days)}
			for _, c := range weekColumns {
				x := c.get(wk, end)
				if c.key == "runs" {
					wo = append(wo, objField("runs", wk.Runs))
					continue
				}
				wo = appendCell(wo, c.key, x)
				if c.key == "max_spike" {
					wo = append(wo, objField("max_spike_band", string(wk.MaxSpikeBand)))
				}
			}
			weeks = append(weeks, wo)
		}
		o = append(o, objField("weeks", weeks))
	}
	return append(o, objField("acwr_note", gait.ACWRCaveat), objField("disclaimer", report.Disclaimer))
}

func appendCell(o report.Object, key string, x cell) report.Object {
	o = append(o, objField(key, report.Num(x.v)))
	if math.IsNaN(x.v) {
		o = append(o, objField(key+"_why", cmp.Or(x.why, "no value")))
	}
	return o
}

// csvNum writes a number as JSON does (4 decimals), "" when undefined.
func csvNum(v float64) string {
	d, _ := report.Num(v).Decimal()
	return d
}

// writeRunsCSV writes one row per run; an empty number has its reason in
// the <key>_why column.
func (h history) writeRunsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"date", "start", "file", "id"}
	for _, c := range runColumns {
		head = append(head, c.key, c.key+"_why")
		if c.key == "longest_30d_m" {
			head = append(head, "spike_band")
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range h.Runs {
		rec := []string{r.Run.Local.Format(time.DateOnly), r.Run.Local.Format(time.RFC3339), r.Run.File, r.Run.ID}
		for _, c := range runColumns {
			x := c.get(r)
			rec = append(rec, csvNum(x.v), whyIfEmpty(x))
			if c.key == "longest_30d_m" {
				rec = append(rec, string(r.Spike.Band))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (h history) writeWeeksCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"week", "monday", "days"}
	for _, c := range weekColumns {
		head = append(head, c.key)
		if !c.sum {
			head = append(head, c.key+"_why")
		}
		if c.key == "max_spike" {
			head = append(head, "max_spike_band")
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, wk := range h.Weeks {
		end := h.weekEnd(wk)
		rec := []string{isoWeek(wk), wk.Monday.Format(time.DateOnly), strconv.Itoa(wk.Days)}
		for _, c := range weekColumns {
			x := c.get(wk, end)
			rec = append(rec, csvNum(x.v))
			if !c.sum {
				rec = append(rec, whyIfEmpty(x))
			}
			if c.key == "max_spike" {
				rec = append(rec, string(wk.MaxSpikeBand))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func whyIfEmpty(x cell) string {
	if math.IsNaN(x.v) {
		return cmp.Or(x.why, "no value")
	}
	return ""
}
