package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	osexec "os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
	"github.com/gaitkeeper/gaitkeeper/internal/config"
	"github.com/gaitkeeper/gaitkeeper/internal/store"
)

// summaryJSON is ingest's --format json output.
type summaryJSON struct {
	Files      int `json:"files"`
	Known      int `json:"known"`
	New        int `json:"new"`
	Duplicates int `json:"duplicates"`
	Skipped    int `json:"skipped"`
	Failed     []struct {
		File    string `json:"file"`
		Error   string `json:"error"`
		Offset  *int64 `json:"offset"`
		Earlier bool   `json:"earlier"`
	} `json:"failed"`
}

func ingestJSON(t *testing.T, wantCode int, args ...string) summaryJSON {
	t.Helper()
	out, errOut, code := runCLI(t, append([]string{"ingest", "--format", "json"}, args...)...)
	if code != wantCode {
		t.Fatalf("ingest %v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, wantCode, out, errOut)
	}
	if errOut != "" {
		t.Errorf("ingest wrote to stderr (no progress bar off a terminal): %q", errOut)
	}
	var s summaryJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	return s
}

// expected is what a folder should give, worked out with the decoder
// and store.ActivityID, independently of the ingest command.
type expected struct {
	files, activities int
	ids               map[string]bool // distinct activities
	others            int             // of ids, activities that are not runs
}

func expect(t *testing.T, paths ...string) expected {
	t.Helper()
	e := expected{ids: map[string]bool{}}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		acts, err := ingest.DecodeFIT(bytes.NewReader(b), ingest.DecodeOptions{})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		e.files++
		sha := sha256.Sum256(b)
		for _, a := range acts {
			e.activities++
			id := store.ActivityID(a, sha)
			if !e.ids[id] && a.Sport != "running" {
				e.others++
			}
			e.ids[id] = true
		}
	}
	return e
}

