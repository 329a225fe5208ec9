// Package config loads gaitkeeper's configuration: the embedded
// configs/default.yaml, then a user file, then GAITKEEPER_* environment
// variables, each overriding the one before. Unknown keys and values of
// the wrong type are errors that name the key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/gaitkeeper/gaitkeeper/configs"
	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/report"
)

// Config mirrors configs/default.yaml; see that file for every key's
// meaning and source.
type Config struct {
	Athlete struct {
		HRRestBPM float64 `mapstructure:"hr_rest_bpm"`
		HRMaxBPM  float64 `mapstructure:"hr_max_bpm"`
		Sex       string  `mapstructure:"sex"`
	} `mapstructure:"athlete"`
	Moving struct {
		StopSpeedMPS   float64 `mapstructure:"stop_speed_mps"`
		WalkCadenceSPM float64 `mapstructure:"walk_cadence_spm"`
		WarmupS        float64 `mapstructure:"warmup_s"`
		MaxRecordGapS  float64 `mapstructure:"max_record_gap_s"`
	} `mapstructure:"moving"`
	Cadence struct {
		Bands []struct {
			Name string  `mapstructure:"name"`
			Edge float64 `mapstructure:"edge"`
		} `mapstructure:"bands"`
	} `mapstructure:"cadence"`
	Balance struct {
		GreenMaxPct  float64 `mapstructure:"green_max_pct"`
		OrangeMaxPct float64 `mapstructure:"orange_max_pct"`
	} `mapstructure:"balance"`
	Zones struct {
		GCTMS    []float64 `mapstructure:"gct_ms"`
		VOMMHRM  []float64 `mapstructure:"vo_mm_hrm"`
		VOMMRDP  []float64 `mapstructure:"vo_mm_rdp"`
		VRPctHRM []float64 `mapstructure:"vr_pct_hrm"`
		VRPctRDP []float64 `mapstructure:"vr_pct_rdp"`
	} `mapstructure:"zones"`
	Steady struct {
		WindowS     float64 `mapstructure:"window_s"`
		SpeedTolPct float64 `mapstructure:"speed_tol_pct"`
		GradeMaxPct float64 `mapstructure:"grade_max_pct"`
	} `mapstructure:"steady"`
	Grade struct {
		WindowS float64 `mapstructure:"window_s"`
	} `mapstructure:"grade"`
	Drift struct {
		LateFraction   float64 `mapstructure:"late_fraction"`
		RefEndFraction float64 `mapstructure:"ref_end_fraction"`
		SpeedBinMPS    float64 `mapstructure:"speed_bin_mps"`
		GradeBinPct    float64 `mapstructure:"grade_bin_pct"`
		MinBinSamples  int     `mapstructure:"min_bin_samples"`
		MinSamples     int     `mapstructure:"min_samples"`
	} `mapstructure:"drift"`
	Spikes struct {
		WindowS     float64 `mapstructure:"window_s"`
		StepS       float64 `mapstructure:"step_s"`
		K           float64 `mapstructure:"k"`
		MinS        float64 `mapstructure:"min_s"`
		DownhillPct float64 `mapstructure:"downhill_pct"`
		MaxListed   int     `mapstructure:"max_listed"`
	} `mapstructure:"spikes"`
	Effort struct {
		ElevationHysteresisM float64 `mapstructure:"elevation_hysteresis_m"`
	} `mapstructure:"effort"`
	Load struct {
		SpikeWindowDays    int     `mapstructure:"spike_window_days"`
		SpikeSmallAbove    float64 `mapstructure:"spike_small_above"`
		SpikeModerateAbove float64 `mapstructure:"spike_moderate_above"`
		SpikeLargeAbove    float64 `mapstructure:"spike_large_above"`
		TwoWeekFlagPct     float64 `mapstructure:"two_week_flag_pct"`
		AcuteDays          int     `mapstructure:"acute_days"`
		ChronicDays        int     `mapstructure:"chronic_days"`
		MonotonyDays       int     `mapstructure:"monotony_days"`
		MonotonyFlag       float64 `mapstructure:"monotony_flag"`
		MonotonyCap        float64 `mapstructure:"monotony_cap"`
		CTLDays            float64 `mapstructure:"ctl_days"`
		ATLDays            float64 `mapstructure:"atl_days"`
		MinHistoryDays     int     `mapstructure:"min_history_days"`
	} `mapstructure:"load"`
	Store struct {
		Root            string `mapstructure:"root"`
		BatchActivities int    `mapstructure:"batch_activities"`
		Compression     string `mapstructure:"compression"`
	} `mapstructure:"store"`
	Symptoms struct {
		Timezone string `mapstructure:"timezone"`
	} `mapstructure:"symptoms"`
	Report struct {
		RecentDays     int     `mapstructure:"recent_days"`
		SymptomWindowH float64 `mapstructure:"symptom_window_h"`
		BaselineDays   int     `mapstructure:"baseline_days"`
		RestDays       int     `mapstructure:"rest_days"`
		RestFraction   float64 `mapstructure:"rest_fraction"`
	} `mapstructure:"report"`
	Charts struct {
		ACWRLow      float64 `mapstructure:"acwr_low"`
		ACWRHigh     float64 `mapstructure:"acwr_high"`
		TraceBinS    float64 `mapstructure:"trace_bin_s"`
		TraceMaxRuns int     `mapstructure:"trace_max_runs"`
	} `mapstructure:"charts"`
	// Rules by group (overuse, form, nerve, red) and name: the rule id
	// is "group.name".
	Rules map[string]map[string]struct {
		Severity  string  `mapstructure:"severity"`
		Threshold float64 `mapstructure:"threshold"`
		Grade     string  `mapstructure:"grade"`
		Source    string  `mapstructure:"source"`
	} `mapstructure:"rules"`
}

