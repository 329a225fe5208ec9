package ingest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// zoneCEST is the runner's zone in the tests: a fixed +02:00, so the tests
// do not depend on the machine's time zone database.
func zoneCEST() *time.Location { return time.FixedZone("CEST", 2*60*60) }

// exampleSymptoms is what testdata/symptoms/example.{csv,yaml,json} hold,
// written out by hand from the files, in the zone cest.
func exampleSymptoms(cest *time.Location) []Symptom {
	at := func(d, hh, mm int) time.Time { return time.Date(2026, 9, d, hh, mm, 0, 0, cest) }
	return []Symptom{
		{Time: at(14, 7, 30), Side: SideLeft, Location: LocationToes34, // "between toes 3 and 4"
			Sensations: []Sensation{SensationTingling, SensationBurning}, Severity: 3,
			Timing: []Timing{TimingDuringRun}, Duration: 20 * time.Minute, Shoes: "Pegasus 41",
			Notes: "new shoes, laces tight"},
		{Time: at(15, 0, 0), DateOnly: true, Side: SideLeft, Location: LocationToes34, // "third web space"
			Sensations: []Sensation{SensationNumbness}, Severity: 2,
			Timing: []Timing{TimingAfterRun}, Duration: 2 * time.Hour, Shoes: "Pegasus 41"},
		{Time: at(16, 21, 0), Side: SideLeft, Location: LocationToes34, // side "L"
			Sensations: []Sensation{SensationPinsAndNeedles}, Severity: 2,
			Timing: []Timing{TimingAtRest, TimingNight}, Duration: 30 * time.Minute, // "30 min"
			Notes: "sitting on the sofa"},
		{Time: at(17, 6, 45), Side: SideRight, Location: LocationHeel,
			Sensations: []Sensation{SensationAche}, Severity: 4,
			Timing: []Timing{TimingNextMorning}, Duration: 15 * time.Minute, Shoes: "Pegasus 41",
			Notes: "first steps out of bed"},
		// 2026-09-18T16:10:00Z is 18:10 at +02:00; "calves", "cramps, ache", "during".
		{Time: at(18, 18, 10), Side: SideBoth, Location: LocationCalf,
			Sensations: []Sensation{SensationCramp, SensationAche}, Severity: 5,
			Timing: []Timing{TimingDuringRun}, Duration: 10 * time.Minute, Shoes: "Pegasus 41",
			Notes: "hot day, 18 km"},
		// "Medial Arch", "Sharp", severity "6/10", no duration.
		{Time: at(20, 0, 0), DateOnly: true, Side: SideRight, Location: LocationMedialArch,
			Sensations: []Sensation{SensationSharp}, Severity: 6,
			Timing: []Timing{TimingDuringRun}, Shoes: "Vaporfly 3",
			Notes: `race day; "felt it at km 30"`},
		// no side; "lower back"; 3d = 72h.
		{Time: at(21, 23, 15), Location: LocationLowBack,
			Sensations: []Sensation{SensationAche, SensationElectric}, Severity: 3,
			Timing: []Timing{TimingNight}, Duration: 72 * time.Hour},
		// "big toe", "numb"; 2w = 336h.
		{Time: at(27, 0, 0), DateOnly: true, Side: SideLeft, Location: LocationToes12,
			Sensations: []Sensation{SensationNumbness}, Severity: 1,
			Timing: []Timing{TimingAfterRun}, Duration: 14 * 24 * time.Hour, Shoes: "Pegasus 41",
			Notes: "still numb two weeks after the lacing change"},
	}
}

