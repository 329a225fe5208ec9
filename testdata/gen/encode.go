package main

import (
	"io"
	"math"
	"time"

	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/profile/basetype"
	"github.com/muktihari/fit/profile/factory"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/profile/untyped/fieldnum"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
	"github.com/muktihari/fit/proto"
)

// The demo athlete's devices. Serial and ANT+ numbers are made up; product
// numbers are the FIT profile's (Garmin FIT SDK 21.217 profile.js:
// 4315 fr965, 3300 hrmPro).
const (
	watchSerial   = 3482190517
	watchSoftware = 2709 // 27.09, the FR965 firmware in testdata/fit/fit-parser__garmin-stamina.fit
	strapSerial   = 3390418266
	strapSoftware = 1130
	strapANT      = 51866
	lapM          = 1000 // auto lap every kilometre
	fitEpochUnix  = 631065600
)

// writeFIT encodes one activity as a FIT file, in the message order a
// Garmin watch uses: file_id, file_creator, timer start, device_info for
// the watch and the strap; records, with a lap message after each
// kilometre and timer stop/start events around a pause; then timer stop,
// device_info again, the last lap, session and activity.
func writeFIT(w io.Writer, a activity, loc *time.Location) error {
	enc := encoder.New(w, encoder.WithHeaderOption(encoder.HeaderOptionNormal, 15))
	return enc.Encode(&proto.FIT{Messages: messages(a, loc)})
}

func messages(a activity, loc *time.Location) []proto.Message {
	start := a.Plan.Start.UTC()
	ss := a.Samples
	at := func(s sample) time.Time { return start.Add(time.Duration(s.T) * time.Second) }
	end := at(ss[len(ss)-1])

	msgs := make([]proto.Message, 0, len(ss)+len(ss)/300+16)
	msgs = append(msgs,
		mesgdef.NewFileId(nil).
			SetType(typedef.FileActivity).
			SetManufacturer(typedef.ManufacturerGarmin).
			SetProduct(uint16(typedef.GarminProductFr965)).
			SetSerialNumber(watchSerial).
			SetTimeCreated(start).
			ToMesg(nil),
		mesgdef.NewFileCreator(nil).SetSoftwareVersion(watchSoftware).ToMesg(nil),
		timerEvent(start, typedef.EventTypeStart),
	)
	msgs = append(msgs, deviceInfos(start)...)

	laps, lapStart, nextLap := 0, 0, float64(lapM)
	for i, s := range ss {
		if i == a.Resume && i > 0 {
			msgs = append(msgs, timerEvent(at(s), typedef.EventTypeStart))
		}
		msgs = append(msgs, recordMesg(at(s), s))
		if i == len(ss)-1 {
			break
		}
		if i+1 == a.Resume {
			msgs = append(msgs, timerEvent(at(s), typedef.EventTypeStopAll))
		}
		if s.DistM >= nextLap {
			msgs = append(msgs, lapMesg(a, start, lapStart, i, laps, typedef.LapTriggerDistance))
			laps++
			lapStart = i
			for s.DistM >= nextLap {
				nextLap += lapM
			}
		}
	}
	msgs = append(msgs, timerEvent(end, typedef.EventTypeStopAll))
	msgs = append(msgs, deviceInfos(end)...)
	msgs = append(msgs, lapMesg(a, start, lapStart, len(ss)-1, laps, typedef.LapTriggerSessionEnd))
	laps++

	sum := summarize(a, 0, len(ss)-1)
	session := mesgdef.NewSession(nil).
		SetTimestamp(end).
		SetStartTime(start).
		SetSport(typedef.SportRunning).
		SetSubSport(typedef.SubSportGeneric).
		SetSportProfileName("Run").
		SetEvent(typedef.EventSession).
		SetEventType(typedef.EventTypeStop).
		SetTrigger(typedef.SessionTriggerActivityEnd).
		SetMessageIndex(0).
		SetFirstLapIndex(0).
		SetNumLaps(uint16(laps))
	fillSession(session, sum.fit())
	_, offset := end.In(loc).Zone()
	msgs = append(msgs,
		session.ToMesg(nil),
		mesgdef.NewActivity(nil).
			SetTimestamp(end).
			SetTotalTimerTime(uint32(math.Round(sum.TimerS*1000))).
			SetNumSessions(1).
			SetType(typedef.ActivityManual).
			SetEvent(typedef.EventActivity).
			SetEventType(typedef.EventTypeStop).
			SetLocalTimestamp(end.Add(time.Duration(offset)*time.Second)).
			ToMesg(nil),
	)
	return msgs
}