func storedIDs(t *testing.T, root, athlete string) []string {
	t.Helper()
	st, err := store.Open(root, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Activities(context.Background(), athlete)
	if err != nil {
		t.Fatalf("store not readable: %v", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
		if _, err := st.SamplesOf(context.Background(), r); err != nil {
			t.Errorf("activity %s has no readable samples: %v", r.ID, err)
		}
	}
	return ids
}

// TestIngestCorpus ingests every real FIT file in testdata/fit (all of
// them readable, some damaged: those are kept with warnings), then a
// folder of unreadable ones, then both again.
func TestIngestCorpus(t *testing.T) {
	noUserConfig(t)
	root := t.TempDir()
	fitDir := filepath.Join("..", "..", "testdata", "fit")
	fits, _ := filepath.Glob(filepath.Join(fitDir, "*.fit"))
	want := expect(t, fits...)
	if want.activities == len(want.ids) {
		t.Fatal("the corpus should hold an activity twice (python-fitparse ships the SDK's Activity.fit in two files)")
	}

	got := ingestJSON(t, exitOK, "--athlete", "coach", "--store", root, fitDir)
	if got.Files != want.files || got.Known != 0 || got.New != len(want.ids) ||
		got.Duplicates != want.activities-len(want.ids) || got.Skipped != want.others || len(got.Failed) != 0 {
		t.Errorf("first run: %+v\nwant files %d, new %d, duplicates %d, skipped %d, none failed",
			got, want.files, len(want.ids), want.activities-len(want.ids), want.others)
	}
	// The ingest leaves the row cache built, so the next check is fast.
	if _, err := os.Stat(filepath.Join(root, "cache", "athlete=coach.gob")); err != nil {
		t.Errorf("no row cache after the ingest: %v", err)
	}
	ids := storedIDs(t, root, "coach")
	if distinct := slices.Compact(slices.Sorted(slices.Values(ids))); len(ids) != len(want.ids) || len(distinct) != len(ids) {
		t.Errorf("store holds %d activities (%d distinct), want %d", len(ids), len(distinct), len(want.ids))
	}
	for _, id := range ids {
		if !want.ids[id] {
			t.Errorf("stored activity %s is not in the corpus", id)
		}
	}

	// Unreadable files, alone and inside archives as exports have them.
	bad := t.TempDir()
	run := readFile(t, filepath.Join(fitDir, "python-fitparse__garmin-fenix-5-run.fit"))
	notFIT := []byte("Date,Distance\n2026-09-01,10.0\n")
	header := readFile(t, filepath.Join(fitDir, "elevate__trosku.fit"))[:14]
	writeTestFile(t, filepath.Join(bad, "notes.fit"), notFIT)
	writeTestFile(t, filepath.Join(bad, "notes-copy.fit"), notFIT) // the same bytes twice in one run: both reported
	demo := readFile(t, filepath.Join("..", "..", "testdata", "demo", "2026-09-02-easy.fit"))
	writeTestFile(t, filepath.Join(bad, "demo.fit"), demo)
	writeTestFile(t, filepath.Join(bad, "demo-copy.fit.gz"), gzipOf(t, demo)) // read once, the copy known
	writeTestFile(t, filepath.Join(bad, "empty.fit"), nil)
	writeTestFile(t, filepath.Join(bad, "header-only.fit"), header)
	writeTestFile(t, filepath.Join(bad, "garbage.fit.gz"), []byte("not gzip"))
	writeTestFile(t, filepath.Join(bad, "broken.zip"), []byte("PK not really"))
	writeTestFile(t, filepath.Join(bad, "export.zip"), zipOf(t, map[string][]byte{
		"DI_CONNECT/part1.zip": zipOf(t, map[string][]byte{"run.fit": run, "notes2.fit": append(notFIT, '!')}),
		"activities/1.fit.gz":  gzipOf(t, run[:len(run)-1]), // a new file (other bytes), the same activity
	}))
	got = ingestJSON(t, exitFailed, "--athlete", "coach", "--store", root, bad)
	type failure struct {
		file, words string
		offset      int64 // -1: none
	}
	wantFailed := []failure{
		{"broken.zip", "zip", -1},
		{"empty.fit", "no record messages", 0},
		{"export.zip!DI_CONNECT/part1.zip!notes2.fit", "not a FIT file", 0},
		{"garbage.fit.gz", "", 0},
		{"header-only.fit", "no record messages", 14},
		{"notes-copy.fit", "not a FIT file", 0},
		{"notes.fit", "not a FIT file", 0},
	}
	checkFailed := func(s summaryJSON, earlier map[string]bool) {
		t.Helper()
		if len(s.Failed) != len(wantFailed) {
			t.Fatalf("failed: %+v\nwant %d files: %+v", s.Failed, len(wantFailed), wantFailed)
		}
		for i, w := range wantFailed {
			f := s.Failed[i]
			if f.File != filepath.Join(bad, w.file) || !strings.Contains(f.Error, w.words) || f.Earlier != earlier[w.file] {
				t.Errorf("failed[%d] = %+v, want %s with %q, earlier %v", i, f, w.file, w.words, earlier[w.file])
			}
			if w.offset < 0 && f.Offset != nil || w.offset >= 0 && (f.Offset == nil || *f.Offset != w.offset) {
				t.Errorf("%s: offset %v, want %d", w.file, f.Offset, w.offset)
			}
		}
	}
	checkFailed(got, nil)
	// run.fit inside the zips was read before (fenix-5-run), its
	// truncated copy is another file holding the same activity;
	// demo-copy.fit.gz and notes.fit repeat files of this run.
	if got.Files != 11 || got.Known != 3 || got.New != 1 || got.Duplicates != 1 {
		t.Errorf("unreadable folder: %+v, want 11 files, 3 known, 1 new, 1 duplicate", got)
	}

	// Again, both folders: nothing new, every file known but the two that
	// could not be opened at all (not recorded: such errors may pass);
	// the recorded failures are reported again, from the manifest.
	got = ingestJSON(t, exitFailed, "--athlete", "coach", "--store", root, fitDir, bad)
	if got.Files != want.files+11 || got.Known != want.files+9 || got.New != 0 || got.Duplicates != 0 || got.Skipped != 0 {
		t.Errorf("second run: %+v, want %d files, %d known, nothing new", got, want.files+11, want.files+9)
	}
	checkFailed(got, map[string]bool{"empty.fit": true, "header-only.fit": true, "notes.fit": true, "notes-copy.fit": true,
		"export.zip!DI_CONNECT/part1.zip!notes2.fit": true})
	if again := storedIDs(t, root, "coach"); len(again) != len(ids)+1 {
		t.Errorf("second run changed the store: %d activities, was %d", len(again), len(ids)+1)
	}

	// The text summary says the same, for a person.
	out, _, code := runCLI(t, "ingest", "--athlete", "coach", "--store", root, bad)
	if code != exitFailed {
		t.Errorf("text run: exit %d", code)
	}
	for _, w := range []string{"files       11 (9 already in the store", "new         0 activities", "failed      7 files",
		filepath.Join(bad, "notes.fit") + ": byte 0: not a FIT file", "(recorded on an earlier run)"} {
		if !strings.Contains(out, w) {
			t.Errorf("text summary lacks %q:\n%s", w, out)
		}
	}
}

func TestIngestUsage(t *testing.T) {
	noUserConfig(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"ingest", "--store", dir, "x.fit"},                                      // no athlete
		{"ingest", "--athlete", "Anna", "--store", dir, "x.fit"},                 // upper case
		{"ingest", "--athlete", "anna", "--store", dir},                          // no path
		{"ingest", "--athlete", "anna", "--store", dir, "--workers", "0", "x"},   // no worker
		{"ingest", "--athlete", "anna", "--store", dir, "--format", "xml", "x"},  // unknown format
		{"ingest", "--athlete", "anna", "--store", dir, "--no-such-flag", "x"},   // unknown flag
		{"ingest", "--athlete", "anna", "--store", dir, "--workers", "two", "x"}, // not a number
	} {
		if _, errOut, code := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errOut)
		}
	}
	// A path that does not exist is a failed file, not a usage error.
	got := ingestJSON(t, exitFailed, "--athlete", "anna", "--store", dir, filepath.Join(dir, "missing"))
	if got.Files != 1 || len(got.Failed) != 1 || !strings.Contains(got.Failed[0].File, "missing") {
		t.Errorf("missing path: %+v", got)
	}
}