func TestParseVocabulary(t *testing.T) {
	tests := []struct {
		parse func(string) (string, error)
		in    string
		want  string // the name, or the error message
	}{
		{parseAs(ParseLocation), "Big Toe", "toes_1_2"},
		{parseAs(ParseLocation), "hallux", "toes_1_2"},
		{parseAs(ParseLocation), "4th toe", "toes_3_4"},
		{parseAs(ParseLocation), "between toes 3 and 4", "toes_3_4"},
		{parseAs(ParseLocation), "Third-Web-Space", "toes_3_4"},
		{parseAs(ParseLocation), "forefoot", "ball_of_foot"},
		{parseAs(ParseLocation), "metatarsals", "ball_of_foot"},
		{parseAs(ParseLocation), "arch", "medial_arch"},
		{parseAs(ParseLocation), "top of foot", "dorsal_foot"},
		{parseAs(ParseLocation), "instep", "dorsal_foot"},
		{parseAs(ParseLocation), "little toe", "lateral_foot"},
		{parseAs(ParseLocation), "inner ankle", "medial_ankle"},
		{parseAs(ParseLocation), "lower back", "low_back"},
		{parseAs(ParseLocation), "LUMBAR", "low_back"},
		{parseAs(ParseLocation), "buttock", "glute"},
		{parseAs(ParseLocation), "  shin_front  ", "shin_front"},
		{parseAs(ParseLocation), "shin  -  front", "shin_front"},
		{parseAs(ParseLocation), "", `location: missing`},
		{parseAs(ParseLocation), "midial arch", `location "midial arch": unknown location; did you mean "medial_arch"?`},
		// a hint: not an alias, because it could be either ankle
		{parseAs(ParseLocation), "ankle", `location "ankle": unknown location; did you mean "medial_ankle" or "lateral_ankle"?`},
		{parseAs(ParseLocation), "achilles", `location "achilles": unknown location; did you mean "heel" or "calf"?`},
		// an alias inside a longer phrase
		{parseAs(ParseLocation), "left big toe joint", `location "left big toe joint": unknown location; did you mean "toes_1_2"?`},
		{parseAs(ParseLocation), "hip", `location "hip": unknown location (want one of toes_1_2, toes_3_4, ball_of_foot, medial_arch, heel, lateral_foot, dorsal_foot, medial_ankle, lateral_ankle, shin_front, shin_medial, calf, knee, hamstring, glute, low_back, neck)`},

		{parseAs(ParseSensation), "numb", "numbness"},
		{parseAs(ParseSensation), "Pins & Needles", "pins_and_needles"},
		{parseAs(ParseSensation), "pins-and-needles", "pins_and_needles"},
		{parseAs(ParseSensation), "shooting", "electric"},
		{parseAs(ParseSensation), "electric shocks", "electric"},
		{parseAs(ParseSensation), "stabbing", "sharp"},
		{parseAs(ParseSensation), "popping", "clicking"},
		{parseAs(ParseSensation), "cramps", "cramp"},
		{parseAs(ParseSensation), "charley horse", "cramp"},
		{parseAs(ParseSensation), "sore", "ache"},
		{parseAs(ParseSensation), "foot drop", `sensation "foot drop": unknown sensation; did you mean "weakness"?`},

		{parseAs(ParseTiming), "during the run", "during_run"},
		{parseAs(ParseTiming), "post-run", "after_run"},
		{parseAs(ParseTiming), "morning", "next_morning"},
		{parseAs(ParseTiming), "at night", "night"},
		{parseAs(ParseTiming), "resting", "at_rest"},
		{parseAs(ParseTiming), "nihgt", `timing "nihgt": unknown timing; did you mean "night"?`},

		{parseAs(ParseSide), "L", "left"},
		{parseAs(ParseSide), "rt", "right"},
		{parseAs(ParseSide), "bilateral", "both"},
		{parseAs(ParseSide), "L/R", "both"},
		{parseAs(ParseSide), "", ""},
		{parseAs(ParseSide), "midline", ""},
		{parseAs(ParseSide), "n/a", ""},
		{parseAs(ParseSide), "up", `side "up": unknown side (want one of left, right, both)`},
	}
	for _, tt := range tests {
		got, err := tt.parse(tt.in)
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func parseAs[T ~string](f func(string) (T, error)) func(string) (string, error) {
	return func(s string) (string, error) {
		v, err := f(s)
		return string(v), err
	}
}

// TestVocabularyTables checks the tables themselves: every word is written
// as normWord folds input (or it could never match), no word stands for
// two names, hints point at real names, and the exported lists match the
// constants.
func TestVocabularyTables(t *testing.T) {
	for _, v := range []vocabulary{sideVocabulary(), locationVocabulary(), sensationVocabulary(), timingVocabulary(), fieldVocabulary()} {
		owner := map[string]string{}
		claim := func(word, name string) {
			if normWord(word) != word {
				t.Errorf("%s: %q is not normalised (%q)", v.what, word, normWord(word))
			}
			if prev, ok := owner[word]; ok {
				t.Errorf("%s: %q stands for both %q and %q", v.what, word, prev, name)
			}
			owner[word] = name
		}
		for _, term := range v.terms {
			if term.name != "" {
				claim(term.name, term.name)
			}
			for _, a := range term.aliases {
				claim(a, term.name)
			}
		}
		for _, h := range v.hints {
			claim(h.word, "hint")
			for _, n := range h.names {
				if !v.isName(n) {
					t.Errorf("%s: hint %q suggests %q, not a name", v.what, h.word, n)
				}
			}
		}
	}
	if diff := cmp.Diff([]Side{SideLeft, SideRight, SideBoth}, Sides()); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]Location{LocationToes12, LocationToes34, LocationBallOfFoot, LocationMedialArch,
		LocationHeel, LocationLateralFoot, LocationDorsalFoot, LocationMedialAnkle, LocationLateralAnkle,
		LocationShinFront, LocationShinMedial, LocationCalf, LocationKnee, LocationHamstring, LocationGlute,
		LocationLowBack, LocationNeck}, Locations()); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]Sensation{SensationPain, SensationAche, SensationSharp, SensationElectric,
		SensationBurning, SensationTingling, SensationPinsAndNeedles, SensationNumbness, SensationCramp,
		SensationWeakness, SensationClicking}, Sensations()); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]Timing{TimingDuringRun, TimingAfterRun, TimingNextMorning, TimingAtRest, TimingNight}, Timings()); diff != "" {
		t.Error(diff)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"heel", "", 4},
		{"", "heel", 4},
		{"heel", "heel", 0},
		{"hell", "heel", 1},         // one substitution
		{"rigth", "right", 1},       // one swap (Levenshtein: 2)
		{"kitten", "sitting", 3},    // the textbook Levenshtein example
		{"ca", "abc", 3},            // OSA, not full Damerau (which gives 2)
		{"tinglng", "tingling", 1},  // one insertion
		{"numbnéss", "numbness", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{in: "20m", want: 20 * time.Minute},
		{in: "2h", want: 2 * time.Hour},
		{in: "3d", want: 72 * time.Hour},
		{in: "2w", want: 14 * 24 * time.Hour},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "1h 30m", want: 90 * time.Minute},
		{in: "1 h, 30 min", want: 90 * time.Minute},
		{in: "45 min", want: 45 * time.Minute},
		{in: "1.5 hours", want: 90 * time.Minute},
		{in: "2 Weeks", want: 14 * 24 * time.Hour},
		{in: "90s", want: 90 * time.Second},
		{in: "0.4s", want: 0},                        // rounded to the second
		{in: "0.5s", want: time.Second},              // half rounds away from zero
		{in: "36500d", want: 36500 * 24 * time.Hour}, // 100 years of 365 days: the limit
		{in: "36501d", err: "longer than 100 years"},
		{in: "", err: "missing"},
		{in: "20", err: "needs a unit: 20m, 2h, 3d or 2w"},
		{in: "20 ", err: "needs a unit: 20m, 2h, 3d or 2w"},
		{in: "1h30", err: "needs a unit: 20m, 2h, 3d or 2w"},
		{in: "-5m", err: `want a number and a unit, like 20m, 2h, 3d, 2w or "1h 30m"`},
		{in: "m", err: `want a number and a unit, like 20m, 2h, 3d, 2w or "1h 30m"`},
		{in: "1.2.3h", err: `want a number and a unit, like 20m, 2h, 3d, 2w or "1h 30m"`},
		{in: "5 fortnights", err: `unknown unit "fortnights" (want s, m, h, d or w)`},
		{in: "5ms", err: `unknown unit "ms" (want s, m, h, d or w)`},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: got %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{20 * time.Minute, "20m"},
		{90 * time.Minute, "1h30m"},
		{10 * 24 * time.Hour, "1w3d"},
		{14*24*time.Hour + 61*time.Second, "2w1m1s"},
		{1500 * time.Millisecond, "2s"}, // rounded, as ParseDuration rounds
	}
	for _, tt := range tests {
		got := formatDuration(tt.d)
		if got != tt.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
		back, err := ParseDuration(got)
		if err != nil || back != tt.d.Round(time.Second) {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", got, back, err, tt.d.Round(time.Second))
		}
	}
}

