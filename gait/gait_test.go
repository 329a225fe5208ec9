package gait

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// synth builds an n-record 1 Hz running activity; every column NaN unless set.
func synth(n int) *ingest.Activity {
	col := func() []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.NaN()
		}
		return v
	}
	a := &ingest.Activity{Sport: "running", Start: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)}
	a.Elapsed = col()
	for i := range a.Elapsed {
		a.Elapsed[i] = float64(i)
	}
	a.DistanceM, a.SpeedMPS, a.AltitudeM, a.GradePct, a.HeartRateBPM = col(), col(), col(), col(), col()
	a.CadenceSPM, a.CadenceRPM, a.GCTMS, a.GCTBalanceLeftPct, a.StanceTimePct = col(), col(), col(), col(), col()
	a.VerticalOscillationMM, a.VerticalRatioPct, a.StepLengthMM, a.PowerW, a.TemperatureC = col(), col(), col(), col(), col()
	return a
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestWeights(t *testing.T) {
	// Intervals 1, 2, 30 (capped at 10); the last record gets the median
	// of [1 2 10] = 2.
	got := Weights([]float64{0, 1, 3, 33}, 10)
	want := []float64{1, 2, 10, 2}
	if !slices.Equal(got, want) {
		t.Fatalf("Weights = %v, want %v", got, want)
	}
}

func TestMovingLeavesOutStopsWalksAndPauses(t *testing.T) {
	a := synth(10)
	for i := range 10 {
		a.SpeedMPS[i], a.CadenceSPM[i] = 3, 170
	}
	a.SpeedMPS[1] = 0.2   // stop
	a.CadenceSPM[2] = 120 // walking
	a.CadenceSPM[3] = math.NaN()
	a.SpeedMPS[4] = math.NaN() // treadmill-like: no speed, cadence says running
	// Timer paused from record 6 to record 8 (records 6 and 7 inside).
	a.Pauses = []ingest.Pause{{Start: a.Timestamp(6), End: a.Timestamp(8)}}
	got := Moving(a, DefaultParams())
	want := []bool{true, false, false, false, true, true, false, false, true, true}
	if !slices.Equal(got, want) {
		t.Fatalf("Moving = %v, want %v", got, want)
	}
	// Warm-up of 3 s of moving time: moving records 0, 4, 5 fill it.
	p := DefaultParams()
	p.WarmupS = 3
	base := AfterWarmup(got, Weights(a.Elapsed, 10), p)
	wantBase := []bool{false, false, false, false, false, false, false, false, true, true}
	if !slices.Equal(base, wantBase) {
		t.Fatalf("AfterWarmup = %v, want %v", base, wantBase)
	}
}

func TestCadenceSummaryAndBands(t *testing.T) {
	// 10 s at 150 spm, 10 s at 170, 20 s at 180, 1 Hz, speed = cadence/60
	// so the regression is exact: cadence = 0 + 60·speed.
	a := synth(40)
	for i := range 40 {
		c := 180.0
		switch {
		case i < 10:
			c = 150
		case i < 20:
			c = 170
		}
		a.CadenceSPM[i], a.SpeedMPS[i] = c, c/60
	}
	sel := Moving(a, DefaultParams())
	w := Weights(a.Elapsed, 10)
	c := CadenceOf(a, sel, w, DefaultParams())
	// Mean = (10·150 + 10·170 + 20·180)/40 = 170.
	if c.N != 40 || !near(c.Mean, 170, 1e-9) {
		t.Errorf("N %d mean %v, want 40, 170", c.N, c.Mean)
	}
	// Unbiased SD: squared deviations 10·400 + 0 + 20·100 = 6000; /39 -> 12.403.
	if !near(c.SD, math.Sqrt(6000.0/39), 1e-9) {
		t.Errorf("SD %v, want %v", c.SD, math.Sqrt(6000.0/39))
	}
	// Empirical median: the 20th of 40 sorted equal-weight values is 170.
	if c.Median != 170 {
		t.Errorf("median %v, want 170", c.Median)
	}
	// Bands: red (<153) 25%, green (164–173) 25%, blue (174–183) 50%.
	want := map[string]float64{"purple": 0, "blue": 50, "green": 25, "orange": 0, "red": 25}
	for _, b := range c.Bands {
		if !near(b.Pct, want[b.Name], 1e-9) {
			t.Errorf("band %s %.2f%%, want %v", b.Name, b.Pct, want[b.Name])
		}
	}
	if !near(c.SlopeSPMPerMPS, 60, 1e-9) || !near(c.InterceptSPM, 0, 1e-6) {
		t.Errorf("regression %v + %v·speed, want 0 + 60·speed", c.InterceptSPM, c.SlopeSPMPerMPS)
	}
	// The cadence predicted at the median speed lies on that line.
	if !near(c.AtMedianSpeedSPM, 60*c.MedianSpeedMPS, 1e-6) {
		t.Errorf("at median speed %v, want %v", c.AtMedianSpeedSPM, 60*c.MedianSpeedMPS)
	}
}

