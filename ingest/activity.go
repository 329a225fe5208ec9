package ingest

import (
	"math"
	"time"
)

// Activity is one recorded session of a FIT file as equal-length columns,
// one row per FIT record message, in file order.
//
// Missing samples are NaN (the FIT "invalid" value, or a field the device did
// not write), never 0. Units are in the field names. Every column has the
// same length as Elapsed; see [Activity.Len].
//
// A triathlon file gives five Activities (swim, T1, bike, T2, run): each
// record belongs to the session whose time range holds its timestamp, so
// running dynamics recorded during a transition stay with the transition.
type Activity struct {
	// Index is the 0-based position of this session among the file's sessions.
	Index int

	Device  Device   // the recording device (file_id, file_creator, device_info index 0)
	Sensors []Sensor // every other device seen in device_info, once each

	Sport    string // FIT sport name, e.g. "running", "cycling", "transition"; "unknown" when the file says nothing
	SubSport string // FIT sub_sport name, e.g. "trail", "treadmill", "generic"; "" when absent

	// Start is the session's start time in UTC. When the device clock was
	// never set (FIT times before 1998 are relative, see [Activity.ClockUnset])
	// Start is still what the file says.
	Start time.Time
	// LocalOffset is local time minus UTC, from the activity message;
	// valid only when HasLocalOffset is true.
	LocalOffset    time.Duration
	HasLocalOffset bool
	// ClockUnset reports that the device clock had not been set: its
	// timestamps are seconds since power-on (FIT date_time < 0x10000000),
	// so Start is not a calendar date. Durations and distances are still valid.
	ClockUnset bool

	Totals Totals  // from the session message; NaN where the file has none
	Laps   []Lap   // laps whose start falls inside this session
	Pauses []Pause // timer stops inside this session

	// Per-record columns.
	Elapsed               []float64 // seconds since Start (may be negative for records logged just before start_time)
	DistanceM             []float64 // cumulative distance, m
	SpeedMPS              []float64 // enhanced_speed, else speed, m/s
	AltitudeM             []float64 // enhanced_altitude, else altitude, m
	GradePct              []float64 // record grade as written by the device, %
	HeartRateBPM          []float64
	CadenceSPM            []float64 // on-foot sports: 2 × (cadence + fractional_cadence), steps/min; NaN otherwise
	CadenceRPM            []float64 // other sports: cadence + fractional_cadence, rev/min (strokes/min when swimming); NaN on foot
	GCTMS                 []float64 // stance_time, ms
	GCTBalanceLeftPct     []float64 // stance_time_balance: left foot's share of ground contact, % (50 = even)
	StanceTimePct         []float64 // stance_time_percent: ground contact as % of the step
	VerticalOscillationMM []float64
	VerticalRatioPct      []float64
	StepLengthMM          []float64
	PowerW                []float64
	TemperatureC          []float64

	// Dev holds developer fields (Stryd, RunScribe, Connect IQ apps...) as
	// extra columns, in the order first seen. Native columns always win: a
	// developer field that duplicates a native one (Stryd "Ground Time")
	// stays here under its own name.
	Dev []DevColumn

	// Warnings lists what was decoded but degraded: a CRC mismatch, a file
	// cut short, records dropped. Each is a *DecodeError with the byte offset.
	Warnings []error
}

// Len returns the number of records.
func (a *Activity) Len() int { return len(a.Elapsed) }

// Timestamp returns the UTC time of record i.
func (a *Activity) Timestamp(i int) time.Time {
	return a.Start.Add(time.Duration(math.Round(a.Elapsed[i]*1e3)) * time.Millisecond)
}

// Column is a named per-record column of an Activity.
type Column struct {
	Name   string // snake_case with unit suffix, as in the CSV header
	Values []float64
}

// Columns returns the native columns in their documented order (the order of
// `gaitkeeper inspect --samples csv`). The slices are the Activity's own.
func (a *Activity) Columns() []Column {
	fields := a.columnFields()
	cols := make([]Column, len(fields))
	for i, f := range fields {
		cols[i] = Column{f.name, *f.values}
	}
	return cols
}

