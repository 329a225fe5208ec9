package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCrashStates builds, by hand, every state a crash can leave while
// Put stores the triathlon file (five activities) after a one-activity
// file, then checks that the store opens and reads cleanly, and that
// running the same ingest again (HasFile, then Put) ends with exactly the
// store an uninterrupted run makes: nothing lost, nothing doubled, no
// temporary file left.
func TestCrashStates(t *testing.T) {
	run := load(t, "python-fitparse__garmin-fenix-5-run.fit")
	tri := load(t, "fit-parser__triathlon_summary_first.fit")
	walk := load(t, "python-fitparse__garmin-fenix-5-walk.fit")
	sources := []source{run, tri, walk}

	// The store an uninterrupted run makes.
	ref := t.TempDir()
	s := openTest(t, ref, testMetrics)
	var triIDs []string
	for _, src := range sources {
		res := put(t, s, src.file("anna"))
		if src.name == tri.name {
			triIDs = res.Added
		}
	}
	if len(triIDs) != 5 {
		t.Fatalf("triathlon: %d activities, want 5", len(triIDs))
	}
	want := snapshot(t, ref)
	lines := manifestLines(t, ref, "anna") // run, tri, walk
	const manifest = "manifest/athlete=anna.jsonl"

	// Each state is the reference with the triathlon's Put cut short: its
	// files that were not yet written are removed (so is everything of
	// the walk, which comes after), and some leftovers are added.
	type state struct {
		name      string
		complete  int    // triathlon activities with both files
		samplesOf bool   // the next activity has its samples file only
		temps     bool   // a temporary file of the next write
		manifest  string // the manifest file as the crash left it
	}
	torn := lines[1][:len(lines[1])/2]
	states := []state{
		{name: "temp samples file, nothing else", temps: true, manifest: lines[0] + "\n"},
		{name: "first samples file only", samplesOf: true, manifest: lines[0] + "\n"},
		{name: "three activities, fourth's samples, temp row", complete: 3, samplesOf: true, temps: true, manifest: lines[0] + "\n"},
		{name: "all files, no manifest line", complete: 5, manifest: lines[0] + "\n"},
		{name: "all files, torn manifest line", complete: 5, manifest: lines[0] + "\n" + torn},
		{name: "all files, manifest line without its newline", complete: 5, manifest: lines[0] + "\n" + lines[1]},
		{name: "torn line, then a later file's line", complete: 5, manifest: lines[0] + "\n" + torn + lines[2] + "\n"},
		{name: "all files, no manifest at all", complete: 5, manifest: ""},
	}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.CopyFS(root, os.DirFS(ref)); err != nil {
				t.Fatal(err)
			}
			laterFileOnDisk := strings.Contains(st.manifest, lines[2])
			for i, id := range triIDs {
				keepSamples := i < st.complete || i == st.complete && st.samplesOf
				if !keepSamples {
					remove(t, findFile(t, root, dirSamples, id))
				}
				if i >= st.complete {
					remove(t, findFile(t, root, dirActivities, id))
				}
				if i == st.complete && st.temps {
					dir := filepath.Dir(findFile(t, ref, dirSamples, id))
					if keepSamples {
						dir = filepath.Dir(findFile(t, ref, dirActivities, id))
					}
					rel, _ := filepath.Rel(ref, dir)
					tmp := filepath.Join(root, rel, "."+id+".parquet"+tmpMark+"123456")
					if err := os.WriteFile(tmp, []byte("PAR1 half written"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if !laterFileOnDisk {
				for _, top := range []string{dirSamples, dirActivities} {
					for _, a := range walk.acts {
						remove(t, findFile(t, root, top, ActivityID(a, walk.sha)))
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
			got := snapshot(t, root)
			// Manifest lines are in the order files were finished, which the
			// crash changed; compare them as a set.
			if d := cmp.Diff(sortedLines(want[manifest]), sortedLines(got[manifest])); d != "" {
				t.Errorf("manifest (-uninterrupted +after crash):\n%s", d)
			}
			delete(got, manifest)
			wantFiles := map[string]string{}
			for k, v := range want {
				if k != manifest {
					wantFiles[k] = v
				}
			}
			if d := cmp.Diff(keys(wantFiles), keys(got)); d != "" {
				t.Fatalf("files (-uninterrupted +after crash):\n%s", d)
			}
			for k, v := range wantFiles {
				if got[k] != v {
					t.Errorf("%s differs from the uninterrupted run's", k)
				}
			}
		})
	}
}

func remove(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}

func sortedLines(s string) []string {
	l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(l)
	return l
}

func keys(m map[string]string) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}
