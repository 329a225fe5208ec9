package gait

// Training load across runs (domain.md A1, rules L1–L12).
//
// Everything here works on a daily series: one number per calendar day,
// the sum of that day's runs and zero on rest days. A run's day is the
// wall-clock date of its Start in Start's own location, so a change to or
// from daylight saving time neither adds nor loses a day.
//
// Numbers that can be undefined are a [Value]: V is NaN and Why says why
// (too little history, nothing to divide by, no earlier run). Numbers that
// are always defined (sums of the day's runs) are plain float64.

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// ACWRCaveat is the text to show beside any acute:chronic workload ratio
// (domain.md L2, L8). The ratios are context, never a verdict.
const ACWRCaveat = "ACWR is context, never a verdict: dividing acute load by a fixed " +
	"or even random chronic load reproduces the same \"ACWR effect\" " +
	"(Impellizzeri et al., Sports Med 2020), and in 5,205 runners weekly " +
	"ACWR spikes went with fewer injuries, not more (Frandsen et al., BJSM 2025). " +
	"The single-run distance spike is the load flag to act on."

// Run is one run as the load functions see it.
type Run struct {
	// Start is when the run started. The wall-clock date of Start in its
	// own location decides the day the run counts for, so give Start the
	// location the runner was in; for a FIT file that is
	// a.Start.In(time.FixedZone("", int(a.LocalOffset/time.Second))).
	Start time.Time
	// DistanceM is the distance in metres, MovingS the moving time in
	// seconds and TRIMP the Banister training impulse (domain.md L11).
	// Each is NaN when unknown; a negative or infinite value is treated
	// as unknown too.
	DistanceM, MovingS, TRIMP float64
}

// LoadMetric chooses which field of [Run] is the daily load.
type LoadMetric int

const (
	MetricDistance   LoadMetric = iota // Run.DistanceM, metres
	MetricMovingTime                   // Run.MovingS, seconds
	MetricTRIMP                        // Run.TRIMP
)

// String returns "distance", "moving_time" or "trimp".
func (m LoadMetric) String() string {
	switch m {
	case MetricDistance:
		return "distance"
	case MetricMovingTime:
		return "moving_time"
	case MetricTRIMP:
		return "trimp"
	}
	return "LoadMetric(" + strconv.Itoa(int(m)) + ")"
}

// Unit returns the unit of the metric's load: "m", "s" or "TRIMP", and
// "" for an unknown metric.
func (m LoadMetric) Unit() string {
	switch m {
	case MetricDistance:
		return "m"
	case MetricMovingTime:
		return "s"
	case MetricTRIMP:
		return "TRIMP"
	}
	return ""
}

// check panics when m is not one of the metrics above.
func (m LoadMetric) check() {
	if m < MetricDistance || m > MetricTRIMP {
		panic("gait: unknown LoadMetric")
	}
}

// MarshalText encodes the metric as its String.
func (m LoadMetric) MarshalText() ([]byte, error) {
	if m.Unit() == "" {
		return nil, fmt.Errorf("gait: unknown LoadMetric %d", int(m))
	}
	return []byte(m.String()), nil
}

// of returns the metric's field of r.
func (m LoadMetric) of(r Run) float64 {
	switch m {
	case MetricDistance:
		return r.DistanceM
	case MetricMovingTime:
		return r.MovingS
	case MetricTRIMP:
		return r.TRIMP
	}
	panic("gait: unknown LoadMetric")
}

// known reports whether a run's field holds a usable load: NaN, negative
// and infinite values do not.
func known(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }

// Value is a number that may be undefined. When OK is true, V is the
// number and Why is empty. When OK is false, V is NaN (so arithmetic on it
// stays NaN) and Why says in a few words why there is no number, for the
// report to show; the zero Value is undefined with no reason given.
//
// In JSON a defined Value is {"v":1.4375} and an undefined one
// {"why":"no run in the previous 30 days"}, because JSON has no NaN.
type Value struct {
	V   float64
	OK  bool
	Why string
}

