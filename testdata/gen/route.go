package main

import "math"

// route is an elevation profile: altitude in metres as a function of the
// distance run. Every route rolls gently (grades within about ±2.5 %); the
// hill route adds, from 2 km, a 1.2 km climb at +3.75 %, a 300 m flat
// top, a 500 m descent at -8 % (the steep downhill a grade-aware analysis
// must not mistake for fatigue) and a long run-out at -0.36 %.
type route struct {
	baseM  float64 // altitude at the start, m
	phaseM float64 // shifts the rolling terms, so no two runs are identical
	hill   bool
}

// hillKnots are (distance m, height above the rolling profile m), joined
// by straight lines.
func hillKnots() [][2]float64 {
	return [][2]float64{
		{2000, 0},
		{3200, 45}, // +3.75 %
		{3500, 45},
		{4000, 5}, // -8 %
		{5400, 0}, // -0.36 %
	}
}

func (r route) altitude(d float64) float64 {
	x := d + r.phaseM
	a := r.baseM + 3*math.Sin(2*math.Pi*x/1700) + 1.5*math.Sin(2*math.Pi*x/630)
	if r.hill {
		a += piecewise(hillKnots(), d)
	}
	return a
}

// gradePct is the slope at d over ±5 m, in percent.
func (r route) gradePct(d float64) float64 {
	return (r.altitude(d+5) - r.altitude(d-5)) / 10 * 100
}

// piecewise interpolates linearly between knots; outside them it is 0.
func piecewise(knots [][2]float64, d float64) float64 {
	if len(knots) == 0 || d <= knots[0][0] || d >= knots[len(knots)-1][0] {
		return 0
	}
	for i := 1; i < len(knots); i++ {
		if d <= knots[i][0] {
			a, b := knots[i-1], knots[i]
			return a[1] + (b[1]-a[1])*(d-a[0])/(b[0]-a[0])
		}
	}
	return 0
}
