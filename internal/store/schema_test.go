package store

import (
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

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
	rec := samplesRecord(memory.NewGoAllocator(), "0123456789abcdef", a)
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