func defined(v float64) Value    { return Value{V: v, OK: true} }
func undefined(why string) Value { return Value{V: math.NaN(), Why: why} }

// String returns the number in the shortest form that reads back exactly,
// or "undefined: " and the reason.
func (v Value) String() string {
	if !v.OK {
		return "undefined: " + v.Why
	}
	return strconv.FormatFloat(v.V, 'g', -1, 64)
}

type valueJSON struct {
	V   *float64 `json:"v,omitempty"`
	Why string   `json:"why,omitempty"`
}

// MarshalJSON encodes v as {"v":number} or {"why":reason}.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.OK {
		return json.Marshal(valueJSON{V: &v.V})
	}
	return json.Marshal(valueJSON{Why: v.Why})
}

// UnmarshalJSON decodes what MarshalJSON writes.
func (v *Value) UnmarshalJSON(b []byte) error {
	var j valueJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.V != nil {
		*v = defined(*j.V)
	} else {
		*v = undefined(j.Why)
	}
	return nil
}

// LoadParams are the windows and thresholds of the load analysis, each
// with its source in domain.md A1. DefaultLoadParams returns the documented
// defaults; the zero LoadParams is not valid, and the functions that take
// LoadParams panic on invalid ones (a caller bug).
type LoadParams struct {
	// SpikeWindowDays: a run's distance is compared with the longest run
	// in the SpikeWindowDays calendar days before it, 30 (Frandsen et al.,
	// BJSM 2025, L1).
	SpikeWindowDays int
	// SpikeSmallAbove, SpikeModerateAbove and SpikeLargeAbove are the
	// upper edges of Frandsen's bands: a ratio up to 1.10 is the
	// reference, (1.10, 1.30] "small", (1.30, 2.00] "moderate", above 2.00
	// "large" (L1). Must increase.
	SpikeSmallAbove, SpikeModerateAbove, SpikeLargeAbove float64

	// TwoWeekFlagPct flags the distance of the last 14 days when it is
	// more than this percentage above the 14 days before, 30 (Nielsen et
	// al., JOSPT 2014, L3; a weak, secondary flag).
	TwoWeekFlagPct float64

	// AcuteDays and ChronicDays are the acute and chronic windows, 7 and
	// 28. The EWMA ratio uses λ = 2/(N+1) with N = AcuteDays and
	// N = ChronicDays (Williams et al., BJSM 2017, L7); the uncoupled
	// rolling ratio divides the mean of days t−6…t by the mean of days
	// t−27…t−7 (Windt & Gabbett, BJSM 2019, L6). ChronicDays must exceed
	// AcuteDays.
	AcuteDays, ChronicDays int

	// MonotonyDays is Foster's week, 7; monotony is flagged above
	// MonotonyFlag, 2.0, and capped at MonotonyCap, 10, because mean/SD
	// grows without bound as the SD goes to 0 (Foster, MSSE 1998; flag and
	// cap from Runalyze and fellrnr.com, L10).
	MonotonyDays int
	MonotonyFlag float64
	MonotonyCap  float64

	// CTLDays and ATLDays are the time constants τ of fitness and fatigue,
	// 42 and 7 days; each day decays by e^(−1/τ) (Banister 1975 via
	// TrainingPeaks and intervals.icu, L12).
	CTLDays, ATLDays float64

	// MinHistoryDays: the multi-week numbers (both ACWRs, the two-week
	// change, CTL, ATL and TSB) stay undefined until this many days have
	// passed since the first run in the series, 28 (L7: "needs ≥28 days
	// warm-up"). Each number also needs its own windows to be full, so a
	// smaller value never shortens the 28 days the two-week change needs.
	MinHistoryDays int
}

// DefaultLoadParams returns the defaults documented at each field of
// [LoadParams].
func DefaultLoadParams() LoadParams {
	return LoadParams{
		SpikeWindowDays:    30,
		SpikeSmallAbove:    1.10,
		SpikeModerateAbove: 1.30,
		SpikeLargeAbove:    2.00,
		TwoWeekFlagPct:     30,
		AcuteDays:          7,
		ChronicDays:        28,
		MonotonyDays:       7,
		MonotonyFlag:       2.0,
		MonotonyCap:        10,
		CTLDays:            42,
		ATLDays:            7,
		MinHistoryDays:     28,
	}
}