func timerEvent(t time.Time, typ typedef.EventType) proto.Message {
	return mesgdef.NewEvent(nil).
		SetTimestamp(t).
		SetEvent(typedef.EventTimer).
		SetEventType(typ).
		SetEventGroup(0).
		SetData(0). // timer_trigger manual
		ToMesg(nil)
}

// deviceInfos lists the watch (device index 0, the file's creator) and the
// HRM-Pro chest strap that measures the running dynamics.
func deviceInfos(t time.Time) []proto.Message {
	return []proto.Message{
		mesgdef.NewDeviceInfo(nil).
			SetTimestamp(t).
			SetDeviceIndex(typedef.DeviceIndexCreator).
			SetManufacturer(typedef.ManufacturerGarmin).
			SetProduct(uint16(typedef.GarminProductFr965)).
			SetSerialNumber(watchSerial).
			SetSoftwareVersion(watchSoftware).
			SetSourceType(typedef.SourceTypeLocal).
			ToMesg(nil),
		mesgdef.NewDeviceInfo(nil).
			SetTimestamp(t).
			SetDeviceIndex(1).
			SetDeviceType(uint8(typedef.AntplusDeviceTypeHeartRate)).
			SetManufacturer(typedef.ManufacturerGarmin).
			SetProduct(uint16(typedef.GarminProductHrmPro)).
			SetSerialNumber(strapSerial).
			SetSoftwareVersion(strapSoftware).
			SetAntDeviceNumber(strapANT).
			SetAntNetwork(typedef.AntNetworkAntplus).
			SetSourceType(typedef.SourceTypeAntplus).
			SetBatteryStatus(typedef.BatteryStatusGood).
			ToMesg(nil),
	}
}

// recordMesg writes every field in every record, with the FIT invalid
// value where the strap has no reading yet, as Garmin watches do: the
// record definition never changes within a file.
func recordMesg(t time.Time, s sample) proto.Message {
	dyn := func(v float64, scale float64) proto.Value {
		if !s.Dynamics {
			return proto.Uint16(basetype.Uint16Invalid)
		}
		return proto.Uint16(uint16(math.Round(v * scale)))
	}
	return proto.Message{
		Num: mesgnum.Record,
		Fields: []proto.Field{
			recordField(fieldnum.RecordTimestamp, proto.Uint32(fitTime(t))),
			recordField(fieldnum.RecordDistance, proto.Uint32(uint32(math.Round(s.DistM*100)))),
			recordField(fieldnum.RecordEnhancedSpeed, proto.Uint32(uint32(math.Round(s.SpeedMPS*1000)))),
			recordField(fieldnum.RecordEnhancedAltitude, proto.Uint32(uint32(math.Round((s.AltM+500)*5)))),
			recordField(fieldnum.RecordPower, proto.Uint16(uint16(s.PowerW))),
			recordField(fieldnum.RecordVerticalOscillation, dyn(s.VertOscMM, 10)),
			recordField(fieldnum.RecordStanceTimePercent, dyn(s.StancePct, 100)),
			recordField(fieldnum.RecordStanceTime, dyn(s.GCTMS, 10)),
			recordField(fieldnum.RecordVerticalRatio, dyn(s.VertRatioPct, 100)),
			recordField(fieldnum.RecordStanceTimeBalance, dyn(s.BalanceLeft, 100)),
			recordField(fieldnum.RecordStepLength, dyn(s.StepMM, 10)),
			recordField(fieldnum.RecordHeartRate, proto.Uint8(uint8(s.HR))),
			// cadence is strides/min; Garmin counts whole steps, so the
			// fraction is 0 or half a stride (64/128).
			recordField(fieldnum.RecordCadence, proto.Uint8(uint8(s.SPM/2))),
			recordField(fieldnum.RecordFractionalCadence, proto.Uint8(uint8(64*(s.SPM%2)))),
			recordField(fieldnum.RecordActivityType, proto.Uint8(uint8(typedef.ActivityTypeRunning))),
		},
	}
}

