// Command gen writes the demo athlete's FIT files: twelve weeks of one
// runner (a Garmin Forerunner 965 with an HRM-Pro chest strap) whose long
// runs build steadily until one spikes, after which ground contact balance
// drifts left and cadence drops late in every long run. See
// testdata/demo/README.md for the story and schedule.
//
// Run it from the module root:
//
//	go run ./testdata/gen -out testdata/demo
//
// The output is deterministic: a fixed seed drives a PCG generator, one
// stream per run, so regenerating gives byte-identical files
// (gen_test.go checks the committed ones against a fresh run).
//
// It is test-data tooling, not part of gaitkeeper, and the one place
// outside package ingest that imports the FIT library: gaitkeeper only
// reads FIT, this writes it, with muktihari/fit's encoder.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
	_ "time/tzdata" // Europe/Berlin without relying on the system's zoneinfo
)

// seed fixes the whole block; each run draws from its own stream
// (seed, run index + 1), the schedule from (seed, 0).
const seed = 20260831

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", filepath.Join("testdata", "demo"), "directory to write the FIT files to (created if missing)")
	scenario := fs.String("scenario", "", "write the story scenario `NAME` (a, b or c; see scenarios.go) instead of the demo; -out defaults to testdata/scenarios/NAME")
	corpus := fs.Int("corpus", 0, "instead of the demo, write `N` activities for benchmarks into -out (corpus.go)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gen: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *scenario != "" {
		return runScenario(fs, *scenario, *out, stdout, stderr)
	}
	if *corpus != 0 {
		return runCorpus(fs, *corpus, *out, stdout, stderr)
	}
	written, err := generate(*out)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "file\tweek\tkm\t30-day ratio\troute\tpause\tlate drift\tbytes")
	for _, w := range written {
		p := w.Plan
		ratio, route, pause := "-", "rolling", "-"
		if w.Ratio > 0 {
			ratio = fmt.Sprintf("%.3f", w.Ratio)
		}
		if p.Hill {
			route = "hill"
		}
		if p.PauseS > 0 {
			pause = fmt.Sprintf("%d s after %.1f km", p.PauseS, p.WarmupM/1000)
		}
		fmt.Fprintf(stdout, "%s\t%d\t%.1f\t%s\t%s\t%s\t%.2f\t%d\n", p.Name(), p.Week, p.KM, ratio, route, pause, p.Fatigue, w.Bytes)
	}
	return 0
}

// written describes one generated file.
type written struct {
	Plan  runPlan
	Ratio float64 // distance / longest run of the previous 30 days; 0 when there is none
	Bytes int
}

// generate writes every run of the block into dir.
func generate(dir string) ([]written, error) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, err
	}
	plans, err := schedule(loc, rand.New(rand.NewPCG(seed, 0)))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	out := make([]written, 0, len(plans))
	var buf bytes.Buffer
	for _, p := range plans {
		a := simulate(p, rand.New(rand.NewPCG(seed, uint64(p.Index)+1)))
		buf.Reset()
		if err := writeFIT(&buf, a, loc); err != nil {
			return nil, fmt.Errorf("encode %s: %w", p.Name(), err)
		}
		if err := os.WriteFile(filepath.Join(dir, p.Name()), buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
		out = append(out, written{Plan: p, Ratio: spikeRatio(plans, p), Bytes: buf.Len()})
	}
	return out, nil
}

// spikeRatio is p's distance over the longest run that started in the 30
// days before it (Frandsen et al., BJSM 2025; domain.md L1), or 0 when
// there is none.
func spikeRatio(plans []runPlan, p runPlan) float64 {
	longest := 0.0
	for _, q := range plans {
		if q.Start.Before(p.Start) && !q.Start.Before(p.Start.AddDate(0, 0, -30)) {
			longest = max(longest, q.KM)
		}
	}
	if longest == 0 {
		return 0
	}
	return p.KM / longest
}
