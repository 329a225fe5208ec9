package ingest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Caps that guard WalkSources against zip bombs; see [WalkOptions].
const (
	DefaultMaxNestedZip = 512 << 20 // bytes
	DefaultMaxMember    = 1 << 30   // bytes
)

// maxZipDepth bounds how deep zips inside zips are followed. Garmin's
// account export nests two levels; a zip quine (a zip that contains
// itself) would otherwise be followed until the memory cap.
const maxZipDepth = 16

// ErrTooLarge means an archive member or a gzip stream is over one of the
// caps of [WalkOptions]: a zip bomb, or an export far larger than any FIT
// file.
var ErrTooLarge = errors.New("over the size cap")

// WalkOptions controls WalkSources. The zero value is ready to use.
type WalkOptions struct {
	// MaxNestedZip caps the bytes of zips-inside-zips held in memory at
	// once (a nested zip must be read whole, because archive/zip needs an
	// io.ReaderAt). The cap is shared along a nesting chain: an inner zip
	// inside a 300 MiB nested zip may use what is left. 0 means
	// DefaultMaxNestedZip (512 MiB).
	MaxNestedZip int64
	// MaxMember caps the bytes of one FIT payload after decompression
	// (the largest real FIT files are tens of MB). Reading past it fails
	// with ErrTooLarge. 0 means DefaultMaxMember (1 GiB).
	MaxMember int64
}

// WalkStats says what WalkSources saw.
type WalkStats struct {
	Sources int     // FIT payloads passed to fn
	Skipped int     // files and archive members that are not .fit, .fit.gz or .zip
	Errors  []error // one *ArchiveError per path, archive or member that could not be read; the walk went on
}

// Source is one FIT payload found by WalkSources: a .fit file, a
// gzip-compressed .fit.gz file, or either of them inside a zip archive at
// any depth.
//
// A Source is valid only until the fn it was passed to returns; after
// that its archive may be closed and Open fails. Read what you need
// inside fn, or call Hold inside fn to keep the Source valid until you
// release it: then fn can hand the Source itself to a worker, and
// workers read (decompress, hash) several sources at once.
type Source struct {
	// Name says where the payload is: the path as walked, then "!" and
	// the member name for each archive it is inside, e.g.
	// "export.zip!DI_CONNECT/part1.zip!2024/run.fit".
	Name string
	// Size is the payload size in bytes when it is known without reading
	// (a .fit file or zip member); -1 for gzip, whose stored size is the
	// size mod 2³² and cannot be trusted.
	Size int64

	open func() (io.ReadCloser, error)
	life *sourceLife
}

// sourceLife says when a Source may be opened: while fn runs, and while
// it is held.
type sourceLife struct {
	live atomic.Bool  // fn has not returned
	held atomic.Int32 // Holds not yet released
	// archive counts the holds on the members of the archive the walk is
	// in, nil outside archives: the walk waits for them before it closes
	// the archive.
	archive *sync.WaitGroup
}

// Open returns a reader of the FIT bytes, decompressed. It may be called
// more than once, and from several goroutines, until fn returns or, when
// the Source is held, until the hold is released. Errors from the reader
// are *ArchiveError values naming the source and the byte offset; reading
// more than WalkOptions.MaxMember bytes fails with ErrTooLarge.
func (s Source) Open() (io.ReadCloser, error) {
	if l := s.life; s.open == nil || l == nil || !(l.live.Load() || l.held.Load() > 0) {
		return nil, &ArchiveError{Name: s.Name, Offset: -1, Err: errors.New("source opened after its walk callback returned")}
	}
	return s.open()
}

// Hold keeps the Source valid after fn returns, until release is called;
// release may be called more than once, and only its first call counts.
// Call Hold inside fn; called later it holds nothing.
//
// The walk waits for the release of every held member of an archive
// before it closes the archive and goes on past it, so that memory stays
// bounded (a zip inside a zip is held in memory while it is walked).
// Release therefore must not wait for the walk: read the Source, then
// release it.
func (s Source) Hold() (release func()) {
	l := s.life
	if l == nil || !l.live.Load() {
		return func() {}
	}
	l.held.Add(1)
	if l.archive != nil {
		l.archive.Add(1)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			l.held.Add(-1)
			if l.archive != nil {
				l.archive.Done()
			}
		})
	}
}

// ArchiveError is a path, archive or archive member that could not be
// read. WalkSources collects them in WalkStats.Errors; a Source's reader
// returns them.
type ArchiveError struct {
	Name   string // as Source.Name: "export.zip!inner.zip!run.fit.gz"
	Offset int64  // decompressed bytes read before the problem; -1 when it came before reading
	Err    error
}

func (e *ArchiveError) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("ingest: %s: %v", e.Name, e.Err)
	}
	return fmt.Sprintf("ingest: %s: byte %d: %v", e.Name, e.Offset, e.Err)
}

