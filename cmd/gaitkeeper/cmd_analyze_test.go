package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// noUserConfig keeps the developer's own config file out of a test.
func noUserConfig(t *testing.T) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

// Every corpus file with a run has a golden JSON analysis; every file
// gives valid JSON (encoding/json refuses NaN, so a NaN that escaped
// would fail here) whatever its sport.
func TestAnalyzeGoldenEveryRun(t *testing.T) {
	noUserConfig(t)
	files, _ := filepath.Glob(fitFile("*.fit"))
	runs := 0
	for _, f := range files {
		out, errOut, code := runCLI(t, "analyze", "--format", "json", f)
		if code != exitOK {
			if code == exitFailed && strings.Contains(errOut, filepath.Base(f)) {
				continue // unreadable file, named in the error (TestInspectEveryCorpusFile covers these)
			}
			t.Errorf("%s: exit %d: %s", f, code, errOut)
			continue
		}
		var doc struct {
			Activities []struct {
				Sport    string `json:"sport"`
				Analyzed bool   `json:"analyzed"`
			} `json:"activities"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Errorf("%s: invalid JSON: %v", f, err)
			continue
		}
		hasRun := false
		for _, a := range doc.Activities {
			if a.Analyzed != (a.Sport == "running") {
				t.Errorf("%s: sport %s analyzed %v", f, a.Sport, a.Analyzed)
			}
			hasRun = hasRun || a.Analyzed
		}
		if hasRun {
			runs++
			golden(t, filepath.Join("analyze", strings.TrimSuffix(filepath.Base(f), ".fit")+".json"), out)
		}
	}
	if runs < 15 {
		t.Errorf("only %d corpus files hold a run", runs)
	}
}

func TestAnalyzeTextGolden(t *testing.T) {
	noUserConfig(t)
	out, errOut, code := runCLI(t, "analyze", fitFile("elevate__trosku.fit"), fitFile("python-fitparse__sample_mulitple_header.fit"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "analyze.txt", out)
}

// The configuration reaches the analysis: lowering drift.min_samples
// through the environment lets a drift through that the defaults
// withhold (elevate__trosku: 19 reference samples at matched speed and
// grade, fewer than the default 60).
func TestAnalyzeHonoursConfig(t *testing.T) {
	noUserConfig(t)
	drift := func() map[string]any {
		out, errOut, code := runCLI(t, "analyze", "--format", "json", fitFile("elevate__trosku.fit"))
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var doc struct {
			Activities []struct {
				Drift struct {
					Cadence map[string]any `json:"cadence_spm"`
				} `json:"drift"`
			} `json:"activities"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Activities[0].Drift.Cadence
	}
	if d := drift(); d["measured"] != false || d["delta"] != nil {
		t.Fatalf("default config: %v", d)
	}
	t.Setenv("GAITKEEPER_DRIFT_MIN_SAMPLES", "10")
	if d := drift(); d["measured"] != true || d["delta"] == nil {
		t.Errorf("min_samples 10: %v", d)
	}
	t.Setenv("GAITKEEPER_DRIFT_MIN_SAMPLES", "ten")
	if _, errOut, code := runCLI(t, "analyze", fitFile("elevate__trosku.fit")); code != exitFailed || !strings.Contains(errOut, "min_samples") {
		t.Errorf("bad config: exit %d, %s", code, errOut)
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	noUserConfig(t)
	if _, _, code := runCLI(t, "analyze", "--format", "xml", fitFile("elevate__trosku.fit")); code != exitUsage {
		t.Errorf("--format xml: exit %d, want %d", code, exitUsage)
	}
	out, errOut, code := runCLI(t, "analyze", "--format", "json", "cmd_analyze.go", fitFile("elevate__trosku.fit"))
	if code != exitFailed || !strings.Contains(errOut, "cmd_analyze.go: byte") || !strings.Contains(out, `"error"`) || !strings.Contains(out, `"cadence"`) {
		t.Errorf("non-FIT file among good ones: exit %d\nstderr %s", code, errOut)
	}
}
