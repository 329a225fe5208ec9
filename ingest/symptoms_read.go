package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SymptomOptions controls how a symptom log is read. The zero value reads
// by file extension and takes local times as UTC.
type SymptomOptions struct {
	// Format is "csv", "yaml" or "json" (any case; "yml" too). Empty
	// means: decide by the extension of the name given to ReadSymptoms
	// (.csv, .yaml, .yml, .json, any case).
	Format string

	// Location is the runner's time zone. Dates and times written without
	// a UTC offset are in it, and every Symptom.Time is converted to it.
	// nil means UTC. The library never reads the machine's zone itself;
	// a command that wants it passes time.Local.
	Location *time.Location
}

// Limits on what a log can make the reader do. A symptom log is typed by
// hand: a year of daily entries is well under 1 MiB.
const (
	maxSymptomBytes  = 16 << 20
	maxSymptomErrors = 10
)

// ReadSymptoms reads a runner's symptom log: one entry per symptom felt,
// as CSV (a spreadsheet export), YAML or JSON. name is used in messages
// and, when opts.Format is "", to choose the format by its extension.
//
// Every format has the same fields (see testdata/symptoms/FORMAT.md in
// the source tree for the full vocabulary):
//
//	date       2026-09-14, 2026-09-14 07:30, 2026-09-14T07:30 or RFC 3339
//	           with an offset (2026-09-14T07:30:00+02:00); aliases: day
//	time       07:30 or 7:30 PM, combined with date; alone it is read
//	           like datetime
//	datetime   like date; use date or datetime, not both
//	side       left, right, both (l, r, bilateral, ...); may be empty
//	location   toes_1_2, toes_3_4, ball_of_foot, medial_arch, heel,
//	           lateral_foot, dorsal_foot, medial_ankle, lateral_ankle,
//	           shin_front, shin_medial, calf, knee, hamstring, glute,
//	           low_back, neck (aliases: "big toe", "arch", "lumbar", ...)
//	sensation  one or more of pain, ache, sharp, electric, burning,
//	           tingling, pins_and_needles, numbness, cramp, weakness,
//	           clicking
//	severity   whole number 0 to 10 ("3/10" is accepted)
//	timing     any of during_run, after_run, next_morning, at_rest, night
//	duration   20m, 2h, 3d, 2w, 1h30m, "45 min" (see [ParseDuration])
//	shoes      free text
//	notes      free text
//
// date (or datetime, or time), location, sensation and severity are
// required. Words are matched ignoring case, spaces, hyphens and
// underscores, and a misspelt word is answered with the nearest one.
// sensation and timing take several values, separated by ";", "|" or ","
// in a cell, or given as a YAML or JSON list.
//
// CSV needs a header row; column names are matched like words, and a
// parenthesised suffix is ignored ("Severity (0-10)"). An unknown column
// is an error. A header with no comma but a semicolon makes ";" the
// separator, as spreadsheets in many locales write it. Lines starting
// with # are comments. YAML is a list of mappings and JSON an array of
// objects, with the field names as keys.
//
// An empty log (no entries) is not an error. A log with mistakes returns
// no entries and an error naming each one, up to 10, as [*SymptomError]
// values with file:line:column joined by [errors.Join], so a runner can fix
// them in one pass. Logs over 16 MiB are refused.
func ReadSymptoms(r io.Reader, name string, opts SymptomOptions) ([]Symptom, error) {
	format := strings.ToLower(opts.Format)
	if format == "" {
		switch strings.ToLower(filepath.Ext(name)) {
		case ".csv":
			format = "csv"
		case ".yaml", ".yml":
			format = "yaml"
		case ".json":
			format = "json"
		default:
			return nil, fmt.Errorf("ingest: cannot tell the format of symptom log %q: name it .csv, .yaml or .json, or set the format", name)
		}
	}
	var read func(*symptomReader) []Symptom
	switch format {
	case "csv":
		read = (*symptomReader).readCSV
	case "yaml", "yml":
		read = (*symptomReader).readYAML
	case "json":
		read = (*symptomReader).readJSON
	default:
		return nil, fmt.Errorf("ingest: unknown symptom log format %q (want csv, yaml or json)", format)
	}

	data, err := io.ReadAll(io.LimitReader(r, maxSymptomBytes+1))
	if err != nil {
		return nil, &SymptomError{File: name, Err: err}
	}
	if len(data) > maxSymptomBytes {
		return nil, &SymptomError{File: name, Err: fmt.Errorf("larger than %d MiB; not a symptom log", maxSymptomBytes>>20)}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // spreadsheets write a byte-order mark
	if len(bytes.TrimSpace(data)) == 0 {
		return []Symptom{}, nil
	}

	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	sr := &symptomReader{file: name, data: data, loc: loc}
	out := read(sr)
	if len(sr.errs) > 0 {
		if len(sr.errs) == 1 {
			return nil, sr.errs[0]
		}
		return nil, errors.Join(sr.errs...)
	}
	return out, nil
}

// ReadSymptomsFile reads the symptom log at path; see [ReadSymptoms].
func ReadSymptomsFile(path string, opts SymptomOptions) ([]Symptom, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadSymptoms(f, path, opts)
}

// symptomReader holds the state of one ReadSymptoms call: the whole log
// (logs are small) and the errors found so far.
type symptomReader struct {
	file string
	data []byte
	loc  *time.Location
	errs []error
	// fixColumn turns a parser's column into a byte column; nil when the
	// parser already counts bytes.
	fixColumn func(line, col int) int
}

// full reports whether no more errors are collected: maxSymptomErrors
// were, and then one more was found.
func (sr *symptomReader) full() bool { return len(sr.errs) > maxSymptomErrors }

// fail records an error at a position. The first maxSymptomErrors are
// kept; one more turns into a note that reading stopped, so a log with
// exactly 10 mistakes does not claim to have more.
func (sr *symptomReader) fail(p srcPos, field, value string, err error) {
	switch {
	case sr.full():
		return
	case len(sr.errs) == maxSymptomErrors:
		sr.errs = append(sr.errs, &SymptomError{File: sr.file, Err: fmt.Errorf("stopped after %d errors", maxSymptomErrors)})
		return
	}
	col := p.col
	if sr.fixColumn != nil && p.line > 0 && col > 0 {
		col = sr.fixColumn(p.line, col)
	}
	sr.errs = append(sr.errs, &SymptomError{File: sr.file, Line: p.line, Column: col, Field: field, Value: value, Err: err})
}

// srcPos is a 1-based line and column in the log.
type srcPos struct{ line, col int }

// rawValue is one field of an entry as written: one string for a cell or
// scalar, one per item for a YAML or JSON list.
type rawValue struct {
	vals []string
	pos  srcPos
}

// rawEntry is one entry of a log before its values are parsed, keyed by
// field name (see fieldVocabulary).
type rawEntry struct {
	pos    srcPos
	fields map[string]rawValue
}

// text is the value as the runner wrote it, for messages.
func (v rawValue) text() string { return strings.Join(v.vals, "; ") }

// single returns the one value of a field that does not take a list, and
// whether it is there. A list is reported, and then the field is neither
// there nor missing.
func (sr *symptomReader) single(e rawEntry, field string) (string, srcPos, presence) {
	v, ok := e.fields[field]
	if !ok {
		return "", e.pos, absent
	}
	switch len(v.vals) {
	case 0:
		return "", v.pos, absent
	case 1:
		s := strings.TrimSpace(v.vals[0])
		if s == "" {
			return "", v.pos, absent
		}
		return s, v.pos, present
	}
	sr.fail(v.pos, field, v.text(), errors.New("takes one value, not a list"))
	return "", v.pos, reported
}

type presence int

const (
	absent   presence = iota // no such field, or an empty one
	present                  // one value
	reported                 // a problem already reported
)

// multi splits a field that takes several values into its words, dropping
// empty ones.
func multi(v rawValue, sep func(rune) bool) []string {
	var words []string
	for _, s := range v.vals {
		for _, w := range strings.FieldsFunc(s, sep) {
			if w = strings.TrimSpace(w); w != "" {
				words = append(words, w)
			}
		}
	}
	return words
}

// listSeparator splits multi-valued cells. In a CSV file whose fields are
// separated by ";", only "|" and "," can be left in a cell.
func listSeparator(r rune) bool { return r == ';' || r == '|' || r == ',' }

// entry parses the fields of e into a Symptom. It reports every bad field
// of the entry and returns false if there was any.
func (sr *symptomReader) entry(e rawEntry, sep func(rune) bool) (Symptom, bool) {
	before := len(sr.errs)
	s := Symptom{Line: e.pos.line}

	// When: date (+ time), datetime, or time alone.
	date, datePos, hasDate := sr.single(e, "date")
	clock, clockPos, hasClock := sr.single(e, "time")
	dt, dtPos, hasDT := sr.single(e, "datetime")
	switch {
	case hasDate == reported || hasClock == reported || hasDT == reported:
	case hasDate == present && hasDT == present:
		sr.fail(dtPos, "datetime", dt, errors.New("give date or datetime, not both"))
	case hasDT == present && hasClock == present:
		sr.fail(clockPos, "time", clock, errors.New("give datetime or time, not both"))
	case hasDT == present:
		sr.when(&s, "datetime", dt, dtPos, "", srcPos{})
	case hasDate == present && hasClock == present:
		sr.when(&s, "date", date, datePos, clock, clockPos)
	case hasDate == present:
		sr.when(&s, "date", date, datePos, "", srcPos{})
	case hasClock == present:
		sr.when(&s, "time", clock, clockPos, "", srcPos{}) // a time field alone holds whole times
	default:
		sr.fail(e.pos, "date", "", errMissing)
	}

	if v, p, has := sr.single(e, "side"); has == present {
		side, err := sideVocabulary().lookup(v)
		if err != nil {
			sr.fail(p, "side", v, err)
		}
		s.Side = Side(side)
	}

	switch v, p, has := sr.single(e, "location"); has {
	case absent:
		sr.fail(p, "location", "", errMissing)
	case present:
		l, err := locationVocabulary().lookup(v)
		if err != nil {
			sr.fail(p, "location", v, err)
		}
		s.Location = Location(l)
	}

	v, ok := e.fields["sensation"]
	words := multi(v, sep)
	if len(words) == 0 {
		p := e.pos
		if ok {
			p = v.pos
		}
		sr.fail(p, "sensation", "", errMissing)
	}
	voc := sensationVocabulary()
	for _, w := range words {
		name, err := voc.lookup(w)
		if err != nil {
			sr.fail(v.pos, "sensation", w, err)
			continue
		}
		s.Sensations = appendNew(s.Sensations, Sensation(name))
	}

	switch v, p, has := sr.single(e, "severity"); has {
	case absent:
		sr.fail(p, "severity", "", errMissing)
	case present:
		n, err := parseSeverity(v)
		if err != nil {
			sr.fail(p, "severity", v, err)
		}
		s.Severity = n
	}

	if v, ok := e.fields["timing"]; ok {
		voc := timingVocabulary()
		for _, w := range multi(v, sep) {
			name, err := voc.lookup(w)
			if err != nil {
				sr.fail(v.pos, "timing", w, err)
				continue
			}
			s.Timing = appendNew(s.Timing, Timing(name))
		}
	}

	if v, p, has := sr.single(e, "duration"); has == present {
		d, err := ParseDuration(v)
		if err != nil {
			sr.fail(p, "duration", v, err)
		}
		s.Duration = d
	}

	shoes, _, _ := sr.single(e, "shoes")
	notes, _, _ := sr.single(e, "notes")
	s.Shoes, s.Notes = freeText(shoes), freeText(notes)
	return s, len(sr.errs) == before
}

// when sets s.Time and s.DateOnly from a date or date-time in field, and
// a time of day from the time field if clock is not "".
func (sr *symptomReader) when(s *Symptom, field, date string, datePos srcPos, clock string, clockPos srcPos) {
	t, dateOnly, err := ParseSymptomTime(date, sr.loc)
	if err != nil {
		sr.fail(datePos, field, date, err)
		return
	}
	if clock != "" {
		if !dateOnly {
			sr.fail(clockPos, "time", clock, errors.New("the date already has a time of day"))
			return
		}
		if t, err = addClock(t, clock); err != nil {
			sr.fail(clockPos, "time", clock, err)
			return
		}
		dateOnly = false
	}
	s.Time, s.DateOnly = t, dateOnly
}

// freeText makes every line break "\n", whatever the log was saved with.
func freeText(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
