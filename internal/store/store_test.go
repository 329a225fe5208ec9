package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

var testMetrics = []string{"moving_time_s", "cadence_median_spm"}

// openTest opens a store whose Arrow memory is checked: the test fails if
// anything allocated is not released.
func openTest(t *testing.T, root string, metrics []string) *Store {
	t.Helper()
	s, err := Open(root, Options{MetricColumns: metrics})
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	s.mem = mem
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return s
}

// source is a fixture file, decoded.
type source struct {
	name string
	sha  [32]byte
	acts []*ingest.Activity
}

func load(t testing.TB, name string) source {
	t.Helper()
	p := filepath.Join("..", "..", "testdata", "fit", name)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	acts, err := ingest.DecodeFIT(bytes.NewReader(b), ingest.DecodeOptions{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return source{name: name, sha: sha256.Sum256(b), acts: acts}
}

// file makes the Put argument for src, with metrics that differ per
// activity: moving_time_s is the session index (a value), and
// cadence_median_spm is NaN (a null).
func (src source) file(athlete string) File {
	f := File{Athlete: athlete, Name: src.name, SHA256: src.sha}
	for _, a := range src.acts {
		f.Activities = append(f.Activities, Activity{Data: a, Metrics: map[string]float64{
			"moving_time_s":      float64(a.Index) + 0.5,
			"cadence_median_spm": math.NaN(),
		}})
	}
	return f
}

func put(t *testing.T, s *Store, f File) PutResult {
	t.Helper()
	res, err := s.Put(context.Background(), f)
	if err != nil {
		t.Fatalf("Put %s: %v", f.Name, err)
	}
	return res
}

// readRaw reads a Parquet file with arrow-go's own reader, not the
// store's, so the round trip is checked against the file as other tools
// see it.
func readRaw(t *testing.T, path string) arrow.Table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tbl, err := pqarrow.ReadTable(context.Background(), f, parquet.NewReaderProperties(nil), pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Cleanup(tbl.Release)
	return tbl
}

func column(t *testing.T, tbl arrow.Table, name string) arrow.Array {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("column %s: found %d times", name, len(idx))
	}
	chunks := tbl.Column(idx[0]).Data().Chunks()
	if len(chunks) != 1 {
		// One row group is written per file, so one chunk is read back.
		t.Fatalf("column %s: %d chunks, want 1", name, len(chunks))
	}
	return chunks[0]
}

// checkFloats compares a Parquet float64 column with the ingest column
// it came from: null exactly where want is NaN, the same bits elsewhere.
func checkFloats(t *testing.T, where string, a arrow.Array, want []float64) {
	t.Helper()
	f, ok := a.(*array.Float64)
	if !ok {
		t.Errorf("%s: type %s, want float64", where, a.DataType())
		return
	}
	if f.Len() != len(want) {
		t.Errorf("%s: %d rows, want %d", where, f.Len(), len(want))
		return
	}
	bad := 0
	for i, w := range want {
		if math.IsNaN(w) != f.IsNull(i) || !f.IsNull(i) && f.Value(i) != w {
			if bad++; bad <= 3 {
				t.Errorf("%s row %d: got %v (null %v), want %v", where, i, f.Value(i), f.IsNull(i), w)
			}
		}
	}
}

// storedRow returns the row of activity id as the store reads it.
func storedRow(t *testing.T, s *Store, athlete, id string) ActivityRow {
	t.Helper()
	rows, err := s.Activities(context.Background(), athlete)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no stored activity %s", id)
	return ActivityRow{}
}

// samplesPath is the samples file holding activity id.
func samplesPath(t *testing.T, s *Store, athlete, id string) string {
	t.Helper()
	return filepath.Join(s.Root(), dirSamples, "athlete="+athlete, filepath.FromSlash(storedRow(t, s, athlete, id).SamplesFile))
}

// activitiesPath is the activities file holding activity id, found by
// reading every activities file with arrow-go's reader.
func activitiesPath(t *testing.T, root, athlete, id string) (path string, row int) {
	t.Helper()
	var found []string
	filepath.WalkDir(filepath.Join(root, dirActivities, "athlete="+athlete), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || isTemp(d.Name()) {
			return err
		}
		ids := column(t, readRaw(t, p), "activity_id").(*array.String)
		for i := range ids.Len() {
			if ids.Value(i) == id {
				found, row = append(found, p), i
			}
		}
		return nil
	})
	if len(found) != 1 {
		t.Fatalf("activity %s is in %d activities files: %v", id, len(found), found)
	}
	return found[0], row
}

