package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeFIT is seeded with every FIT file in testdata. Properties: no
// panic; with no error, at least one activity, every column as long as
// Elapsed, and Elapsed never decreasing.
func FuzzDecodeFIT(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "fit", "*.fit"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		acts, err := DecodeFIT(bytes.NewReader(b), DecodeOptions{SizeHint: int64(len(b))})
		if err != nil {
			if len(acts) != 0 {
				t.Fatalf("error %v with %d activities", err, len(acts))
			}
			return
		}
		if len(acts) == 0 {
			t.Fatal("no error and no activities")
		}
		for _, a := range acts {
			n := a.Len()
			for _, c := range a.Columns() {
				if len(c.Values) != n {
					t.Fatalf("column %s: %d values, want %d", c.Name, len(c.Values), n)
				}
			}
			for _, c := range a.Dev {
				if len(c.Values) != n {
					t.Fatalf("dev column %s: %d values, want %d", c.Name, len(c.Values), n)
				}
			}
			for i := 1; i < n; i++ {
				if a.Elapsed[i] < a.Elapsed[i-1] {
					t.Fatalf("elapsed decreases at %d", i)
				}
			}
		}
	})
}