// Options say where to look beyond the defaults.
type Options struct {
	// File is a user configuration file (YAML, JSON or TOML by
	// extension). Empty means DefaultFile, when it exists.
	File string
}

// DefaultFile returns $XDG_CONFIG_HOME/gaitkeeper/config.yaml, or
// ~/.config/gaitkeeper/config.yaml.
func DefaultFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "gaitkeeper", "config.yaml")
}

// Load reads the defaults, the user file and the environment.
func Load(opts Options) (Config, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(configs.Default())); err != nil {
		return Config{}, fmt.Errorf("config: embedded defaults: %w", err)
	}
	file := opts.File
	if file == "" {
		if f := DefaultFile(); f != "" {
			if _, err := os.Stat(f); err == nil {
				file = f
			}
		}
	}
	if file != "" {
		v.SetConfigFile(file)
		if err := v.MergeInConfig(); err != nil {
			return Config{}, fmt.Errorf("config: %s: %w", file, err)
		}
	}
	v.SetEnvPrefix("GAITKEEPER")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()

	var c Config
	if err := v.UnmarshalExact(&c); err != nil {
		where := "defaults"
		if file != "" {
			where = file
		}
		return Config{}, fmt.Errorf("config: %s or GAITKEEPER_* environment: %w", where, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Validate checks the values that would make the analysis meaningless.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, key, msg string) {
		if !ok {
			errs = append(errs, fmt.Errorf("config: %s: %s", key, msg))
		}
	}
	check(c.Athlete.HRMaxBPM > c.Athlete.HRRestBPM && c.Athlete.HRRestBPM > 0, "athlete.hr_max_bpm", "must exceed athlete.hr_rest_bpm, which must be positive")
	check(c.Athlete.Sex == "male" || c.Athlete.Sex == "female", "athlete.sex", fmt.Sprintf("%q: want male or female", c.Athlete.Sex))
	_, tzErr := time.LoadLocation(c.Symptoms.Timezone)
	check(tzErr == nil, "symptoms.timezone", fmt.Sprintf("%q: not an IANA time zone", c.Symptoms.Timezone))
	check(c.Report.RecentDays > 0 && c.Report.BaselineDays > 0 && c.Report.RestDays > 0, "report", "recent_days, baseline_days and rest_days must be positive")
	check(c.Report.SymptomWindowH > 0, "report.symptom_window_h", "must be positive")
	check(c.Report.RestFraction > 0 && c.Report.RestFraction < 1, "report.rest_fraction", "must be between 0 and 1")
	check(c.Charts.ACWRLow > 0 && c.Charts.ACWRHigh > c.Charts.ACWRLow, "charts.acwr_high", "must exceed charts.acwr_low, which must be positive")
	check(c.Charts.TraceBinS > 0 && c.Charts.TraceMaxRuns >= 0, "charts.trace_bin_s", "must be positive (and trace_max_runs not negative)")
	check(c.Store.BatchActivities > 0, "store.batch_activities", "must be positive")
	check(c.Store.Compression == "snappy" || c.Store.Compression == "zstd", "store.compression", fmt.Sprintf("%q: want snappy or zstd", c.Store.Compression))
	check(c.Moving.MaxRecordGapS > 0, "moving.max_record_gap_s", "must be positive")
	check(len(c.Cadence.Bands) > 0, "cadence.bands", "must list at least one band")
	for i := 1; i < len(c.Cadence.Bands); i++ {
		check(c.Cadence.Bands[i].Edge < c.Cadence.Bands[i-1].Edge, "cadence.bands", "edges must fall, highest band first")
	}
	check(c.Balance.GreenMaxPct >= 50 && c.Balance.OrangeMaxPct > c.Balance.GreenMaxPct, "balance", "want 50 ≤ green_max_pct < orange_max_pct")
	for key, z := range map[string][]float64{"zones.gct_ms": c.Zones.GCTMS, "zones.vo_mm_hrm": c.Zones.VOMMHRM,
		"zones.vo_mm_rdp": c.Zones.VOMMRDP, "zones.vr_pct_hrm": c.Zones.VRPctHRM, "zones.vr_pct_rdp": c.Zones.VRPctRDP} {
		ok := len(z) == 4
		for i := 1; ok && i < len(z); i++ {
			ok = z[i] > z[i-1]
		}
		check(ok, key, "want four rising edges (purple, blue, green, orange)")
	}
	check(c.Steady.WindowS > 0 && c.Grade.WindowS > 0 && c.Spikes.WindowS > 0, "window_s", "windows must be positive")
	check(c.Drift.LateFraction > 0 && c.Drift.LateFraction < 1, "drift.late_fraction", "must be between 0 and 1")
	check(c.Drift.RefEndFraction > 0 && c.Drift.RefEndFraction <= 1-c.Drift.LateFraction, "drift.ref_end_fraction", "must be positive and end before the late window")
	check(c.Drift.SpeedBinMPS > 0 && c.Drift.GradeBinPct > 0, "drift", "bin widths must be positive")
	check(c.Drift.MinBinSamples > 0 && c.Drift.MinSamples > 0, "drift", "sample minimums must be positive")
	check(c.Spikes.StepS > 0 && c.Spikes.StepS <= c.Spikes.WindowS, "spikes.step_s", "must be positive and at most window_s")
	check(c.Spikes.K > 0, "spikes.k", "must be positive")
	check(c.Spikes.MaxListed > 0, "spikes.max_listed", "must be positive")
	l := c.Load
	check(l.SpikeWindowDays > 0, "load.spike_window_days", "must be positive")
	check(1 <= l.SpikeSmallAbove && l.SpikeSmallAbove < l.SpikeModerateAbove && l.SpikeModerateAbove < l.SpikeLargeAbove, "load.spike_*_above", "want 1 ≤ small < moderate < large")
	check(l.AcuteDays > 0 && l.ChronicDays > l.AcuteDays, "load.chronic_days", "must exceed load.acute_days, which must be positive")
	check(l.MonotonyDays > 1 && l.MonotonyCap > 0, "load.monotony_days", "want more than one day and a positive cap")
	check(l.CTLDays > 0 && l.ATLDays > 0, "load.ctl_days", "time constants must be positive")
	for g, rules := range c.Rules {
		for n, r := range rules {
			key := "rules." + g + "." + n
			check(r.Severity == "info" || r.Severity == "warn" || r.Severity == "refer", key+".severity", fmt.Sprintf("%q: want info, warn or refer", r.Severity))
			check(g != "red" || r.Severity == "refer", key+".severity", "red flags always refer to a clinician")
			check(r.Source != "", key+".source", "every rule needs its source")
		}
	}
	return errors.Join(errs...)
}

