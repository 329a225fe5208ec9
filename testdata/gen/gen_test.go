package main

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// demoDir holds the committed files, relative to this package.
const demoDir = "../demo"

// TestCommittedFilesAreCurrent regenerates the block into a temporary
// directory and requires the committed files to be byte for byte the
// same, so the generator and testdata/demo cannot drift apart.
func TestCommittedFilesAreCurrent(t *testing.T) {
	dir := t.TempDir()
	written, err := generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, w := range written {
		want = append(want, w.Plan.Name())
	}
	got := fitNames(t, demoDir)
	if !slices.Equal(got, want) {
		t.Fatalf("%s holds %d FIT files, the generator writes %d:\n got %q\nwant %q\n(regenerate: rm testdata/demo/*.fit && go run ./testdata/gen -out testdata/demo)",
			demoDir, len(got), len(want), got, want)
	}
	for _, name := range want {
		fresh, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(filepath.Join(demoDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fresh, committed) {
			at := 0
			for at < len(fresh) && at < len(committed) && fresh[at] == committed[at] {
				at++
			}
			t.Errorf("%s: committed file (%d bytes) differs from a fresh run (%d bytes) at byte %d; regenerate with go run ./testdata/gen -out testdata/demo",
				name, len(committed), len(fresh), at)
		}
	}
}

func TestRunRejectsArguments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-out", t.TempDir(), "extra"}, &stdout, &stderr); code != 2 {
		t.Errorf("run with a stray argument: exit %d, want 2", code)
	}
	if code := run([]string{"-nosuchflag"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("run with an unknown flag: exit %d, want 2", code)
	}
	if stdout.Len() != 0 {
		t.Errorf("run wrote %q to stdout on a usage error", stdout.String())
	}
}

func fitNames(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.fit"))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	slices.Sort(names)
	return names
}

// demoRun is one committed file as gaitkeeper's own decoder reads it.
type demoRun struct {
	name string
	kind string // "easy" or "long", from the file name
	act  *ingest.Activity
}

