package ingest

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	libcrc16 "github.com/muktihari/fit/kit/hash/crc16"
	"github.com/muktihari/fit/profile/factory"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
)

func decodeTestFile(t *testing.T, name string, o DecodeOptions) ([]*Activity, error) {
	t.Helper()
	return DecodeFile(filepath.Join("..", "testdata", "fit", name), o)
}

func mustDecode(t *testing.T, name string) []*Activity {
	t.Helper()
	acts, err := decodeTestFile(t, name, DecodeOptions{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return acts
}

func valid(v []float64) int {
	n := 0
	for _, x := range v {
		if !math.IsNaN(x) {
			n++
		}
	}
	return n
}

func hasWarning(a *Activity, target error, substr string) *DecodeError {
	for _, w := range a.Warnings {
		var de *DecodeError
		if errors.As(w, &de) && (target == nil || errors.Is(w, target)) && strings.Contains(w.Error(), substr) {
			return de
		}
	}
	return nil
}

// TestRecordFieldsMatchProfile checks the hand-written record table against
// muktihari's generated FIT profile, so a typo in a scale cannot hide.
func TestRecordFieldsMatchProfile(t *testing.T) {
	for _, rf := range recordFields {
		f := factory.CreateField(mesgnum.Record, rf.num)
		if f.Scale != rf.scale || f.Offset != rf.offset {
			t.Errorf("record field %d (%s): table scale %v offset %v, profile scale %v offset %v",
				rf.num, f.Name, rf.scale, rf.offset, f.Scale, f.Offset)
		}
	}
}

func TestReadUintSentinels(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		bt   byte
		big  bool
		want uint64
		ok   bool
	}{
		{"uint8 invalid", []byte{0xff}, btUint8, false, 0xff, false},
		{"uint8 zero is valid", []byte{0}, btUint8, false, 0, true},
		{"uint8z zero is invalid", []byte{0}, btUint8z, false, 0, false},
		{"sint8 -1", []byte{0xff}, btSint8, false, uint64(math.MaxUint64), true},
		{"sint8 invalid", []byte{0x7f}, btSint8, false, 0x7f, false},
		{"uint16 little endian", []byte{0x34, 0x12}, btUint16, false, 0x1234, true},
		{"uint16 big endian", []byte{0x12, 0x34}, btUint16, true, 0x1234, true},
		{"uint16 invalid", []byte{0xff, 0xff}, btUint16, false, 0xffff, false},
		{"sint16 invalid", []byte{0xff, 0x7f}, btSint16, false, 0x7fff, false},
		{"uint32 invalid", []byte{0xff, 0xff, 0xff, 0xff}, btUint32, false, 0xffffffff, false},
		{"uint32z zero invalid", []byte{0, 0, 0, 0}, btUint32z, false, 0, false},
		// A Coros "misaligned" field: one byte defined as uint32.
		{"short field read as its size", []byte{0x05}, btUint32, false, 5, true},
		{"short field all ones invalid", []byte{0xff, 0xff}, btUint32, false, 0xffff, false},
		{"array yields first value", []byte{0x01, 0x00, 0x02, 0x00}, btUint16, false, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := readUint(tt.b, tt.bt, tt.big)
			if got != tt.want || ok != tt.ok {
				t.Errorf("readUint(% x, %#x) = %d, %v; want %d, %v", tt.b, tt.bt, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAccumulator(t *testing.T) {
	// 12-bit distance counter wrapping past 4095: 4000 -> 10 is +106.
	var a accumulator
	for _, step := range []struct{ raw, want uint64 }{{4000, 4000}, {4090, 4090}, {10, 4106}, {100, 4196}} {
		if got := a.add(step.raw, 12); got != step.want {
			t.Errorf("add(%d) = %d, want %d", step.raw, got, step.want)
		}
	}
}

// The expected counts below come from testdata/fit/SOURCES.md, which was
// produced with muktihari v0.26.1 and tormoder v0.15.0, not with this code.
func TestDecodeCorpusShapes(t *testing.T) {
	tests := []struct {
		file    string
		sports  []string
		records int // total records over all activities
	}{
		{"python-fitparse__garmin-fenix-5-run.fit", []string{"running"}, 21},
		{"fit-parser__running-with-developer-data.fit", []string{"running"}, 1681},
		{"elevate__trosku.fit", []string{"running"}, 2921},
		{"fit-parser__garmin-stamina.fit", []string{"running"}, 4488},
		{"run4it__test_polar.fit", []string{"running"}, 4496},
		{"fit-parser__suunto-weight.fit", []string{"training"}, 4803},
		{"fit-parser__triathlon_summary_first.fit", []string{"swimming", "transition", "cycling", "transition", "running"}, 4043},
		{"python-fitparse__sample_mulitple_header.fit", []string{"swimming", "transition", "cycling", "transition", "running"}, 1773},
		{"python-fitparse__coros-pace-2-cycling-misaligned-fields.fit", []string{"cycling"}, 11272},
		{"python-fitparse__Edge810-Vector-2013-08-16-15-35-10.fit", []string{"cycling"}, 4700},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			acts := mustDecode(t, tt.file)
			var sports []string
			n := 0
			for _, a := range acts {
				sports = append(sports, a.Sport)
				n += a.Len()
				for _, c := range a.Columns() {
					if len(c.Values) != a.Len() {
						t.Errorf("activity %d column %s has %d values, want %d", a.Index, c.Name, len(c.Values), a.Len())
					}
				}
			}
			if strings.Join(sports, ",") != strings.Join(tt.sports, ",") {
				t.Errorf("sports %v, want %v", sports, tt.sports)
			}
			if n != tt.records {
				t.Errorf("%d records, want %d", n, tt.records)
			}
		})
	}
}

func TestCRCMismatchWarnsOrFailsWhenStrict(t *testing.T) {
	const file = "python-fitparse__activity-filecrc.fit"
	acts := mustDecode(t, file)
	de := hasWarning(acts[0], ErrCRC, "")
	if de == nil {
		t.Fatalf("no CRC warning; warnings %v", acts[0].Warnings)
	}
	if de.Offset != 769 { // 771-byte file: the CRC is its last two bytes
		t.Errorf("CRC warning at byte %d, want 769", de.Offset)
	}
	if acts[0].Len() != 14 {
		t.Errorf("kept %d records, want all 14", acts[0].Len())
	}
	_, err := decodeTestFile(t, file, DecodeOptions{Strict: true})
	if !errors.Is(err, ErrCRC) || !strings.Contains(err.Error(), file) {
		t.Errorf("strict: err = %v, want a CRC error naming the file", err)
	}
}

// Garmin's Edge 810 writes a 14-byte header whose CRC is 0 and checksums
// the header into the file CRC; muktihari v0.28 rejects it in strict mode.
func TestHeaderCRCZeroIsValid(t *testing.T) {
	acts, err := decodeTestFile(t, "python-fitparse__Edge810-Vector-2013-08-16-15-35-10.fit", DecodeOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts[0].Warnings) != 0 {
		t.Errorf("unexpected warnings %v", acts[0].Warnings)
	}
}

func TestTruncatedKeepsCompleteRecords(t *testing.T) {
	tests := []struct {
		file    string
		records int
		offset  int64
	}{
		// SDK example cut 3 bytes short: the last (activity) message is incomplete.
		{"python-fitparse__activity-unexpected-eof.fit", 14, 751},
		// Sigma Sport file whose declared data ends inside the last record:
		// all 14391 complete records survive (SOURCES.md).
		{"python-fitparse__nick.fit", 14391, 403437},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			acts := mustDecode(t, tt.file)
			if acts[0].Len() != tt.records {
				t.Errorf("kept %d records, want %d", acts[0].Len(), tt.records)
			}
			de := hasWarning(acts[0], ErrTruncated, "")
			if de == nil {
				t.Fatalf("no truncation warning: %v", acts[0].Warnings)
			}
			if de.Offset != tt.offset {
				t.Errorf("truncation at byte %d, want %d", de.Offset, tt.offset)
			}
		})
	}
}

// The Strava phone app file uses an undefined local message at byte 7471;
// both reference decoders give up there. The 473 records before it are
// kept, less one whose timestamp is decades off.
func TestUndefinedLocalMessageSalvage(t *testing.T) {
	acts := mustDecode(t, "python-fitparse__strava-android-app-201.10-b1218918.fit")
	a := acts[0]
	if de := hasWarning(a, nil, "undefined local message"); de == nil || de.Offset != 7471 {
		t.Errorf("want a warning at byte 7471, got %v", a.Warnings)
	}
	if a.Len() != 472 {
		t.Errorf("kept %d records, want 472", a.Len())
	}
	for i := 1; i < a.Len(); i++ {
		if a.Elapsed[i] < a.Elapsed[i-1] {
			t.Fatalf("elapsed goes back at record %d", i)
		}
	}
	if max := a.Elapsed[a.Len()-1]; max > 4*3600 {
		t.Errorf("activity spans %v s: bogus timestamps kept", max)
	}
}

func TestChainedFiles(t *testing.T) {
	// Activity chained with a settings file: the second sequence adds no records.
	acts := mustDecode(t, "python-fitparse__activity-settings.fit")
	if len(acts) != 1 || acts[0].Len() != 14 || len(acts[0].Warnings) != 0 {
		t.Errorf("activity-settings: %d activities, warnings %v", len(acts), acts[0].Warnings)
	}
	// FR920xt triathlon followed by three hr-only sequences with no file_id.
	acts = mustDecode(t, "python-fitparse__sample_mulitple_header.fit")
	if len(acts) != 5 {
		t.Fatalf("triathlon: %d activities, want 5", len(acts))
	}
	if acts[0].Device.Product != "fr920xt" {
		t.Errorf("device %q: a later sequence overwrote the recording device", acts[0].Device.Product)
	}
	for _, a := range acts {
		if len(a.Warnings) != 0 {
			t.Errorf("activity %d warnings %v", a.Index, a.Warnings)
		}
	}
}

// Running dynamics logged in T1, T2 and on the bike belong to those
// sessions (SOURCES.md: 31 records in T1, 12 in T2, 1 on the bike carry
// stance_time; the run leg has 518 records).
func TestRunningDynamicsStayWithTheirSession(t *testing.T) {
	acts := mustDecode(t, "python-fitparse__sample_mulitple_header.fit")
	gct := []int{valid(acts[0].GCTMS), valid(acts[1].GCTMS), valid(acts[2].GCTMS), valid(acts[3].GCTMS), valid(acts[4].GCTMS)}
	// T1 has 30 valid + 1 record whose stance_time is exactly 0 (valid, not NaN).
	want := []int{0, 30, 1, 12, 518}
	for i := range want {
		if gct[i] != want[i] {
			t.Errorf("session %d (%s): %d GCT values, want %d", i, acts[i].Sport, gct[i], want[i])
		}
	}
	if valid(acts[2].CadenceSPM) != 0 {
		t.Errorf("bike leg has step cadence")
	}
}

// The Forerunner 70 with a foot pod: no GPS, speed and distance packed into
// compressed_speed_distance, and a clock never set (1990 dates).
func TestFootPodCompressedSpeedAndUnsetClock(t *testing.T) {
	a := mustDecode(t, "python-fitparse__compressed-speed-distance.fit")[0]
	if !a.ClockUnset {
		t.Error("ClockUnset = false for a 1990 file")
	}
	if valid(a.SpeedMPS) != 754 || valid(a.DistanceM) != 754 {
		t.Errorf("speed %d, distance %d values; want 754 each (SOURCES.md)", valid(a.SpeedMPS), valid(a.DistanceM))
	}
	// The session says 10249 m; the accumulated pod distance must end there.
	var last float64
	for _, v := range a.DistanceM {
		if !math.IsNaN(v) {
			last = v
		}
	}
	if math.Abs(last-a.Totals.DistanceM) > 5 {
		t.Errorf("accumulated distance %.1f m, session total %.1f m", last, a.Totals.DistanceM)
	}
}

func TestDeviceAndSensors(t *testing.T) {
	tests := []struct {
		file    string
		product string
		kinds   []SensorKind
	}{
		{"python-fitparse__garmin-fenix-5-run.fit", "fenix5", []SensorKind{SensorWrist, SensorChestStrap}},
		{"workoutizer__run_with_coordinates.fit", "fr645m", []SensorKind{SensorWrist}},
		// Product names written as strings, some without a NUL terminator.
		{"elevate__trosku.fit", "COROS APEX Pro", []SensorKind{SensorWrist}},
		{"run4it__test_polar.fit", "Polar Ignite", []SensorKind{SensorWrist}},
		{"FitFileParser__running.fit", "fenix5x_plus", []SensorKind{SensorWrist, SensorFootPod, SensorStryd}},
		{"python-fitparse__developer-types-sample.fit", "0", []SensorKind{SensorStryd}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a := mustDecode(t, tt.file)[0]
			if a.Device.Product != tt.product {
				t.Errorf("product %q, want %q", a.Device.Product, tt.product)
			}
			var kinds []SensorKind
			for _, s := range a.Sensors {
				if s.Kind != SensorOther {
					kinds = append(kinds, s.Kind)
				}
			}
			if len(kinds) != len(tt.kinds) {
				t.Fatalf("sensors %v, want kinds %v", a.Sensors, tt.kinds)
			}
			for i := range kinds {
				if kinds[i] != tt.kinds[i] {
					t.Errorf("sensor %d kind %s, want %s", i, kinds[i], tt.kinds[i])
				}
			}
		})
	}
}

func TestDeveloperFieldsByName(t *testing.T) {
	a := mustDecode(t, "fit-parser__running-with-developer-data.fit")[0]
	names := map[string]DevColumn{}
	for _, c := range a.Dev {
		names[c.Name] = c
	}
	for _, n := range []string{"Power", "Form Power", "Leg Spring Stiffness", "Ground Time", "Vertical Oscillation"} {
		c, ok := names[n]
		if !ok {
			t.Errorf("no developer column %q; have %v", n, a.Dev)
			continue
		}
		if valid(c.Values) == 0 {
			t.Errorf("%s has no values", n)
		}
	}
	// Native stance_time wins the gct_ms column; Stryd's "Ground Time" stays apart.
	if valid(a.GCTMS) != 1513 {
		t.Errorf("gct_ms has %d values, want the 1513 native ones", valid(a.GCTMS))
	}
}

func TestNotFIT(t *testing.T) {
	_, err := DecodeFIT(strings.NewReader("hello, this is not a FIT file at all"), DecodeOptions{})
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrNotFIT) {
		t.Fatalf("err = %v, want a DecodeError wrapping ErrNotFIT", err)
	}
	if _, err := DecodeFIT(strings.NewReader(""), DecodeOptions{}); err == nil {
		t.Error("empty input: no error")
	}
}