// LoadParams returns the training-load parameters.
func (c Config) LoadParams() gait.LoadParams {
	l := c.Load
	return gait.LoadParams{
		SpikeWindowDays:    l.SpikeWindowDays,
		SpikeSmallAbove:    l.SpikeSmallAbove,
		SpikeModerateAbove: l.SpikeModerateAbove,
		SpikeLargeAbove:    l.SpikeLargeAbove,
		TwoWeekFlagPct:     l.TwoWeekFlagPct,
		AcuteDays:          l.AcuteDays,
		ChronicDays:        l.ChronicDays,
		MonotonyDays:       l.MonotonyDays,
		MonotonyFlag:       l.MonotonyFlag,
		MonotonyCap:        l.MonotonyCap,
		CTLDays:            l.CTLDays,
		ATLDays:            l.ATLDays,
		MinHistoryDays:     l.MinHistoryDays,
	}
}

// Gait returns the per-run analysis parameters.
func (c Config) Gait() gait.Params {
	bands := make([]gait.Band, len(c.Cadence.Bands))
	for i, b := range c.Cadence.Bands {
		bands[i] = gait.Band{Name: b.Name, Edge: b.Edge}
	}
	zones := func(e []float64) []gait.Band {
		return []gait.Band{{Name: "purple", Edge: e[0]}, {Name: "blue", Edge: e[1]}, {Name: "green", Edge: e[2]}, {Name: "orange", Edge: e[3]}, {Name: "red", Edge: 0}}
	}
	return gait.Params{
		StopSpeedMPS:        c.Moving.StopSpeedMPS,
		WalkCadenceSPM:      c.Moving.WalkCadenceSPM,
		WarmupS:             c.Moving.WarmupS,
		MaxRecordGapS:       c.Moving.MaxRecordGapS,
		CadenceBands:        bands,
		BalanceGreenMaxPct:  c.Balance.GreenMaxPct,
		BalanceOrangeMaxPct: c.Balance.OrangeMaxPct,
		GCTZones:            zones(c.Zones.GCTMS),
		VOZonesHRM:          zones(c.Zones.VOMMHRM),
		VOZonesRDP:          zones(c.Zones.VOMMRDP),
		VRZonesHRM:          zones(c.Zones.VRPctHRM),
		VRZonesRDP:          zones(c.Zones.VRPctRDP),
		SteadyWindowS:       c.Steady.WindowS,
		SteadySpeedTolPct:   c.Steady.SpeedTolPct,
		SteadyGradeMaxPct:   c.Steady.GradeMaxPct,
		GradeWindowS:        c.Grade.WindowS,
		Drift: gait.DriftParams{
			LateFraction:   c.Drift.LateFraction,
			RefEndFraction: c.Drift.RefEndFraction,
			SpeedBinMPS:    c.Drift.SpeedBinMPS,
			GradeBinPct:    c.Drift.GradeBinPct,
			MinBinSamples:  c.Drift.MinBinSamples,
			MinSamples:     c.Drift.MinSamples,
		},
		Spikes: gait.SpikeParams{WindowS: c.Spikes.WindowS, StepS: c.Spikes.StepS, K: c.Spikes.K, MinS: c.Spikes.MinS,
			DownhillPc: c.Spikes.DownhillPct, MaxSpikes: c.Spikes.MaxListed},
		Effort: gait.EffortParams{HRRestBPM: c.Athlete.HRRestBPM, HRMaxBPM: c.Athlete.HRMaxBPM,
			Sex: c.Athlete.Sex, ElevationHysteresisM: c.Effort.ElevationHysteresisM},
	}
}

