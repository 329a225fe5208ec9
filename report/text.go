package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// WriteText writes the report for a terminal: the verdict, red flags
// first, every flag with its evidence and source, then the timeline week
// by week with the symptoms and flagged runs in their week.
func (r *Report) WriteText(w io.Writer) error {
	p := &printer{w: w}
	p.f("GAITKEEPER REPORT: %s\n", r.Athlete)
	p.wrap("", r.scope())
	p.f("\n")
	p.f("VERDICT: %s\n", verdictText(r.Verdict))
	p.f("  %s\n", r.countsText())
	red, other := r.splitFlags()
	if len(red) > 0 {
		p.f("\nRED FLAGS: SEE A CLINICIAN\n")
		for _, f := range red {
			p.flag(f)
		}
	}
	if len(other) > 0 {
		p.f("\nFLAGS\n")
		for _, f := range other {
			p.flag(f)
		}
	}
	if al := r.alignmentText(); len(al.Entries) > 0 {
		p.f("\nSYMPTOMS LINED UP WITH THE RUNS BEFORE THEM (%.0f h)\n", r.Alignment.WindowH)
		for _, e := range al.Entries {
			p.wrap("  ", e.When+"  "+e.Symptom)
			if len(e.Runs) == 0 {
				p.f("      no run in the window\n")
			}
			for _, run := range e.Runs {
				p.wrap("      ", run)
			}
		}
		for _, s := range al.Summary {
			p.wrap("  ", s)
		}
	}
	p.f("\nTIMELINE (weeks Monday to Sunday, with the symptoms and flagged runs of each)\n")
	p.f("  %-8s  %-6s  %4s  %7s  %7s  %s\n", "week", "from", "runs", "km", "longest", "spike (÷ longest of previous 30 days)")
	for _, e := range r.timeline() {
		switch {
		case e.week != nil:
			wk := e.week
			p.f("  %d-W%02d  %-6s  %4d  %7.1f  %7s  %s\n", wk.Year, wk.Week, wk.Monday.Format("02 Jan"), wk.Runs, wk.DistanceM/1000,
				kmOrDash(e.longestM), spikeText(wk.MaxSpike.V, wk.MaxSpike.OK, string(wk.MaxSpikeBand)))
		case e.symptom != nil:
			p.wrap(fmt.Sprintf("      %s  symptom  ", symptomWhen(*e.symptom)), symptomText(*e.symptom))
		case e.run != nil:
			p.wrap(fmt.Sprintf("      %s  run      ", e.run.Local.Format("2006-01-02 15:04")), r.runText(*e.run))
		}
	}
	if len(r.Warnings) > 0 {
		p.f("\nWARNINGS\n")
		for _, s := range r.Warnings {
			p.wrap("  ", s)
		}
	}
	p.f("\n")
	p.wrap("", Disclaimer)
	return p.err
}