func TestParseSymptomTime(t *testing.T) {
	cest := zoneCEST()
	tests := []struct {
		in       string
		want     time.Time
		dateOnly bool
		err      string
	}{
		{in: "2026-09-14", want: time.Date(2026, 9, 14, 0, 0, 0, 0, cest), dateOnly: true},
		{in: " 2026-09-14 ", want: time.Date(2026, 9, 14, 0, 0, 0, 0, cest), dateOnly: true},
		{in: "2026-09-14 07:30", want: time.Date(2026, 9, 14, 7, 30, 0, 0, cest)},
		{in: "2026-09-14T07:30", want: time.Date(2026, 9, 14, 7, 30, 0, 0, cest)},
		{in: "2026-09-14T07:30:15", want: time.Date(2026, 9, 14, 7, 30, 15, 0, cest)},
		// an offset is obeyed, then the time is shown in the runner's zone
		{in: "2026-09-14T07:30:00Z", want: time.Date(2026, 9, 14, 9, 30, 0, 0, cest)},
		{in: "2026-09-14T07:30:00+09:00", want: time.Date(2026, 9, 14, 0, 30, 0, 0, cest)},
		{in: "2026-09-14T07:30+02:00", want: time.Date(2026, 9, 14, 7, 30, 0, 0, cest)},
		{in: "2026-09-14 07:30:00-04:00", want: time.Date(2026, 9, 14, 13, 30, 0, 0, cest)},
		{in: "2026-09-14T07:30:00.25+02:00", want: time.Date(2026, 9, 14, 7, 30, 0, 250e6, cest)},
		{in: "14/09/2026", err: "day and month order is ambiguous; write YYYY-MM-DD"},
		{in: "09.14.2026", err: "day and month order is ambiguous; write YYYY-MM-DD"},
		{in: "2026-9-14", err: "want YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339 (2026-09-14T07:30:00+02:00)"},
		{in: "2026-02-30", err: "want YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339 (2026-09-14T07:30:00+02:00)"},
		{in: "yesterday", err: "want YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339 (2026-09-14T07:30:00+02:00)"},
		{in: "0026-09-14", err: "year outside 1900 to 2999"},
		// 2999-12-31 23:30 at -01:00 is year 3000 in the runner's zone
		{in: "2999-12-31T23:30:00-01:00", err: "year outside 1900 to 2999"},
	}
	for _, tt := range tests {
		got, dateOnly, err := ParseSymptomTime(tt.in, cest)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: got %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) || got.Location() != cest || dateOnly != tt.dateOnly {
			t.Errorf("%q: got %v (%v) dateOnly=%v, %v; want %v dateOnly=%v", tt.in, got, got.Location(), dateOnly, err, tt.want, tt.dateOnly)
		}
	}
	// nil means UTC
	got, _, err := ParseSymptomTime("2026-09-14 07:30", nil)
	if want := time.Date(2026, 9, 14, 7, 30, 0, 0, time.UTC); err != nil || !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("nil location: got %v, %v; want %v", got, err, want)
	}
}