// SetColumn replaces the native column named name (a name Columns
// gives) with values, which must have one value per record, and reports
// whether name is such a column. It is how a column read back from
// elsewhere (the store's samples) becomes an Activity's field again.
func (a *Activity) SetColumn(name string, values []float64) bool {
	for _, f := range a.columnFields() {
		if f.name == name {
			*f.values = values
			return true
		}
	}
	return false
}

// columnFields is the one table of native column names and the fields
// that hold them, in the documented order.
func (a *Activity) columnFields() []struct {
	name   string
	values *[]float64
} {
	return []struct {
		name   string
		values *[]float64
	}{
		{"elapsed_s", &a.Elapsed},
		{"distance_m", &a.DistanceM},
		{"speed_mps", &a.SpeedMPS},
		{"altitude_m", &a.AltitudeM},
		{"grade_pct", &a.GradePct},
		{"heart_rate_bpm", &a.HeartRateBPM},
		{"cadence_spm", &a.CadenceSPM},
		{"cadence_rpm", &a.CadenceRPM},
		{"gct_ms", &a.GCTMS},
		{"gct_balance_left_pct", &a.GCTBalanceLeftPct},
		{"stance_time_pct", &a.StanceTimePct},
		{"vertical_oscillation_mm", &a.VerticalOscillationMM},
		{"vertical_ratio_pct", &a.VerticalRatioPct},
		{"step_length_mm", &a.StepLengthMM},
		{"power_w", &a.PowerW},
		{"temperature_c", &a.TemperatureC},
	}
}

// DevColumn is one developer field recorded per record.
type DevColumn struct {
	Name   string    // field_name from the field_description message
	Units  string    // units from the field_description message
	AppID  string    // developer_data_id application_id as 32 hex digits; "" when the file has none
	Values []float64 // scaled as the field_description says; NaN where absent
}

// Device describes the recording device.
type Device struct {
	Manufacturer    string // FIT manufacturer name, e.g. "garmin", "coros", "stryd"
	Product         string // product name, e.g. "fr965", "COROS APEX Pro"; numeric when unknown
	Serial          uint32 // 0 when absent
	SoftwareVersion string // e.g. "19.20"; "" when absent
}

// SensorKind classifies a sensor by what it can measure.
type SensorKind string

// Sensor kinds. The report uses them to say which running-dynamics zones
// apply (chest strap vs running dynamics pod, domain.md A3) and when
// ground-contact balance cannot be measured at all (wrist only).
const (
	SensorWrist      SensorKind = "wrist"       // the watch itself: cadence (and on some models GCT, VO) from the wrist
	SensorChestStrap SensorKind = "chest_strap" // heart-rate strap; RunningDynamics says whether it measures running dynamics
	SensorRDPod      SensorKind = "rd_pod"      // Garmin Running Dynamics Pod, clipped to the waistband
	SensorStryd      SensorKind = "stryd"       // Stryd foot pod (native or through a Connect IQ data field)
	SensorFootPod    SensorKind = "foot_pod"    // other stride/speed/distance foot pods
	SensorPowerMeter SensorKind = "power_meter" // bike power meters
	SensorOther      SensorKind = "other"
)

// Sensor is one device listed in device_info.
type Sensor struct {
	Kind            SensorKind
	Manufacturer    string
	Product         string
	Serial          uint32
	RunningDynamics bool // can measure ground contact time and balance (HRM-Run/Tri/Pro/600, RD pod)
}

// Totals are the session summary values written by the device.
type Totals struct {
	ElapsedS     float64 // total_elapsed_time, includes pauses
	TimerS       float64 // total_timer_time, excludes pauses
	DistanceM    float64
	AscentM      float64
	DescentM     float64
	Calories     float64 // kcal
	AvgHeartRate float64
	MaxHeartRate float64
	AvgSpeedMPS  float64
	AvgCadence   float64 // as the device wrote it: strides/min on foot (add fractional part), rpm otherwise
	AvgPowerW    float64
}

// Lap is one lap message.
type Lap struct {
	Start     time.Time
	ElapsedS  float64
	TimerS    float64
	DistanceM float64
}

// Pause is a timer stop: the timer stopped at Start and restarted at End.
// The final stop that ends a recording is not a pause.
type Pause struct {
	Start, End time.Time
}
