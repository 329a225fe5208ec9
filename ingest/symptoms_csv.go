package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// symptomColumns is the header AppendSymptomCSV writes, in its order.
const symptomColumns = "date,side,location,sensation,severity,timing,duration,shoes,notes"

// AppendSymptomCSV writes s as one CSV row in the canonical form that
// [ReadSymptoms] reads back to an equal Symptom (Line aside), preceded by
// the header row if header is true. The columns are those of
// symptomColumns: date is YYYY-MM-DD when s.DateOnly, else RFC 3339 with
// the offset of s.Time's location; lists are joined with ";"; a zero
// Duration is an empty cell. s must pass [Symptom.Validate].
func AppendSymptomCSV(w io.Writer, s Symptom, header bool) error {
	if err := s.Validate(); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if header {
		cw.Write(strings.Split(symptomColumns, ","))
	}
	date := s.Time.Format(time.RFC3339Nano)
	if s.DateOnly {
		date = s.Time.Format(time.DateOnly)
	}
	dur := ""
	if s.Duration != 0 {
		dur = formatDuration(s.Duration)
	}
	cw.Write([]string{
		date, string(s.Side), string(s.Location), joinWords(s.Sensations), strconv.Itoa(s.Severity),
		joinWords(s.Timing), dur, s.Shoes, s.Notes,
	})
	cw.Flush()
	return cw.Error()
}

func joinWords[T ~string](words []T) string {
	s := make([]string, len(words))
	for i, w := range words {
		s[i] = string(w)
	}
	return strings.Join(s, ";")
}

func (sr *symptomReader) readCSV() []Symptom {
	comma := sniffComma(sr.data)
	sep := listSeparator
	if comma == ';' {
		sep = func(r rune) bool { return r == '|' || r == ',' }
	}
	cr := csv.NewReader(bytes.NewReader(sr.data))
	cr.Comma = comma
	cr.Comment = '#'
	cr.FieldsPerRecord = -1    // a hand-written row may stop after its last value
	cr.TrimLeadingSpace = true // "a, b" and `a, "b, c"` as people type them
	// Quotes stay strict: with LazyQuotes one stray quote silently runs
	// cells and rows together, while a syntax error names its place.

	header, err := cr.Read()
	if err == io.EOF {
		return []Symptom{} // comments only
	}
	if err != nil {
		sr.csvError(err)
		return nil
	}
	cols := sr.csvHeader(cr, header)
	if cols == nil {
		return nil
	}
	out := []Symptom{}
	for !sr.full() {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			sr.csvError(err)
			break
		}
		if blank(rec) {
			continue // spreadsheets export empty rows
		}
		line, col := cr.FieldPos(0)
		e := rawEntry{pos: srcPos{line, col}, fields: map[string]rawValue{}}
		for i, cell := range rec {
			line, col := cr.FieldPos(i)
			if i >= len(cols) || cols[i] == "" {
				if strings.TrimSpace(cell) != "" {
					sr.fail(srcPos{line, col}, "cell", cell, errors.New("in a column with no name"))
				}
				continue
			}
			e.fields[cols[i]] = rawValue{vals: []string{cell}, pos: srcPos{line, col}}
		}
		if s, ok := sr.entry(e, sep); ok {
			out = append(out, s)
		}
	}
	return out
}

// csvHeader maps each column to a field name ("" for an unnamed column),
// or reports what is wrong with the header and returns nil.
func (sr *symptomReader) csvHeader(cr *csv.Reader, header []string) []string {
	line, _ := cr.FieldPos(0)
	if _, _, err := ParseSymptomTime(header[0], sr.loc); err == nil {
		sr.fail(srcPos{line, 1}, "", "", fmt.Errorf("no header row; the first line must name the columns, like %s", symptomColumns))
		return nil
	}
	voc := fieldVocabulary()
	cols := make([]string, len(header))
	where := map[string]int{} // field -> column index
	for i, h := range header {
		line, col := cr.FieldPos(i)
		name := dropParenthesis(h)
		if normWord(name) == "" {
			continue
		}
		f, err := voc.lookup(name)
		if err != nil {
			sr.fail(srcPos{line, col}, "column", h, err)
			continue
		}
		if j, dup := where[f]; dup {
			sr.fail(srcPos{line, col}, "column", h, fmt.Errorf("%s again (column %d is %q)", f, j+1, header[j]))
			continue
		}
		where[f] = i
		cols[i] = f
	}
	if len(sr.errs) > 0 {
		return nil // a misspelt column is not also a missing one
	}
	has := func(f string) bool { _, ok := where[f]; return ok }
	switch {
	case has("date") && has("datetime"):
		sr.fail(srcPos{line, 0}, "", "", errors.New("both a date and a datetime column; keep one"))
	case has("datetime") && has("time"):
		sr.fail(srcPos{line, 0}, "", "", errors.New("both a datetime and a time column; use date and time, or datetime"))
	case !has("date") && !has("datetime") && !has("time"):
		sr.fail(srcPos{line, 0}, "", "", errors.New("no date column"))
	}
	for _, f := range [...]string{"location", "sensation", "severity"} {
		if !has(f) {
			sr.fail(srcPos{line, 0}, "", "", fmt.Errorf("no %s column", f))
		}
	}
	if len(sr.errs) > 0 {
		return nil
	}
	return cols
}

// dropParenthesis removes a trailing "(...)" from a column name, where
// spreadsheets keep units: "Severity (0-10)".
func dropParenthesis(h string) string {
	h = strings.TrimSpace(h)
	if i := strings.LastIndexByte(h, '('); i > 0 && strings.HasSuffix(h, ")") {
		return h[:i]
	}
	return h
}

func (sr *symptomReader) csvError(err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		err := pe.Err
		if errors.Is(err, csv.ErrBareQuote) || errors.Is(err, csv.ErrQuote) {
			err = fmt.Errorf(`%w: a cell with a " in it must be quoted, with the " doubled: "5"" drop"`, err)
		}
		sr.fail(srcPos{pe.Line, pe.Column}, "", "", err)
		return
	}
	sr.fail(srcPos{}, "", "", err)
}

// sniffComma returns the field separator: ";" when the header (the first
// line that is not blank or a comment) has semicolons and no comma, as
// spreadsheets write CSV where the decimal mark is a comma; else ",".
func sniffComma(data []byte) rune {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if bytes.IndexByte(line, ',') < 0 && bytes.IndexByte(line, ';') >= 0 {
			return ';'
		}
		return ','
	}
	return ','
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
