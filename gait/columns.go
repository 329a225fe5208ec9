package gait

import "math"

// A columnar store keeps one row per run, not the Metrics struct. Columns
// and MetricsFromColumns are the bridge: the summary numbers a run's
// history, the post-run check and the coach's report need, flattened to
// snake_case names with the unit as suffix. Per-record detail (the list of
// within-run spikes, the reasons a value is missing) is not kept; analyze
// the stored samples again for it.

// column is one flattened number: get returns its value, set puts it back.
type column struct {
	name string
	get  func(*Metrics) float64
	set  func(*Metrics, float64)
}

func f64(name string, p func(*Metrics) *float64) column {
	return column{name, func(m *Metrics) float64 { return *p(m) }, func(m *Metrics, v float64) { *p(m) = v }}
}

func count(name string, p func(*Metrics) *int) column {
	return column{name, func(m *Metrics) float64 { return float64(*p(m)) },
		func(m *Metrics, v float64) {
			if !math.IsNaN(v) {
				*p(m) = int(v)
			}
		}}
}

func flag(name string, p func(*Metrics) *bool) column {
	return column{name, func(m *Metrics) float64 {
		if *p(m) {
			return 1
		}
		return 0
	}, func(m *Metrics, v float64) { *p(m) = v == 1 }}
}

func summaryColumns(prefix, unit string, p func(*Metrics) *Summary) []column {
	return []column{
		f64(prefix+"_mean_"+unit, func(m *Metrics) *float64 { return &p(m).Mean }),
		f64(prefix+"_median_"+unit, func(m *Metrics) *float64 { return &p(m).Median }),
		f64(prefix+"_sd_"+unit, func(m *Metrics) *float64 { return &p(m).SD }),
		f64(prefix+"_cv_pct", func(m *Metrics) *float64 { return &p(m).CVPct }),
		f64(prefix+"_p05_"+unit, func(m *Metrics) *float64 { return &p(m).P05 }),
		f64(prefix+"_p95_"+unit, func(m *Metrics) *float64 { return &p(m).P95 }),
		count(prefix+"_n", func(m *Metrics) *int { return &p(m).N }),
	}
}

// shareColumns stores the share of each named band, by name, so that
// reordering the bands in the configuration cannot mix them up.
func shareColumns(prefix string, names []string, p func(*Metrics) *[]BandShare) []column {
	cols := make([]column, len(names))
	for i, n := range names {
		cols[i] = column{prefix + "_" + n + "_pct",
			func(m *Metrics) float64 {
				for _, b := range *p(m) {
					if b.Name == n {
						return b.Pct
					}
				}
				return math.NaN()
			},
			func(m *Metrics, v float64) {
				if !math.IsNaN(v) {
					*p(m) = append(*p(m), BandShare{n, v})
				}
			}}
	}
	return cols
}

// channelColumns flattens a Channel; zones are the colour zones of GCT,
// VO and VR (Params), best first, or nil for none.
func channelColumns(prefix, unit string, zones []string, p func(*Metrics) *Channel) []column {
	cols := []column{flag(prefix+"_measured", func(m *Metrics) *bool { return &p(m).Measured })}
	cols = append(cols, summaryColumns(prefix, unit, func(m *Metrics) *Summary { return &p(m).Summary })...)
	cols = append(cols, flag(prefix+"_derived", func(m *Metrics) *bool { return &p(m).Derived }))
	if zones != nil {
		cols = append(cols, shareColumns(prefix+"_zone", zones, func(m *Metrics) *[]BandShare { return &p(m).Zones })...)
	}
	return cols
}

func deltaColumns(prefix, unit string, p func(*Metrics) *Delta) []column {
	return []column{
		flag(prefix+"_measured", func(m *Metrics) *bool { return &p(m).Measured }),
		f64(prefix+"_delta_"+unit, func(m *Metrics) *float64 { return &p(m).Delta }),
		count(prefix+"_ref_n", func(m *Metrics) *int { return &p(m).RefN }),
		count(prefix+"_late_n", func(m *Metrics) *int { return &p(m).LateN }),
	}
}

