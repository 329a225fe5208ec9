package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// diaryPath is where log writes anna's diary in the store at root.
func diaryPath(root string) string { return filepath.Join(root, "symptoms", "athlete=anna.csv") }

func readDiary(t *testing.T, root string) []ingest.Symptom {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	syms, err := ingest.ReadSymptomsFile(diaryPath(root), ingest.SymptomOptions{Location: berlin})
	if err != nil {
		t.Fatal(err)
	}
	return syms
}

// An entry goes into a new diary with the header, a second one under it,
// and the diary reads back as what was logged.
func TestLogAppends(t *testing.T) {
	checkEnv(t)
	root := t.TempDir()
	out, errOut, code := runCLI(t, "log", "--athlete", "anna", "--store", root, "--date", "2026-09-14 07:30",
		"--side", "L", "--location", "between toes 3 and 4", "--sensation", "tingling,burning", "--sensation", "pins and needles",
		"--severity", "3/10", "--timing", "during run;at rest", "--duration", "20 min", "--shoes", "Pegasus 41", "--notes", "new shoes, laces tight")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, diaryPath(root)) || !strings.Contains(out, "2026-09-14 07:30 CEST left toes_3_4: tingling, burning, pins_and_needles 3/10 during_run at_rest for 20m") {
		t.Errorf("confirmation %q", out)
	}
	if _, errOut, code = runCLI(t, "log", "--athlete", "anna", "--store", root, "--date", "2026-09-15", "--location", "heel", "--sensation", "ache", "--severity", "0"); code != exitOK {
		t.Fatalf("second entry: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(diaryPath(root))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "date,side,location"); n != 1 {
		t.Errorf("%d header lines in\n%s", n, b)
	}
	syms := readDiary(t, root)
	if len(syms) != 2 {
		t.Fatalf("%d entries, want 2:\n%s", len(syms), b)
	}
	s := syms[0]
	want := ingest.Symptom{Side: "left", Location: "toes_3_4", Sensations: []ingest.Sensation{"tingling", "burning", "pins_and_needles"},
		Severity: 3, Timing: []ingest.Timing{"during_run", "at_rest"}, Duration: 20 * time.Minute, Shoes: "Pegasus 41", Notes: "new shoes, laces tight"}
	if s.Side != want.Side || s.Location != want.Location || !slices.Equal(s.Sensations, want.Sensations) || s.Severity != want.Severity ||
		!slices.Equal(s.Timing, want.Timing) || s.Duration != want.Duration || s.Shoes != want.Shoes || s.Notes != want.Notes {
		t.Errorf("read back %+v\nwant      %+v", s, want)
	}
	// 07:30 in Berlin in September is 05:30 UTC.
	if got := s.Time.UTC().Format(time.RFC3339); got != "2026-09-14T05:30:00Z" || s.DateOnly {
		t.Errorf("time %s (date only %v)", got, s.DateOnly)
	}
	if !syms[1].DateOnly || syms[1].Severity != 0 {
		t.Errorf("second entry %+v, want a day with severity 0", syms[1])
	}
}

// Without --date the entry is now, on the configured zone's clock.
func TestLogDefaultsToNow(t *testing.T) {
	checkEnv(t)
	root := t.TempDir()
	now := time.Date(2026, 1, 10, 20, 15, 42, 500, time.UTC) // 21:15:42 in Berlin (UTC+1 in January)
	o := logOptions{storeFlags: storeFlags{athlete: "anna", dir: root}, location: "calf", sensations: []string{"cramp"}, severity: "6",
		now: func() time.Time { return now }}
	var out bytes.Buffer
	if err := runLog(context.Background(), o, globalOptions{}, &out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(diaryPath(root))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\n2026-01-10T21:15:42+01:00,,calf,cramp,6,") {
		t.Errorf("diary:\n%s", b)
	}
}

// An existing diary keeps every byte; one that does not end in a line
// break gets one before the row, and one of comments only gets the
// header.
func TestLogKeepsTheDiary(t *testing.T) {
	checkEnv(t)
	tests := []struct {
		name, before, sep string
	}{
		{"ends with a line break", "date,side,location,sensation,severity,timing,duration,shoes,notes\n2026-09-01,,heel,ache,2,,,,\n", ""},
		{"last line without its line break", "date,side,location,sensation,severity,timing,duration,shoes,notes\r\n2026-09-01,,heel,ache,2,,,,", "\n"},
		{"header as a spreadsheet writes it", "# my diary\nDate,Side,Location,Sensation,Severity (0-10),Timing,Duration,Shoes,Notes\n", ""},
		{"comments only", "# my diary, started today\n", "date,side,location,sensation,severity,timing,duration,shoes,notes\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.MkdirAll(filepath.Dir(diaryPath(root)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(diaryPath(root), []byte(tt.before), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, errOut, code := runCLI(t, "log", "--athlete", "anna", "--store", root, "--date", "2026-09-02", "--location", "heel", "--sensation", "ache", "--severity", "3"); code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			b, err := os.ReadFile(diaryPath(root))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.before + tt.sep + "2026-09-02,,heel,ache,3,,,,\n"
			if string(b) != want {
				t.Errorf("diary\n%q\nwant\n%q", b, want)
			}
			if syms := readDiary(t, root); syms[len(syms)-1].Severity != 3 {
				t.Errorf("last entry %+v", syms[len(syms)-1])
			}
		})
	}
}

