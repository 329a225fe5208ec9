package store

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// ActivityRow is one row of the activities table: one session of one
// FIT file, described by the values the file itself holds, plus the
// caller's metrics. SCHEMA.md gives the column of each field.
//
// Float fields are NaN where the file has no value (null in Parquet).
type ActivityRow struct {
	Athlete string // from the athlete=<name> folder (a Hive partition), not a column in the file

	ID           string // activity_id: see [ActivityID]
	SourceFile   string // display name of the source when first stored, e.g. "export.zip!a.fit"
	SourceSHA256 string // hex SHA-256 of the source's FIT bytes
	SessionIndex int    // 0-based session of the source file

	Manufacturer    string
	Product         string
	Serial          uint32 // 0 when the file has none
	SoftwareVersion string

	Sport    string
	SubSport string

	Start          time.Time // UTC
	LocalOffsetS   int       // local time minus UTC, s; valid when HasLocalOffset
	HasLocalOffset bool
	ClockUnset     bool // the device clock was never set: Start counts from power-on
	Records        int  // rows of this activity in its samples file
	// SamplesFile is the samples file holding the activity's records,
	// below ROOT/samples/athlete=<name>/, with '/' between folders:
	// "year=2026/part-20261203T184512Z-3f9a1c2e-0.parquet". For files
	// written before batches (no samples_file column) Activities fills
	// in their name, "year=<yyyy>/<id>.parquet".
	SamplesFile string

	// Session totals as the device wrote them.
	ElapsedS        float64
	TimerS          float64
	DistanceM       float64
	AscentM         float64
	DescentM        float64
	CaloriesKcal    float64
	AvgHeartRateBPM float64
	MaxHeartRateBPM float64
	AvgSpeedMPS     float64
	AvgPowerW       float64

	Warnings []string // the decoder's warnings, as text

	// Metrics holds the caller's metric columns (Options.MetricColumns)
	// and any other float64 column the file has: NaN where null, or where
	// the file was written before the column was declared.
	Metrics map[string]float64
}

func rowOf(athlete, id string, f *File, a *Activity) ActivityRow {
	d := a.Data
	r := ActivityRow{
		Athlete:         athlete,
		ID:              id,
		SourceFile:      f.Name,
		SourceSHA256:    fmt.Sprintf("%x", f.SHA256),
		SessionIndex:    d.Index,
		Manufacturer:    d.Device.Manufacturer,
		Product:         d.Device.Product,
		Serial:          d.Device.Serial,
		SoftwareVersion: d.Device.SoftwareVersion,
		Sport:           d.Sport,
		SubSport:        d.SubSport,
		Start:           d.Start.UTC(),
		LocalOffsetS:    int(d.LocalOffset / time.Second),
		HasLocalOffset:  d.HasLocalOffset,
		ClockUnset:      d.ClockUnset,
		Records:         d.Len(),
		ElapsedS:        d.Totals.ElapsedS,
		TimerS:          d.Totals.TimerS,
		DistanceM:       d.Totals.DistanceM,
		AscentM:         d.Totals.AscentM,
		DescentM:        d.Totals.DescentM,
		CaloriesKcal:    d.Totals.Calories,
		AvgHeartRateBPM: d.Totals.AvgHeartRate,
		MaxHeartRateBPM: d.Totals.MaxHeartRate,
		AvgSpeedMPS:     d.Totals.AvgSpeedMPS,
		AvgPowerW:       d.Totals.AvgPowerW,
		Metrics:         a.Metrics,
	}
	for _, w := range d.Warnings {
		r.Warnings = append(r.Warnings, w.Error())
	}
	return r
}

// baseCol is one fixed column of the activities table: its Arrow field,
// and how to move its value between an ActivityRow and an Arrow builder
// or array. Keeping both directions in one place keeps them in step.
type baseCol struct {
	field arrow.Field
	put   func(b array.Builder, r *ActivityRow)
	get   func(a arrow.Array, i int, r *ActivityRow) bool // false: the array has the wrong type
}

