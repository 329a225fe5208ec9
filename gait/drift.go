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
	left, _, _ := BalanceSeries(a)
	steps, _ := stepLength(a)
	vr, _ := verticalRatio(a, steps)
	movingS, _ := MovingTotals(a, sel, weights)
	var s scratch
	return s.driftOf(a, left, vr, sel, weights, movingS, grade, p)
}

// driftOf is DriftOf with the balance and vertical ratio series already
// derived (see [BalanceSeries], [VerticalRatioSeries]) and the moving
// time total (see [MovingTotals]). The symmetry index is Robinson's,
// 4·b − 200 of each balance b (see [Balance]).
func (s *scratch) driftOf(a *ingest.Activity, left, vr []float64, sel []bool, weights []float64, total float64, grade []float64, p Params) Drift {
	d := Drift{
		RefStartS:  p.WarmupS,
		RefEndS:    p.Drift.RefEndFraction * total,
		LateStartS: (1 - p.Drift.LateFraction) * total,
		LateEndS:   total,
	}
	dst := [...]*Delta{&d.Cadence, &d.GCT, &d.SymmetryIndex, &d.VerticalOscillation, &d.VerticalRatio}
	if d.RefEndS <= d.RefStartS {
		why := fmt.Sprintf("run too short: %.0f s of moving time leaves no reference window after the %.0f s warm-up", total, p.WarmupS)
		for _, out := range dst {
			*out = Delta{Reason: why, Delta: math.NaN(), RefMean: math.NaN(), LateMean: math.NaN()}
		}
		return d
	}
	n := len(sel)
	weights, speed, grade := weights[:n], a.SpeedMPS[:n], grade[:n]
	// First pass: each record's window (0: none, 1: reference, 2: late),
	// which follows from the moving time before it, and the range of the
	// speeds and grades of the records that need a bin. Bins without
	// samples count only when MinBinSamples < 1; else only the windows'
	// bins matter, and the others are left out. binOf never decreases,
	// so the bins' range is that of the range's ends.
	all := p.Drift.MinBinSamples < 1
	s.win = grow(s.win, n)
	win := s.win[:n]
	sLoV, sHiV, gLoV, gHiV := driftWindows(win, sel, weights, speed, grade, d, all)
	sBin, gBin := binnerOf(p.Drift.SpeedBinMPS), binnerOf(p.Drift.GradeBinPct)
	// The bins' grid: coordinate 0 is the unknown bin, k+1 the k-th bin
	// from the lowest, so that the cells, numbered by speed then grade,
	// follow the bins' order. A grid too large for a table of sums, or
	// bins that are not int32s or that unknownBin hides (wild outliers),
	// give way to binIDs' numbers of the bins, as the speed coordinate of
	// a grid one grade wide.
	sLo, sN, sOK := gridAxis(sBin, sLoV, sHiV)
	gLo, gN, gOK := gridAxis(gBin, gLoV, gHiV)
	const maxCells = 1 << 10
	var ids []int32 // binIDs' numbers, when used
	if !sOK || !gOK || sN > maxCells || gN > maxCells || sN*gN > maxCells {
		var nbins int
		ids, nbins = s.binIDs(speed, grade, p.Drift)
		all = true // numbers only for bins that hold records
		sLo, sN, gLo, gN = 0, nbins+1, math.MaxInt32, 1
	}
	// Each record's slot: its cell's reference window (2·cell) or late
	// window (2·cell + 1); -1 outside both.
	used := make([]bool, sN*gN) // a bin that holds records
	// The histograms' chains (s.next) are idle here, and large enough:
	// the slots borrow them rather than take 86 kB more.
	s.next = grow(s.next, n)
	slot := s.next[:n]
	if ids != nil {
		for i, w := range win {
			slot[i] = -1
			if c := int(ids[i]) + 1; w != 0 || all {
				used[c] = true
				if w != 0 {
					slot[i] = int32(2*c + int(w) - 1)
				}
			}
		}
	} else {
		driftSlots(slot, used, win, speed, grade, sBin, gBin, sLo, gLo, gN, all)
	}
	slots := make([][len(dst)]acc, 2*len(used))
	cols := [len(dst)][]float64{a.CadenceSPM[:n], a.GCTMS[:n], left[:n], a.VerticalOscillationMM[:n], vr[:n]}
	sumSlots(slots, slot, cols)
	for c, out := range dst {
		*out = delta(slots, used, c, p.Drift)
	}
	return d
}

