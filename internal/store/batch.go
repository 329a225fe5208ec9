package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// A Batch stores the activities of many source files for one athlete and
// commits them together: one samples file per year (and per set of
// developer fields) holding one row group per activity, one activities
// file per year holding one row per activity, and one manifest write.
// Per-file costs (a Parquet footer, its 160-odd column chunks, fsyncs of
// files and folders) are paid once per batch instead of once per
// activity; that is what lets `gaitkeeper ingest` keep up with a folder
// of thousands of files.
//
// Until Commit nothing of the batch is visible: its Parquet files are
// temporary files. Commit finishes them, appends the manifest lines of all
// the batch's source files with one write and fsync (the commit point),
// then renames the files into place. A crash before the commit point
// leaves temporary files that the next writer removes; a crash after it,
// temporary files that the next writer (or Open) renames. See doc.go.
//
// A Batch is used by one goroutine; several Batches of one Store may be
// open at once (ingest's workers each have one). An open Batch holds the
// store's writer lock, shared with the Store's other open Batches.
type Batch struct {
	s       *Store
	athlete string
	id      string
	err     error // sticky: a write failed; Commit returns it
	done    bool

	samples []*partFile           // open samples files, in the order made
	rows    map[int][]ActivityRow // activities rows by year
	entries []manifestEntry       // one per source file, in Put order

	// Reservations in the manifest's pending sets, given back by Commit
	// and Abort.
	files [][32]byte
	ids   []string

	activities int
	records    int64
}

// partFile is one samples file of a batch, being written.
type partFile struct {
	year   int
	path   string // the final name
	tmp    *os.File
	bw     *bufio.Writer
	fw     *pqarrow.FileWriter
	schema *arrow.Schema
	ids    []string // activity of each row group
}

// idsKey is the Parquet key-value metadata of a samples file that lists
// the activity of each row group, comma-separated, so that one activity's
// samples are read without reading the others'.
const idsKey = "gaitkeeper.activity_ids"

// NewBatch opens a batch for athlete. It takes the store's writer lock,
// waiting (until ctx is done, or for at most two minutes) while another
// process's batch is open, and the first open batch of this Store
// recovers what a crash left. The caller must end the batch with Commit
// or Abort.
func (s *Store) NewBatch(ctx context.Context, athlete string) (*Batch, error) {
	if err := CheckAthlete(athlete); err != nil {
		return nil, err
	}
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	return &Batch{s: s, athlete: athlete, id: newBatchID(time.Now()), rows: make(map[int][]ActivityRow)}, nil
}

// Activities is the number of activities the batch will write.
func (b *Batch) Activities() int { return b.activities }

// Records is the number of sample rows the batch will write.
func (b *Batch) Records() int64 { return b.records }

// Put adds one source file to the batch. It reserves the file and its
// activities at once, so that no other batch of this Store stores them
// again, and writes each new activity's samples to the batch's open
// samples file; the rows and the manifest line wait for Commit. The
// result is what Commit will make true. After an error writing the batch
// can only be aborted (Commit returns the error); an error about f itself
// (a bad File, a cancelled ctx) leaves the batch as it was.
func (b *Batch) Put(ctx context.Context, f File) (PutResult, error) {
	if b.done {
		return PutResult{}, errors.New("store: Put on a batch already ended")
	}
	if b.err != nil {
		return PutResult{}, b.err
	}
	if f.Athlete != b.athlete {
		return PutResult{}, fmt.Errorf("store: %s: athlete %q in a batch for %q", f.Name, f.Athlete, b.athlete)
	}
	if err := b.s.check(&f); err != nil {
		return PutResult{}, err
	}
	// ctx is heeded here only: once a file's first activity is in the
	// samples file, the rest must follow, or the batch could not commit.
	if err := ctx.Err(); err != nil {
		return PutResult{}, err
	}

	s := b.s
	s.mu.Lock()
	m, err := s.manifest(f.Athlete, true)
	if err != nil {
		s.mu.Unlock()
		return PutResult{}, err
	}
	if m.files[f.SHA256].Known || m.pendingFiles[f.SHA256] {
		s.mu.Unlock()
		return PutResult{Known: true}, nil
	}
	var res PutResult
	ids := make([]string, len(f.Activities))
	write := make([]bool, len(f.Activities))
	for i, a := range f.Activities {
		ids[i] = ActivityID(a.Data, f.SHA256)
		if m.ids[ids[i]] || m.pendingIDs[ids[i]] {
			res.Duplicates = append(res.Duplicates, ids[i])
		} else {
			m.pendingIDs[ids[i]] = true
			b.ids = append(b.ids, ids[i])
			res.Added = append(res.Added, ids[i])
			write[i] = true
		}
	}
	m.pendingFiles[f.SHA256] = true
	b.files = append(b.files, f.SHA256)
	s.mu.Unlock()

	for i := range f.Activities {
		if !write[i] {
			continue
		}
		if err := b.write(&f, &f.Activities[i], ids[i]); err != nil {
			b.err = err
			return PutResult{}, err
		}
	}
	e := manifestEntry{
		Version:    manifestVersion,
		SHA256:     hex.EncodeToString(f.SHA256[:]),
		Name:       f.Name,
		Activities: []string{},
		Failure:    f.Failure,
		Batch:      b.id,
	}
	for _, id := range ids {
		if !slices.Contains(e.Activities, id) {
			e.Activities = append(e.Activities, id)
		}
	}
	b.entries = append(b.entries, e)
	return res, nil
}

