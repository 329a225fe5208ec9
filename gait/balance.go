package gait

import (
	"math"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Balance is ground-contact time balance: how the time on the ground is
// shared between the feet.
type Balance struct {
	// Measurable is false when the sensors cannot measure balance (a
	// wrist-only watch, domain.md A3); Reason then says why and every
	// number is NaN.
	Measurable bool
	Reason     string
	// Source names where the balance came from: "stance_time_balance"
	// (the FIT field, from a chest strap or pod), or the two developer
	// fields that give each foot's contact time (RunScribe, Stryd Duo).
	Source string

	LeftPct Summary // left foot's share of ground contact, %
	// SymmetryIndexPct is Robinson's symmetry index from the mean balance
	// b: SI = (L−R)/(½(L+R))·100 = 4b − 200 (domain.md A3). 0 is even;
	// positive means longer contact on the left. Garmin's green edge
	// (50.7%) is SI 2.8%, its red edge (52.2%) SI 8.8%.
	SymmetryIndexPct float64
	// Zones is the share of measured time in Garmin's balance zones:
	// red_left, orange_left, green, orange_right, red_right.
	Zones []BandShare

	// StepVariabilityPct is the runner's own step-to-step variability of
	// balance: the median, over steady stretches (Params.SteadyWindowS at
	// even speed on the flat), of the SD of balance within the stretch, in
	// balance points. SteadyStretches counts the stretches. Asymmetry
	// matters only beyond this (Exell 2017, Girard 2019, Malisoux 2024;
	// domain.md A3). NaN when no steady stretch exists.
	StepVariabilityPct float64
	SteadyStretches    int
	// AsymmetryOverVariability is |mean − 50| ÷ StepVariabilityPct: how
	// many of the runner's own step-to-step SDs the mean is off centre.
	AsymmetryOverVariability float64
}

// BalanceSeries returns the left foot's share of ground contact per record
// and where it came from. When the file has each foot's contact time as
// developer fields (RunScribe, Stryd Duo), those are used: they measure
// each foot directly, where a chest strap infers balance from the torso.
// Else the native stance_time_balance. ok is false when neither exists.
func BalanceSeries(a *ingest.Activity) (left []float64, source string, ok bool) {
	if l, r := devLeftRight(a); l != nil {
		left = make([]float64, a.Len())
		for i := range left {
			left[i] = 100 * l.Values[i] / (l.Values[i] + r.Values[i]) // NaN in, NaN out
			if l.Values[i] <= 0 || r.Values[i] <= 0 {
				left[i] = math.NaN()
			}
		}
		return left, "developer fields " + l.Name + " / " + r.Name, true
	}
	for _, v := range a.GCTBalanceLeftPct {
		if !math.IsNaN(v) {
			return a.GCTBalanceLeftPct, "stance_time_balance", true
		}
	}
	return a.GCTBalanceLeftPct, "", false
}

// devLeftRight finds a pair of developer columns holding each foot's
// ground contact time, matched by name (domain.md A3: match developer
// fields by name, never by number), e.g. "Left GCT" / "Right GCT" or
// "ground_time_l" / "ground_time_r".
func devLeftRight(a *ingest.Activity) (l, r *ingest.DevColumn) {
	for i := range a.Dev {
		right, ok := rightName(a.Dev[i].Name)
		if !ok {
			continue
		}
		for j := range a.Dev {
			if a.Dev[j].Name == right {
				return &a.Dev[i], &a.Dev[j]
			}
		}
	}
	return nil, nil
}

// rightName returns the right-foot name matching a left-foot contact-time
// field name ("Left GCT" → "Right GCT", "ground_time_l" → "ground_time_r").
func rightName(name string) (string, bool) {
	lower := strings.ToLower(name)
	contact := false
	for _, w := range []string{"contact", "gct", "ground time", "ground_time", "groundtime", "stance"} {
		contact = contact || strings.Contains(lower, w)
	}
	if !contact {
		return "", false
	}
	for _, sep := range []string{" ", "_", "-"} {
		for _, side := range []string{"left", "l"} {
			if strings.HasPrefix(lower, side+sep) {
				return mirror(name[:len(side)]) + name[len(side):], true
			}
			if strings.HasSuffix(lower, sep+side) {
				k := len(name) - len(side)
				return name[:k] + mirror(name[k:]), true
			}
		}
	}
	return "", false
}

// mirror turns "left" into "right" and "l" into "r", keeping the case.
func mirror(side string) string {
	switch side {
	case "left":
		return "right"
	case "Left":
		return "Right"
	case "LEFT":
		return "RIGHT"
	case "l":
		return "r"
	}
	return "R"
}

// BalanceOf summarizes ground-contact balance over the records sel marks.
// grade is the per-record grade (see [Grade]); it picks the steady
// stretches for the step-to-step variability.
func BalanceOf(a *ingest.Activity, sel []bool, weights, grade []float64, p Params) Balance {
	left, source, _ := BalanceSeries(a)
	var s scratch
	return s.balanceOf(a, left, source, sel, weights, grade, p)
}

// balanceOf is BalanceOf with the balance series already taken (see
// [BalanceSeries]).
func (s *scratch) balanceOf(a *ingest.Activity, left []float64, source string, sel []bool, weights, grade []float64, p Params) Balance {
	sum, share, total := s.summarize(left, sel, weights, balanceZones(p))
	nan := math.NaN()
	if sum.N == 0 {
		return Balance{Reason: balanceMissingReason(a), LeftPct: sum, SymmetryIndexPct: nan,
			StepVariabilityPct: nan, AsymmetryOverVariability: nan}
	}
	b := Balance{Measurable: true, Source: source, LeftPct: sum, SymmetryIndexPct: 4*sum.Mean - 200}
	names := [...]string{"red_left", "orange_left", "green", "orange_right", "red_right"}
	b.Zones = make([]BandShare, len(names))
	for i, n := range names {
		b.Zones[i] = BandShare{n, 100 * share[i] / total}
	}
	b.StepVariabilityPct, b.SteadyStretches = s.stepVariability(a, left, sel, grade, p)
	b.AsymmetryOverVariability = nan
	if b.StepVariabilityPct > 0 {
		b.AsymmetryOverVariability = math.Abs(sum.Mean-50) / b.StepVariabilityPct
	}
	return b
}

// stepVariability returns the median within-stretch SD of x over steady
// stretches, and how many there were.
func (s *scratch) stepVariability(a *ingest.Activity, x []float64, sel []bool, grade []float64, p Params) (float64, int) {
	s.stretches = steadyStretches(s.stretches[:0], a, sel, grade, p)
	sds := s.sds[:0]
	for _, st := range s.stretches {
		// A copy even when no value is NaN: stat.Variance's sum (SIMD
		// assembly on amd64) adds in an order that depends on the
		// slice's alignment, and a copy's start is always 16-byte
		// aligned, as it always was.
		v := s.small[:0]
		for _, xi := range x[st[0]:st[1]] {
			if !math.IsNaN(xi) {
				v = append(v, xi)
			}
		}
		s.small = v
		// Five values: smart recording writes a record every few
		// seconds, so a 30 s stretch may hold no more.
		if len(v) >= 5 {
			sds = append(sds, math.Sqrt(stat.Variance(v, nil)))
		}
	}
	s.sds = sds
	if len(sds) == 0 {
		return math.NaN(), 0
	}
	// The median as stat.Quantile(0.5, stat.Empirical) of the sorted SDs
	// gives it, without sorting them.
	return s.median(sds, extentOf(sds, nil)), len(sds)
}

// SteadyStretches cuts the selected records into consecutive,
// non-overlapping stretches of p.SteadyWindowS seconds and returns, as
// [start, end) index pairs, those run at an even pace on the flat: speed
// within ±p.SteadySpeedTolPct of the stretch's mean and |grade| at most
// p.SteadyGradeMaxPct (unknown grade counts as flat: a treadmill). A
// stretch ends at any unselected record.
func SteadyStretches(a *ingest.Activity, sel []bool, grade []float64, p Params) [][2]int {
	return steadyStretches(nil, a, sel, grade, p)
}

// steadyStretches is SteadyStretches appending to out.
func steadyStretches(out [][2]int, a *ingest.Activity, sel []bool, grade []float64, p Params) [][2]int {
	n := len(sel)
	t, speed, grade := a.Elapsed[:n], a.SpeedMPS[:n], grade[:n] // one length: no bounds checks below
	w := p.SteadyWindowS
	for i := 0; i < n; {
		if !sel[i] {
			i++
			continue
		}
		// A stretch from start runs to its first record w or more
		// seconds later; an unselected record before that ends it
		// unused.
		start, ts := i, t[i]
		for i < n && sel[i] && t[i]-ts < w {
			i++
		}
		if i == n || !sel[i] {
			continue
		}
		if steady(speed[start:i+1], grade[start:i+1], p) {
			out = append(out, [2]int{start, i + 1})
		}
		i++
	}
	return out
}

// steady reports whether a stretch with these speeds and grades is run at
// an even pace on the flat (see SteadyStretches).
func steady(speed, grade []float64, p Params) bool {
	sum, n := 0.0, 0
	maxGrade := p.SteadyGradeMaxPct
	grade = grade[:len(speed)]
	for i, v := range speed {
		if math.Abs(grade[i]) > maxGrade { // NaN passes
			return false
		}
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return true // treadmill without speed: cadence says running
	}
	tol := sum / float64(n) * p.SteadySpeedTolPct / 100
	m := sum / float64(n)
	// Is hi − m ≤ tol and m − lo ≤ tol, hi and lo the extreme speeds?
	// v − m and m − v round monotonically in v, so that is every speed
	// passing both tests; this second look at a stretch already in
	// cache costs less than following the extremes, whose updates a
	// branch predictor cannot guess on noisy speeds.
	for _, v := range speed {
		if !math.IsNaN(v) && !(v-m <= tol && m-v <= tol) {
			return false
		}
	}
	return true
}

// balanceZone returns the index into the zone names for left share x.
func balanceZone(x float64, p Params) int {
	right := 100 - x
	switch {
	case x > p.BalanceOrangeMaxPct:
		return 0
	case x > p.BalanceGreenMaxPct:
		return 1
	case right > p.BalanceOrangeMaxPct:
		return 4
	case right > p.BalanceGreenMaxPct:
		return 3
	}
	return 2
}

func balanceMissingReason(a *ingest.Activity) string {
	for _, s := range a.Sensors {
		if s.RunningDynamics {
			return "no ground-contact balance recorded while running, although a running-dynamics sensor was paired"
		}
	}
	return "not measurable with this sensor: ground-contact balance needs a running-dynamics chest strap or pod (wrist-only watches cannot measure it)"
}
