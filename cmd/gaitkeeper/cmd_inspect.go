package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

type inspectOptions struct {
	format  string
	samples string
	strict  bool
}

func (o *inspectOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVar(&o.samples, "samples", "", "print every record instead of a summary: csv")
	f.BoolVar(&o.strict, "strict", false, "treat a CRC mismatch as an error")
}

func newInspectCommand(g *globalOptions) *cobra.Command {
	var opts inspectOptions
	cmd := &cobra.Command{
		Use:   "inspect FILE...",
		Short: "Show what a FIT file holds: device, sensors, sessions, channel coverage",
		Long: `Inspect decodes FIT files and shows, per activity (one per session, so a
triathlon gives five), the device and sensors, sport, start, duration,
distance and record count, and for every gait channel its coverage (the
share of moving records with a value) and mean. Warnings follow.

With --samples csv it prints every record instead, one CSV block per file.

EXIT STATUS
  0  every file was read (warnings allowed)
  1  at least one file could not be read
  2  usage error`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInspect(cmd.Context(), opts, args, g.stdout, g.stderr)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runInspect(ctx context.Context, o inspectOptions, files []string, stdout, stderr io.Writer) error {
	switch o.format {
	case "text", "json":
	default:
		return usageError{fmt.Sprintf("--format %q: want text or json", o.format)}
	}
	if o.samples != "" && o.samples != "csv" {
		return usageError{fmt.Sprintf("--samples %q: want csv", o.samples)}
	}
	failed := false
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		acts, err := ingest.DecodeFile(name, ingest.DecodeOptions{Strict: o.strict})
		if err != nil {
			failed = true
			fmt.Fprintf(stderr, "%v\n", err)
			if o.format == "json" && o.samples == "" {
				if err := enc.Encode(inspectFile{File: name, Error: err.Error(), Activities: []inspectActivity{}}); err != nil {
					return err
				}
			}
			continue
		}
		switch {
		case o.samples == "csv":
			if err := ingest.WriteSamplesCSV(stdout, acts); err != nil {
				return err
			}
			for _, a := range acts {
				for _, w := range a.Warnings {
					fmt.Fprintf(stderr, "warning: %v\n", w)
				}
				break // warnings are file-wide; print them once
			}
		case o.format == "json":
			if err := enc.Encode(summarizeFile(name, acts)); err != nil {
				return err
			}
		default:
			writeInspectText(stdout, summarizeFile(name, acts))
		}
	}
	if failed {
		return errSomeFailed
	}
	return nil
}

// inspectFile is the JSON document for one file (schema in the README).
type inspectFile struct {
	File       string            `json:"file"`
	Error      string            `json:"error,omitempty"`
	Activities []inspectActivity `json:"activities"`
}

type inspectActivity struct {
	Index         int              `json:"index"`
	Sport         string           `json:"sport"`
	SubSport      string           `json:"sub_sport"`
	Start         string           `json:"start"`
	LocalOffsetS  *int64           `json:"local_offset_s"`
	ClockUnset    bool             `json:"clock_unset"`
	DurationS     *float64         `json:"duration_s"`
	DistanceM     *float64         `json:"distance_m"`
	Records       int              `json:"records"`
	MovingRecords int              `json:"moving_records"`
	Device        ingestDevice     `json:"device"`
	Sensors       []inspectSensor  `json:"sensors"`
	Laps          int              `json:"laps"`
	Pauses        int              `json:"pauses"`
	Channels      []inspectChannel `json:"channels"`
	Warnings      []string         `json:"warnings"`
}

type ingestDevice struct {
	Manufacturer    string `json:"manufacturer"`
	Product         string `json:"product"`
	Serial          uint32 `json:"serial"`
	SoftwareVersion string `json:"software_version"`
}

type inspectSensor struct {
	Kind            string `json:"kind"`
	Manufacturer    string `json:"manufacturer"`
	Product         string `json:"product"`
	Serial          uint32 `json:"serial"`
	RunningDynamics bool   `json:"running_dynamics"`
}

type inspectChannel struct {
	Name        string   `json:"name"`
	Units       string   `json:"units,omitempty"`
	CoveragePct float64  `json:"coverage_pct"`
	Mean        *float64 `json:"mean"`
}

// movingSpeed is the speed above which a record counts as moving for
// inspect's coverage figures: slower than a slow walk (0.5 m/s = 33 min/km).
const movingSpeed = 0.5 // m/s

// gaitChannels are the columns inspect summarises, by CSV name.
var gaitChannels = []string{
	"heart_rate_bpm", "cadence_spm", "cadence_rpm", "gct_ms", "gct_balance_left_pct",
	"stance_time_pct", "vertical_oscillation_mm", "vertical_ratio_pct", "step_length_mm", "power_w",
}

func summarizeFile(name string, acts []*ingest.Activity) inspectFile {
	f := inspectFile{File: name, Activities: make([]inspectActivity, 0, len(acts))}
	for _, a := range acts {
		f.Activities = append(f.Activities, summarize(a))
	}
	return f
}

func summarize(a *ingest.Activity) inspectActivity {
	s := inspectActivity{
		Index:    a.Index,
		Sport:    a.Sport,
		SubSport: a.SubSport,
		Start:    a.Start.UTC().Format(time.RFC3339),
		Records:  a.Len(),
		Device: ingestDevice{
			Manufacturer: a.Device.Manufacturer, Product: a.Device.Product,
			Serial: a.Device.Serial, SoftwareVersion: a.Device.SoftwareVersion,
		},
		ClockUnset: a.ClockUnset,
		Laps:       len(a.Laps),
		Pauses:     len(a.Pauses),
		Sensors:    []inspectSensor{},
		Channels:   []inspectChannel{},
		Warnings:   []string{},
	}
	if a.HasLocalOffset {
		v := int64(a.LocalOffset / time.Second)
		s.LocalOffsetS = &v
	}
	s.DurationS = num(a.Totals.ElapsedS)
	if s.DurationS == nil && a.Len() > 0 {
		s.DurationS = num(a.Elapsed[a.Len()-1] - a.Elapsed[0])
	}
	s.DistanceM = num(a.Totals.DistanceM)
	if s.DistanceM == nil {
		s.DistanceM = num(lastValid(a.DistanceM))
	}
	for _, x := range a.Sensors {
		s.Sensors = append(s.Sensors, inspectSensor{string(x.Kind), x.Manufacturer, x.Product, x.Serial, x.RunningDynamics})
	}
	moving := make([]bool, a.Len())
	for i := range moving {
		v := a.SpeedMPS[i]
		moving[i] = v >= movingSpeed || math.IsNaN(v) && (a.CadenceSPM[i] > 0 || a.CadenceRPM[i] > 0)
		if moving[i] {
			s.MovingRecords++
		}
	}
	cols := map[string][]float64{}
	for _, c := range a.Columns() {
		cols[c.Name] = c.Values
	}
	for _, name := range gaitChannels {
		if ch, ok := channel(name, "", cols[name], moving, s.MovingRecords); ok {
			s.Channels = append(s.Channels, ch)
		}
	}
	for _, c := range a.Dev {
		if ch, ok := channel("dev:"+c.Name, c.Units, c.Values, moving, s.MovingRecords); ok {
			s.Channels = append(s.Channels, ch)
		}
	}
	for _, w := range a.Warnings {
		s.Warnings = append(s.Warnings, w.Error())
	}
	return s
}

// channel summarises one column over moving records. Columns with no value
// anywhere are left out: they only say the device did not record them.
func channel(name, units string, v []float64, moving []bool, nMoving int) (inspectChannel, bool) {
	any := false
	n, sum := 0, 0.0
	for i, x := range v {
		if math.IsNaN(x) {
			continue
		}
		any = true
		if moving[i] {
			n++
			sum += x
		}
	}
	if !any {
		return inspectChannel{}, false
	}
	ch := inspectChannel{Name: name, Units: units}
	if nMoving > 0 {
		ch.CoveragePct = math.Round(1000*float64(n)/float64(nMoving)) / 10
	}
	if n > 0 {
		ch.Mean = num(sum / float64(n))
	}
	return ch, true
}

func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func lastValid(v []float64) float64 {
	for i := len(v) - 1; i >= 0; i-- {
		if !math.IsNaN(v[i]) {
			return v[i]
		}
	}
	return math.NaN()
}

func writeInspectText(w io.Writer, f inspectFile) {
	fmt.Fprintf(w, "%s\n", f.File)
	for _, a := range f.Activities {
		sport := a.Sport
		if a.SubSport != "" && a.SubSport != "generic" {
			sport += " (" + a.SubSport + ")"
		}
		fmt.Fprintf(w, "  activity %d: %s\n", a.Index, sport)
		dev := a.Device.Manufacturer + " " + a.Device.Product
		if a.Device.SoftwareVersion != "" {
			dev += ", software " + a.Device.SoftwareVersion
		}
		fmt.Fprintf(w, "    device:   %s\n", dev)
		for _, s := range a.Sensors[1:] {
			rd := ""
			if s.RunningDynamics {
				rd = ", running dynamics"
			}
			fmt.Fprintf(w, "    sensor:   %s %s (%s%s)\n", s.Manufacturer, s.Product, s.Kind, rd)
		}
		start := a.Start
		if a.ClockUnset {
			start += " (device clock not set)"
		} else if a.LocalOffsetS != nil {
			start += fmt.Sprintf(" (local UTC%+.1fh)", float64(*a.LocalOffsetS)/3600)
		}
		fmt.Fprintf(w, "    start:    %s\n", start)
		fmt.Fprintf(w, "    duration: %s   distance: %s   records: %d (%d moving)\n",
			fmtDuration(a.DurationS), fmtKM(a.DistanceM), a.Records, a.MovingRecords)
		if len(a.Channels) > 0 {
			fmt.Fprintf(w, "    %-28s %9s %10s\n", "channel", "coverage", "mean")
			for _, c := range a.Channels {
				mean := "-"
				if c.Mean != nil {
					mean = fmt.Sprintf("%.1f", *c.Mean)
				}
				name := c.Name
				if c.Units != "" {
					name += " [" + c.Units + "]"
				}
				fmt.Fprintf(w, "    %-28s %8.1f%% %10s\n", name, c.CoveragePct, mean)
			}
		}
	}
	if len(f.Activities) > 0 && len(f.Activities[0].Warnings) > 0 {
		fmt.Fprintf(w, "  warnings:\n")
		seen := map[string]bool{}
		for _, a := range f.Activities {
			for _, s := range a.Warnings {
				if !seen[s] {
					seen[s] = true
					fmt.Fprintf(w, "    %s\n", s)
				}
			}
		}
	}
}

func fmtDuration(s *float64) string {
	if s == nil {
		return "-"
	}
	d := time.Duration(math.Round(*s)) * time.Second
	return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

func fmtKM(m *float64) string {
	if m == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f km", *m/1000)
}