// driftWindows stores in win each record's window (0: none, 1:
// reference, 2: late), which follows from the moving time before it, and
// returns the range of the speeds and grades of the records in a window
// (of all records, with all). A function of its own, so that its loop
// keeps its values in registers.
func driftWindows(win []uint8, sel []bool, weights, speed, grade []float64, d Drift, all bool) (sLo, sHi, gLo, gHi float64) {
	n := len(win)
	sel, weights, speed, grade = sel[:n], weights[:n], speed[:n], grade[:n]
	refStart, refEnd, lateStart := d.RefStartS, d.RefEndS, d.LateStartS
	sLo, sHi, gLo, gHi = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	t := 0.0
	for i, ok := range sel {
		var w uint8
		if ok {
			switch {
			case t >= refStart && t < refEnd:
				w = 1
			case t >= lateStart:
				w = 2
			}
			t += weights[i]
		}
		win[i] = w
		if w == 0 && !all {
			continue
		}
		// NaN compares false: no bin of its own in the range.
		sv, gv := speed[i], grade[i]
		if sv < sLo {
			sLo = sv
		}
		if sv > sHi {
			sHi = sv
		}
		if gv < gLo {
			gLo = gv
		}
		if gv > gHi {
			gHi = gv
		}
	}
	return sLo, sHi, gLo, gHi
}

// driftSlots stores in slot each record's slot on the grid of bins
// (lowest bins sLo and gLo, gN grade coordinates), -1 for none, and marks
// in used the cells that hold records. A function of its own, so that
// its loop keeps its values in registers.
func driftSlots(slot []int32, used []bool, win []uint8, speed, grade []float64, sBin, gBin binner, sLo, gLo int32, gN int, all bool) {
	n := len(slot)
	win, speed, grade = win[:n], speed[:n], grade[:n]
	for i, w := range win {
		slot[i] = -1
		if w == 0 && !all {
			continue
		}
		// unknownBin is below every known bin, so max takes its
		// coordinate to 0 without a branch.
		c := max(sBin.inRange(speed[i])-int(sLo)+1, 0)*gN + max(gBin.inRange(grade[i])-int(gLo)+1, 0)
		used[c] = true
		if w != 0 {
			slot[i] = int32(2*c + int(w) - 1)
		}
	}
}

// gridAxis returns the lowest bin and the number of grid coordinates of
// an axis whose known values range from lo to hi (lo > hi: none known,
// one coordinate, the unknown bin's). ok is false when an end's bin is
// not an int32, or is unknownBin itself, which would hide it.
func gridAxis(b binner, lo, hi float64) (low int32, n int, ok bool) {
	if lo > hi || math.IsNaN(lo) {
		return math.MaxInt32, 1, true
	}
	bl, bh := b.of(lo), b.of(hi)
	if bl != int(int32(bl)) || bh != int(int32(bh)) || bl == unknownBin {
		return 0, 0, false
	}
	return int32(bl), bh - bl + 2, true
}

