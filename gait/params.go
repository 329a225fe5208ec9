package gait

// Params are the thresholds and windows of the per-run analysis.
// DefaultParams returns the documented defaults, which configs/default.yaml
// repeats with their sources; a zero Params is not valid.
type Params struct {
	// StopSpeedMPS: a record slower than this is a stop. 0.5 m/s is
	// slower than any walk (33 min/km).
	StopSpeedMPS float64
	// WalkCadenceSPM: below this cadence a runner is walking (the issue's
	// default; running cadences start around 150 spm, domain.md C4/C5).
	WalkCadenceSPM float64
	// WarmupS: the first seconds of moving time left out of the run's own
	// baseline.
	WarmupS float64
	// MaxRecordGapS caps the time one record stands for, so a long pause
	// between records does not weigh on the statistics.
	MaxRecordGapS float64

	// CadenceBands are Garmin's population bands for running cadence, as
	// lower bounds in steps/min, highest first: purple >183, blue 174–183,
	// green 164–173, orange 153–163, red <153 (Garmin Forerunner 945
	// manual, "colour gauges"; domain.md C5). Descriptive percentiles, not
	// injury thresholds.
	CadenceBands []Band

	// BalanceGreenMaxPct and BalanceOrangeMaxPct are Garmin's ground
	// contact time balance zones, as the larger side's share: green up to
	// 50.7%, orange 50.8–52.2%, red above (Garmin Enduro 3 manual; domain.md A3).
	BalanceGreenMaxPct  float64
	BalanceOrangeMaxPct float64

	// Garmin's colour zones for ground contact time, vertical oscillation
	// and vertical ratio (Forerunner 945 manual; domain.md A3), as upper
	// edges, best zone first. VO and VR differ by sensor: HRM is a
	// running-dynamics chest strap, RDP the Running Dynamics Pod.
	GCTZones   []Band
	VOZonesHRM []Band
	VOZonesRDP []Band
	VRZonesHRM []Band
	VRZonesRDP []Band

	// SteadyWindowS is the length of the stretches in which the runner's
	// own step-to-step variability of balance is measured; a stretch is
	// steady when its speed varies by at most SteadySpeedTolPct and its
	// grade stays within ±SteadyGradeMaxPct (domain.md A3: asymmetry
	// matters only beyond the runner's own variability, Exell 2017).
	SteadyWindowS     float64
	SteadySpeedTolPct float64
	SteadyGradeMaxPct float64

	// GradeWindowS is the time window over which grade is computed from
	// altitude and distance when the device writes none.
	GradeWindowS float64

	Drift  DriftParams
	Spikes SpikeParams
	Effort EffortParams
}

// DriftParams set the fatigue-drift comparison (domain.md C6, C7).
type DriftParams struct {
	// LateFraction: the last share of moving time is the "tired" window.
	LateFraction float64
	// RefEndFraction: the reference window runs from the end of the
	// warm-up to this share of moving time.
	RefEndFraction float64
	// SpeedBinMPS and GradeBinPct are the widths of the speed and grade
	// bins inside which the two windows are compared, so that hills and
	// pace changes do not pass for fatigue (Zandbergen 2023, domain.md C7).
	SpeedBinMPS float64
	GradeBinPct float64
	// MinBinSamples: a bin counts only when both windows hold at least
	// this many valid samples in it; MinSamples: a drift is reported only
	// when both windows hold at least this many matched samples in all.
	MinBinSamples int
	MinSamples    int
}

// SpikeParams set the within-run spike detector (domain.md A1 L15, A3).
type SpikeParams struct {
	WindowS float64 // rolling window length
	// StepS: the rolling means are taken every StepS seconds of elapsed
	// time, not at every record (a design choice, resolution against
	// cost: see step). Spikes' starts and durations have this resolution;
	// the window is rounded to whole steps.
	StepS      float64
	K          float64 // robust SDs (1.4826·MAD) from the run's steady median
	MinS       float64 // a spike lasts at least this long
	DownhillPc float64 // grade at or below this (negative) marks eccentric load
	MaxSpikes  int     // at most this many are listed per run, the largest first
}

// EffortParams set the per-run load (domain.md A1 L11).
type EffortParams struct {
	// HRRestBPM, HRMaxBPM and Sex feed Banister's TRIMP:
	// min × ΔHR × a·e^(b·ΔHR), ΔHR = (HR − rest)/(max − rest), with
	// a = 0.64, b = 1.92 for men and a = 0.86, b = 1.67 for women (Morton
	// 1990 via intervals.icu). Sex "male" or "female".
	HRRestBPM float64
	HRMaxBPM  float64
	Sex       string
	// ElevationHysteresisM: altitude changes smaller than this do not
	// count towards gain or loss (barometric noise).
	ElevationHysteresisM float64
}

// Band is a named range. For cadence, Edge is the lower bound (bands
// highest first); for the other zones it is the exclusive upper bound
// (best zone first, the last one unbounded).
type Band struct {
	Name string
	Edge float64
}

// DefaultParams returns the documented defaults of configs/default.yaml.
func DefaultParams() Params {
	return Params{
		StopSpeedMPS:   0.5,
		WalkCadenceSPM: 140,
		WarmupS:        300,
		MaxRecordGapS:  10,
		CadenceBands: []Band{
			{"purple", 183.5}, // >183
			{"blue", 173.5},   // 174–183
			{"green", 163.5},  // 164–173
			{"orange", 152.5}, // 153–163
			{"red", 0},        // <153
		},
		BalanceGreenMaxPct:  50.75, // ≤50.7 green (values are written to 0.01%)
		BalanceOrangeMaxPct: 52.25, // 50.8–52.2 orange

		// Edges halfway between the manual's printed bounds, whose values
		// are whole ms and tenths of cm or %.
		GCTZones:   zones(218, 248.5, 277.5, 308.5), // <218, 218–248, 249–277, 278–308, >308 ms
		VOZonesHRM: zones(64, 81.5, 97.5, 115.5),    // <6.4, 6.4–8.1, 8.2–9.7, 9.8–11.5, >11.5 cm
		VOZonesRDP: zones(68, 89.5, 109.5, 130.5),   // <6.8, 6.8–8.9, 9.0–10.9, 11.0–13.0, >13.0 cm
		VRZonesHRM: zones(6.1, 7.45, 8.65, 10.15),   // <6.1, 6.1–7.4, 7.5–8.6, 8.7–10.1, >10.1 %
		VRZonesRDP: zones(6.5, 8.35, 10.05, 11.95),  // <6.5, 6.5–8.3, 8.4–10.0, 10.1–11.9, >11.9 %

		SteadyWindowS:     30,
		SteadySpeedTolPct: 5,
		SteadyGradeMaxPct: 2,
		GradeWindowS:      30,

		Drift: DriftParams{
			LateFraction:   0.2,
			RefEndFraction: 0.6,
			SpeedBinMPS:    0.25,
			GradeBinPct:    2,
			MinBinSamples:  10,
			MinSamples:     60,
		},
		Spikes: SpikeParams{WindowS: 30, StepS: 5, K: 3, MinS: 20, DownhillPc: -6, MaxSpikes: 20},
		Effort: EffortParams{HRRestBPM: 60, HRMaxBPM: 190, Sex: "male", ElevationHysteresisM: 3},
	}
}

// zones names four upper edges purple, blue, green, orange; red is above.
func zones(purple, blue, green, orange float64) []Band {
	return []Band{{"purple", purple}, {"blue", blue}, {"green", green}, {"orange", orange}, {"red", 0}}
}
