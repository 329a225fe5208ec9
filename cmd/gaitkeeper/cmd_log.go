package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

type logOptions struct {
	storeFlags
	date       string
	side       string
	location   string
	sensations []string
	severity   string
	timings    []string
	duration   string
	shoes      string
	notes      string

	now func() time.Time // the clock for a missing --date
}

func (o *logOptions) AddFlags(f *pflag.FlagSet) {
	o.storeFlags.AddFlags(f)
	f.StringVar(&o.date, "date", "", "when it was felt: 2026-09-14 (a day), '2026-09-14 07:30' or RFC 3339 with an offset (default: now, in symptoms.timezone)")
	f.StringVar(&o.side, "side", "", "left, right or both; empty for the midline (low back, neck)")
	f.StringVar(&o.location, "location", "", "where: toes_1_2, toes_3_4, ball_of_foot, medial_arch, heel, lateral_foot, dorsal_foot, medial_ankle, lateral_ankle, shin_front, shin_medial, calf, knee, hamstring, glute, low_back, neck (or an alias: \"big toe\", \"arch\", ...)")
	f.StringSliceVar(&o.sensations, "sensation", nil, "what it feels like, repeatable or a comma list: pain, ache, sharp, electric, burning, tingling, pins_and_needles, numbness, cramp, weakness, clicking")
	f.StringVar(&o.severity, "severity", "", "0 (none) to 10 (worst imaginable); 3/10 is fine")
	f.StringSliceVar(&o.timings, "timing", nil, "when, repeatable or a comma list: during_run, after_run, next_morning, at_rest, night")
	f.StringVar(&o.duration, "duration", "", "how long it lasted: 20m, 2h, 3d, 2w, 1h30m, '45 min'")
	f.StringVar(&o.shoes, "shoes", "", "which pair you ran in (free text)")
	f.StringVar(&o.notes, "notes", "", "anything else (free text)")
}

func newLogCommand(g *globalOptions) *cobra.Command {
	opts := logOptions{now: time.Now}
	cmd := &cobra.Command{
		Use:   "log --athlete NAME --location WHERE --sensation WHAT --severity N [flags]",
		Short: "Add one entry to the athlete's symptom diary: the ten-second entry after a run",
		Long: `Log validates one symptom entry and appends it to the athlete's diary in
the store (ROOT/symptoms/athlete=<name>.csv), which check and report read.

Words are matched as in the diary (ignoring case, spaces, hyphens and
underscores, with aliases such as "big toe" or "arch"), and a word that is
not known is answered with the nearest one. The diary is only ever
appended to: one full row per entry, written at once and synced to disk;
an existing diary is never rewritten. A diary whose last line has no line
break gets one first. It must have the columns log writes (in that
order): date, side, location, sensation, severity, timing, duration,
shoes, notes.

EXIT STATUS
  0  the entry was logged
  1  the diary could not be written (or has other columns)
  2  usage error: a flag is missing or holds a word gaitkeeper does not know`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLog(cmd.Context(), opts, *g, g.stdout)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runLog(_ context.Context, o logOptions, g globalOptions, stdout io.Writer) error {
	if err := o.requireAthlete(); err != nil {
		return err
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	loc, err := cfg.Location()
	if err != nil {
		return err
	}
	s, err := o.symptom(loc)
	if err != nil {
		return err
	}
	st, err := o.open(cfg)
	if err != nil {
		return err
	}
	path, err := st.SymptomsPath(o.athlete)
	if err != nil {
		return err
	}
	if err := appendSymptom(path, s); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "logged in %s: %s\n", path, symptomLine(s))
	return nil
}

// symptom builds the entry from the flags; every mistake is a usage error
// naming its flag.
func (o logOptions) symptom(loc *time.Location) (ingest.Symptom, error) {
	var s ingest.Symptom
	if o.date == "" {
		s.Time = o.now().In(loc).Truncate(time.Second)
	} else {
		t, dateOnly, err := ingest.ParseSymptomTime(o.date, loc)
		if err != nil {
			return s, flagError("date", o.date, err)
		}
		s.Time, s.DateOnly = t, dateOnly
	}
	var err error
	if s.Side, err = ingest.ParseSide(o.side); err != nil {
		return s, flagError("side", o.side, err)
	}
	if o.location == "" {
		return s, usageError{"--location is required: where it was felt (see --help for the words)"}
	}
	if s.Location, err = ingest.ParseLocation(o.location); err != nil {
		return s, flagError("location", o.location, err)
	}
	for _, w := range splitList(o.sensations) {
		x, err := ingest.ParseSensation(w)
		if err != nil {
			return s, flagError("sensation", w, err)
		}
		s.Sensations = append(s.Sensations, x)
	}
	if len(s.Sensations) == 0 {
		return s, usageError{"--sensation is required: what it felt like (see --help for the words)"}
	}
	if o.severity == "" {
		return s, usageError{"--severity is required: 0 (none) to 10 (worst imaginable)"}
	}
	sev, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(o.severity), "/10")))
	if err != nil || sev < 0 || sev > 10 {
		return s, usageError{fmt.Sprintf("--severity %q: want a whole number from 0 (none) to 10 (worst imaginable)", o.severity)}
	}
	s.Severity = sev
	for _, w := range splitList(o.timings) {
		x, err := ingest.ParseTiming(w)
		if err != nil {
			return s, flagError("timing", w, err)
		}
		s.Timing = append(s.Timing, x)
	}
	if o.duration != "" {
		if s.Duration, err = ingest.ParseDuration(o.duration); err != nil {
			return s, flagError("duration", o.duration, err)
		}
	}
	s.Shoes, s.Notes = strings.TrimSpace(o.shoes), strings.TrimSpace(o.notes)
	if err := s.Validate(); err != nil {
		var se *ingest.SymptomError
		if errors.As(err, &se) && se.Field != "" {
			return s, flagError(se.Field, se.Value, err)
		}
		return s, usageError{err.Error()}
	}
	return s, nil
}

