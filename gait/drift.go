package gait

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Drift compares the late part of a run with a steady reference window
// earlier in the same run, to show form changing as the runner tires
// (domain.md C6, C7). Both windows are in moving time: the reference
// runs from the end of the warm-up to DriftParams.RefEndFraction of the
// moving time, the late window is the last DriftParams.LateFraction.
// Each channel is compared only inside speed × grade bins that both
// windows visit, so a hill or a faster finish does not pass for fatigue.
type Drift struct {
	// Window edges, in seconds of moving time.
	RefStartS, RefEndS, LateStartS, LateEndS float64
	Cadence                                  Delta // steps/min
	GCT                                      Delta // ms
	SymmetryIndex                            Delta // SI points (4·balance − 200)
	VerticalOscillation                      Delta // mm
	VerticalRatio                            Delta // %
}

// Delta is late minus reference for one channel, the mean of per-bin
// differences weighted by the late window's samples in each bin.
type Delta struct {
	// Measured is false when either window holds fewer than
	// DriftParams.MinSamples matched samples; Reason says why.
	Measured bool
	Reason   string
	Delta    float64
	// RefMean and LateMean are the bin-matched means whose difference is
	// Delta; RefN and LateN count the samples behind them, Bins the
	// speed × grade bins used.
	RefMean, LateMean float64
	RefN, LateN, Bins int
}

type binKey struct{ speed, grade int }

const unknownBin = math.MinInt32

// DriftOf computes the drift of each channel. sel marks moving records,
// grade is per-record grade (see [Grade]).
func DriftOf(a *ingest.Activity, sel []bool, weights, grade []float64, p Params) Drift {
	total := 0.0
	movingT := make([]float64, len(sel)) // moving time before record i
	for i, ok := range sel {
		movingT[i] = total
		if ok {
			total += weights[i]
		}
	}
	d := Drift{
		RefStartS:  p.WarmupS,
		RefEndS:    p.Drift.RefEndFraction * total,
		LateStartS: (1 - p.Drift.LateFraction) * total,
		LateEndS:   total,
	}
	left, _, _ := BalanceSeries(a)
	si := make([]float64, len(left))
	for i, b := range left {
		si[i] = 4*b - 200
	}
	vr := VerticalRatioSeries(a)
	series := []struct {
		x   []float64
		dst *Delta
	}{
		{a.CadenceSPM, &d.Cadence},
		{a.GCTMS, &d.GCT},
		{si, &d.SymmetryIndex},
		{a.VerticalOscillationMM, &d.VerticalOscillation},
		{vr, &d.VerticalRatio},
	}
	if d.RefEndS <= d.RefStartS {
		why := fmt.Sprintf("run too short: %.0f s of moving time leaves no reference window after the %.0f s warm-up", total, p.WarmupS)
		for _, s := range series {
			*s.dst = Delta{Reason: why, Delta: math.NaN(), RefMean: math.NaN(), LateMean: math.NaN()}
		}
		return d
	}
	// Number the speed × grade bins in a fixed order (sorted keys) so
	// each channel sums into plain slices, in the same order every run.
	ids := map[binKey]int{}
	bins := make([]int, len(sel))
	var keys []binKey
	for i := range bins {
		k := binKey{binOf(a.SpeedMPS[i], p.Drift.SpeedBinMPS), binOf(grade[i], p.Drift.GradeBinPct)}
		id, ok := ids[k]
		if !ok {
			id = len(keys)
			ids[k] = id
			keys = append(keys, k)
		}
		bins[i] = id
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		return cmp.Or(cmp.Compare(keys[x].speed, keys[y].speed), cmp.Compare(keys[x].grade, keys[y].grade))
	})
	for _, s := range series {
		*s.dst = delta(s.x, sel, movingT, bins, order, d, p.Drift)
	}
	return d
}

func binOf(x, width float64) int {
	if math.IsNaN(x) {
		return unknownBin // no speed (treadmill) or grade (no altitude): one bin of its own
	}
	return int(math.Floor(x / width))
}

type acc struct {
	sum float64
	n   int
}

func delta(x []float64, sel []bool, movingT []float64, bins, order []int, d Drift, p DriftParams) Delta {
	ref := make([]acc, len(order))
	late := make([]acc, len(order))
	for i, ok := range sel {
		if !ok || math.IsNaN(x[i]) {
			continue
		}
		var m []acc
		switch t := movingT[i]; {
		case t >= d.RefStartS && t < d.RefEndS:
			m = ref
		case t >= d.LateStartS:
			m = late
		default:
			continue
		}
		m[bins[i]].sum += x[i]
		m[bins[i]].n++
	}
	out := Delta{Delta: math.NaN(), RefMean: math.NaN(), LateMean: math.NaN()}
	var refSum, lateSum, diff float64
	seen := false
	for _, k := range order {
		l, r := late[k], ref[k]
		seen = seen || l.n > 0 || r.n > 0
		if r.n < p.MinBinSamples || l.n < p.MinBinSamples {
			continue
		}
		rm, lm := r.sum/float64(r.n), l.sum/float64(l.n)
		// Weight each bin by the late window's samples in it, so both
		// means describe the same mix of speeds and grades.
		refSum += rm * float64(l.n)
		lateSum += lm * float64(l.n)
		diff += (lm - rm) * float64(l.n)
		out.RefN += r.n
		out.LateN += l.n
		out.Bins++
	}
	if out.RefN < p.MinSamples || out.LateN < p.MinSamples {
		if !seen {
			out.Reason = "channel not recorded"
		} else {
			out.Reason = fmt.Sprintf("too few samples at matched speed and grade: reference %d, late %d, need %d each", out.RefN, out.LateN, p.MinSamples)
		}
		return out
	}
	out.Measured = true
	out.Delta = diff / float64(out.LateN)
	out.RefMean = refSum / float64(out.LateN)
	out.LateMean = lateSum / float64(out.LateN)
	return out
}