func (e *ArchiveError) Unwrap() error { return e.Err }

// WalkSources finds every FIT payload under paths and calls fn once for
// each, in a fixed order: paths in the order given, folders recursively
// in lexical order (filepath.WalkDir), archive members sorted by name.
//
// It reads .fit files, .fit.gz files, and .zip archives, including zips
// inside zips (Garmin's account export) and Strava's export
// (activities/*.fit.gz in the zip). Extensions are matched ignoring case;
// any other file is counted in WalkStats.Skipped, as are macOS resource
// forks (__MACOSX/, ._*) inside zips. Symbolic links to folders are not
// followed.
//
// Memory stays bounded whatever the size of the folder: FIT payloads are
// streamed through Source.Open, never held by the walk; only a zip inside
// a zip is read into memory, up to WalkOptions.MaxNestedZip.
//
// A path, archive or member that cannot be read is recorded in
// WalkStats.Errors and the walk goes on. The walk stops, returning the
// error, when fn returns an error or ctx is done.
func WalkSources(ctx context.Context, paths []string, o WalkOptions, fn func(Source) error) (WalkStats, error) {
	if o.MaxNestedZip <= 0 {
		o.MaxNestedZip = DefaultMaxNestedZip
	}
	if o.MaxMember <= 0 {
		o.MaxMember = DefaultMaxMember
	}
	w := &walker{ctx: ctx, o: o, fn: fn}
	for _, p := range paths {
		if err := w.walkPath(p); err != nil {
			return w.stats, err
		}
	}
	return w.stats, nil
}

// walker holds the state of one WalkSources call. Its methods return an
// error only to stop the walk (ctx done, or fn failed); problems with the
// input go to stats.Errors.
type walker struct {
	ctx   context.Context
	o     WalkOptions
	fn    func(Source) error
	stats WalkStats
	// archive counts the holds on members of the zip being walked; nil
	// outside zips.
	archive *sync.WaitGroup
}

func (w *walker) fail(name string, off int64, err error) {
	w.stats.Errors = append(w.stats.Errors, &ArchiveError{Name: name, Offset: off, Err: err})
}

// yield passes src to fn and ends its validity when fn returns.
func (w *walker) yield(src Source) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	life := &sourceLife{archive: w.archive}
	life.live.Store(true)
	src.life = life
	w.stats.Sources++
	err := w.fn(src)
	life.live.Store(false)
	return err
}

type kind int

const (
	kindOther kind = iota
	kindFIT
	kindGzip
	kindZip
)

func kindOf(name string) kind {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".fit"):
		return kindFIT
	case strings.HasSuffix(n, ".fit.gz"):
		return kindGzip
	case strings.HasSuffix(n, ".zip"):
		return kindZip
	}
	return kindOther
}

func (w *walker) walkPath(root string) error {
	st, err := os.Stat(root)
	if err != nil {
		w.fail(root, -1, err)
		return nil
	}
	if !st.IsDir() {
		return w.walkFile(root, st)
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// An unreadable folder: note it; WalkDir goes on with its siblings.
			w.fail(p, -1, err)
			return nil
		}
		if d.IsDir() {
			return w.ctx.Err()
		}
		st, err := os.Stat(p) // follows a link to a file
		if err != nil {
			w.fail(p, -1, err)
			return nil
		}
		if st.IsDir() { // a link to a folder: not followed, so no cycles
			w.stats.Skipped++
			return nil
		}
		return w.walkFile(p, st)
	})
}

func (w *walker) walkFile(name string, st fs.FileInfo) error {
	switch kindOf(name) {
	case kindFIT:
		return w.yield(Source{Name: name, Size: st.Size(), open: func() (io.ReadCloser, error) {
			f, err := os.Open(name)
			if err != nil {
				return nil, &ArchiveError{Name: name, Offset: -1, Err: err}
			}
			return w.capped(name, f, f), nil
		}})
	case kindGzip:
		return w.yield(Source{Name: name, Size: -1, open: func() (io.ReadCloser, error) {
			f, err := os.Open(name)
			if err != nil {
				return nil, &ArchiveError{Name: name, Offset: -1, Err: err}
			}
			return w.gunzip(name, f)
		}})
	case kindZip:
		zr, err := zip.OpenReader(name)
		if err != nil && !(zr != nil && errors.Is(err, zip.ErrInsecurePath)) {
			// ErrInsecurePath (GODEBUG=zipinsecurepath=0) is harmless here:
			// nothing is ever extracted.
			w.fail(name, -1, err)
			return nil
		}
		defer zr.Close()
		return w.walkZip(name, &zr.Reader, w.o.MaxNestedZip, 1)
	}
	w.stats.Skipped++
	return nil
}

