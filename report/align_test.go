package report

import (
	"math"
	"testing"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

func TestSpearmanTies(t *testing.T) {
	// Ranks of y = 5 6 7 8 7 are 1 2 3.5 5 3.5 (the two 7s share 3 and
	// 4). Against x's ranks 1..5, both centred on 3: covariance sum
	// 4+1+0+2+1 = 8, Σdx² = 10, Σdy² = 4+1+0.25+4+0.25 = 9.5, so
	// ρ = 8/√95 = 0.82078.
	got := spearman([]float64{10, 20, 30, 40, 50}, []float64{5, 6, 7, 8, 7})
	if want := 8 / math.Sqrt(95); math.Abs(got-want) > 1e-12 {
		t.Errorf("ρ = %v, want %v", got, want)
	}
}

// TestAlignStory lines story (a)'s first weeks up: 10 km every other day,
// 16 km on day 40 (the spike), symptoms on days 41 and 43.
func TestAlignStory(t *testing.T) {
	var runs []Run
	for d := 0; d < 40; d += 2 {
		runs = append(runs, run(d, 10))
	}
	runs = append(runs, run(40, 16))
	h := History{Athlete: "a", Runs: runs, Now: day0.AddDate(0, 0, 50), Symptoms: []ingest.Symptom{
		symptom(41, "toes_3_4", []string{"cramp"}, []string{"during_run"}, 5, ""),
		symptom(43, "toes_3_4", []string{"tingling"}, []string{"at_rest"}, 4, ""),
	}}
	al := assess(h).Alignment
	if len(al.Entries) != 2 {
		t.Fatalf("%d entries, want 2", len(al.Entries))
	}
	// The day-41 entry is logged 10 h after day0's 07:00: the day-40 run
	// started 24 + 10 = 34 h before; day 38's, 72 + 10 = 82 h before, is
	// outside the 72 h window. The day-43 entry has no run within 72 h.
	e := al.Entries[0]
	if len(e.Runs) != 1 || e.Runs[0].HoursBefore != 34 {
		t.Fatalf("day 41 entry: runs %+v; want only the day-40 run, 34 h before", e.Runs)
	}
	if n := len(al.Entries[1].Runs); n != 0 {
		t.Errorf("day 43 entry: %d runs, want none (the last run was 82 h before)", n)
	}
	if r := e.Runs[0]; !r.Spike.Ratio.OK || r.Spike.Ratio.V != 1.6 || r.Spike.Band != "moderate" {
		t.Errorf("day-40 run: spike %+v, want ratio 16/10 = 1.6, moderate", r.Spike)
	}
	// Symptom days 41 and 43 follow the only spike (day 40) by 1 and 3
	// days. Base rate at lag 1: of days 1..50 (the runs' first day + 1 to
	// the report day), only day 41 follows a spike: 1/50.
	wantAfter := []int{0, 1, 0, 1}
	for i, l := range al.Lags {
		if l.Days != i || l.SymptomDays != 2 || l.AfterSpike != wantAfter[i] {
			t.Errorf("lag %d: %+v, want 2 symptom days, %d after a spike", i, l, wantAfter[i])
		}
	}
	if got := al.Lags[1].BaseShare; math.Abs(got-1.0/50) > 1e-12 {
		t.Errorf("lag 1 base share %v, want 1/50", got)
	}
	if c := al.LoadSeverity; !math.IsNaN(c.Rho) || c.Why == "" {
		t.Errorf("two entries in one week: ρ %v (%q), want undefined with a reason", c.Rho, c.Why)
	}
}

// TestAlignLoadTracksSeverity: weekly distance 20, 30, 40, 50, 60 km and
// the week's worst severity 1, 2, 3, 5, 4: ranks 1..5 against 1 2 3 5 4,
// ρ = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/120 = 0.9 (no ties).
func TestAlignLoadTracksSeverity(t *testing.T) {
	var runs []Run
	var syms []ingest.Symptom
	sev := []int{1, 2, 3, 5, 4}
	for w := 0; w < 5; w++ {
		runs = append(runs, run(7*w, float64(20+10*w)))
		syms = append(syms, symptom(7*w+3, "calf", []string{"ache"}, []string{"after_run"}, sev[w], ""))
	}
	h := History{Athlete: "x", Runs: runs, Now: day0.AddDate(0, 0, 34), Symptoms: syms}
	c := assess(h).Alignment.LoadSeverity
	if c.Weeks != 5 || math.Abs(c.Rho-0.9) > 1e-12 {
		t.Errorf("load–severity: %+v, want 5 weeks, ρ 0.9", c)
	}
}