func recordField(num byte, v proto.Value) proto.Field {
	f := factory.CreateField(mesgnum.Record, num)
	f.Value = v
	return f
}

func fitTime(t time.Time) uint32 { return uint32(t.Unix() - fitEpochUnix) }

func lapMesg(a activity, start time.Time, from, to, index int, trigger typedef.LapTrigger) proto.Message {
	sum := summarize(a, from, to)
	lap := mesgdef.NewLap(nil).
		SetTimestamp(start.Add(time.Duration(a.Samples[to].T) * time.Second)).
		SetStartTime(start.Add(time.Duration(a.Samples[from].T) * time.Second)).
		SetMessageIndex(typedef.MessageIndex(index)).
		SetEvent(typedef.EventLap).
		SetEventType(typedef.EventTypeStop).
		SetLapTrigger(trigger).
		SetIntensity(typedef.IntensityActive).
		SetSport(typedef.SportRunning).
		SetSubSport(typedef.SubSportGeneric)
	fillLap(lap, sum.fit())
	return lap.ToMesg(nil)
}

// summary holds the lap and session statistics of a span of samples,
// computed the way the FIT profile describes them: averages exclude the
// pause and the seconds with no reading, avg_cadence is strides/min.
type summary struct {
	ElapsedS, TimerS, DistM         float64
	AvgSpeed, MaxSpeed              float64
	AvgHR, MaxHR                    float64
	AvgStrides, MaxStrides, Strides float64
	AvgPower, MaxPower              float64
	AscentM, DescentM               float64
	AvgGCT, AvgBalance, AvgVO       float64
	AvgVR, AvgStep, AvgStance       float64
}

// summarize covers the span from sample from (the boundary, where the
// previous lap ended) to sample to; the first span also counts sample 0.
func summarize(a activity, from, to int) summary {
	ss := a.Samples
	first := from + 1
	if from == 0 {
		first = 0
	}
	var sm summary
	sm.ElapsedS = float64(ss[to].T - ss[from].T)
	sm.TimerS = sm.ElapsedS
	if a.Resume > from && a.Resume <= to {
		sm.TimerS -= float64(a.Plan.PauseS)
	}
	sm.DistM = ss[to].DistM - ss[from].DistM
	if sm.TimerS > 0 {
		sm.AvgSpeed = sm.DistM / sm.TimerS
	}
	var nHR, nCad, nPow, nDyn float64
	prevAlt := ss[from].AltM
	for _, s := range ss[first : to+1] {
		sm.MaxSpeed = math.Max(sm.MaxSpeed, s.SpeedMPS)
		sm.AvgHR += float64(s.HR)
		sm.MaxHR = math.Max(sm.MaxHR, float64(s.HR))
		nHR++
		if s.SPM > 0 {
			st := float64(s.SPM) / 2
			sm.AvgStrides += st
			sm.MaxStrides = math.Max(sm.MaxStrides, st)
			sm.Strides += st / 60
			nCad++
			sm.AvgPower += float64(s.PowerW)
			sm.MaxPower = math.Max(sm.MaxPower, float64(s.PowerW))
			nPow++
		}
		if s.Dynamics {
			sm.AvgGCT += s.GCTMS
			sm.AvgBalance += s.BalanceLeft
			sm.AvgVO += s.VertOscMM
			sm.AvgVR += s.VertRatioPct
			sm.AvgStep += s.StepMM
			sm.AvgStance += s.StancePct
			nDyn++
		}
		if dz := s.AltM - prevAlt; dz > 0 {
			sm.AscentM += dz
		} else {
			sm.DescentM -= dz
		}
		prevAlt = s.AltM
	}
	div := func(v *float64, n float64) {
		if n > 0 {
			*v /= n
		}
	}
	div(&sm.AvgHR, nHR)
	div(&sm.AvgStrides, nCad)
	div(&sm.AvgPower, nPow)
	for _, v := range []*float64{&sm.AvgGCT, &sm.AvgBalance, &sm.AvgVO, &sm.AvgVR, &sm.AvgStep, &sm.AvgStance} {
		div(v, nDyn)
	}
	return sm
}