// baseCols are the fixed columns of the activities table, in file order.
// SCHEMA.md documents them; TestSchemaDoc keeps the two in step.
var baseCols = []baseCol{
	stringCol("activity_id", func(r *ActivityRow) *string { return &r.ID }),
	stringCol("source_file", func(r *ActivityRow) *string { return &r.SourceFile }),
	stringCol("source_sha256", func(r *ActivityRow) *string { return &r.SourceSHA256 }),
	int32Col("session_index", func(r *ActivityRow) *int { return &r.SessionIndex }),
	stringCol("device_manufacturer", func(r *ActivityRow) *string { return &r.Manufacturer }),
	stringCol("device_product", func(r *ActivityRow) *string { return &r.Product }),
	{
		// uint32 in FIT; int64 here because Spark has no unsigned types.
		field: arrow.Field{Name: "device_serial", Type: arrow.PrimitiveTypes.Int64},
		put:   func(b array.Builder, r *ActivityRow) { b.(*array.Int64Builder).Append(int64(r.Serial)) },
		get: func(a arrow.Array, i int, r *ActivityRow) bool {
			c, ok := a.(*array.Int64)
			if ok {
				r.Serial = uint32(c.Value(i))
			}
			return ok
		},
	},
	stringCol("device_software_version", func(r *ActivityRow) *string { return &r.SoftwareVersion }),
	stringCol("sport", func(r *ActivityRow) *string { return &r.Sport }),
	stringCol("sub_sport", func(r *ActivityRow) *string { return &r.SubSport }),
	{
		field: arrow.Field{Name: "start", Type: arrow.FixedWidthTypes.Timestamp_us},
		put: func(b array.Builder, r *ActivityRow) {
			b.(*array.TimestampBuilder).Append(arrow.Timestamp(r.Start.UnixMicro()))
		},
		get: func(a arrow.Array, i int, r *ActivityRow) bool {
			c, ok := a.(*array.Timestamp)
			if ok {
				r.Start = time.UnixMicro(int64(c.Value(i))).UTC()
			}
			return ok
		},
	},
	{
		field: arrow.Field{Name: "local_offset_s", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		put: func(b array.Builder, r *ActivityRow) {
			if r.HasLocalOffset {
				b.(*array.Int32Builder).Append(int32(r.LocalOffsetS))
			} else {
				b.AppendNull()
			}
		},
		get: func(a arrow.Array, i int, r *ActivityRow) bool {
			c, ok := a.(*array.Int32)
			if ok && c.IsValid(i) {
				r.LocalOffsetS, r.HasLocalOffset = int(c.Value(i)), true
			}
			return ok
		},
	},
	{
		field: arrow.Field{Name: "clock_unset", Type: arrow.FixedWidthTypes.Boolean},
		put:   func(b array.Builder, r *ActivityRow) { b.(*array.BooleanBuilder).Append(r.ClockUnset) },
		get: func(a arrow.Array, i int, r *ActivityRow) bool {
			c, ok := a.(*array.Boolean)
			if ok {
				r.ClockUnset = c.Value(i)
			}
			return ok
		},
	},
	{
		field: arrow.Field{Name: "records", Type: arrow.PrimitiveTypes.Int64},
		put:   func(b array.Builder, r *ActivityRow) { b.(*array.Int64Builder).Append(int64(r.Records)) },
		get: func(a arrow.Array, i int, r *ActivityRow) bool {
			c, ok := a.(*array.Int64)
			if ok {
				r.Records = int(c.Value(i))
			}
			return ok
		},
	},
	stringCol("samples_file", func(r *ActivityRow) *string { return &r.SamplesFile }),
	floatCol("elapsed_s", func(r *ActivityRow) *float64 { return &r.ElapsedS }),
	floatCol("timer_s", func(r *ActivityRow) *float64 { return &r.TimerS }),
	floatCol("distance_m", func(r *ActivityRow) *float64 { return &r.DistanceM }),
	floatCol("ascent_m", func(r *ActivityRow) *float64 { return &r.AscentM }),
	floatCol("descent_m", func(r *ActivityRow) *float64 { return &r.DescentM }),
	floatCol("calories_kcal", func(r *ActivityRow) *float64 { return &r.CaloriesKcal }),
	floatCol("avg_heart_rate_bpm", func(r *ActivityRow) *float64 { return &r.AvgHeartRateBPM }),
	floatCol("max_heart_rate_bpm", func(r *ActivityRow) *float64 { return &r.MaxHeartRateBPM }),
	floatCol("avg_speed_mps", func(r *ActivityRow) *float64 { return &r.AvgSpeedMPS }),
	floatCol("avg_power_w", func(r *ActivityRow) *float64 { return &r.AvgPowerW }),
	{
		field: arrow.Field{Name: "warnings", Type: arrow.ListOf(arrow.BinaryTypes.String)},
		put: func(b array.Builder, r *ActivityRow) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			vb := lb.ValueBuilder().(*array.StringBuilder)
			for _, w := range r.Warnings {
				vb.Append(w)
			}
		},
		get: func(a arrow.Array, i int, r *ActivityRow) bool {
			c, ok := a.(*array.List)
			if !ok {
				return false
			}
			vals, ok := c.ListValues().(*array.String)
			if !ok {
				return false
			}
			start, end := c.ValueOffsets(i)
			r.Warnings = nil
			for j := start; j < end; j++ {
				r.Warnings = append(r.Warnings, vals.Value(int(j)))
			}
			return true
		},
	},
}

