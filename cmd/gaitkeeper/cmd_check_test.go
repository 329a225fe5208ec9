package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/proto"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
	"github.com/gaitkeeper/gaitkeeper/internal/config"
	"github.com/gaitkeeper/gaitkeeper/internal/store"
	"github.com/gaitkeeper/gaitkeeper/report"
)

// scenarioDir is testdata/scenarios/<name> of the repository.
func scenarioDir(name string) string { return filepath.Join("..", "..", "testdata", "scenarios", name) }

// storeFITs stores the FIT files of dir, except skip, for athlete through
// putFIT (what check and ingest do), in name order, and returns the
// store's folder.
func storeFITs(t *testing.T, athlete, dir, skip string) string {
	t.Helper()
	cfg, err := config.Load(config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	st, err := storeFlags{athlete: athlete, dir: root}.open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.fit"))
	if len(files) == 0 {
		t.Fatalf("no FIT files in %s", dir)
	}
	for _, f := range files {
		if filepath.Base(f) == skip {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := putFIT(context.Background(), st, athlete, filepath.Base(f), data, cfg.Gait()); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	return root
}

// checkEnv keeps the developer's configuration out of a test and reads
// times without an offset as the scenarios' runner does.
func checkEnv(t *testing.T) {
	t.Helper()
	noUserConfig(t)
	t.Setenv("GAITKEEPER_SYMPTOMS_TIMEZONE", "Europe/Berlin")
}

// The three stories of issue 5, through the CLI: the story's runs are
// stored, then its key run (the last) is checked with its diary. Each
// gives the flags its story calls for (testdata/scenarios/*/README.md
// says why) and exit 4 (see a clinician) or 3 (risk).
func TestCheckScenarios(t *testing.T) {
	checkEnv(t)
	tests := []struct {
		name string
		exit int
		want []string // rules that must be flagged
		not  []string // rules, or kinds, that must not be
	}{
		{"a", exitRefer, []string{"red.persistent_nerve", "nerve.pattern", "nerve.territory", "overuse.session_spike"}, []string{"overuse.two_week"}},
		{"b", exitRefer, []string{"red.serious", "nerve.territory"}, []string{"overuse.session_spike", "overuse.two_week", "overuse.monotony", "nerve.pattern"}},
		{"c", exitRisk, []string{"overuse.two_week", "overuse.session_spike", "nerve.territory"}, []string{report.KindRedFlag, "nerve.pattern", "form.cadence_below_own"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := scenarioDir(tt.name)
			fits, _ := filepath.Glob(filepath.Join(dir, "*.fit"))
			if len(fits) < 10 {
				t.Fatalf("%d FIT files in %s", len(fits), dir)
			}
			key := fits[len(fits)-1] // the last run: the story's day (now.txt)
			now, err := os.ReadFile(filepath.Join(dir, "now.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if day := strings.TrimSpace(string(now)); !strings.HasPrefix(filepath.Base(key), day) {
				t.Fatalf("now.txt says %s, the last run is %s", day, filepath.Base(key))
			}
			athlete := "scenario-" + tt.name
			root := storeFITs(t, athlete, dir, filepath.Base(key))
			args := []string{"check", "--athlete", athlete, "--store", root, "--symptoms", filepath.Join(dir, "symptoms.csv"), key}

			out, errOut, code := runCLI(t, args...)
			if code != tt.exit {
				t.Errorf("text: exit %d, want %d; stderr %s", code, tt.exit, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) > checkMaxLines || lines[len(lines)-1] != report.Disclaimer {
				t.Errorf("%d lines, the last %q; want at most %d ending with the disclaimer", len(lines), lines[len(lines)-1], checkMaxLines)
			}
			golden(t, filepath.Join("check", tt.name+".txt"), out)

			// Again as JSON: the run is stored now, and nothing changes.
			out, errOut, code = runCLI(t, append(args[:1:1], append([]string{"--format", "json"}, args[1:]...)...)...)
			if code != tt.exit {
				t.Errorf("json: exit %d, want %d; stderr %s", code, tt.exit, errOut)
			}
			var doc struct {
				Run struct {
					HistoryRuns int `json:"history_runs"`
				} `json:"run"`
				Verdict    string `json:"verdict"`
				ExitCode   int    `json:"exit_code"`
				Disclaimer string `json:"disclaimer"`
				Flags      []struct {
					Kind, Rule, Severity, Message string
				} `json:"flags"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("invalid JSON: %v\n%s", err, out)
			}
			if doc.ExitCode != code || doc.Disclaimer != report.Disclaimer || doc.Run.HistoryRuns != len(fits) {
				t.Errorf("exit_code %d (process %d), %d runs in history (%d files), disclaimer %q", doc.ExitCode, code, doc.Run.HistoryRuns, len(fits), doc.Disclaimer)
			}
			var rules []string
			for i, f := range doc.Flags {
				rules = append(rules, f.Rule)
				if f.Kind == report.KindRedFlag && (i > 0 && doc.Flags[i-1].Kind != report.KindRedFlag || !strings.Contains(f.Message, "see a clinician")) {
					t.Errorf("red flag %s after a %s flag, or without \"see a clinician\": %s", f.Rule, doc.Flags[i-1].Kind, f.Message)
				}
				if slices.Contains(tt.not, f.Rule) || slices.Contains(tt.not, f.Kind) {
					t.Errorf("unexpected %s (%s): %s", f.Rule, f.Kind, f.Message)
				}
			}
			for _, w := range tt.want {
				if !slices.Contains(rules, w) {
					t.Errorf("missing %s in %v", w, rules)
				}
			}
			golden(t, filepath.Join("check", tt.name+".json"), out)
		})
	}
}

// Without --athlete a run is checked on its own: no history, no spike
// ratio, nothing stored.
func TestCheckWithoutAthlete(t *testing.T) {
	checkEnv(t)
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	out, errOut, code := runCLI(t, "check", filepath.Join("..", "..", "testdata", "demo", "2026-10-18-long.fit"))
	if code != exitOK && code != exitRisk {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "give --athlete") || strings.Contains(out, "overuse.session_spike") {
		t.Errorf("want the spike undefined for lack of history:\n%s", out)
	}
	if ents, _ := os.ReadDir(os.Getenv("XDG_DATA_HOME")); len(ents) != 0 {
		t.Errorf("check without --athlete wrote to the data folder: %v", ents)
	}
}

func TestCheckErrors(t *testing.T) {
	checkEnv(t)
	demo := filepath.Join("..", "..", "testdata", "demo", "2026-10-18-long.fit")
	bad := filepath.Join(t.TempDir(), "notes.fit")
	if err := os.WriteFile(bad, []byte("not a FIT file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		exit   int
		stderr string
	}{
		{"format", []string{"check", "--format", "xml", demo}, exitUsage, "--format"},
		{"store without athlete", []string{"check", "--store", t.TempDir(), demo}, exitUsage, "--store needs --athlete"},
		{"athlete name", []string{"check", "--athlete", "Anna", "--store", t.TempDir(), demo}, exitUsage, "--athlete"},
		{"two files", []string{"check", demo, demo}, exitUsage, "accepts 1 arg"},
		{"no file", []string{"check", filepath.Join(t.TempDir(), "missing.fit")}, exitFailed, "missing.fit"},
		{"not FIT", []string{"check", bad}, exitFailed, "notes.fit"},
		{"not FIT, stored as a failure", []string{"check", "--athlete", "anna", "--store", t.TempDir(), bad}, exitFailed, "notes.fit"},
		{"no run", []string{"check", fitFile("python-fitparse__Edge810-Vector-2013-08-16-15-35-10.fit")}, exitFailed, "no run to check (activities: cycling)"},
		{"bad diary", []string{"check", "--symptoms", filepath.Join(scenarioDir("a"), "now.txt"), demo}, exitFailed, "now.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, tt.args...)
			if code != tt.exit || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.exit, tt.stderr)
			}
			if out != "" {
				t.Errorf("stdout %q on an error", out)
			}
		})
	}
}

// Checking the same file twice stores it once; the second check sees the
// same history.
func TestCheckStoresOnce(t *testing.T) {
	checkEnv(t)
	root := t.TempDir()
	f := filepath.Join("..", "..", "testdata", "demo", "2026-08-31-easy.fit")
	first, _, code1 := runCLI(t, "check", "--athlete", "anna", "--store", root, f)
	second, _, code2 := runCLI(t, "check", "--athlete", "anna", "--store", root, f)
	if code1 != code2 || first != second {
		t.Errorf("second check differs (exit %d then %d):\n%s\n---\n%s", code1, code2, first, second)
	}
	if !strings.Contains(first, "1 runs to this day") {
		t.Errorf("want one run in the history:\n%s", first)
	}
}

// The athlete's diary and --symptoms are read together; an entry in both
// counts once.
func TestCheckDiaryAndSymptomsFile(t *testing.T) {
	checkEnv(t)
	dir := scenarioDir("b")
	key := filepath.Join(dir, "2026-02-27-easy.fit")
	root := storeFITs(t, "b", dir, filepath.Base(key))
	diary := filepath.Join(dir, "symptoms.csv")
	fileOnly, _, code := runCLI(t, "check", "--athlete", "b", "--store", root, "--symptoms", diary, key)
	if code != exitRefer {
		t.Fatalf("exit %d, want %d", code, exitRefer)
	}
	b, err := os.ReadFile(diary)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(root, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path, err := st.SymptomsPath("b")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	storedOnly, _, _ := runCLI(t, "check", "--athlete", "b", "--store", root, key)
	both, _, _ := runCLI(t, "check", "--athlete", "b", "--store", root, "--symptoms", diary, key)
	if storedOnly != fileOnly || both != fileOnly {
		t.Errorf("--symptoms alone:\n%s\ndiary alone:\n%s\nboth:\n%s", fileOnly, storedOnly, both)
	}
}

// The text never exceeds checkMaxLines: extra flags are counted, the
// most urgent shown.
func TestCheckTextLimit(t *testing.T) {
	c := checked{File: "x.fit", Run: report.Run{Local: time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC)}, Days: 14, BaselineDays: 28}
	for i := range 12 {
		c.As.Flags = append(c.As.Flags, report.Flag{Kind: report.KindForm, Rule: fmt.Sprintf("form.r%d", i), Severity: report.SeverityWarn, Message: "m"})
	}
	var b strings.Builder
	if err := c.writeText(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != checkMaxLines {
		t.Errorf("%d lines, want %d:\n%s", len(lines), checkMaxLines, b.String())
	}
	// 15 lines: 8 of figures and verdict, 5 flags, the count, the disclaimer.
	if !strings.Contains(b.String(), "form.r4:") || strings.Contains(b.String(), "form.r5:") || !strings.Contains(b.String(), "… and 7 more") {
		t.Errorf("want flags r0–r4 and 7 more counted:\n%s", b.String())
	}
}

// benchRunFIT encodes a run of the given length recorded at 1 Hz with
// every running-dynamics channel, as a watch with a chest strap writes
// it (the shape of gait's BenchmarkAnalyze file). serial is the watch's
// serial number: a different serial makes a different activity (and
// file) with the same start.
func benchRunFIT(tb testing.TB, serial uint32, start time.Time, seconds int) []byte {
	tb.Helper()
	rng := rand.New(rand.NewPCG(uint64(serial), 3))
	fileID := mesgdef.FileId{Type: typedef.FileActivity, Manufacturer: typedef.ManufacturerGarmin, Product: 4315, SerialNumber: serial, TimeCreated: start}
	msgs := make([]proto.Message, 0, seconds+3)
	msgs = append(msgs, fileID.ToMesg(nil))
	dist := 0.0
	for i := range seconds {
		speed := 3 + 0.3*math.Sin(float64(i)/600) + 0.05*rng.NormFloat64()
		dist += speed
		spm := 168 + 4*(speed-3) + 2*rng.NormFloat64()
		strides := spm / 2
		r := mesgdef.Record{
			Timestamp:           start.Add(time.Duration(i) * time.Second),
			Distance:            uint32(dist * 100),
			EnhancedSpeed:       uint32(speed * 1000),
			EnhancedAltitude:    uint32((500 + 100 + 30*math.Sin(float64(i)/900)) * 5),
			HeartRate:           uint8(140 + 10*math.Sin(float64(i)/1200)),
			Cadence:             uint8(strides),
			FractionalCadence:   uint8((strides - math.Floor(strides)) * 128),
			StanceTime:          uint16((250 + 8*rng.NormFloat64()) * 10),
			StanceTimeBalance:   uint16((50.3 + 0.3*rng.NormFloat64()) * 100),
			VerticalOscillation: uint16((90 + 3*rng.NormFloat64()) * 10),
			VerticalRatio:       uint16((8 + 0.3*rng.NormFloat64()) * 100),
			StepLength:          uint16(speed / (spm / 60) * 1000 * 10),
			Power:               uint16(250 + 20*rng.NormFloat64()),
		}
		msgs = append(msgs, r.ToMesg(nil))
	}
	end := start.Add(time.Duration(seconds) * time.Second)
	s := mesgdef.NewSession(nil)
	s.Sport, s.SubSport, s.StartTime, s.Timestamp = typedef.SportRunning, typedef.SubSportGeneric, start, end
	s.TotalElapsedTime, s.TotalTimerTime, s.TotalDistance = uint32(seconds*1000), uint32(seconds*1000), uint32(dist*100)
	act := mesgdef.NewActivity(nil)
	act.Timestamp, act.NumSessions, act.Type = end, 1, typedef.ActivityManual
	msgs = append(msgs, s.ToMesg(nil), act.ToMesg(nil))
	var buf bytes.Buffer
	if err := encoder.New(&buf).Encode(&proto.FIT{Messages: msgs}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkCheck times `gaitkeeper check --athlete` of one 3-hour 1 Hz
// run against a year of history (250 stored runs): the whole command,
// from reading the configuration and the FIT file to decoding, analyzing,
// storing, reading the history back, assessing and printing. Target
// (issue 5): 200 ms or less.
//
//	go test ./cmd/gaitkeeper -run '^$' -bench Check -count 10 | benchstat -
//
// Every iteration checks a new file (another watch serial), so it is
// decoded and stored, never skipped as known; the file is written
// outside the timer.
func BenchmarkCheck(b *testing.B) {
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	ctx := context.Background()
	dir := b.TempDir()
	cfg, err := config.Load(config.Options{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := storeFlags{athlete: "bench", dir: dir}.open(cfg)
	if err != nil {
		b.Fatal(err)
	}
	p := cfg.Gait()

	// A year of history: 250 runs, each with the metric columns of a
	// real analysis (a one-hour run) and its own distance. Their samples
	// are a stub: check never reads samples.
	checkDay := time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC)
	hour, err := ingest.DecodeFIT(bytes.NewReader(benchRunFIT(b, 1, checkDay, 3600)), ingest.DecodeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	cols := gait.Analyze(hour[0], p).Columns(p)
	for i := range 250 {
		start := checkDay.AddDate(0, 0, -365+i*365/250)
		km := 8 + 4*math.Sin(float64(i)/7)
		m := maps.Clone(cols)
		m["moving_distance_m"], m["moving_time_s"] = km*1000, km*330
		a := &ingest.Activity{Sport: "running", SubSport: "generic", Start: start, Device: ingest.Device{Manufacturer: "garmin", Serial: 7},
			Elapsed: []float64{0}, Totals: ingest.Totals{DistanceM: km * 1000, ElapsedS: km * 330, TimerS: km * 330}}
		fillNaN(a)
		f := store.File{Athlete: "bench", Name: fmt.Sprintf("h%03d.fit", i), SHA256: sha256.Sum256(fmt.Appendf(nil, "h%d", i)),
			Activities: []store.Activity{{Data: a, Metrics: m}}}
		if _, err := st.Put(ctx, f); err != nil {
			b.Fatal(err)
		}
	}

	file := filepath.Join(b.TempDir(), "long.fit")
	serial := uint32(100)
	// warm: the store's row cache is current but for the new run, as
	// after any earlier check or report. cold: no row cache, as on the
	// first read after an ingest: every activities file is read.
	for _, cold := range []bool{false, true} {
		name := "cache=warm"
		if cold {
			name = "cache=cold"
		}
		b.Run(name, func(b *testing.B) {
			if _, err := st.Activities(ctx, "bench"); err != nil { // writes the row cache
				b.Fatal(err)
			}
			var last int
			for b.Loop() {
				b.StopTimer()
				serial++
				if err := os.WriteFile(file, benchRunFIT(b, serial, checkDay, 3*3600), 0o644); err != nil {
					b.Fatal(err)
				}
				if cold {
					if err := os.RemoveAll(filepath.Join(dir, "cache")); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				last = run(ctx, []string{"check", "--athlete", "bench", "--store", dir, file}, io.Discard, io.Discard)
			}
			if last != exitOK && last != exitRisk && last != exitRefer {
				b.Fatalf("check exited %d", last)
			}
		})
	}
}

// fillNaN gives every per-record column of a one-record activity a value
// of NaN, so the columns have equal length.
func fillNaN(a *ingest.Activity) {
	for _, c := range []*[]float64{&a.DistanceM, &a.SpeedMPS, &a.AltitudeM, &a.GradePct, &a.HeartRateBPM, &a.CadenceSPM,
		&a.CadenceRPM, &a.GCTMS, &a.GCTBalanceLeftPct, &a.StanceTimePct, &a.VerticalOscillationMM, &a.VerticalRatioPct,
		&a.StepLengthMM, &a.PowerW, &a.TemperatureC} {
		*c = []float64{math.NaN()}
	}
}