// write adds one activity's samples to the batch's samples file for its
// year and columns, and keeps its activities row for Commit.
func (b *Batch) write(f *File, a *Activity, id string) error {
	s := b.s
	year := a.Data.Start.UTC().Year()
	rec := samplesRecord(id, a.Data)
	defer rec.Release()
	var pf *partFile
	for _, p := range b.samples {
		if p.year == year && p.schema.Equal(rec.Schema()) {
			pf = p
			break
		}
	}
	if pf == nil {
		// Both folders now, so that one that cannot be made fails the
		// Put that needs it rather than the Commit.
		if err := s.ensureDir(s.partition(dirActivities, b.athlete, year)); err != nil {
			return err
		}
		k := 0
		for _, p := range b.samples {
			if p.year == year {
				k++
			}
		}
		path := filepath.Join(s.partition(dirSamples, b.athlete, year), fmt.Sprintf("part-%s-%d.parquet", b.id, k))
		var err error
		if pf, err = s.createPart(path, rec.Schema()); err != nil {
			return err
		}
		pf.year = year
		b.samples = append(b.samples, pf)
	}
	if err := pf.fw.Write(rec); err != nil {
		return fmt.Errorf("store: write %s: %w", pf.tmp.Name(), err)
	}
	pf.ids = append(pf.ids, id)

	row := rowOf(b.athlete, id, f, a)
	row.Start = time.UnixMicro(row.Start.UnixMicro()).UTC() // as the file keeps it
	row.SamplesFile = "year=" + strconv.Itoa(year) + "/" + filepath.Base(pf.path)
	b.rows[year] = append(b.rows[year], row)
	b.activities++
	b.records += int64(a.Data.Len())
	return nil
}

// createTemp creates the temporary file of path in its folder (made if
// need be), with a pooled write buffer onto it.
func (s *Store) createTemp(path string) (*os.File, *bufio.Writer, error) {
	dir := filepath.Dir(path)
	if err := s.ensureDir(dir); err != nil {
		return nil, nil, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+tmpMark+"*")
	if err != nil {
		return nil, nil, fmt.Errorf("store: %w", err)
	}
	return tmp, s.writeBuffer(tmp), nil
}

// createPart starts the samples file path as a temporary file beside it.
func (s *Store) createPart(path string, sc *arrow.Schema) (*partFile, error) {
	tmp, bw, err := s.createTemp(path)
	if err != nil {
		return nil, err
	}
	fw, err := pqarrow.NewFileWriter(sc, bw, s.samplesProps(), s.arrowProps())
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	return &partFile{path: path, tmp: tmp, bw: bw, fw: fw, schema: sc}, nil
}

