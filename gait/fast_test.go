package gait

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// The fast paths of Analyze must give the same results, to the bit, as
// the straightforward computations they replace: gonum's statistics, a
// per-value zone rule, a map of bins, a direct rolling mean. These tests
// compare them on random data shaped like FIT columns: quantized values
// with many ties, NaN gaps, unselected records, and both whole-second and
// fractional weights.

// fitLike returns n values around mid, quantized to step as FIT's fixed
// point fields are, about 1 in 20 of them NaN.
func fitLike(rng *rand.Rand, n int, mid, sd, step float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Round((mid+sd*rng.NormFloat64())/step) * step
		if rng.IntN(20) == 0 {
			x[i] = math.NaN()
		}
	}
	return x
}

// randomSel marks most records, leaving out runs of them as stops do.
func randomSel(rng *rand.Rand, n int) []bool {
	sel := make([]bool, n)
	on := true
	for i := range sel {
		if rng.IntN(50) == 0 {
			on = !on
		}
		sel[i] = on || rng.IntN(3) == 0
	}
	return sel
}

// randomWeights returns whole seconds, mostly 1, or (whole false) seconds
// with fractions.
func randomWeights(rng *rand.Rand, n int, whole bool) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = float64(1 + rng.IntN(3)*rng.IntN(2))
		if !whole {
			w[i] += rng.Float64()
		}
	}
	return w
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestSummarizeMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 100 {
		n := []int{0, 1, 2, 50, 64, 65, 3000}[trial%7]
		x := fitLike(rng, n, 250, 8, 0.1)
		sel := randomSel(rng, n)
		w := randomWeights(rng, n, trial%2 == 0)
		var s scratch
		s.wholeWeights = wholeNumbers(w)
		got, _, _ := s.summarize(x, sel, w, nil)

		var v, vw []float64
		for i, ok := range sel {
			if ok && !math.IsNaN(x[i]) {
				v, vw = append(v, x[i]), append(vw, w[i])
			}
		}
		if got.N != len(v) {
			t.Fatalf("trial %d: N %d, want %d", trial, got.N, len(v))
		}
		if len(v) == 0 {
			continue
		}
		mean, variance := stat.MeanVariance(v, vw)
		sd := 0.0
		if len(v) > 1 {
			sd = math.Sqrt(variance)
		}
		sortPaired(v, vw)
		want := []float64{mean, sd, stat.Quantile(0.5, stat.Empirical, v, vw),
			stat.Quantile(0.05, stat.Empirical, v, vw), stat.Quantile(0.95, stat.Empirical, v, vw)}
		for k, g := range []float64{got.Mean, got.SD, got.Median, got.P05, got.P95} {
			if !sameFloat(g, want[k]) {
				t.Fatalf("trial %d n %d: statistic %d is %v, gonum %v", trial, n, k, g, want[k])
			}
		}
	}
}

// The histogram's bucket chains must hold exactly the values kept in
// each bucket, in record order once read out (the order the quantiles'
// sort was given when the positions were gathered by a pass over all
// records): the chains replace that pass.
func TestHistogramChainsHoldEachBucket(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := range 20 {
		n := []int{65, 500, 5000, 20000}[trial%4]
		x := fitLike(rng, n, 140, 10, []float64{1, 0.01}[trial%2]) // whole bpm: thousands per bucket
		sel := randomSel(rng, n)
		w := randomWeights(rng, n, trial%3 != 0)
		var s scratch
		s.wholeWeights = wholeNumbers(w)
		p := s.reduce(x, sel, w)
		h := s.histogramFor(p.extent, p.n)
		s.spreadIn(x, sel, w, p.sumV/p.sumW, h)
		want := make([][]paired1, nb)
		for i, ok := range sel {
			if ok && !math.IsNaN(x[i]) {
				b := h.bucket(x[i])
				want[b] = append(want[b], paired1{x[i], w[i]})
			}
		}
		for b := range nb {
			got := h.pairs(nil, x, w, s.next, b)
			if !slices.Equal(got, want[b]) {
				t.Fatalf("trial %d bucket %d: %v, want %v", trial, b, got, want[b])
			}
			one, ok := h.oneValue(x, s.next, b)
			allOne := len(want[b]) > 0 && !slices.ContainsFunc(want[b], func(e paired1) bool { return e.v != want[b][0].v })
			if ok != allOne || ok && one != want[b][0].v {
				t.Fatalf("trial %d bucket %d: oneValue %v %v, want %v", trial, b, one, ok, allOne)
			}
		}
	}
}

