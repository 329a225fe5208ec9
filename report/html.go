package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
)

// html.tmpl is the report page. It is html/template, so every piece of
// text that reaches it (flag messages, file names, symptom notes) is
// escaped for where it lands; the page loads nothing from the network:
// no scripts, fonts or images, only inline CSS and SVG.
//
//go:embed html.tmpl
var htmlTemplate string

// pageTemplate parses html.tmpl. It is parsed per call: the template is
// small, and a package-level parsed template would be a global.
func pageTemplate() *template.Template {
	return template.Must(template.New("html.tmpl").Parse(htmlTemplate))
}

// htmlPage is what html.tmpl's "report" template reads.
type htmlPage struct {
	Athlete     string
	AsOf        string
	Verdict     string
	VerdictText string
	Scope       string
	Counts      string
	Red, Other  []htmlFlag
	Charts      []chart
	Traces      []htmlTrace
	Symptoms    []htmlSymptom
	Alignment   alignmentText
	AlignWindow string
	Weeks       []htmlWeek
	Warnings    []string
	Disclaimer  string
}

type htmlFlag struct {
	Kind, Rule, Severity, Message, When, Source, Grade string
	Evidence                                           []htmlPair
}

type htmlPair struct{ Key, Value string }

type htmlTrace struct {
	Heading string
	Facts   string
	Rules   []string
	Chart   chart
}

type htmlSymptom struct {
	When, Side, Location, Sensations, Timing, Duration, Shoes, Notes string
	Severity                                                         int
	Nerve                                                            bool
}

type htmlWeek struct {
	Week, Monday, Runs, KM, Longest, Spike, SpikeBand, Monotony string
	Flagged                                                     bool
}

// WriteHTML writes the report as one self-contained HTML page: the
// verdict, red flags first, every flag with its evidence and source, the
// history charts on one time axis (weekly load with spikes and the ACWR
// band, symptoms, cadence and balance per run against the runner's own
// band), the within-run traces of flagged runs, and the symptom log.
func (r *Report) WriteHTML(w io.Writer) error {
	return pageTemplate().ExecuteTemplate(w, "report", r.htmlPage())
}

func (r *Report) htmlPage() htmlPage {
	p := htmlPage{
		Athlete: r.Athlete, AsOf: r.AsOf.Format("Monday 2 January 2006"), Verdict: r.Verdict, VerdictText: verdictText(r.Verdict),
		Scope: r.scope(), Counts: r.countsText(), Warnings: r.Warnings, Disclaimer: Disclaimer,
		Alignment: r.alignmentText(), AlignWindow: fmt.Sprintf("%.0f h", r.Alignment.WindowH),
	}
	red, other := r.splitFlags()
	for _, f := range red {
		p.Red = append(p.Red, newHTMLFlag(f))
	}
	for _, f := range other {
		p.Other = append(p.Other, newHTMLFlag(f))
	}
	for _, mk := range []func() (chart, bool){r.loadChart, r.symptomChart, r.cadenceChart, r.balanceChart} {
		if c, ok := mk(); ok {
			p.Charts = append(p.Charts, c)
		}
	}
	for i, t := range r.Traces {
		h := htmlTrace{Heading: t.Local.Format("Monday 2 January 2006, 15:04"), Rules: t.Rules, Chart: r.traceChart(t, i)}
		if run, ok := runByTime(r.Runs, t.Local); ok {
			m := run.Metrics
			h.Facts = fmt.Sprintf("%s · %s km in %s moving · cadence %s spm", t.File, kmOrDash(m.Effort.DistanceM), Clock(m.MovingTimeS), numOrDash(m.Cadence.Mean, "%.0f"))
			if b := m.Balance.LeftPct.Mean; !math.IsNaN(b) {
				h.Facts += fmt.Sprintf(" · balance %.2f%% left", b)
			}
			if d := m.Drift; d.Cadence.Measured || d.SymmetryIndex.Measured {
				h.Facts += fmt.Sprintf(" · late-run drift: cadence %s spm, SI %s points", signed(d.Cadence), signed(d.SymmetryIndex))
			}
		}
		p.Traces = append(p.Traces, h)
	}
	for _, s := range r.Symptoms {
		p.Symptoms = append(p.Symptoms, htmlSymptom{
			When: symptomWhen(s), Side: string(s.Side), Location: locationText(s.Location),
			Sensations: strings.Join(wordsAll(s.Sensations), ", "), Severity: s.Severity, Timing: strings.Join(wordsAll(s.Timing), ", "),
			Duration: durationOrDash(s.Duration), Shoes: s.Shoes, Notes: s.Notes, Nerve: nerveLike(s),
		})
	}
	for _, e := range r.timeline() {
		if e.week == nil {
			continue
		}
		wk := e.week
		p.Weeks = append(p.Weeks, htmlWeek{
			Week: fmt.Sprintf("%d-W%02d", wk.Year, wk.Week), Monday: wk.Monday.Format("2 Jan"), Runs: fmt.Sprint(wk.Runs),
			KM: fmt.Sprintf("%.1f", wk.DistanceM/1000), Longest: kmOrDash(e.longestM),
			Spike: valueOrDash(wk.MaxSpike, "%.2f"), SpikeBand: string(wk.MaxSpikeBand), Monotony: valueOrDash(wk.Monotony, "%.1f"),
			Flagged: wk.MaxSpike.OK && wk.MaxSpikeBand != gait.SpikeReference,
		})
	}
	return p
}

func newHTMLFlag(f Flag) htmlFlag {
	h := htmlFlag{Kind: f.Kind, Rule: f.Rule, Severity: f.Severity, Message: f.Message, When: f.When.Format(time.DateOnly), Source: f.Source, Grade: f.Grade}
	for _, e := range f.Evidence {
		v := valueText(e.Value)
		if list, ok := e.Value.([]string); ok {
			v = strings.Join(list, "; ")
		}
		h.Evidence = append(h.Evidence, htmlPair{Key: words(e.Key), Value: v})
	}
	return h
}

func signed(d gait.Delta) string {
	if !d.Measured {
		return "-"
	}
	return fmt.Sprintf("%+.1f", d.Delta)
}

func durationOrDash(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return durationText(d)
}

func numOrDash(v float64, format string) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

func valueOrDash(v gait.Value, format string) string {
	if !v.OK || math.IsNaN(v.V) {
		return "-"
	}
	return fmt.Sprintf(format, v.V)
}
