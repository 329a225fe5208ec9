package gait

import (
	"math"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Cadence is the running cadence of a run, in steps per minute.
type Cadence struct {
	Summary
	// Bands is the share of moving time in each of Garmin's population
	// bands (Params.CadenceBands), in the same order.
	Bands []BandShare
	// Cadence–speed relation over moving records (cadence rises with
	// speed, domain.md C4): cadence = InterceptSPM + SlopeSPMPerMPS·speed,
	// and the cadence this predicts at the run's median speed, so runs can
	// be compared at the same speed. NaN without speed.
	InterceptSPM     float64
	SlopeSPMPerMPS   float64
	MedianSpeedMPS   float64
	AtMedianSpeedSPM float64
}

// BandShare is the share of moving time spent in one band.
type BandShare struct {
	Name string
	Pct  float64
}

// CadenceOf summarizes a.CadenceSPM over the records sel marks.
func CadenceOf(a *ingest.Activity, sel []bool, weights []float64, p Params) Cadence {
	var s scratch
	return s.cadenceOf(a, sel, weights, p)
}

func (s *scratch) cadenceOf(a *ingest.Activity, sel []bool, weights []float64, p Params) Cadence {
	sum, shares, total := s.summarize(a.CadenceSPM, sel, weights, cadenceZones(p.CadenceBands))
	c := Cadence{Summary: sum, Bands: make([]BandShare, len(p.CadenceBands))}
	for b, band := range p.CadenceBands {
		pct := math.NaN()
		if total > 0 {
			pct = 100 * shares[b] / total
		}
		c.Bands[b] = BandShare{band.Name, pct}
	}

	c.InterceptSPM, c.SlopeSPMPerMPS, c.MedianSpeedMPS, c.AtMedianSpeedSPM = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if f := s.cadenceOnSpeed(a.SpeedMPS, a.CadenceSPM, sel, weights); f.ok {
		c.InterceptSPM, c.SlopeSPMPerMPS, c.MedianSpeedMPS = f.intercept, f.slope, f.medianSpeed
		c.AtMedianSpeedSPM = c.InterceptSPM + c.SlopeSPMPerMPS*c.MedianSpeedMPS
	}
	return c
}

// speedFit is the weighted least-squares line of cadence on speed.
type speedFit struct {
	ok               bool // at least two records, and speed varies
	intercept, slope float64
	medianSpeed      float64
}

// cadenceOnSpeed fits cadence y on speed x over the records sel marks
// where neither is NaN.
//
// It computes what gonum's stat.Variance(x, w) > 0 and
// stat.LinearRegression(x, y, w, false) compute, sum for sum in the same
// order, so the results are the same to the bit, in two passes rather
// than six: the means as stat.Mean, then x's variance (stat.MeanVariance)
// and the covariance (covarianceMeans, gonum's corrected two-pass
// algorithm) together.
func (s *scratch) cadenceOnSpeed(x, y []float64, sel []bool, weights []float64) speedFit {
	// Both passes read the columns in place, skipping the records left
	// out, as summarize does.
	m := len(sel)
	x, y, weights = x[:m], y[:m], weights[:m] // one length: no bounds checks below
	n := 0
	// The extent of x as reduce finds it: from the first record kept,
	// one comparison mostly.
	first := 0
	for first < m && (!sel[first] || math.IsNaN(x[first]) || math.IsNaN(y[first])) {
		first++
	}
	if first == m {
		return speedFit{}
	}
	lo, hi := x[first], x[first]
	var sumX, sumY, sumW float64
	for i := first; i < m; i++ {
		xi, yi := x[i], y[i]
		if !sel[i] || math.IsNaN(xi) || math.IsNaN(yi) {
			continue
		}
		wi := weights[i]
		n++
		if xi < lo {
			lo = xi
		} else if xi > hi {
			hi = xi
		}
		sumX += wi * xi
		sumY += wi * yi
		sumW += wi
	}
	if n < 2 {
		return speedFit{}
	}
	xu, yu := sumX/sumW, sumY/sumW
	// The second pass also counts the speeds into the histogram for
	// their median, leaving out the records left out (see quantiles).
	r := extent{lo, hi, float64(n)}
	h := s.histogramFor(r, n)
	s.next = grow(s.next, m)
	ss, comp, cs, ycomp := fitSecond(x, y, sel, weights, xu, yu, h, s.next[:m])
	xv := (ss - comp*comp/sumW) / (sumW - 1)
	if !(xv > 0) {
		return speedFit{}
	}
	cov := (cs - comp*ycomp/sumW) / (sumW - 1)
	f := speedFit{ok: true}
	f.slope = cov / xv
	f.intercept = yu - f.slope*xu
	var q [1]float64
	ps := [1]float64{0.5}
	speeds := x
	if !h.useful { // a few speeds, which quantiles sorts: copy them out
		s.roll = grow(s.roll, n)
		speeds = s.roll[:0]
		for i, ok := range sel {
			if ok && !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
				speeds = append(speeds, x[i])
			}
		}
	}
	s.quantiles(speeds, nil, r, h, ps[:], q[:])
	f.medianSpeed = q[0]
	return f
}

// fitSecond is the cadence fit's second pass over the records kept, with
// the means xu and yu: it returns Σw·d², Σw·d, Σw·d·e and Σw·e (d = x −
// x̄, e = y − ȳ) and counts the speeds into h (chains in next). A
// function of its own, so that its loop keeps its values in registers.
//
// MeanVariance of x sums Σw·d², Σw·d and Σw; covarianceMeans of x and y
// sums Σw·d·e, Σw·d again, Σw·e and Σw again. The repeated sums, and Σw,
// the first pass's sum of the same weights in the same order, are the
// same to the bit, so each is added once.
func fitSecond(x, y []float64, sel []bool, weights []float64, xu, yu float64, h *histogram, next []int32) (ss, comp, cs, ycomp float64) {
	m := len(sel)
	x, y, weights, next = x[:m], y[:m], weights[:m], next[:m]
	bin, bw, last := h.binning, &h.bw, &h.last
	for i, ok := range sel {
		xv, yv := x[i], y[i]
		if !ok || math.IsNaN(xv) || math.IsNaN(yv) {
			continue
		}
		w := weights[i]
		d := xv - xu
		wd := w * d
		ss += wd * d
		comp += wd
		yd := (yv - yu)
		cs += wd * yd
		ycomp += w * yd

		b := bin.bucket(xv)
		next[i], last[b] = last[b], int32(i+1)
		bw[i&1][b]++ // counts are exact in any order
	}
	return ss, comp, cs, ycomp
}
