package report

import (
	"io"
	"strings"
	"time"
)

// WriteMarkdown writes the report as CommonMark (GitHub-flavoured tables):
// the verdict, red flags first, every flag with its evidence and source,
// and the timeline as one table of weeks, symptoms and flagged runs. Text
// from the data (file names, symptom notes) is escaped, so it can neither
// add markup nor raw HTML.
func (r *Report) WriteMarkdown(w io.Writer) error {
	p := &printer{w: w}
	p.f("# gaitkeeper report: %s\n\n", md(r.Athlete))
	p.f("%s\n\n", md(r.scope()))
	p.f("**Verdict: %s** (%s)\n\n", md(verdictText(r.Verdict)), md(r.countsText()))
	p.f("> %s\n", md(Disclaimer))
	red, other := r.splitFlags()
	if len(red) > 0 {
		p.f("\n## Red flags: see a clinician\n")
		for _, f := range red {
			p.mdFlag(f)
		}
	}
	p.f("\n## Flags\n")
	if len(other) == 0 {
		p.f("\nNo other flags.\n")
	}
	for _, f := range other {
		p.mdFlag(f)
	}
	if al := r.alignmentText(); len(al.Entries) > 0 {
		p.f("\n## Symptoms lined up with the runs before them (%.0f h)\n\n", r.Alignment.WindowH)
		for _, e := range al.Entries {
			p.f("- **%s** %s\n", md(e.When), md(e.Symptom))
			if len(e.Runs) == 0 {
				p.f("  - no run in the window\n")
			}
			for _, run := range e.Runs {
				p.f("  - %s\n", md(run))
			}
		}
		p.f("\n")
		for _, s := range al.Summary {
			p.f("- %s\n", md(s))
		}
	}
	p.f("\n## Timeline\n\nWeeks run Monday to Sunday; the spike is the week's largest run ÷ the longest run of the previous 30 days.\n\n")
	p.f("| when | what | details |\n|---|---|---|\n")
	for _, e := range r.timeline() {
		switch {
		case e.week != nil:
			wk := e.week
			p.f("| **%d-W%02d** (%s) | %s, %.1f km | longest run %s km; spike %s |\n", wk.Year, wk.Week, wk.Monday.Format("2 Jan"),
				plural(wk.Runs, "run", "runs"), wk.DistanceM/1000, kmOrDash(e.longestM), spikeText(wk.MaxSpike.V, wk.MaxSpike.OK, string(wk.MaxSpikeBand)))
		case e.symptom != nil:
			p.f("| %s | symptom | %s |\n", strings.TrimSpace(symptomWhen(*e.symptom)), md(symptomText(*e.symptom)))
		case e.run != nil:
			p.f("| %s | run | %s |\n", e.run.Local.Format("2006-01-02 15:04"), md(r.runText(*e.run)))
		}
	}
	if len(r.Warnings) > 0 {
		p.f("\n## Warnings\n\n")
		for _, s := range r.Warnings {
			p.f("- %s\n", md(s))
		}
	}
	return p.err
}

func (p *printer) mdFlag(f Flag) {
	p.f("\n### %s · `%s` (%s)\n\n", f.When.Format(time.DateOnly), f.Rule, f.Severity)
	p.f("%s\n\n", md(f.Message))
	if len(f.Evidence) > 0 {
		p.f("- Evidence: %s\n", md(evidenceText(f.Evidence)))
	}
	p.f("- Source: %s (evidence grade %s)\n", md(f.Source), md(f.Grade))
}

// md escapes text for Markdown: the ASCII punctuation that makes markup
// (emphasis, code, links, images, headings, raw HTML, table cells,
// strikethrough) gets a backslash, and & and line breaks are neutralised,
// so the text reads as it is wherever it lands, a table cell included.
func md(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#', '!', '|', '~':
			b.WriteByte('\\')
			b.WriteRune(c)
		case '&':
			b.WriteString("&amp;")
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