// With whole-second weights the zone shares come from the histogram; they
// must equal the shares added value by value, whatever the edges: on
// values, outside the data, NaN, out of order.
func TestZoneSharesFromHistogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	p := DefaultParams()
	odd := DefaultParams()
	odd.BalanceGreenMaxPct, odd.BalanceOrangeMaxPct = 0.001, 0.003 // 100 − edge rounds: not exact as a test
	rules := map[string]*zoneRule{
		"gct":        upperZones(p.GCTZones),
		"unordered":  upperZones([]Band{{"a", 252}, {"b", 240}, {"c", math.NaN()}, {"d", 250}, {"e", 0}}),
		"outside":    upperZones([]Band{{"a", -5}, {"b", 1e9}, {"c", 0}}),
		"cadence":    cadenceZones([]Band{{"a", 252.5}, {"b", 250}, {"c", 247.3}}),
		"balance":    balanceZones(p),
		"balanceodd": balanceZones(odd),
	}
	for name, rule := range rules {
		for trial := range 20 {
			n := []int{10, 65, 500, 5000}[trial%4]
			mid, sd, step := 250.0, 8.0, 0.1
			if name[:3] == "bal" {
				mid, sd, step = 50.3, 0.4, 0.01
			}
			x := fitLike(rng, n, mid, sd, step)
			sel := randomSel(rng, n)
			w := randomWeights(rng, n, true)
			var s scratch
			s.wholeWeights = true
			_, got, total := s.summarize(x, sel, w, rule)

			want := make([]float64, rule.n)
			wantTotal := 0.0
			for i, ok := range sel {
				if ok && !math.IsNaN(x[i]) {
					if z := rule.of(x[i]); z >= 0 {
						want[z] += w[i]
					}
					wantTotal += w[i]
				}
			}
			if got == nil && wantTotal == 0 {
				continue
			}
			if !slices.Equal(got, want) || total != wantTotal {
				t.Fatalf("%s trial %d n %d: shares %v total %v, want %v %v", name, trial, n, got, total, want, wantTotal)
			}
		}
	}
	if !balanceZones(p).exact || balanceZones(odd).exact {
		t.Error("balance zones: the default edges are exact as tests, 0.001/0.003 are not")
	}
}

func TestCadenceFitMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 50 {
		n := []int{0, 1, 2, 3, 100, 4000}[trial%6]
		speed := fitLike(rng, n, 3, 0.3, 0.001)
		cad := fitLike(rng, n, 170, 3, 1.0/64)
		sel := randomSel(rng, n)
		w := randomWeights(rng, n, trial%2 == 0)
		var s scratch
		got := s.cadenceOnSpeed(speed, cad, sel, w)

		var sp, cd, ww []float64
		for i, ok := range sel {
			if ok && !math.IsNaN(speed[i]) && !math.IsNaN(cad[i]) {
				sp, cd, ww = append(sp, speed[i]), append(cd, cad[i]), append(ww, w[i])
			}
		}
		ok := len(sp) >= 2 && stat.Variance(sp, ww) > 0
		if got.ok != ok {
			t.Fatalf("trial %d: fit %v, gonum %v", trial, got.ok, ok)
		}
		if !ok {
			continue
		}
		alpha, beta := stat.LinearRegression(sp, cd, ww, false)
		sorted := slices.Clone(sp)
		slices.Sort(sorted)
		med := stat.Quantile(0.5, stat.Empirical, sorted, nil)
		if got.intercept != alpha || got.slope != beta || got.medianSpeed != med {
			t.Fatalf("trial %d: %v %v %v, gonum %v %v %v", trial, got.intercept, got.slope, got.medianSpeed, alpha, beta, med)
		}
	}
}