// Ctrl-C (a cancelled context) stops ingest with an error saying that
// what was stored is kept, and the store stays readable.
func TestIngestInterrupted(t *testing.T) {
	noUserConfig(t)
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	o := ingestOptions{store: storeFlags{athlete: "anna", dir: root}, format: "text", workers: 2}
	err := runIngest(ctx, o, globalOptions{}, []string{filepath.Join("..", "..", "testdata", "demo")}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("cancelled ingest: error %v, want one saying it was interrupted", err)
	}
	if !strings.Contains(stderr.String(), "files ") {
		t.Errorf("no summary of what was done before the interrupt on stderr: %q", stderr.String())
	}
	storedIDs(t, root, "anna")
}

// An interrupt in the middle of a batch keeps what was put: the workers
// stop taking files, and their open batches are committed. What the
// summary counts as new is what the store holds.
func TestIngestInterruptedMidBatch(t *testing.T) {
	noUserConfig(t)
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // cancel once a batch is being written
		for {
			var temps []string
			filepath.WalkDir(filepath.Join(root, "samples"), func(p string, d fs.DirEntry, err error) error {
				if err == nil && strings.Contains(d.Name(), ".tmp-") {
					temps = append(temps, p)
				}
				return nil
			})
			if len(temps) > 0 || ctx.Err() != nil {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var stdout, stderr bytes.Buffer
	o := ingestOptions{store: storeFlags{athlete: "anna", dir: root}, format: "text", workers: 2}
	err := runIngest(ctx, o, globalOptions{}, []string{filepath.Join("..", "..", "testdata", "demo")}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("interrupted ingest: error %v, want one saying it was interrupted (it may have finished first)", err)
	}
	var n int
	if _, err := fmt.Sscanf(stderr.String()[strings.Index(stderr.String(), "new "):], "new %d", &n); err != nil {
		t.Fatalf("no count of new activities in %q: %v", stderr.String(), err)
	}
	ids := storedIDs(t, root, "anna")
	if n == 0 || len(ids) != n {
		t.Errorf("the summary says %d new, the store holds %d activities; want the same, at least one", n, len(ids))
	}
	t.Logf("interrupted after %d of 54 activities", n)
}

// ingest tunes the garbage collector for its run only, and leaves a
// user's GOGC and GOMEMLIMIT alone.
func TestIngestGCSettings(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before, beforeLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetGCPercent(before)
	defer debug.SetMemoryLimit(beforeLimit)
	restore := ingestGC(2)
	if got := debug.SetGCPercent(-1); got != ingestGCPercent {
		t.Errorf("GOGC during ingest %d, want %d", got, ingestGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != ingestMemLimitBase+2*ingestMemLimitPerWork {
		t.Errorf("memory limit during ingest %d", got)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after ingest %d, want 100 again", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit after ingest %d, want none again", got)
	}

	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	restore = ingestGC(2)
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("GOGC set by the user, yet ingest changed it to %d", got)
	}
	debug.SetGCPercent(100)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set by the user, yet ingest changed it to %d", got)
	}
	restore()
}

// The progress bar is for people at a terminal: not for a file, a pipe
// or --quiet.
func TestIngestProgressOnlyOnTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, w := range []io.Writer{f, &bytes.Buffer{}} {
		if bar := newIngestProgress(context.Background(), w, false, nil); bar != nil {
			t.Errorf("progress bar on %T, which is not a terminal", w)
		}
	}
}

