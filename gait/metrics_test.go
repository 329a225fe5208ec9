package gait

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// steadyRun is an n-second 1 Hz run on the flat at 3 m/s and 170 spm.
func steadyRun(n int) *ingest.Activity {
	a := synth(n)
	for i := range n {
		a.SpeedMPS[i], a.CadenceSPM[i], a.GradePct[i] = 3, 170, 0
		a.DistanceM[i] = 3 * float64(i)
	}
	return a
}

func TestDriftComparesMatchedSpeedBins(t *testing.T) {
	// 1000 s of moving time, warm-up 300 s: the reference window is
	// [300, 600) s (RefEndFraction 0.6), the late window [800, 1000) s
	// (LateFraction 0.2).
	a := steadyRun(1000)
	for i := range 1000 {
		a.GCTMS[i], a.GCTBalanceLeftPct[i] = 250, 50
		if i >= 800 {
			// Tired: cadence 170 → 164, GCT 250 → 262, balance 50 → 51
			// (SI 0 → 4), at the same 3 m/s.
			a.CadenceSPM[i], a.GCTMS[i], a.GCTBalanceLeftPct[i] = 164, 262, 51
		}
		if i >= 900 {
			// A fast finish at 4 m/s and 180 spm: no reference sample
			// runs that fast, so it must not count as drift.
			a.SpeedMPS[i], a.CadenceSPM[i] = 4, 180
		}
	}
	d := DriftOf(a, Moving(a, DefaultParams()), Weights(a.Elapsed, 10), a.GradePct, DefaultParams())
	if d.RefStartS != 300 || d.RefEndS != 600 || d.LateStartS != 800 || d.LateEndS != 1000 {
		t.Fatalf("windows %+v", d)
	}
	// Cadence: only the 100 late records at 3 m/s match the 300
	// reference records, all in one bin: 164 − 170 = −6.
	c := d.Cadence
	if !c.Measured || !near(c.Delta, -6, 1e-9) || c.RefN != 300 || c.LateN != 100 || c.Bins != 1 {
		t.Errorf("cadence drift %+v, want −6 from 300/100 samples in 1 bin", c)
	}
	// GCT and SI are the same at 3 and 4 m/s after 800 s, but the 4 m/s
	// bin has no reference: +12 ms and +4 SI points from 100 samples.
	if g := d.GCT; !g.Measured || !near(g.Delta, 12, 1e-9) || g.LateN != 100 {
		t.Errorf("GCT drift %+v, want +12 from 100 late samples", g)
	}
	if s := d.SymmetryIndex; !s.Measured || !near(s.Delta, 4, 1e-9) {
		t.Errorf("SI drift %+v, want +4", s)
	}
	// No VO recorded: not measured, and says why.
	if v := d.VerticalOscillation; v.Measured || v.Reason != "channel not recorded" || !math.IsNaN(v.Delta) {
		t.Errorf("VO drift %+v, want not recorded", v)
	}

	// Requiring more matched samples than the late window has (100)
	// withholds the number.
	p := DefaultParams()
	p.Drift.MinSamples = 101
	d = DriftOf(a, Moving(a, p), Weights(a.Elapsed, 10), a.GradePct, p)
	if d.Cadence.Measured || !strings.Contains(d.Cadence.Reason, "too few samples") {
		t.Errorf("with MinSamples 101: %+v", d.Cadence)
	}
}

func TestDriftShortRun(t *testing.T) {
	// 400 s: the reference would end at 240 s, before the warm-up ends.
	a := steadyRun(400)
	d := DriftOf(a, Moving(a, DefaultParams()), Weights(a.Elapsed, 10), a.GradePct, DefaultParams())
	if d.Cadence.Measured || !strings.Contains(d.Cadence.Reason, "run too short") {
		t.Errorf("short run: %+v", d.Cadence)
	}
}