func TestBalanceZonesAndSymmetryIndex(t *testing.T) {
	// One record in each zone, 1 s each: 53 (red L), 51.5 (orange L),
	// 50.0 (green), 48.5 (orange R), 47 (red R). Mean 50 -> SI 0.
	a := synth(5)
	for i, b := range []float64{53, 51.5, 50, 48.5, 47} {
		a.SpeedMPS[i], a.CadenceSPM[i], a.GCTBalanceLeftPct[i] = 3, 170, b
	}
	sel := Moving(a, DefaultParams())
	b := BalanceOf(a, sel, Weights(a.Elapsed, 10), a.GradePct, DefaultParams())
	if !b.Measurable || !near(b.SymmetryIndexPct, 0, 1e-9) {
		t.Fatalf("measurable %v SI %v, want true, 0", b.Measurable, b.SymmetryIndexPct)
	}
	for _, z := range b.Zones {
		if !near(z.Pct, 20, 1e-9) {
			t.Errorf("zone %s %.1f%%, want 20%%", z.Name, z.Pct)
		}
	}
	// Garmin's edges: 50.7 is green, 52.2 orange (domain.md A3), and
	// SI at the red edge 52.2 is 4·52.2−200 = 8.8.
	if balanceZone(50.7, DefaultParams()) != 2 || balanceZone(52.2, DefaultParams()) != 1 || balanceZone(52.3, DefaultParams()) != 0 {
		t.Error("zone edges do not follow Garmin's bands")
	}
	if balanceZone(49.3, DefaultParams()) != 2 || balanceZone(47.8, DefaultParams()) != 3 {
		t.Error("right-side zone edges do not mirror the left")
	}
}

func decode(t *testing.T, name string) *ingest.Activity {
	t.Helper()
	acts, err := ingest.DecodeFile(filepath.Join("..", "testdata", "fit", name), ingest.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return acts[len(acts)-1]
}

// Real files: the moving-time balance mean must sit close to the watch's
// own session average (avg_stance_time_balance 49.72%, SOURCES.md; the
// watch averages differently, so 0.15 points of slack), and a wrist-only
// watch must say balance is not measurable rather than give a number.
func TestBalanceOnRealFiles(t *testing.T) {
	a := decode(t, "fit-parser__running-with-developer-data.fit")
	sel := Moving(a, DefaultParams())
	b := BalanceOf(a, sel, Weights(a.Elapsed, DefaultParams().MaxRecordGapS), a.GradePct, DefaultParams())
	if !b.Measurable || !near(b.LeftPct.Mean, 49.72, 0.15) {
		t.Errorf("balance %v (measurable %v), want about 49.72", b.LeftPct.Mean, b.Measurable)
	}
	wrist := decode(t, "workoutizer__run_with_coordinates.fit")
	b = BalanceOf(wrist, Moving(wrist, DefaultParams()), Weights(wrist.Elapsed, 10), wrist.GradePct, DefaultParams())
	if b.Measurable || !strings.Contains(b.Reason, "not measurable with this sensor") || !math.IsNaN(b.SymmetryIndexPct) {
		t.Errorf("wrist-only: %+v", b)
	}
}

// Hand check against Garmin's FIT SDK (@garmin/fitsdk 21.217.0, raw
// record values via ingest/testdata/fitsdk/dump.mjs): over the records
// with speed ≥ 0.5 m/s and cadence ≥ 140 spm, weighted by the time to the
// next record, the SDK's values average to cadence 183.432 spm and
// balance 49.254% (elevate__trosku) and 167.051 spm, 51.654%
// (sample_mulitple_header, run leg). The watches' own session averages
// are 49.3% and 51.66%.
func TestMeansAgainstSDKHandCheck(t *testing.T) {
	for _, c := range []struct {
		file         string
		cadence, bal float64
	}{
		{"elevate__trosku.fit", 183.432, 49.254},
		{"python-fitparse__sample_mulitple_header.fit", 167.051, 51.654},
	} {
		m := Analyze(decode(t, c.file), DefaultParams())
		if !near(m.Cadence.Mean, c.cadence, 0.0015) || !near(m.Balance.LeftPct.Mean, c.bal, 0.0015) {
			t.Errorf("%s: cadence %.4f balance %.4f, SDK by hand %.3f %.3f", c.file, m.Cadence.Mean, m.Balance.LeftPct.Mean, c.cadence, c.bal)
		}
	}
}

// quantiles must agree exactly with gonum's stat.Quantile (Empirical) on
// sorted data, for weighted and unweighted samples with many ties, as
// FIT's quantized values give.
func TestQuantilesMatchGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ps := []float64{0, 0.05, 0.5, 0.95, 1}
	for trial := range 200 {
		n := 1 + rng.IntN(3000)
		v, w := make([]float64, n), make([]float64, n)
		for i := range v {
			v[i] = math.Round(rng.NormFloat64()*50) / 4 // ties
			w[i] = float64(1 + rng.IntN(5))             // integer seconds: exact sums
		}
		if trial%2 == 0 {
			w = nil
		}
		got := make([]float64, len(ps))
		quantiles(v, w, ps, got)
		sv, sw := append([]float64(nil), v...), append([]float64(nil), w...)
		if w == nil {
			sw = nil
			slices.Sort(sv)
		} else {
			sortPaired(sv, sw)
		}
		for k, p := range ps {
			if want := stat.Quantile(p, stat.Empirical, sv, sw); got[k] != want {
				t.Fatalf("trial %d n %d p %v: %v, gonum %v", trial, n, p, got[k], want)
			}
		}
	}
}

type pairSort struct{ v, w []float64 }

func (p pairSort) Len() int           { return len(p.v) }
func (p pairSort) Less(i, j int) bool { return p.v[i] < p.v[j] }
func (p pairSort) Swap(i, j int) {
	p.v[i], p.v[j] = p.v[j], p.v[i]
	p.w[i], p.w[j] = p.w[j], p.w[i]
}

func sortPaired(v, w []float64) { sort.Sort(pairSort{v, w}) }
