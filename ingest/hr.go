package ingest

import (
	"errors"
	"math"

	"github.com/muktihari/fit/profile/untyped/fieldnum"
)

// Heart rate stored apart from records: Garmin's HRM-Tri, HRM-Swim and
// HRM-Pro keep beats while the watch cannot hear them (under water) and
// send them afterwards as hr messages, often in extra FIT sequences chained
// after the activity. They are merged into the records exactly as Garmin's
// FIT SDK does (utils-hr-mesg.js, mergeHeartRates and expandHeartRates, FIT
// SDK 21.217): each beat is placed on the time line from an anchor message,
// gaps of up to 5 s are bridged in 250 ms steps with the previous value,
// and each record takes the rounded mean of the beats since the record
// before it.

// hrBeat is one expanded heart-rate value at a FIT time in seconds.
type hrBeat struct {
	t   float64
	bpm float64
}

type hrState struct {
	beats       []hrBeat
	anchorT     float64
	anchorEvent float64
	haveAnchor  bool
	acc         accumulator // event_timestamp, in 1/1024 s
	err         error       // first problem; merging is then skipped, as the SDK does
}

const (
	hrGapStep  = 0.25 // s
	hrGapSteps = 20   // 5 s / 250 ms
)

func (d *fitDecoder) onHR(m msg) {
	h := &d.hr
	if h.err != nil {
		return
	}
	events, ok := hrEventTimestamps(m, &h.acc)
	if !ok {
		return
	}
	var bpms []float64
	if f, ok := m.def.field(fieldnum.HrFilteredBpm); ok {
		for _, c := range m.bytes(f) {
			v := float64(c)
			if c == 0xff {
				v = math.NaN()
			}
			bpms = append(bpms, v)
		}
	}
	if ts, ok := m.uint(fieldnum.HrTimestamp); ok && m.def.tsField >= 0 {
		h.anchorT = float64(ts)
		if v := m.float(fieldnum.HrFractionalTimestamp, 32768, 0); !math.IsNaN(v) {
			h.anchorT += v
		} else if v := m.float(fieldnum.HrTime256, 256, 0); !math.IsNaN(v) {
			h.anchorT += v
		}
		if len(events) != 1 {
			h.err = errors.New("anchor hr message must have one event_timestamp")
			return
		}
		h.anchorEvent, h.haveAnchor = events[0], true
	}
	switch {
	case !h.haveAnchor:
		h.err = errors.New("hr message before any anchor timestamp")
		return
	case len(events) != len(bpms):
		h.err = errors.New("hr message with mismatching event timestamps and beats")
		return
	}
	for i, ev := range events {
		if ev < h.anchorEvent {
			if h.anchorEvent-ev <= 0x400000 {
				h.err = errors.New("hr event_timestamp before its anchor")
				return
			}
			ev += 0x400000 // the 22-bit seconds counter rolled over
		}
		cur := hrBeat{t: h.anchorT + ev - h.anchorEvent, bpm: bpms[i]}
		if n := len(h.beats); n > 0 {
			prev := h.beats[n-1]
			gap := math.Abs(cur.t-prev.t) * 1000
			for step := 1; gap > hrGapStep*1000 && step <= hrGapSteps; step++ {
				h.beats = append(h.beats, hrBeat{t: prev.t + hrGapStep*float64(step), bpm: prev.bpm})
				gap -= hrGapStep * 1000
			}
		}
		h.beats = append(h.beats, cur)
	}
}

// hrEventTimestamps returns the message's event times in seconds, from
// event_timestamp (uint32 array, 1/1024 s) or from event_timestamp_12 (12-bit
// accumulating components packed LSB first).
func hrEventTimestamps(m msg, acc *accumulator) ([]float64, bool) {
	if f, ok := m.def.field(fieldnum.HrEventTimestamp); ok {
		b := m.bytes(f)
		var out []float64
		for i := 0; i+4 <= len(b); i += 4 {
			v, ok := readUint(b[i:i+4], btUint32, m.def.big)
			if !ok {
				continue
			}
			acc.seen, acc.last, acc.total = true, v, v
			out = append(out, float64(v)/1024)
		}
		return out, len(out) > 0
	}
	f, ok := m.def.field(fieldnum.HrEventTimestamp12)
	if !ok {
		return nil, false
	}
	b := m.bytes(f)
	n := min(len(b)*8/12, 10)
	out := make([]float64, 0, n)
	for k := range n {
		var v uint64
		for bit := range 12 {
			i := k*12 + bit
			v |= uint64(b[i/8]>>(i%8)&1) << bit
		}
		out = append(out, float64(acc.add(v, 12))/1024)
	}
	return out, n > 0
}

// mergeHR writes the expanded beats into the heart-rate column, walking
// the records in file order as the SDK does.
func (d *fitDecoder) mergeHR() {
	h := &d.hr
	if h.err != nil {
		d.warn(0, "heart rate from hr messages not merged: %v", h.err)
		return
	}
	beats := h.beats
	if len(beats) == 0 || len(d.ts) == 0 {
		return
	}
	hrCol := d.cols[colHeartRate]
	k := 0
	var start float64
	haveStart := false
	for i, ts := range d.ts {
		end := float64(ts)
		if !haveStart {
			start, haveStart = end, true
		}
		if start == end {
			start--
			k = max(k-1, 0)
		}
		sum, n := 0.0, 0
		for k < len(beats) {
			b := beats[k]
			if b.t > start && b.t <= end && !math.IsNaN(b.bpm) {
				sum += b.bpm
				n++
			} else if b.t > end {
				if n > 0 {
					hrCol[i] = math.Round(sum / float64(n))
				}
				start = end
				break
			}
			k++
		}
	}
}