// TestIngestParquetReadBack reads the files ingest wrote with arrow-go's
// own Parquet reader (pqarrow), not the store's read path, and compares
// them with the decoder's columns and the analysis: row counts, values,
// and null wherever the decoder has NaN.
func TestIngestParquetReadBack(t *testing.T) {
	noUserConfig(t)
	root := t.TempDir()
	names := []string{
		filepath.Join("..", "..", "testdata", "demo", "2026-10-18-long.fit"),                   // a run with running dynamics
		fitFile("fit-parser__triathlon_summary_first.fit"),                                     // five sessions, other sports
		fitFile("python-fitparse__compressed-speed-distance.fit"),                              // clock never set, few columns
		fitFile("python-fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit"), // developer fields
	}
	in := t.TempDir()
	for i, n := range names {
		writeTestFile(t, filepath.Join(in, fmt.Sprintf("%d.fit", i)), readFile(t, n))
	}
	ingestJSON(t, exitOK, "--athlete", "pq", "--store", root, in)

	cfg, err := config.Load(config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Gait()
	// Every activities row and every samples row group of the store, by
	// activity, as a Parquet reader that knows nothing of gaitkeeper
	// finds them.
	rows := map[string]pqTable{}
	for _, f := range parquetFiles(t, filepath.Join(root, "activities")) {
		tbl := readParquet(t, f)
		for i, id := range tbl.strings(t, "activity_id") {
			if _, dup := rows[id]; dup {
				t.Errorf("activity %s: two rows", id)
			}
			rows[id] = tbl.row(t, i)
		}
	}
	samplesOf := map[string]pqTable{}
	for _, f := range parquetFiles(t, filepath.Join(root, "samples")) {
		for _, rg := range readRowGroups(t, f) {
			ids := rg.strings(t, "activity_id")
			if len(slices.Compact(slices.Clone(ids))) != 1 {
				t.Fatalf("%s: a row group holds activities %v, want one", f, slices.Compact(ids))
			}
			if _, dup := samplesOf[ids[0]]; dup {
				t.Errorf("activity %s: two row groups of samples", ids[0])
			}
			samplesOf[ids[0]] = rg
		}
	}
	checked := 0
	for _, n := range names {
		b := readFile(t, n)
		sha := sha256.Sum256(b)
		acts, err := ingest.DecodeFIT(bytes.NewReader(b), ingest.DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range acts {
			id := store.ActivityID(a, sha)
			samples, ok := samplesOf[id]
			if !ok && a.Len() > 0 {
				t.Errorf("%s #%d: no samples", n, a.Index)
				continue
			}
			if samples.rows != a.Len() {
				t.Errorf("%s #%d: %d sample rows, decoder has %d records", n, a.Index, samples.rows, a.Len())
			}
			for _, c := range a.Columns() {
				samples.equal(t, c.Name, c.Values)
			}
			for _, d := range a.Dev {
				samples.equal(t, "dev:"+d.Name, d.Values)
			}
			row, ok := rows[id]
			if !ok {
				t.Fatalf("%s #%d: no activities row", n, a.Index)
			}
			if got := row.strings(t, "sport")[0]; got != a.Sport {
				t.Errorf("%s: sport %q, want %q", id, got, a.Sport)
			}
			if got := row.int64s(t, "records")[0]; got != int64(a.Len()) {
				t.Errorf("%s: records %d, want %d", id, got, a.Len())
			}
			if got := row.times(t, "start")[0]; !got.Equal(a.Start.Truncate(time.Microsecond)) {
				t.Errorf("%s: start %v, want %v", id, got, a.Start)
			}
			row.equal(t, "distance_m", []float64{a.Totals.DistanceM})
			m := gaitColumns(a, p)
			for _, c := range []string{"moving_time_s", "cadence_median_spm", "gct_mean_ms", "balance_left_mean_pct", "analyzed"} {
				row.equal(t, c, []float64{m[c]})
			}
			checked++
		}
	}
	if checked < 7 {
		t.Errorf("checked %d activities, want the run, five triathlon legs and more", checked)
	}
}

// TestIngestKilled kills `gaitkeeper ingest` with SIGKILL at several
// moments of one ingest, each time resuming from what the previous kill
// left, and then lets it finish: after every kill the store is readable,
// and at the end every activity is stored exactly once and the manifest
// lists every file once.
func TestIngestKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and the generator")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "gaitkeeper")
	gen := filepath.Join(tmp, "gen")
	for out, pkg := range map[string]string{bin: ".", gen: "../../testdata/gen"} {
		if b, err := osexec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	const n = 150
	corpus := filepath.Join(tmp, "corpus")
	if b, err := osexec.Command(gen, "-corpus", fmt.Sprint(n), "-out", corpus).CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, b)
	}
	root := filepath.Join(tmp, "store")
	// Batches of 10 activities: 15 commits in the corpus, so that the
	// kills fall before, between and inside them.
	env := append(os.Environ(), "XDG_CONFIG_HOME="+tmp, "GAITKEEPER_STORE_BATCH_ACTIVITIES=10")
	ingestCmd := func() *osexec.Cmd {
		c := osexec.Command(bin, "ingest", "--athlete", "k", "--store", root, "--workers", "2", "--quiet", corpus)
		c.Env = env
		return c
	}
	stored := func() int { // files committed: whole lines in the manifest
		b, _ := os.ReadFile(filepath.Join(root, "manifest", "athlete=k.jsonl"))
		return bytes.Count(b, []byte("\n"))
	}

	for _, at := range []int{1, 40, 100} {
		before := stored()
		c := ingestCmd()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for stored() < at && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		killed := c.Process.Signal(syscall.SIGKILL) == nil
		err := c.Wait()
		if !killed || err == nil {
			t.Fatalf("ingest was not killed at %d activities (it finished first: %v); use a larger corpus", at, err)
		}
		ids := storedIDs(t, root, "k") // readable, every activity with its samples
		t.Logf("killed at %d files committed (%d when this run started); the store reads back %d activities", stored(), before, len(ids))
		if len(ids) < before || len(ids) > n {
			t.Errorf("after the kill: %d activities, before it %d, corpus %d", len(ids), before, n)
		}
	}

	out, err := ingestCmd().Output()
	if err != nil {
		t.Fatalf("finishing run: %v\n%s", err, out)
	}
	ids := storedIDs(t, root, "k")
	distinct := slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) != n || len(distinct) != n {
		t.Errorf("after finishing: %d activities, %d distinct; want each of %d once", len(ids), len(distinct), n)
	}
	lines := strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(root, "manifest", "athlete=k.jsonl")))), "\n")
	files := map[string]bool{}
	for _, l := range lines {
		var e struct {
			SHA256     string   `json:"sha256"`
			Activities []string `json:"activities"`
			Failure    string   `json:"failure"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("manifest line %q: %v", l, err)
		}
		if files[e.SHA256] || len(e.Activities) != 1 || e.Failure != "" || !slices.Contains(distinct, e.Activities[0]) {
			t.Errorf("manifest line %s: listed twice, or not one stored activity", l)
		}
		files[e.SHA256] = true
	}
	if len(files) != n {
		t.Errorf("manifest lists %d files, want %d", len(files), n)
	}
	// And a run after that has nothing left to do.
	out, err = ingestCmd().Output()
	if err != nil || !strings.Contains(string(out), fmt.Sprintf("files       %d (%d already in the store", n, n)) {
		t.Errorf("run after finishing: %v\n%s", err, out)
	}
}

// BenchmarkIngest ingests the demo athlete (54 runs, 6 MB of FIT) into a
// new store per op with 1 and 2 workers: walk, hash, decode, analyze and
// Parquet with its fsyncs, as `gaitkeeper ingest` does. MB/s counts FIT
// bytes. scripts/bench-ingest.sh times the binary on 1,000 and 3,000
// generated files; compare workers=1 with workers=2 within one run (the
// target is 1.7× on 2 cores).
func BenchmarkIngest(b *testing.B) {
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	demo := filepath.Join("..", "..", "testdata", "demo")
	paths, err := filepath.Glob(filepath.Join(demo, "*.fit"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no demo files: %v", err)
	}
	var size int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		size += fi.Size()
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			root := b.TempDir()
			i := 0
			cpu0 := cpuTime(b)
			for b.Loop() {
				o := ingestOptions{store: storeFlags{athlete: "bench", dir: filepath.Join(root, fmt.Sprint(i))}, format: "json", quiet: true, workers: workers}
				if err := runIngest(context.Background(), o, globalOptions{}, []string{demo}, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
				i++
			}
			// CPU seconds (user + system) per op: on a machine shared
			// with other work, a steadier measure than wall time.
			b.ReportMetric((cpuTime(b)-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(dirSize(b, filepath.Join(root, "0")))/float64(size), "store-B/FIT-B")
		})
	}
}

// BenchmarkIngestKnown re-runs ingest over the demo athlete already
// stored: each file is read and hashed, and found in the manifest.
func BenchmarkIngestKnown(b *testing.B) {
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	demo := filepath.Join("..", "..", "testdata", "demo")
	o := ingestOptions{store: storeFlags{athlete: "bench", dir: b.TempDir()}, format: "json", quiet: true, workers: 2}
	if err := runIngest(context.Background(), o, globalOptions{}, []string{demo}, io.Discard, io.Discard); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var out bytes.Buffer
		if err := runIngest(context.Background(), o, globalOptions{}, []string{demo}, &out, io.Discard); err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(out.String(), `"new":0`) {
			b.Fatalf("re-run stored something: %s", out.String())
		}
	}
}

// cpuTime is the CPU time this process has used, user plus system.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// dirSize is the bytes of the files under dir.
func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		n += fi.Size()
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeTestFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(files[name])
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipOf(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestREADMEStore keeps the README's store section in step: its
// activities and samples tables are SCHEMA.md's rows verbatim (and
// TestSchemaDoc in internal/store keeps those in step with the code),
// its metric columns are gait.ColumnNames in order, and its table of
// ingest's JSON fields names the summary's fields in order.
func TestREADMEStore(t *testing.T) {
	noUserConfig(t)
	readme := string(readFile(t, filepath.Join("..", "..", "README.md")))
	schema := string(readFile(t, filepath.Join("..", "..", "internal", "store", "SCHEMA.md")))
	store := mdTables(mdSection(t, readme, "## The store (Parquet)"), "### ")
	schemaTables := mdTables(schema, "## ")
	for _, table := range []string{"activities", "samples"} {
		if got, want := store[table], schemaTables[table]; len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("README's %s table differs from SCHEMA.md's:\n%s\nwant:\n%s", table, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}

	cfg, err := config.Load(config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var metrics []string
	for _, row := range store["Metric columns"] {
		first := strings.SplitN(row, " | ", 2)[0]
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(first, -1) {
			metrics = append(metrics, m[1])
		}
	}
	if want := gait.ColumnNames(cfg.Gait()); !slices.Equal(metrics, want) {
		t.Errorf("README's metric columns:\n%v\ngait.ColumnNames:\n%v", metrics, want)
	}

	var fields []string
	for _, row := range mdTables(mdSection(t, readme, "## `gaitkeeper ingest PATH...`"), "## ")["`gaitkeeper ingest PATH...`"] {
		fields = append(fields, strings.Trim(strings.SplitN(row, " | ", 2)[0], "|` []"))
	}
	var want []string
	for f := range reflect.TypeFor[ingestSummary]().Fields() {
		want = append(want, strings.Split(f.Tag.Get("json"), ",")[0])
	}
	if !slices.Equal(fields, want) {
		t.Errorf("README's ingest JSON fields %v, the summary has %v", fields, want)
	}
}

