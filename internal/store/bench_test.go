package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// synthRun is a 3-hour run recorded at 1 Hz (10,800 records) with every
// native column and Stryd's seven developer fields; heart rate drops out
// for a minute every half hour, as optical sensors do.
func synthRun(start time.Time) *ingest.Activity {
	const n = 3 * 3600
	a := &ingest.Activity{
		Device: ingest.Device{Manufacturer: "garmin", Product: "fr965", Serial: 3999999999},
		Sport:  "running",
		Start:  start,
	}
	a.Totals = ingest.Totals{ElapsedS: n, TimerS: n, DistanceM: 32000, AscentM: 400, DescentM: 400}
	cols := []*[]float64{&a.Elapsed, &a.DistanceM, &a.SpeedMPS, &a.AltitudeM, &a.GradePct, &a.HeartRateBPM, &a.CadenceSPM,
		&a.CadenceRPM, &a.GCTMS, &a.GCTBalanceLeftPct, &a.StanceTimePct, &a.VerticalOscillationMM, &a.VerticalRatioPct,
		&a.StepLengthMM, &a.PowerW, &a.TemperatureC}
	for _, c := range cols {
		*c = make([]float64, n)
	}
	for _, name := range []string{"Power", "Cadence", "Ground Time", "Vertical Oscillation", "Elevation", "Form Power", "Leg Spring Stiffness"} {
		a.Dev = append(a.Dev, ingest.DevColumn{Name: name, Units: "x", AppID: "660a581e5301460c8f2f034c8b6dc90f", Values: make([]float64, n)})
	}
	for i := range n {
		x := float64(i)
		w := math.Sin(x / 97)
		a.Elapsed[i] = x
		a.SpeedMPS[i] = 2.96 + 0.2*w
		a.DistanceM[i] = 2.96 * x
		a.AltitudeM[i] = 20 + 15*math.Sin(x/600)
		a.GradePct[i] = math.Round(10*math.Cos(x/600)) / 10
		a.HeartRateBPM[i] = math.Round(150 + 10*w)
		if i%1800 < 60 {
			a.HeartRateBPM[i] = math.NaN()
		}
		a.CadenceSPM[i] = math.Round(2*(85+2*w)) + 0.5*float64(i%2)
		a.CadenceRPM[i] = math.NaN()
		a.GCTMS[i] = math.Round(2450+100*w) / 10
		a.GCTBalanceLeftPct[i] = math.Round(5020+30*w) / 100
		a.StanceTimePct[i] = math.Round(3400+100*w) / 100
		a.VerticalOscillationMM[i] = math.Round(880+40*w) / 10
		a.VerticalRatioPct[i] = math.Round(780+30*w) / 100
		a.StepLengthMM[i] = math.Round(10500 + 400*w)
		a.PowerW[i] = math.Round(280 + 30*w)
		a.TemperatureC[i] = 24
		for j := range a.Dev {
			a.Dev[j].Values[i] = math.Round(100 * (float64(j+1) + w))
		}
	}
	return a
}

// BenchmarkPut stores one 3-hour 1 Hz run per op: both Parquet files and
// the manifest line, fsyncs included. MB/s counts the float64 samples.
func BenchmarkPut(b *testing.B) {
	s, err := Open(b.TempDir(), Options{MetricColumns: []string{"moving_time_s"}})
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2025, 3, 1, 7, 0, 0, 0, time.UTC)
	a := synthRun(base)
	b.SetBytes(int64(a.Len() * (len(a.Columns()) + len(a.Dev)) * 8))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		res, err := s.Put(context.Background(), benchFile(a, base, i))
		if err != nil || len(res.Added) != 1 {
			b.Fatalf("Put: %+v, %v", res, err)
		}
		i++
	}
}

// benchFile is the i-th source file of a benchmark: a as a new activity
// (its start moved i hours on from base), under a name and SHA-256 of
// its own.
func benchFile(a *ingest.Activity, base time.Time, i int) File {
	a.Start = base.Add(time.Duration(i) * time.Hour)
	var key [8]byte
	binary.LittleEndian.PutUint64(key[:], uint64(i))
	return File{Athlete: "bench", Name: fmt.Sprintf("run%d.fit", i), SHA256: sha256.Sum256(key[:]),
		Activities: []Activity{{Data: a, Metrics: map[string]float64{"moving_time_s": 10800}}}}
}

// BenchmarkBatchPut stores one 3-hour 1 Hz run per op into batches of
// 128 activities, as ingest's workers do: the samples row group per op,
// and per 128 ops the batch's activities file, manifest write, fsyncs
// and renames. Compare with BenchmarkPut, a batch per activity.
func BenchmarkBatchPut(b *testing.B) {
	s, err := Open(b.TempDir(), Options{MetricColumns: []string{"moving_time_s"}})
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2025, 3, 1, 7, 0, 0, 0, time.UTC)
	a := synthRun(base)
	b.SetBytes(int64(a.Len() * (len(a.Columns()) + len(a.Dev)) * 8))
	b.ReportAllocs()
	ctx := context.Background()
	var batch *Batch
	i := 0
	for b.Loop() {
		if batch == nil {
			if batch, err = s.NewBatch(ctx, "bench"); err != nil {
				b.Fatal(err)
			}
		}
		if res, err := batch.Put(ctx, benchFile(a, base, i)); err != nil || len(res.Added) != 1 {
			b.Fatalf("Put: %+v, %v", res, err)
		}
		if batch.Activities() == 128 {
			if err := batch.Commit(); err != nil {
				b.Fatal(err)
			}
			batch = nil
		}
		i++
	}
	if batch != nil {
		if err := batch.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkActivities reads back the activities table of 200 stored
// activities: one small Parquet file each.
func BenchmarkActivities(b *testing.B) {
	s, err := Open(b.TempDir(), Options{MetricColumns: []string{"moving_time_s"}})
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2025, 3, 1, 7, 0, 0, 0, time.UTC)
	a := &ingest.Activity{Sport: "running", Start: base, Elapsed: []float64{0}}
	fill(a)
	const n = 200
	for i := range n {
		a.Start = base.Add(time.Duration(i) * 24 * time.Hour)
		f := File{Athlete: "bench", Name: "x.fit", SHA256: sha256.Sum256(fmt.Appendf(nil, "%d", i)), Activities: []Activity{{Data: a}}}
		if _, err := s.Put(context.Background(), f); err != nil {
			b.Fatal(err)
		}
	}
	// cold reads every file (no row cache, as after an ingest); warm
	// finds every row in the row cache (rowcache.go).
	for _, cold := range []bool{true, false} {
		name := "cache=warm"
		if cold {
			name = "cache=cold"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if cold {
					b.StopTimer()
					if err := os.RemoveAll(filepath.Join(s.root, dirCache)); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				rows, err := s.Activities(context.Background(), "bench")
				if err != nil || len(rows) != n {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/activity")
		})
	}
}