// columns lists every flattened number for the cadence bands of p.
func columns(p Params) []column {
	zones := []string{"purple", "blue", "green", "orange", "red"}
	var bands []string
	for _, b := range p.CadenceBands {
		bands = append(bands, b.Name)
	}
	cols := []column{
		flag("analyzed", func(m *Metrics) *bool { return &m.Analyzed }),
		f64("moving_time_s", func(m *Metrics) *float64 { return &m.MovingTimeS }),
		f64("moving_distance_m", func(m *Metrics) *float64 { return &m.DistanceM }),
		flag("grade_derived", func(m *Metrics) *bool { return &m.GradeDerived }),
	}
	cols = append(cols, summaryColumns("cadence", "spm", func(m *Metrics) *Summary { return &m.Cadence.Summary })...)
	cols = append(cols, shareColumns("cadence_band", bands, func(m *Metrics) *[]BandShare { return &m.Cadence.Bands })...)
	cols = append(cols,
		f64("cadence_intercept_spm", func(m *Metrics) *float64 { return &m.Cadence.InterceptSPM }),
		f64("cadence_slope_spm_per_mps", func(m *Metrics) *float64 { return &m.Cadence.SlopeSPMPerMPS }),
		f64("cadence_median_speed_mps", func(m *Metrics) *float64 { return &m.Cadence.MedianSpeedMPS }),
		f64("cadence_at_median_speed_spm", func(m *Metrics) *float64 { return &m.Cadence.AtMedianSpeedSPM }),
	)
	cols = append(cols, channelColumns("gct", "ms", zones, func(m *Metrics) *Channel { return &m.GCT })...)
	cols = append(cols, flag("balance_measurable", func(m *Metrics) *bool { return &m.Balance.Measurable }))
	cols = append(cols, summaryColumns("balance_left", "pct", func(m *Metrics) *Summary { return &m.Balance.LeftPct })...)
	cols = append(cols,
		f64("symmetry_index_pct", func(m *Metrics) *float64 { return &m.Balance.SymmetryIndexPct }),
		f64("balance_step_variability_pct", func(m *Metrics) *float64 { return &m.Balance.StepVariabilityPct }),
		count("balance_steady_stretches", func(m *Metrics) *int { return &m.Balance.SteadyStretches }),
		f64("balance_asymmetry_over_variability", func(m *Metrics) *float64 { return &m.Balance.AsymmetryOverVariability }),
	)
	cols = append(cols, shareColumns("balance_zone", []string{"red_left", "orange_left", "green", "orange_right", "red_right"}, func(m *Metrics) *[]BandShare { return &m.Balance.Zones })...)
	cols = append(cols, channelColumns("vo", "mm", zones, func(m *Metrics) *Channel { return &m.VO })...)
	cols = append(cols, channelColumns("vr", "pct", zones, func(m *Metrics) *Channel { return &m.VR })...)
	cols = append(cols, channelColumns("step_length", "mm", nil, func(m *Metrics) *Channel { return &m.StepLength })...)
	cols = append(cols,
		f64("drift_ref_start_s", func(m *Metrics) *float64 { return &m.Drift.RefStartS }),
		f64("drift_ref_end_s", func(m *Metrics) *float64 { return &m.Drift.RefEndS }),
		f64("drift_late_start_s", func(m *Metrics) *float64 { return &m.Drift.LateStartS }),
		f64("drift_late_end_s", func(m *Metrics) *float64 { return &m.Drift.LateEndS }),
	)
	cols = append(cols, deltaColumns("drift_cadence", "spm", func(m *Metrics) *Delta { return &m.Drift.Cadence })...)
	cols = append(cols, deltaColumns("drift_gct", "ms", func(m *Metrics) *Delta { return &m.Drift.GCT })...)
	cols = append(cols, deltaColumns("drift_si", "pct", func(m *Metrics) *Delta { return &m.Drift.SymmetryIndex })...)
	cols = append(cols, deltaColumns("drift_vo", "mm", func(m *Metrics) *Delta { return &m.Drift.VerticalOscillation })...)
	cols = append(cols, deltaColumns("drift_vr", "pct", func(m *Metrics) *Delta { return &m.Drift.VerticalRatio })...)
	cols = append(cols,
		count("spikes_count", func(m *Metrics) *int { return &m.Spikes.Count }),
		f64("timer_time_s", func(m *Metrics) *float64 { return &m.Effort.TimerS }),
		f64("elevation_gain_m", func(m *Metrics) *float64 { return &m.Effort.ElevationGainM }),
		f64("elevation_loss_m", func(m *Metrics) *float64 { return &m.Effort.ElevationLossM }),
		f64("trimp", func(m *Metrics) *float64 { return &m.Effort.TRIMP }),
	)
	cols = append(cols, summaryColumns("heart_rate", "bpm", func(m *Metrics) *Summary { return &m.Effort.HeartRate })...)
	cols = append(cols, summaryColumns("power", "w", func(m *Metrics) *Summary { return &m.Effort.Power })...)
	return cols
}

// ColumnNames returns the names Columns uses for the cadence bands of p,
// in a stable order: the metric columns of a store.
func ColumnNames(p Params) []string {
	cols := columns(p)
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

// Columns flattens m into the named numbers of ColumnNames(p): booleans
// as 1 or 0, counts as whole numbers, a missing value as NaN. Shares of
// bands m does not have are NaN. An activity that was not analyzed (not
// a run) has analyzed = 0 and every other column NaN: nothing was
// measured, and a 0 would read as a measured zero.
func (m Metrics) Columns(p Params) map[string]float64 {
	cols := columns(p)
	out := make(map[string]float64, len(cols))
	for _, c := range cols {
		if m.Analyzed || c.name == "analyzed" {
			out[c.name] = c.get(&m)
		} else {
			out[c.name] = math.NaN()
		}
	}
	return out
}

// MetricsFromColumns rebuilds the summary part of Metrics from Columns'
// numbers. A name missing from c reads as NaN (false for a boolean, 0
// for a count). Index, Sport, SubSport and Start are not columns: the
// caller sets them from its own record. Reasons are not kept; a value
// that was not measured says "not measured (from the store)".
func MetricsFromColumns(c map[string]float64, p Params) Metrics {
	var m Metrics
	for _, col := range columns(p) {
		v, ok := c[col.name]
		if !ok {
			v = math.NaN()
		}
		col.set(&m, v)
	}
	const stored = "not measured (from the store)"
	if !m.Analyzed {
		m.Reason = "not analyzed (from the store)"
	}
	if !m.Balance.Measurable {
		m.Balance.Reason = stored
	}
	for _, ch := range []*Channel{&m.GCT, &m.VO, &m.VR, &m.StepLength} {
		if !ch.Measured {
			ch.Reason = stored
		}
	}
	for _, d := range []*Delta{&m.Drift.Cadence, &m.Drift.GCT, &m.Drift.SymmetryIndex, &m.Drift.VerticalOscillation, &m.Drift.VerticalRatio} {
		if !d.Measured {
			d.Reason = stored
		}
	}
	m.Effort.DistanceM, m.Effort.MovingTimeS = m.DistanceM, m.MovingTimeS
	return m
}