// mdSection returns the part of a markdown file from the heading line
// to the next heading of the same level.
func mdSection(t *testing.T, md, heading string) string {
	t.Helper()
	i := strings.Index(md, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("no %q heading", heading)
	}
	rest := md[i+1:]
	level := heading[:strings.Index(heading, " ")+1]
	if j := strings.Index(rest[len(heading):], "\n"+level); j >= 0 {
		rest = rest[:len(heading)+j]
	}
	return rest
}

// mdTables returns the table rows whose first cell is in backquotes,
// by the heading (at prefix's level) they are under.
func mdTables(md, prefix string) map[string][]string {
	out := map[string][]string{}
	heading := ""
	for _, line := range strings.Split(md, "\n") {
		if h, ok := strings.CutPrefix(line, prefix); ok {
			heading = strings.TrimSpace(h)
			continue
		}
		if strings.HasPrefix(line, "| `") {
			out[heading] = append(out[heading], line)
		}
	}
	return out
}

func gaitColumns(a *ingest.Activity, p gait.Params) map[string]float64 {
	return gait.Analyze(a, p).Columns(p)
}

// pqTable is a Parquet file as arrow-go's pqarrow reads it: a test's
// own look at the store's files, as DuckDB or pandas would have. (Arrow
// stays inside internal/store in the program; a test may look.)
type pqTable struct {
	path string
	rows int
	cols map[string]arrow.Array
}

