package ingest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ParseSymptomTime parses when a symptom was felt:
//
//	2026-09-14                  a day (dateOnly is true; t is its start)
//	2026-09-14 07:30            a local time, "T" or a space between,
//	2026-09-14T07:30:15         seconds optional
//	2026-09-14T07:30:00+02:00   RFC 3339, with an offset or Z; seconds and
//	                            the "T" are optional here too
//
// Times without an offset are in loc (UTC if nil); t is always in loc.
// Years outside 1900 to 2999 are refused as typos. Day-first and
// month-first dates (14/09/2026) are refused as ambiguous.
func ParseSymptomTime(s string, loc *time.Location) (t time.Time, dateOnly bool, err error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(s)
	t, err = time.ParseInLocation(time.DateOnly, s, loc)
	if err == nil {
		dateOnly = true
	} else {
		t, err = parseDateTime(s, loc)
	}
	if err != nil {
		if strings.Count(s, "/") == 2 || strings.Count(s, ".") == 2 {
			return time.Time{}, false, errors.New("day and month order is ambiguous; write YYYY-MM-DD")
		}
		return time.Time{}, false, errors.New("want YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339 (2026-09-14T07:30:00+02:00)")
	}
	t = t.In(loc)
	if y := t.Year(); y < minSymptomYear || y > maxSymptomYear {
		return time.Time{}, false, errYearRange
	}
	return t, dateOnly, nil
}

func parseDateTime(s string, loc *time.Location) (time.Time, error) {
	// time.Parse takes a fractional second after the seconds even when
	// the layout has none, so RFC3339 also reads what RFC3339Nano writes.
	for _, layout := range [...]string{
		time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04Z07:00",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	var err error
	for _, layout := range [...]string{
		"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04",
	} {
		var t time.Time
		if t, err = time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// addClock sets the time of day of the day that starts at day, from a
// separate "time" cell: 07:30, 7:30 or 07:30:15, or 7:30 AM and 7:30:00 PM
// as spreadsheets in 12-hour locales export them.
func addClock(day time.Time, clock string) (time.Time, error) {
	clock = strings.ToUpper(strings.Join(strings.Fields(clock), " "))
	for _, layout := range [...]string{"15:04", "15:04:05", "3:04 PM", "3:04:05 PM", "3:04PM", "3:04:05PM"} {
		if c, err := time.Parse(layout, clock); err == nil {
			y, m, d := day.Date()
			return time.Date(y, m, d, c.Hour(), c.Minute(), c.Second(), 0, day.Location()), nil
		}
	}
	return time.Time{}, errors.New("want a time of day: HH:MM, HH:MM:SS or 7:30 PM")
}

// ParseDuration parses how long a symptom lasted, with the units runners
// write: "20m", "2h", "3d", "2w", "1h30m", "45 min", "1.5 hours",
// "2 weeks". Units are s, m, h, d (24 h) and w (7 d), or their words
// (sec, min, mins, minute(s), hr, hrs, hour(s), day(s), wk, week(s), ...).
// A number needs a unit: "20" could be minutes or days. The result is
// rounded to the second.
func ParseDuration(s string) (time.Duration, error) {
	rest := strings.TrimSpace(s)
	if rest == "" {
		return 0, errMissing
	}
	bad := errors.New(`want a number and a unit, like 20m, 2h, 3d, 2w or "1h 30m"`)
	var total float64 // seconds
	for rest != "" {
		i := strings.IndexFunc(rest, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i == 0 {
			return 0, bad
		}
		if i < 0 {
			return 0, errors.New("needs a unit: 20m, 2h, 3d or 2w")
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, bad
		}
		rest = strings.TrimLeftFunc(rest[i:], unicode.IsSpace)
		j := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) })
		if j < 0 {
			j = len(rest)
		}
		unit := durationUnit(strings.ToLower(rest[:j]))
		if unit == 0 {
			if j == 0 {
				return 0, errors.New("needs a unit: 20m, 2h, 3d or 2w")
			}
			return 0, fmt.Errorf("unknown unit %q (want s, m, h, d or w)", rest[:j])
		}
		total += n * unit
		rest = strings.TrimLeftFunc(strings.TrimPrefix(strings.TrimLeftFunc(rest[j:], unicode.IsSpace), ","), unicode.IsSpace)
	}
	// 100 years is more than any symptom and far inside time.Duration.
	if total > 100*365*86400 || math.IsNaN(total) {
		return 0, errors.New("longer than 100 years")
	}
	return time.Duration(math.Round(total)) * time.Second, nil
}

// durationUnit returns the seconds in a unit word, or 0.
func durationUnit(u string) float64 {
	switch u {
	case "s", "sec", "secs", "second", "seconds":
		return 1
	case "m", "min", "mins", "minute", "minutes":
		return 60
	case "h", "hr", "hrs", "hour", "hours":
		return 3600
	case "d", "day", "days":
		return 86400
	case "w", "wk", "wks", "week", "weeks":
		return 7 * 86400
	}
	return 0
}

// formatDuration writes d, rounded to the second, in the largest units
// that fit: 90 minutes is "1h30m", ten days "1w3d", zero "0s".
// ParseDuration reads it back.
func formatDuration(d time.Duration) string {
	sec := int64(d.Round(time.Second) / time.Second)
	if sec == 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range [...]struct {
		sec  int64
		name string
	}{{7 * 86400, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if n := sec / u.sec; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			sec -= n * u.sec
		}
	}
	return b.String()
}