// check panics when p cannot be used.
func (p LoadParams) check() {
	switch {
	case p.SpikeWindowDays < 1:
		panic("gait: LoadParams.SpikeWindowDays < 1")
	case !(0 < p.SpikeSmallAbove && p.SpikeSmallAbove < p.SpikeModerateAbove && p.SpikeModerateAbove < p.SpikeLargeAbove):
		panic("gait: LoadParams spike bands must be positive and increase")
	case math.IsNaN(p.TwoWeekFlagPct):
		panic("gait: LoadParams.TwoWeekFlagPct is NaN")
	case p.AcuteDays < 1 || p.ChronicDays <= p.AcuteDays:
		panic("gait: LoadParams needs 1 ≤ AcuteDays < ChronicDays")
	case p.MonotonyDays < 2:
		panic("gait: LoadParams.MonotonyDays < 2")
	case !(p.MonotonyCap > 0) || math.IsNaN(p.MonotonyFlag):
		panic("gait: LoadParams monotony cap must be positive and flag a number")
	case !(p.CTLDays > 0) || !(p.ATLDays > 0):
		panic("gait: LoadParams time constants must be positive")
	case p.MinHistoryDays < 0:
		panic("gait: LoadParams.MinHistoryDays < 0")
	}
}

// SpikeBand names a band of the single-run distance spike (Frandsen et
// al., BJSM 2025; domain.md L1). The hazard rate ratios (HRR) are for
// overuse injury against the reference band, with the default edges; the
// paper found no clean dose-response (small > moderate).
type SpikeBand string

const (
	// SpikeUndefined: the ratio is undefined; SpikeResult.Ratio.Why says why.
	SpikeUndefined SpikeBand = ""
	// SpikeReference: at most 1.10 × the longest recent run.
	SpikeReference SpikeBand = "reference"
	// SpikeSmall: (1.10, 1.30], HRR 1.64 (95% CI 1.31–2.05).
	SpikeSmall SpikeBand = "small"
	// SpikeModerate: (1.30, 2.00], HRR 1.52 (95% CI 1.16–2.00).
	SpikeModerate SpikeBand = "moderate"
	// SpikeLarge: above 2.00, HRR 2.28 (95% CI 1.50–3.48).
	SpikeLarge SpikeBand = "large"
)

// band returns the band of a spike ratio. The edges belong to the band
// below them, as in Frandsen's ">1.10–1.30": exactly 1.10 is the
// reference and exactly 2.00 is moderate.
func (p LoadParams) band(ratio float64) SpikeBand {
	switch {
	case ratio <= p.SpikeSmallAbove:
		return SpikeReference
	case ratio <= p.SpikeModerateAbove:
		return SpikeSmall
	case ratio <= p.SpikeLargeAbove:
		return SpikeModerate
	}
	return SpikeLarge
}

// SpikeResult is the single-session distance spike of one run, the
// primary load flag (domain.md L1).
type SpikeResult struct {
	Start     time.Time
	DistanceM Value // the run's distance; undefined when unknown
	// LongestM is the longest distance among the runs that started in
	// [Start − SpikeWindowDays calendar days, Start).
	LongestM Value
	Ratio    Value     // DistanceM / LongestM
	Band     SpikeBand // SpikeUndefined when Ratio is undefined
}