// readSamplesRaw reads activity id's samples with arrow-go's own reader:
// the row group of its samples file that the file's metadata names.
func readSamplesRaw(t *testing.T, path, id string) arrow.Table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer pf.Close()
	v := pf.MetaData().KeyValueMetadata().FindValue(idsKey)
	if v == nil {
		t.Fatalf("%s: no %s metadata", path, idsKey)
	}
	ids := strings.Split(*v, ",")
	rg := slices.Index(ids, id)
	if rg < 0 || len(ids) != pf.NumRowGroups() {
		t.Fatalf("%s: %s = %q, %d row groups; want %s among them, one a row group", path, idsKey, *v, pf.NumRowGroups(), id)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]int, pf.MetaData().Schema.NumColumns())
	for i := range cols {
		cols[i] = i
	}
	tbl, err := fr.ReadRowGroups(context.Background(), cols, []int{rg})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Cleanup(tbl.Release)
	return tbl
}

var equateNaN = cmpopts.EquateNaNs()

// firstDiff returns the first index where a and b differ, NaN equal to
// NaN, or -1; a length difference counts from the shorter length.
func firstDiff(a, b []float64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// TestRoundTrip stores every decodable fixture and reads each column back,
// with arrow-go's reader and with the store's.
func TestRoundTrip(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "fit", "*.fit"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	root := filepath.Join(t.TempDir(), "[store]") // a glob metacharacter in the path must not matter
	s := openTest(t, root, testMetrics)
	ctx := context.Background()

	type stored struct {
		row ActivityRow
		a   *ingest.Activity
	}
	want := map[string]stored{} // by id: the first file to give it wins
	devCols := 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		acts, err := ingest.DecodeFIT(bytes.NewReader(b), ingest.DecodeOptions{})
		if err != nil {
			continue // files with no records: TestFailureRecorded
		}
		src := source{name: filepath.Base(p), sha: sha256.Sum256(b), acts: acts}
		f := src.file("anna")
		res := put(t, s, f)
		for i, a := range f.Activities {
			id := ActivityID(a.Data, f.SHA256)
			if _, ok := want[id]; ok {
				if !slices.Contains(res.Duplicates, id) {
					t.Errorf("%s session %d: id %s stored before, not reported a duplicate", src.name, i, id)
				}
				continue
			}
			want[id] = stored{rowOf("anna", id, &f, &f.Activities[i]), a.Data}
			devCols += len(a.Data.Dev)
		}
	}
	if len(want) < 20 || devCols == 0 {
		t.Fatalf("only %d activities and %d developer columns stored: the fixtures no longer cover the schema", len(want), devCols)
	}

	rows, err := s.Activities(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Fatalf("Activities: %d rows, want %d", len(rows), len(want))
	}
	// s remembers the rows it wrote; a new Store reads them from the
	// files. Both must give the same.
	fromFiles, err := openTest(t, root, testMetrics).Activities(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(fromFiles, rows, equateNaN); d != "" {
		t.Errorf("rows remembered by the writer differ from the files' (-files +remembered):\n%s", d)
	}
	for i, r := range rows {
		if i > 0 && r.Start.Before(rows[i-1].Start) {
			t.Errorf("row %d (%s) starts before row %d", i, r.ID, i-1)
		}
		w := want[r.ID]
		if !strings.HasPrefix(r.SamplesFile, "year=") || batchOf(path.Base(r.SamplesFile)) == "" {
			t.Errorf("activity %s: samples_file %q, want year=<yyyy>/part-<batch>-<n>.parquet", r.ID, r.SamplesFile)
		}
		if d := cmp.Diff(w.row, r, equateNaN, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(ActivityRow{}, "SamplesFile")); d != "" {
			t.Errorf("activity %s (%s) (-stored +read):\n%s", r.ID, r.SourceFile, d)
		}
	}

	for id, w := range want {
		a := w.a
		where := fmt.Sprintf("%s session %d", w.row.SourceFile, a.Index)

		// The samples file as any Parquet reader sees it.
		tbl := readSamplesRaw(t, samplesPath(t, s, "anna", id), id)
		if got := int(tbl.NumRows()); got != a.Len() {
			t.Errorf("%s: %d sample rows, want %d", where, got, a.Len())
			continue
		}
		// activity_id is a string column, which Arrow reads as a
		// dictionary of strings (it is written as one).
		ids := column(t, tbl, "activity_id").(*array.Dictionary)
		dict := ids.Dictionary().(*array.String)
		ts := column(t, tbl, "timestamp").(*array.Timestamp)
		for i := range a.Len() {
			if got := dict.Value(ids.GetValueIndex(i)); got != id {
				t.Fatalf("%s row %d: activity_id %q, want %q", where, i, got, id)
			}
			if got, want := int64(ts.Value(i)), a.Timestamp(i).UnixMicro(); got != want {
				t.Fatalf("%s row %d: timestamp %d µs, want %d", where, i, got, want)
			}
		}
		if tz := ts.DataType().(*arrow.TimestampType).TimeZone; tz != "UTC" {
			t.Errorf("%s: timestamp zone %q, want UTC", where, tz)
		}
		for _, c := range a.Columns() {
			checkFloats(t, where+" "+c.Name, column(t, tbl, c.Name), c.Values)
		}
		for _, d := range a.Dev {
			name := devPrefix + d.Name
			checkFloats(t, where+" "+name, column(t, tbl, name), d.Values)
			md := tbl.Schema().Field(tbl.Schema().FieldIndices(name)[0]).Metadata
			if k := md.FindKey("units"); k < 0 || md.Values()[k] != d.Units {
				t.Errorf("%s %s: metadata %v, want units %q", where, name, md, d.Units)
			}
		}

		// The activities file: metrics, NaN as null.
		ap, i := activitiesPath(t, root, "anna", id)
		at := readRaw(t, ap)
		cell := func(name string) arrow.Array {
			c := array.NewSlice(column(t, at, name), int64(i), int64(i+1))
			t.Cleanup(c.Release)
			return c
		}
		checkFloats(t, where+" moving_time_s", cell("moving_time_s"), []float64{float64(a.Index) + 0.5})
		checkFloats(t, where+" cadence_median_spm", cell("cadence_median_spm"), []float64{math.NaN()})
		checkFloats(t, where+" distance_m", cell("distance_m"), []float64{a.Totals.DistanceM})
		if names := at.Schema().FieldIndices("athlete"); len(names) != 0 {
			t.Errorf("%s: the file has an athlete column; Hive readers take it from the folder and Spark refuses both", where)
		}

		// And through the store.
		smp, err := s.Samples(ctx, "anna", id)
		if err != nil {
			t.Fatal(err)
		}
		// Compared by hand: cmp.Diff takes seconds over 10⁵ floats.
		cols := a.Columns()
		if len(smp.Columns) != len(cols) {
			t.Fatalf("%s: Samples gave %d columns, want %d", where, len(smp.Columns), len(cols))
		}
		for i, c := range cols {
			if smp.Columns[i].Name != c.Name {
				t.Errorf("%s: Samples column %d is %s, want %s", where, i, smp.Columns[i].Name, c.Name)
			} else if j := firstDiff(c.Values, smp.Columns[i].Values); j >= 0 {
				t.Errorf("%s: Samples %s differs first at row %d", where, c.Name, j)
			}
		}
		if len(smp.Dev) != len(a.Dev) {
			t.Fatalf("%s: Samples gave %d dev columns, want %d", where, len(smp.Dev), len(a.Dev))
		}
		for i, d := range a.Dev {
			g := smp.Dev[i]
			if g.Name != d.Name || g.Units != d.Units || g.AppID != d.AppID {
				t.Errorf("%s: Samples dev column %d is %q %q %q, want %q %q %q", where, i, g.Name, g.Units, g.AppID, d.Name, d.Units, d.AppID)
			} else if j := firstDiff(d.Values, g.Values); j >= 0 {
				t.Errorf("%s: Samples dev %s differs first at row %d", where, d.Name, j)
			}
		}
	}
}

func TestIdempotentPut(t *testing.T) {
	root := t.TempDir()
	src := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	s := openTest(t, root, testMetrics)
	first := put(t, s, src.file("anna"))
	if first.Known || len(first.Added) != 1 {
		t.Fatalf("first Put: %+v, want one activity added", first)
	}
	before := snapshot(t, root)

	if res := put(t, s, src.file("anna")); !res.Known || len(res.Added) != 0 {
		t.Errorf("second Put: %+v, want Known", res)
	}
	s2 := openTest(t, root, testMetrics) // a new process
	if ok, err := s2.HasFile("anna", src.sha); !ok || err != nil {
		t.Errorf("after reopening: HasFile = %v, %v", ok, err)
	}
	if rec, err := s2.Lookup("anna", src.sha); err != nil || rec != (Recorded{Known: true, Name: src.name, Activities: 1}) {
		t.Errorf("after reopening: Lookup = %+v, %v; want known, 1 activity, no failure", rec, err)
	}
	if res := put(t, s2, src.file("anna")); !res.Known {
		t.Errorf("Put after reopening: %+v, want Known", res)
	}
	if d := cmp.Diff(before, snapshot(t, root)); d != "" {
		t.Errorf("store changed by putting the same file again (-before +after):\n%s", d)
	}
	// Another athlete has not read it.
	if ok, _ := s2.HasFile("bo", src.sha); ok {
		t.Error("HasFile(bo) is true for anna's file")
	}
}

// TestDedupeAcrossFiles stores the same activity from two different files:
// the FIT SDK's Activity.fit as python-fitparse ships it twice, once with a
// bad file CRC and once with a settings file chained after it.
func TestDedupeAcrossFiles(t *testing.T) {
	root := t.TempDir()
	s := openTest(t, root, nil)
	a := load(t, "python-fitparse__activity-filecrc.fit")
	b := load(t, "python-fitparse__activity-settings.fit")
	if a.sha == b.sha {
		t.Fatal("fixtures are byte-identical; the test needs two different files")
	}
	fa, fb := a.file("anna"), b.file("anna")
	for i := range fa.Activities {
		fa.Activities[i].Metrics = nil
	}
	for i := range fb.Activities {
		fb.Activities[i].Metrics = nil
	}
	ra := put(t, s, fa)
	rb := put(t, s, fb)
	if len(ra.Added) != 1 || len(rb.Added) != 0 || !slices.Equal(rb.Duplicates, ra.Added) {
		t.Fatalf("first %+v, second %+v: want the second to find the first's activity", ra, rb)
	}
	for _, sha := range [][32]byte{a.sha, b.sha} {
		if ok, err := s.HasFile("anna", sha); !ok || err != nil {
			t.Errorf("HasFile = %v, %v; want both files recorded", ok, err)
		}
	}
	rows, err := s.Activities(context.Background(), "anna")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].SourceFile != fa.Name {
		t.Errorf("rows %+v, want one, from %s", rows, fa.Name)
	}
	n, _ := filepath.Glob(filepath.Join(root, "*", "athlete=anna", "year=*", "*.parquet"))
	if len(n) != 2 {
		t.Errorf("%d Parquet files, want 2 (one samples, one activities): %v", len(n), n)
	}

	// A file whose two sessions share an id (a damaged file) stores one.
	c := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	fc := c.file("anna")
	fc.Activities[0].Metrics = nil
	fc.Activities = append(fc.Activities, fc.Activities[0])
	if rc := put(t, s, fc); len(rc.Added) != 1 || len(rc.Duplicates) != 1 {
		t.Errorf("same session twice in one file: %+v, want one added, one duplicate", rc)
	}
}