// directStepMeans is stepMeans written out: for each step (block of
// stepS seconds holding records), the mean of the selected values whose
// block lies in the window of m blocks centred on it, found by scanning
// every record.
func directStepMeans(t, x []float64, sel []bool, stepS float64, m, minN int) []float64 {
	block := func(i int) int { return int(math.Floor((t[i] - t[0]) / stepS)) }
	var out []float64
	for c := range t {
		if c > 0 && block(c) == block(c-1) {
			continue // not the first record of its block
		}
		first := block(c) - m/2
		sum, cnt, own := 0.0, 0, 0
		for i := range t {
			if b := block(i); b >= first && b < first+m && sel[i] && !math.IsNaN(x[i]) {
				sum += x[i]
				cnt++
				if b == block(c) {
					own++
				}
			}
		}
		v := math.NaN()
		if own > 0 && cnt >= minN {
			v = sum / float64(cnt)
		}
		out = append(out, v)
	}
	return out
}

// symmetryIndex returns Robinson's symmetry index, 4·b − 200, of each
// balance b (see [Balance]).
func symmetryIndex(left []float64) []float64 {
	si := make([]float64, len(left))
	for i, b := range left {
		si[i] = 4*b - 200
	}
	return si
}

func TestStepMeansMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for trial := range 40 {
		n := []int{0, 1, 5, 300, 3000}[trial%5]
		times := make([]float64, n)
		tt := 0.0
		for i := range times {
			times[i] = tt
			switch rng.IntN(30) {
			case 0:
				tt += float64(rng.IntN(40)) // a gap
			case 1:
				// the same second twice
			default:
				tt += 1 + float64(rng.IntN(2))*rng.Float64()
			}
		}
		sel := randomSel(rng, n)
		p := SpikeParams{WindowS: []float64{30, 7, 1, 30}[trial%4], StepS: []float64{5, 1, 1, 3}[trial%4]}
		m, minN := stepsPerWindow(p), int(max(2, p.WindowS/4))
		var s scratch
		st := s.stepsOf(times, p.StepS, 10, m)
		k := len(st)
		// Four columns summed in one pass, each as if alone; the first
		// is balance, summed as its symmetry index.
		left := fitLike(rng, n, 50.3, 0.4, 0.01)
		cols := [][]float64{left, fitLike(rng, n, 250, 8, 0.1), fitLike(rng, n, 0, 1, 1), fitLike(rng, n, -9, 1, 0.5)}
		if trial%2 == 1 { // no NaN at all, or only in the first column: the sums' fast path
			mid := []float64{50.3, 250, 0, -9}
			for c := trial % 4 / 2; c < len(cols); c++ {
				for i, v := range cols[c] {
					if math.IsNaN(v) {
						cols[c][i] = mid[c]
					}
				}
			}
		}
		xs := [4][]float64{symmetryIndex(left), cols[1], cols[2], cols[3]}
		sums := make([]stepSum, k)
		stepSums(sums, left, xs[1], xs[2], xs[3], sel, st)
		for c, x := range xs {
			want := directStepMeans(times, x, sel, p.StepS, m, minN)
			mean, vals := make([]float64, k), make([]float64, k)
			r := stepMeans(mean, vals, sums, c, st, minN)
			if len(mean) != len(want) {
				t.Fatalf("trial %d: %d steps, want %d", trial, len(mean), len(want))
			}
			var wantVals []float64
			for j := range want {
				// The sums are added in another order: equal within rounding.
				if math.IsNaN(want[j]) != math.IsNaN(mean[j]) || math.Abs(mean[j]-want[j]) > 1e-12*math.Abs(want[j]) {
					t.Fatalf("trial %d n %d %+v column %d: step %d mean %v, want %v", trial, n, p, c, j, mean[j], want[j])
				}
				if !math.IsNaN(want[j]) {
					wantVals = append(wantVals, mean[j])
				}
			}
			if !slices.Equal(r.vals, wantVals) || (len(wantVals) > 0 && r.extent != extentOf(wantVals, nil)) {
				t.Fatalf("trial %d column %d: %d means kept, want %d", trial, c, len(r.vals), len(wantVals))
			}
		}
	}
}

