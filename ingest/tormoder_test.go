package ingest_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	tfit "github.com/tormoder/fit"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// TestDifferentialTormoder decodes every testdata FIT file that
// github.com/tormoder/fit (v0.15.0, an independent decoder) reads as an
// activity without error, and checks that every record we produce has a
// tormoder record with the same timestamp (same-timestamp records are
// paired in order) whose values agree on every record field tormoder
// decodes. tormoder has no stance_time_balance, vertical_ratio or
// step_length and drops developer fields, so those are not compared here.
//
// Files tormoder rejects are logged and skipped. Tormoder records we do not
// have (we drop records that go back in time or lie far outside every
// session) are logged, not failed.
func TestDifferentialTormoder(t *testing.T) {
	files, err := filepath.Glob("../testdata/fit/*.fit")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata FIT files: %v", err)
	}
	totalMatched, compared := 0, 0
	valid := map[string]int{} // per field: matched records where both sides have a value
	for _, path := range files {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tf, err := tfit.Decode(bytes.NewReader(data))
		if err != nil {
			t.Logf("%s: skipped, tormoder rejects it: %v", name, err)
			continue
		}
		ta, err := tf.Activity()
		if err != nil {
			t.Logf("%s: skipped, tormoder: not an activity: %v", name, err)
			continue
		}
		compared++
		t.Run(strings.TrimSuffix(name, ".fit"), func(t *testing.T) {
			totalMatched += diffTormoder(t, data, tf, ta, valid)
		})
	}
	t.Logf("compared %d of %d files, %d records matched in all", compared, len(files), totalMatched)
	if compared == 0 || totalMatched == 0 {
		t.Fatalf("differential test compared nothing: %d files, %d records", compared, totalMatched)
	}
	// Every compared field must have been exercised with real values
	// somewhere in the corpus, or agreement on it means nothing.
	var counts []string
	for _, f := range tormoderFields {
		counts = append(counts, fmt.Sprintf("%s=%d", f.name, valid[f.name]))
		if valid[f.name] == 0 {
			t.Errorf("field %s: no matched record has a value on both sides; the comparison is vacuous", f.name)
		}
	}
	t.Logf("values compared per field: %s", strings.Join(counts, " "))
}

// fieldTol is the agreement required of each value: 1e-6 relative or 1e-3
// absolute, whichever is looser. Both NaN (invalid/absent) also agree.
func fieldTol(ours, theirs float64) bool {
	on, tn := math.IsNaN(ours), math.IsNaN(theirs)
	if on || tn {
		return on && tn
	}
	d := math.Abs(ours - theirs)
	return d <= 1e-3 || d <= 1e-6*math.Max(math.Abs(ours), math.Abs(theirs))
}

type ourRow struct {
	a *ingest.Activity
	i int
}