// TestEmptySession stores a session without records (a FIT file can
// have a session message whose time range holds no record).
func TestEmptySession(t *testing.T) {
	s := openTest(t, t.TempDir(), testMetrics)
	start := time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)
	a := &ingest.Activity{Sport: "transition", Start: start, Totals: ingest.Totals{ElapsedS: 30, DistanceM: math.NaN()}} // every column empty
	res := put(t, s, File{Athlete: "anna", Name: "t.fit", SHA256: [32]byte{7}, Activities: []Activity{{Data: a}}})
	rows, err := s.Activities(context.Background(), "anna")
	if err != nil || len(rows) != 1 || rows[0].Records != 0 || rows[0].ElapsedS != 30 || !math.IsNaN(rows[0].DistanceM) {
		t.Fatalf("Activities = %+v, %v", rows, err)
	}
	smp, err := s.Samples(context.Background(), "anna", res.Added[0])
	if err != nil || len(smp.Columns) != len(a.Columns()) || len(smp.Columns[0].Values) != 0 {
		t.Errorf("Samples = %+v, %v; want every column, empty", smp, err)
	}
}

func TestActivityID(t *testing.T) {
	start := time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)
	a := &ingest.Activity{Device: ingest.Device{Serial: 3948522231}, Start: start}
	b := &ingest.Activity{Device: ingest.Device{Serial: 3948522231}, Start: start, Index: 2, Sport: "cycling"}
	if ActivityID(a, [32]byte{1}) != ActivityID(b, [32]byte{2}) {
		t.Error("same serial and start in two files: ids differ")
	}
	c := &ingest.Activity{Device: ingest.Device{Serial: 3948522231}, Start: start.Add(time.Second)}
	d := &ingest.Activity{Device: ingest.Device{Serial: 1}, Start: start}
	if ActivityID(a, [32]byte{}) == ActivityID(c, [32]byte{}) || ActivityID(a, [32]byte{}) == ActivityID(d, [32]byte{}) {
		t.Error("a different start or serial gives the same id")
	}
	u1 := &ingest.Activity{ClockUnset: true, Start: start}
	u2 := &ingest.Activity{ClockUnset: true, Start: start}
	if ActivityID(u1, [32]byte{1}) == ActivityID(u2, [32]byte{2}) {
		t.Error("clock unset: two files with the same power-on time share an id")
	}
	if id := ActivityID(a, [32]byte{}); !validID(id) {
		t.Errorf("id %q is not 16 lower-case hex digits", id)
	}
}