// A file cut before its first record cannot be salvaged: the error names
// the offset where reading stopped.
func TestCutBeforeRecords(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "fit", "python-fitparse__garmin-fenix-5-run.fit"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = DecodeFIT(strings.NewReader(string(b[:40])), DecodeOptions{})
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrNoRecords) || de.Offset == 0 {
		t.Fatalf("err = %v, want ErrNoRecords with an offset", err)
	}
}

// The HRM-Tri stores swim heart rate and sends it after the swim, in three
// hr-only FIT sequences chained to the activity. Merged into the records,
// the swim leg's mean must match the watch's own session average (165 bpm,
// SOURCES.md), and every swim record gets a value (the SDK agrees: see
// TestConformanceFITSDK).
func TestHeartRateMergedFromChainedSequences(t *testing.T) {
	swim := mustDecode(t, "python-fitparse__sample_mulitple_header.fit")[0]
	if n := valid(swim.HeartRateBPM); n != swim.Len() {
		t.Fatalf("swim has heart rate on %d of %d records", n, swim.Len())
	}
	sum := 0.0
	for _, v := range swim.HeartRateBPM {
		sum += v
	}
	if mean := sum / float64(swim.Len()); math.Abs(mean-swim.Totals.AvgHeartRate) > 1.5 {
		t.Errorf("swim mean heart rate %.1f, session average %v", mean, swim.Totals.AvgHeartRate)
	}
}

