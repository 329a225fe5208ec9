package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gaitkeeper/gaitkeeper/ingest"
	"github.com/gaitkeeper/gaitkeeper/internal/config"
	"github.com/gaitkeeper/gaitkeeper/internal/store"
	"github.com/gaitkeeper/gaitkeeper/report"
)

type reportOptions struct {
	storeFlags
	format   string
	output   string
	symptoms string
	asOf     string
	all      bool
}

func (o *reportOptions) AddFlags(f *pflag.FlagSet) {
	o.storeFlags.AddFlags(f)
	f.StringVar(&o.format, "format", "text", "output format: text, json, html or md")
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of standard output (with --all: a folder)")
	f.StringVar(&o.symptoms, "symptoms", "", "read the symptom log from `FILE` (CSV, YAML or JSON) instead of the athlete's stored diary")
	f.StringVar(&o.asOf, "as-of", "", "report day `YYYY-MM-DD` (default: the later of the last run and the last symptom entry)")
	f.BoolVar(&o.all, "all", false, "report on every athlete in the store, with an index sorted by risk; -o names a folder")
}

func newReportCommand(g *globalOptions) *cobra.Command {
	var opts reportOptions
	cmd := &cobra.Command{
		Use:   "report (--athlete NAME [PATH...] | --all -o FOLDER) [--format text|json|html|md] [-o FILE]",
		Short: "An athlete's flags with their evidence, and the timeline of load, gait and symptoms",
		Long: `Report lines an athlete's stored runs up with their symptom log and
writes what it finds: the verdict (refer, risk or none), red flags first
(each says to see a clinician), every flag with its numbers, threshold and
source, and the timeline week by week, as text, JSON, Markdown or HTML.
The HTML report is one file that needs no network: charts of weekly load
with distance spikes and the ACWR band, the symptoms on the same time
axis, cadence and ground-contact balance per run against the runner's own
band, and within-run traces of the flagged runs.

PATH arguments (FIT files, folders, .zip exports) are stored for the
athlete first, one after another. --symptoms reads a symptom log (CSV,
YAML or JSON) in place of the athlete's stored diary; times without an
offset are in the configured zone (symptoms.timezone).

The report day (--as-of) defaults to the later of the last run and the last
symptom entry, so a report of the same data reads the same whatever day it
is made; runs and symptoms after it are left out. When -o is given, a short
summary goes to standard output.

--all writes a report for every athlete in the store, each with their
stored diary, into the folder -o names (<athlete>.html, or .txt, .json, .md
by --format), and an index (index.html, ...) with one row per athlete,
sorted by verdict (refer, then risk, then none) and name, linking each
report.

EXIT STATUS
  0  the report was written
  1  a PATH could not be read (the report is still written), or no report
  2  usage error`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.Context(), opts, *g, args, g.stdout, g.stderr)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// errNothingToReport: the athlete has no runs stored and no symptom log.
var errNothingToReport = errors.New("no runs and no symptom log to report on")

// formatExt is the file extension of each output format.
var formatExt = map[string]string{"text": ".txt", "json": ".json", "html": ".html", "md": ".md"}

func runReport(ctx context.Context, o reportOptions, g globalOptions, paths []string, stdout, stderr io.Writer) error {
	if _, ok := formatExt[o.format]; !ok {
		return usageError{fmt.Sprintf("--format %q: want text, json, html or md", o.format)}
	}
	var asOf time.Time
	if o.asOf != "" {
		var err error
		if asOf, err = time.Parse(time.DateOnly, o.asOf); err != nil {
			return usageError{fmt.Sprintf("--as-of %q: want a date YYYY-MM-DD", o.asOf)}
		}
	}
	if o.all {
		switch {
		case o.athlete != "" || len(paths) > 0 || o.symptoms != "":
			return usageError{"--all reports on the stored athletes with their stored diaries: it takes no --athlete, --symptoms or PATH"}
		case o.output == "":
			return usageError{"--all needs -o FOLDER"}
		}
	} else if err := o.requireAthlete(); err != nil {
		return err
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	st, err := o.open(cfg)
	if err != nil {
		return err
	}
	failed := false
	if len(paths) > 0 {
		if failed, err = ingestPaths(ctx, st, cfg, o.athlete, paths, stderr); err != nil {
			return err
		}
	}
	if o.all {
		err = reportAll(ctx, st, cfg, o.format, o.output, asOf, stdout)
	} else {
		err = reportOne(ctx, st, cfg, o, asOf, stdout)
	}
	if err != nil {
		return err
	}
	if failed {
		return errSomeFailed
	}
	return nil
}

// ingestPaths stores the FIT files under paths for athlete as `gaitkeeper
// ingest` does (ingestAll). Unreadable files are reported on stderr
// (failed is then true) and the others still stored; an error from the
// store stops it.
func ingestPaths(ctx context.Context, st *store.Store, cfg config.Config, athlete string, paths []string, stderr io.Writer) (failed bool, err error) {
	sum, err := ingestAll(ctx, st, athlete, paths, cfg.Gait(), runtime.GOMAXPROCS(0), cfg.Store.BatchActivities, nil, stderr)
	if err != nil {
		return true, err
	}
	for _, f := range sum.Failed {
		fmt.Fprintf(stderr, "%s: %s\n", f.File, f.Error)
	}
	fmt.Fprintf(stderr, "stored %d FIT files for %s: %d activities added, %d files already stored, %d unreadable\n",
		sum.Files, athlete, sum.New, sum.Known, len(sum.Failed))
	return len(sum.Failed) > 0, nil
}

// reportOne writes one athlete's report to -o or stdout.
func reportOne(ctx context.Context, st *store.Store, cfg config.Config, o reportOptions, asOf time.Time, stdout io.Writer) error {
	loc, err := cfg.Location()
	if err != nil {
		return err
	}
	var syms []ingest.Symptom
	if o.symptoms != "" {
		syms, err = ingest.ReadSymptomsFile(o.symptoms, ingest.SymptomOptions{Location: loc})
	} else {
		syms, err = storedSymptoms(st, o.athlete, loc)
	}
	if err != nil {
		return err
	}
	rep, err := buildReport(ctx, st, cfg, o.athlete, syms, asOf)
	if err != nil {
		return err
	}
	if o.output == "" {
		return writeReport(stdout, rep, o.format)
	}
	if err := writeFile(o.output, func(w io.Writer) error { return writeReport(w, rep, o.format) }); err != nil {
		return err
	}
	if err := rep.WriteSummary(stdout); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %s\n", o.output)
	return err
}

// reportAll writes every athlete's report and the index into dir.
func reportAll(ctx context.Context, st *store.Store, cfg config.Config, format, dir string, asOf time.Time, stdout io.Writer) error {
	loc, err := cfg.Location()
	if err != nil {
		return err
	}
	names, err := st.Athletes()
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return errors.New("the store holds no athletes")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ext := formatExt[format]
	// An athlete called "index" must not overwrite the index.
	file := func(athlete string) string {
		if athlete == "index" {
			return "index-athlete" + ext
		}
		return athlete + ext
	}
	var reps []*report.Report
	for _, name := range names {
		syms, err := storedSymptoms(st, name, loc)
		if err != nil {
			return err
		}
		rep, err := buildReport(ctx, st, cfg, name, syms, asOf)
		if errors.Is(err, errNothingToReport) {
			fmt.Fprintf(stdout, "%s: left out: %v\n", name, errNothingToReport)
			continue
		}
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, file(name)), func(w io.Writer) error { return writeReport(w, rep, format) }); err != nil {
			return err
		}
		reps = append(reps, rep)
	}
	idx := report.NewIndex(reps, file)
	if err := writeFile(filepath.Join(dir, "index"+ext), func(w io.Writer) error { return writeIndex(w, idx, format) }); err != nil {
		return err
	}
	if err := idx.WriteText(stdout); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %s and %d reports in %s\n", "index"+ext, len(reps), dir)
	return err
}