// Spikes returns the distance spike of every run: its distance divided by
// the longest run that started in the p.SpikeWindowDays calendar days
// before it. The window is [Start − 30 days, Start), counted in calendar
// days of Start's location so daylight saving time does not move its
// edge: a run exactly 30 days earlier at the same wall-clock time counts,
// one a second earlier does not, and neither does a run starting at the
// same instant. Runs with an unknown distance are left out of the
// longest. With no run of positive distance in the window the ratio is
// undefined, and so is the band.
//
// The result has one entry per run, in the order of runs, which need not
// be sorted.
func DistanceSpikes(runs []Run, p LoadParams) []SpikeResult {
	p.check()
	order := make([]int, len(runs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return runs[i].Start.Compare(runs[j].Start) })
	starts := make([]time.Time, len(order))
	for k, i := range order {
		starts[k] = runs[i].Start
	}

	out := make([]SpikeResult, len(runs))
	for _, i := range order {
		r := runs[i]
		s := SpikeResult{Start: r.Start}
		if known(r.DistanceM) {
			s.DistanceM = defined(r.DistanceM)
		} else {
			s.DistanceM = undefined("distance unknown")
		}
		lower := r.Start.AddDate(0, 0, -p.SpikeWindowDays)
		lo := sort.Search(len(starts), func(k int) bool { return !starts[k].Before(lower) })
		hi := sort.Search(len(starts), func(k int) bool { return !starts[k].Before(r.Start) })
		longest := 0.0
		for _, j := range order[lo:hi] {
			if d := runs[j].DistanceM; known(d) && d > longest {
				longest = d
			}
		}
		switch {
		case longest == 0:
			s.LongestM = undefined(fmt.Sprintf("no run with a known distance in the previous %d days", p.SpikeWindowDays))
			s.Ratio = s.LongestM
		case !s.DistanceM.OK:
			s.LongestM = defined(longest)
			s.Ratio = s.DistanceM
		default:
			s.LongestM = defined(longest)
			s.Ratio = defined(r.DistanceM / longest)
			s.Band = p.band(s.Ratio.V)
		}
		out[i] = s
	}
	return out
}

const secondsPerDay = 24 * 60 * 60

// dayNumber numbers the wall-clock date of t in t's location: days since
// 1970-01-01. It goes through the date in UTC, which has no daylight
// saving time, so consecutive dates differ by exactly 1.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// span returns the day number of from and the number of days from from to
// to, both included. It panics when to is on an earlier date than from.
func span(from, to time.Time) (day0, n int) {
	day0 = dayNumber(from)
	n = dayNumber(to) - day0 + 1
	if n < 1 {
		panic("gait: to is before from")
	}
	return day0, n
}

// Daily returns the daily load: one value per calendar day from the date
// of from to the date of to, both included (the clock times of from and
// to do not matter, only their dates in their own locations). Each value
// is the sum of metric m over the runs on that day, zero on a rest day.
// A run with an unknown value adds nothing; runs on other days are
// ignored. Daily panics when to is before from or m is unknown.
func Daily(runs []Run, m LoadMetric, from, to time.Time) []float64 {
	m.check()
	day0, n := span(from, to)
	out := make([]float64, n)
	for _, r := range runs {
		i := dayNumber(r.Start) - day0
		if i < 0 || i >= n {
			continue
		}
		if v := m.of(r); known(v) {
			out[i] += v
		}
	}
	return out
}

// EWMA returns the exponentially weighted moving average of x with window
// n days: e[0] = x[0], e[t] = λ·x[t] + (1−λ)·e[t−1], λ = 2/(n+1) (Williams
// et al., BJSM 2017, L7). Seeding with the first day's load, as the
// hareshsuppiah.github.io EWMA tool does, means a constant series has a
// constant average. n must be positive.
func EWMA(x []float64, n float64) []float64 {
	if !(n > 0) {
		panic("gait: EWMA window must be positive")
	}
	lambda := 2 / (n + 1)
	e := make([]float64, len(x))
	for t, v := range x {
		if t == 0 {
			e[t] = v
			continue
		}
		// e + λ(v−e) is λv + (1−λ)e, and stays exact on a constant series.
		e[t] = e[t-1] + lambda*(v-e[t-1])
	}
	return e
}