// tormoderFields are the record fields compared, each as (ours, tormoder).
var tormoderFields = []struct {
	name   string
	ours   func(a *ingest.Activity, i int) float64
	theirs func(r *tfit.RecordMsg) float64
}{
	{"heart_rate", func(a *ingest.Activity, i int) float64 { return a.HeartRateBPM[i] },
		func(r *tfit.RecordMsg) float64 { return u8(r.HeartRate) }},
	{"cadence", func(a *ingest.Activity, i int) float64 {
		// Ours is steps/min on foot, rpm otherwise; FIT stores rpm
		// (strides/min on foot) either way.
		if !math.IsNaN(a.CadenceSPM[i]) {
			return a.CadenceSPM[i] / 2
		}
		return a.CadenceRPM[i]
	}, func(r *tfit.RecordMsg) float64 {
		c := u8(r.Cadence)
		if f := r.GetFractionalCadenceScaled(); !math.IsNaN(f) && !math.IsNaN(c) {
			c += f
		}
		return c
	}},
	{"distance", func(a *ingest.Activity, i int) float64 { return a.DistanceM[i] },
		func(r *tfit.RecordMsg) float64 { return r.GetDistanceScaled() }},
	{"speed", func(a *ingest.Activity, i int) float64 { return a.SpeedMPS[i] },
		func(r *tfit.RecordMsg) float64 {
			// tormoder copies speed into enhanced_speed when only speed is
			// written; compressed_speed_distance goes to Speed at scale 100.
			if v := r.GetEnhancedSpeedScaled(); !math.IsNaN(v) {
				return v
			}
			if hasCompressedSpeedDistance(r) {
				return r.GetSpeedFromCompressedSpeedDistance()
			}
			return r.GetSpeedScaled()
		}},
	{"altitude", func(a *ingest.Activity, i int) float64 { return a.AltitudeM[i] },
		func(r *tfit.RecordMsg) float64 {
			if v := r.GetEnhancedAltitudeScaled(); !math.IsNaN(v) {
				return v
			}
			return r.GetAltitudeScaled()
		}},
	{"power", func(a *ingest.Activity, i int) float64 { return a.PowerW[i] },
		func(r *tfit.RecordMsg) float64 { return u16(r.Power) }},
	{"stance_time", func(a *ingest.Activity, i int) float64 { return a.GCTMS[i] },
		func(r *tfit.RecordMsg) float64 { return r.GetStanceTimeScaled() }},
	{"stance_time_percent", func(a *ingest.Activity, i int) float64 { return a.StanceTimePct[i] },
		func(r *tfit.RecordMsg) float64 { return r.GetStanceTimePercentScaled() }},
	{"vertical_oscillation", func(a *ingest.Activity, i int) float64 { return a.VerticalOscillationMM[i] },
		func(r *tfit.RecordMsg) float64 { return r.GetVerticalOscillationScaled() }},
	{"temperature", func(a *ingest.Activity, i int) float64 { return a.TemperatureC[i] },
		func(r *tfit.RecordMsg) float64 {
			if r.Temperature == 0x7f {
				return math.NaN()
			}
			return float64(r.Temperature)
		}},
}

func u8(v uint8) float64 {
	if v == 0xff {
		return math.NaN()
	}
	return float64(v)
}

func u16(v uint16) float64 {
	if v == 0xffff {
		return math.NaN()
	}
	return float64(v)
}

func hasCompressedSpeedDistance(r *tfit.RecordMsg) bool {
	if len(r.CompressedSpeedDistance) != 3 {
		return false
	}
	for _, b := range r.CompressedSpeedDistance {
		if b != 0xff {
			return true
		}
	}
	return false
}

