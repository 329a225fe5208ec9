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
			got := Spikes(runs, DefaultLoadParams())
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
	got := Spikes(runs, DefaultLoadParams())
	checkValue(t, "Ratio[0]", got[0].Ratio, 23.0/20, "") // after 16 and 20 km: 23/20 = 1.15
	checkValue(t, "Ratio[1]", got[1].Ratio, math.NaN(), "no run")
	checkValue(t, "Ratio[2]", got[2].Ratio, 20.0/16, "") // 20/16 = 1.25
	if got[0].Band != SpikeSmall || got[1].Band != SpikeUndefined || got[2].Band != SpikeSmall {
		t.Errorf("bands = %q %q %q, want small, undefined, small", got[0].Band, got[1].Band, got[2].Band)
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
		{"zero params", func() { Spikes(nil, LoadParams{}) }},
		{"bands out of order", func() { Spikes(nil, bad(func(p *LoadParams) { p.SpikeModerateAbove = 1.05 })) }},
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
