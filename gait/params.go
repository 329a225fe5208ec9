package gait

// Params are the thresholds and windows of the analysis. DefaultParams
// holds the documented defaults; a zero Params is not valid.
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
}

// Band is a named range [MinSPM, next band's MinSPM).
type Band struct {
	Name   string
	MinSPM float64
}

// DefaultParams are the defaults documented in configs/default.yaml.
var DefaultParams = Params{
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
}
