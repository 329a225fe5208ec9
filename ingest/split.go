package ingest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// outsideSlack is how far outside every session a record's timestamp may
// lie before it is dropped as bogus (Strava's phone app writes records
// decades in the future; testdata/fit/python-fitparse__strava-android-app-*).
const outsideSlack = 3600 // s

// onFoot reports whether cadence in a sport counts steps (strides × 2),
// not revolutions or strokes. Transitions are on foot: the athlete runs
// between swim, bike and run.
func onFoot(sport string) bool {
	switch sport {
	case "running", "walking", "hiking", "transition", "mountaineering":
		return true
	}
	return false
}

// finish splits the file's records into one Activity per session.
func (d *fitDecoder) finish() ([]*Activity, error) {
	if len(d.ts) == 0 {
		if d.fatal != nil {
			return nil, d.fatal
		}
		off, why := d.off, error(nil)
		if n := len(d.warnings); n > 0 {
			var de *DecodeError
			if errors.As(d.warnings[n-1], &de) {
				off, why = de.Offset, de.Err
			}
		}
		if why != nil {
			return nil, &DecodeError{Offset: off, Err: fmt.Errorf("%w before reading stopped: %v", ErrNoRecords, why)}
		}
		return nil, &DecodeError{Offset: off, Err: ErrNoRecords}
	}

	d.mergeHR()
	sessions := d.timedSessions()
	owner := d.assign(sessions)

	acts := make([]*Activity, len(sessions))
	idx := make([][]int, len(sessions))
	for i, o := range owner {
		if o >= 0 {
			idx[o] = append(idx[o], i)
		}
	}
	sensors := d.sensorsWithWrist()
	for k, s := range sessions {
		a := &Activity{
			Index:          k,
			Device:         d.device,
			Sensors:        slices.Clone(sensors),
			Sport:          s.sport,
			SubSport:       s.subSport,
			Totals:         s.totals,
			LocalOffset:    time.Duration(d.localOffset) * time.Second,
			HasLocalOffset: d.haveLocal,
		}
		if a.Device.SoftwareVersion == "" {
			a.Device.SoftwareVersion = d.creatorSW
		}
		a.Warnings = slices.Clone(d.warnings)
		keep := d.monotonic(a, idx[k])
		start := s.start
		if start == 0 && len(keep) > 0 {
			start = d.ts[keep[0]]
		}
		a.Start = fitTime(start)
		if start < fitMinAbsTime {
			a.ClockUnset = true
			a.Warnings = append(a.Warnings, &DecodeError{Offset: 0, Err: errors.New("device clock was not set: times count from power-on, not calendar dates")})
		}
		d.fillColumns(a, keep, start)
		acts[k] = a
	}
	d.attachLapsAndPauses(acts, sessions)
	return acts, nil
}

// timedSessions returns the sessions that carry times, sorted by start. A
// file with none gets one session spanning every record, its sport taken
// from the sport message or, failing that, from a lone untimed session.
func (d *fitDecoder) timedSessions() []sessionMsg {
	var out []sessionMsg
	for _, s := range d.sessions {
		if s.start != 0 || s.end != 0 {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start < out[j].start })
	if len(out) > 0 {
		return out
	}
	s := sessionMsg{sport: "unknown", totals: nanTotals()}
	if len(d.sessions) == 1 {
		s = d.sessions[0]
	}
	if d.sport != "" && s.sport == "unknown" {
		s.sport, s.subSport = d.sport, d.subSport
	}
	s.start = 0
	return []sessionMsg{s}
}

func nanTotals() Totals {
	n := math.NaN()
	return Totals{n, n, n, n, n, n, n, n, n, n, n}
}

// assign returns, for each record, the index of the session that owns it:
// the last session starting at or before the record (the first session
// also takes records logged just before it). Records more than
// outsideSlack outside every session get -1 and a warning.
func (d *fitDecoder) assign(sessions []sessionMsg) []int {
	owner := make([]int, len(d.ts))
	if len(sessions) == 1 && sessions[0].start == 0 && sessions[0].end == 0 {
		return owner // untimed: every record belongs to the one activity
	}
	lo := int64(sessions[0].start) - outsideSlack
	hi := int64(sessions[0].end)
	for _, s := range sessions {
		hi = max(hi, int64(s.end))
	}
	hi += outsideSlack
	dropped, firstOff := 0, int64(-1)
	for i, t := range d.ts {
		if int64(t) < lo || int64(t) > hi {
			owner[i] = -1
			if dropped == 0 {
				firstOff = d.tsOff[i]
			}
			dropped++
			continue
		}
		j := sort.Search(len(sessions), func(j int) bool { return sessions[j].start > t }) - 1
		owner[i] = max(j, 0)
	}
	if dropped > 0 {
		d.warn(firstOff, "dropped %d records whose timestamps lie over an hour outside every session", dropped)
	}
	return owner
}