// Monotony is Foster's training monotony of the daily loads x (normally
// the last 7 days): mean(x) / SD(x), at most maxMonotony (domain.md L10).
// SD is the population standard deviation: the week is the whole of what
// is described, not a sample of it (the sample SD, dividing by n−1 = 6,
// would give a monotony √(6/7) ≈ 0.93 times this one). When SD is 0 and
// the mean is not, monotony is maxMonotony. When x is empty or every load
// is 0 it is NaN.
func Monotony(x []float64, maxMonotony float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	mean, sd := stat.PopMeanStdDev(x, nil)
	if mean == 0 {
		return math.NaN()
	}
	if sd == 0 {
		return maxMonotony
	}
	return math.Min(mean/sd, maxMonotony)
}

// LoadDay is one calendar day of a [LoadSeries]. The sums are always
// defined; every other number is a [Value], undefined until enough history
// exists (see LoadParams.MinHistoryDays) or when it would divide by zero.
type LoadDay struct {
	// Date is midnight at the start of the day in the location of the
	// series' from; only its calendar date matters.
	Date time.Time
	// Runs is the number of runs on the day. DistanceM, MovingS and Load
	// sum their distance, moving time and the series' metric; a run with
	// an unknown value adds 0, and Missing counts those runs for Load.
	Runs      int
	DistanceM float64
	MovingS   float64
	Load      float64
	Missing   int

	// ACWREWMA is acute/chronic EWMA load, N = 7 and 28 (L7); ACWRRolling
	// is the uncoupled rolling ratio, mean of days t−6…t over mean of days
	// t−27…t−7 (L6). Context only: show ACWRCaveat with them.
	ACWREWMA, ACWRRolling Value

	// TwoWeekChangePct is 100·(last 14 days − previous 14 days) / previous
	// 14 days, in distance whatever the metric, as Nielsen 2014 measured
	// (L3). TwoWeekFlag is set when it exceeds LoadParams.TwoWeekFlagPct.
	TwoWeekChangePct Value
	TwoWeekFlag      bool

	// Monotony is Foster's monotony of the last 7 days' Load (see
	// [Monotony]); MonotonyFlag is set above LoadParams.MonotonyFlag.
	// Strain is the last 7 days' Load times Monotony (L10).
	Monotony     Value
	MonotonyFlag bool
	Strain       Value

	// CTL (fitness) and ATL (fatigue) are exponentially decaying averages
	// of Load with τ = 42 and 7 days, starting from 0 the day before the
	// first run: X[t] = X[t−1] + (Load[t] − X[t−1])·(1 − e^(−1/τ)). TSB
	// (form) is yesterday's CTL − ATL, so today's run does not count yet
	// (L12). After 28 days of a steady load CTL has reached only
	// 1 − e^(−28/42) ≈ 49% of it; read it as a trend.
	CTL, ATL, TSB Value
}

// LoadSeries is the result of [Load].
type LoadSeries struct {
	Metric LoadMetric
	Days   []LoadDay // one per calendar day, from to to
	// Spikes holds the distance spike of each run on a day of the series,
	// in order of Start (see [DistanceSpikes]).
	Spikes []SpikeResult
	// Warnings list what made the numbers less certain (runs whose metric
	// is unknown and counted as 0).
	Warnings []error
}

