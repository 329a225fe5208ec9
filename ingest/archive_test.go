package ingest_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "fit", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
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

// member is one zip entry; a name ending in "/" is a folder.
type member struct {
	name string
	data []byte
}

// zipOf builds a zip holding members in the order given (not sorted, so
// the walk's sorting is tested).
func zipOf(t *testing.T, members ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// walked is what a walk gave for one source: its bytes, or the error
// reading them.
type walked struct {
	name string
	size int64
	data []byte
	err  error
}

func walkAll(t *testing.T, paths []string, o ingest.WalkOptions) ([]walked, ingest.WalkStats) {
	t.Helper()
	var got []walked
	stats, err := ingest.WalkSources(context.Background(), paths, o, func(src ingest.Source) error {
		rc, err := src.Open()
		if err != nil {
			got = append(got, walked{name: src.Name, size: src.Size, err: err})
			return nil
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		got = append(got, walked{name: src.Name, size: src.Size, data: b, err: err})
		return nil
	})
	if err != nil {
		t.Fatalf("WalkSources: %v", err)
	}
	return got, stats
}

// TestWalkSourcesExports walks a folder holding loose files, a Garmin
// account export (a zip in a zip), a Strava export (activities/*.fit.gz),
// a corrupt zip, a zip holding a corrupt zip, and truncated gzip streams.
func TestWalkSourcesExports(t *testing.T) {
	run := fixture(t, "python-fitparse__garmin-fenix-5-run.fit")
	walk := fixture(t, "python-fitparse__garmin-fenix-5-walk.fit")
	speed := fixture(t, "python-fitparse__compressed-speed-distance.fit")
	bolt := fixture(t, "python-fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit")
	settings := fixture(t, "python-fitparse__activity-settings.fit")
	runGz := gzipOf(t, run)
	truncGz := runGz[:len(runGz)/2]

	root := t.TempDir()
	at := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	writeFile(t, at("a-loose/RUN.FIT"), run)
	writeFile(t, at("a-loose/notes.txt"), []byte("not FIT"))
	writeFile(t, at("a-loose/sub/speed.Fit"), speed)
	writeFile(t, at("a-loose/walk.fit.gz"), gzipOf(t, walk))
	writeFile(t, at("b-garmin.zip"), zipOf(t,
		member{"DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", zipOf(t,
			member{"2024/walk.fit", walk},
			member{"2024/run.fit", run},
		)},
		member{"__MACOSX/DI_CONNECT/._x.fit", []byte{0, 5, 22, 7}},
		member{"DI_CONNECT/DI-Connect-Fitness/summary.json", []byte("{}")},
	))
	writeFile(t, at("c-strava.zip"), zipOf(t,
		member{"media/", nil},
		member{"activities/99999.fit.gz", truncGz},
		member{"activities/67890.gpx", []byte("<gpx/>")},
		member{"activities/12345.fit.gz", gzipOf(t, bolt)},
		member{"activities.csv", []byte("Activity ID\n")},
	))
	writeFile(t, at("d-corrupt.zip"), append([]byte("PK\x03\x04"), run[:300]...))
	writeFile(t, at("e-broken-inner.zip"), zipOf(t,
		member{"ok.fit", settings},
		member{"inner.zip", []byte("PK\x05\x06 this is not a zip")},
	))
	writeFile(t, at("f-truncated.fit.gz"), truncGz)

	got, stats := walkAll(t, []string{root}, ingest.WalkOptions{})

	// want lists every source in walk order: folders lexically, members
	// sorted by name. data nil means reading must fail.
	want := []struct {
		name string
		size int64
		data []byte
	}{
		{at("a-loose/RUN.FIT"), int64(len(run)), run},
		{at("a-loose/sub/speed.Fit"), int64(len(speed)), speed},
		{at("a-loose/walk.fit.gz"), -1, walk},
		{at("b-garmin.zip") + "!DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!2024/run.fit", int64(len(run)), run},
		{at("b-garmin.zip") + "!DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!2024/walk.fit", int64(len(walk)), walk},
		{at("c-strava.zip") + "!activities/12345.fit.gz", -1, bolt},
		{at("c-strava.zip") + "!activities/99999.fit.gz", -1, nil},
		{at("e-broken-inner.zip") + "!ok.fit", int64(len(settings)), settings},
		{at("f-truncated.fit.gz"), -1, nil},
	}
	if len(got) != len(want) {
		var names []string
		for _, g := range got {
			names = append(names, g.name)
		}
		t.Fatalf("got %d sources, want %d:\n%s", len(got), len(want), strings.Join(names, "\n"))
	}
	for i, w := range want {
		g := got[i]
		if g.name != w.name {
			t.Errorf("source %d: name %q, want %q", i, g.name, w.name)
			continue
		}
		if g.size != w.size {
			t.Errorf("%s: size %d, want %d", g.name, g.size, w.size)
		}
		if w.data == nil {
			// Truncated gzip: the error names the source, says how far
			// it got, and is still an unexpected EOF underneath.
			var ae *ingest.ArchiveError
			if !errors.As(g.err, &ae) || ae.Name != w.name || ae.Offset <= 0 || !errors.Is(g.err, io.ErrUnexpectedEOF) {
				t.Errorf("%s: read error %v, want *ArchiveError naming it, with an offset, wrapping io.ErrUnexpectedEOF", g.name, g.err)
			}
			continue
		}
		if g.err != nil {
			t.Errorf("%s: %v", g.name, g.err)
		} else if !bytes.Equal(g.data, w.data) {
			t.Errorf("%s: %d bytes differ from the original %d", g.name, len(g.data), len(w.data))
		}
	}
	if stats.Sources != len(want) {
		t.Errorf("stats.Sources = %d, want %d", stats.Sources, len(want))
	}
	// notes.txt, summary.json, the __MACOSX fork, activities.csv, 67890.gpx
	if stats.Skipped != 5 {
		t.Errorf("stats.Skipped = %d, want 5", stats.Skipped)
	}
	wantErrs := []string{at("d-corrupt.zip"), at("e-broken-inner.zip") + "!inner.zip"}
	if len(stats.Errors) != len(wantErrs) {
		t.Fatalf("stats.Errors = %v, want one each for %v", stats.Errors, wantErrs)
	}
	for i, err := range stats.Errors {
		var ae *ingest.ArchiveError
		if !errors.As(err, &ae) || ae.Name != wantErrs[i] || !strings.Contains(err.Error(), wantErrs[i]) {
			t.Errorf("error %d: %v, want an *ArchiveError naming %s", i, err, wantErrs[i])
		}
	}

	// Same folder, same order.
	again, _ := walkAll(t, []string{root}, ingest.WalkOptions{})
	for i := range got {
		if again[i].name != got[i].name {
			t.Fatalf("second walk: source %d is %s, first walk gave %s", i, again[i].name, got[i].name)
		}
	}
}

// TestWalkSourcesDecodes decodes the Strava layout straight from the zip
// and checks it against decoding the loose file.
func TestWalkSourcesDecodes(t *testing.T) {
	name := "python-fitparse__garmin-fenix-5-run.fit"
	direct, err := ingest.DecodeFile(filepath.Join("..", "testdata", "fit", name), ingest.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "export_1234.zip")
	writeFile(t, p, zipOf(t, member{"activities/1.fit.gz", gzipOf(t, fixture(t, name))}))
	var acts []*ingest.Activity
	_, err = ingest.WalkSources(context.Background(), []string{p}, ingest.WalkOptions{}, func(src ingest.Source) error {
		rc, err := src.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		acts, err = ingest.DecodeFIT(rc, ingest.DecodeOptions{SizeHint: src.Size})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != len(direct) || acts[0].Len() != direct[0].Len() || !acts[0].Start.Equal(direct[0].Start) {
		t.Fatalf("from the zip: %d activities; loose file: %d", len(acts), len(direct))
	}
	if !slices.Equal(acts[0].Elapsed, direct[0].Elapsed) {
		t.Error("elapsed_s differs between the zip and the loose file")
	}
}

// TestWalkSourcesCaps checks the zip-bomb guards at their boundaries.
func TestWalkSourcesCaps(t *testing.T) {
	run := fixture(t, "python-fitparse__garmin-fenix-5-run.fit")
	dir := t.TempDir()

	t.Run("member exactly at the cap reads, one byte over fails", func(t *testing.T) {
		p := filepath.Join(dir, "run.fit")
		writeFile(t, p, run)
		got, _ := walkAll(t, []string{p}, ingest.WalkOptions{MaxMember: int64(len(run))})
		if got[0].err != nil || !bytes.Equal(got[0].data, run) {
			t.Errorf("at the cap: %v", got[0].err)
		}
		got, _ = walkAll(t, []string{p}, ingest.WalkOptions{MaxMember: int64(len(run) - 1)})
		var ae *ingest.ArchiveError
		if !errors.Is(got[0].err, ingest.ErrTooLarge) || !errors.As(got[0].err, &ae) || ae.Offset != int64(len(run)-1) {
			t.Errorf("one byte over: %v, want ErrTooLarge at byte %d", got[0].err, len(run)-1)
		}
		if len(got[0].data) != len(run)-1 {
			t.Errorf("one byte over: read %d bytes before the error, want %d", len(got[0].data), len(run)-1)
		}
	})

	t.Run("gzip bomb", func(t *testing.T) {
		p := filepath.Join(dir, "bomb.fit.gz")
		writeFile(t, p, gzipOf(t, make([]byte, 8<<20))) // 8 MiB of zeros, about 8 KiB compressed
		got, _ := walkAll(t, []string{p}, ingest.WalkOptions{MaxMember: 1 << 20})
		if !errors.Is(got[0].err, ingest.ErrTooLarge) || !strings.Contains(got[0].err.Error(), p) {
			t.Errorf("got %v, want ErrTooLarge naming %s", got[0].err, p)
		}
		if len(got[0].data) != 1<<20 {
			t.Errorf("read %d bytes, want the cap, %d", len(got[0].data), 1<<20)
		}
	})

	t.Run("zip member declared over the cap is not offered", func(t *testing.T) {
		p := filepath.Join(dir, "big.zip")
		writeFile(t, p, zipOf(t, member{"big.fit", run}, member{"small.fit", run[:100]}))
		got, stats := walkAll(t, []string{p}, ingest.WalkOptions{MaxMember: 1000})
		if len(got) != 1 || got[0].name != p+"!small.fit" {
			t.Errorf("sources %v, want only small.fit", got)
		}
		if len(stats.Errors) != 1 || !errors.Is(stats.Errors[0], ingest.ErrTooLarge) || !strings.Contains(stats.Errors[0].Error(), p+"!big.fit") {
			t.Errorf("errors %v, want ErrTooLarge naming big.fit", stats.Errors)
		}
	})

	t.Run("nested zips share the in-memory cap", func(t *testing.T) {
		inner := zipOf(t, member{"run.fit", run})
		mid := zipOf(t, member{"inner.zip", inner})
		p := filepath.Join(dir, "outer.zip")
		writeFile(t, p, zipOf(t, member{"mid.zip", mid}, member{"plain.fit", run}))

		both := int64(len(mid) + len(inner))
		got, stats := walkAll(t, []string{p}, ingest.WalkOptions{MaxNestedZip: both})
		if len(got) != 2 || len(stats.Errors) != 0 {
			t.Errorf("cap %d = mid + inner: %d sources, errors %v; want 2 sources, no error", both, len(got), stats.Errors)
		}
		got, stats = walkAll(t, []string{p}, ingest.WalkOptions{MaxNestedZip: both - 1})
		if len(got) != 1 || got[0].name != p+"!plain.fit" {
			t.Errorf("cap one byte short: sources %v, want only plain.fit", got)
		}
		if len(stats.Errors) != 1 || !errors.Is(stats.Errors[0], ingest.ErrTooLarge) || !strings.Contains(stats.Errors[0].Error(), p+"!mid.zip!inner.zip") {
			t.Errorf("cap one byte short: errors %v, want ErrTooLarge naming mid.zip!inner.zip", stats.Errors)
		}
	})

	t.Run("nesting depth", func(t *testing.T) {
		z := zipOf(t, member{"run.fit", run})
		for range 20 {
			z = zipOf(t, member{"z.zip", z})
		}
		p := filepath.Join(dir, "deep.zip")
		writeFile(t, p, z)
		got, stats := walkAll(t, []string{p}, ingest.WalkOptions{})
		if len(got) != 0 || len(stats.Errors) != 1 || !strings.Contains(stats.Errors[0].Error(), "nested more than") {
			t.Errorf("sources %d, errors %v; want none and one depth error", len(got), stats.Errors)
		}
	})
}

func TestWalkSourcesStops(t *testing.T) {
	run := fixture(t, "python-fitparse__garmin-fenix-5-run.fit")
	dir := t.TempDir()
	for _, n := range []string{"a.fit", "b.fit", "c.fit"} {
		writeFile(t, filepath.Join(dir, n), run)
	}

	t.Run("fn error", func(t *testing.T) {
		errStop := errors.New("stop")
		stats, err := ingest.WalkSources(context.Background(), []string{dir}, ingest.WalkOptions{}, func(ingest.Source) error { return errStop })
		if err != errStop || stats.Sources != 1 {
			t.Errorf("got %v after %d sources, want errStop after 1", err, stats.Sources)
		}
	})

	t.Run("context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		stats, err := ingest.WalkSources(ctx, []string{dir}, ingest.WalkOptions{}, func(ingest.Source) error {
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) || stats.Sources != 1 {
			t.Errorf("got %v after %d sources, want context.Canceled after 1", err, stats.Sources)
		}
	})

	t.Run("missing path", func(t *testing.T) {
		missing := filepath.Join(dir, "nope")
		stats, err := ingest.WalkSources(context.Background(), []string{missing, dir}, ingest.WalkOptions{}, func(ingest.Source) error { return nil })
		if err != nil || stats.Sources != 3 || len(stats.Errors) != 1 || !strings.Contains(stats.Errors[0].Error(), missing) {
			t.Errorf("err %v, %d sources, errors %v; want the walk to go on past %s", err, stats.Sources, stats.Errors, missing)
		}
	})
}

// TestSourceLifetime checks that a Source can be read concurrently inside
// fn (so a worker pool can share it) and not after fn returns.
func TestSourceLifetime(t *testing.T) {
	run := fixture(t, "python-fitparse__garmin-fenix-5-run.fit")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "export.zip"), zipOf(t, member{"activities/1.fit.gz", gzipOf(t, run)}, member{"2.fit", run}))
	writeFile(t, filepath.Join(dir, "loose.fit"), run) // still on disk after fn: only the walk can refuse it

	var kept []ingest.Source
	_, err := ingest.WalkSources(context.Background(), []string{dir}, ingest.WalkOptions{}, func(src ingest.Source) error {
		kept = append(kept, src)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				rc, err := src.Open()
				if err != nil {
					errs[i] = err
					return
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				if err == nil && !bytes.Equal(b, run) {
					err = errors.New("bytes differ")
				}
				errs[i] = err
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range kept {
		if rc, err := src.Open(); err == nil {
			rc.Close()
			t.Errorf("%s: Open after fn returned succeeded", src.Name)
		} else if !strings.Contains(err.Error(), src.Name) {
			t.Errorf("error %q does not name %s", err, src.Name)
		}
	}
}

// TestSourceHold checks that a held Source stays readable after fn
// returns, from other goroutines, until it is released; that the walk
// does not leave a zip while its members are held; and that a Hold taken
// after fn returned holds nothing.
func TestSourceHold(t *testing.T) {
	run := fixture(t, "python-fitparse__garmin-fenix-5-run.fit")
	dir := t.TempDir()
	inner := zipOf(t, member{"b.fit", run})
	writeFile(t, filepath.Join(dir, "export.zip"), zipOf(t,
		member{"activities/1.fit.gz", gzipOf(t, run)},
		member{"a.fit", run},
		member{"nested.zip", inner},
	))
	writeFile(t, filepath.Join(dir, "loose.fit"), run)

	type held struct {
		src     ingest.Source
		release func()
	}
	queue := make(chan held, 16)
	var (
		mu   sync.Mutex
		read []string
		errs []error
	)
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for h := range queue {
				rc, err := h.src.Open()
				if err == nil {
					var b []byte
					b, err = io.ReadAll(rc)
					rc.Close()
					if err == nil && !bytes.Equal(b, run) {
						err = errors.New("bytes differ")
					}
				}
				// Noted as read before the release, which lets the walk go on.
				mu.Lock()
				read = append(read, h.src.Name)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", h.src.Name, err))
				}
				mu.Unlock()
				h.release()
				h.release() // a second call does nothing
			}
		})
	}
	var yielded []string
	// left reports the archive members yielded before that are not in
	// an archive src is in, and have not been read: the walk left their
	// archive without waiting for their release.
	left := func(src string) []string {
		mu.Lock()
		defer mu.Unlock()
		var out []string
		for _, p := range yielded {
			if a := archiveOf(p); a != "" && !strings.HasPrefix(src, a+"!") && !slices.Contains(read, p) {
				out = append(out, p)
			}
		}
		return out
	}
	_, err := ingest.WalkSources(context.Background(), []string{dir}, ingest.WalkOptions{}, func(src ingest.Source) error {
		if l := left(src.Name); len(l) > 0 {
			t.Errorf("%s yielded before %q, held in an archive the walk left, were read", src.Name, l)
		}
		yielded = append(yielded, src.Name)
		queue <- held{src, src.Hold()}
		return nil
	})
	if l := left(""); len(l) > 0 {
		t.Errorf("the walk returned before %q, held archive members, were read", l)
	}
	close(queue)
	readers.Wait()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Error(e)
	}
	slices.Sort(read)
	slices.Sort(yielded)
	if !slices.Equal(read, yielded) || len(read) != 4 {
		t.Errorf("read %q, want the %d yielded %q", read, len(yielded), yielded)
	}

	// Released, or held too late: Open fails.
	var late []ingest.Source
	ingest.WalkSources(context.Background(), []string{dir}, ingest.WalkOptions{}, func(src ingest.Source) error {
		late = append(late, src)
		return nil
	})
	for _, src := range late {
		release := src.Hold()
		if rc, err := src.Open(); err == nil {
			rc.Close()
			t.Errorf("%s: Open after fn returned succeeded though Hold came late", src.Name)
		}
		release()
	}
}

// archiveOf is the archive part of a source name: all before the last
// "!", or "" for a file on disk.
func archiveOf(name string) string {
	i := strings.LastIndex(name, "!")
	if i < 0 {
		return ""
	}
	return name[:i]
}