// diffTormoder compares one file and returns the number of matched records.
func diffTormoder(t *testing.T, data []byte, tf *tfit.File, ta *tfit.ActivityFile, valid map[string]int) int {
	t.Helper()
	acts, err := ingest.DecodeFIT(bytes.NewReader(data), ingest.DecodeOptions{SizeHint: int64(len(data))})
	if err != nil {
		t.Fatalf("tormoder decodes this file but we fail: %v", err)
	}

	// tormoder's Decode reads only the first FIT sequence of a chained file;
	// we read them all. Records of later sequences cannot be in tormoder's
	// output, so decode the first sequence alone too and require that all
	// of ITS records match.
	firstSeq := int(tf.Header.Size) + int(tf.Header.DataSize) + 2
	chained := firstSeq < len(data)
	if chained {
		first, err := ingest.DecodeFIT(bytes.NewReader(data[:firstSeq]), ingest.DecodeOptions{})
		if err != nil {
			t.Fatalf("first sequence (%d bytes) of a chained file: %v", firstSeq, err)
		}
		t.Logf("chained file: tormoder reads only the first sequence (%d of %d bytes); comparing that sequence's records (%d activities vs %d for the whole file)",
			firstSeq, len(data), len(first), len(acts))
		acts = first
	}

	// Our records by Unix second, in activity then row order.
	byTS := map[int64][]ourRow{}
	ours := 0
	for _, a := range acts {
		for i := range a.Len() {
			k := a.Timestamp(i).Unix()
			byTS[k] = append(byTS[k], ourRow{a, i})
			ours++
		}
	}

	const maxPerField = 3
	mism := map[string][]string{}
	mismCount := map[string]int{}
	matched, noTS, unmatched := 0, 0, 0
	var unmatchedEx []string
	compressedDist := 0
	for _, r := range ta.Records {
		if tfit.IsBaseTime(r.Timestamp) {
			noTS++ // tormoder leaves a record with no usable timestamp at the FIT epoch
			continue
		}
		k := r.Timestamp.Unix()
		q := byTS[k]
		if len(q) == 0 {
			unmatched++
			if len(unmatchedEx) < maxPerField {
				unmatchedEx = append(unmatchedEx, r.Timestamp.UTC().Format("2006-01-02T15:04:05Z"))
			}
			continue
		}
		o := q[0]
		byTS[k] = q[1:]
		matched++
		for _, f := range tormoderFields {
			if f.name == "distance" && hasCompressedSpeedDistance(r) {
				// tormoder v0.15.0 mis-expands the distance component of
				// compressed_speed_distance: it shifts the third byte left
				// by 4 as a byte (losing its high nibble), and its
				// accumulator is a package global shared by every Decode
				// call. Its distance is meaningless there; skip it.
				compressedDist++
				continue
			}
			ov, tv := f.ours(o.a, o.i), f.theirs(r)
			if fieldTol(ov, tv) {
				if !math.IsNaN(ov) {
					valid[f.name]++
				}
				continue
			}
			mismCount[f.name]++
			if len(mism[f.name]) < maxPerField {
				mism[f.name] = append(mism[f.name], fmt.Sprintf("%s (our activity %d row %d): ours %v, tormoder %v",
					r.Timestamp.UTC().Format("2006-01-02T15:04:05Z"), o.a.Index, o.i, ov, tv))
			}
		}
	}

	names := make([]string, 0, len(mism))
	for n := range mism {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Errorf("%s: %d mismatched records, first: %s", n, mismCount[n], strings.Join(mism[n], "; "))
	}

	var ourUnmatchedEx []string
	for _, q := range byTS {
		for _, o := range q {
			ourUnmatchedEx = append(ourUnmatchedEx, fmt.Sprintf("%s (activity %d row %d)", o.a.Timestamp(o.i).UTC().Format("2006-01-02T15:04:05Z"), o.a.Index, o.i))
		}
	}
	sort.Strings(ourUnmatchedEx)
	ourUnmatched := len(ourUnmatchedEx)
	ourUnmatchedEx = ourUnmatchedEx[:min(ourUnmatched, maxPerField)]
	if ourUnmatched > 0 {
		t.Errorf("%d of our %d records have no tormoder record with the same timestamp (tormoder: %d records, %d without timestamp), e.g. %s",
			ourUnmatched, ours, len(ta.Records), noTS, strings.Join(ourUnmatchedEx, ", "))
	}
	if unmatched > 0 || noTS > 0 {
		t.Logf("%d tormoder records have no counterpart in ours (we drop records that go back in time or lie far outside every session; warnings: %v), e.g. %s; %d tormoder records have no timestamp",
			unmatched, warnings(acts), strings.Join(unmatchedEx, ", "), noTS)
	}
	if compressedDist > 0 {
		t.Logf("distance not compared on %d records with compressed_speed_distance (tormoder bug)", compressedDist)
	}
	t.Logf("matched %d of our %d records (tormoder has %d)", matched, ours, len(ta.Records))
	return matched
}

func warnings(acts []*ingest.Activity) []string {
	if len(acts) == 0 {
		return nil
	}
	var out []string
	for _, w := range acts[0].Warnings {
		out = append(out, w.Error())
	}
	return out
}