// sumSlots adds each record's values of the drift channels cols (in
// driftOf's order, balance for the symmetry index) to its slot's sums,
// in record order: one pass for all channels, as one pass per channel
// would add them. Records with slot -1 are left out.
//
// Values are NaN rarely, so all of a record's values are added and the
// record counted once for the five; a NaN makes its slot's sum NaN, and
// only a channel with such a sum is summed again, value by value.
// Consecutive records mostly share a slot, so its sums are kept in
// locals and stored when the slot changes.
func sumSlots(slots [][5]acc, slot []int32, cols [5][]float64) {
	n := len(slot)
	cad, gct, bal, vo, vrs := cols[0][:n], cols[1][:n], cols[2][:n], cols[3][:n], cols[4][:n]
	cur := -1
	var s0, s1, s2, s3, s4 float64
	var k int
	for i, sl := range slot {
		if sl < 0 {
			continue
		}
		if int(sl) != cur {
			if cur >= 0 {
				slots[cur] = [...]acc{{s0, k}, {s1, k}, {s2, k}, {s3, k}, {s4, k}}
			}
			cur = int(sl)
			m := &slots[cur]
			s0, s1, s2, s3, s4, k = m[0].sum, m[1].sum, m[2].sum, m[3].sum, m[4].sum, m[0].n
		}
		s0 += cad[i]
		s1 += gct[i]
		s2 += 4*bal[i] - 200 // the symmetry index
		s3 += vo[i]
		s4 += vrs[i]
		k++
	}
	if cur >= 0 {
		slots[cur] = [...]acc{{s0, k}, {s1, k}, {s2, k}, {s3, k}, {s4, k}}
	}
	for c, x := range cols {
		if !slices.ContainsFunc(slots, func(m [5]acc) bool { return math.IsNaN(m[c].sum) }) {
			continue
		}
		for j := range slots {
			slots[j][c] = acc{}
		}
		for i, sl := range slot {
			v := x[i]
			if c == 2 {
				v = 4*v - 200
			}
			if sl >= 0 && !math.IsNaN(v) {
				slots[sl][c].sum += v
				slots[sl][c].n++
			}
		}
	}
}

// binIDs numbers the speed × grade bin (binOf) of each record so that
// the numbers follow the bins' order, by speed then grade with unknown
// first: the fixed order in which delta sums the bins. It returns the
// number of each record and how many bins there are.
//
// When the bins span a small grid, as on any real run, the numbers come
// from a table over the grid; else (wild outliers) from a map.
func (s *scratch) binIDs(speed, grade []float64, p DriftParams) (ids []int32, n int) {
	sb, gb := s.int32s(len(speed))
	sLo, sHi, sOK := binsOf(sb, speed, binnerOf(p.SpeedBinMPS))
	gLo, gHi, gOK := binsOf(gb, grade, binnerOf(p.GradeBinPct))
	if !sOK || !gOK {
		return binIDsByMap(speed, grade, p)
	}
	// Grid coordinates: 0 is the unknown bin, k+1 the k-th bin from the
	// lowest. An axis with no known bin has only the unknown one.
	const maxCells = 1 << 16
	sN, gN := 1, 1
	if sLo <= sHi {
		sN = int(sHi) - int(sLo) + 2
	}
	if gLo <= gHi {
		gN = int(gHi) - int(gLo) + 2
	}
	if sN > maxCells || gN > maxCells || sN*gN > maxCells {
		return binIDsByMap(speed, grade, p)
	}
	// unknownBin is below every known bin, so max takes its coordinate
	// to 0 without a branch.
	coord := func(b, lo int32) int { return max(int(b)-int(lo)+1, 0) }
	cell := make([]int32, sN*gN) // 0: no record; else the bin's number + 1
	ids = sb                     // each record's cell, then its bin's number
	gb = gb[:len(sb)]
	for i := range sb {
		c := coord(sb[i], sLo)*gN + coord(gb[i], gLo)
		cell[c] = 1
		ids[i] = int32(c)
	}
	for c, used := range cell {
		if used != 0 {
			n++
			cell[c] = int32(n)
		}
	}
	for i, c := range ids {
		ids[i] = cell[c] - 1
	}
	return ids, n
}