// WriteSummary writes the verdict and one line per flag: what the
// command prints when the report itself goes to a file.
func (r *Report) WriteSummary(w io.Writer) error {
	p := &printer{w: w}
	p.f("%s, as of %s: %s (%s)\n", r.Athlete, r.AsOf.Format(time.DateOnly), verdictText(r.Verdict), r.countsText())
	for _, f := range r.Flags {
		p.f("  %-5s  %s  %-22s  %s\n", f.Severity, f.When.Format(time.DateOnly), f.Rule, f.Message)
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// wrap writes prefix and then s, in lines of at most 100 columns. Lines
// after the first are indented as far as the prefix reaches when it has
// text (a label), else two columns more than it.
func (p *printer) wrap(prefix, s string) {
	const width = 100
	hang := strings.Repeat(" ", utf8.RuneCountInString(prefix)-utf8.RuneCountInString(strings.TrimLeft(prefix, " "))+2)
	if strings.TrimSpace(prefix) != "" {
		hang = strings.Repeat(" ", utf8.RuneCountInString(prefix))
	}
	line, empty := prefix, true
	for _, word := range strings.Fields(s) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			p.f("%s\n", line)
			line, empty = hang, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	p.f("%s\n", line)
}

func (p *printer) flag(f Flag) {
	p.f("  %s  %s (%s)\n", f.When.Format(time.DateOnly), f.Rule, f.Severity)
	p.wrap("    ", f.Message)
	if len(f.Evidence) > 0 {
		p.wrap("    evidence: ", evidenceText(f.Evidence))
	}
	p.wrap("    source:   ", fmt.Sprintf("%s [evidence grade %s]", f.Source, f.Grade))
}

// scope says what the report covers.
func (r *Report) scope() string {
	s := fmt.Sprintf("As of %s.", r.AsOf.Format("Monday 2 January 2006"))
	if n := len(r.Runs); n > 0 {
		s += fmt.Sprintf(" %s, %.1f km, %s to %s.", plural(n, "run", "runs"), totalKM(r.Runs),
			r.Runs[0].Local.Format(time.DateOnly), r.Runs[n-1].Local.Format(time.DateOnly))
	} else {
		s += " No runs."
	}
	switch n := len(r.Symptoms); n {
	case 0:
		s += " No symptom entries."
	case 1:
		s += " 1 symptom entry."
	default:
		s += fmt.Sprintf(" %d symptom entries, %s to %s.", n, r.Symptoms[0].Time.Format(time.DateOnly), r.Symptoms[n-1].Time.Format(time.DateOnly))
	}
	return s
}

func (r *Report) countsText() string {
	refer, warn, info := severityCounts(r.Flags)
	return fmt.Sprintf("%s to see a clinician about, %s, %s for context",
		plural(refer, "finding", "findings"), plural(warn, "warning", "warnings"), plural(info, "note", "notes"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// splitFlags separates the red flags (and anything else that refers),
// which a report lists first, from the others.
func (r *Report) splitFlags() (red, other []Flag) {
	for _, f := range r.Flags {
		if f.Kind == KindRedFlag || f.Severity == SeverityRefer {
			red = append(red, f)
		} else {
			other = append(other, f)
		}
	}
	return red, other
}

// event is one line of the timeline: a week, a symptom or a flagged run.
type event struct {
	week     *gait.Week
	symptom  *ingest.Symptom
	run      *Run
	longestM float64
}

// timeline lists the weeks in order, each followed by its symptoms and
// flagged runs in time order.
func (r *Report) timeline() []event {
	var out []event
	si, ri := 0, 0
	for i := range r.Weeks {
		wk := &r.Weeks[i]
		end := civil(wk.Monday).AddDate(0, 0, 7)
		longest := math.NaN()
		var inWeek []event
		for ; ri < len(r.Runs) && civil(r.Runs[ri].Local).Before(end); ri++ {
			run := &r.Runs[ri]
			if d := run.Metrics.Effort.DistanceM; !math.IsNaN(d) && (math.IsNaN(longest) || d > longest) {
				longest = d
			}
			if len(FlagsOf(r.Flags, *run)) > 0 {
				inWeek = append(inWeek, event{run: run})
			}
		}
		for ; si < len(r.Symptoms) && civil(r.Symptoms[si].Time).Before(end); si++ {
			inWeek = append(inWeek, event{symptom: &r.Symptoms[si]})
		}
		sortEvents(inWeek)
		out = append(out, event{week: wk, longestM: longest})
		out = append(out, inWeek...)
	}
	return out
}

func (e event) time() time.Time {
	if e.run != nil {
		return e.run.Local
	}
	return e.symptom.Time
}

func sortEvents(ev []event) {
	for i := 1; i < len(ev); i++ {
		for j := i; j > 0 && ev[j].time().Before(ev[j-1].time()); j-- {
			ev[j], ev[j-1] = ev[j-1], ev[j]
		}
	}
}

func kmOrDash(m float64) string {
	if math.IsNaN(m) {
		return "-"
	}
	return fmt.Sprintf("%.1f", m/1000)
}

func spikeText(ratio float64, ok bool, band string) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%.2f %s", ratio, band)
}

func symptomWhen(s ingest.Symptom) string {
	if s.DateOnly {
		return s.Time.Format("2006-01-02") + "      "
	}
	return s.Time.Format("2006-01-02 15:04")
}

// symptomText is one entry in words: side and location, sensations,
// severity, timing, duration, shoes and notes.
func symptomText(s ingest.Symptom) string {
	where := locationText(s.Location)
	if s.Side != "" {
		where = string(s.Side) + " " + where
	}
	t := fmt.Sprintf("%s: %s, %d/10", where, strings.Join(wordsAll(s.Sensations), ", "), s.Severity)
	if len(s.Timing) > 0 {
		t += ", " + strings.Join(wordsAll(s.Timing), ", ")
	}
	if s.Duration > 0 {
		t += ", for " + durationText(s.Duration)
	}
	if s.Shoes != "" {
		t += "; shoes: " + s.Shoes
	}
	if s.Notes != "" {
		t += "; notes: " + strings.ReplaceAll(s.Notes, "\n", " ")
	}
	return t
}

// locationNames are the symptom log's locations as a reader says them.
var locationNames = map[ingest.Location]string{
	"toes_1_2": "big and 2nd toe", "toes_3_4": "between toes 3 and 4", "ball_of_foot": "ball of the foot",
	"medial_arch": "inner arch", "lateral_foot": "outer foot", "dorsal_foot": "top of the foot",
	"medial_ankle": "inner ankle", "lateral_ankle": "outer ankle", "shin_front": "front of the shin",
	"shin_medial": "inner shin", "low_back": "lower back",
}

func locationText(l ingest.Location) string {
	if n, ok := locationNames[l]; ok {
		return n
	}
	return words(string(l))
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

func wordsAll[T ~string](x []T) []string {
	out := make([]string, len(x))
	for i, v := range x {
		out[i] = words(string(v))
	}
	return out
}

func durationText(d time.Duration) string {
	switch {
	case d >= 7*24*time.Hour && d%(7*24*time.Hour) == 0:
		return plural(int(d/(7*24*time.Hour)), "week", "weeks")
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return plural(int(d/(24*time.Hour)), "day", "days")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour", "hours")
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%.0f min", d.Minutes())
}

// runText describes a run and its flags.
func (r *Report) runText(run Run) string {
	t := fmt.Sprintf("%s km  %s", kmOrDash(run.Metrics.Effort.DistanceM), run.File)
	if rules := FlagsOf(r.Flags, run); len(rules) > 0 {
		t += ": " + strings.Join(rules, ", ")
	}
	return t
}

// evidenceText writes an evidence object as "key value" pairs.
func evidenceText(o Object) string {
	parts := make([]string, len(o))
	for i, f := range o {
		parts[i] = f.Key + " " + valueText(f.Value)
	}
	return strings.Join(parts, " · ")
}

// valueText formats one evidence value: numbers to at most 4 decimals,
// lists joined with commas, NaN as "-".
func valueText(v any) string {
	switch x := v.(type) {
	case Num:
		if d, ok := x.Decimal(); ok {
			return d
		}
		return "-"
	case float64:
		return valueText(Num(x))
	case string:
		if x == "" {
			return "-"
		}
		return x
	case []string:
		// Items can hold commas ("tingling, pins and needles or numbness").
		return "[" + strings.Join(x, "; ") + "]"
	case Object:
		return "(" + evidenceText(x) + ")"
	}
	return fmt.Sprint(v)
}