// Load computes the daily load of runs from the date of from to the date
// of to, both included, and every number of [LoadDay] for each day, and
// the distance spike of each run on those days.
//
// History starts on the first day of the series with a run: the days
// before it are not known to be rest days, so nothing is computed for them
// ("no run yet"). Runs before from are not in the daily series but are
// used as the earlier runs of the spike. To let the multi-week numbers warm
// up, start from at least LoadParams.MinHistoryDays before the first day
// you want to show.
//
// Load panics when to is before from, m is unknown or p is invalid.
func Load(runs []Run, m LoadMetric, from, to time.Time, p LoadParams) LoadSeries {
	p.check()
	m.check()
	day0, n := span(from, to)

	s := LoadSeries{Metric: m, Days: make([]LoadDay, n)}
	load := make([]float64, n)
	dist := make([]float64, n)
	unknown := map[string]int{}
	inRange := 0
	fy, fm, fd := from.Date()
	for i := range s.Days {
		s.Days[i].Date = time.Date(fy, fm, fd+i, 0, 0, 0, 0, from.Location())
	}
	for _, r := range runs {
		i := dayNumber(r.Start) - day0
		if i < 0 || i >= n {
			continue
		}
		inRange++
		d := &s.Days[i]
		d.Runs++
		if known(r.DistanceM) {
			d.DistanceM += r.DistanceM
		} else {
			unknown["distance"]++
		}
		if known(r.MovingS) {
			d.MovingS += r.MovingS
		} else {
			unknown["moving time"]++
		}
		if v := m.of(r); known(v) {
			d.Load += v
		} else {
			d.Missing++
		}
		if m == MetricTRIMP && !known(r.TRIMP) {
			unknown["TRIMP"]++
		}
	}
	for _, field := range []string{"distance", "moving time", "TRIMP"} {
		if k := unknown[field]; k > 0 {
			s.Warnings = append(s.Warnings, fmt.Errorf("gait: %d of %d runs have no %s; counted as 0", k, inRange, field))
		}
	}
	first := n
	for i := range s.Days {
		load[i] = s.Days[i].Load
		dist[i] = s.Days[i].DistanceM
		if s.Days[i].Runs > 0 && first == n {
			first = i
		}
	}

	if first < n {
		fillLoad(s.Days[first:], load[first:], dist[first:], p)
	}
	for i := range first {
		d := &s.Days[i]
		u := undefined("no run yet")
		d.ACWREWMA, d.ACWRRolling, d.TwoWeekChangePct = u, u, u
		d.Monotony, d.Strain, d.CTL, d.ATL, d.TSB = u, u, u, u, u
	}

	all := DistanceSpikes(runs, p)
	for i, r := range runs {
		if j := dayNumber(r.Start) - day0; j >= 0 && j < n {
			s.Spikes = append(s.Spikes, all[i])
		}
	}
	slices.SortStableFunc(s.Spikes, func(a, b SpikeResult) int { return a.Start.Compare(b.Start) })
	return s
}

// twoWeekDays is the length of each half of Nielsen's comparison (L3).
const twoWeekDays = 14

// fillLoad computes the derived numbers of days, which begin on the first
// day with a run; load and dist are their daily load and distance.
func fillLoad(days []LoadDay, load, dist []float64, p LoadParams) {
	acute := EWMA(load, float64(p.AcuteDays))
	chronic := EWMA(load, float64(p.ChronicDays))
	kCTL := 1 - math.Exp(-1/p.CTLDays)
	kATL := 1 - math.Exp(-1/p.ATLDays)
	var ctl, atl float64 // yesterday's; 0 before the first run

	// enough returns an undefined Value when day t lacks the history a
	// number with windows of need days requires.
	enough := func(t, need int) (Value, bool) {
		need = max(need, p.MinHistoryDays)
		if t+1 < need {
			return undefined(fmt.Sprintf("%d of %d days of history", t+1, need)), false
		}
		return Value{}, true
	}

	a, c := p.AcuteDays, p.ChronicDays
	w := p.MonotonyDays
	for t := range days {
		d := &days[t]

		if v, ok := enough(t, c); !ok {
			d.ACWREWMA = v
		} else if floats.Sum(load[t-c+1:t+1]) == 0 {
			d.ACWREWMA = undefined(fmt.Sprintf("no load in the last %d days", c))
		} else {
			d.ACWREWMA = defined(acute[t] / chronic[t])
		}

		if v, ok := enough(t, c); !ok {
			d.ACWRRolling = v
		} else if chr := floats.Sum(load[t-c+1:t-a+1]) / float64(c-a); chr == 0 {
			d.ACWRRolling = undefined(fmt.Sprintf("no load in days %d–%d before today", a, c-1))
		} else {
			d.ACWRRolling = defined(floats.Sum(load[t-a+1:t+1]) / float64(a) / chr)
		}

		if v, ok := enough(t, 2*twoWeekDays); !ok {
			d.TwoWeekChangePct = v
		} else if prev := floats.Sum(dist[t-2*twoWeekDays+1 : t-twoWeekDays+1]); prev == 0 {
			d.TwoWeekChangePct = undefined("no distance in the two weeks before the last two")
		} else {
			last := floats.Sum(dist[t-twoWeekDays+1 : t+1])
			// 100·(last−prev) before dividing keeps round percentages exact.
			d.TwoWeekChangePct = defined(100 * (last - prev) / prev)
			d.TwoWeekFlag = d.TwoWeekChangePct.V > p.TwoWeekFlagPct
		}

		// Monotony is a one-week number: MinHistoryDays does not apply.
		if t+1 < w {
			d.Monotony = undefined(fmt.Sprintf("%d of %d days of history", t+1, w))
			d.Strain = d.Monotony
		} else if week := load[t-w+1 : t+1]; floats.Sum(week) == 0 {
			d.Monotony = undefined(fmt.Sprintf("no load in the last %d days", w))
			d.Strain = d.Monotony
		} else {
			d.Monotony = defined(Monotony(week, p.MonotonyCap))
			d.MonotonyFlag = d.Monotony.V > p.MonotonyFlag
			d.Strain = defined(floats.Sum(week) * d.Monotony.V)
		}

		tsb := ctl - atl
		ctl += (load[t] - ctl) * kCTL
		atl += (load[t] - atl) * kATL
		if v, ok := enough(t, 1); !ok {
			d.CTL, d.ATL, d.TSB = v, v, v
		} else {
			d.CTL, d.ATL, d.TSB = defined(ctl), defined(atl), defined(tsb)
		}
	}
}

