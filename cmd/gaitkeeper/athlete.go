package main

// The pieces the store-backed commands (ingest, check, history, report,
// log) share: opening the store, storing one FIT file, and reading an
// athlete's history back for the report package.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"time"

	"github.com/spf13/pflag"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
	"github.com/gaitkeeper/gaitkeeper/internal/config"
	"github.com/gaitkeeper/gaitkeeper/internal/store"
	"github.com/gaitkeeper/gaitkeeper/report"
)

// storeFlags are the flags of every command that reads or writes an
// athlete's store.
type storeFlags struct {
	athlete string
	dir     string
}

func (o *storeFlags) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.athlete, "athlete", "", "athlete name: lower-case letters, digits, '-', '_', '.'")
	f.StringVar(&o.dir, "store", "", "store folder (default: config store.root, else $XDG_DATA_HOME/gaitkeeper)")
}

// requireAthlete is a usage error when --athlete is missing or not a valid name.
func (o storeFlags) requireAthlete() error {
	if o.athlete == "" {
		return usageError{"--athlete is required"}
	}
	if err := store.CheckAthlete(o.athlete); err != nil {
		return usageError{fmt.Sprintf("--athlete: %v", err)}
	}
	return nil
}

// open opens the store: --store, else the config's store.root, else
// store.DefaultRoot. Its metric columns are gait's flattened metrics.
func (o storeFlags) open(cfg config.Config) (*store.Store, error) {
	root := o.dir
	if root == "" {
		root = cfg.Store.Root
	}
	if root == "" {
		var err error
		if root, err = store.DefaultRoot(); err != nil {
			return nil, err
		}
	}
	return store.Open(root, store.Options{MetricColumns: gait.ColumnNames(cfg.Gait()), Compression: cfg.Store.Compression})
}

// stored is what storing one FIT file gave.
type stored struct {
	Result store.PutResult
	// Activities and Metrics are the decoded sessions and their analysis,
	// nil when the file was already in the store (Result.Known).
	Activities []*ingest.Activity
	Metrics    []gait.Metrics
}

// putFIT stores the FIT bytes of one source file for athlete: unless the
// store already has a file with the same SHA-256, it decodes and analyzes
// every session and puts them. A file that decodes to nothing is recorded
// as a failure, so it is not decoded again, and its decode error (file and
// byte offset) is returned.
func putFIT(ctx context.Context, st *store.Store, athlete, name string, data []byte, p gait.Params) (stored, error) {
	sha := sha256.Sum256(data)
	known, err := st.HasFile(athlete, sha)
	if err != nil {
		return stored{}, err
	}
	if known {
		return stored{Result: store.PutResult{Known: true}}, nil
	}
	return putDecoded(ctx, st, new(ingest.Decoder), athlete, name, data, sha, p)
}

// putter stores one source file: a *store.Store (a batch of one file) or
// an open *store.Batch (ingest's workers).
type putter interface {
	Put(ctx context.Context, f store.File) (store.PutResult, error)
}

// putDecoded is putFIT once the file is known to be new; dec decodes it.
func putDecoded(ctx context.Context, st putter, dec *ingest.Decoder, athlete, name string, data []byte, sha [32]byte, p gait.Params) (stored, error) {
	acts, decErr := dec.Decode(bytes.NewReader(data), ingest.DecodeOptions{SizeHint: int64(len(data))})
	var de *ingest.DecodeError
	if errors.As(decErr, &de) && de.File == "" {
		de.File = name
	}
	f := store.File{Athlete: athlete, Name: name, SHA256: sha}
	out := stored{Activities: acts, Metrics: make([]gait.Metrics, len(acts))}
	switch {
	case de != nil:
		f.Failure = decodeFailure(de)
	case decErr != nil:
		f.Failure = decErr.Error()
	}
	for i, a := range acts {
		out.Metrics[i] = gait.Analyze(a, p)
		f.Activities = append(f.Activities, store.Activity{Data: a, Metrics: out.Metrics[i].Columns(p)})
	}
	if decErr == nil && len(acts) == 0 {
		f.Failure = "no activities"
	}
	res, err := st.Put(ctx, f)
	if err != nil {
		return stored{}, err
	}
	out.Result = res
	return out, decErr
}

