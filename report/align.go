package report

import (
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Alignment lines the symptom log up with the runs: for each entry, the
// runs of the SymptomWindow hours before it against the runner's own
// baseline; across the history, whether symptom days follow spike runs
// (lags of 0 to 3 days), whether weekly load tracks symptom severity, and
// whether symptoms persist after a stretch of reduced load. These are
// descriptions of one runner's own data, not tests of cause: the rules
// (Assess) decide what is flagged.
type Alignment struct {
	// WindowH is how many hours before an entry its runs are taken from
	// (Options.SymptomWindow).
	WindowH float64
	Entries []EntryAlignment
	// Lags holds lags 0, 1, 2 and 3 days.
	Lags []Lag
	// LoadSeverity is Spearman's ρ between weekly distance and the week's
	// highest symptom severity.
	LoadSeverity Correlation
	// RestDoesNotFix reports that an entry with severity above 0 came
	// after RestDays of reduced load (Options.RestFraction), domain.md A5
	// sign 5.
	RestDoesNotFix bool
}

// EntryAlignment is one symptom entry and the runs before it.
type EntryAlignment struct {
	Symptom ingest.Symptom
	Runs    []AlignedRun // newest first
}

// AlignedRun is one run before a symptom entry, with the figures the
// rules look at, each beside the runner's own baseline where it has one.
type AlignedRun struct {
	ID, File    string
	Local       time.Time
	HoursBefore float64 // from the run's start to the entry
	Spike       gait.SpikeResult
	// Cadence at the run's median speed, and the runner's own at that
	// speed (median ± MAD of the BaselineDays before, Baseline).
	CadenceSPM, OwnCadenceSPM, OwnCadenceMADSPM float64
	// BalanceOffPct is |left balance − 50| in points, NaN when balance
	// is not measurable, with the runner's own median and MAD.
	BalanceOffPct, OwnBalanceOffPct, OwnBalanceMADPct float64
	DriftSI, DriftCadence                             gait.Delta
	WithinRunSpikes                                   int
	// ElevationLossM is the run's descent, the downhill exposure.
	ElevationLossM float64
}

// Lag counts symptom days that follow a spike run by exactly Days days.
// SymptomDays are the calendar days with an entry of severity above 0;
// AfterSpike of them had a spike run Days earlier. BaseShare is the share
// of all days of the history that had one: what AfterSpike/SymptomDays
// would be if symptoms fell on days at random.
type Lag struct {
	Days        int
	SymptomDays int
	AfterSpike  int
	BaseShare   float64
}

// Correlation is a rank correlation over weeks; Rho is NaN when it is not
// defined, and Why then says why.
type Correlation struct {
	Weeks int
	Rho   float64
	Why   string
}

// maxLag is the longest lag, in days, between a spike run and a symptom
// day that Align counts (issue brief: lags 0–3 days).
const maxLag = 3

// minCorrelationWeeks is the fewest weeks a rank correlation is given
// for: with fewer, ρ swings by chance alone.
const minCorrelationWeeks = 4

// align fills the assessment's alignment; run after the load series and
// baselines exist (form fills Baseline).
func (e *evaluator) align() Alignment {
	al := Alignment{WindowH: e.o.SymptomWindow}
	window := time.Duration(e.o.SymptomWindow * float64(time.Hour))
	syms := slices.Clone(e.h.Symptoms)
	slices.SortStableFunc(syms, func(a, b ingest.Symptom) int { return a.Time.Compare(b.Time) })
	for _, s := range syms {
		ea := EntryAlignment{Symptom: s}
		for i := len(e.h.Runs) - 1; i >= 0; i-- {
			r := e.h.Runs[i]
			d := s.Time.Sub(r.Local)
			if s.DateOnly {
				// A date-only entry covers its whole day.
				d += 24 * time.Hour
			}
			if d < 0 || d > window || !r.Metrics.Analyzed {
				continue
			}
			ea.Runs = append(ea.Runs, e.alignedRun(r, s.Time.Sub(r.Local)))
		}
		al.Entries = append(al.Entries, ea)
	}
	al.Lags = e.lags(syms)
	al.LoadSeverity = e.loadSeverity(syms)
	al.RestDoesNotFix = e.persistsAfterRest(syms)
	return al
}

func (e *evaluator) alignedRun(r Run, before time.Duration) AlignedRun {
	m := r.Metrics
	b := e.as.Baseline[r.ID]
	off := math.NaN()
	if m.Balance.Measurable {
		off = math.Abs(m.Balance.LeftPct.Mean - 50)
	}
	return AlignedRun{
		ID: r.ID, File: r.File, Local: r.Local, HoursBefore: before.Hours(),
		Spike:      e.as.Spikes[r.ID],
		CadenceSPM: m.Cadence.AtMedianSpeedSPM, OwnCadenceSPM: b.CadenceMedian, OwnCadenceMADSPM: b.CadenceMAD,
		BalanceOffPct: off, OwnBalanceOffPct: b.BalanceMedian, OwnBalanceMADPct: b.BalanceMAD,
		DriftSI: m.Drift.SymmetryIndex, DriftCadence: m.Drift.Cadence,
		WithinRunSpikes: m.Spikes.Count, ElevationLossM: m.Effort.ElevationLossM,
	}
}

// dayNumber is t's calendar date, on its own clock, as a day count.
func dayNumber(t time.Time) int {
	return int(civil(t).Unix() / 86400)
}

// lags counts symptom days after spike runs. A spike run is one above the
// rule overuse.session_spike's threshold (Frandsen's small band and up).
func (e *evaluator) lags(syms []ingest.Symptom) []Lag {
	thr := e.rules["overuse.session_spike"].Threshold
	spikeDays := map[int]bool{}
	first, last := math.MaxInt, math.MinInt
	for _, r := range e.h.Runs {
		d := dayNumber(r.Local)
		first, last = min(first, d), max(last, d)
		if s := e.as.Spikes[r.ID]; s.Ratio.OK && s.Ratio.V > thr {
			spikeDays[d] = true
		}
	}
	symDays := map[int]bool{}
	for _, s := range syms {
		if s.Severity > 0 {
			symDays[dayNumber(s.Time)] = true
		}
	}
	if n := dayNumber(e.h.Now); n > last {
		last = n
	}
	out := make([]Lag, 0, maxLag+1)
	for lag := 0; lag <= maxLag; lag++ {
		l := Lag{Days: lag, SymptomDays: len(symDays), BaseShare: math.NaN()}
		for d := range symDays {
			if spikeDays[d-lag] {
				l.AfterSpike++
			}
		}
		if first <= last {
			n, hit := 0, 0
			for d := first + lag; d <= last; d++ {
				n++
				if spikeDays[d-lag] {
					hit++
				}
			}
			if n > 0 {
				l.BaseShare = float64(hit) / float64(n)
			}
		}
		out = append(out, l)
	}
	return out
}

// loadSeverity is Spearman's ρ between weekly distance and the week's
// highest severity, over the weeks from the diary's first entry to its
// last (before and after, severity is unknown, not 0; a week inside with
// no entry counts as 0).
func (e *evaluator) loadSeverity(syms []ingest.Symptom) Correlation {
	if len(syms) == 0 {
		return Correlation{Rho: math.NaN(), Why: "no symptom entries"}
	}
	weeks := gait.Weekly(e.as.Load)
	lo, hi := syms[0].Time, syms[len(syms)-1].Time
	var load, sev []float64
	for _, w := range weeks {
		end := w.Monday.AddDate(0, 0, 7)
		if !end.After(civilIn(lo, w.Monday.Location())) || w.Monday.After(hi) || w.Days < 7 {
			continue
		}
		worst := 0.0
		for _, s := range syms {
			if t := civilIn(s.Time, w.Monday.Location()); !t.Before(w.Monday) && t.Before(end) {
				worst = max(worst, float64(s.Severity))
			}
		}
		load = append(load, w.DistanceM)
		sev = append(sev, worst)
	}
	c := Correlation{Weeks: len(load), Rho: math.NaN()}
	switch {
	case len(load) < minCorrelationWeeks:
		c.Why = "fewer than 4 whole weeks between the diary's first and last entry"
	case allEqual(load) || allEqual(sev):
		c.Why = "weekly distance or severity does not vary"
	default:
		c.Rho = spearman(load, sev)
	}
	return c
}

// civilIn is t's calendar date at midnight in loc.
func civilIn(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

func allEqual(x []float64) bool {
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}

// spearman is Spearman's rank correlation: Pearson's correlation
// (gonum's stat.Correlation) of the ranks, ties given their mean rank.
func spearman(x, y []float64) float64 {
	return stat.Correlation(ranks(x), ranks(y), nil)
}

// ranks returns the 1-based rank of each value, tied values sharing the
// mean of their ranks.
func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}