// binsOf stores in dst the bin (binner.of) of each value of x, and
// returns the lowest and highest known bin (lo > hi when none is); ok
// is false, and dst unfinished, when a bin is not an int32.
func binsOf(dst []int32, x []float64, b binner) (lo, hi int32, ok bool) {
	lo, hi = math.MaxInt32, math.MinInt32
	x = x[:len(dst)]
	for i, v := range x {
		k := b.of(v)
		if k != int(int32(k)) {
			return 0, 0, false
		}
		dst[i] = int32(k)
		// unknownBin is the least int32: it cannot raise hi, and is
		// kept out of lo.
		hi = max(hi, int32(k))
		if k != unknownBin {
			lo = min(lo, int32(k))
		}
	}
	return lo, hi, true
}

// binIDsByMap is binIDs through a map from bin to number, for bins
// spread too widely for a table.
func binIDsByMap(speed, grade []float64, p DriftParams) (ids []int32, n int) {
	ids = make([]int32, len(speed))
	seen := map[binKey]int32{}
	var keys []binKey
	for i := range speed {
		k := binKey{binOf(speed[i], p.SpeedBinMPS), binOf(grade[i], p.GradeBinPct)}
		id, ok := seen[k]
		if !ok {
			id = int32(len(keys))
			seen[k] = id
			keys = append(keys, k)
		}
		ids[i] = id
	}
	order := make([]int32, len(keys))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		return cmp.Or(cmp.Compare(keys[x].speed, keys[y].speed), cmp.Compare(keys[x].grade, keys[y].grade))
	})
	rank := make([]int32, len(keys))
	for r, id := range order {
		rank[id] = int32(r)
	}
	for i, id := range ids {
		ids[i] = rank[id]
	}
	return ids, len(keys)
}

func binOf(x, width float64) int {
	if math.IsNaN(x) {
		return unknownBin // no speed (treadmill) or grade (no altitude): one bin of its own
	}
	return int(math.Floor(x / width))
}

// A binner is binOf for one width. Dividing by a power of two gives
// exactly the product with its inverse, which is several times faster
// than the division; the defaults (0.25 m/s, 2 %) are powers of two.
type binner struct {
	width, inv float64
	pow2       bool
}

func binnerOf(width float64) binner {
	frac, _ := math.Frexp(width)
	inv := 1 / width
	return binner{width, inv, frac == 0.5 && !math.IsInf(inv, 0)}
}

// of returns binOf(x, b.width) wherever that is an int32 (any real
// run's bins); elsewhere (±Inf, wild outliers) a number that is not an
// int32 either. It does without math.Floor, whose call (the fallback of
// its ROUNDSD) would make binIDs' loop keep its values on the stack.
func (b binner) of(x float64) int {
	if math.IsNaN(x) {
		return unknownBin
	}
	if b.pow2 {
		return floorInt(x * b.inv)
	}
	return floorInt(x / b.width)
}

// inRange is of for a value whose bin is known to be an int32, as
// every value between two whose bins are (bins never decrease): there
// math.Floor's conversion is exact, and its ROUNDSD is cheaper than
// floorInt's conversions.
func (b binner) inRange(x float64) int {
	if math.IsNaN(x) {
		return unknownBin
	}
	if b.pow2 {
		return int(math.Floor(x * b.inv))
	}
	return int(math.Floor(x / b.width))
}

// floorInt returns int(math.Floor(q)) wherever that is an int32:
// truncation towards zero, less one where that moved q up. Elsewhere it
// returns a number outside int32 too (the conversion of a float out of
// int64's range gives MinInt64 or saturates).
func floorInt(q float64) int {
	i := int64(q)
	if float64(i) > q {
		i--
	}
	return int(i)
}

type acc struct {
	sum float64
	n   int
}

// delta compares the windows for channel c from the per-bin sums, bins
// in order: slots 2·b and 2·b + 1 hold bin b's reference and late sums,
// for the bins b that used marks.
func delta(slots [][5]acc, used []bool, c int, p DriftParams) Delta {
	out := Delta{Delta: math.NaN(), RefMean: math.NaN(), LateMean: math.NaN()}
	var refSum, lateSum, diff float64
	seen := false
	for b, ok := range used {
		if !ok {
			continue
		}
		r, l := slots[2*b][c], slots[2*b+1][c]
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
