package store

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestCrashStates builds, by hand, every state a crash can leave while a
// batch (the triathlon file, five activities, and a walk) commits after
// an earlier batch (one run), then checks that the store opens and reads
// cleanly, and that running the same ingest again (HasFile, then Put)
// ends with the store an uninterrupted run makes: nothing lost, nothing
// doubled, no temporary file left. A crash after the commit point must
// even leave the very same files.
func TestCrashStates(t *testing.T) {
	run := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	tri := load(t, "fit-parser__triathlon_summary_first.fit")
	walk := load(t, "python-fitparse__garmin-fenix-5-walk.fit")
	later := load(t, "elevate__trosku.fit")
	sources := []source{run, tri, walk}

	// The store an uninterrupted run makes: batch 1 the run, batch 2 the
	// triathlon and the walk. A third batch, stored later, is only on
	// disk in the state that needs it.
	ref := t.TempDir()
	s := openTest(t, ref, testMetrics)
	put(t, s, run.file("anna"))
	putBatch(t, s, tri.file("anna"), walk.file("anna"))
	want := snapshot(t, ref)
	wantStore := readStore(t, s, "anna")
	putBatch(t, s, later.file("anna"))
	withLater := snapshot(t, ref)
	lines := manifestLines(t, ref, "anna") // run | tri, walk | later
	if len(lines) != 4 {
		t.Fatalf("%d manifest lines, want 4", len(lines))
	}
	const manifest = "manifest/athlete=anna.jsonl"
	b2, b3 := batchOfLine(t, lines[1]), batchOfLine(t, lines[3])

	type state struct {
		name     string
		done     string // what of batch 2 is on disk: "half" (a half-written samples file), "temps" (all its files, as temporary files), "samples" (samples renamed, activities not)
		later    bool   // batch 3's files and line are on disk
		manifest string // the manifest file as the crash left it
		same     bool   // after the commit point: recovery must give the uninterrupted run's very files
	}
	torn := lines[1][:len(lines[1])/2]
	states := []state{
		{name: "samples file half written", done: "half", manifest: lines[0] + "\n"},
		{name: "all files written, not committed", done: "temps", manifest: lines[0] + "\n"},
		{name: "commit torn after its first line", done: "temps", manifest: lines[0] + "\n" + lines[1] + "\n"},
		{name: "commit torn inside its last line", done: "temps", manifest: lines[0] + "\n" + lines[1] + "\n" + lines[2][:10]},
		{name: "commit torn, then a later batch", done: "temps", later: true, manifest: lines[0] + "\n" + torn + "\n" + lines[3] + "\n"},
		{name: "no manifest at all", done: "temps", manifest: ""},
		{name: "committed, nothing renamed", done: "temps", manifest: lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n", same: true},
		{name: "committed, samples renamed", done: "samples", manifest: lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n", same: true},
	}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.CopyFS(root, os.DirFS(ref)); err != nil {
				t.Fatal(err)
			}
			os.RemoveAll(filepath.Join(root, dirCache))
			for name := range withLater {
				full := filepath.Join(root, filepath.FromSlash(name))
				switch b := batchOf(filepath.Base(name)); {
				case b == b3 && !st.later:
					remove(t, full)
				case b == b2:
					samples := strings.HasPrefix(name, dirSamples+"/")
					switch {
					case st.done == "half" && samples:
						tmp := filepath.Join(filepath.Dir(full), "."+filepath.Base(full)+tmpMark+"123456")
						if err := os.WriteFile(tmp, []byte("PAR1 half written"), 0o644); err != nil {
							t.Fatal(err)
						}
						remove(t, full)
					case st.done == "half":
						remove(t, full)
					case st.done == "temps" || st.done == "samples" && !samples:
						tmp := filepath.Join(filepath.Dir(full), "."+filepath.Base(full)+tmpMark+"123456")
						if err := os.Rename(full, tmp); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			mpath := filepath.Join(root, filepath.FromSlash(manifest))
			if st.manifest == "" {
				remove(t, mpath)
			} else if err := os.WriteFile(mpath, []byte(st.manifest), 0o644); err != nil {
				t.Fatal(err)
			}

			// Restart: the store opens, and reads cleanly.
			s := openTest(t, root, testMetrics)
			rows, err := s.Activities(context.Background(), "anna")
			if err != nil {
				t.Fatalf("Activities after the crash: %v", err)
			}
			for _, r := range rows {
				// A visible row always has its samples.
				if _, err := s.Samples(context.Background(), "anna", r.ID); err != nil {
					t.Errorf("row %s without samples: %v", r.ID, err)
				}
			}
			if st.same {
				got := snapshot(t, root)
				delete(got, manifest)
				wantFiles := map[string]string{}
				for k, v := range want {
					if k != manifest {
						wantFiles[k] = v
					}
				}
				if d := cmp.Diff(keys(wantFiles), keys(got)); d != "" {
					t.Fatalf("files after recovery (-uninterrupted +recovered):\n%s", d)
				}
				for k, v := range wantFiles {
					if got[k] != v {
						t.Errorf("%s differs from the uninterrupted run's", k)
					}
				}
			}

			// Run the same ingest again.
			for _, src := range sources {
				ok, err := s.HasFile("anna", src.sha)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					put(t, s, src.file("anna"))
				}
			}
			got := readStore(t, s, "anna")
			w := wantStore
			if st.later {
				w = readStoreAt(t, ref, "anna") // with batch 3
			}
			if d := cmp.Diff(w, got, equateNaN, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("store after the crash and a re-run (-uninterrupted +got):\n%s", d)
			}
			if temps := tempFiles(t, root); len(temps) > 0 {
				t.Errorf("temporary files left: %v", temps)
			}
		})
	}
}

// TestReaderLeavesWriterAlone opens the store a second time while a batch
// is open, as `gaitkeeper history` would while an ingest runs: the
// second Open must not take the batch's temporary files for a crash's.
func TestReaderLeavesWriterAlone(t *testing.T) {
	root := t.TempDir()
	s := openTest(t, root, testMetrics)
	b, err := s.NewBatch(context.Background(), "anna")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(context.Background(), load(t, "python-fitparse__garmin-fenix-5-run.fit").file("anna")); err != nil {
		t.Fatal(err)
	}
	if len(tempFiles(t, root)) == 0 {
		t.Fatal("no temporary file while the batch is open")
	}
	reader := openTest(t, root, testMetrics)
	if rows, err := reader.Activities(context.Background(), "anna"); err != nil || len(rows) != 0 {
		t.Errorf("reader during the batch: %d rows, %v; want none yet", len(rows), err)
	}
	if err := b.Commit(); err != nil {
		t.Fatalf("Commit after another Open: %v", err)
	}
	if rows, err := reader.Activities(context.Background(), "anna"); err != nil || len(rows) != 1 {
		t.Errorf("reader after the commit: %d rows, %v; want 1", len(rows), err)
	}
}

// putBatch puts files in one batch and commits it.
func putBatch(t *testing.T, s *Store, files ...File) {
	t.Helper()
	b, err := s.NewBatch(context.Background(), files[0].Athlete)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := b.Put(context.Background(), f); err != nil {
			t.Fatalf("Put %s: %v", f.Name, err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
}

// storeContent is what a store holds for an athlete, whatever the files
// it is kept in: rows (without their samples file), samples by activity,
// and manifest lines (without their batch).
type storeContent struct {
	Rows     []ActivityRow
	Samples  map[string]*Samples
	Manifest []manifestEntry
}

func readStore(t *testing.T, s *Store, athlete string) storeContent {
	t.Helper()
	ctx := context.Background()
	rows, err := s.Activities(ctx, athlete)
	if err != nil {
		t.Fatal(err)
	}
	c := storeContent{Samples: map[string]*Samples{}}
	for _, r := range rows {
		smp, err := s.Samples(ctx, athlete, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.Samples[r.ID] = smp
		r.SamplesFile = ""
		c.Rows = append(c.Rows, r) // an activity stored twice is listed twice
	}
	for _, l := range manifestLines(t, s.Root(), athlete) {
		var e manifestEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		e.Batch, e.BatchFiles = "", 0
		c.Manifest = append(c.Manifest, e)
	}
	slices.SortFunc(c.Manifest, func(a, b manifestEntry) int { return strings.Compare(a.SHA256, b.SHA256) })
	return c
}

func readStoreAt(t *testing.T, root, athlete string) storeContent {
	t.Helper()
	return readStore(t, openTest(t, root, testMetrics), athlete)
}

// batchOfLine is the batch of a manifest line.
func batchOfLine(t *testing.T, line string) string {
	t.Helper()
	var e manifestEntry
	if err := json.Unmarshal([]byte(line), &e); err != nil || e.Batch == "" {
		t.Fatalf("manifest line %s: no batch (%v)", line, err)
	}
	return e.Batch
}

// tempFiles lists the temporary files under root.
func tempFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	for name := range snapshot(t, root) {
		if isTemp(filepath.Base(name)) {
			out = append(out, name)
		}
	}
	return out
}

func remove(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}

func keys(m map[string]string) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}
