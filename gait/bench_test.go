package gait

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/proto"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// sixHourRun encodes a 6-hour 1 Hz run with every running-dynamics
// channel, as a watch with a chest strap would record it: the size of an
// ultra or a slow marathon-plus, the longest run the analysis must keep
// up with.
func sixHourRun(b *testing.B) []byte {
	b.Helper()
	const n = 6 * 3600
	start := time.Date(2026, 6, 6, 6, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(6, 6))
	fileID := mesgdef.FileId{Type: typedef.FileActivity, Manufacturer: typedef.ManufacturerGarmin, Product: 4315, SerialNumber: 1, TimeCreated: start}
	msgs := []proto.Message{fileID.ToMesg(nil)}
	dist := 0.0
	for i := range n {
		speed := 3 + 0.3*math.Sin(float64(i)/600) + 0.05*rng.NormFloat64()
		dist += speed
		spm := 168 + 4*(speed-3) + 2*rng.NormFloat64()
		strides := spm / 2
		r := mesgdef.Record{
			Timestamp:           start.Add(time.Duration(i) * time.Second),
			Distance:            uint32(dist * 100),
			EnhancedSpeed:       uint32(speed * 1000),
			EnhancedAltitude:    uint32((500 + 100 + 30*math.Sin(float64(i)/900)) * 5),
			HeartRate:           uint8(140 + 10*math.Sin(float64(i)/1200)),
			Cadence:             uint8(strides),
			FractionalCadence:   uint8((strides - math.Floor(strides)) * 128),
			StanceTime:          uint16((250 + 8*rng.NormFloat64()) * 10),
			StanceTimeBalance:   uint16((50.3 + 0.3*rng.NormFloat64()) * 100),
			VerticalOscillation: uint16((90 + 3*rng.NormFloat64()) * 10),
			VerticalRatio:       uint16((8 + 0.3*rng.NormFloat64()) * 100),
			StepLength:          uint16(speed / (spm / 60) * 1000 * 10),
			Power:               uint16(250 + 20*rng.NormFloat64()),
		}
		msgs = append(msgs, r.ToMesg(nil))
	}
	end := start.Add(n * time.Second)
	s := mesgdef.NewSession(nil)
	s.Sport, s.SubSport, s.StartTime, s.Timestamp = typedef.SportRunning, typedef.SubSportGeneric, start, end
	s.TotalElapsedTime, s.TotalTimerTime, s.TotalDistance = n*1000, n*1000, uint32(dist*100)
	act := mesgdef.NewActivity(nil)
	act.Timestamp, act.NumSessions, act.Type = end, 1, typedef.ActivityManual
	msgs = append(msgs, s.ToMesg(nil), act.ToMesg(nil))
	var buf bytes.Buffer
	if err := encoder.New(&buf).Encode(&proto.FIT{Messages: msgs}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkAnalyze measures the analysis of a 6-hour 1 Hz run against
// decoding the same file. Target (issue 3): Analyze at most 10% of Decode,
// which the ratio sub-benchmark reports as analyze-%-of-decode.
//
//	go test ./gait -run '^$' -bench Analyze -count 10 | benchstat -
func BenchmarkAnalyze(b *testing.B) {
	data := sixHourRun(b)
	acts, err := ingest.DecodeFIT(bytes.NewReader(data), ingest.DecodeOptions{})
	if err != nil || len(acts) != 1 || acts[0].Len() != 6*3600 {
		b.Fatalf("decode: %v (%d activities)", err, len(acts))
	}
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ingest.DecodeFIT(bytes.NewReader(data), ingest.DecodeOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("analyze", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		p := DefaultParams()
		for b.Loop() {
			if m := Analyze(acts[0], p); !m.Analyzed {
				b.Fatal(m.Reason)
			}
		}
	})
	// The target in one number: each iteration decodes the file and
	// analyzes what it decoded, timing both, so that a machine busy with
	// other work slows both alike. ns/op is their sum.
	b.Run("ratio", func(b *testing.B) {
		p := DefaultParams()
		var decode, analyze time.Duration
		for b.Loop() {
			t0 := time.Now()
			acts, err := ingest.DecodeFIT(bytes.NewReader(data), ingest.DecodeOptions{})
			t1 := time.Now()
			if err != nil {
				b.Fatal(err)
			}
			if m := Analyze(acts[0], p); !m.Analyzed {
				b.Fatal(m.Reason)
			}
			decode, analyze = decode+t1.Sub(t0), analyze+time.Since(t1)
		}
		b.ReportMetric(100*analyze.Seconds()/decode.Seconds(), "analyze-%-of-decode")
	})
}
