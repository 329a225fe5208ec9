package gait

import (
	"math"

	"gonum.org/v1/gonum/stat"

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
	c := Cadence{Summary: Summarize(a.CadenceSPM, sel, weights)}
	v, w := pick(a.CadenceSPM, sel, weights)
	total := 0.0
	shares := make([]float64, len(p.CadenceBands))
	for i, x := range v {
		for b, band := range p.CadenceBands {
			if x >= band.Edge {
				shares[b] += w[i]
				break
			}
		}
		total += w[i]
	}
	for b, band := range p.CadenceBands {
		pct := math.NaN()
		if total > 0 {
			pct = 100 * shares[b] / total
		}
		c.Bands = append(c.Bands, BandShare{band.Name, pct})
	}

	var sp, cad, ww []float64
	for i, ok := range sel {
		if ok && !math.IsNaN(a.SpeedMPS[i]) && !math.IsNaN(a.CadenceSPM[i]) {
			sp = append(sp, a.SpeedMPS[i])
			cad = append(cad, a.CadenceSPM[i])
			ww = append(ww, weights[i])
		}
	}
	c.InterceptSPM, c.SlopeSPMPerMPS, c.MedianSpeedMPS, c.AtMedianSpeedSPM = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if len(sp) >= 2 && stat.Variance(sp, ww) > 0 {
		c.InterceptSPM, c.SlopeSPMPerMPS = stat.LinearRegression(sp, cad, ww, false)
		c.MedianSpeedMPS = median(sp)
		c.AtMedianSpeedSPM = c.InterceptSPM + c.SlopeSPMPerMPS*c.MedianSpeedMPS
	}
	return c
}
