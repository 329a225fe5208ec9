package main

// Scenarios: three short histories, each telling one of the stories of
// issue 5 (item 8), written into testdata/scenarios/<name>/ with
//
//	go run ./testdata/gen -scenario a -out testdata/scenarios/a
//
// Each folder gets the story's FIT files, its symptom diary
// (symptoms.csv), and now.txt, the day of the story's last run, on which
// `gaitkeeper check` and `gaitkeeper report` look at it. README.md in each
// folder tells the story and lists the flags expected; it is written by
// hand, not by this program.
//
// The runs use the demo's runner model (simulate.go) and encoding
// (encode.go), with two changes that keep the folders small: the watch
// uses smart recording (a record every 2 to 6 s instead of every second,
// as Garmin's default setting does), and there are fewer, shorter runs.
// Story (a) is a trail runner: sub_sport trail, and every run takes the
// hill route.

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/profile/untyped/fieldnum"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
	"github.com/muktihari/fit/proto"
)

// scenario is one story: its runs, its diary and its day.
type scenario struct {
	Name  string
	Trail bool // sub_sport trail and the hill route for every run
	// Runs: days after the first Monday, local start time, kind (the
	// file name's suffix) and distance.
	FirstMonday string
	Runs        []scenarioRun
	Now         string // YYYY-MM-DD: the day of the last run
	Symptoms    string // the diary as the runner typed it (CSV)
}

type scenarioRun struct {
	Day   int
	Clock string // 15:04
	Kind  string
	KM    float64
}

// weekly repeats the given weekdays (0 = Monday) with the same clock,
// kind and distance for each week in [from, to).
func weekly(from, to int, days []int, clock, kind string, km float64) []scenarioRun {
	var out []scenarioRun
	for w := from; w < to; w++ {
		for _, d := range days {
			out = append(out, scenarioRun{Day: 7*w + d, Clock: clock, Kind: kind, KM: km})
		}
	}
	return out
}

func scenarios() []scenario {
	return []scenario{
		{
			// (a) A trail runner: three runs a week, the longest 10 km, then
			// a 16 km trail long run (1.6 × the longest of the previous 30
			// days: Frandsen's "moderate" band). On the next run, two days
			// later, a "cramp" under the 4th toe. Four weeks without
			// running; the toe pops and tingles on short walks and is numb
			// on its inner side, unchanged. A short test run.
			Name:        "a",
			Trail:       true,
			FirstMonday: "2026-04-06",
			Runs: join(
				weekly(0, 5, []int{1, 3}, "07:05", "easy", 8),
				weekly(0, 5, []int{6}, "08:40", kindLong, 10),
				[]scenarioRun{
					{Day: 36, Clock: "07:05", Kind: "easy", KM: 8},
					{Day: 38, Clock: "07:05", Kind: "easy", KM: 8},
					{Day: 41, Clock: "08:10", Kind: kindLong, KM: 16}, // the spike: 16 / 10
					{Day: 43, Clock: "07:05", Kind: "easy", KM: 8},    // the cramp begins
					{Day: 71, Clock: "17:30", Kind: "test", KM: 5},    // four weeks later
				}),
			Now: "2026-06-16",
			Symptoms: `date,side,location,sensation,severity,timing,duration,shoes,notes
2026-05-19 07:40+02:00,left,between toes 3 and 4,cramp,5,during run,20m,trail shoes,"""cramp"" under the 4th toe, 6 km into the run, two days after the 16 km trail run"
2026-05-26 18:10+02:00,left,toes_3_4,clicking;tingling,3,,10m,,pops and tingles on short walks
2026-06-05 12:30+02:00,left,toes_3_4,clicking;tingling,3,,15m,,still pops and tingles on short walks
2026-06-16 08:00+02:00,left,third web space,numbness;tingling,4,at rest,,,"numb on the inner side of the 4th toe, unchanged after four weeks of rest"
`,
		},
		{
			// (b) An 85-year-old: 5 km three times a week, the same for two
			// months (no change in load). Chronic low-back pain since a car
			// crash; severe toe cramps at night for two years.
			Name:        "b",
			FirstMonday: "2026-01-05",
			Runs:        weekly(0, 8, []int{0, 2, 4}, "10:15", "easy", 5),
			Now:         "2026-02-27",
			Symptoms: `date,side,location,sensation,severity,timing,duration,shoes,notes
2026-01-12 21:30+01:00,,lower back,ache,5,at rest,,,"chronic low-back pain since a car crash years ago, the same as always"
2026-01-20 03:00+01:00,left,big toe,cramp,8,night,10m,,"severe toe cramps at night, for two years now"
2026-02-03 02:30+01:00,left,big toe,cramp,8,night,15m,,woke with toe cramps again
2026-02-24 03:15+01:00,left,big toe,cramp,7,night,10m,,toe cramps at night as before
`,
		},
		{
			// (c) Rising mileage: four runs a week of 5 km for four weeks
			// (20 km a week), then 30 and 35 km weeks. Pain in the medial
			// arch after a run, an aching heel the next morning, a numb big
			// toe.
			Name:        "c",
			FirstMonday: "2026-03-02",
			Runs: join(
				weekly(0, 4, []int{0, 2, 4, 6}, "07:00", "easy", 5),
				weekly(4, 5, []int{0, 2, 4, 6}, "07:00", "easy", 7.5),
				weekly(5, 6, []int{0, 2, 4, 6}, "07:00", "easy", 8.75),
			),
			Now: "2026-04-12",
			Symptoms: `date,side,location,sensation,severity,timing,duration,shoes,notes
2026-04-10 18:00+02:00,left,medial arch,pain,4,after run,2h,,
2026-04-11 07:00+02:00,left,heel,ache,3,next morning,30m,,first steps of the day
2026-04-12 11:30+02:00,left,big toe,numbness,3,after run,1h,,big toe numb after the run
`,
		},
	}
}