// walkZip walks the members of zr, named name. budget is what is left of
// MaxNestedZip for zips nested in this one. It returns when the members
// it yielded are released (Source.Hold), so that the caller may close
// the archive or drop it from memory.
func (w *walker) walkZip(name string, zr *zip.Reader, budget int64, depth int) error {
	outer := w.archive
	var held sync.WaitGroup
	w.archive = &held
	defer func() {
		held.Wait()
		w.archive = outer
	}()
	files := slices.Clone(zr.File)
	slices.SortStableFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	for _, f := range files {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() {
			continue
		}
		member := name + "!" + f.Name
		if strings.HasPrefix(f.Name, "__MACOSX/") || strings.HasPrefix(path.Base(f.Name), "._") {
			w.stats.Skipped++
			continue
		}
		var err error
		switch kindOf(f.Name) {
		case kindFIT:
			if f.UncompressedSize64 > uint64(w.o.MaxMember) {
				w.fail(member, -1, fmt.Errorf("%w: the zip says %d bytes, the cap is %d", ErrTooLarge, f.UncompressedSize64, w.o.MaxMember))
				continue
			}
			err = w.yield(Source{Name: member, Size: int64(f.UncompressedSize64), open: func() (io.ReadCloser, error) {
				rc, err := f.Open()
				if err != nil {
					return nil, &ArchiveError{Name: member, Offset: -1, Err: err}
				}
				return w.capped(member, rc, rc), nil
			}})
		case kindGzip:
			err = w.yield(Source{Name: member, Size: -1, open: func() (io.ReadCloser, error) {
				rc, err := f.Open()
				if err != nil {
					return nil, &ArchiveError{Name: member, Offset: -1, Err: err}
				}
				return w.gunzip(member, rc)
			}})
		case kindZip:
			err = w.walkNestedZip(member, f, budget, depth)
		default:
			w.stats.Skipped++
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// walkNestedZip reads the zip member f into memory, within budget, and
// walks it.
func (w *walker) walkNestedZip(name string, f *zip.File, budget int64, depth int) error {
	if depth >= maxZipDepth {
		w.fail(name, -1, fmt.Errorf("zips nested more than %d deep", maxZipDepth))
		return nil
	}
	if f.UncompressedSize64 > uint64(budget) {
		w.fail(name, -1, fmt.Errorf("%w: nested zip of %d bytes must be read into memory, and %d bytes are left of the %d-byte cap",
			ErrTooLarge, f.UncompressedSize64, budget, w.o.MaxNestedZip))
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		w.fail(name, -1, err)
		return nil
	}
	// archive/zip checks that the member holds exactly the size its header
	// declares (and its CRC-32), so the buffer cannot outgrow the cap.
	var buf bytes.Buffer
	buf.Grow(int(f.UncompressedSize64))
	n, err := buf.ReadFrom(rc)
	rc.Close()
	if err != nil {
		w.fail(name, n, err)
		return nil
	}
	b := buf.Bytes()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil && !(zr != nil && errors.Is(err, zip.ErrInsecurePath)) {
		w.fail(name, -1, err)
		return nil
	}
	return w.walkZip(name, zr, budget-int64(len(b)), depth+1)
}

// gunzip wraps the gzip stream rc (named name) in a capped reader that
// closes rc.
func (w *walker) gunzip(name string, rc io.ReadCloser) (io.ReadCloser, error) {
	zr, err := gzip.NewReader(rc)
	if err != nil {
		rc.Close()
		return nil, &ArchiveError{Name: name, Offset: 0, Err: err}
	}
	return w.capped(name, zr, closeBoth{zr, rc}), nil
}

func (w *walker) capped(name string, r io.Reader, c io.Closer) io.ReadCloser {
	return &sourceReader{r: r, c: c, name: name, max: w.o.MaxMember}
}

type closeBoth struct{ a, b io.Closer }

func (c closeBoth) Close() error {
	err := c.a.Close()
	if err2 := c.b.Close(); err == nil {
		err = err2
	}
	return err
}

// sourceReader counts the bytes of a payload, stops at max, and turns read
// errors into *ArchiveError values with the offset.
type sourceReader struct {
	r    io.Reader
	c    io.Closer
	name string
	n    int64 // bytes returned so far
	max  int64
	err  error // sticky
}

func (r *sourceReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	// Ask for at most one byte past the cap, to tell "exactly max" from "more".
	if rem := r.max - r.n + 1; int64(len(p)) > rem {
		p = p[:rem]
	}
	k, err := r.r.Read(p)
	if r.n+int64(k) > r.max {
		k = int(r.max - r.n)
		r.n = r.max
		r.err = &ArchiveError{Name: r.name, Offset: r.n, Err: fmt.Errorf("%w: more than %d bytes decompressed", ErrTooLarge, r.max)}
		return k, r.err
	}
	r.n += int64(k)
	if err != nil && err != io.EOF {
		r.err = &ArchiveError{Name: r.name, Offset: r.n, Err: err}
		return k, r.err
	}
	return k, err
}

func (r *sourceReader) Close() error { return r.c.Close() }
