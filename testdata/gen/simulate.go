package main

import (
	"math"
	"math/rand/v2"
)

// sample is one 1 Hz record, already rounded to what the FIT fields can
// hold.
type sample struct {
	T        int     // seconds since the timer first started (pauses included)
	DistM    float64 // cumulative distance
	SpeedMPS float64
	AltM     float64
	HR       int // bpm
	SPM      int // steps/min, whole steps as Garmin writes them; 0 standing
	PowerW   int

	// Running dynamics from the chest strap; Dynamics is false in the first
	// five seconds after each (re)start, before the strap has counted steps.
	Dynamics     bool
	GCTMS        float64 // ground contact time
	BalanceLeft  float64 // % of ground contact on the left foot
	VertOscMM    float64
	VertRatioPct float64 // vertical oscillation / step length
	StepMM       float64 // speed / (SPM/60)
	StancePct    float64 // ground contact as % of the stride (two steps), as Garmin's stance_time_percent
}

// activity is a simulated run: its plan, its samples, and the timer pause
// if there is one (Resume is the index of the first sample after it).
type activity struct {
	Plan    runPlan
	Samples []sample
	Resume  int // 0: no pause
}

// Runner constants. The values are those of the brief (issue 4, point 5)
// and domain.md A2/A3: cadence 166–172 spm at easy pace, ground contact
// 240–260 ms, balance 50.0–50.6 % left, vertical oscillation 85–95 mm,
// vertical ratio 7.5–8.5 %, heart rate 130–160. Vertical ratio is
// oscillation over step length, so those ranges together set the pace:
// 87 mm / 8 % is a step of about 1.08 m, 3.05 m/s at 170 spm.
const (
	massKG       = 68.0
	easySpeedMPS = 3.05 // 5:28 /km
	longSpeedMPS = 2.95 // 5:39 /km
	warmupSlower = 0.35 // m/s slower while warming up
	refSpeedMPS  = 3.05 // the speed at which the base values below hold
	baseSPM      = 170.0
	spmPerMPS    = 10.0 // cadence rises with speed
	baseGCT      = 248.0
	gctPerMPS    = -40.0 // shorter contact when faster
	baseBalance  = 50.3
	baseVO       = 87.5
	voPerMPS     = 10.0
	restHR       = 98.0 // what heart rate falls towards while paused

	// Late-run drift at Fatigue 1: balance moves left over the last
	// quarter, cadence drops over the last fifth, contact lengthens.
	driftBalance = 2.3
	driftSPM     = -6.5
	driftGCT     = 9.0
	driftVO      = 2.0
	driftSpeed   = -0.05
)

