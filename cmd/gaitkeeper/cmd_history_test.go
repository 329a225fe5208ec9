package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The demo athlete's history (issue 4's acceptance): the spike run,
// 2026-10-18-long.fit, is 22.0 / 15.5 km = 1.419 × the longest run of
// the previous 30 days, in Frandsen's "moderate" band, and no other run
// exceeds 1.10 (testdata/demo/README.md). Numbers that need 28 days of
// history are empty before then, and say why.
func TestHistoryDemo(t *testing.T) {
	checkEnv(t)
	root := storeFITs(t, "demo", filepath.Join("..", "..", "testdata", "demo"), "")
	base := []string{"history", "--athlete", "demo", "--store", root}

	t.Run("text", func(t *testing.T) {
		out, errOut, code := runCLI(t, base...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var spikeLine string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasSuffix(l, "2026-10-18-long.fit") {
				spikeLine = l
			}
		}
		if !strings.Contains(spikeLine, " 1.419 ") || !strings.Contains(spikeLine, " moderate ") {
			t.Errorf("spike run's line %q, want ratio 1.419 in the moderate band", spikeLine)
		}
		for _, want := range []string{"fewer than 28 days of history", "ACWR is context, never a verdict", "it does not diagnose"} {
			if !strings.Contains(out, want) {
				t.Errorf("text lacks %q", want)
			}
		}
		golden(t, filepath.Join("history", "demo.txt"), out)
	})

	t.Run("json", func(t *testing.T) {
		out, errOut, code := runCLI(t, append(base, "--format", "json")...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var doc struct {
			Runs []struct {
				Date, File string
				SpikeRatio *float64 `json:"spike_ratio"`
				SpikeWhy   string   `json:"spike_ratio_why"`
				SpikeBand  string   `json:"spike_band"`
				ACWR       *float64 `json:"acwr_ewma"`
				ACWRWhy    string   `json:"acwr_ewma_why"`
			}
			Weeks []struct {
				Week         string
				MaxSpikeBand string `json:"max_spike_band"`
			}
			ACWRNote string `json:"acwr_note"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Runs) != 54 || len(doc.Weeks) != 12 || doc.ACWRNote == "" {
			t.Fatalf("%d runs, %d weeks, note %q; want 54, 12 and the ACWR caveat", len(doc.Runs), len(doc.Weeks), doc.ACWRNote)
		}
		for i, r := range doc.Runs {
			switch {
			case r.File == "2026-10-18-long.fit":
				// 21,999.70 / 15,499.71 m moving distance = 1.41935 (4 decimals).
				if r.SpikeRatio == nil || *r.SpikeRatio != 1.4194 || r.SpikeBand != "moderate" {
					t.Errorf("spike run: ratio %v, band %q; want 1.4194, moderate", r.SpikeRatio, r.SpikeBand)
				}
			case i == 0:
				if r.SpikeRatio != nil || r.SpikeWhy == "" {
					t.Errorf("first run: ratio %v, why %q; want null and a reason", r.SpikeRatio, r.SpikeWhy)
				}
			case r.SpikeRatio == nil || *r.SpikeRatio > 1.10:
				t.Errorf("%s: ratio %v, want at most 1.10", r.File, r.SpikeRatio)
			}
			// ACWR needs 28 days: the first 27 days (2026-08-31 to 09-26) have none.
			if early := r.Date < "2026-09-27"; early != (r.ACWR == nil) || early && !strings.Contains(r.ACWRWhy, "of 28 days of history") {
				t.Errorf("%s: ACWR %v (%q)", r.Date, r.ACWR, r.ACWRWhy)
			}
		}
		if doc.Weeks[6].Week != "2026-W42" || doc.Weeks[6].MaxSpikeBand != "moderate" {
			t.Errorf("week 7: %+v, want 2026-W42 with the moderate spike", doc.Weeks[6])
		}
		golden(t, filepath.Join("history", "demo.json"), out)
	})

	t.Run("csv", func(t *testing.T) {
		for _, by := range []string{"run", "week"} {
			out, errOut, code := runCLI(t, append(base, "--format", "csv", "--by", by)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]int{"run": 55, "week": 13}[by]; len(recs) != want {
				t.Errorf("--by %s: %d records, want %d with the header", by, len(recs), want)
			}
			golden(t, filepath.Join("history", "demo."+by+".csv"), out)
		}
	})
}

func TestHistoryEmptyAndErrors(t *testing.T) {
	checkEnv(t)
	root := t.TempDir()
	out, _, code := runCLI(t, "history", "--athlete", "nobody", "--store", root)
	if code != exitOK || out != "athlete nobody: no runs stored\n" {
		t.Errorf("empty history: exit %d, %q", code, out)
	}
	out, _, code = runCLI(t, "history", "--athlete", "nobody", "--store", root, "--format", "json")
	if code != exitOK || !strings.Contains(out, `"runs": []`) {
		t.Errorf("empty JSON history: exit %d, %s", code, out)
	}
	for _, args := range [][]string{
		{"history", "--store", root},
		{"history", "--athlete", "x", "--store", root, "--format", "xml"},
		{"history", "--athlete", "x", "--store", root, "--by", "month"},
	} {
		if _, _, code := runCLI(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}