func TestHREventTimestamp12(t *testing.T) {
	// Two 12-bit values packed LSB first: 0x123 and 0x456 -> bytes 23 61 45.
	def := &msgDef{fields: []fieldDef{{num: 10, size: 3, bt: btByte}}}
	var acc accumulator
	got, ok := hrEventTimestamps(msg{def: def, data: []byte{0x23, 0x61, 0x45}}, &acc)
	if !ok || len(got) != 2 || got[0] != 0x123/1024.0 || got[1] != 0x456/1024.0 {
		t.Errorf("got %v, want [%v %v]", got, 0x123/1024.0, 0x456/1024.0)
	}
}

func TestCRCMatchesLibrary(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "fit", "python-fitparse__garmin-fenix-5-run.fit"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 7, 100, len(b)} {
		var c crc16
		c.update(b[:n])
		h := libcrc16.New()
		h.Write(b[:n])
		if uint16(c) != h.Sum16() {
			t.Errorf("crc of %d bytes: %#04x, muktihari %#04x", n, uint16(c), h.Sum16())
		}
	}
}

// SetColumn puts back every column Columns names, and only those.
func TestSetColumn(t *testing.T) {
	var a Activity
	for i, c := range a.Columns() {
		if !a.SetColumn(c.Name, []float64{float64(i)}) {
			t.Errorf("SetColumn(%q) = false", c.Name)
		}
	}
	for i, c := range a.Columns() {
		if len(c.Values) != 1 || c.Values[0] != float64(i) {
			t.Errorf("column %s = %v after SetColumn, want [%d]", c.Name, c.Values, i)
		}
	}
	if a.SetColumn("no_such_column", nil) {
		t.Error("SetColumn of an unknown name = true")
	}
}
