package report

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
)

var day0 = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC) // a Monday

// run is an analyzed run on day d of the given distance, at a steady
// 168 spm with even balance unless changed by the caller.
func run(d int, km float64) Run {
	m := gait.Metrics{Analyzed: true, Sport: "running", MovingTimeS: km * 360, DistanceM: km * 1000}
	m.Effort.DistanceM, m.Effort.TRIMP = km*1000, math.NaN()
	m.Cadence.Mean, m.Cadence.AtMedianSpeedSPM = 168, 168+float64(d%3)*0.5
	// A cadence–speed line through that point at 1000 m / 360 s: 8 spm
	// per m/s, a plausible slope (cadence rises with speed, domain.md C4).
	m.Cadence.MedianSpeedMPS, m.Cadence.SlopeSPMPerMPS = 1000.0/360, 8
	m.Cadence.InterceptSPM = m.Cadence.AtMedianSpeedSPM - 8*m.Cadence.MedianSpeedMPS
	m.Balance = gait.Balance{Measurable: true, LeftPct: gait.Summary{Mean: 50.1}, StepVariabilityPct: 0.4}
	return Run{ID: time.Duration(d).String(), File: "run.fit", Local: day0.AddDate(0, 0, d), Metrics: m}
}

func symptom(d int, loc string, sens []string, timing []string, sev int, notes string) ingest.Symptom {
	s := ingest.Symptom{Time: day0.AddDate(0, 0, d).Add(10 * time.Hour), Side: "left", Location: ingest.Location(loc), Severity: sev, Notes: notes}
	for _, x := range sens {
		s.Sensations = append(s.Sensations, ingest.Sensation(x))
	}
	for _, x := range timing {
		s.Timing = append(s.Timing, ingest.Timing(x))
	}
	return s
}

func rulesOf(flags []Flag) []string {
	var ids []string
	for _, f := range flags {
		ids = append(ids, f.Rule)
	}
	return ids
}

func assess(h History) Assessment {
	return Assess(h, DefaultRules(), gait.DefaultLoadParams(), DefaultOptions())
}

