package ingest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Symptom is one entry of a runner's symptom log: what was felt, where,
// how strongly and when. It records what the runner reported and nothing
// more; interpreting it is the report package's job.
type Symptom struct {
	// Time is when the symptom was felt, in SymptomOptions.Location. When
	// the log gave only a day, DateOnly is true and Time is the start of
	// that day.
	Time     time.Time
	DateOnly bool

	Side       Side        // "" when not given (a midline low back, the neck)
	Location   Location    // never ""
	Sensations []Sensation // at least one, no repeats, in the order given
	Severity   int         // 0 (none) to 10 (worst imaginable)
	Timing     []Timing    // may be empty; no repeats, in the order given
	Duration   time.Duration
	Shoes      string // free text, trimmed
	Notes      string // free text, trimmed; line breaks are "\n"

	// Line is the line of the log where the entry starts (1-based), for
	// messages about it; 0 for an entry that was not read from a log.
	Line int
}

// SymptomError is a problem in a symptom log, or in one value of a
// Symptom. Line and Column are 1-based (Column counts bytes, as in
// encoding/csv and the Go toolchain); 0 means unknown. Field names the
// field (or "column", "key") and Value is the text that was rejected.
type SymptomError struct {
	File   string // the name given to ReadSymptoms; "" if none
	Line   int
	Column int
	Field  string
	Value  string
	Err    error
}

func (e *SymptomError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Column)
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	switch {
	case e.Field != "" && e.Value != "":
		fmt.Fprintf(&b, "%s %q: ", e.Field, clip(e.Value))
	case e.Field != "":
		fmt.Fprintf(&b, "%s: ", e.Field)
	}
	if e.Err == nil {
		b.WriteString("bad symptom log")
	} else {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *SymptomError) Unwrap() error { return e.Err }

// clip shortens what a message quotes back: a whole pasted paragraph helps
// nobody find the mistake.
func clip(s string) string {
	const maxQuoted = 60
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Validate reports the first value of s that a log could not hold: a zero
// Time or one outside the years 1900 to 2999, a Location, Sensation,
// Timing or Side outside the vocabulary (aliases are not accepted here,
// only the names of the constants), no Sensation, a repeated Sensation or
// Timing, a Severity outside 0 to 10, or a negative Duration. The error
// is a [*SymptomError] with no position.
func (s Symptom) Validate() error {
	bad := func(field, value string, err error) error {
		return &SymptomError{Field: field, Value: value, Err: err}
	}
	if s.Time.IsZero() {
		return bad("date", "", errMissing)
	}
	if y := s.Time.Year(); y < minSymptomYear || y > maxSymptomYear {
		return bad("date", s.Time.String(), errYearRange)
	}
	if s.Side != "" && !sideVocabulary().isName(string(s.Side)) {
		return bad("side", string(s.Side), errNotName("side"))
	}
	if s.Location == "" {
		return bad("location", "", errMissing)
	}
	if !locationVocabulary().isName(string(s.Location)) {
		return bad("location", string(s.Location), errNotName("location"))
	}
	if len(s.Sensations) == 0 {
		return bad("sensation", "", errMissing)
	}
	v := sensationVocabulary()
	for i, x := range s.Sensations {
		if !v.isName(string(x)) {
			return bad("sensation", string(x), errNotName("sensation"))
		}
		if slices.Contains(s.Sensations[:i], x) {
			return bad("sensation", string(x), errRepeated)
		}
	}
	if s.Severity < 0 || s.Severity > 10 {
		return bad("severity", fmt.Sprint(s.Severity), errSeverity)
	}
	v = timingVocabulary()
	for i, x := range s.Timing {
		if !v.isName(string(x)) {
			return bad("timing", string(x), errNotName("timing"))
		}
		if slices.Contains(s.Timing[:i], x) {
			return bad("timing", string(x), errRepeated)
		}
	}
	if s.Duration < 0 {
		return bad("duration", s.Duration.String(), errors.New("negative"))
	}
	return nil
}

var (
	errMissing   = errors.New("missing")
	errRepeated  = errors.New("repeated")
	errSeverity  = errors.New("want a whole number from 0 to 10")
	errYearRange = fmt.Errorf("year outside %d to %d", minSymptomYear, maxSymptomYear)
)

func errNotName(what string) error {
	return fmt.Errorf("not a %s name (aliases are for logs; use one of the constants)", what)
}

// The years a log entry may have. Anything else is a typo, and it keeps
// every Time writable by [AppendSymptomCSV] and readable again.
const (
	minSymptomYear = 1900
	maxSymptomYear = 2999
)

// parseSeverity reads a 0-10 rating, also written "3/10".
func parseSeverity(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "/10"))
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 10 {
		return 0, errSeverity
	}
	return n, nil
}

// appendNew appends x unless it is already in list.
func appendNew[T comparable](list []T, x T) []T {
	for _, y := range list {
		if y == x {
			return list
		}
	}
	return append(list, x)
}
