package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func fitFile(name string) string { return filepath.Join("..", "..", "testdata", "fit", name) }

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenFile(t, filepath.Join("testdata", name), got)
}

// goldenFile compares got with the file at path, or rewrites it under
// -update.
func goldenFile(t *testing.T, path, got string) {
	t.Helper()
	name := filepath.Base(path)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file (go test ./cmd/gaitkeeper -update to accept):\n%s", name, firstDiff(string(want), got))
	}
}

// firstDiff shows the first line where got differs from want, with the
// lines around it, so a large golden (an HTML report) fails readably.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	lines := func(x []string) string {
		return strings.Join(x[max(0, i-2):min(len(x), i+3)], "\n")
	}
	return fmt.Sprintf("first difference at line %d\n--- want\n%s\n--- got\n%s", i+1, lines(w), lines(g))
}

func TestInspectGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"inspect.fenix5.txt", []string{"inspect", fitFile("python-fitparse__garmin-fenix-5-run.fit")}},
		{"inspect.triathlon.txt", []string{"inspect", fitFile("python-fitparse__sample_mulitple_header.fit")}},
		{"inspect.stryd.json", []string{"inspect", "--format", "json", fitFile("fit-parser__running-with-developer-data.fit")}},
		{"inspect.fenix5.csv", []string{"inspect", "--samples", "csv", fitFile("python-fitparse__garmin-fenix-5-run.fit")}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			out, errOut, code := runCLI(t, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d, stderr %s", code, errOut)
			}
			golden(t, tt.golden, out)
		})
	}
}

// Every corpus file is read (exit 0) or fails with a message naming the
// file and a byte offset (exit 1); nothing panics.
func TestInspectEveryCorpusFile(t *testing.T) {
	files, _ := filepath.Glob(fitFile("*.fit"))
	if len(files) < 20 {
		t.Fatalf("found %d corpus files", len(files))
	}
	for _, f := range files {
		out, errOut, code := runCLI(t, "inspect", "--format", "json", f)
		switch code {
		case exitOK:
			var doc inspectFile
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Errorf("%s: bad JSON: %v", f, err)
			} else if len(doc.Activities) == 0 {
				t.Errorf("%s: exit 0 with no activities", f)
			}
		case exitFailed:
			if !strings.Contains(errOut, f) || !strings.Contains(errOut, "byte ") {
				t.Errorf("%s: failure message does not name file and offset: %q", f, errOut)
			}
		default:
			t.Errorf("%s: exit %d", f, code)
		}
	}
}

func TestInspectExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "notes.fit")
	if err := os.WriteFile(bad, []byte("not a fit file, just notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := fitFile("python-fitparse__garmin-fenix-5-run.fit")

	// One bad file does not stop the others; the exit code says one failed.
	out, errOut, code := runCLI(t, "inspect", bad, good)
	if code != exitFailed {
		t.Errorf("bad+good: exit %d, want %d", code, exitFailed)
	}
	if !strings.Contains(errOut, bad) || !strings.Contains(errOut, "byte ") || !strings.Contains(errOut, "not a FIT file") {
		t.Errorf("error does not name file, offset and cause: %q", errOut)
	}
	if !strings.Contains(out, "fenix5") {
		t.Errorf("good file not reported after the bad one:\n%s", out)
	}

	if _, _, code := runCLI(t, "inspect", filepath.Join(dir, "missing.fit")); code != exitFailed {
		t.Errorf("missing file: exit %d, want %d", code, exitFailed)
	}
	if _, _, code := runCLI(t, "inspect", "--format", "yaml", good); code != exitUsage {
		t.Errorf("bad --format: exit %d, want %d", code, exitUsage)
	}
	if _, _, code := runCLI(t, "inspect"); code != exitUsage {
		t.Errorf("no files: exit %d, want %d", code, exitUsage)
	}
	if _, _, code := runCLI(t, "inspect", "--no-such-flag", good); code != exitUsage {
		t.Errorf("unknown flag: exit %d, want %d", code, exitUsage)
	}
	// --strict turns the CRC warning into a failure.
	crc := fitFile("python-fitparse__activity-filecrc.fit")
	if _, _, code := runCLI(t, "inspect", crc); code != exitOK {
		t.Errorf("CRC mismatch without --strict: exit %d, want 0", code)
	}
	if _, errOut, code := runCLI(t, "inspect", "--strict", crc); code != exitFailed || !strings.Contains(errOut, "CRC") {
		t.Errorf("CRC mismatch with --strict: exit %d, stderr %q", code, errOut)
	}
}

func TestSamplesCSVShape(t *testing.T) {
	out, _, code := runCLI(t, "inspect", "--samples", "csv", fitFile("fit-parser__running-with-developer-data.fit"))
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	const head = "timestamp,activity,sport,elapsed_s,distance_m,speed_mps,altitude_m,grade_pct,heart_rate_bpm,cadence_spm,cadence_rpm,gct_ms,gct_balance_left_pct,stance_time_pct,vertical_oscillation_mm,vertical_ratio_pct,step_length_mm,power_w,temperature_c"
	if got := strings.Join(rows[0], ","); !strings.HasPrefix(got, head+",dev:") {
		t.Errorf("header %q", got)
	}
	if len(rows) != 1+1681 { // SOURCES.md: 1681 records
		t.Errorf("%d data rows, want 1681", len(rows)-1)
	}
}