// Story (a): a trail runner whose "cramp" under the 4th toe began on a
// run right after a load spike (10 km every other day, then 16 km: 1.6×
// the 30-day longest, Frandsen's moderate band), now pops and tingles on
// short walks and is numb on the inside of the toe, unchanged after four
// weeks of rest (no runs after the spike).
func TestStoryTrailRunnerToe(t *testing.T) {
	var runs []Run
	for d := 0; d < 40; d += 2 {
		runs = append(runs, run(d, 10))
	}
	runs = append(runs, run(40, 16))
	h := History{Athlete: "a", Runs: runs, Now: day0.AddDate(0, 0, 70), Symptoms: []ingest.Symptom{
		symptom(40, "toes_3_4", []string{"cramp"}, []string{"during_run"}, 5, "cramp under the 4th toe"),
		symptom(50, "toes_3_4", []string{"clicking", "tingling"}, nil, 4, "pops and tingles on short walks"),
		symptom(70, "toes_3_4", []string{"numbness", "tingling"}, []string{"at_rest"}, 4, "numb on the inside of the toe, unchanged after four weeks of rest"),
	}}
	a := assess(h)
	got := rulesOf(a.Flags)
	for _, want := range []string{"red.persistent_nerve", "nerve.pattern", "nerve.territory", "overuse.session_spike"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	if a.Flags[0].Kind != KindRedFlag || !strings.Contains(a.Flags[0].Message, "see a clinician") {
		t.Errorf("first flag %+v, want the red flag with clinician wording", a.Flags[0])
	}
	if Verdict(a.Flags) != "refer" {
		t.Errorf("verdict %s, want refer", Verdict(a.Flags))
	}
	for _, f := range a.Flags {
		switch f.Rule {
		case "nerve.territory":
			if !strings.Contains(f.Message, "Morton") || !strings.Contains(f.Message, "pattern consistent with") {
				t.Errorf("territory hint %q", f.Message)
			}
		case "overuse.session_spike":
			// 16 ÷ 10 = 1.6: moderate.
			if !strings.Contains(f.Message, "moderate") || !strings.Contains(f.Message, "160%") {
				t.Errorf("spike %q", f.Message)
			}
		}
		if f.Source == "" || f.Evidence == nil {
			t.Errorf("%s without source or evidence", f.Rule)
		}
	}
}

// Story (b): an 85-year-old with severe night toe cramps for two years,
// chronic low-back pain after a car crash, and no change in running load
// (5 km three times a week).
func TestStoryNightCrampsLowBack(t *testing.T) {
	var runs []Run
	for d := 0; d < 120; d++ {
		if d%7 == 0 || d%7 == 2 || d%7 == 4 {
			runs = append(runs, run(d, 5))
		}
	}
	h := History{Athlete: "b", Runs: runs, Now: day0.AddDate(0, 0, 119), Symptoms: []ingest.Symptom{
		symptom(100, "low_back", []string{"ache"}, []string{"at_rest"}, 5, "chronic since a car crash"),
		symptom(110, "toes_1_2", []string{"cramp"}, []string{"night"}, 8, "severe night cramps for two years"),
	}}
	a := assess(h)
	got := rulesOf(a.Flags)
	for _, want := range []string{"red.serious", "nerve.territory"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	for _, no := range []string{"overuse.session_spike", "overuse.two_week", "nerve.pattern"} {
		if slices.Contains(got, no) {
			t.Errorf("unexpected %s in %v (load did not change; cramps alone are not nerve signs)", no, got)
		}
	}
	for _, f := range a.Flags {
		if f.Rule == "nerve.territory" && !strings.Contains(f.Message, "S1") {
			t.Errorf("territory hint %q, want the S1 root", f.Message)
		}
	}
	if Verdict(a.Flags) != "refer" {
		t.Errorf("verdict %s, want refer", Verdict(a.Flags))
	}
}

// Story (c): rising mileage (weekly 20, 20, 20, 20, then 30 and 35 km),
// pain in the medial arch and heel, numbness of the big toe.
func TestStoryRisingMileageArch(t *testing.T) {
	var runs []Run
	for w, km := range []float64{20, 20, 20, 20, 30, 35} {
		for _, d := range []int{0, 2, 4, 6} {
			runs = append(runs, run(7*w+d, km/4))
		}
	}
	h := History{Athlete: "c", Runs: runs, Now: day0.AddDate(0, 0, 41), Symptoms: []ingest.Symptom{
		symptom(39, "medial_arch", []string{"pain"}, []string{"after_run"}, 4, ""),
		symptom(40, "heel", []string{"ache"}, []string{"next_morning"}, 3, ""),
		symptom(41, "toes_1_2", []string{"numbness"}, []string{"after_run"}, 3, "big toe numb"),
	}}
	a := assess(h)
	got := rulesOf(a.Flags)
	// Two weeks of 65 km against 40 km before: +62.5%, above 30%.
	for _, want := range []string{"overuse.two_week", "nerve.territory"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	for _, f := range a.Flags {
		if f.Kind == KindRedFlag {
			t.Errorf("unexpected red flag %s: %s", f.Rule, f.Message)
		}
		if f.Rule == "nerve.territory" && strings.Contains(f.Message, "big toe") && !strings.Contains(f.Message, "jogger") {
			t.Errorf("territory hint %q, want jogger's foot", f.Message)
		}
	}
	if Verdict(a.Flags) != "risk" {
		t.Errorf("verdict %s, want risk", Verdict(a.Flags))
	}
}

// Red flags cannot be configured away.
func TestRedFlagsIgnoreConfiguredSeverity(t *testing.T) {
	r := DefaultRules()
	x := r["red.bilateral"]
	x.Severity = SeverityInfo
	r["red.bilateral"] = x
	s := symptom(1, "toes_1_2", []string{"numbness"}, nil, 3, "")
	s.Side = "both"
	a := Assess(History{Now: day0.AddDate(0, 0, 2), Symptoms: []ingest.Symptom{s}}, r, gait.DefaultLoadParams(), DefaultOptions())
	if len(a.Flags) == 0 || a.Flags[0].Rule != "red.bilateral" || a.Flags[0].Severity != SeverityRefer {
		t.Errorf("flags %v", rulesOf(a.Flags))
	}
}