// decodeFailure is the reason a file gave nothing, as the manifest
// records it: the byte offset and the error, without the file name (the
// manifest line has it, and the same bytes may be found under another
// name on a later run).
func decodeFailure(de *ingest.DecodeError) string {
	return fmt.Sprintf("byte %d: %v", de.Offset, de.Err)
}

// localTime returns t on the runner's clock: the device's own offset when
// the file has one, else the configured zone.
func localTime(t time.Time, offsetS int, hasOffset bool, loc *time.Location) time.Time {
	if hasOffset {
		return t.In(time.FixedZone("", offsetS))
	}
	return t.In(loc)
}

// historyRuns reads athlete's stored activities back as report runs, in
// start order, with the metrics the store keeps (gait.MetricsFromColumns).
// Activities that are not runs are left out. rows are all the stored
// activities, runs or not.
func historyRuns(ctx context.Context, st *store.Store, athlete string, p gait.Params, loc *time.Location) (runs []report.Run, rows []store.ActivityRow, err error) {
	rows, err = st.Activities(ctx, athlete)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		if r.Sport != "running" {
			continue
		}
		m := gait.MetricsFromColumns(r.Metrics, p)
		m.Index, m.Sport, m.SubSport, m.Start = r.SessionIndex, r.Sport, r.SubSport, r.Start
		runs = append(runs, report.Run{ID: r.ID, File: r.SourceFile, Metrics: m,
			Local: localTime(r.Start, r.LocalOffsetS, r.HasLocalOffset, loc)})
	}
	return runs, rows, nil
}

// storedSymptoms reads athlete's symptom diary from the store, if there
// is one.
func storedSymptoms(st *store.Store, athlete string, loc *time.Location) ([]ingest.Symptom, error) {
	path, err := st.SymptomsPath(athlete)
	if err != nil {
		return nil, err
	}
	syms, err := ingest.ReadSymptomsFile(path, ingest.SymptomOptions{Format: "csv", Location: loc})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return syms, err
}

// storedActivity rebuilds the ingest.Activity of a stored row from its
// samples, enough for gait.Analyze: the columns, start, sport, local
// offset and session totals. What the store does not keep is left empty:
// laps, timer pauses (devices write no records inside a pause, so the
// moving records are the same) and sensors.
func storedActivity(row store.ActivityRow, s *store.Samples) (*ingest.Activity, error) {
	a := &ingest.Activity{Index: row.SessionIndex, Sport: row.Sport, SubSport: row.SubSport, Start: row.Start,
		LocalOffset: time.Duration(row.LocalOffsetS) * time.Second, HasLocalOffset: row.HasLocalOffset, ClockUnset: row.ClockUnset,
		Device: ingest.Device{Manufacturer: row.Manufacturer, Product: row.Product, Serial: row.Serial, SoftwareVersion: row.SoftwareVersion},
		Dev:    s.Dev}
	a.Totals = ingest.Totals{ElapsedS: row.ElapsedS, TimerS: row.TimerS, DistanceM: row.DistanceM, AscentM: row.AscentM,
		DescentM: row.DescentM, Calories: row.CaloriesKcal, AvgHeartRate: row.AvgHeartRateBPM, MaxHeartRate: row.MaxHeartRateBPM,
		AvgSpeedMPS: row.AvgSpeedMPS, AvgCadence: math.NaN(), AvgPowerW: row.AvgPowerW}
	byName := map[string][]float64{}
	for _, c := range s.Columns {
		byName[c.Name] = c.Values
	}
	n := len(byName["elapsed_s"])
	for _, c := range a.Columns() {
		v, ok := byName[c.Name]
		if !ok {
			v = make([]float64, n)
			for i := range v {
				v[i] = math.NaN()
			}
		}
		if len(v) != n {
			return nil, fmt.Errorf("activity %s: column %s has %d values, elapsed_s %d", row.ID, c.Name, len(v), n)
		}
		a.SetColumn(c.Name, v)
	}
	return a, nil
}