// Week summarizes one ISO 8601 week (Monday to Sunday) of a [LoadSeries].
type Week struct {
	Year, Week int       // ISO 8601 week-numbering year and week
	Monday     time.Time // the week's first day, in the series' location
	// Days is how many days of the week are in the series: 7, except
	// perhaps for the first and last week.
	Days      int
	Runs      int
	DistanceM float64
	MovingS   float64
	Load      float64 // in the series' metric
	// MaxSpike is the largest distance spike among the week's runs, and
	// MaxSpikeBand its band; undefined when no run of the week has one.
	MaxSpike     Value
	MaxSpikeBand SpikeBand
	// Monotony is the series' monotony on the week's last day in the
	// series (Sunday for a full week).
	Monotony Value
}

// Weekly sums a load series by ISO week, Monday first. Spikes are given
// to the week of their run's wall-clock date.
func Weekly(s LoadSeries) []Week {
	if len(s.Days) == 0 {
		return nil
	}
	day0 := dayNumber(s.Days[0].Date)
	// offset of the first day from its Monday; 1970-01-01 (day 0) was a
	// Thursday, so Monday-based weekday = (day + 3) mod 7.
	off := ((day0+3)%7 + 7) % 7
	weeks := make([]Week, (off+len(s.Days)+6)/7)
	for i, d := range s.Days {
		w := &weeks[(off+i)/7]
		if w.Days == 0 {
			w.Monday = d.Date.AddDate(0, 0, -((off + i) % 7))
			w.Year, w.Week = d.Date.ISOWeek()
			w.MaxSpike = undefined("no run this week")
		}
		w.Days++
		w.Runs += d.Runs
		w.DistanceM += d.DistanceM
		w.MovingS += d.MovingS
		w.Load += d.Load
		w.Monotony = d.Monotony
		if d.Runs > 0 && !w.MaxSpike.OK {
			w.MaxSpike = undefined("no run this week has a spike ratio")
		}
	}
	for _, sp := range s.Spikes {
		i := dayNumber(sp.Start) - day0
		if i < 0 || i >= len(s.Days) || !sp.Ratio.OK {
			continue
		}
		w := &weeks[(off+i)/7]
		if !w.MaxSpike.OK || sp.Ratio.V > w.MaxSpike.V {
			w.MaxSpike, w.MaxSpikeBand = sp.Ratio, sp.Band
		}
	}
	return weeks
}