func TestFailureRecorded(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	sha := sha256.Sum256([]byte("not FIT"))
	res := put(t, s, File{Athlete: "bo", Name: "notes.fit", SHA256: sha, Failure: "not a FIT file"})
	if res.Known || len(res.Added) != 0 {
		t.Errorf("Put: %+v", res)
	}
	if ok, _ := s.HasFile("bo", sha); !ok {
		t.Error("a file that gave nothing is not recorded: it would be decoded on every run")
	}
	// The failure is kept, also across a reopen (read back from the
	// manifest file), so a later run can still say why the file gave nothing.
	reopened := openTest(t, s.Root(), nil)
	for _, st := range []*Store{s, reopened} {
		rec, err := st.Lookup("bo", sha)
		if want := (Recorded{Known: true, Name: "notes.fit", Failure: "not a FIT file"}); err != nil || rec != want {
			t.Errorf("Lookup = %+v, %v; want %+v", rec, err, want)
		}
	}
	if rec, err := reopened.Lookup("bo", sha256.Sum256([]byte("never seen"))); err != nil || rec.Known {
		t.Errorf("Lookup of an unknown file = %+v, %v; want not known", rec, err)
	}
	// The line format SCHEMA.md documents.
	want := regexp.MustCompile(fmt.Sprintf(`^\{"v":2,"sha256":"%x","name":"notes.fit","activities":\[\],"failure":"not a FIT file","batch":"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}","batch_files":1\}$`, sha))
	if got := manifestLines(t, s.Root(), "bo"); len(got) != 1 || !want.MatchString(got[0]) {
		t.Errorf("manifest:\n%s\nwant one line matching:\n%s", strings.Join(got, "\n"), want)
	}
	if names, _ := s.Athletes(); !slices.Equal(names, []string{"bo"}) {
		t.Errorf("Athletes = %v, want [bo]", names)
	}
	if rows, err := s.Activities(context.Background(), "bo"); len(rows) != 0 || err != nil {
		t.Errorf("Activities = %v, %v; want none", rows, err)
	}
	src := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	f := src.file("bo")
	f.Failure = "x"
	if _, err := s.Put(context.Background(), f); err == nil {
		t.Error("Put with both a failure and activities: no error")
	}
}