func join(parts ...[]scenarioRun) []scenarioRun {
	var out []scenarioRun
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// runScenario is main for -scenario: it writes the scenario named name to
// -out, or to testdata/scenarios/<name> when -out is not given (never to
// the demo's folder).
func runScenario(fs *flag.FlagSet, name, out string, stdout, stderr io.Writer) int {
	var sc *scenario
	var names []string
	for _, s := range scenarios() {
		names = append(names, s.Name)
		if s.Name == name {
			sc = &s
		}
	}
	if sc == nil {
		fmt.Fprintf(stderr, "gen: unknown scenario %q (have %s)\n", name, strings.Join(names, ", "))
		return 2
	}
	outSet := false
	fs.Visit(func(f *flag.Flag) { outSet = outSet || f.Name == "out" })
	if !outSet {
		out = filepath.Join("testdata", "scenarios", name)
	}
	written, err := generateScenario(*sc, out)
	if err != nil {
		fmt.Fprintf(stderr, "gen: scenario %s: %v\n", name, err)
		return 1
	}
	fmt.Fprintln(stdout, "file\tkm\trecords\tbytes")
	for _, w := range written {
		fmt.Fprintf(stdout, "%s\t%.2f\t%d\t%d\n", w.Name, w.KM, w.Records, w.Bytes)
	}
	return 0
}

// scenarioFile describes one written FIT file.
type scenarioFile struct {
	Name    string
	KM      float64
	Records int
	Bytes   int
}

// generateScenario writes sc's FIT files, symptoms.csv and now.txt into
// dir. Like the demo it is deterministic: each run draws from its own
// PCG stream, seeded from the scenario's name and the run's position.
func generateScenario(sc scenario, dir string) ([]scenarioFile, error) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, err
	}
	monday, err := time.ParseInLocation("2006-01-02", sc.FirstMonday, loc)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	runs := slices.Clone(sc.Runs)
	slices.SortStableFunc(runs, func(x, y scenarioRun) int { return x.Day - y.Day })
	stream := seed + uint64(sc.Name[0]) // one family of streams per scenario
	var out []scenarioFile
	var buf bytes.Buffer
	for i, r := range runs {
		clock, err := time.Parse("15:04", r.Clock)
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", i, err)
		}
		day := monday.AddDate(0, 0, r.Day)
		p := runPlan{
			Index: i,
			Week:  r.Day/7 + 1,
			Start: time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc),
			Kind:  r.Kind,
			KM:    r.KM,
			Hill:  sc.Trail,
		}
		a := simulate(p, rand.New(rand.NewPCG(stream, uint64(i)+1)))
		a = smartRecording(a, rand.New(rand.NewPCG(stream, uint64(i)+1001)))
		msgs := messages(a, loc)
		if sc.Trail {
			setSubSport(msgs, typedef.SubSportTrail)
		}
		buf.Reset()
		enc := encoder.New(&buf, encoder.WithHeaderOption(encoder.HeaderOptionNormal, 15))
		if err := enc.Encode(&proto.FIT{Messages: msgs}); err != nil {
			return nil, fmt.Errorf("encode %s: %w", p.Name(), err)
		}
		if err := os.WriteFile(filepath.Join(dir, p.Name()), buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
		out = append(out, scenarioFile{Name: p.Name(), KM: r.KM, Records: len(a.Samples), Bytes: buf.Len()})
	}
	if err := os.WriteFile(filepath.Join(dir, "symptoms.csv"), []byte(sc.Symptoms), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "now.txt"), []byte(sc.Now+"\n"), 0o644); err != nil {
		return nil, err
	}
	return out, nil
}

// smartRecording keeps the samples a watch on smart recording would
// write: one every 2 to 6 seconds, and always the first, the last, and
// the two around the timer pause, so distance, time and the pause stay
// exact.
func smartRecording(a activity, rng *rand.Rand) activity {
	out := activity{Plan: a.Plan}
	n := len(a.Samples)
	next := 0
	for i, s := range a.Samples {
		keep := i == 0 || i == n-1 || s.T >= next
		if a.Resume > 0 && (i == a.Resume-1 || i == a.Resume) {
			keep = true
		}
		if !keep {
			continue
		}
		if i == a.Resume && a.Resume > 0 {
			out.Resume = len(out.Samples)
		}
		out.Samples = append(out.Samples, s)
		next = s.T + 2 + rng.IntN(5)
	}
	return out
}

// setSubSport sets sub_sport in the laps and the session.
func setSubSport(msgs []proto.Message, sub typedef.SubSport) {
	for i := range msgs {
		var num byte
		switch msgs[i].Num {
		case mesgnum.Lap:
			num = fieldnum.LapSubSport
		case mesgnum.Session:
			num = fieldnum.SessionSubSport
		default:
			continue
		}
		if f := msgs[i].FieldByNum(num); f != nil {
			f.Value = proto.Uint8(uint8(sub))
		}
	}
}