func TestLogErrors(t *testing.T) {
	checkEnv(t)
	root := t.TempDir()
	ok := []string{"--location", "heel", "--sensation", "ache", "--severity", "2"}
	tests := []struct {
		name   string
		args   []string
		exit   int
		stderr string
	}{
		{"no athlete", ok, exitUsage, "--athlete is required"},
		{"misspelt location", []string{"--athlete", "anna", "--location", "midial arch", "--sensation", "ache", "--severity", "2"}, exitUsage, `--location "midial arch": unknown location; did you mean "medial_arch"?`},
		{"misspelt sensation", []string{"--athlete", "anna", "--location", "heel", "--sensation", "ache,tinglin", "--severity", "2"}, exitUsage, `--sensation "tinglin": unknown sensation; did you mean "tingling"?`},
		{"misspelt side", []string{"--athlete", "anna", "--side", "lefft", "--location", "heel", "--sensation", "ache", "--severity", "2"}, exitUsage, `--side "lefft": unknown side; did you mean "left"?`},
		{"unknown timing", []string{"--athlete", "anna", "--timing", "nite", "--location", "heel", "--sensation", "ache", "--severity", "2"}, exitUsage, `--timing "nite"`},
		{"severity out of range", []string{"--athlete", "anna", "--location", "heel", "--sensation", "ache", "--severity", "11"}, exitUsage, `--severity "11"`},
		{"no severity", []string{"--athlete", "anna", "--location", "heel", "--sensation", "ache"}, exitUsage, "--severity is required"},
		{"no location", []string{"--athlete", "anna", "--sensation", "ache", "--severity", "2"}, exitUsage, "--location is required"},
		{"no sensation", []string{"--athlete", "anna", "--location", "heel", "--severity", "2"}, exitUsage, "--sensation is required"},
		{"repeated sensation", []string{"--athlete", "anna", "--location", "heel", "--sensation", "ache;ache", "--severity", "2"}, exitUsage, `--sensation "ache"`},
		{"ambiguous date", append([]string{"--athlete", "anna", "--date", "14/09/2026"}, ok...), exitUsage, `--date "14/09/2026"`},
		{"duration without unit", append([]string{"--athlete", "anna", "--duration", "20"}, ok...), exitUsage, `--duration "20": needs a unit`},
		{"stray argument", append([]string{"--athlete", "anna", "heel"}, ok...), exitUsage, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"log", "--store", root}, tt.args...)
			_, errOut, code := runCLI(t, args...)
			if code != tt.exit || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.exit, tt.stderr)
			}
		})
	}
	if _, err := os.Stat(diaryPath(root)); err == nil {
		t.Errorf("a failed log wrote the diary")
	}

	// A diary in other columns is left alone.
	before := "when,where,feeling,score\n2026-09-01 07:00,heel,ache,2\n"
	if err := os.MkdirAll(filepath.Dir(diaryPath(root)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(diaryPath(root), []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, append([]string{"log", "--store", root, "--athlete", "anna"}, ok...)...)
	if code != exitFailed || !strings.Contains(errOut, "athlete=anna.csv: the diary's columns are") {
		t.Errorf("other columns: exit %d, stderr %q", code, errOut)
	}
	if b, _ := os.ReadFile(diaryPath(root)); string(b) != before {
		t.Errorf("diary changed to %q", b)
	}
}

// What log writes, check reads: the entry is one of the run's recent
// symptoms.
func TestLogThenCheck(t *testing.T) {
	checkEnv(t)
	root := t.TempDir()
	if _, errOut, code := runCLI(t, "log", "--athlete", "anna", "--store", root, "--date", "2026-10-18 18:00", "--side", "left",
		"--location", "toes 3 4", "--sensation", "tingling", "--severity", "3", "--timing", "after run"); code != exitOK {
		t.Fatalf("log: exit %d: %s", code, errOut)
	}
	out, errOut, code := runCLI(t, "check", "--athlete", "anna", "--store", root, filepath.Join("..", "..", "testdata", "demo", "2026-10-18-long.fit"))
	if code != exitOK && code != exitRisk {
		t.Fatalf("check: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "symptoms  1 in the 14 days to the run: 10-18 left toes 3 4 tingling 3/10") {
		t.Errorf("check did not see the logged entry:\n%s", out)
	}
}