func readParquet(t *testing.T, path string) pqTable {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := memory.NewGoAllocator()
	tbl, err := pqarrow.ReadTable(context.Background(), f, parquet.NewReaderProperties(mem), pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer tbl.Release()
	return pqTableOf(t, path, tbl, mem)
}

// pqTableOf copies tbl's columns, each into one array.
func pqTableOf(t *testing.T, name string, tbl arrow.Table, mem memory.Allocator) pqTable {
	t.Helper()
	out := pqTable{path: name, rows: int(tbl.NumRows()), cols: map[string]arrow.Array{}}
	for i := range int(tbl.NumCols()) {
		col := tbl.Column(i)
		arr, err := array.Concatenate(col.Data().Chunks(), mem)
		if err != nil {
			t.Fatal(err)
		}
		out.cols[col.Name()] = arr
	}
	return out
}

// row is row i of p, as a table of its own.
func (p pqTable) row(t *testing.T, i int) pqTable {
	t.Helper()
	out := pqTable{path: fmt.Sprintf("%s row %d", p.path, i), rows: 1, cols: map[string]arrow.Array{}}
	for name, c := range p.cols {
		out.cols[name] = array.NewSlice(c, int64(i), int64(i+1))
	}
	return out
}

// readRowGroups reads each row group of the Parquet file at path as a
// table of its own, with pqarrow.
func readRowGroups(t *testing.T, path string) []pqTable {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := memory.NewGoAllocator()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]int, pf.MetaData().Schema.NumColumns())
	for i := range cols {
		cols[i] = i
	}
	var out []pqTable
	for rg := range pf.NumRowGroups() {
		tbl, err := fr.ReadRowGroups(context.Background(), cols, []int{rg})
		if err != nil {
			t.Fatalf("%s row group %d: %v", path, rg, err)
		}
		out = append(out, pqTableOf(t, fmt.Sprintf("%s row group %d", path, rg), tbl, mem))
		tbl.Release()
	}
	return out
}