func TestSpikesFindsADownhillCadenceDrop(t *testing.T) {
	// 1200 s at 170 spm with Gaussian noise (SD 2, fixed seed) and a
	// 60 s drop to 160 spm at 600–659 s on a −8% downhill (560–700 s).
	a := steadyRun(1200)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 1200 {
		a.CadenceSPM[i] = 170 + 2*rng.NormFloat64()
		if i >= 600 && i < 660 {
			a.CadenceSPM[i] -= 10
		}
		if i >= 560 && i < 700 {
			a.GradePct[i] = -8
		}
	}
	p := DefaultParams()
	sel := Moving(a, p)
	s := SpikesOf(a, sel, AfterWarmup(sel, Weights(a.Elapsed, 10), p), a.GradePct, p)
	if s.Count != 1 {
		t.Fatalf("found %d spikes, want 1: %+v", s.Count, s.List)
	}
	sp := s.List[0]
	// A 30 s window centred on a record leaves the baseline once the
	// drop fills enough of it: the spike starts within 15 s of 600 and
	// lasts the 60 s of the drop give or take a window (30–90 s).
	if sp.Metric != "cadence" || sp.StartS < 585 || sp.StartS > 615 || sp.DurationS < 30 || sp.DurationS > 90 {
		t.Errorf("spike %+v, want cadence from about 600 s for about 60 s", sp)
	}
	// Windows wholly inside the drop average 160 ± 2/√31 ≈ ±0.36, so the
	// peak is about −10 from the 170 baseline.
	if !near(sp.Size, -10, 1.5) || sp.SDs > -3 {
		t.Errorf("size %.2f spm (%.1f SD), want about −10 and beyond −3 SD", sp.Size, sp.SDs)
	}
	if !sp.Eccentric || !near(sp.GradePct, -8, 1e-9) {
		t.Errorf("grade %.1f eccentric %v, want −8 and eccentric", sp.GradePct, sp.Eccentric)
	}
	if !near(sp.StartM, 3*sp.StartS, 1e-9) {
		t.Errorf("start distance %v, want 3 m/s × %v s", sp.StartM, sp.StartS)
	}
	// GCT, VO and balance were not recorded: skipped with a reason.
	if len(s.Skipped) != 3 || !strings.Contains(s.Skipped[0], "not recorded") {
		t.Errorf("skipped %v", s.Skipped)
	}
}

func TestSpikesNoneInASteadyRun(t *testing.T) {
	// The same noise without the drop: nothing leaves ±3 robust SDs of
	// the rolling mean for 20 s.
	a := steadyRun(1200)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 1200 {
		a.CadenceSPM[i] = 170 + 2*rng.NormFloat64()
	}
	p := DefaultParams()
	sel := Moving(a, p)
	if s := SpikesOf(a, sel, AfterWarmup(sel, Weights(a.Elapsed, 10), p), a.GradePct, p); s.Count != 0 {
		t.Errorf("steady run: %d spikes %+v", s.Count, s.List)
	}
}