// stepsOf divides only near a step's end; its steps must be those of
// dividing every record's time, including times on and just beside the
// steps' ends and far from zero.
func TestStepsOfMatchesDivision(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for trial := range 61 {
		stepS := []float64{5, 3, 0.1, 1.0 / 3, 7.77, 1, 1e-3, 1e300}[trial%8]
		t0 := []float64{0, -17.5, 1e9, 3.25}[trial%4]
		n := 1 + rng.IntN(3000)
		times := make([]float64, n)
		if trial == 60 { // a last time near the first: more steps than the span holds
			stepS, times = 1, []float64{0, 10, 20, 30, 0.5}
			n = len(times)
		}
		tt := t0
		for i := range times {
			if trial == 60 {
				break
			}
			times[i] = tt
			switch rng.IntN(10) {
			case 0: // onto a step's end, or just beside it
				k := math.Ceil((tt-t0)/stepS) + 1
				tt = max(tt, t0+k*stepS)
				if rng.IntN(2) == 0 {
					tt = math.Nextafter(tt, math.Inf(rng.IntN(2)*2-1))
				}
				tt = max(tt, times[i])
			case 1: // the same time again
			case 2:
				tt += 40 * rng.Float64() // a gap
			case 3:
				if trial%5 == 0 { // times going back (not from ingest): more steps than the span holds
					tt -= 60 * rng.Float64() * stepS
				}
			default:
				tt += stepS * rng.Float64()
			}
		}
		var s scratch
		got := s.stepsOf(times, stepS, 10, 6)
		var want []step
		for i, ti := range times {
			id := int(math.Floor((ti - t0) / stepS))
			if len(want) == 0 || id != want[len(want)-1].id {
				want = append(want, step{id: id, start: int32(i)})
			}
			if i > 0 && ti-times[i-1] > 10 {
				want[len(want)-1].gap = true
			}
		}
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d steps, want %d", trial, len(got), len(want))
		}
		for j := range want {
			g := got[j]
			if g.id != want[j].id || g.start != want[j].start || g.gap != want[j].gap {
				t.Fatalf("trial %d step %d: %+v, want %+v", trial, j, g, want[j])
			}
		}
	}
}

// records derives the masks and totals in one pass; they must be those
// of timerAndMoving, AfterWarmup and totals.
func TestRecordsMatchesParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	for trial := range 30 {
		n := []int{0, 1, 50, 700, 3000}[trial%5]
		a := synth(n)
		tt := 0.0
		for i := range n {
			a.Elapsed[i] = tt
			tt += float64(rng.IntN(3)) + rng.Float64()*float64(trial%2)
		}
		a.SpeedMPS = fitLike(rng, n, 2, 1.5, 0.001)
		a.CadenceSPM = fitLike(rng, n, 150, 20, 1)
		a.DistanceM = fitLike(rng, n, 1000, 500, 0.01)
		for k := range rng.IntN(4) {
			from := a.Start.Add(time.Duration(float64(k)*tt/4*1e9) * time.Nanosecond)
			a.Pauses = append(a.Pauses, ingest.Pause{Start: from, End: from.Add(time.Duration(rng.IntN(200)) * time.Second)})
		}
		w := randomWeights(rng, n, trial%2 == 0)
		p := DefaultParams()
		p.WarmupS = []float64{300, 0, 20}[trial%3]
		r := records(a, w, p)
		timer, moving := timerAndMoving(a, p)
		base := AfterWarmup(moving, w, p)
		movingS, distM, timerS := totals(a, timer, moving, w)
		if !slices.Equal(r.timer, timer) || !slices.Equal(r.moving, moving) || !slices.Equal(r.base, base) {
			t.Fatalf("trial %d: masks differ", trial)
		}
		if r.movingS != movingS || r.distM != distM || r.timerS != timerS {
			t.Fatalf("trial %d: totals %v %v %v, want %v %v %v", trial, r.movingS, r.distM, r.timerS, movingS, distM, timerS)
		}
	}
}