// splitList splits the values of a list flag further at ";" and "|", the
// diary's other separators (pflag splits at commas).
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '|' }) {
			if w = strings.TrimSpace(w); w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}

// flagError is a usage error naming the flag and the value; the ingest
// parsers' own message (with the nearest valid word) follows.
func flagError(flag, value string, err error) error {
	var se *ingest.SymptomError
	if errors.As(err, &se) && se.Err != nil {
		err = se.Err
	}
	return usageError{fmt.Sprintf("--%s %q: %v", flag, value, err)}
}

// appendSymptom appends s as one CSV row to the diary at path, creating
// it (with the header) if needed. The row is written with one write on a
// file opened for appending and synced before returning, so a crash
// leaves the diary as it was or with the whole row; the diary's existing
// bytes are never rewritten. A diary whose last line lacks its line break
// gets one first, so the row does not join that line.
func appendSymptom(path string, s ingest.Symptom) error {
	var hdr bytes.Buffer
	if err := ingest.AppendSymptomCSV(&hdr, s, true); err != nil {
		return err
	}
	header, row, _ := strings.Cut(hdr.String(), "\n")

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	created := true
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		created = false
		f, err = os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}

	var out []byte
	if info.Size() == 0 {
		out = append(out, header+"\n"...)
	} else {
		hasHeader, err := checkDiaryHeader(f, path, header)
		if err != nil {
			return err
		}
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, info.Size()-1); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if last[0] != '\n' {
			out = append(out, '\n')
		}
		if !hasHeader {
			out = append(out, header+"\n"...)
		}
	}
	out = append(out, row...)
	if _, err := f.Write(out); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if created {
		return syncFolder(filepath.Dir(path))
	}
	return nil
}

// checkDiaryHeader refuses a diary whose header (its first line that is
// not a # comment or blank) names other columns, or the same in another
// order, than log writes: a row in log's order would land in the wrong
// columns. Names compare as the diary reader matches them: ignoring case,
// spaces, '_' and '-', and a trailing "(…)" such as "(0-10)".
//
// hasHeader is false when the diary holds only comments and blank lines
// so far: then the header goes in before the row.
func checkDiaryHeader(f *os.File, path, want string) (hasHeader bool, err error) {
	buf := make([]byte, 64<<10)
	n, err := f.ReadAt(buf, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	for _, line := range strings.Split(string(buf[:n]), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if headerKey(line) != headerKey(want) {
			return false, fmt.Errorf("%s: the diary's columns are %q; log appends rows with the columns %q, so add this entry by hand or keep the diary in log's columns", path, line, want)
		}
		return true, nil
	}
	return false, nil
}

func headerKey(line string) string {
	cols := strings.Split(strings.ToLower(line), ",")
	for i, c := range cols {
		c = strings.Trim(strings.TrimSpace(c), `"`)
		if j := strings.Index(c, "("); j > 0 && strings.HasSuffix(c, ")") {
			c = c[:j]
		}
		cols[i] = strings.NewReplacer(" ", "", "_", "", "-", "").Replace(c)
	}
	return strings.Join(cols, ",")
}

// syncFolder makes a new file's entry in dir durable. Windows cannot
// fsync a folder and does not need to.
func syncFolder(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// symptomLine is an entry in one line, for the confirmation.
func symptomLine(s ingest.Symptom) string {
	when := s.Time.Format("2006-01-02 15:04 MST")
	if s.DateOnly {
		when = s.Time.Format("2006-01-02")
	}
	parts := []string{when}
	if s.Side != "" {
		parts = append(parts, string(s.Side))
	}
	sens := make([]string, len(s.Sensations))
	for i, x := range s.Sensations {
		sens[i] = string(x)
	}
	parts = append(parts, string(s.Location)+":", strings.Join(sens, ", "), fmt.Sprintf("%d/10", s.Severity))
	for _, t := range s.Timing {
		parts = append(parts, string(t))
	}
	if s.Duration > 0 {
		d := s.Duration.String() // 20m0s, 1h30m0s, 2h0m0s
		if strings.HasSuffix(d, "m0s") {
			d = strings.TrimSuffix(d, "0s")
		}
		if strings.HasSuffix(d, "h0m") {
			d = strings.TrimSuffix(d, "0m")
		}
		parts = append(parts, "for "+d)
	}
	return strings.Join(parts, " ")
}