func TestSymptomValidate(t *testing.T) {
	ok := exampleSymptoms(zoneCEST())[0]
	with := func(f func(*Symptom)) Symptom {
		s := ok
		f(&s)
		return s
	}
	tests := []struct {
		name string
		s    Symptom
		want string
	}{
		{"valid", ok, ""},
		{"no side", with(func(s *Symptom) { s.Side = "" }), ""},
		{"zero time", with(func(s *Symptom) { s.Time = time.Time{} }), "date: missing"},
		{"year", with(func(s *Symptom) { s.Time = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC) }),
			`date "1899-12-31 00:00:00 +0000 UTC": year outside 1900 to 2999`},
		{"alias side", with(func(s *Symptom) { s.Side = "l" }), `side "l": not a side name (aliases are for logs; use one of the constants)`},
		{"no location", with(func(s *Symptom) { s.Location = "" }), "location: missing"},
		{"alias location", with(func(s *Symptom) { s.Location = "big_toe" }), `location "big_toe": not a location name (aliases are for logs; use one of the constants)`},
		{"no sensation", with(func(s *Symptom) { s.Sensations = nil }), "sensation: missing"},
		{"bad sensation", with(func(s *Symptom) { s.Sensations = []Sensation{"itch"} }), `sensation "itch": not a sensation name (aliases are for logs; use one of the constants)`},
		{"repeated sensation", with(func(s *Symptom) { s.Sensations = []Sensation{SensationAche, SensationAche} }), `sensation "ache": repeated`},
		{"severity 11", with(func(s *Symptom) { s.Severity = 11 }), `severity "11": want a whole number from 0 to 10`},
		{"severity -1", with(func(s *Symptom) { s.Severity = -1 }), `severity "-1": want a whole number from 0 to 10`},
		{"bad timing", with(func(s *Symptom) { s.Timing = []Timing{"lunch"} }), `timing "lunch": not a timing name (aliases are for logs; use one of the constants)`},
		{"repeated timing", with(func(s *Symptom) { s.Timing = []Timing{TimingNight, TimingNight} }), `timing "night": repeated`},
		{"negative duration", with(func(s *Symptom) { s.Duration = -time.Minute }), `duration "-1m0s": negative`},
	}
	for _, tt := range tests {
		err := tt.s.Validate()
		if got := fmt.Sprint(err); (tt.want == "" && err != nil) || (tt.want != "" && got != tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}