// weights tests d < maxGap before calling the min builtin; the weights
// must be the builtin's for every interval, NaN, ±0 and equal ones too.
func TestWeightsMatchMin(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	for trial := range 40 {
		n := []int{2, 3, 100, 2000}[trial%4]
		e := make([]float64, n)
		tt := 0.0
		for i := range e {
			e[i] = tt
			tt += []float64{1, 0, 10, 12, 0.5}[rng.IntN(5)]
			if rng.IntN(100) == 0 {
				e[i] = math.NaN()
			}
		}
		maxGap := []float64{10, 0, math.Copysign(0, -1), math.NaN(), math.Inf(1), -1}[trial%6]
		var s scratch
		w, _ := s.weights(e, maxGap)
		for i := range n - 1 {
			if want := min(e[i+1]-e[i], maxGap); math.Float64bits(w[i]) != math.Float64bits(want) && !(math.IsNaN(w[i]) && math.IsNaN(want)) {
				t.Fatalf("trial %d (max gap %v) interval %d: %v, want %v", trial, maxGap, i, w[i], want)
			}
		}
	}
}

// steadyStretches finds each stretch's end with a loop of its own; the
// stretches must be those of testing record by record.
func TestSteadyStretchesMatchesDirect(t *testing.T) {
	direct := func(a *ingest.Activity, sel []bool, grade []float64, p Params) [][2]int {
		var out [][2]int
		n := len(sel)
		start := -1
		for i := 0; i <= n; i++ {
			if i == n || !sel[i] {
				start = -1
				continue
			}
			if start < 0 {
				start = i
			}
			if a.Elapsed[i]-a.Elapsed[start] < p.SteadyWindowS {
				continue
			}
			if steady(a.SpeedMPS[start:i+1], grade[start:i+1], p) {
				out = append(out, [2]int{start, i + 1})
			}
			start = -1
		}
		return out
	}
	rng := rand.New(rand.NewPCG(33, 34))
	for trial := range 60 {
		n := []int{0, 1, 40, 500, 3000}[trial%5]
		a := synth(n)
		tt := 0.0
		for i := range n {
			a.Elapsed[i] = tt
			tt += float64(rng.IntN(3))
			if rng.IntN(300) == 0 {
				a.Elapsed[i] = math.NaN()
			}
		}
		a.SpeedMPS = fitLike(rng, n, 3, 0.05, 0.001)
		grade := fitLike(rng, n, 0, 1, 0.1)
		sel := randomSel(rng, n)
		p := DefaultParams()
		p.SteadyWindowS = []float64{30, 0, -1, math.NaN(), 5, 1e9}[trial%6]
		got, want := SteadyStretches(a, sel, grade, p), direct(a, sel, grade, p)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d (window %v): %d stretches, want %d", trial, p.SteadyWindowS, len(got), len(want))
		}
	}
}

// directDrift is driftOf written out: one pass per channel, each
// record's value added to its bin and window's sums as it comes.
func directDrift(a *ingest.Activity, sel []bool, weights, grade []float64, total float64, p Params) [5]Delta {
	left, _, _ := BalanceSeries(a)
	steps, _ := stepLength(a)
	vr, _ := verticalRatio(a, steps)
	xs := [5][]float64{a.CadenceSPM, a.GCTMS, symmetryIndex(left), a.VerticalOscillationMM, vr}
	refStart, refEnd, lateStart := p.WarmupS, p.Drift.RefEndFraction*total, (1-p.Drift.LateFraction)*total
	bins, nbins := binIDsByMap(a.SpeedMPS, grade, p.Drift)
	used := make([]bool, nbins)
	for i := range used {
		used[i] = true
	}
	var out [5]Delta
	for c, x := range xs {
		slots := make([][5]acc, 2*nbins)
		t := 0.0
		for i, ok := range sel {
			if !ok {
				continue
			}
			slot := -1
			if t >= refStart && t < refEnd {
				slot = 2 * int(bins[i])
			} else if t >= lateStart {
				slot = 2*int(bins[i]) + 1
			}
			t += weights[i]
			if slot >= 0 && !math.IsNaN(x[i]) {
				slots[slot][c].sum += x[i]
				slots[slot][c].n++
			}
		}
		out[c] = delta(slots, used, c, p.Drift)
	}
	return out
}

