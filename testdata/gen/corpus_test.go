package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// TestCorpus writes a corpus one block and a few runs long (the demo
// schedule holds 54 runs) and reads it back: every file decodes to one
// run without warnings, no two share a start time (so ingest stores each
// once), and the sizes are the demo's, about 100 KB per hour.
func TestCorpus(t *testing.T) {
	const n = 58
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-corpus", "58", "-out", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".fit") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != n {
		t.Fatalf("%d files, want %d", len(paths), n)
	}
	starts := map[int64]string{}
	var bytesTotal, hours float64
	for _, p := range paths {
		acts, err := ingest.DecodeFile(p, ingest.DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(acts) != 1 || acts[0].Sport != "running" || len(acts[0].Warnings) > 0 {
			t.Fatalf("%s: %d activities, sport %q, warnings %v; want one clean run", p, len(acts), acts[0].Sport, acts[0].Warnings)
		}
		a := acts[0]
		if other, dup := starts[a.Start.UnixMilli()]; dup {
			t.Errorf("%s and %s start at the same time: ingest would store one", p, other)
		}
		starts[a.Start.UnixMilli()] = p
		if y := filepath.Base(filepath.Dir(p)); y != a.Start.Format("2006") && y != a.Start.UTC().Format("2006") {
			t.Errorf("%s: in folder %s, starts %v", p, y, a.Start)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		bytesTotal += float64(fi.Size())
		hours += a.Totals.ElapsedS / 3600
	}
	// The demo's files hold about 100 KB per hour (the brief's figure);
	// a corpus far off that would time ingest on unrealistic input.
	if perHour := bytesTotal / hours; perHour < 80e3 || perHour > 130e3 {
		t.Errorf("%.0f bytes per hour of running, want about 100 KB", perHour)
	}
	if !strings.Contains(stdout.String(), "58 files") {
		t.Errorf("stdout %q does not report the files written", stdout.String())
	}
}

// -corpus without -out would write into the demo folder.
func TestCorpusNeedsOut(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-corpus", "3"}, &stdout, &stderr); code != 2 {
		t.Errorf("-corpus without -out: exit %d, want 2", code)
	}
	if code := run([]string{"-corpus", "0", "-out", t.TempDir()}, &stdout, &stderr); code != 0 {
		// -corpus 0 is the demo (the flag's default): it must still work.
		t.Errorf("-corpus 0: exit %d: %s", code, stderr.String())
	}
	if code := run([]string{"-corpus", "-1", "-out", t.TempDir()}, &stdout, &stderr); code != 2 {
		t.Errorf("-corpus -1: exit %d, want 2", code)
	}
}
