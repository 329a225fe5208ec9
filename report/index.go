package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// Index is a coach's overview of several athletes' reports: one row per
// athlete, the most urgent first (verdict refer, then risk, then none;
// by name within a verdict).
type Index struct {
	Rows []IndexRow
}

// IndexRow is one athlete's line in the index.
type IndexRow struct {
	Athlete string
	Link    string // the athlete's report, relative to the index
	AsOf    time.Time
	Verdict string
	// Refer, Warn and Info count the flags as the report's header does.
	Refer, Warn, Info int
	// Top is the most urgent flag, when there is one.
	Top *Flag
	// Runs and KM28 are the runs in the report and the distance of the
	// last 28 days to AsOf; LastRun is zero without runs.
	Runs    int
	KM28    float64
	LastRun time.Time
	// Symptoms counts the log's entries; LastSymptom is zero without any.
	Symptoms    int
	LastSymptom time.Time
}

// verdictRank orders verdicts most urgent first.
func verdictRank(v string) int {
	switch v {
	case "refer":
		return 0
	case "risk":
		return 1
	}
	return 2
}

// NewIndex makes the index of reps; link gives the address of an
// athlete's report.
func NewIndex(reps []*Report, link func(athlete string) string) Index {
	var x Index
	for _, r := range reps {
		row := IndexRow{Athlete: r.Athlete, Link: link(r.Athlete), AsOf: r.AsOf, Verdict: r.Verdict, Runs: len(r.Runs), Symptoms: len(r.Symptoms)}
		row.Refer, row.Warn, row.Info = severityCounts(r.Flags)
		if len(r.Flags) > 0 {
			f := r.Flags[0]
			row.Top = &f
		}
		if n := len(r.Runs); n > 0 {
			row.LastRun = r.Runs[n-1].Local
		}
		if n := len(r.Symptoms); n > 0 {
			row.LastSymptom = r.Symptoms[n-1].Time
		}
		from := civil(r.AsOf).AddDate(0, 0, -27)
		for _, run := range r.Runs {
			if d := run.Metrics.Effort.DistanceM; !civil(run.Local).Before(from) && !math.IsNaN(d) {
				row.KM28 += d / 1000
			}
		}
		x.Rows = append(x.Rows, row)
	}
	slices.SortStableFunc(x.Rows, func(a, b IndexRow) int {
		return cmp.Or(cmp.Compare(verdictRank(a.Verdict), verdictRank(b.Verdict)), cmp.Compare(a.Athlete, b.Athlete))
	})
	return x
}

func dayOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.DateOnly)
}

// WriteText writes the index as a table for a terminal.
func (x Index) WriteText(w io.Writer) error {
	p := &printer{w: w}
	p.f("%-7s %-20s  %5s  %5s  %4s  %4s  %-10s  %-10s  %s\n", "verdict", "athlete", "km28d", "refer", "warn", "info", "last run", "symptom", "most urgent")
	for _, r := range x.Rows {
		top := "-"
		if r.Top != nil {
			top = r.Top.Rule + ": " + r.Top.Message
		}
		p.f("%-7s %-20s  %5.1f  %5d  %4d  %4d  %-10s  %-10s  %s\n", r.Verdict, r.Athlete, r.KM28, r.Refer, r.Warn, r.Info,
			dayOrDash(r.LastRun), dayOrDash(r.LastSymptom), top)
	}
	return p.err
}

// WriteJSON writes the index as a JSON document: {"athletes": [...]},
// most urgent first.
func (x Index) WriteJSON(w io.Writer) error {
	rows := make([]Object, 0, len(x.Rows))
	for _, r := range x.Rows {
		var top any
		if r.Top != nil {
			top = FlagJSON(*r.Top)
		}
		rows = append(rows, Object{
			{"athlete", r.Athlete},
			{"report", r.Link},
			{"as_of", r.AsOf.Format(time.DateOnly)},
			{"verdict", r.Verdict},
			{"counts", Object{{"refer", r.Refer}, {"warn", r.Warn}, {"info", r.Info}}},
			{"runs", r.Runs},
			{"distance_28d_m", Num(r.KM28 * 1000)},
			{"last_run", dayOrDash(r.LastRun)},
			{"symptoms", r.Symptoms},
			{"last_symptom", dayOrDash(r.LastSymptom)},
			{"most_urgent", top},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Object{{"athletes", rows}, {"disclaimer", Disclaimer}})
}

// WriteMarkdown writes the index as a Markdown table linking each report.
func (x Index) WriteMarkdown(w io.Writer) error {
	p := &printer{w: w}
	p.f("# gaitkeeper: athletes by risk\n\n> %s\n\n", md(Disclaimer))
	p.f("| verdict | athlete | km, last 28 days | refer | warn | info | last run | last symptom | most urgent |\n|---|---|---:|---:|---:|---:|---|---|---|\n")
	for _, r := range x.Rows {
		top := "-"
		if r.Top != nil {
			top = fmt.Sprintf("`%s` %s", r.Top.Rule, md(r.Top.Message))
		}
		p.f("| **%s** | [%s](%s) | %.1f | %d | %d | %d | %s | %s | %s |\n", r.Verdict, md(r.Athlete), r.Link, r.KM28, r.Refer, r.Warn, r.Info,
			dayOrDash(r.LastRun), dayOrDash(r.LastSymptom), top)
	}
	return p.err
}

// htmlIndex is what html.tmpl's "index" template reads.
type htmlIndex struct {
	Rows       []htmlIndexRow
	Disclaimer string
	Counts     string
}

type htmlIndexRow struct {
	IndexRow
	VerdictText, KM, LastRun, LastSymptom, TopRule, TopMessage string
}

// WriteHTML writes the index as one self-contained HTML page with a
// link to each athlete's report.
func (x Index) WriteHTML(w io.Writer) error {
	h := htmlIndex{Disclaimer: Disclaimer}
	n := map[string]int{}
	for _, r := range x.Rows {
		n[r.Verdict]++
		row := htmlIndexRow{IndexRow: r, VerdictText: verdictText(r.Verdict), KM: fmt.Sprintf("%.1f", r.KM28),
			LastRun: dayOrDash(r.LastRun), LastSymptom: dayOrDash(r.LastSymptom)}
		if r.Top != nil {
			row.TopRule, row.TopMessage = r.Top.Rule, r.Top.Message
		}
		h.Rows = append(h.Rows, row)
	}
	h.Counts = fmt.Sprintf("%s: %d to refer to a clinician, %d at risk, %d with no risk pattern", plural(len(x.Rows), "athlete", "athletes"), n["refer"], n["risk"], n["none"])
	return pageTemplate().ExecuteTemplate(w, "index", h)
}