// driftOf bins only the records it needs on a grid of bins, and keeps
// each bin's sums in locals while records stay in it; the deltas must be
// those of the direct sums over binIDsByMap's numbers, to the bit,
// whether or not bins without samples count, and on grids too wide for
// its table.
func TestDriftMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for trial := range 60 {
		p := DefaultParams()
		// Bins without samples count only below 1.
		p.Drift.MinBinSamples, p.Drift.MinSamples = []int{1, 0, 10, -1}[trial%4], 1
		p.WarmupS = 30 // windows even in the shortest runs
		n := []int{400, 1000, 5000}[trial%3]
		a := synth(n)
		a.SpeedMPS = fitLike(rng, n, 3, 0.3, 0.001)
		a.CadenceSPM = fitLike(rng, n, 170, 3, 1.0/64)
		a.GCTMS = fitLike(rng, n, 250, 8, 0.1)
		a.GCTBalanceLeftPct = fitLike(rng, n, 50.3, 0.4, 0.01)
		a.VerticalOscillationMM = fitLike(rng, n, 90, 3, 0.1)
		a.VerticalRatioPct = fitLike(rng, n, 8, 0.3, 0.01)
		a.StepLengthMM = fitLike(rng, n, 1100, 50, 0.1)
		grade := fitLike(rng, n, 0, 3, 0.1)
		switch trial % 5 {
		case 1: // a wide grid: more cells than a table of sums takes
			for range 5 {
				a.SpeedMPS[rng.IntN(n)] = 500 * rng.Float64()
			}
		case 2: // bins beyond int32: binIDs' map
			a.SpeedMPS[rng.IntN(n)] = 1e12
		case 3: // no speed at all, and outlying grades
			for i := range a.SpeedMPS {
				a.SpeedMPS[i] = math.NaN()
			}
			grade[rng.IntN(n)] = -300
		case 4: // the fastest and steepest first, slowing and flattening
			slices.SortFunc(a.SpeedMPS, func(x, y float64) int { return cmp.Compare(y, x) })
			slices.SortFunc(grade, func(x, y float64) int { return cmp.Compare(y, x) })
		}
		sel := randomSel(rng, n)
		w := randomWeights(rng, n, trial%2 == 0)
		total, _ := MovingTotals(a, sel, w)
		got := DriftOf(a, sel, w, grade, p)
		want := directDrift(a, sel, w, grade, total, p)
		for c, g := range [5]Delta{got.Cadence, got.GCT, got.SymmetryIndex, got.VerticalOscillation, got.VerticalRatio} {
			wc := want[c]
			if g.Measured != wc.Measured || !sameFloat(g.Delta, wc.Delta) || !sameFloat(g.RefMean, wc.RefMean) ||
				!sameFloat(g.LateMean, wc.LateMean) || g.RefN != wc.RefN || g.LateN != wc.LateN || g.Bins != wc.Bins {
				t.Fatalf("trial %d channel %d: %+v, direct %+v", trial, c, g, wc)
			}
		}
	}
}

func TestBinIDsTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	p := DefaultParams().Drift
	for trial := range 30 {
		n := 1 + rng.IntN(2000)
		speed := fitLike(rng, n, 3, 1, 0.001)
		grade := fitLike(rng, n, 0, 5, 0.01)
		if trial%3 == 0 {
			speed[rng.IntN(n)] = -7 // below zero: negative bins
		}
		var s scratch
		got, gotN := s.binIDs(speed, grade, p)
		want, wantN := binIDsByMap(speed, grade, p)
		if gotN != wantN || !slices.Equal(got, want) {
			t.Fatalf("trial %d: %d bins, map %d", trial, gotN, wantN)
		}
	}
	// Wild values leave the table for the map.
	var s scratch
	ids, n := s.binIDs([]float64{1e12, 1, math.NaN()}, []float64{0, math.Inf(1), 1}, p)
	if want, wantN := binIDsByMap([]float64{1e12, 1, math.NaN()}, []float64{0, math.Inf(1), 1}, p); n != wantN || !slices.Equal(ids, want) {
		t.Errorf("wild bins %v, map %v", ids, want)
	}
}

func TestTrimpMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	p := DefaultParams().Effort
	for trial := range 20 {
		n := 1 + rng.IntN(5000)
		hr := make([]float64, n)
		h := 140.0
		for i := range hr {
			if rng.IntN(5) == 0 {
				h = max(40, min(200, h+float64(rng.IntN(5)-2)))
			}
			hr[i] = h
			if rng.IntN(30) == 0 {
				hr[i] = math.NaN()
			}
		}
		// Rates that are not whole bpm in 0–255 send the sum to the map.
		switch trial % 5 {
		case 1:
			hr[rng.IntN(n)] = 140.5
		case 2:
			hr[rng.IntN(n)] = 256
		case 3:
			hr[rng.IntN(n)] = math.Copysign(0, -1)
		case 4:
			hr[rng.IntN(n)] = -1
		}
		sel := randomSel(rng, n)
		w := randomWeights(rng, n, trial%2 == 0)
		got, _, _ := trimp(hr, sel, w, p)
		want := trimpByMap(hr, sel, w, 0.64, 1.92, p)
		if !sameFloat(got, want) && !(math.IsNaN(got) && want == 0) {
			t.Fatalf("trial %d: TRIMP %v, by map %v", trial, got, want)
		}
	}
}

// elevation skips the altitudes within h of the reference before its
// tests; the sums must be those of the tests alone.
func TestElevationMatchesDirect(t *testing.T) {
	direct := func(alts []float64, h float64) (gain, loss float64) {
		ref := math.NaN()
		for _, alt := range alts {
			switch {
			case math.IsNaN(alt):
			case math.IsNaN(ref):
				ref = alt
			case alt-ref >= h:
				gain += alt - ref
				ref = alt
			case ref-alt >= h:
				loss += ref - alt
				ref = alt
			}
		}
		return gain, loss
	}
	rng := rand.New(rand.NewPCG(29, 30))
	for trial := range 40 {
		n := []int{0, 1, 100, 3000}[trial%4]
		a := synth(n)
		a.AltitudeM = fitLike(rng, n, 500, 20, 0.2)
		for i := 1; i < n; i++ { // a random walk, as altitude goes
			if !math.IsNaN(a.AltitudeM[i]) && !math.IsNaN(a.AltitudeM[i-1]) {
				a.AltitudeM[i] = a.AltitudeM[i-1] + math.Round(rng.NormFloat64()*5)/5
			}
		}
		h := []float64{3, 0, math.NaN(), -1, 0.2, math.Inf(1)}[trial%6]
		gain, loss, _ := elevation(a, h)
		wantGain, wantLoss := direct(a.AltitudeM, h)
		if n > 0 && !slices.ContainsFunc(a.AltitudeM, func(x float64) bool { return !math.IsNaN(x) }) {
			continue // no altitude: the session's totals
		}
		if n > 0 && (!sameFloat(gain, wantGain) || !sameFloat(loss, wantLoss)) {
			t.Fatalf("trial %d h %v: %v %v, want %v %v", trial, h, gain, loss, wantGain, wantLoss)
		}
	}
}

// A power-of-two bin width multiplies by its inverse, and the floor is
// taken without math.Floor; the bins must be those of the division
// wherever they are int32s (binIDs leaves the others to the map), and
// not int32s where the division's are not. inRange, for values whose
// bins are int32s, must give them too.
func TestBinnerMatchesDivision(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	isInt32 := func(b int) bool { return b == int(int32(b)) }
	check := func(b binner, width, x float64) {
		t.Helper()
		got, want := b.of(x), binOf(x, width)
		if isInt32(want) && got != want || !isInt32(want) && isInt32(got) {
			t.Fatalf("width %v x %v: bin %d, division %d", width, x, got, want)
		}
		if in := b.inRange(x); isInt32(want) && in != want {
			t.Fatalf("width %v x %v: bin in range %d, division %d", width, x, in, want)
		}
	}
	for _, width := range []float64{0.25, 2, 1, 0.1, 3, 1.0 / 1024, math.Ldexp(1, 1023), math.Ldexp(1, -1074), 0, -0.5} {
		b := binnerOf(width)
		for range 2000 {
			check(b, width, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(20)-10)))
		}
		// Around the ends of int32 and of the bins: whole numbers of
		// widths and their neighbours.
		for _, k := range []float64{0, 1, -1, 7, -7, 1 << 31, -(1 << 31), 1<<31 - 1, -(1 << 31) - 1, 1 << 40, -(1 << 40)} {
			x := k * width
			check(b, width, x)
			check(b, width, math.Nextafter(x, math.Inf(1)))
			check(b, width, math.Nextafter(x, math.Inf(-1)))
		}
		for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64} {
			check(b, width, x)
		}
	}
}
