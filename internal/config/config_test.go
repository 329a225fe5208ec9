package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/report"
)

// isolate keeps a real user file out of the test.
func isolate(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
}

// The embedded YAML and gait.DefaultParams must say the same thing, so
// the library's defaults and the binary's cannot drift apart.
func TestDefaultsMatchGait(t *testing.T) {
	isolate(t)
	c, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Gait(), gait.DefaultParams(); !reflect.DeepEqual(got, want) {
		t.Errorf("configs/default.yaml gives\n%+v\ngait.DefaultParams is\n%+v", got, want)
	}
	if got, want := c.ReportRules(), report.DefaultRules(); !reflect.DeepEqual(got, want) {
		for id := range want {
			if got[id] != want[id] {
				t.Errorf("rule %s: yaml %+v, report.DefaultRules %+v", id, got[id], want[id])
			}
		}
		if len(got) != len(want) {
			t.Errorf("yaml has %d rules, report.DefaultRules %d", len(got), len(want))
		}
	}
	if got, want := c.ReportOptions(), report.DefaultOptions(); got != want {
		t.Errorf("configs/default.yaml gives\n%+v\nreport.DefaultOptions is\n%+v", got, want)
	}
	if got, want := c.ChartOptions(), report.DefaultChartOptions(); got != want {
		t.Errorf("configs/default.yaml gives\n%+v\nreport.DefaultChartOptions is\n%+v", got, want)
	}
	if got, want := c.LoadParams(), gait.DefaultLoadParams(); got != want {
		t.Errorf("configs/default.yaml gives\n%+v\ngait.DefaultLoadParams is\n%+v", got, want)
	}
}

func TestUserFileAndEnvironmentOverride(t *testing.T) {
	isolate(t)
	file := filepath.Join(t.TempDir(), "me.yaml")
	os.WriteFile(file, []byte("athlete:\n  hr_max_bpm: 201\n  sex: female\ndrift:\n  min_samples: 30\n"), 0o644)
	t.Setenv("GAITKEEPER_DRIFT_MIN_SAMPLES", "45")
	c, err := Load(Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Gait()
	// The file sets 201 and female; the environment beats the file's 30;
	// untouched keys keep their defaults.
	if p.Effort.HRMaxBPM != 201 || p.Effort.Sex != "female" || p.Drift.MinSamples != 45 || p.WarmupS != 300 {
		t.Errorf("overrides: %+v", p)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	for _, c := range []struct{ yaml, want string }{
		{"drift:\n  min_sampels: 30\n", "min_sampels"},           // a typo is an error, not ignored
		{"spikes:\n  k: many\n", "k"},                            // wrong type
		{"athlete:\n  hr_rest_bpm: 200\n", "athlete.hr_max_bpm"}, // rest above max
		{"athlete:\n  sex: other\n", "athlete.sex"},
		{"zones:\n  gct_ms: [300, 200, 250, 280]\n", "zones.gct_ms"},
		{"drift: [1, 2\n", "me.yaml"},                                                      // not YAML
		{"rules:\n  red:\n    motor:\n      severity: info\n", "rules.red.motor.severity"}, // a red flag cannot be silenced
	} {
		file := filepath.Join(dir, "me.yaml")
		os.WriteFile(file, []byte(c.yaml), 0o644)
		_, err := Load(Options{File: file})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one naming %q", c.yaml, err, c.want)
		}
	}
	if _, err := Load(Options{File: filepath.Join(dir, "missing.yaml")}); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}