// fitSummary is a summary in the units and types of the FIT lap and
// session fields.
type fitSummary struct {
	elapsed, timer, distCM, cycles, avgSpeed, maxSpeed uint32
	avgHR, maxHR, avgCad, fracCad, maxCad              uint8
	avgPower, maxPower, ascent, descent, kcal          uint16
	gct, balance, vo, vr, step, stance                 uint16
}

func (sm summary) fit() fitSummary {
	r32 := func(v, scale float64) uint32 { return uint32(math.Round(v * scale)) }
	r16 := func(v, scale float64) uint16 { return uint16(math.Round(v * scale)) }
	whole := math.Floor(sm.AvgStrides)
	frac := math.Round((sm.AvgStrides - whole) * 128)
	if frac == 128 {
		whole, frac = whole+1, 0
	}
	return fitSummary{
		elapsed:  r32(sm.ElapsedS, 1000),
		timer:    r32(sm.TimerS, 1000),
		distCM:   r32(sm.DistM, 100),
		cycles:   r32(sm.Strides, 1),
		avgSpeed: r32(sm.AvgSpeed, 1000),
		maxSpeed: r32(sm.MaxSpeed, 1000),
		avgHR:    uint8(math.Round(sm.AvgHR)),
		maxHR:    uint8(sm.MaxHR),
		avgCad:   uint8(whole),
		fracCad:  uint8(frac),
		maxCad:   uint8(math.Ceil(sm.MaxStrides)),
		avgPower: r16(sm.AvgPower, 1),
		maxPower: r16(sm.MaxPower, 1),
		ascent:   r16(sm.AscentM, 1),
		descent:  r16(sm.DescentM, 1),
		kcal:     r16(massKG*sm.DistM/1000, 1), // about 1 kcal per kg per km
		gct:      r16(sm.AvgGCT, 10),
		balance:  r16(sm.AvgBalance, 100),
		vo:       r16(sm.AvgVO, 10),
		vr:       r16(sm.AvgVR, 100),
		step:     r16(sm.AvgStep, 10),
		stance:   r16(sm.AvgStance, 100),
	}
}

func fillLap(m *mesgdef.Lap, f fitSummary) {
	m.SetTotalElapsedTime(f.elapsed).SetTotalTimerTime(f.timer).
		SetTotalDistance(f.distCM).SetTotalCycles(f.cycles).
		SetEnhancedAvgSpeed(f.avgSpeed).SetEnhancedMaxSpeed(f.maxSpeed).
		SetAvgHeartRate(f.avgHR).SetMaxHeartRate(f.maxHR).
		SetAvgCadence(f.avgCad).SetAvgFractionalCadence(f.fracCad).SetMaxCadence(f.maxCad).
		SetAvgPower(f.avgPower).SetMaxPower(f.maxPower).
		SetTotalAscent(f.ascent).SetTotalDescent(f.descent).
		SetTotalCalories(f.kcal).
		SetAvgStanceTime(f.gct).SetAvgStanceTimeBalance(f.balance).
		SetAvgVerticalOscillation(f.vo).SetAvgVerticalRatio(f.vr).
		SetAvgStepLength(f.step).SetAvgStanceTimePercent(f.stance)
}

func fillSession(m *mesgdef.Session, f fitSummary) {
	m.SetTotalElapsedTime(f.elapsed).SetTotalTimerTime(f.timer).
		SetTotalDistance(f.distCM).SetTotalCycles(f.cycles).
		SetEnhancedAvgSpeed(f.avgSpeed).SetEnhancedMaxSpeed(f.maxSpeed).
		SetAvgHeartRate(f.avgHR).SetMaxHeartRate(f.maxHR).
		SetAvgCadence(f.avgCad).SetAvgFractionalCadence(f.fracCad).SetMaxCadence(f.maxCad).
		SetAvgPower(f.avgPower).SetMaxPower(f.maxPower).
		SetTotalAscent(f.ascent).SetTotalDescent(f.descent).
		SetTotalCalories(f.kcal).
		SetAvgStanceTime(f.gct).SetAvgStanceTimeBalance(f.balance).
		SetAvgVerticalOscillation(f.vo).SetAvgVerticalRatio(f.vr).
		SetAvgStepLength(f.step).SetAvgStanceTimePercent(f.stance)
}