// parquetFiles lists the Parquet files under dir, as a Hive reader
// would: not the hidden temporary ones.
func parquetFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") && !strings.HasPrefix(d.Name(), ".") {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (p pqTable) col(t *testing.T, name string) arrow.Array {
	t.Helper()
	c, ok := p.cols[name]
	if !ok {
		t.Fatalf("%s: no column %q", p.path, name)
	}
	return c
}

// equal checks a double column against want: null exactly where want is
// NaN, the same value elsewhere.
func (p pqTable) equal(t *testing.T, name string, want []float64) {
	t.Helper()
	c, ok := p.col(t, name).(*array.Float64)
	if !ok {
		t.Fatalf("%s: column %s is %s, want double", p.path, name, p.col(t, name).DataType())
	}
	if c.Len() != len(want) {
		t.Fatalf("%s: column %s has %d values, want %d", p.path, name, c.Len(), len(want))
	}
	bad := 0
	for i, w := range want {
		if math.IsNaN(w) != c.IsNull(i) || !c.IsNull(i) && c.Value(i) != w {
			if bad++; bad <= 3 {
				t.Errorf("%s: %s[%d] = %v (null %v), want %v", filepath.Base(p.path), name, i, c.Value(i), c.IsNull(i), w)
			}
		}
	}
}

