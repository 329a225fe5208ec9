package store

import (
	"context"
	"encoding/gob"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The row cache changes how fast Activities is, never what it returns:
// rows from the cache equal rows read from the files; a cached row whose
// file changed is read again; a damaged cache, one written for other
// metric columns, or a deleted file are all handled as if there were no
// cache.
func TestRowCache(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s := openTest(t, root, testMetrics)
	for _, n := range []string{"python-fitparse__garmin-fenix-5-run.fit", "python-fitparse__sample_mulitple_header.fit", "elevate__trosku.fit"} {
		put(t, s, load(t, n).file("anna"))
	}
	cachePath := s.rowCachePath("anna")
	nan := cmpopts.EquateNaNs()

	if _, err := os.Stat(cachePath); err == nil {
		t.Fatalf("Put wrote %s; only Activities should", cachePath)
	}
	want, err := s.Activities(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 3 {
		t.Fatalf("%d rows, want at least 3", len(want))
	}
	if _, err := os.Stat(cachePath); err != nil {
		t.Fatalf("no cache after Activities: %v", err)
	}

	activities := func(t *testing.T, s *Store) []ActivityRow {
		t.Helper()
		got, err := s.Activities(ctx, "anna")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	t.Run("cached rows equal the files' rows", func(t *testing.T) {
		if d := cmp.Diff(want, activities(t, s), nan); d != "" {
			t.Errorf("(-files +cache):\n%s", d)
		}
	})

	// Rewrite the cache with a marked value, keeping the files' sizes and
	// times: the mark shows the cache is what Activities read.
	var c rowCache
	readGob(t, cachePath, &c)
	c.Files[0].Rows[0].Row.SourceFile = "from the cache"
	writeGob(t, cachePath, c)
	t.Run("an unchanged file is not read again", func(t *testing.T) {
		got := activities(t, s)
		n := 0
		for _, r := range got {
			if r.SourceFile == "from the cache" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d rows carry the cache's mark, want 1", n)
		}
	})

	t.Run("a changed file is read again", func(t *testing.T) {
		p := filepath.Join(root, dirActivities, "athlete=anna", filepath.FromSlash(c.Files[0].Name))
		later := time.Unix(0, c.Files[0].ModTime).Add(time.Second)
		if err := os.Chtimes(p, later, later); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, activities(t, s), nan); d != "" {
			t.Errorf("(-files +cache):\n%s", d)
		}
	})

	t.Run("a damaged cache is rebuilt", func(t *testing.T) {
		if err := os.WriteFile(cachePath, []byte("not gob"), 0o644); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, activities(t, s), nan); d != "" {
			t.Errorf("(-files +cache):\n%s", d)
		}
		var c rowCache
		readGob(t, cachePath, &c)
		n := 0
		for _, f := range c.Files {
			n += len(f.Rows)
		}
		if n != len(want) {
			t.Errorf("rebuilt cache holds %d rows, want %d", n, len(want))
		}
	})

	t.Run("other metric columns are not taken from the cache", func(t *testing.T) {
		s2 := openTest(t, root, append([]string{"trimp"}, testMetrics...))
		for _, r := range activities(t, s2) {
			if v, ok := r.Metrics["trimp"]; !ok || v == v {
				t.Errorf("%s: trimp %v (present %v), want NaN: the column is new", r.ID, v, ok)
			}
		}
	})

	t.Run("a deleted file is gone", func(t *testing.T) {
		gone := c.Files[1]
		p := filepath.Join(root, dirActivities, "athlete=anna", filepath.FromSlash(gone.Name))
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		got := activities(t, s)
		if len(got) != len(want)-len(gone.Rows) {
			t.Errorf("%d rows after deleting a file of %d rows from %d", len(got), len(gone.Rows), len(want))
		}
		for _, r := range got {
			for _, g := range gone.Rows {
				if r.ID == g.Row.ID {
					t.Errorf("deleted activity %s still listed", r.ID)
				}
			}
		}
	})
}

func readGob(t *testing.T, path string, v any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := gob.NewDecoder(f).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func writeGob(t *testing.T, path string, v any) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := gob.NewEncoder(f).Encode(v); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
