package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// scenariosDir holds the committed scenarios, relative to this package.
const scenariosDir = "../scenarios"

// TestScenariosAreCurrent regenerates every scenario into a temporary
// folder and requires the committed FIT files, symptoms.csv and now.txt
// to be byte for byte the same, and each folder to hold nothing else but
// its README.md.
func TestScenariosAreCurrent(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			fresh := t.TempDir()
			if _, err := generateScenario(sc, fresh); err != nil {
				t.Fatal(err)
			}
			committed := filepath.Join(scenariosDir, sc.Name)
			want := dirNames(t, fresh)
			got := slices.DeleteFunc(dirNames(t, committed), func(n string) bool { return n == "README.md" })
			if !slices.Equal(got, want) {
				t.Fatalf("%s holds %q, the generator writes %q (regenerate: rm -r %s/*.fit && go run ./testdata/gen -scenario %s)",
					committed, got, want, filepath.Join("testdata", "scenarios", sc.Name), sc.Name)
			}
			for _, n := range want {
				a, err := os.ReadFile(filepath.Join(fresh, n))
				if err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(filepath.Join(committed, n))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a, b) {
					t.Errorf("%s/%s differs from a fresh run; regenerate with go run ./testdata/gen -scenario %s", committed, n, sc.Name)
				}
			}
		})
	}
}

// Each scenario is small, reads back as the runs planned, with smart
// recording's irregular records, and its diary and day parse.
func TestScenarioContents(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			dir := filepath.Join(scenariosDir, sc.Name)
			size := int64(0)
			var last string
			for _, n := range dirNames(t, dir) {
				info, err := os.Stat(filepath.Join(dir, n))
				if err != nil {
					t.Fatal(err)
				}
				size += info.Size()
				if !strings.HasSuffix(n, ".fit") {
					continue
				}
				last = n
				acts, err := ingest.DecodeFile(filepath.Join(dir, n), ingest.DecodeOptions{})
				if err != nil || len(acts) != 1 {
					t.Fatalf("%s: %d activities, %v", n, len(acts), err)
				}
				a := acts[0]
				if len(a.Warnings) > 0 {
					t.Errorf("%s: warnings %v", n, a.Warnings)
				}
				wantSub := "generic"
				if sc.Trail {
					wantSub = "trail"
				}
				if a.Sport != "running" || a.SubSport != wantSub {
					t.Errorf("%s: %s/%s, want running/%s", n, a.Sport, a.SubSport, wantSub)
				}
				if !strings.HasPrefix(n, a.Start.In(berlin).Format("2006-01-02")) {
					t.Errorf("%s starts %v", n, a.Start.In(berlin))
				}
				// Smart recording: 2 to 6 s between records (1 at the very
				// end, where the last second is always kept).
				for i := 1; i < a.Len(); i++ {
					if dt := a.Elapsed[i] - a.Elapsed[i-1]; dt < 1 || dt > 6 {
						t.Errorf("%s: records %d and %d are %v s apart", n, i-1, i, dt)
						break
					}
				}
			}
			// "A few MB at most": keep each well under 1 MB.
			if size > 1<<20 {
				t.Errorf("%s holds %d bytes, want under 1 MiB", dir, size)
			}
			now, err := os.ReadFile(filepath.Join(dir, "now.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if string(now) != sc.Now+"\n" || !strings.HasPrefix(last, sc.Now) {
				t.Errorf("now.txt %q; the last run is %s", now, last)
			}
			syms, err := ingest.ReadSymptomsFile(filepath.Join(dir, "symptoms.csv"), ingest.SymptomOptions{Location: berlin})
			if err != nil || len(syms) < 3 {
				t.Errorf("symptoms.csv: %d entries, %v", len(syms), err)
			}
		})
	}
}

func TestScenarioFlag(t *testing.T) {
	if code := run([]string{"-scenario", "z", "-out", t.TempDir()}, io.Discard, io.Discard); code != 2 {
		t.Errorf("unknown scenario: exit %d, want 2", code)
	}
	dir := t.TempDir()
	var out bytes.Buffer
	if code := run([]string{"-scenario", "b", "-out", dir}, &out, io.Discard); code != 0 {
		t.Fatalf("scenario b: exit %d", code)
	}
	if n := len(dirNames(t, dir)); n != len(scenarios()[1].Runs)+2 {
		t.Errorf("scenario b wrote %d files, want %d runs + symptoms.csv + now.txt", n, len(scenarios()[1].Runs))
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}