func TestChannelsZonesAndDerivations(t *testing.T) {
	// 3 m/s at 180 spm = 3 steps/s, so step length = 1 m = 1000 mm;
	// VO 85 mm over 1000 mm = VR 8.5%.
	a := steadyRun(100)
	for i := range 100 {
		a.CadenceSPM[i], a.GCTMS[i], a.VerticalOscillationMM[i] = 180, 250, 85
	}
	p := DefaultParams()
	sel, w := Moving(a, p), Weights(a.Elapsed, 10)
	sl := StepLengthOf(a, sel, w)
	if !sl.Derived || !near(sl.Mean, 1000, 1e-9) {
		t.Errorf("step length %+v, want derived 1000 mm", sl)
	}
	vr := VerticalRatioOf(a, sel, w, p)
	if !vr.Derived || !near(vr.Mean, 8.5, 1e-9) {
		t.Errorf("vertical ratio %+v, want derived 8.5%%", vr)
	}
	zone := func(c Channel) string {
		for _, z := range c.Zones {
			if z.Pct == 100 {
				return z.Name
			}
		}
		return "none"
	}
	// Garmin's tables (domain.md A3): GCT 250 ms is green (249–277).
	// With a chest strap VO 8.5 cm is green (8.2–9.7) and VR 8.5% green
	// (7.5–8.6); with the Running Dynamics Pod, blue (6.8–8.9 cm) and
	// green (8.4–10.0%).
	if g := GCTOf(a, sel, w, p); zone(g) != "green" {
		t.Errorf("GCT zone %s, want green", zone(g))
	}
	if vo := VerticalOscillationOf(a, sel, w, p); zone(vo) != "green" || vo.ZoneSet != "hrm" {
		t.Errorf("VO zone %s (%s), want green (hrm)", zone(vo), vo.ZoneSet)
	}
	a.Sensors = []ingest.Sensor{{Kind: ingest.SensorRDPod, RunningDynamics: true}}
	if vo := VerticalOscillationOf(a, sel, w, p); zone(vo) != "blue" || vo.ZoneSet != "rdp" {
		t.Errorf("VO zone with pod %s (%s), want blue (rdp)", zone(vo), vo.ZoneSet)
	}
	if vr := VerticalRatioOf(a, sel, w, p); zone(vr) != "green" {
		t.Errorf("VR zone with pod %s, want green", zone(vr))
	}
	// Recorded values are not marked derived.
	for i := range 100 {
		a.StepLengthMM[i] = 1100
	}
	if sl := StepLengthOf(a, sel, w); sl.Derived || sl.Mean != 1100 {
		t.Errorf("recorded step length %+v", sl)
	}
	// Without the channel: a reason, no number.
	a.GCTMS = synth(100).GCTMS
	a.Sensors = nil
	if g := GCTOf(a, sel, w, p); g.Measured || !strings.Contains(g.Reason, "not measurable with this sensor") || !math.IsNaN(g.Mean) {
		t.Errorf("GCT without sensor %+v", g)
	}
}

func TestBalanceVariabilityAndDeveloperFields(t *testing.T) {
	// 600 s alternating 49.5 / 50.5 on the flat at an even 3 m/s. With
	// 29 s stretches each holds 30 records, 15 of each value: mean 50, SD
	// √(30·0.25/29) = 0.50855. 600 records make 20 stretches.
	a := steadyRun(600)
	for i := range 600 {
		a.GCTBalanceLeftPct[i] = 49.5 + float64(i%2)
	}
	p := DefaultParams()
	p.SteadyWindowS = 29
	sel, w := Moving(a, p), Weights(a.Elapsed, 10)
	b := BalanceOf(a, sel, w, a.GradePct, p)
	if b.SteadyStretches != 20 || !near(b.StepVariabilityPct, 0.50855, 1e-5) || b.Source != "stance_time_balance" {
		t.Errorf("variability %v over %d stretches from %q, want 0.50855 over 20 from stance_time_balance", b.StepVariabilityPct, b.SteadyStretches, b.Source)
	}
	// A hill breaks steadiness: grade 5% everywhere leaves no stretch.
	for i := range a.GradePct {
		a.GradePct[i] = 5
	}
	if b := BalanceOf(a, sel, w, a.GradePct, p); b.SteadyStretches != 0 || !math.IsNaN(b.StepVariabilityPct) {
		t.Errorf("on a hill: %d stretches, variability %v", b.SteadyStretches, b.StepVariabilityPct)
	}

	// Per-foot contact times as developer fields (RunScribe style):
	// 255 ms left, 245 ms right → left share 51%, SI = 4·51 − 200 = 4.
	// They take precedence over the chest strap's balance.
	l, r := make([]float64, 600), make([]float64, 600)
	for i := range l {
		l[i], r[i] = 255, 245
	}
	a.Dev = []ingest.DevColumn{{Name: "Right GCT", Units: "ms", Values: r}, {Name: "Left GCT", Units: "ms", Values: l}}
	b = BalanceOf(a, sel, w, a.GradePct, p)
	if !near(b.LeftPct.Mean, 51, 1e-9) || !near(b.SymmetryIndexPct, 4, 1e-9) || b.Source != "developer fields Left GCT / Right GCT" {
		t.Errorf("developer balance %v SI %v from %q", b.LeftPct.Mean, b.SymmetryIndexPct, b.Source)
	}
}