// ReportOptions returns the report's windows.
func (c Config) ReportOptions() report.Options {
	return report.Options{
		RecentDays:         c.Report.RecentDays,
		SymptomWindow:      c.Report.SymptomWindowH,
		BaselineDays:       c.Report.BaselineDays,
		RestDays:           c.Report.RestDays,
		RestFraction:       c.Report.RestFraction,
		BalanceGreenMaxPct: c.Balance.GreenMaxPct,
	}
}

// ChartOptions returns the HTML report's chart settings.
func (c Config) ChartOptions() report.ChartOptions {
	return report.ChartOptions{ACWRLow: c.Charts.ACWRLow, ACWRHigh: c.Charts.ACWRHigh,
		TraceBinS: c.Charts.TraceBinS, TraceMaxRuns: c.Charts.TraceMaxRuns}
}

// Location returns the time zone of symptom times without an offset.
func (c Config) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.Symptoms.Timezone)
	if err != nil {
		return nil, fmt.Errorf("config: symptoms.timezone: %w", err)
	}
	return loc, nil
}

// ReportRules returns the report's rules, by id.
func (c Config) ReportRules() report.Rules {
	out := report.Rules{}
	for g, rules := range c.Rules {
		for n, r := range rules {
			out[g+"."+n] = report.Rule{Severity: r.Severity, Threshold: r.Threshold, Grade: r.Grade, Source: r.Source}
		}
	}
	return out
}
