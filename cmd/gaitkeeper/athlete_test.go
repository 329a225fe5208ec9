package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gaitkeeper/gaitkeeper/internal/config"
)

// TestPutFITAndHistory stores demo runs through putFIT and reads them back
// as report runs: the second put of a file is known, and the metrics the
// report sees are those the analysis computed.
func TestPutFITAndHistory(t *testing.T) {
	ctx := context.Background()
	cfg, err := config.Load(config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := storeFlags{athlete: "demo", dir: t.TempDir()}.open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Gait()
	names := []string{"2026-10-11-long.fit", "2026-10-18-long.fit", "2026-10-17-easy.fit"}
	want := map[string]float64{}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", n))
		if err != nil {
			t.Fatal(err)
		}
		got, err := putFIT(ctx, st, "demo", n, data, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Result.Added) != 1 || len(got.Metrics) != 1 {
			t.Fatalf("%s: added %v, %d metrics; want one of each", n, got.Result.Added, len(got.Metrics))
		}
		want[n] = got.Metrics[0].Cadence.AtMedianSpeedSPM
		again, err := putFIT(ctx, st, "demo", n, data, p)
		if err != nil || !again.Result.Known {
			t.Fatalf("%s again: known %v, err %v; want known", n, again.Result.Known, err)
		}
	}
	runs, rows, err := historyRuns(ctx, st, "demo", p, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || len(rows) != 3 {
		t.Fatalf("%d runs, %d rows; want 3 each", len(runs), len(rows))
	}
	for i, r := range runs {
		if i > 0 && !runs[i-1].Local.Before(r.Local) {
			t.Errorf("runs out of order: %v then %v", runs[i-1].Local, r.Local)
		}
		if _, off := r.Local.Zone(); off != 2*3600 && off != 3600 {
			t.Errorf("%s: local offset %d s, want Berlin's (the file's own)", r.File, off)
		}
		if got := r.Metrics.Cadence.AtMedianSpeedSPM; math.Abs(got-want[r.File]) > 1e-9 || !r.Metrics.Analyzed {
			t.Errorf("%s: cadence at median speed %v from the store, %v analyzed", r.File, got, want[r.File])
		}
	}
	if syms, err := storedSymptoms(st, "demo", time.UTC); err != nil || len(syms) != 0 {
		t.Errorf("no diary: got %d symptoms, err %v", len(syms), err)
	}
}