func TestAthletes(t *testing.T) {
	s := openTest(t, t.TempDir(), testMetrics)
	for _, a := range []string{"zoe", "anna", "bo-2"} {
		put(t, s, load(t, "python-fitparse__garmin-fenix-5-run.fit").file(a))
	}
	got, err := s.Athletes()
	if err != nil || !slices.Equal(got, []string{"anna", "bo-2", "zoe"}) {
		t.Errorf("Athletes = %v, %v", got, err)
	}
}

func TestBadAthleteNames(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	ctx := context.Background()
	for _, name := range []string{"", ".", "..", "a/b", `a\b`, "../x", "Anna", "a b", "zoë", "a:b", strings.Repeat("a", 65)} {
		err := CheckAthlete(name)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", name)) {
			t.Errorf("CheckAthlete(%q) = %v, want an error quoting the name", name, err)
		}
		if _, err := s.HasFile(name, [32]byte{}); err == nil {
			t.Errorf("HasFile(%q): no error", name)
		}
		if _, err := s.Put(ctx, File{Athlete: name, Failure: "x"}); err == nil {
			t.Errorf("Put(%q): no error", name)
		}
		if _, err := s.Activities(ctx, name); err == nil {
			t.Errorf("Activities(%q): no error", name)
		}
		if _, err := s.Samples(ctx, name, "0123456789abcdef"); err == nil {
			t.Errorf("Samples(%q): no error", name)
		}
		if _, err := s.SymptomsPath(name); err == nil {
			t.Errorf("SymptomsPath(%q): no error", name)
		}
	}
	for _, name := range []string{"anna", "anna.k", "a-b_c", "007", "a", strings.Repeat("a", 64)} {
		if err := CheckAthlete(name); err != nil {
			t.Errorf("CheckAthlete(%q) = %v", name, err)
		}
	}
	if _, err := s.Samples(ctx, "anna", "../../etc/passwd"); err == nil {
		t.Error("Samples with a path as id: no error")
	}
	if _, err := s.Samples(ctx, "anna", "0123456789abcdef"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Samples of a missing id: %v, want ErrNotFound", err)
	}
}