// Commit makes the batch durable and visible: it finishes the samples
// files, writes the activities files, appends the manifest lines (the
// commit point) and renames the files into place. On an error before the
// commit point the batch is undone; after it, the files left temporary
// are renamed by the next writer. Either way the batch is ended.
func (b *Batch) Commit() error {
	if b.done {
		return errors.New("store: Commit of a batch already ended")
	}
	if b.err != nil {
		b.Abort()
		return b.err
	}
	s := b.s
	var tmps []*os.File // finished temporary files, samples first
	var finals []string
	fail := func(err error) error {
		for _, t := range tmps {
			os.Remove(t.Name())
		}
		b.Abort()
		return err
	}
	for _, pf := range b.samples {
		if err := pf.finish(); err != nil {
			return fail(err)
		}
		tmps, finals = append(tmps, pf.tmp), append(finals, pf.path)
	}
	years := make([]int, 0, len(b.rows))
	for y := range b.rows {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		path := b.activitiesPath(y)
		tmp, err := s.writeActivities(path, b.rows[y])
		if err != nil {
			return fail(err)
		}
		tmps, finals = append(tmps, tmp), append(finals, path)
	}

	// The commit point.
	if len(b.entries) > 0 {
		for i := range b.entries {
			b.entries[i].BatchFiles = len(b.entries)
		}
		s.mu.Lock()
		m, err := s.manifest(b.athlete, true)
		if err == nil {
			err = m.appendBatch(b.entries)
		}
		s.mu.Unlock()
		if err != nil {
			// The lines may be on disk (a failed fsync): the next writer's
			// recovery decides from the manifest whether to rename the
			// temporary files or remove them, so they are left.
			b.end()
			return err
		}
	}
	defer b.end()

	dirs := map[string]bool{}
	for i, t := range tmps {
		if err := os.Rename(t.Name(), finals[i]); err != nil {
			return fmt.Errorf("store: batch %s committed, renaming its files: %w", b.id, err)
		}
		dirs[filepath.Dir(finals[i])] = true
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	// Activities will not have to read back what it can remember.
	for _, y := range years {
		path := b.activitiesPath(y)
		if info, err := os.Stat(path); err == nil {
			e := s.cacheEntry("", info, b.rows[y])
			s.writtenMu.Lock()
			s.written[path] = &e
			s.writtenMu.Unlock()
		}
	}
	return nil
}

// activitiesPath is the final name of the batch's activities file for
// year.
func (b *Batch) activitiesPath(year int) string {
	return filepath.Join(b.s.partition(dirActivities, b.athlete, year), "part-"+b.id+".parquet")
}

// Abort ends the batch without storing anything: its temporary files are
// removed and its reservations given back. Aborting an ended batch does
// nothing.
func (b *Batch) Abort() {
	if b.done {
		return
	}
	for _, pf := range b.samples {
		pf.fw.Close()
		pf.tmp.Close()
		os.Remove(pf.tmp.Name())
	}
	b.end()
}

// end gives back the batch's reservations and its share of the writer
// lock.
func (b *Batch) end() {
	if b.done {
		return
	}
	b.done = true
	s := b.s
	s.mu.Lock()
	if m := s.manifests[b.athlete]; m != nil {
		for _, sha := range b.files {
			delete(m.pendingFiles, sha)
		}
		for _, id := range b.ids {
			delete(m.pendingIDs, id)
		}
	}
	s.mu.Unlock()
	for _, pf := range b.samples {
		s.putWriteBuffer(pf.bw)
	}
	b.samples = nil
	s.release()
}

// finish writes the samples file's footer and makes it durable.
func (pf *partFile) finish() error {
	if err := pf.fw.AppendKeyValueMetadata(idsKey, strings.Join(pf.ids, ",")); err != nil {
		return fmt.Errorf("store: %s: %w", pf.tmp.Name(), err)
	}
	if err := pf.fw.Close(); err != nil {
		return fmt.Errorf("store: write %s: %w", pf.tmp.Name(), err)
	}
	return closeDurably(pf.tmp, pf.bw)
}

// writeActivities writes rows, sorted by start, as the temporary file of
// the activities file path, durable but not yet renamed.
func (s *Store) writeActivities(path string, rows []ActivityRow) (*os.File, error) {
	slices.SortFunc(rows, func(a, b ActivityRow) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	tmp, bw, err := s.createTemp(path)
	if err != nil {
		return nil, err
	}
	defer s.putWriteBuffer(bw)
	rec := activityRecord(s.mem, s.schema, rows)
	defer rec.Release()
	err = func() error {
		fw, err := pqarrow.NewFileWriter(rec.Schema(), bw, s.activitiesProps(), s.arrowProps())
		if err != nil {
			return err
		}
		if err := fw.Write(rec); err != nil {
			fw.Close()
			return err
		}
		return fw.Close()
	}()
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("store: write %s: %w", path, err)
	}
	if err := closeDurably(tmp, bw); err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	return tmp, nil
}

// closeDurably flushes bw into f, fsyncs f and closes it.
func closeDurably(f *os.File, bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("store: write %s: %w", f.Name(), err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("store: sync %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", f.Name(), err)
	}
	return nil
}

// newBatchID names a batch by the UTC second it opened and 32 random
// bits: 20261203T184512Z-3f9a1c2e. Its files sort by when they were
// written.
func newBatchID(now time.Time) string {
	var r [4]byte
	rand.Read(r[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(r[:])
}

var (
	batchRe = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$`)
	partRe  = regexp.MustCompile(`^part-([0-9]{8}T[0-9]{6}Z-[0-9a-f]{8})(-[0-9]+)?\.parquet$`)
)

func validBatch(id string) bool { return batchRe.MatchString(id) }

// batchOf returns the batch of a Parquet file's name, "" when the name is
// not a batch's (files written one activity each are named by the
// activity: <id>.parquet).
func batchOf(name string) string {
	m := partRe.FindStringSubmatch(name)
	if m == nil {
		return ""
	}
	return m[1]
}
