package gait

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin and America/New_York without the host's zoneinfo

	"gonum.org/v1/gonum/floats/scalar"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func at(y int, m time.Month, d, hh, mm int, loc *time.Location) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

func berlin(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func same(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return scalar.EqualWithinAbsOrRel(got, want, 1e-9, 1e-9)
}

func sameSlice(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !same(got[i], want[i]) {
			return false
		}
	}
	return true
}

// checkValue fails unless v is defined as want, or, when want is NaN,
// undefined with a reason containing why.
func checkValue(t *testing.T, name string, v Value, want float64, why string) {
	t.Helper()
	switch {
	case math.IsNaN(want) && (v.OK || !math.IsNaN(v.V) || !strings.Contains(v.Why, why) || v.Why == ""):
		t.Errorf("%s = %+v, want undefined with reason containing %q", name, v, why)
	case !math.IsNaN(want) && (!v.OK || v.Why != "" || !same(v.V, want)):
		t.Errorf("%s = %+v, want %v", name, v, want)
	}
}

// daily returns n runs, one per day from start at 07:00 UTC, with the
// distances given by dist(i).
func daily(start time.Time, n int, dist func(i int) float64) []Run {
	runs := make([]Run, n)
	for i := range runs {
		runs[i] = Run{Start: start.AddDate(0, 0, i).Add(7 * time.Hour), DistanceM: dist(i), MovingS: 3600, TRIMP: 50}
	}
	return runs
}