func TestMetricColumns(t *testing.T) {
	for _, bad := range [][]string{{"Moving"}, {"a b"}, {""}, {"x", "x"}, {"start"}, {"athlete"}, {"year"}, {"1x"}} {
		if _, err := Open(t.TempDir(), Options{MetricColumns: bad}); err == nil {
			t.Errorf("Open with metric columns %q: no error", bad)
		}
	}
	root := t.TempDir()
	src := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	s := openTest(t, root, []string{"moving_time_s"})
	f := src.file("anna")
	if _, err := s.Put(context.Background(), f); err == nil || !strings.Contains(err.Error(), "cadence_median_spm") {
		t.Errorf("Put with an undeclared metric: %v, want an error naming it", err)
	}
	f.Activities[0].Metrics = map[string]float64{"moving_time_s": 56}
	put(t, s, f)

	// A later version declares one more metric: old rows read it as NaN.
	s2 := openTest(t, root, []string{"moving_time_s", "gct_asymmetry_pct"})
	walk := load(t, "python-fitparse__garmin-fenix-5-walk.fit")
	g := walk.file("anna")
	g.Activities[0].Metrics = map[string]float64{"gct_asymmetry_pct": 1.5}
	put(t, s2, g)
	rows, err := s2.Activities(context.Background(), "anna")
	if err != nil || len(rows) != 2 {
		t.Fatalf("Activities: %d rows, %v", len(rows), err)
	}
	want := []map[string]float64{
		{"moving_time_s": math.NaN(), "gct_asymmetry_pct": 1.5}, // the walk starts first (14:32:51)
		{"moving_time_s": 56, "gct_asymmetry_pct": math.NaN()},
	}
	for i, r := range rows {
		if d := cmp.Diff(want[i], r.Metrics, equateNaN); d != "" {
			t.Errorf("row %d (%s) metrics (-want +got):\n%s", i, r.SourceFile, d)
		}
	}
}

