package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
	"github.com/gaitkeeper/gaitkeeper/report"
)

type analyzeOptions struct {
	format string
	strict bool
}

func (o *analyzeOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.BoolVar(&o.strict, "strict", false, "treat a CRC mismatch as an error")
}

func newAnalyzeCommand(g *globalOptions) *cobra.Command {
	var opts analyzeOptions
	cmd := &cobra.Command{
		Use:   "analyze FILE...",
		Short: "Gait metrics per run: cadence, ground-contact balance, drift, spikes, load",
		Long: `Analyze computes, for every run in the FIT files given, what a
physiotherapist looks for: cadence and Garmin's cadence bands, ground
contact time and its left/right balance (symmetry index, the runner's own
step-to-step variability), vertical oscillation and ratio, step length,
drift between a steady reference window and the last 20% of the run at
matched speed and grade, within-run spikes, and the run's load (distance,
time, elevation, TRIMP, power). Other activities are listed, not analyzed.

Thresholds and windows come from configs/default.yaml, a --config file
and GAITKEEPER_* environment variables.

EXIT STATUS
  0  every file was read (warnings allowed)
  1  at least one file could not be read
  2  usage error`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAnalyze(cmd.Context(), opts, *g, args, g.stdout, g.stderr)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runAnalyze(ctx context.Context, o analyzeOptions, g globalOptions, files []string, stdout, stderr io.Writer) error {
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Sprintf("--format %q: want text or json", o.format)}
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	p := cfg.Gait()
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	failed := false
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		acts, err := ingest.DecodeFile(name, ingest.DecodeOptions{Strict: o.strict})
		if err != nil {
			failed = true
			fmt.Fprintf(stderr, "%v\n", err)
			if o.format == "json" {
				if err := enc.Encode(report.AnalysisJSON(name, err.Error(), nil)); err != nil {
					return err
				}
			}
			continue
		}
		ms := make([]gait.Metrics, len(acts))
		for i, a := range acts {
			ms[i] = gait.Analyze(a, p)
		}
		if o.format == "json" {
			if err := enc.Encode(report.AnalysisJSON(name, "", ms)); err != nil {
				return err
			}
			continue
		}
		report.WriteAnalysisText(stdout, name, ms)
	}
	if failed {
		return errSomeFailed
	}
	return nil
}