func stringCol(name string, p func(*ActivityRow) *string) baseCol {
	return baseCol{
		field: arrow.Field{Name: name, Type: arrow.BinaryTypes.String},
		put:   func(b array.Builder, r *ActivityRow) { b.(*array.StringBuilder).Append(*p(r)) },
		get: func(a arrow.Array, i int, r *ActivityRow) bool {
			c, ok := a.(*array.String)
			if ok {
				*p(r) = c.Value(i)
			}
			return ok
		},
	}
}

func int32Col(name string, p func(*ActivityRow) *int) baseCol {
	return baseCol{
		field: arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Int32},
		put:   func(b array.Builder, r *ActivityRow) { b.(*array.Int32Builder).Append(int32(*p(r))) },
		get: func(a arrow.Array, i int, r *ActivityRow) bool {
			c, ok := a.(*array.Int32)
			if ok {
				*p(r) = int(c.Value(i))
			}
			return ok
		},
	}
}

func floatCol(name string, p func(*ActivityRow) *float64) baseCol {
	return baseCol{
		field: arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		put:   func(b array.Builder, r *ActivityRow) { appendFloat(b.(*array.Float64Builder), *p(r)) },
		get: func(a arrow.Array, i int, r *ActivityRow) bool {
			c, ok := a.(*array.Float64)
			if ok {
				*p(r) = floatAt(c, i)
			}
			return ok
		},
	}
}

// appendFloat appends v, or null for NaN: Parquet readers treat NaN as a
// number (it sorts and averages as one), null as missing.
func appendFloat(b *array.Float64Builder, v float64) {
	if math.IsNaN(v) {
		b.AppendNull()
	} else {
		b.Append(v)
	}
}

func floatAt(c *array.Float64, i int) float64 {
	if c.IsNull(i) {
		return math.NaN()
	}
	return c.Value(i)
}