func TestRightName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Left GCT", "Right GCT"},
		{"left_ground_time", "right_ground_time"},
		{"ground_time_l", "ground_time_r"},
		{"GCT-L", "GCT-R"},
		{"L Contact Time", "R Contact Time"},
		{"Left Power", ""}, // not a contact time
		{"Ground Time", ""},
		{"Leftover GCT", ""},
	} {
		got, _ := rightName(c.in)
		if got != c.want {
			t.Errorf("rightName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEffort(t *testing.T) {
	// 600 s at HR 160 with rest 60 and max 190: ΔHR = 100/130 = 0.76923.
	// Men: 10 min × 0.76923 × 0.64·e^(1.92·0.76923) = 21.5604;
	// women: 10 × 0.76923 × 0.86·e^(1.67·0.76923) = 23.9032.
	a := steadyRun(600)
	for i := range 600 {
		a.HeartRateBPM[i] = 160
		// Altitude climbs 10 m over 100 s, comes back down, and wobbles
		// by 1 m (under the 3 m hysteresis) the rest of the time.
		switch {
		case i < 100:
			a.AltitudeM[i] = float64(i) / 10
		case i < 200:
			a.AltitudeM[i] = 10 - float64(i-100)/10
		default:
			a.AltitudeM[i] = float64(i % 2)
		}
	}
	p := DefaultParams()
	sel, w := Moving(a, p), Weights(a.Elapsed, 10)
	e := EffortOf(a, sel, w, p)
	if !near(e.TRIMP, 21.5604, 1e-4) || !strings.Contains(e.TRIMPFormula, "0.64·e^(1.92·ΔHR)") {
		t.Errorf("TRIMP %v (%s), want 21.5604", e.TRIMP, e.TRIMPFormula)
	}
	// 10 m up (the first step of 3 m is reached at 3 m, then 6, 9: 9 m
	// counted on the way up, then 10 − 9 = 1 m short of the next step;
	// down from 9 to 0 in 3 m steps: 9 m).
	if !near(e.ElevationGainM, 9, 1e-9) || !near(e.ElevationLossM, 9, 1e-9) || e.ElevationSource != "altitude" {
		t.Errorf("elevation +%v −%v (%s), want +9 −9", e.ElevationGainM, e.ElevationLossM, e.ElevationSource)
	}
	// 600 s moving at 3 m/s: 599 increments of 3 m.
	if e.MovingTimeS != 600 || e.DistanceM != 1797 || e.TimerS != 600 {
		t.Errorf("moving %v s %v m timer %v", e.MovingTimeS, e.DistanceM, e.TimerS)
	}
	p.Effort.Sex = "female"
	if e := EffortOf(a, sel, w, p); !near(e.TRIMP, 23.9032, 1e-4) {
		t.Errorf("female TRIMP %v, want 23.9032", e.TRIMP)
	}
	a.HeartRateBPM = synth(600).HeartRateBPM
	if e := EffortOf(a, sel, w, p); !math.IsNaN(e.TRIMP) || e.TRIMPReason == "" {
		t.Errorf("no HR: TRIMP %v reason %q", e.TRIMP, e.TRIMPReason)
	}
}

func TestGradeFromAltitude(t *testing.T) {
	// 3 m/s and 0.15 m/s up: 5%. The device wrote no grade.
	a := steadyRun(200)
	for i := range 200 {
		a.GradePct[i] = math.NaN()
		a.AltitudeM[i] = 0.15 * float64(i)
	}
	g, derived := Grade(a, DefaultParams())
	if !derived || !near(g[100], 5, 1e-9) || !near(g[0], 5, 1e-9) {
		t.Errorf("grade %v %v (derived %v), want 5", g[0], g[100], derived)
	}
}

func TestAnalyzeOnlyRuns(t *testing.T) {
	a := steadyRun(10)
	a.Sport = "cycling"
	if m := Analyze(a, DefaultParams()); m.Analyzed || !strings.Contains(m.Reason, "not a run") {
		t.Errorf("cycling analyzed: %+v", m)
	}
}