// monotonic drops records whose timestamp goes back in time within an
// activity, so that Elapsed never decreases, and says so in a warning.
func (d *fitDecoder) monotonic(a *Activity, idx []int) []int {
	keep := idx[:0:0]
	dropped, firstOff := 0, int64(0)
	for _, i := range idx {
		if len(keep) > 0 && d.ts[i] < d.ts[keep[len(keep)-1]] {
			if dropped == 0 {
				firstOff = d.tsOff[i]
			}
			dropped++
			continue
		}
		keep = append(keep, i)
	}
	if dropped > 0 {
		a.Warnings = append(a.Warnings, &DecodeError{Offset: firstOff, Err: fmt.Errorf("dropped %d records whose timestamp goes back in time", dropped)})
	}
	return keep
}

// fillColumns sets the activity's columns from the file's records keep.
// When keep is one contiguous run (the usual case) the columns share the
// decoder's arrays instead of copying them.
func (d *fitDecoder) fillColumns(a *Activity, keep []int, start uint32) {
	n := len(keep)
	contiguous := n > 0 && keep[n-1]-keep[0] == n-1
	take := func(src []float64) []float64 {
		if contiguous {
			return src[keep[0] : keep[0]+n : keep[0]+n]
		}
		out := make([]float64, n)
		for k, i := range keep {
			out[k] = src[i]
		}
		return out
	}
	a.Elapsed = make([]float64, n)
	for k, i := range keep {
		a.Elapsed[k] = float64(int64(d.ts[i]) - int64(start))
	}
	a.DistanceM = take(d.cols[colDistance])
	a.SpeedMPS = take(d.cols[colSpeed])
	a.AltitudeM = take(d.cols[colAltitude])
	a.GradePct = take(d.cols[colGrade])
	a.HeartRateBPM = take(d.cols[colHeartRate])
	a.GCTMS = take(d.cols[colGCT])
	a.GCTBalanceLeftPct = take(d.cols[colGCTBalance])
	a.StanceTimePct = take(d.cols[colStancePct])
	a.VerticalOscillationMM = take(d.cols[colVertOsc])
	a.VerticalRatioPct = take(d.cols[colVertRatio])
	a.StepLengthMM = take(d.cols[colStepLength])
	a.PowerW = take(d.cols[colPower])
	a.TemperatureC = take(d.cols[colTemperature])

	cad := make([]float64, n)
	nan := make([]float64, n)
	for k, i := range keep {
		cad[k] = d.cols[colCadence][i]
		nan[k] = math.NaN()
	}
	if onFoot(a.Sport) {
		for k := range cad {
			cad[k] *= 2
		}
		a.CadenceSPM, a.CadenceRPM = cad, nan
	} else {
		a.CadenceSPM, a.CadenceRPM = nan, cad
	}

	for _, c := range d.dev {
		vals := make([]float64, n)
		any := false
		for k, i := range keep {
			if i < len(c.vals) {
				vals[k] = c.vals[i]
			} else {
				vals[k] = math.NaN()
			}
			any = any || !math.IsNaN(vals[k])
		}
		if any {
			a.Dev = append(a.Dev, DevColumn{Name: c.name, Units: c.units, AppID: c.app, Values: vals})
		}
	}
}

// attachLapsAndPauses gives each activity the laps and timer pauses that
// start inside it.
func (d *fitDecoder) attachLapsAndPauses(acts []*Activity, sessions []sessionMsg) {
	owner := func(t time.Time) int {
		ft := uint32(t.Unix() - fitEpoch)
		j := sort.Search(len(sessions), func(j int) bool { return sessions[j].start > ft }) - 1
		return max(j, 0)
	}
	for _, l := range d.laps {
		a := acts[owner(l.Start)]
		a.Laps = append(a.Laps, l)
	}
	ev := slices.Clone(d.timer)
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].ts < ev[j].ts })
	for i := 0; i < len(ev); i++ {
		if !ev[i].stop {
			continue
		}
		p := Pause{Start: fitTime(ev[i].ts)}
		for j := i + 1; j < len(ev); j++ {
			if !ev[j].stop {
				p.End = fitTime(ev[j].ts)
				i = j
				break
			}
		}
		if p.End.IsZero() {
			break // the timer stopped for good: the end of the activity, not a pause
		}
		a := acts[owner(p.Start)]
		a.Pauses = append(a.Pauses, p)
	}
}