func TestDefaultRoot(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "/data/x")
	if got, err := DefaultRoot(); err != nil || got != filepath.Join("/data/x", "gaitkeeper") {
		t.Errorf("with XDG_DATA_HOME: %q, %v", got, err)
	}
	for _, xdg := range []string{"", "relative/dir"} {
		t.Setenv("XDG_DATA_HOME", xdg)
		if got, err := DefaultRoot(); err != nil || got != filepath.Join(home, ".local", "share", "gaitkeeper") {
			t.Errorf("XDG_DATA_HOME=%q: %q, %v; want under HOME", xdg, got, err)
		}
	}
}

func TestNotWritable(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(blocker, "store"), Options{}); err == nil || !strings.Contains(err.Error(), blocker) {
		t.Errorf("Open under a regular file: %v, want an error naming %s", err, blocker)
	}

	// A partition folder that cannot be made: the error names it, nothing
	// is recorded, and putting again after the fix works.
	root := filepath.Join(dir, "store")
	s := openTest(t, root, testMetrics)
	part := filepath.Join(root, dirSamples, "athlete=anna")
	if err := os.WriteFile(part, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	src := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	if _, err := s.Put(context.Background(), src.file("anna")); err == nil || !strings.Contains(err.Error(), part) {
		t.Errorf("Put: %v, want an error naming %s", err, part)
	}
	if ok, _ := openTest(t, root, testMetrics).HasFile("anna", src.sha); ok {
		t.Error("a failed Put was recorded in the manifest")
	}
	if m, _ := filepath.Glob(filepath.Join(root, dirActivities, "*", "*", "*")); len(m) != 0 {
		t.Errorf("the samples file failed but the activities file was written: %v", m)
	}
	os.Remove(part)

	// Now the activities folder (the failed Put above made it, empty):
	// the manifest still says nothing.
	apart := filepath.Join(root, dirActivities, "athlete=anna")
	if err := os.RemoveAll(apart); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, root, testMetrics) // a new process: s knew the folder removed under it
	if err := os.WriteFile(apart, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(context.Background(), src.file("anna")); err == nil || !strings.Contains(err.Error(), apart) {
		t.Errorf("Put: %v, want an error naming %s", err, apart)
	}
	if ok, _ := openTest(t, root, testMetrics).HasFile("anna", src.sha); ok {
		t.Error("a failed Put was recorded in the manifest")
	}
	os.Remove(apart)
	if res := put(t, s, src.file("anna")); len(res.Added) != 1 {
		t.Errorf("Put after the fix: %+v", res)
	}

	t.Run("read-only folder", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes to read-only folders; the regular-file cases above cover this")
		}
		root := t.TempDir()
		s := openTest(t, root, testMetrics)
		acts := filepath.Join(root, dirActivities)
		if err := os.Chmod(acts, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(acts, 0o755) })
		if _, err := s.Put(context.Background(), src.file("anna")); err == nil || !strings.Contains(err.Error(), acts) {
			t.Errorf("Put: %v, want an error naming %s", err, acts)
		}
	})
}