func TestDaily(t *testing.T) {
	nan := math.NaN()
	runs := []Run{
		{Start: at(2026, 5, 4, 7, 0, time.UTC), DistanceM: 10000, MovingS: 3000, TRIMP: 80},
		{Start: at(2026, 5, 4, 18, 0, time.UTC), DistanceM: 5000, MovingS: 1500, TRIMP: nan},
		{Start: at(2026, 5, 6, 7, 0, time.UTC), DistanceM: 12000, MovingS: 3600, TRIMP: 100},
		{Start: at(2026, 5, 3, 7, 0, time.UTC), DistanceM: 99999, MovingS: 99999, TRIMP: 99999},  // before from
		{Start: at(2026, 5, 11, 0, 0, time.UTC), DistanceM: 99999, MovingS: 99999, TRIMP: 99999}, // after to
		{Start: time.Date(2026, 5, 10, 23, 59, 59, 0, time.UTC), DistanceM: 1, MovingS: nan, TRIMP: -5},
	}
	// from and to are dates; their clock times do not matter.
	from, to := at(2026, 5, 4, 15, 0, time.UTC), at(2026, 5, 10, 1, 0, time.UTC)
	tests := []struct {
		m    LoadMetric
		want []float64
	}{
		// 4 May: 10000+5000; 6 May: 12000; 10 May 23:59:59: 1; rest days 0.
		{MetricDistance, []float64{15000, 0, 12000, 0, 0, 0, 1}},
		// 4 May: 3000+1500; the last run's NaN time adds nothing.
		{MetricMovingTime, []float64{4500, 0, 3600, 0, 0, 0, 0}},
		// 4 May: 80 (the evening run has no TRIMP); the last run's −5 is not a load.
		{MetricTRIMP, []float64{80, 0, 100, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.m.String(), func(t *testing.T) {
			if got := Daily(runs, tt.m, from, to); !sameSlice(got, tt.want) {
				t.Errorf("Daily = %v, want %v", got, tt.want)
			}
		})
	}
	// A one-day span has one value.
	if got := Daily(nil, MetricDistance, from, from); !sameSlice(got, []float64{0}) {
		t.Errorf("Daily over one day = %v, want [0]", got)
	}
}

// Daylight saving time in Europe/Berlin starts on 29 March 2026 (02:00 →
// 03:00, a 23-hour day) and ends on 25 October 2026 (03:00 → 02:00, a
// 25-hour day). Neither may create or lose a day. Distances are powers of
// two so each sum shows which runs went into it.
func TestDailyDST(t *testing.T) {
	loc := berlin(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		from, to time.Time
		runs     []Run
		want     []float64
	}{
		{
			name: "spring forward",
			from: at(2026, 3, 28, 12, 0, loc), to: at(2026, 3, 30, 1, 0, loc),
			runs: []Run{
				{Start: at(2026, 3, 28, 23, 30, loc), DistanceM: 1},
				{Start: at(2026, 3, 29, 0, 30, loc), DistanceM: 2},
				{Start: at(2026, 3, 29, 3, 30, loc), DistanceM: 4}, // after the switch
				{Start: at(2026, 3, 29, 23, 30, loc), DistanceM: 8},
				{Start: at(2026, 3, 30, 0, 30, loc), DistanceM: 16},
				// 22:00 in New York is 04:00 on 30 March in Berlin; the
				// runner's own wall clock says 29 March.
				{Start: at(2026, 3, 29, 22, 0, ny), DistanceM: 32},
			},
			want: []float64{1, 2 + 4 + 8 + 32, 16},
		},
		{
			name: "fall back",
			from: at(2026, 10, 24, 0, 0, loc), to: at(2026, 10, 26, 23, 0, loc),
			runs: []Run{
				{Start: at(2026, 10, 24, 23, 30, loc), DistanceM: 1},
				{Start: at(2026, 10, 25, 0, 30, loc), DistanceM: 2},
				{Start: at(2026, 10, 25, 2, 30, loc), DistanceM: 4}, // the hour that happens twice
				// 48.5 h after from: a 24-hour day count would put it on 26 October.
				{Start: at(2026, 10, 25, 23, 30, loc), DistanceM: 8},
				{Start: at(2026, 10, 26, 0, 30, loc), DistanceM: 16},
			},
			want: []float64{1, 2 + 4 + 8, 16},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Daily(tt.runs, MetricDistance, tt.from, tt.to); !sameSlice(got, tt.want) {
				t.Errorf("Daily = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoadDaysAcrossDST(t *testing.T) {
	loc := berlin(t)
	// 1 March to 30 November 2026 spans both switches: 31+30+31+30+31+31+30+31+30 = 275 days.
	s := Load(nil, MetricDistance, at(2026, 3, 1, 0, 0, loc), at(2026, 11, 30, 0, 0, loc), DefaultLoadParams())
	if len(s.Days) != 275 {
		t.Fatalf("len(Days) = %d, want 275", len(s.Days))
	}
	for i, d := range s.Days {
		y, m, dd := d.Date.Date()
		if want := time.Date(2026, 3, 1+i, 0, 0, 0, 0, time.UTC); y != want.Year() || m != want.Month() || dd != want.Day() || d.Date.Hour() != 0 {
			t.Fatalf("Days[%d].Date = %v, want midnight of %v", i, d.Date, want.Format(time.DateOnly))
		}
	}
}

func TestEWMA(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		n    float64
		want []float64
	}{
		// Seeded with x[0], a constant series never moves: e + λ(c−e) = e.
		{"constant", []float64{5, 5, 5, 5}, 28, []float64{5, 5, 5, 5}},
		// λ = 2/(7+1) = 0.25: e0 = 4; e1 = 4 + 0.25·(8−4) = 5; e2 = 5 + 0.25·(0−5) = 3.75.
		{"step by hand", []float64{4, 8, 0}, 7, []float64{4, 5, 3.75}},
		// λ = 2/29: e1 = 0 + (2/29)·29 = 2.
		{"chronic lambda", []float64{0, 29}, 28, []float64{0, 2}},
		{"empty", nil, 7, []float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EWMA(tt.x, tt.n); !sameSlice(got, tt.want) {
				t.Errorf("EWMA = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMonotony(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		cap  float64
		want float64
	}{
		// SD 0, mean 1: the cap.
		{"all ones hit the cap", []float64{1, 1, 1, 1, 1, 1, 1}, 10, 10},
		{"a smaller cap", []float64{2, 2, 2, 2, 2, 2, 2}, 5, 5},
		// SD ≈ 3.5e-7 is not 0, but 10/3.5e-7 is far above the cap.
		{"SD near 0", []float64{10, 10, 10, 10, 10, 10, 10.000001}, 10, 10},
		// mean 4; population variance (9+4+1+0+1+4+9)/7 = 4, SD 2: 4/2.
		{"one to seven", []float64{1, 2, 3, 4, 5, 6, 7}, 10, 2},
		// mean 1; variance (6·1² + 6²)/7 = 6: 1/√6.
		{"one run a week", []float64{0, 0, 0, 0, 0, 0, 7}, 10, 1 / math.Sqrt(6)},
		// 0/0: no load, no monotony.
		{"rest week", []float64{0, 0, 0, 0, 0, 0, 0}, 10, math.NaN()},
		{"empty", nil, 10, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Monotony(tt.x, tt.cap); !same(got, tt.want) {
				t.Errorf("Monotony = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSpikes(t *testing.T) {
	loc := berlin(t)
	start := at(2026, 6, 20, 8, 0, time.UTC)
	nan := math.NaN()
	type prior struct {
		start time.Time
		distM float64
	}
	tests := []struct {
		name    string
		start   time.Time // of the run under test; start when zero
		prior   []prior
		distM   float64
		ratio   float64 // NaN: undefined
		why     string  // when undefined
		band    SpikeBand
		longest float64
	}{
		// 23/16 = 1.4375, in (1.30, 2.00].
		{"23 km after 16 km", time.Time{}, []prior{{start.AddDate(0, 0, -7), 16000}}, 23000, 1.4375, "", SpikeModerate, 16000},
		// 17.6/16 = 1.1 exactly: the edge belongs to the band below.
		{"exactly 1.10", time.Time{}, []prior{{start.AddDate(0, 0, -7), 16000}}, 17600, 1.1, "", SpikeReference, 16000},
		// 17.601/16 = 1.1000625.
		{"just over 1.10", time.Time{}, []prior{{start.AddDate(0, 0, -7), 16000}}, 17601, 1.1000625, "", SpikeSmall, 16000},
		// 20.8/16 = 1.3 exactly.
		{"exactly 1.30", time.Time{}, []prior{{start.AddDate(0, 0, -7), 16000}}, 20800, 1.3, "", SpikeSmall, 16000},
		// 32/16 = 2 exactly.
		{"exactly 2.00", time.Time{}, []prior{{start.AddDate(0, 0, -7), 16000}}, 32000, 2, "", SpikeModerate, 16000},
		// 32.001/16 = 2.0000625.
		{"just over 2.00", time.Time{}, []prior{{start.AddDate(0, 0, -7), 16000}}, 32001, 2.0000625, "", SpikeLarge, 16000},
		// The longest run counts, not the latest: 12/16 = 0.75.
		{"longest not latest", time.Time{}, []prior{{start.AddDate(0, 0, -20), 16000}, {start.AddDate(0, 0, -2), 8000}}, 12000, 0.75, "", SpikeReference, 16000},
		{"no earlier run", time.Time{}, nil, 10000, nan, "no run", SpikeUndefined, nan},
		// The window is [start − 30 days, start): 15/10 = 1.5.
		{"exactly 30 days earlier counts", time.Time{}, []prior{{start.AddDate(0, 0, -30), 10000}}, 15000, 1.5, "", SpikeModerate, 10000},
		{"30 days and 1 s earlier does not", time.Time{}, []prior{{start.AddDate(0, 0, -30).Add(-time.Second), 10000}}, 15000, nan, "previous 30 days", SpikeUndefined, nan},
		{"same instant does not", time.Time{}, []prior{{start, 10000}}, 15000, nan, "no run", SpikeUndefined, nan},
		// 1 to 31 October 2026 in Berlin is 30 calendar days but 721 hours
		// (DST ends on the 25th); a 720-hour window would miss it. 12/10 = 1.2.
		{"30 days across DST", at(2026, 10, 31, 8, 0, loc), []prior{{at(2026, 10, 1, 8, 0, loc), 10000}}, 12000, 1.2, "", SpikeSmall, 10000},
		{"unknown distance", time.Time{}, []prior{{start.AddDate(0, 0, -1), 10000}}, nan, nan, "distance unknown", SpikeUndefined, 10000},
		{"earlier distance unknown", time.Time{}, []prior{{start.AddDate(0, 0, -1), nan}}, 10000, nan, "known distance", SpikeUndefined, nan},
		{"earlier distance zero", time.Time{}, []prior{{start.AddDate(0, 0, -1), 0}}, 10000, nan, "known distance", SpikeUndefined, nan},
		// A run of 0 m after 10 km: 0/10 = 0.
		{"zero distance", time.Time{}, []prior{{start.AddDate(0, 0, -1), 10000}}, 0, 0, "", SpikeReference, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.start
			if s.IsZero() {
				s = start
			}
			runs := []Run{{Start: s, DistanceM: tt.distM}} // the run under test first: order must not matter
			for _, p := range tt.prior {
				runs = append(runs, Run{Start: p.start, DistanceM: p.distM})
			}
			got := DistanceSpikes(runs, DefaultLoadParams())
			if len(got) != len(runs) {
				t.Fatalf("len = %d, want %d", len(got), len(runs))
			}
			g := got[0]
			if !g.Start.Equal(s) {
				t.Errorf("Start = %v, want %v", g.Start, s)
			}
			checkValue(t, "Ratio", g.Ratio, tt.ratio, tt.why)
			checkValue(t, "LongestM", g.LongestM, tt.longest, "")
			if g.Band != tt.band {
				t.Errorf("Band = %q, want %q", g.Band, tt.band)
			}
		})
	}
}

func TestSpikesKeepInputOrder(t *testing.T) {
	d0 := date(2026, 6, 1)
	runs := []Run{
		{Start: d0.AddDate(0, 0, 7), DistanceM: 23000},
		{Start: d0, DistanceM: 16000},
		{Start: d0.AddDate(0, 0, 3), DistanceM: 20000},
	}
	got := DistanceSpikes(runs, DefaultLoadParams())
	checkValue(t, "Ratio[0]", got[0].Ratio, 23.0/20, "") // after 16 and 20 km: 23/20 = 1.15
	checkValue(t, "Ratio[1]", got[1].Ratio, math.NaN(), "no run")
	checkValue(t, "Ratio[2]", got[2].Ratio, 20.0/16, "") // 20/16 = 1.25
	if got[0].Band != SpikeSmall || got[1].Band != SpikeUndefined || got[2].Band != SpikeSmall {
		t.Errorf("bands = %q %q %q, want small, undefined, small", got[0].Band, got[1].Band, got[2].Band)
	}
}

// Ten kilometres every day for 35 days, so every number has a closed form.
func TestLoadConstant(t *testing.T) {
	const L = 10000.0
	d0 := date(2026, 1, 1)
	runs := daily(d0, 35, func(int) float64 { return L })
	s := Load(runs, MetricDistance, d0, d0.AddDate(0, 0, 34), DefaultLoadParams())
	if len(s.Days) != 35 || len(s.Spikes) != 35 || len(s.Warnings) != 0 {
		t.Fatalf("got %d days, %d spikes, warnings %v; want 35, 35, none", len(s.Days), len(s.Spikes), s.Warnings)
	}
	nan := math.NaN()

	// Day 26 is the 27th day of history: the multi-week numbers wait for 28.
	d := s.Days[26]
	checkValue(t, "day 26 ACWREWMA", d.ACWREWMA, nan, "27 of 28 days of history")
	checkValue(t, "day 26 ACWRRolling", d.ACWRRolling, nan, "27 of 28 days of history")
	checkValue(t, "day 26 TwoWeekChangePct", d.TwoWeekChangePct, nan, "27 of 28 days of history")
	checkValue(t, "day 26 CTL", d.CTL, nan, "27 of 28 days of history")
	checkValue(t, "day 26 TSB", d.TSB, nan, "27 of 28 days of history")

	d = s.Days[27]
	checkValue(t, "day 27 ACWREWMA", d.ACWREWMA, 1, "")       // both EWMAs stay at L
	checkValue(t, "day 27 ACWRRolling", d.ACWRRolling, 1, "") // (7L/7) / (21L/21)
	checkValue(t, "day 27 TwoWeekChangePct", d.TwoWeekChangePct, 0, "")
	if d.TwoWeekFlag {
		t.Error("day 27 TwoWeekFlag set at 0%")
	}

	checkValue(t, "day 5 Monotony", s.Days[5].Monotony, nan, "6 of 7 days of history")
	d = s.Days[6]
	checkValue(t, "day 6 Monotony", d.Monotony, 10, "") // SD 0: the cap
	checkValue(t, "day 6 Strain", d.Strain, 7*L*10, "") // weekly load 7L × monotony 10
	if !d.MonotonyFlag {
		t.Error("day 6 MonotonyFlag not set at 10")
	}

	// X[t] = X[t−1] + (L − X[t−1])(1 − e^(−1/τ)) from X[−1] = 0 gives
	// X[t] = L(1 − e^(−(t+1)/τ)). Day 34: t+1 = 35.
	d = s.Days[34]
	checkValue(t, "day 34 CTL", d.CTL, L*(1-math.Exp(-35.0/42)), "")
	checkValue(t, "day 34 ATL", d.ATL, L*(1-math.Exp(-35.0/7)), "")
	// TSB is yesterday's (day 33, t+1 = 34) CTL − ATL = L(e^(−34/7) − e^(−34/42)).
	checkValue(t, "day 34 TSB", d.TSB, L*(math.Exp(-34.0/7)-math.Exp(-34.0/42)), "")

	// Every run after the first is 10/10 = 1: reference.
	checkValue(t, "first spike", s.Spikes[0].Ratio, nan, "no run")
	checkValue(t, "last spike", s.Spikes[34].Ratio, 1, "")
}

// 21 days at 2 km, then 7 days at 4 km: the ratios by hand on day 27.
func TestLoadStep(t *testing.T) {
	d0 := date(2026, 2, 2)
	runs := daily(d0, 28, func(i int) float64 {
		if i < 21 {
			return 2000
		}
		return 4000
	})
	s := Load(runs, MetricDistance, d0, d0.AddDate(0, 0, 27), DefaultLoadParams())
	d := s.Days[27]
	// An EWMA at 2000 that sees 4000 for k days is 4000 − 2000(1−λ)^k;
	// λ = 1/4 (acute) and 2/29 (chronic), k = 7; the 2000s cancel.
	checkValue(t, "ACWREWMA", d.ACWREWMA, (2-math.Pow(0.75, 7))/(2-math.Pow(27.0/29, 7)), "") // ≈ 1.33935
	// mean of days 21–27 (4000) over mean of days 0–20 (2000).
	checkValue(t, "ACWRRolling", d.ACWRRolling, 2, "")
	// last 14 days 7·2000 + 7·4000 = 42000; previous 14: 28000; 100·14000/28000.
	checkValue(t, "TwoWeekChangePct", d.TwoWeekChangePct, 50, "")
	if !d.TwoWeekFlag {
		t.Error("TwoWeekFlag not set at 50%")
	}
	checkValue(t, "day 27 Monotony", d.Monotony, 10, "") // seven days of 4000: the cap

	// Day 24: days 18–24 hold 3·2000 + 4·4000 = 22000 m, mean 22000/7; Σx² = 3·4e6 + 4·16e6 = 76e6, so population
	// variance = 76e6/7 − (22000/7)² = (532e6 − 484e6)/49 = 48e6/49 and
	// monotony = (22000/7)/(√48e6/7) = 22000/√48e6 ≈ 3.1754: flagged.
	d = s.Days[24]
	checkValue(t, "day 24 Monotony", d.Monotony, 22000/math.Sqrt(48e6), "")
	checkValue(t, "day 24 Strain", d.Strain, 22000*22000/math.Sqrt(48e6), "")
	if !d.MonotonyFlag {
		t.Error("day 24 MonotonyFlag not set above 2")
	}
	// Day 22: days 16–22 = 5·2000 + 2·4000 = 18000; Σx² = 5·4e6 + 2·16e6 = 52e6;
	// variance = 52e6/7 − (18000/7)² = (364e6 − 324e6)/49 = 40e6/49;
	// monotony = 18000/√40e6 ≈ 2.846.
	checkValue(t, "day 22 Monotony", s.Days[22].Monotony, 18000/math.Sqrt(40e6), "")
}

func TestTwoWeekChange(t *testing.T) {
	d0 := date(2026, 3, 2)
	nan := math.NaN()
	tests := []struct {
		name      string
		prev, now float64 // daily distance in days 0–13 and 14–27
		want      float64
		why       string
		flag      bool
	}{
		// 100·(14·1300 − 14·1000)/(14·1000) = 100·4200/14000 = 30: not above 30.
		{"exactly 30% is not flagged", 1000, 1300, 30, "", false},
		// 100·(18214 − 14000)/14000 = 30.1.
		{"30.1% is flagged", 1000, 1301, 30.1, "", true},
		// 100·(7000 − 14000)/14000 = −50.
		{"a drop", 1000, 500, -50, "", false},
		// The first two weeks' runs have no known distance.
		{"no distance before", nan, 1000, nan, "no distance in the two weeks before", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs := daily(d0, 28, func(i int) float64 {
				if i < 14 {
					return tt.prev
				}
				return tt.now
			})
			s := Load(runs, MetricMovingTime, d0, d0.AddDate(0, 0, 27), DefaultLoadParams())
			d := s.Days[27]
			checkValue(t, "TwoWeekChangePct", d.TwoWeekChangePct, tt.want, tt.why)
			if d.TwoWeekFlag != tt.flag {
				t.Errorf("TwoWeekFlag = %v, want %v", d.TwoWeekFlag, tt.flag)
			}
		})
	}
}

func TestLoadWarnsAboutUnknownValues(t *testing.T) {
	d0 := date(2026, 3, 2)
	runs := daily(d0, 4, func(i int) float64 { return 5000 })
	runs[1].DistanceM = math.NaN()
	runs[2].TRIMP, runs[3].TRIMP = math.NaN(), math.NaN()
	s := Load(runs, MetricTRIMP, d0, d0.AddDate(0, 0, 3), DefaultLoadParams())
	want := []string{
		"gait: 1 of 4 runs have no distance; counted as 0",
		"gait: 2 of 4 runs have no TRIMP; counted as 0",
	}
	if len(s.Warnings) != len(want) {
		t.Fatalf("Warnings = %v, want %q", s.Warnings, want)
	}
	for i, w := range want {
		if s.Warnings[i].Error() != w {
			t.Errorf("Warnings[%d] = %q, want %q", i, s.Warnings[i], w)
		}
	}
	if s.Days[2].Missing != 1 || s.Days[2].Load != 0 || s.Days[0].Load != 50 {
		t.Errorf("day 2 Missing, Load = %d, %v; day 0 Load = %v; want 1, 0; 50", s.Days[2].Missing, s.Days[2].Load, s.Days[0].Load)
	}
}

func TestLoadHistoryStartsAtFirstRun(t *testing.T) {
	d0 := date(2026, 1, 1)
	runs := []Run{
		{Start: date(2025, 12, 25), DistanceM: 16000}, // before from: only a spike reference
		{Start: date(2026, 1, 11), DistanceM: 23000},
	}
	s := Load(runs, MetricDistance, d0, date(2026, 1, 20), DefaultLoadParams())
	nan := math.NaN()
	for i := range 10 {
		d := s.Days[i]
		for name, v := range map[string]Value{"ACWREWMA": d.ACWREWMA, "ACWRRolling": d.ACWRRolling, "TwoWeekChangePct": d.TwoWeekChangePct, "Monotony": d.Monotony, "Strain": d.Strain, "CTL": d.CTL, "ATL": d.ATL, "TSB": d.TSB} {
			checkValue(t, "day "+d.Date.Format(time.DateOnly)+" "+name, v, nan, "no run yet")
		}
	}
	d := s.Days[10] // 11 January, the first run
	checkValue(t, "first run ACWREWMA", d.ACWREWMA, nan, "1 of 28 days of history")
	checkValue(t, "first run Monotony", d.Monotony, nan, "1 of 7 days of history")
	if len(s.Spikes) != 1 {
		t.Fatalf("len(Spikes) = %d, want 1 (the run before from is not in the series)", len(s.Spikes))
	}
	checkValue(t, "spike", s.Spikes[0].Ratio, 1.4375, "") // 23/16, the 25 December run 17 days earlier

	empty := Load(nil, MetricDistance, d0, d0, DefaultLoadParams())
	checkValue(t, "no runs at all", empty.Days[0].CTL, nan, "no run yet")
}

// 30 days at 10 km, 35 rest days, one run on day 65.
func TestACWRUndefinedWhileChronicIsZero(t *testing.T) {
	d0 := date(2026, 4, 1)
	runs := daily(d0, 30, func(int) float64 { return 10000 })
	runs = append(runs, Run{Start: d0.AddDate(0, 0, 65), DistanceM: 10000})
	s := Load(runs, MetricDistance, d0, d0.AddDate(0, 0, 65), DefaultLoadParams())
	nan := math.NaN()
	tests := []struct {
		day     int
		ewmaOK  bool
		ewmaWhy string
		roll    float64 // NaN: undefined
		rollWhy string
	}{
		// Acute days 30–36 are rest: 0 over the chronic days 9–29 (10000).
		{day: 36, ewmaOK: true, roll: 0},
		// Days 29–56 still hold day 29, and so does the chronic of days 29–49.
		{day: 56, ewmaOK: true, roll: 0},
		// Days 30–57 are 28 rest days; the chronic days 30–50 are all rest.
		{day: 57, ewmaWhy: "no load in the last 28 days", roll: nan, rollWhy: "no load in days 7–27"},
		// Day 65 brings load back into the EWMA's 28 days; the rolling
		// chronic, days 38–58, is still empty.
		{day: 65, ewmaOK: true, roll: nan, rollWhy: "no load in days 7–27"},
	}
	for _, tt := range tests {
		d := s.Days[tt.day]
		if tt.ewmaOK != d.ACWREWMA.OK || !tt.ewmaOK && !strings.Contains(d.ACWREWMA.Why, tt.ewmaWhy) {
			t.Errorf("day %d ACWREWMA = %+v, want OK %v, reason %q", tt.day, d.ACWREWMA, tt.ewmaOK, tt.ewmaWhy)
		}
		checkValue(t, "ACWRRolling", d.ACWRRolling, tt.roll, tt.rollWhy)
	}
	checkValue(t, "day 36 Monotony", s.Days[36].Monotony, nan, "no load in the last 7 days")
	checkValue(t, "day 36 Strain", s.Days[36].Strain, nan, "no load in the last 7 days")
	// CTL keeps decaying through the break: defined, and lower than before it.
	if !s.Days[57].CTL.OK || !(s.Days[57].CTL.V < s.Days[29].CTL.V) {
		t.Errorf("CTL day 57 = %v, day 29 = %v; want defined and lower", s.Days[57].CTL, s.Days[29].CTL)
	}
}

func TestWeekly(t *testing.T) {
	// 31 December 2025 is a Wednesday; 1 January 2026 a Thursday, so ISO
	// week 1 of 2026 runs from Monday 29 December 2025.
	runs := []Run{
		{Start: at(2025, 12, 31, 7, 0, time.UTC), DistanceM: 16000, MovingS: 5400},
		{Start: at(2026, 1, 3, 7, 0, time.UTC), DistanceM: 8000, MovingS: 2700},
		{Start: at(2026, 1, 7, 7, 0, time.UTC), DistanceM: 23000, MovingS: 8280},
		{Start: at(2026, 1, 9, 7, 0, time.UTC), DistanceM: 10000, MovingS: 3600},
		{Start: at(2026, 1, 12, 7, 0, time.UTC), DistanceM: 12000, MovingS: 4000},
	}
	s := Load(runs, MetricDistance, date(2025, 12, 31), date(2026, 1, 12), DefaultLoadParams())
	got := Weekly(s)
	nan := math.NaN()
	want := []struct {
		year, week  int
		monday      time.Time
		days, runs  int
		distM, movS float64
		spike       float64
		band        SpikeBand
		monotony    float64
		monoWhy     string
	}{
		// 31 Dec – 4 Jan. Spikes: 31 Dec none; 3 Jan 8/16 = 0.5. Monotony
		// on 4 Jan has 5 days of history.
		{2026, 1, date(2025, 12, 29), 5, 2, 24000, 8100, 0.5, SpikeReference, nan, "5 of 7 days of history"},
		// 5–11 Jan. Spikes 23/16 = 1.4375 and 10/23. Monotony of
		// [0 0 23000 0 10000 0 0]: mean 33000/7; variance
		// (529e6 + 100e6)/7 − (33000/7)² = (4403e6 − 1089e6)/49 = 3314e6/49;
		// 33000/√3314e6 ≈ 0.5732.
		{2026, 2, date(2026, 1, 5), 7, 2, 33000, 11880, 1.4375, SpikeModerate, 33000 / math.Sqrt(3314e6), ""},
		// 12 Jan only. Spike 12/23. Monotony of 6–12 Jan,
		// [0 23000 0 10000 0 0 12000]: mean 45000/7;
		// Σx² = 529e6 + 100e6 + 144e6 = 773e6; variance
		// (7·773e6 − 45000²)/49 = (5411e6 − 2025e6)/49 = 3386e6/49; 45000/√3386e6.
		{2026, 3, date(2026, 1, 12), 1, 1, 12000, 4000, 12.0 / 23, SpikeReference, 45000 / math.Sqrt(3386e6), ""},
	}
	if len(got) != len(want) {
		t.Fatalf("len(Weekly) = %d, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Year != w.year || g.Week != w.week || !g.Monday.Equal(w.monday) || g.Days != w.days || g.Runs != w.runs {
			t.Errorf("week %d = %d-W%02d Monday %v, %d days, %d runs; want %d-W%02d %v, %d, %d",
				i, g.Year, g.Week, g.Monday.Format(time.DateOnly), g.Days, g.Runs, w.year, w.week, w.monday.Format(time.DateOnly), w.days, w.runs)
		}
		if g.DistanceM != w.distM || g.MovingS != w.movS || g.Load != w.distM {
			t.Errorf("week %d distance, time, load = %v, %v, %v; want %v, %v, %v", i, g.DistanceM, g.MovingS, g.Load, w.distM, w.movS, w.distM)
		}
		checkValue(t, "MaxSpike", g.MaxSpike, w.spike, "")
		if g.MaxSpikeBand != w.band {
			t.Errorf("week %d MaxSpikeBand = %q, want %q", i, g.MaxSpikeBand, w.band)
		}
		checkValue(t, "Monotony", g.Monotony, w.monotony, w.monoWhy)
	}

	// A week without runs, and one whose only run has no ratio.
	s = Load(runs[:1], MetricDistance, date(2025, 12, 31), date(2026, 1, 5), DefaultLoadParams())
	got = Weekly(s)
	checkValue(t, "week with only a first run", got[0].MaxSpike, nan, "no run this week has a spike ratio")
	checkValue(t, "week without runs", got[1].MaxSpike, nan, "no run this week")
	if Weekly(LoadSeries{}) != nil {
		t.Error("Weekly of an empty series is not nil")
	}
}

func TestValueJSON(t *testing.T) {
	tests := []struct {
		v    Value
		json string
	}{
		{defined(1.4375), `{"v":1.4375}`},
		{defined(0), `{"v":0}`},
		{undefined("no run yet"), `{"why":"no run yet"}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.v)
		if err != nil || string(b) != tt.json {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", tt.v, b, err, tt.json)
		}
		var back Value
		if err := json.Unmarshal(b, &back); err != nil || back.String() != tt.v.String() || back.OK != tt.v.OK {
			t.Errorf("Unmarshal(%s) = %+v, %v; want %+v", b, back, err, tt.v)
		}
	}
}

func TestLoadSeriesEncodesAsJSON(t *testing.T) {
	// No NaN may reach encoding/json, which refuses it.
	d0 := date(2026, 1, 1)
	s := Load(daily(d0, 40, func(i int) float64 { return float64(1000 * (i % 5)) }), MetricDistance, d0.AddDate(0, 0, -3), d0.AddDate(0, 0, 39), DefaultLoadParams())
	if _, err := json.Marshal(struct {
		Days   []LoadDay
		Spikes []SpikeResult
		Weeks  []Week
		Metric LoadMetric
	}{s.Days, s.Spikes, Weekly(s), s.Metric}); err != nil {
		t.Errorf("Marshal(LoadSeries) = %v", err)
	}
}

func TestLoadMetric(t *testing.T) {
	tests := []struct {
		m          LoadMetric
		name, unit string
	}{
		{MetricDistance, "distance", "m"},
		{MetricMovingTime, "moving_time", "s"},
		{MetricTRIMP, "trimp", "TRIMP"},
	}
	for _, tt := range tests {
		b, err := tt.m.MarshalText()
		if tt.m.String() != tt.name || tt.m.Unit() != tt.unit || string(b) != tt.name || err != nil {
			t.Errorf("%d: String, Unit, MarshalText = %q, %q, %q %v; want %q, %q", int(tt.m), tt.m.String(), tt.m.Unit(), b, err, tt.name, tt.unit)
		}
	}
	if _, err := LoadMetric(7).MarshalText(); err == nil || LoadMetric(7).Unit() != "" {
		t.Errorf("LoadMetric(7): MarshalText error %v, Unit %q; want an error and \"\"", err, LoadMetric(7).Unit())
	}
}

func TestDefaultLoadParams(t *testing.T) {
	// The numbers of domain.md A1, as documented at LoadParams.
	want := LoadParams{
		SpikeWindowDays:    30,   // L1
		SpikeSmallAbove:    1.10, // L1
		SpikeModerateAbove: 1.30, // L1
		SpikeLargeAbove:    2.00, // L1
		TwoWeekFlagPct:     30,   // L3
		AcuteDays:          7,    // L6, L7
		ChronicDays:        28,   // L6, L7
		MonotonyDays:       7,    // L10
		MonotonyFlag:       2.0,  // L10
		MonotonyCap:        10,   // L10
		CTLDays:            42,   // L12
		ATLDays:            7,    // L12
		MinHistoryDays:     28,   // L7
	}
	if got := DefaultLoadParams(); got != want {
		t.Errorf("DefaultLoadParams() = %+v, want %+v", got, want)
	}
}

func TestLoadPanicsOnCallerBugs(t *testing.T) {
	d0 := date(2026, 1, 1)
	bad := func(f func(*LoadParams)) LoadParams {
		p := DefaultLoadParams()
		f(&p)
		return p
	}
	tests := []struct {
		name string
		f    func()
	}{
		{"to before from", func() { Daily(nil, MetricDistance, d0, d0.AddDate(0, 0, -1)) }},
		{"unknown metric", func() { Daily(nil, LoadMetric(7), d0, d0) }},
		{"unknown metric in Load", func() { Load(nil, LoadMetric(-1), d0, d0, DefaultLoadParams()) }},
		{"zero params", func() { DistanceSpikes(nil, LoadParams{}) }},
		{"zero params in Load", func() { Load(nil, MetricDistance, d0, d0, LoadParams{}) }},
		{"bands out of order", func() { DistanceSpikes(nil, bad(func(p *LoadParams) { p.SpikeModerateAbove = 1.05 })) }},
		{"chronic not above acute", func() { Load(nil, MetricDistance, d0, d0, bad(func(p *LoadParams) { p.ChronicDays = 7 })) }},
		{"EWMA window 0", func() { EWMA([]float64{1}, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Error("did not panic")
				}
			}()
			tt.f()
		})
	}
}

// BenchmarkLoad runs Load and Weekly over three years of daily runs.
func BenchmarkLoad(b *testing.B) {
	d0 := date(2023, 1, 1)
	const days = 3 * 365
	runs := make([]Run, days)
	for i := range runs {
		runs[i] = Run{
			Start:     d0.AddDate(0, 0, i).Add(7 * time.Hour),
			DistanceM: 5000 + float64(i%7)*1500,
			MovingS:   1800 + float64(i%7)*540,
			TRIMP:     40 + float64(i%5)*10,
		}
	}
	p := DefaultLoadParams()
	to := d0.AddDate(0, 0, days-1)
	b.ReportAllocs()
	for b.Loop() {
		s := Load(runs, MetricTRIMP, d0, to, p)
		Weekly(s)
	}
}
