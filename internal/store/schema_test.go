package store

import (
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// TestSchemaDoc keeps SCHEMA.md's column tables in step with the code.
func TestSchemaDoc(t *testing.T) {
	b, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	tables := docTables(string(b))

	var activities []string
	for _, c := range baseCols {
		activities = append(activities, c.field.Name)
	}
	a := &ingest.Activity{Elapsed: []float64{0}, Dev: []ingest.DevColumn{{Name: "<field name>", Values: []float64{math.NaN()}}}}
	fill(a)
	rec := samplesRecord("0123456789abcdef", a)
	defer rec.Release()
	var samples []string
	for _, f := range rec.Schema().Fields() {
		samples = append(samples, f.Name)
	}

	for section, want := range map[string][]string{"activities": activities, "samples": samples} {
		if got := tables[section]; !slices.Equal(got, want) {
			t.Errorf("SCHEMA.md section %q lists\n  %v\nthe code writes\n  %v", section, got, want)
		}
	}
}

// fill gives every native column of a one-record activity a slice.
func fill(a *ingest.Activity) {
	for _, p := range []*[]float64{&a.DistanceM, &a.SpeedMPS, &a.AltitudeM, &a.GradePct, &a.HeartRateBPM, &a.CadenceSPM,
		&a.CadenceRPM, &a.GCTMS, &a.GCTBalanceLeftPct, &a.StanceTimePct, &a.VerticalOscillationMM, &a.VerticalRatioPct,
		&a.StepLengthMM, &a.PowerW, &a.TemperatureC} {
		*p = []float64{math.NaN()}
	}
}

// docTables returns, per "## <section>" of a markdown file, the first
// cell (in backquotes) of each row of its tables.
func docTables(md string) map[string][]string {
	out := map[string][]string{}
	cell := regexp.MustCompile("^\\| `([^`]+)` \\|")
	section := ""
	for _, line := range strings.Split(md, "\n") {
		if s, ok := strings.CutPrefix(line, "## "); ok {
			section = strings.TrimSpace(s)
			continue
		}
		if m := cell.FindStringSubmatch(line); m != nil {
			out[section] = append(out[section], m[1])
		}
	}
	return out
}

// TestSamplesParquetTypes checks the samples file as a Parquet reader
// that ignores the embedded Arrow schema (DuckDB, Spark) sees it:
// activity_id a dictionary-encoded string, timestamp a UTC timestamp in
// µs, and a column that is NaN in ingest null in the file.
func TestSamplesParquetTypes(t *testing.T) {
	src := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	root := t.TempDir()
	s := openTest(t, root, testMetrics)
	res := put(t, s, src.file("anna"))
	r, err := file.OpenParquetFile(samplesPath(t, s, "anna", res.Added[0]), false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sc := r.MetaData().Schema
	col := func(name string) (int, *schema.Column) {
		i := sc.ColumnIndexByName(name)
		if i < 0 {
			t.Fatalf("no column %s", name)
		}
		return i, sc.Column(i)
	}
	i, id := col("activity_id")
	if id.PhysicalType() != parquet.Types.ByteArray || !id.LogicalType().Equals(schema.StringLogicalType{}) {
		t.Errorf("activity_id: %s %s, want BYTE_ARRAY String", id.PhysicalType(), id.LogicalType())
	}
	cc, err := r.MetaData().RowGroup(0).ColumnChunk(i)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cc.Encodings(), parquet.Encodings.RLEDict) {
		t.Errorf("activity_id encodings %v: not dictionary-encoded", cc.Encodings())
	}
	i, ts := col("timestamp")
	if lt, ok := ts.LogicalType().(schema.TimestampLogicalType); !ok || !lt.IsAdjustedToUTC() || lt.TimeUnit() != schema.TimeUnitMicros {
		t.Errorf("timestamp: %s, want TIMESTAMP(MICROS, UTC)", ts.LogicalType())
	}
	if cc, err = r.MetaData().RowGroup(0).ColumnChunk(i); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cc.Encodings(), parquet.Encodings.DeltaBinaryPacked) {
		t.Errorf("timestamp encodings %v: not DELTA_BINARY_PACKED", cc.Encodings())
	}
	// The run has no cadence_rpm (it is a run): every row null, and no
	// NaN stored.
	i, _ = col("cadence_rpm")
	cc, err = r.MetaData().RowGroup(0).ColumnChunk(i)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cc.Statistics()
	if err != nil || st == nil {
		t.Fatalf("cadence_rpm statistics: %v", err)
	}
	if st.NullCount() != int64(src.acts[0].Len()) {
		t.Errorf("cadence_rpm: %d nulls, want %d (every row)", st.NullCount(), src.acts[0].Len())
	}
}