// strings reads a string column, plain or (as the samples' activity_id
// reads) dictionary-encoded.
func (p pqTable) strings(t *testing.T, name string) []string {
	t.Helper()
	switch c := p.col(t, name).(type) {
	case *array.String:
		out := make([]string, c.Len())
		for i := range out {
			out[i] = c.Value(i)
		}
		return out
	case *array.Dictionary:
		dict, ok := c.Dictionary().(*array.String)
		if !ok {
			t.Fatalf("%s: column %s is a dictionary of %s, not of strings", p.path, name, c.Dictionary().DataType())
		}
		out := make([]string, c.Len())
		for i := range out {
			out[i] = dict.Value(c.GetValueIndex(i))
		}
		return out
	}
	t.Fatalf("%s: column %s is not a string", p.path, name)
	return nil
}

func (p pqTable) int64s(t *testing.T, name string) []int64 {
	t.Helper()
	c, ok := p.col(t, name).(*array.Int64)
	if !ok {
		t.Fatalf("%s: column %s is not int64", p.path, name)
	}
	return c.Int64Values()
}

func (p pqTable) times(t *testing.T, name string) []time.Time {
	t.Helper()
	c, ok := p.col(t, name).(*array.Timestamp)
	if !ok {
		t.Fatalf("%s: column %s is not a timestamp", p.path, name)
	}
	out := make([]time.Time, c.Len())
	for i := range out {
		out[i] = c.Value(i).ToTime(arrow.Microsecond)
	}
	return out
}
