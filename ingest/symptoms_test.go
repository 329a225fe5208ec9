package ingest

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite golden files")

// zoneCEST is the runner's zone in the tests: a fixed +02:00, so the tests
// do not depend on the machine's time zone database.
func zoneCEST() *time.Location { return time.FixedZone("CEST", 2*60*60) }

// ignoreLine compares entries read from different formats, whose lines
// differ.
func ignoreLine() cmp.Option { return cmpopts.IgnoreFields(Symptom{}, "Line") }

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

func TestReadSymptomsExampleFormatsAgree(t *testing.T) {
	cest := zoneCEST()
	want := exampleSymptoms(cest)
	// Lines where each entry starts: in the CSV a comment and the header
	// come first (lines 3-10); in the YAML each "- date:" line; in the
	// JSON each line with a "{".
	lines := map[string][]int{
		"example.csv":  {3, 4, 5, 6, 7, 8, 9, 10},
		"example.yaml": {2, 13, 22, 34, 45, 55, 64, 72},
		"example.json": {2, 5, 7, 10, 13, 15, 18, 20},
	}
	for name, wantLines := range lines {
		t.Run(name, func(t *testing.T) {
			got, err := ReadSymptomsFile(filepath.Join("testdata", "symptoms", name), SymptomOptions{Location: cest})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, ignoreLine()); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			var gotLines []int
			for i, s := range got {
				gotLines = append(gotLines, s.Line)
				if s.Time.Location() != cest {
					t.Errorf("entry %d: time in %v, want the runner's zone", i, s.Time.Location())
				}
				if err := s.Validate(); err != nil {
					t.Errorf("entry %d: %v", i, err)
				}
			}
			if diff := cmp.Diff(wantLines, gotLines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

// errorLines splits what ReadSymptoms returned into one message per error.
func errorLines(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

func TestReadSymptomsErrorFixtures(t *testing.T) {
	// Columns are 1-based bytes. In bad.csv, row 2 is
	// "2026-09-14,left,midial arch": 10+1+4+1 = 16 bytes before the
	// location, so it starts at 17.
	tests := []struct {
		file string
		want []string
	}{
		{"bad.csv", []string{
			`bad.csv:2:17: location "midial arch": unknown location; did you mean "medial_arch"?`,
			`bad.csv:3:22: sensation "tinglng": unknown sensation; did you mean "tingling"?`,
			`bad.csv:3:35: severity "11": want a whole number from 0 to 10`,
			`bad.csv:3:48: duration "20": needs a unit: 20m, 2h, 3d or 2w`,
			`bad.csv:4:1: date "14/09/2026": day and month order is ambiguous; write YYYY-MM-DD`,
			`bad.csv:4:12: side "rigth": unknown side; did you mean "right"?`,
			`bad.csv:4:18: location "shin": unknown location; did you mean "shin_front" or "shin_medial"?`,
			`bad.csv:5:17: location: missing`,
			`bad.csv:5:23: severity: missing`,
		}},
		{"bad_header.csv", []string{
			`bad_header.csv:1:11: column "Locaton": unknown field; did you mean "location"?`,
			`bad_header.csv:1:29: column "Severty": unknown field; did you mean "severity"?`,
			`bad_header.csv:1:37: column "Pain": unknown field (want one of date, time, datetime, side, location, sensation, severity, timing, duration, shoes, notes)`,
		}},
		{"bad.yaml", []string{
			`bad.yaml:5:3: key "feel": unknown field (want one of date, time, datetime, side, location, sensation, severity, timing, duration, shoes, notes)`,
			`bad.yaml:7:13: location: want text or a list of text`,
			`bad.yaml:10:3: want an entry of key: value lines`,
			`bad.yaml:12:13: location "hell": unknown location; did you mean "heel"?`,
			`bad.yaml:13:14: sensation "burnin": unknown sensation; did you mean "burning"?`,
			`bad.yaml:14:13: severity "ten": want a whole number from 0 to 10`,
		}},
		{"bad.json", []string{
			`bad.json:2:82: key "feel": unknown field (want one of date, time, datetime, side, location, sensation, severity, timing, duration, shoes, notes)`,
			`bad.json:3:38: location: want text, a number or a list of text`,
			`bad.json:4:3: want an object {...} for each entry`,
			`bad.json:5:38: location "hell": unknown location; did you mean "heel"?`,
			`bad.json:5:59: sensation "burnin": unknown sensation; did you mean "burning"?`,
			`bad.json:5:91: severity "3.5": want a whole number from 0 to 10`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "symptoms", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadSymptoms(bytes.NewReader(b), tt.file, SymptomOptions{})
			if got != nil {
				t.Errorf("got %d entries with an error, want none", len(got))
			}
			if diff := cmp.Diff(tt.want, errorLines(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSymptomErrorFields(t *testing.T) {
	_, err := ReadSymptomsFile(filepath.Join("testdata", "symptoms", "bad.csv"), SymptomOptions{})
	var se *SymptomError
	if !errors.As(err, &se) {
		t.Fatalf("%v: not a *SymptomError", err)
	}
	// the first error of bad.csv, as in TestReadSymptomsErrorFixtures
	want := &SymptomError{File: filepath.Join("testdata", "symptoms", "bad.csv"), Line: 2, Column: 17,
		Field: "location", Value: "midial arch"}
	if diff := cmp.Diff(want, se, cmpopts.IgnoreFields(SymptomError{}, "Err")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if errors.Unwrap(se) != se.Err {
		t.Error("Unwrap does not return Err")
	}
	// A pasted paragraph is quoted back cut at 60 bytes, on a rune
	// boundary: 59 "a" and a 2-byte "é" would end at byte 61, so the é goes.
	long := &SymptomError{Field: "location", Value: strings.Repeat("a", 59) + "é and more", Err: errMissing}
	if want := `location "` + strings.Repeat("a", 59) + `...": missing`; long.Error() != want {
		t.Errorf("got %s, want %s", long, want)
	}
	if got := (&SymptomError{Line: 3}).Error(); got != "line 3: bad symptom log" {
		t.Errorf("no Err: got %q", got)
	}
	// Without a file name the position still shows.
	_, err = ReadSymptoms(strings.NewReader("date,location,sensation,severity\n2026-09-14,heel,ache,x\n"), "", SymptomOptions{Format: "csv"})
	if want := `line 2, column 22: severity "x": want a whole number from 0 to 10`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestReadSymptomsInline(t *testing.T) {
	const hdr = "date,location,sensation,severity\n"
	day := func(d int) time.Time { return time.Date(2026, 9, d, 0, 0, 0, 0, time.UTC) }
	heelAche := func(t time.Time, line int) Symptom {
		return Symptom{Time: t, DateOnly: t.Hour() == 0 && t.Minute() == 0, Location: LocationHeel,
			Sensations: []Sensation{SensationAche}, Severity: 3, Line: line}
	}
	tests := []struct {
		name, format, in string
		want             []Symptom // compared with Line
		errs             []string
	}{
		{name: "empty csv", format: "csv", in: "", want: []Symptom{}},
		{name: "blank yaml", format: "yaml", in: "  \n\n", want: []Symptom{}},
		{name: "comment-only yaml", format: "yaml", in: "# nothing yet\n", want: []Symptom{}},
		{name: "null yaml", format: "yaml", in: "~\n", want: []Symptom{}},
		{name: "empty json array", format: "json", in: "[]", want: []Symptom{}},
		{name: "header only", format: "csv", in: hdr, want: []Symptom{}},
		{name: "comments only csv", format: "csv", in: "# a\n# b\n", want: []Symptom{}},
		{name: "byte-order mark", format: "csv", in: "\uFEFF" + hdr + "2026-09-14,heel,ache,3\n",
			want: []Symptom{heelAche(day(14), 2)}},
		{name: "crlf and blank rows", format: "csv", in: "date,location,sensation,severity\r\n,,,\r\n2026-09-14,heel,ache,3\r\n",
			want: []Symptom{heelAche(day(14), 3)}},
		// European spreadsheets separate fields with ";", so lists use "|" or ",".
		{name: "semicolon separated", format: "csv", in: "date;location;sensation;severity\n2026-09-14;heel;ache|ache;3\n",
			want: []Symptom{heelAche(day(14), 2)}},
		{name: "semicolon list in semicolon file", format: "csv", in: "date;location;sensation;severity\n2026-09-14;heel;ache;burning;3\n",
			// the 5th field has no column; the 4th, "burning", is no severity
			errs: []string{
				`line 2, column 30: cell "3": in a column with no name`,
				`line 2, column 22: severity "burning": want a whole number from 0 to 10`,
			}},
		{name: "short row and trailing unnamed column", format: "csv", in: "date,location,sensation,severity,notes,\n2026-09-14,heel,ache,3\n",
			want: []Symptom{heelAche(day(14), 2)}},
		{name: "spaces after commas", format: "csv", in: "date, location, sensation, severity, notes\n2026-09-14, heel, ache, 3, \"a, b\"\n",
			want: []Symptom{func() Symptom { s := heelAche(day(14), 2); s.Notes = "a, b"; return s }()}},
		{name: "bare quote in notes", format: "csv", in: hdr[:len(hdr)-1] + ",notes\n2026-09-14,heel,ache,3,5\" drop\n",
			// 23 bytes come before the 5, so the quote is at 25
			errs: []string{`line 2, column 25: bare " in non-quoted-field: a cell with a " in it must be quoted, with the " doubled: "5"" drop"`}},
		{name: "quoted quote in notes", format: "csv", in: hdr[:len(hdr)-1] + ",notes\n2026-09-14,heel,ache,3,\"5\"\" drop\"\n",
			want: []Symptom{func() Symptom { s := heelAche(day(14), 2); s.Notes = `5" drop`; return s }()}},
		{name: "time column alone is a datetime", format: "csv", in: "time,location,sensation,severity\n2026-09-14 07:30,heel,ache,3\n",
			want: []Symptom{heelAche(time.Date(2026, 9, 14, 7, 30, 0, 0, time.UTC), 2)}},
		{name: "datetime alias timestamp", format: "csv", in: "Timestamp,Where,Feeling,Score (0-10)\n2026-09-14T07:30,heel,ache,3\n",
			want: []Symptom{heelAche(time.Date(2026, 9, 14, 7, 30, 0, 0, time.UTC), 2)}},
		{name: "no header", format: "csv", in: "2026-09-14,heel,ache,3\n",
			errs: []string{"line 1, column 1: no header row; the first line must name the columns, like date,side,location,sensation,severity,timing,duration,shoes,notes"}},
		{name: "missing columns", format: "csv", in: "date,side\n2026-09-14,left\n",
			errs: []string{"line 1: no location column", "line 1: no sensation column", "line 1: no severity column"}},
		{name: "repeated column", format: "csv", in: "date,day,location,sensation,severity\n",
			errs: []string{`line 1, column 6: column "day": date again (column 1 is "date")`}},
		{name: "date and datetime columns", format: "csv", in: "date,datetime,location,sensation,severity\n",
			errs: []string{"line 1: both a date and a datetime column; keep one"}},
		{name: "date with a time and a time", format: "csv", in: "date,time,location,sensation,severity\n2026-09-14 07:00,08:00,heel,ache,3\n",
			errs: []string{`line 2, column 18: time "08:00": the date already has a time of day`}},
		{name: "bad clock", format: "csv", in: "date,time,location,sensation,severity\n2026-09-14,25:00,heel,ache,3\n",
			errs: []string{`line 2, column 12: time "25:00": want a time of day: HH:MM, HH:MM:SS or 7:30 PM`}},
		{name: "12-hour clock", format: "csv", in: "date,time,location,sensation,severity\n2026-09-14,7:30:00 pm,heel,ache,3\n",
			want: []Symptom{heelAche(time.Date(2026, 9, 14, 19, 30, 0, 0, time.UTC), 2)}},
		{name: "csv syntax", format: "csv", in: hdr + "2026-09-14,heel,\"ache\"x,3\n",
			// encoding/csv points at the closing quote (column 22), not the x
			errs: []string{`line 2, column 22: extraneous or missing " in quoted-field: a cell with a " in it must be quoted, with the " doubled: "5"" drop"`}},
		// Each row has one error; the reader stops at 10 and says so,
		// but only if there was an 11th.
		{name: "too many errors", format: "csv", in: hdr + strings.Repeat("2026-09-14,heel,ache,11\n", 12),
			errs: append(slicesRepeat(`severity "11": want a whole number from 0 to 10`, 10), "stopped after 10 errors")},
		{name: "ten errors", format: "csv", in: hdr + strings.Repeat("2026-09-14,heel,ache,11\n", 10),
			errs: slicesRepeat(`severity "11": want a whole number from 0 to 10`, 10)},
		{name: "yaml syntax", format: "yaml", in: "- date: 2026-09-14\n  location: [heel\n",
			errs: []string{"line 1: YAML syntax: did not find expected ',' or ']' (on this line or the next)"}},
		{name: "yaml not a list", format: "yaml", in: "date: 2026-09-14\n",
			errs: []string{"line 1, column 1: want a list of entries (each line starting with -)"}},
		{name: "two yaml documents", format: "yaml", in: "- date: 2026-09-14\n---\n- date: 2026-09-15\n",
			errs: []string{"line 2: a second YAML document; a log is one list of entries"}},
		{name: "yaml repeated key via alias", format: "yaml", in: "- date: 2026-09-14\n  day: 2026-09-15\n  location: heel\n  sensation: ache\n  severity: 3\n",
			errs: []string{`line 2, column 3: key "day": repeated (or an alias of an earlier key)`}},
		// "é" is two bytes: yaml.v3 says column 7, the message says 8.
		{name: "yaml columns in bytes", format: "yaml", in: "- notes: é\n  date: 2026-09-14\n  location: hel\n  sensation: ache\n  severity: 3\n",
			errs: []string{`line 3, column 13: location "hel": unknown location; did you mean "heel"?`}},
		{name: "yaml anchors", format: "yaml", in: "- &e {date: 2026-09-14, location: heel, sensation: ache, severity: 3}\n- *e\n",
			want: []Symptom{heelAche(day(14), 1), heelAche(day(14), 2)}},
		{name: "yaml null and list", format: "yaml", in: "- date: 2026-09-14\n  location: heel\n  sensation: [ache, ~]\n  severity: 3\n  notes: ~\n",
			want: []Symptom{heelAche(day(14), 1)}},
		{name: "yaml list of lists", format: "yaml", in: "- date: 2026-09-14\n  location: heel\n  sensation: [[ache]]\n  severity: 3\n",
			errs: []string{`line 3, column 15: sensation: want text in the list`}},
		{name: "yaml list for one value", format: "yaml", in: "- date: 2026-09-14\n  location: [heel, calf]\n  sensation: ache\n  severity: 3\n",
			errs: []string{`line 2, column 13: location "heel; calf": takes one value, not a list`}},
		{name: "json syntax", format: "json", in: "[\n  {\"date\": \"2026-09-14\" \"location\": \"heel\"}\n]",
			errs: []string{"line 2, column 25: invalid character '\"' after object key:value pair"}},
		{name: "json cut short", format: "json", in: "[\n  {\"date\": \"2026-09-14\",",
			errs: []string{"line 2, column 24: unexpected end of JSON input"}},
		{name: "json cut after comma", format: "json", in: "[{\"date\": \"2026-09-14\", \"location\": \"heel\", \"sensation\": \"ache\", \"severity\": 3},",
			errs: []string{"line 1, column 80: unexpected end of JSON input"}},
		{name: "json not an array", format: "json", in: "  {\"date\": \"2026-09-14\"}",
			errs: []string{"line 1, column 3: want an array of entries: [{...}, ...]"}},
		{name: "json text after array", format: "json", in: "[] x",
			errs: []string{"line 1, column 4: text after the array"}},
		{name: "json repeated key", format: "json", in: `[{"date": "2026-09-14", "Date": "2026-09-15"}]`,
			errs: []string{`line 1, column 25: key "Date": repeated (or an alias of an earlier key)`}},
		{name: "json list with a number", format: "json", in: `[{"date": "2026-09-14", "location": "heel", "sensation": ["ache"], "severity": 3, "timing": [true]}]`,
			errs: []string{`line 1, column 93: timing: want text or numbers in the list`}},
		{name: "json date and datetime", format: "json", in: `[{"date": "2026-09-14", "datetime": "2026-09-14T07:00", "location": "heel", "sensation": "ache", "severity": 3}]`,
			errs: []string{`line 1, column 37: datetime "2026-09-14T07:00": give date or datetime, not both`}},
		{name: "missing everything", format: "json", in: `[{"notes": "forgot"}]`,
			errs: []string{
				"line 1, column 2: date: missing",
				"line 1, column 2: location: missing",
				"line 1, column 2: sensation: missing",
				"line 1, column 2: severity: missing",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadSymptoms(strings.NewReader(tt.in), "", SymptomOptions{Format: tt.format})
			if diff := cmp.Diff(tt.errs, errorLines(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

func slicesRepeat(suffix string, n int) []string {
	var out []string
	for i := range n {
		// header on line 1, so error i is on line i+2; severity starts
		// after "2026-09-14,heel,ache," (21 bytes)
		out = append(out, fmt.Sprintf("line %d, column 22: %s", i+2, suffix))
	}
	return out
}

func TestReadSymptomsFormatChoice(t *testing.T) {
	// this CSV is also a YAML string, which is not a list: an error
	const csvLog = "date,location,sensation,severity\n2026-09-14,heel,ache,3\n"
	tests := []struct {
		name, format, err string
	}{
		{name: "log.csv"},
		{name: "LOG.CSV"},
		{name: "log.txt", format: "csv"},
		{name: "log.txt", format: "YML", err: "log.txt:1:1: want a list of entries (each line starting with -)"},
		{name: "log.txt", err: `ingest: cannot tell the format of symptom log "log.txt": name it .csv, .yaml or .json, or set the format`},
		{name: "", err: `ingest: cannot tell the format of symptom log "": name it .csv, .yaml or .json, or set the format`},
		{name: "log.csv", format: "xlsx", err: `ingest: unknown symptom log format "xlsx" (want csv, yaml or json)`},
	}
	for _, tt := range tests {
		_, err := ReadSymptoms(strings.NewReader(csvLog), tt.name, SymptomOptions{Format: tt.format})
		if got := fmt.Sprint(err); (tt.err == "" && err != nil) || (tt.err != "" && got != tt.err) {
			t.Errorf("%q %q: got %v, want %q", tt.name, tt.format, err, tt.err)
		}
	}
	// 16 MiB + 1 byte is refused before it is parsed.
	big := bytes.Repeat([]byte("#"), maxSymptomBytes+1)
	_, err := ReadSymptoms(bytes.NewReader(big), "big.csv", SymptomOptions{})
	if want := "big.csv: larger than 16 MiB; not a symptom log"; fmt.Sprint(err) != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if _, err := ReadSymptomsFile(filepath.Join("testdata", "symptoms", "nope.csv"), SymptomOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v", err)
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

func TestAppendSymptomCSV(t *testing.T) {
	cest := zoneCEST()
	want := exampleSymptoms(cest)
	var buf bytes.Buffer
	for i, s := range want {
		if err := AppendSymptomCSV(&buf, s, i == 0); err != nil {
			t.Fatal(err)
		}
	}
	// The canonical form of the first two and the sixth example entries:
	// a time with its offset, a bare date, quoting of commas and quotes.
	lines := strings.Split(buf.String(), "\n")
	for _, w := range []struct {
		line int
		text string
	}{
		{0, "date,side,location,sensation,severity,timing,duration,shoes,notes"},
		{1, `2026-09-14T07:30:00+02:00,left,toes_3_4,tingling;burning,3,during_run,20m,Pegasus 41,"new shoes, laces tight"`},
		{2, `2026-09-15,left,toes_3_4,numbness,2,after_run,2h,Pegasus 41,`},
		{6, `2026-09-20,right,medial_arch,sharp,6,during_run,,Vaporfly 3,"race day; ""felt it at km 30"""`},
		{8, `2026-09-27,left,toes_1_2,numbness,1,after_run,2w,Pegasus 41,still numb two weeks after the lacing change`},
	} {
		if lines[w.line] != w.text {
			t.Errorf("line %d:\n got %s\nwant %s", w.line+1, lines[w.line], w.text)
		}
	}
	got, err := ReadSymptoms(&buf, "log.csv", SymptomOptions{Location: cest})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, ignoreLine()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	bad := want[0]
	bad.Severity = 12
	buf.Reset()
	if err := AppendSymptomCSV(&buf, bad, true); err == nil || buf.Len() != 0 {
		t.Errorf("invalid entry: err %v, wrote %q", err, buf.String())
	}
}

func ExampleReadSymptoms() {
	log := `date,side,location,sensation,severity,timing,duration
2026-09-14 07:30,left,between toes 3 and 4,tingling;burning,3,during run,20m
2026-09-15,left,midial arch,numb,2,after run,2h
`
	_, err := ReadSymptoms(strings.NewReader(log), "symptoms.csv", SymptomOptions{})
	fmt.Println(err)

	log = strings.Replace(log, "midial", "medial", 1)
	entries, err := ReadSymptoms(strings.NewReader(log), "symptoms.csv", SymptomOptions{})
	if err != nil {
		panic(err)
	}
	for _, s := range entries {
		fmt.Println(s.Time.Format(time.DateTime), s.DateOnly, s.Side, s.Location, s.Sensations, s.Severity, s.Timing, s.Duration)
	}
	// Output:
	// symptoms.csv:3:17: location "midial arch": unknown location; did you mean "medial_arch"?
	// 2026-09-14 07:30:00 false left toes_3_4 [tingling burning] 3 [during_run] 20m0s
	// 2026-09-15 00:00:00 true left medial_arch [numbness] 2 [after_run] 2h0m0s
}

// TestSymptomFormatDoc keeps the vocabulary section of FORMAT.md, which
// the README quotes, generated from the tables: go test -run
// TestSymptomFormatDoc -update rewrites it.
func TestSymptomFormatDoc(t *testing.T) {
	const begin, end = "<!-- vocabulary: generated by TestSymptomFormatDoc -->\n", "<!-- end of vocabulary -->\n"
	path := filepath.Join("testdata", "symptoms", "FORMAT.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(doc), begin)
	_, after, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("%s: no %q ... %q section", path, begin, end)
	}
	want := before + begin + vocabularyMarkdown() + end + after
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want, string(doc)); diff != "" {
		t.Errorf("%s is stale; run go test ./ingest -run TestSymptomFormatDoc -update (-want +got):\n%s", path, diff)
	}
}

func vocabularyMarkdown() string {
	var b strings.Builder
	human := func(w string) string { return strings.ReplaceAll(w, "_", " ") }
	for _, v := range []vocabulary{fieldVocabulary(), sideVocabulary(), locationVocabulary(), sensationVocabulary(), timingVocabulary()} {
		fmt.Fprintf(&b, "\n| %s | also accepted |\n|---|---|\n", v.what)
		for _, term := range v.terms {
			name := "`" + term.name + "`"
			if term.name == "" {
				name = "(no side)"
			}
			var aliases []string
			for _, a := range term.aliases {
				aliases = append(aliases, human(a))
			}
			fmt.Fprintf(&b, "| %s | %s |\n", name, strings.Join(aliases, ", "))
		}
		if len(v.hints) > 0 {
			fmt.Fprintf(&b, "\nNot accepted, but answered with a suggestion:")
			for i, h := range v.hints {
				sep := ";"
				if i == len(v.hints)-1 {
					sep = "."
				}
				var names []string
				for _, n := range h.names {
					names = append(names, "`"+n+"`")
				}
				fmt.Fprintf(&b, "\n%s → %s%s", human(h.word), strings.Join(names, " or "), sep)
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}