func TestDamagedParquet(t *testing.T) {
	root := t.TempDir()
	s := openTest(t, root, testMetrics)
	src := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	id := put(t, s, src.file("anna")).Added[0]
	ap, _ := activitiesPath(t, root, "anna", id)
	for top, p := range map[string]string{dirActivities: ap, dirSamples: samplesPath(t, s, "anna", id)} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// Keep the footer, ruin the data: the reader must fail, not panic.
		for _, damaged := range [][]byte{b[:len(b)/2], append(bytes.Repeat([]byte{0xff}, len(b)-1000), b[len(b)-1000:]...)} {
			if err := os.WriteFile(p, damaged, 0o644); err != nil {
				t.Fatal(err)
			}
			var err error
			if top == dirActivities {
				_, err = s.Activities(context.Background(), "anna")
			} else {
				_, err = s.Samples(context.Background(), "anna", id)
			}
			if err == nil || !strings.Contains(err.Error(), p) {
				t.Errorf("%s damaged: %v, want an error naming it", top, err)
			}
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConcurrentPut(t *testing.T) {
	root := t.TempDir()
	s := openTest(t, root, testMetrics)
	names := []string{
		"python-fitparse__garmin-fenix-5-run.fit",
		"python-fitparse__garmin-fenix-5-walk.fit",
		"fit-parser__triathlon_summary_first.fit",
		"python-fitparse__activity-filecrc.fit",
		"python-fitparse__activity-settings.fit", // same activity as activity-filecrc
	}
	var files []File
	for _, n := range names {
		f := load(t, n).file("anna")
		files = append(files, f, f) // each file twice, as a folder holding a zip and its unpacked copy would give it
	}
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	for i, f := range files {
		wg.Go(func() { _, errs[i] = s.Put(context.Background(), f) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	lines := manifestLines(t, root, "anna")
	if len(lines) != len(names) {
		t.Errorf("manifest has %d lines, want one per file (%d):\n%s", len(lines), len(names), strings.Join(lines, "\n"))
	}
	rows, err := s.Activities(context.Background(), "anna")
	if err != nil || len(rows) != 1+1+5+1 {
		t.Errorf("Activities: %d rows, %v; want 8", len(rows), err)
	}
}

// snapshot maps every file under root to its contents.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p == filepath.Join(root, dirCache) {
			return filepath.SkipDir // derived data, rebuilt at will (rowcache.go)
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func manifestLines(t *testing.T, root, athlete string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, dirManifest, "athlete="+athlete+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// TestV1Store opens a store written before batches (testdata/v1-store:
// one Parquet file per activity, version 1 manifest lines): its rows and
// samples read as before, its files count as stored, a temporary file a
// crash left in it is removed, and new batches go in beside its files.
func TestV1Store(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("testdata", "v1-store"))); err != nil {
		t.Fatal(err)
	}
	run := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	walk := load(t, "python-fitparse__garmin-fenix-5-walk.fit")
	runID := ActivityID(run.acts[0], run.sha)
	tmp := filepath.Join(root, dirSamples, "athlete=anna", "year=2017", "."+runID+".parquet"+tmpMark+"42")
	if err := os.WriteFile(tmp, []byte("PAR1 half"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openTest(t, root, testMetrics)
	if _, err := os.Stat(tmp); err == nil {
		t.Error("Open left the temporary file a crash left")
	}
	ctx := context.Background()
	for _, src := range []source{run, walk} {
		if ok, err := s.HasFile("anna", src.sha); !ok || err != nil {
			t.Errorf("%s: HasFile = %v, %v; want stored", src.name, ok, err)
		}
		id := ActivityID(src.acts[0], src.sha)
		r := storedRow(t, s, "anna", id)
		if want := "year=2017/" + id + ".parquet"; r.SamplesFile != want {
			t.Errorf("%s: SamplesFile %q, want %q", src.name, r.SamplesFile, want)
		}
		if r.SourceFile != src.name || r.Records != src.acts[0].Len() || r.Sport != src.acts[0].Sport {
			t.Errorf("%s: row %+v", src.name, r)
		}
		smp, err := s.Samples(ctx, "anna", id)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range src.acts[0].Columns() {
			if j := firstDiff(c.Values, smp.Columns[i].Values); j >= 0 {
				t.Errorf("%s: samples %s differ first at row %d", src.name, c.Name, j)
			}
		}
	}
	if res := put(t, s, run.file("anna")); !res.Known {
		t.Errorf("putting a file the v1 manifest lists: %+v, want Known", res)
	}
	put(t, s, load(t, "elevate__trosku.fit").file("anna"))
	rows, err := openTest(t, root, testMetrics).Activities(ctx, "anna")
	if err != nil || len(rows) != 3 {
		t.Fatalf("after a new batch: %d rows, %v; want 3", len(rows), err)
	}
	if lines := manifestLines(t, root, "anna"); len(lines) != 3 || !strings.HasPrefix(lines[0], `{"v":1,`) || !strings.HasPrefix(lines[2], `{"v":2,`) {
		t.Errorf("manifest:\n%s\nwant the two v1 lines, then a v2 line", strings.Join(lines, "\n"))
	}
}