// activitySchema is the activities table: the base columns, then one
// nullable float64 column per metric.
func activitySchema(metrics []string) *arrow.Schema {
	fields := make([]arrow.Field, 0, len(baseCols)+len(metrics))
	for _, c := range baseCols {
		fields = append(fields, c.field)
	}
	for _, m := range metrics {
		fields = append(fields, arrow.Field{Name: m, Type: arrow.PrimitiveTypes.Float64, Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

// activityRecord builds the record of rows, one row each. The caller
// releases it.
func activityRecord(mem memory.Allocator, sc *arrow.Schema, rows []ActivityRow) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	for k := range rows {
		r := &rows[k]
		for i, c := range baseCols {
			c.put(b.Field(i), r)
		}
		for i := len(baseCols); i < sc.NumFields(); i++ {
			v, ok := r.Metrics[sc.Field(i).Name]
			if !ok {
				v = math.NaN()
			}
			appendFloat(b.Field(i).(*array.Float64Builder), v)
		}
	}
	return b.NewRecordBatch()
}

// rowsFromTable reads every row of an activities table. Columns the file
// lacks keep their zero value (NaN for floats): files written by an older
// gaitkeeper stay readable.
func rowsFromTable(tbl arrow.Table, metrics []string) ([]ActivityRow, error) {
	n := int(tbl.NumRows())
	rows := make([]ActivityRow, n)
	for k := range rows {
		r := &rows[k]
		r.ElapsedS, r.TimerS, r.DistanceM, r.AscentM, r.DescentM = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
		r.CaloriesKcal, r.AvgHeartRateBPM, r.MaxHeartRateBPM, r.AvgSpeedMPS, r.AvgPowerW = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
		r.Metrics = make(map[string]float64, len(metrics))
		for _, m := range metrics {
			r.Metrics[m] = math.NaN()
		}
	}
	base := make(map[string]baseCol, len(baseCols))
	for _, c := range baseCols {
		base[c.field.Name] = c
	}
	sc := tbl.Schema()
	for i := range int(tbl.NumCols()) {
		name := sc.Field(i).Name
		c, isBase := base[name]
		k := 0
		for _, a := range tbl.Column(i).Data().Chunks() {
			f, isFloat := a.(*array.Float64)
			for j := range a.Len() {
				r := &rows[k]
				k++
				switch {
				case isBase:
					if !c.get(a, j, r) {
						return nil, fmt.Errorf("column %s: type %s, want %s", name, a.DataType(), c.field.Type)
					}
				case isFloat:
					r.Metrics[name] = floatAt(f, j)
				}
			}
		}
	}
	return rows, nil
}

// Samples are the per-record columns of one stored activity, as
// [ingest.Activity] holds them: NaN where a value is missing.
type Samples struct {
	Columns []ingest.Column    // every native column, in the order of [ingest.Activity.Columns]
	Dev     []ingest.DevColumn // developer fields, in the order of the file
}

// devPrefix names developer-field columns in the samples table, as in
// `gaitkeeper inspect --samples csv`.
const devPrefix = "dev:"

// samplesRecord builds the samples table of one activity. The caller
// releases it. The float columns share a's memory (see floatArray), so a
// must not change while the record is in use.
func samplesRecord(id string, a *ingest.Activity) arrow.RecordBatch {
	n := a.Len()
	native := a.Columns()
	fields := make([]arrow.Field, 0, 2+len(native)+len(a.Dev))
	cols := make([]arrow.Array, 0, cap(fields))
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()

	fields = append(fields, arrow.Field{Name: "activity_id", Type: idDictType})
	cols = append(cols, constantID(id, n))

	fields = append(fields, arrow.Field{Name: "timestamp", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true})
	cols = append(cols, timestamps(a))

	for _, c := range native {
		fields = append(fields, arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Float64, Nullable: true})
		cols = append(cols, floatArray(c.Values))
	}
	seen := make(map[string]bool, len(a.Dev))
	for _, d := range a.Dev {
		// FIT strings need not be UTF-8; Parquet column names must be.
		name := devPrefix + strings.ToValidUTF8(d.Name, "\uFFFD")
		for k := 2; seen[name]; k++ {
			name = fmt.Sprintf("%s%s (%d)", devPrefix, strings.ToValidUTF8(d.Name, "\uFFFD"), k)
		}
		seen[name] = true
		md := arrow.NewMetadata([]string{"units", "app_id"}, []string{strings.ToValidUTF8(d.Units, "\uFFFD"), d.AppID})
		fields = append(fields, arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Float64, Nullable: true, Metadata: md})
		cols = append(cols, floatArray(d.Values))
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(n))
}

// idDictType is the Arrow type of the samples' activity_id column: one
// id repeated on every row, as a dictionary of one string. pqarrow writes
// a dictionary array's indices directly; a plain string column had every
// row hashed into the Parquet dictionary, 13% of writing a samples file
// (pprof). Readers see a string column either way: the Parquet column is
// a dictionary-encoded string.
var idDictType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}