// simulate runs the plan second by second. Each quantity is a smooth model
// (speed, grade, elapsed time, fatigue) plus autoregressive noise, so
// neighbouring seconds look alike as they do on a real watch. rng must be
// the run's own stream: the result depends on nothing else.
func simulate(p runPlan, rng *rand.Rand) activity {
	total := p.KM * 1000
	r := route{baseM: 150 + 10*rng.Float64(), phaseM: 1700 * rng.Float64(), hill: p.Hill}

	// The same runner on a different day.
	pace := 0.05 * rng.NormFloat64()
	offSPM := 0.8 * rng.NormFloat64()
	offGCT := 3 * rng.NormFloat64()
	offBal := 0.1 * rng.NormFloat64()
	offVO := 0.7 * rng.NormFloat64()

	base := easySpeedMPS
	hrBase := 134.0
	if p.Kind == kindLong {
		base, hrBase = longSpeedMPS, 137
	}

	a := activity{Plan: p}
	var (
		t, sinceStart int     // s since the first start; s since the timer last started
		d             float64 // m
		smooth        float64 // speed smoothed over ~6 s
		gradeSmooth   float64 // grade smoothed over ~30 s, for heart rate
		paused        bool    // the warm-up pause is behind us

		// States of the autoregressive noise.
		nSpeed, nSPM, nGCT, nBalSlow, nVO, nHRSlow float64
	)
	hr := 88 + 4*rng.NormFloat64()
	for {
		g := r.gradePct(d)
		gradeSmooth += (g - gradeSmooth) / 30
		x := d / total
		fat := p.Fatigue
		warm := p.WarmupM > 0 && !paused

		var v float64
		if sinceStart > 0 {
			target := base + pace
			if warm {
				target -= warmupSlower
			}
			// Slower uphill, faster downhill; on steep descents the runner
			// brakes, so the gain stops at -4 %.
			target -= 0.045 * math.Max(g, -4)
			target += driftSpeed * fat * smoothstep(0.78, 0.84, x)
			nSpeed = 0.9*nSpeed + 0.03*rng.NormFloat64()
			ramp := math.Min(1, float64(sinceStart)/10) // from standstill in ~10 s
			v = math.Max(0, ramp*(target+nSpeed))
			d += v
		}
		smooth += (v - smooth) / 6
		last := d >= total
		if last {
			d = total
		}

		hrTarget := hrBase + 14*(smooth-base) + 2*gradeSmooth
		if warm {
			hrTarget -= 8
		}
		if mins := float64(t) / 60; mins > 15 {
			hrTarget += 0.08 * (mins - 15) // cardiac drift
		}
		hrTarget += 4 * fat * smoothstep(0.75, 0.9, x)
		hr += (hrTarget - hr) / 25
		nHRSlow = 0.95*nHRSlow + 0.3*rng.NormFloat64()

		s := sample{
			T:        t,
			DistM:    math.Round(d*100) / 100,
			SpeedMPS: math.Round(v*1000) / 1000,
			AltM:     math.Round(r.altitude(d)*5) / 5,
			HR:       int(math.Round(hr + nHRSlow + 0.8*rng.NormFloat64())),
		}
		if sinceStart > 0 {
			spm := baseSPM + offSPM + spmPerMPS*(smooth-refSpeedMPS) + 0.25*math.Max(g, 0) + 0.1*math.Max(-g, 0)
			spm += driftSPM * fat * smoothstep(0.78, 0.84, x)
			nSPM = 0.85*nSPM + 0.6*rng.NormFloat64()
			s.SPM = int(math.Round(spm + nSPM))

			power := massKG * (1.04*v + 0.0981*g*v)
			power = math.Max(power, 0.3*massKG*1.04*v) + 5*rng.NormFloat64()
			s.PowerW = int(math.Round(math.Max(power, 0)))
		}
		if sinceStart >= 5 && s.SPM > 0 {
			s.Dynamics = true
			gct := baseGCT + offGCT + gctPerMPS*(smooth-refSpeedMPS) + 0.6*math.Max(g, 0) - 0.4*math.Max(-g, 0)
			gct += driftGCT * fat * smoothstep(0.78, 0.88, x)
			nGCT = 0.8*nGCT + 2*rng.NormFloat64()
			s.GCTMS = math.Round(gct + nGCT)

			// Balance moves a little left on steep descents (Garmin: it
			// deviates from 50-50 on up- and downhills), and late in a
			// fatigued run.
			bal := baseBalance + offBal + 0.06*math.Max(-g, 0)
			bal += driftBalance * fat * smoothstep(0.75, 0.88, x)
			nBalSlow = 0.98*nBalSlow + 0.02*rng.NormFloat64()
			s.BalanceLeft = math.Round((bal+nBalSlow+0.28*rng.NormFloat64())*100) / 100

			vo := baseVO + offVO + voPerMPS*(smooth-refSpeedMPS) + driftVO*fat*smoothstep(0.78, 0.88, x)
			nVO = 0.8*nVO + 0.9*rng.NormFloat64()
			s.VertOscMM = math.Round((vo+nVO)*10) / 10

			s.StepMM = math.Round(s.SpeedMPS / (float64(s.SPM) / 60) * 1000)
			s.VertRatioPct = math.Round(s.VertOscMM/s.StepMM*100*100) / 100
			s.StancePct = math.Round(s.GCTMS*float64(s.SPM)/1200*100) / 100
		}
		a.Samples = append(a.Samples, s)
		if last {
			return a
		}

		if warm && d >= p.WarmupM {
			// Timer stopped: no records. Heart rate settles towards restHR.
			hr = restHR + (hr-restHR)*math.Exp(-float64(p.PauseS)/35)
			t += p.PauseS
			paused = true
			sinceStart = 0
			nSpeed, smooth = 0, 0
			a.Resume = len(a.Samples)
			continue
		}
		t++
		sinceStart++
	}
}

// smoothstep rises from 0 at x <= lo to 1 at x >= hi along 3u² - 2u³.
func smoothstep(lo, hi, x float64) float64 {
	u := math.Min(1, math.Max(0, (x-lo)/(hi-lo)))
	return u * u * (3 - 2*u)
}
