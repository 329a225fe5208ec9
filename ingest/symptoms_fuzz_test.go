package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzReadSymptoms is seeded with every log in testdata/symptoms, each
// read as its own format. Properties: no panic; an error comes with no
// entries, and is one *SymptomError or a join of at most 11 (10 and the
// note that reading stopped); entries come in file order and pass
// Validate; and writing them with AppendSymptomCSV and reading that back
// gives the same entries.
func FuzzReadSymptoms(f *testing.F) {
	formats := []string{"csv", "yaml", "json"}
	files, err := filepath.Glob(filepath.Join("testdata", "symptoms", "*"))
	if err != nil {
		f.Fatal(err)
	}
	seeded := 0
	for _, name := range files {
		ext := strings.TrimPrefix(filepath.Ext(name), ".")
		for i, format := range formats {
			if ext != format {
				continue
			}
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, uint8(i))
			seeded++
		}
	}
	if seeded < 3 {
		f.Fatalf("only %d seed logs", seeded)
	}
	loc := zoneCEST()
	f.Fuzz(func(t *testing.T, b []byte, format uint8) {
		opts := SymptomOptions{Format: formats[int(format)%len(formats)], Location: loc}
		got, err := ReadSymptoms(bytes.NewReader(b), "fuzz", opts)
		if err != nil {
			if got != nil {
				t.Fatalf("%d entries with error %v", len(got), err)
			}
			errs := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			}
			if len(errs) > maxSymptomErrors+1 {
				t.Fatalf("%d errors", len(errs))
			}
			for _, e := range errs {
				var se *SymptomError
				if !errors.As(e, &se) || se.Err == nil {
					t.Fatalf("%T %v: not a *SymptomError", e, e)
				}
			}
			return
		}
		var buf bytes.Buffer
		for i, s := range got {
			if err := s.Validate(); err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
			if s.Line < 1 || i > 0 && s.Line < got[i-1].Line {
				t.Fatalf("entry %d: line %d after %d", i, s.Line, got[max(i-1, 0)].Line)
			}
			if s.Time.Location() != loc {
				t.Fatalf("entry %d: time in %v", i, s.Time.Location())
			}
			if err := AppendSymptomCSV(&buf, s, i == 0); err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
		}
		if len(got) == 0 {
			return
		}
		back, err := ReadSymptoms(&buf, "back.csv", SymptomOptions{Location: loc})
		if err != nil {
			t.Fatalf("reading back %q: %v", buf.String(), err)
		}
		if diff := cmp.Diff(got, back, ignoreLine()); diff != "" {
			t.Fatalf("round trip (-read +read back):\n%s", diff)
		}
	})
}