// constantID is id on each of n rows, as a dictionary array.
func constantID(id string, n int) arrow.Array {
	dict := array.NewStringData(array.NewData(arrow.BinaryTypes.String, 1,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes([]int32{0, int32(len(id))})), memory.NewBufferBytes([]byte(id))}, nil, 0, 0))
	defer dict.Release()
	idx := array.NewData(arrow.PrimitiveTypes.Int8, n, []*memory.Buffer{nil, memory.NewBufferBytes(make([]byte, n))}, nil, 0, 0)
	defer idx.Release()
	return array.NewDictionaryArray(idDictType, array.MakeFromData(idx), dict)
}

// timestamps is the timestamp column: Start + Elapsed to the
// millisecond ([ingest.Activity.Timestamp]), null where Elapsed is NaN.
func timestamps(a *ingest.Activity) arrow.Array {
	us := make([]int64, len(a.Elapsed))
	for i, e := range a.Elapsed {
		if e == e {
			us[i] = a.Timestamp(i).UnixMicro()
		}
	}
	return withNulls(arrow.FixedWidthTypes.Timestamp_us, arrow.Int64Traits.CastToBytes(us), a.Elapsed)
}

// floatArray is v as an Arrow float64 array, null where v is NaN:
// Parquet readers treat NaN as a number (it sorts and averages as one),
// null as missing. The array's values are v's own memory, not a copy:
// copying them through a builder was a fifth of writing a samples file
// (pprof), and a null's value is never read.
func floatArray(v []float64) arrow.Array {
	return withNulls(arrow.PrimitiveTypes.Float64, arrow.Float64Traits.CastToBytes(v), v)
}

// withNulls makes a fixed-width array of values (len(nan) of them) that
// is null where nan holds NaN.
func withNulls(t arrow.DataType, values []byte, nan []float64) arrow.Array {
	n := len(nan)
	nulls := 0
	for _, x := range nan {
		if x != x {
			nulls++
		}
	}
	var valid *memory.Buffer
	if nulls > 0 {
		bits := make([]byte, bitutil.BytesForBits(int64(n)))
		for i, x := range nan {
			if x == x {
				bitutil.SetBit(bits, i)
			}
		}
		valid = memory.NewBufferBytes(bits)
	}
	d := array.NewData(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(values)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// samplesFromTable turns a samples table back into columns. A native
// column the file lacks is all NaN.
func samplesFromTable(tbl arrow.Table) (*Samples, error) {
	n := int(tbl.NumRows())
	sc := tbl.Schema()
	var empty ingest.Activity
	out := &Samples{}
	for _, c := range empty.Columns() {
		vals, err := floatsOf(tbl, c.Name, n)
		if err != nil {
			return nil, err
		}
		out.Columns = append(out.Columns, ingest.Column{Name: c.Name, Values: vals})
	}
	for i, f := range sc.Fields() {
		name, ok := strings.CutPrefix(f.Name, devPrefix)
		if !ok {
			continue
		}
		vals, err := floatsOf(tbl, f.Name, n)
		if err != nil {
			return nil, err
		}
		d := ingest.DevColumn{Name: name, Values: vals}
		md := sc.Field(i).Metadata
		if k := md.FindKey("units"); k >= 0 {
			d.Units = md.Values()[k]
		}
		if k := md.FindKey("app_id"); k >= 0 {
			d.AppID = md.Values()[k]
		}
		out.Dev = append(out.Dev, d)
	}
	return out, nil
}

// floatsOf returns column name of tbl as n float64 values, NaN for null;
// all NaN when the table has no such column.
func floatsOf(tbl arrow.Table, name string, n int) ([]float64, error) {
	out := make([]float64, 0, n)
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) == 0 {
		for range n {
			out = append(out, math.NaN())
		}
		return out, nil
	}
	for _, ch := range tbl.Column(idx[0]).Data().Chunks() {
		f, ok := ch.(*array.Float64)
		if !ok {
			return nil, fmt.Errorf("column %s: type %s, want float64", name, ch.DataType())
		}
		for i := range f.Len() {
			out = append(out, floatAt(f, i))
		}
	}
	return out, nil
}