// buildReport assesses athlete's stored runs with syms as of the day
// asOf (zero: the later of the last run and the last symptom) and reads
// the samples of the flagged runs for their traces.
func buildReport(ctx context.Context, st *store.Store, cfg config.Config, athlete string, syms []ingest.Symptom, asOf time.Time) (*report.Report, error) {
	loc, err := cfg.Location()
	if err != nil {
		return nil, err
	}
	p := cfg.Gait()
	runs, rows, err := historyRuns(ctx, st, athlete, p, loc)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 && len(syms) == 0 {
		return nil, fmt.Errorf("athlete %s: %w", athlete, errNothingToReport)
	}
	if asOf.IsZero() {
		asOf = defaultAsOf(runs, syms)
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	until := day(asOf)
	var keptRuns []report.Run
	for _, r := range runs {
		if day(r.Local) <= until {
			keptRuns = append(keptRuns, r)
		}
	}
	var keptSyms []ingest.Symptom
	for _, s := range syms {
		if day(s.Time) <= until {
			keptSyms = append(keptSyms, s)
		}
	}
	h := report.History{Athlete: athlete, Runs: keptRuns, Symptoms: keptSyms,
		Now: time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, loc)}
	rules, load, charts := cfg.ReportRules(), cfg.LoadParams(), cfg.ChartOptions()
	as := report.Assess(h, rules, load, cfg.ReportOptions())

	byID := map[string]store.ActivityRow{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	var traces []report.Trace
	var warnings []string
	for _, r := range report.FlaggedRuns(keptRuns, as.Flags, charts.TraceMaxRuns) {
		s, err := st.SamplesOf(ctx, byID[r.ID])
		var a *ingest.Activity
		if err == nil {
			a, err = storedActivity(byID[r.ID], s)
		}
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s: no within-run trace: %v", r.File, err))
			continue
		}
		traces = append(traces, report.NewTrace(r, report.FlagsOf(as.Flags, r), a, p, charts.TraceBinS))
	}
	rep := report.Build(h, as, rules, p, load, charts, traces)
	rep.Warnings = append(rep.Warnings, warnings...)
	return rep, nil
}

// defaultAsOf is the later of the last run's and the last symptom's
// calendar day, each on its own clock.
func defaultAsOf(runs []report.Run, syms []ingest.Symptom) time.Time {
	var last string
	for _, r := range runs {
		last = max(last, r.Local.Format(time.DateOnly))
	}
	for _, s := range syms {
		last = max(last, s.Time.Format(time.DateOnly))
	}
	t, _ := time.Parse(time.DateOnly, last)
	return t
}

func writeReport(w io.Writer, r *report.Report, format string) error {
	switch format {
	case "json":
		return r.WriteJSON(w)
	case "html":
		return r.WriteHTML(w)
	case "md":
		return r.WriteMarkdown(w)
	}
	return r.WriteText(w)
}

func writeIndex(w io.Writer, x report.Index, format string) error {
	switch format {
	case "json":
		return x.WriteJSON(w)
	case "html":
		return x.WriteHTML(w)
	case "md":
		return x.WriteMarkdown(w)
	}
	return x.WriteText(w)
}

// writeFile writes what write gives to path, replacing it only once the
// whole output is ready, so a failed report never leaves half a file.
func writeFile(path string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