func loadDemo(t *testing.T) []demoRun {
	t.Helper()
	names := fitNames(t, demoDir)
	if len(names) == 0 {
		t.Fatalf("no FIT files in %s", demoDir)
	}
	runs := make([]demoRun, 0, len(names))
	for _, name := range names {
		acts, err := ingest.DecodeFile(filepath.Join(demoDir, name), ingest.DecodeOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(acts) != 1 {
			t.Fatalf("%s: %d activities, want 1", name, len(acts))
		}
		if len(acts[0].Warnings) > 0 {
			t.Errorf("%s: warnings %v", name, acts[0].Warnings)
		}
		kind := strings.TrimSuffix(name[len("2006-01-02-"):], ".fit")
		runs = append(runs, demoRun{name: name, kind: kind, act: acts[0]})
	}
	return runs
}

// window is the mean of the moving records (speed ≥ 1.5 m/s, with running
// dynamics) of col whose share of the run's distance lies in [lo, hi).
func window(a *ingest.Activity, col []float64, lo, hi float64) float64 {
	total := a.DistanceM[a.Len()-1]
	sum, n := 0.0, 0
	for i := range col {
		x := a.DistanceM[i] / total
		if x < lo || x >= hi || !(a.SpeedMPS[i] >= 1.5) || math.IsNaN(a.GCTBalanceLeftPct[i]) || math.IsNaN(col[i]) {
			continue
		}
		sum += col[i]
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

func TestStory(t *testing.T) {
	runs := loadDemo(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	first, err := time.ParseInLocation("2006-01-02", firstMonday, berlin)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("one runner, twelve weeks, four or five runs a week", func(t *testing.T) {
		perWeek := map[int]int{}
		longs := map[int]int{}
		offsets := map[time.Duration]int{}
		for _, r := range runs {
			a := r.act
			local := a.Start.In(berlin)
			day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, berlin)
			week := int(day.Sub(first).Hours()/24) / 7
			perWeek[week]++
			if r.kind == kindLong {
				longs[week]++
				if local.Weekday() != time.Sunday {
					t.Errorf("%s: long run on a %s", r.name, local.Weekday())
				}
			}
			if a.Sport != "running" || a.Device.Manufacturer != "garmin" || a.Device.Product != "fr965" || a.Device.Serial != watchSerial {
				t.Errorf("%s: %s on %s %s #%d, want running on garmin fr965 #%d", r.name, a.Sport, a.Device.Manufacturer, a.Device.Product, a.Device.Serial, watchSerial)
			}
			strap := slices.IndexFunc(a.Sensors, func(s ingest.Sensor) bool {
				return s.Kind == ingest.SensorChestStrap && s.RunningDynamics && s.Product == "hrm_pro" && s.Serial == strapSerial
			})
			if strap < 0 {
				t.Errorf("%s: no HRM-Pro with running dynamics among %+v", r.name, a.Sensors)
			}
			_, off := a.Start.In(berlin).Zone()
			if !a.HasLocalOffset || a.LocalOffset != time.Duration(off)*time.Second {
				t.Errorf("%s: local offset %v (present %v), Europe/Berlin is %v", r.name, a.LocalOffset, a.HasLocalOffset, time.Duration(off)*time.Second)
			}
			offsets[a.LocalOffset]++
		}
		if len(perWeek) != 12 {
			t.Errorf("runs fall in %d weeks, want 12: %v", len(perWeek), perWeek)
		}
		for w := range 12 {
			if n := perWeek[w]; n < 4 || n > 5 {
				t.Errorf("week %d: %d runs, want 4 or 5", w+1, n)
			}
			if longs[w] != 1 {
				t.Errorf("week %d: %d long runs, want 1", w+1, longs[w])
			}
		}
		// The block crosses the end of summer time (25 October 2026).
		if offsets[2*time.Hour] == 0 || offsets[time.Hour] == 0 {
			t.Errorf("local offsets %v: want runs at both UTC+2 and UTC+1", offsets)
		}
	})

	t.Run("1 Hz records, auto laps and timer pauses", func(t *testing.T) {
		paused := 0
		for _, r := range runs {
			a := r.act
			if len(a.Pauses) > 1 {
				t.Errorf("%s: %d pauses, want at most 1", r.name, len(a.Pauses))
			}
			pauseS := 0.0
			for _, p := range a.Pauses {
				pauseS += p.End.Sub(p.Start).Seconds()
			}
			if len(a.Pauses) > 0 {
				paused++
			}
			gaps := 0.0
			for i := 1; i < a.Len(); i++ {
				switch dt := a.Elapsed[i] - a.Elapsed[i-1]; {
				case dt == 1:
				case len(a.Pauses) == 1 && a.Timestamp(i-1).Equal(a.Pauses[0].Start) && a.Timestamp(i).Equal(a.Pauses[0].End):
					gaps += dt
				default:
					t.Errorf("%s: records %d and %d are %v s apart outside a pause", r.name, i-1, i, dt)
				}
			}
			if gaps != pauseS {
				t.Errorf("%s: record gaps at pauses add up to %v s, the pauses to %v s", r.name, gaps, pauseS)
			}
			tot := a.Totals
			if got := tot.ElapsedS - tot.TimerS; got != pauseS {
				t.Errorf("%s: elapsed - timer = %v s, pauses %v s", r.name, got, pauseS)
			}
			if last := a.DistanceM[a.Len()-1]; last != tot.DistanceM {
				t.Errorf("%s: last record at %v m, session total %v m", r.name, last, tot.DistanceM)
			}
			if want := int(math.Ceil(tot.DistanceM / 1000)); len(a.Laps) != want {
				t.Errorf("%s: %d laps for %.2f km, want one per started km (%d)", r.name, len(a.Laps), tot.DistanceM/1000, want)
			}
		}
		if paused < 3 {
			t.Errorf("%d runs have a timer pause, want at least 3", paused)
		}
	})

	// Frandsen et al., BJSM 2025 (domain.md L1): distance over the longest
	// run of the previous 30 days; >1.10 is a spike, 1.30–2.00 "moderate".
	t.Run("one moderate distance spike", func(t *testing.T) {
		var spikes []string
		for i, r := range runs {
			longest := 0.0
			for _, q := range runs[:i] {
				if !q.act.Start.Before(r.act.Start.AddDate(0, 0, -30)) {
					longest = max(longest, q.act.Totals.DistanceM)
				}
			}
			if longest == 0 {
				continue
			}
			ratio := r.act.Totals.DistanceM / longest
			if ratio > 1.10 {
				spikes = append(spikes, r.name)
				if r.kind != kindLong || ratio <= 1.30 || ratio > 2.00 {
					t.Errorf("%s (%s): ratio %.3f, want a long run in the moderate band (1.30, 2.00]", r.name, r.kind, ratio)
				}
			}
		}
		if len(spikes) != 1 || spikes[0] != "2026-10-18-long.fit" {
			t.Errorf("runs over 1.10 × the 30-day longest: %q, want only 2026-10-18-long.fit", spikes)
		}
	})

	t.Run("realistic running dynamics", func(t *testing.T) {
		for _, r := range runs {
			a := r.act
			checks := []struct {
				name   string
				col    []float64
				lo, hi float64
			}{
				// Moving means over the whole run (0 to 1 of the distance).
				{"cadence_spm", a.CadenceSPM, 163, 174},
				{"gct_ms", a.GCTMS, 238, 262},
				{"vertical_oscillation_mm", a.VerticalOscillationMM, 83, 93},
				{"vertical_ratio_pct", a.VerticalRatioPct, 7.5, 8.6},
				{"heart_rate_bpm", a.HeartRateBPM, 128, 160},
				{"step_length_mm", a.StepLengthMM, 980, 1150},
				{"gct_balance_left_pct", a.GCTBalanceLeftPct, 49.9, 51.3},
			}
			for _, c := range checks {
				if m := window(a, c.col, 0, 1.01); !(m >= c.lo && m <= c.hi) {
					t.Errorf("%s: mean %s %.2f, want %v–%v", r.name, c.name, m, c.lo, c.hi)
				}
			}
			for i := range a.Len() {
				if math.IsNaN(a.StepLengthMM[i]) {
					continue
				}
				// step = speed / steps per second; written to 1 mm.
				want := a.SpeedMPS[i] / (a.CadenceSPM[i] / 60) * 1000
				if math.Abs(a.StepLengthMM[i]-want) > 0.5 {
					t.Errorf("%s record %d: step %v mm, speed and cadence give %.1f", r.name, i, a.StepLengthMM[i], want)
					break
				}
			}
		}
	})

	t.Run("late drift only in long runs from the spike on", func(t *testing.T) {
		spike := time.Date(2026, 10, 18, 0, 0, 0, 0, berlin)
		for _, r := range runs {
			a := r.act
			// Reference: 15–60 % of the distance, after the warm-up.
			refBal := window(a, a.GCTBalanceLeftPct, 0.15, 0.60)
			refCad := window(a, a.CadenceSPM, 0.15, 0.60)
			dBal := window(a, a.GCTBalanceLeftPct, 0.75, 1.01) - refBal
			dCad := window(a, a.CadenceSPM, 0.80, 1.01) - refCad
			endBal := window(a, a.GCTBalanceLeftPct, 0.90, 1.01)
			if r.kind == kindLong && !a.Start.Before(spike) {
				if !(dBal >= 1.0) || !(endBal >= 52.0) {
					t.Errorf("%s: balance moves %+.2f in the last quarter and ends at %.2f %% left, want ≥ +1.0 and ≥ 52.0", r.name, dBal, endBal)
				}
				if !(dCad <= -4.5 && dCad >= -9) {
					t.Errorf("%s: cadence moves %+.1f spm in the last fifth, want -4.5 to -9", r.name, dCad)
				}
				continue
			}
			if !(math.Abs(dBal) < 0.3) || !(math.Abs(dCad) < 1.5) {
				t.Errorf("%s: a steady run, but balance moves %+.2f and cadence %+.1f late", r.name, dBal, dCad)
			}
		}
	})

	t.Run("some routes have a 6 % descent", func(t *testing.T) {
		kinds := map[string]int{}
		for _, r := range runs {
			if steepDescentM(r.act) >= 200 {
				kinds[r.kind]++
			}
		}
		if kinds[kindEasy] < 3 || kinds[kindLong] < 3 {
			t.Errorf("runs with ≥ 200 m at -6 %% or steeper: %v, want ≥ 3 easy and ≥ 3 long", kinds)
		}
	})
}

// steepDescentM is how many metres of the run lie at -6 % or steeper,
// the grade taken from altitude over the next 50 m.
func steepDescentM(a *ingest.Activity) float64 {
	n := a.Len()
	steep := 0.0
	j := 0
	for i := 0; i < n-1; i++ {
		for j < n-1 && a.DistanceM[j]-a.DistanceM[i] < 50 {
			j++
		}
		dd := a.DistanceM[j] - a.DistanceM[i]
		if dd < 50 {
			break
		}
		if (a.AltitudeM[j]-a.AltitudeM[i])/dd*100 <= -6 {
			steep += a.DistanceM[i+1] - a.DistanceM[i]
		}
	}
	return steep
}
