package gait

import (
	"math"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

func TestColumnNames(t *testing.T) {
	names := ColumnNames(DefaultParams())
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	seen := map[string]bool{}
	for _, n := range names {
		if !snake.MatchString(n) {
			t.Errorf("column %q is not snake_case", n)
		}
		if seen[n] {
			t.Errorf("column %q twice", n)
		}
		seen[n] = true
	}
	for _, want := range []string{"cadence_band_orange_pct", "vo_zone_red_pct", "balance_zone_green_pct", "drift_si_delta_pct", "cadence_at_median_speed_spm"} {
		if !seen[want] {
			t.Errorf("no column %q", want)
		}
	}
}

// A walk (not analyzed) has nothing measured: analyzed 0, every other
// column NaN (null in the store), not zeros that read as measured.
func TestColumnsNotAnalyzed(t *testing.T) {
	p := DefaultParams()
	acts, err := ingest.DecodeFile(filepath.Join("..", "testdata", "fit", "python-fitparse__garmin-fenix-5-walk.fit"), ingest.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := Analyze(acts[0], p)
	if m.Analyzed {
		t.Fatal("the walk was analyzed")
	}
	for name, v := range m.Columns(p) {
		if name == "analyzed" && v != 0 || name != "analyzed" && !math.IsNaN(v) {
			t.Errorf("%s = %v, want %s", name, v, map[bool]string{true: "0", false: "NaN"}[name == "analyzed"])
		}
	}
	if got := MetricsFromColumns(m.Columns(p), p); got.Analyzed || got.Cadence.N != 0 {
		t.Errorf("read back: analyzed %v, cadence n %d", got.Analyzed, got.Cadence.N)
	}
}

// TestColumnsRoundTrip flattens the metrics of real and generated runs and
// rebuilds them: every summary field must come back as it was; only the
// per-record detail (spike list, reasons, sources) is dropped.
func TestColumnsRoundTrip(t *testing.T) {
	p := DefaultParams()
	files := []string{
		filepath.Join("..", "testdata", "demo", "2026-11-15-long.fit"),                        // all running dynamics, drift measured
		filepath.Join("..", "testdata", "fit", "elevate__trosku.fit"),                         // chest strap
		filepath.Join("..", "testdata", "fit", "fit-parser__running-with-developer-data.fit"), // Stryd developer fields
	}
	for _, f := range files {
		acts, err := ingest.DecodeFile(f, ingest.DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range acts {
			m := Analyze(a, p)
			c := m.Columns(p)
			if len(c) != len(ColumnNames(p)) {
				t.Fatalf("%s: %d columns, want %d", f, len(c), len(ColumnNames(p)))
			}
			got := MetricsFromColumns(c, p)
			want := m
			// What the columns do not keep, by design.
			want.Index, want.Sport, want.SubSport, want.Start = 0, "", "", got.Start
			want.Spikes = Spikes{Count: m.Spikes.Count}
			want.Effort.ElevationSource, want.Effort.TRIMPReason, want.Effort.TRIMPFormula, want.Effort.PowerSource = "", "", "", ""
			want.Balance.Source = ""
			want.Reason, got.Reason = "", ""
			for _, pair := range [][2]*Channel{{&want.GCT, &got.GCT}, {&want.VO, &got.VO}, {&want.VR, &got.VR}, {&want.StepLength, &got.StepLength}} {
				pair[0].Reason, pair[1].Reason = "", ""
				pair[0].DerivedFrom, pair[0].ZoneSet = "", ""
			}
			want.Balance.Reason, got.Balance.Reason = "", ""
			for _, pair := range [][2]*Delta{{&want.Drift.Cadence, &got.Drift.Cadence}, {&want.Drift.GCT, &got.Drift.GCT},
				{&want.Drift.SymmetryIndex, &got.Drift.SymmetryIndex}, {&want.Drift.VerticalOscillation, &got.Drift.VerticalOscillation},
				{&want.Drift.VerticalRatio, &got.Drift.VerticalRatio}} {
				pair[0].Reason, pair[1].Reason = "", ""
				pair[0].RefMean, pair[0].LateMean, pair[0].Bins = math.NaN(), math.NaN(), 0
				pair[1].RefMean, pair[1].LateMean = math.NaN(), math.NaN()
			}
			if !m.Analyzed {
				continue
			}
			if d := cmp.Diff(want, got, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("%s session %d: round trip (-want +got):\n%s", f, a.Index, d)
			}
		}
	}
}
