package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/gofrs/flock"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Folders under the root.
const (
	dirActivities = "activities"
	dirSamples    = "samples"
	dirManifest   = "manifest"
	dirSymptoms   = "symptoms"
)

// ErrNotFound means the store has no activity with the id asked for.
var ErrNotFound = errors.New("store: no such activity")

// Options controls Open. The zero value is ready to use.
type Options struct {
	// MetricColumns names the caller's per-activity metrics, stored as
	// nullable float64 columns after the base columns of the activities
	// table, in this order. Names are snake_case ([a-z][a-z0-9_]*) with
	// the unit as suffix (moving_time_s, cadence_median_spm), distinct,
	// and not a base column. Adding a name later is safe: files written
	// before read back as NaN in that column.
	MetricColumns []string
	// Compression of the Parquet files written: CompressionSnappy (the
	// default, also for "") or CompressionZstd, about 35% smaller and a
	// quarter slower to ingest (samplesProps). Files of either read the
	// same; a store may hold both.
	Compression string
}

// The codecs Options.Compression names.
const (
	CompressionSnappy = "snappy"
	CompressionZstd   = "zstd"
)

// Store is a folder of Parquet files holding athletes' activities, their
// samples and a manifest of the source files already read; SCHEMA.md
// describes the layout.
//
// Its methods are safe for concurrent use. Put and Batch.Put do their
// Arrow and Parquet work outside any lock; only the manifest is
// serialized. Processes take turns writing: an open Batch holds the
// store's writer lock (lock.go).
type Store struct {
	root        string
	metrics     []string
	compression string
	schema      *arrow.Schema // activities table
	mem         memory.Allocator

	mu        sync.Mutex // guards manifests and their files
	manifests map[string]*manifest

	dirMu sync.Mutex // guards dirs
	dirs  map[string]bool

	// The writer lock (lock.go): held while lockN > 0 batches are open.
	lockMu sync.Mutex // guards lockN, and is held while taking the lock
	lockN  int
	flock  *flock.Flock

	bufs sync.Pool // *bufio.Writer for Parquet files

	// written holds the rows of the activities files this Store wrote,
	// by path, with the size and time they had then, so that Activities
	// need not read them back (ingest reads them all once at its end, to
	// build the row cache).
	writtenMu sync.Mutex // guards written; never held with mu
	written   map[string]*cachedFile
}

// DefaultRoot returns where the store lives unless told otherwise:
// $XDG_DATA_HOME/gaitkeeper, else ~/.local/share/gaitkeeper (the XDG
// base directory default; a relative XDG_DATA_HOME is ignored, as the
// spec says).
func DefaultRoot() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "gaitkeeper"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("store: no default folder: %w", err)
	}
	return filepath.Join(home, ".local", "share", "gaitkeeper"), nil
}

// Open opens the store at root, creating its folders if needed. Unless
// another process is writing the store, it recovers what a crash left:
// a committed batch's files are renamed into place, other temporary
// files removed.
func Open(root string, o Options) (*Store, error) {
	if err := checkMetrics(o.MetricColumns); err != nil {
		return nil, err
	}
	switch o.Compression {
	case "", CompressionSnappy, CompressionZstd:
	default:
		return nil, fmt.Errorf("store: compression %q: want %s or %s", o.Compression, CompressionSnappy, CompressionZstd)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", root, err)
	}
	s := &Store{
		root:        abs,
		metrics:     slices.Clone(o.MetricColumns),
		compression: o.Compression,
		schema:      activitySchema(o.MetricColumns),
		mem:         memory.NewGoAllocator(),
		manifests:   make(map[string]*manifest),
		written:     make(map[string]*cachedFile),
		dirs:        make(map[string]bool),
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := syncDir(filepath.Dir(abs)); err != nil {
		return nil, err
	}
	for _, d := range []string{dirActivities, dirSamples, dirManifest} {
		if err := s.ensureDir(filepath.Join(abs, d)); err != nil {
			return nil, err
		}
	}
	s.flock = newFlock(abs)
	if err := s.tryRecover(); err != nil {
		return nil, err
	}
	return s, nil
}

// Root returns the store's folder, as an absolute path.
func (s *Store) Root() string { return s.root }

func checkMetrics(names []string) error {
	seen := make(map[string]bool, len(baseCols)+len(names))
	for _, c := range baseCols {
		seen[c.field.Name] = true
	}
	seen["athlete"], seen["year"] = true, true // Hive partition columns
	for _, n := range names {
		if !validMetric(n) {
			return fmt.Errorf("store: metric column %q: want snake_case, [a-z][a-z0-9_]*, at most 64 bytes", n)
		}
		if seen[n] {
			return fmt.Errorf("store: metric column %q: already a column", n)
		}
		seen[n] = true
	}
	return nil
}

func validMetric(n string) bool {
	if n == "" || len(n) > 64 || n[0] < 'a' || n[0] > 'z' {
		return false
	}
	for _, c := range []byte(n) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// CheckAthlete reports whether name can name an athlete: 1 to 64 bytes of
// a-z, 0-9, '-', '_' and '.', and not "." or "..". The name becomes a
// folder (athlete=<name>), so upper case is refused: on macOS and Windows
// "Anna" and "anna" would be one folder, on Linux two.
func CheckAthlete(name string) error {
	bad := func(why string) error { return fmt.Errorf("store: athlete name %q: %s", name, why) }
	switch {
	case name == "":
		return bad("empty")
	case len(name) > 64:
		return bad("longer than 64 bytes")
	case name == "." || name == "..":
		return bad("not a usable folder name")
	}
	for _, r := range name {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '_', r == '.':
		case 'A' <= r && r <= 'Z':
			return bad("use lower case (folder names ignore case on macOS and Windows)")
		default:
			return bad(fmt.Sprintf("%q not allowed: use a-z, 0-9, '-', '_' and '.'", r))
		}
	}
	return nil
}

// ActivityID returns the id under which an activity is stored: the first
// 16 hex digits of the SHA-256 of "<device serial>|<start, Unix ms UTC>".
// The same activity exported twice, as two different files (a Garmin
// original and Strava's copy), gets one id and is stored once.
//
// When the device clock was never set (a.ClockUnset) start times count
// from power-on and repeat across activities, so the id is taken from
// fileSHA and the session index instead: such an activity is only
// recognised again from the same bytes.
func ActivityID(a *ingest.Activity, fileSHA [32]byte) string {
	var key string
	if a.ClockUnset {
		key = fmt.Sprintf("clock-unset|%x|%d", fileSHA, a.Index)
	} else {
		key = fmt.Sprintf("%d|%d", a.Device.Serial, a.Start.UnixMilli())
	}
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:8])
}

func validID(id string) bool {
	if len(id) != 16 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && strings.ToLower(id) == id
}

// File is what one source file gave, for Put.
type File struct {
	Athlete string
	Name    string   // display name, e.g. ingest.Source.Name
	SHA256  [32]byte // of the FIT bytes (decompressed)

	// Activities are the file's sessions. May be empty.
	Activities []Activity
	// Failure, when not empty, records that the file was read but gave
	// nothing to store (not FIT, no records), so that it is not decoded
	// again. Activities must then be empty. Do not record I/O errors:
	// those may pass.
	Failure string
}

// Activity is one decoded session and the caller's metrics for it.
type Activity struct {
	Data *ingest.Activity
	// Metrics holds values for Options.MetricColumns; a missing key or
	// NaN is stored as null, and a key that is not a metric column is an
	// error.
	Metrics map[string]float64
}

// PutResult says what Put did.
type PutResult struct {
	Known      bool     // the file was already in the manifest; nothing was written
	Added      []string // ids of the activities written
	Duplicates []string // ids already stored (from another file, or twice in this one); not written again
}

// HasFile reports whether a file with this SHA-256 has been stored for
// athlete. Call it before decoding: hashing is much cheaper.
func (s *Store) HasFile(athlete string, sha [32]byte) (bool, error) {
	if err := CheckAthlete(athlete); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.manifest(athlete, false)
	if err != nil {
		return false, err
	}
	return m.files[sha].Known, nil
}

// Recorded is what the manifest says about one source file.
type Recorded struct {
	Known      bool   // the file has been read and its reading finished
	Name       string // its display name when first read
	Activities int    // activities it gave (stored by it or by an earlier file)
	// Failure is why the file gave nothing to store (File.Failure), so
	// that a later run can report it again without decoding it; "" when
	// it was read.
	Failure string
}

// Lookup returns what the manifest records about the file with this
// SHA-256 for athlete; Known is false when it has not been read. It is
// as cheap as HasFile, which it extends with the failure recorded.
func (s *Store) Lookup(athlete string, sha [32]byte) (Recorded, error) {
	if err := CheckAthlete(athlete); err != nil {
		return Recorded{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.manifest(athlete, false)
	if err != nil {
		return Recorded{}, err
	}
	return m.files[sha], nil
}

// manifest returns athlete's manifest, loading it on first use. repair
// says the caller holds the writer lock: only then may a manifest with
// torn lines be rewritten without them, because a reader can see the
// lines of another process's append half written. s.mu must be held.
//
// For a writer, the activities already visible count as stored too,
// whatever the manifest says: a committed batch's files are renamed only
// after its manifest lines are durable, so this matters only when the
// manifest was lost or cut back by hand, and then it keeps a re-run from
// storing those activities twice.
func (s *Store) manifest(athlete string, repair bool) (*manifest, error) {
	m := s.manifests[athlete]
	if m != nil && !m.stale && !(repair && (m.damaged || !m.sawRows)) {
		return m, nil
	}
	if m == nil {
		m = newManifest(s.manifestPath(athlete))
	}
	if err := m.load(repair); err != nil {
		return nil, err
	}
	s.manifests[athlete] = m
	if repair {
		// Best effort: a damaged activities file must not stop writing.
		if rows, err := s.Activities(context.Background(), athlete); err == nil {
			for _, r := range rows {
				m.ids[r.ID] = true
			}
		}
		m.sawRows = true
	}
	return m, nil
}

func (s *Store) manifestPath(athlete string) string {
	return filepath.Join(s.root, dirManifest, "athlete="+athlete+".jsonl")
}

func (s *Store) partition(top, athlete string, year int) string {
	return filepath.Join(s.root, top, "athlete="+athlete, "year="+strconv.Itoa(year))
}

// Put stores the activities of one source file and records the file in
// the manifest: a batch of one file (see [Batch]). A file already in the
// manifest is not written again (PutResult.Known). A crash at any point
// leaves the store readable, and putting the file again finishes the
// work: nothing is lost and nothing doubled.
//
// Put is safe to call from several goroutines. To store many files, a
// Batch is much faster.
func (s *Store) Put(ctx context.Context, f File) (PutResult, error) {
	if err := CheckAthlete(f.Athlete); err != nil {
		return PutResult{}, err
	}
	if err := s.check(&f); err != nil {
		return PutResult{}, err
	}
	if known, err := s.HasFile(f.Athlete, f.SHA256); err != nil || known {
		return PutResult{Known: known}, err
	}
	b, err := s.NewBatch(ctx, f.Athlete)
	if err != nil {
		return PutResult{}, err
	}
	res, err := b.Put(ctx, f)
	if err != nil {
		b.Abort()
		return PutResult{}, err
	}
	if err := b.Commit(); err != nil {
		return PutResult{}, err
	}
	return res, nil
}

// check reports a File that Put must refuse.
func (s *Store) check(f *File) error {
	if f.Failure != "" && len(f.Activities) > 0 {
		return fmt.Errorf("store: %s: both a failure and %d activities", f.Name, len(f.Activities))
	}
	for i, a := range f.Activities {
		if a.Data == nil {
			return fmt.Errorf("store: %s: activity %d is nil", f.Name, i)
		}
		for k := range a.Metrics {
			if !slices.Contains(s.metrics, k) {
				return fmt.Errorf("store: %s: activity %d: metric %q is not one of Options.MetricColumns", f.Name, i, k)
			}
		}
	}
	return nil
}

// samplesProps are the Parquet settings of a samples file: one row group
// per activity, with statistics, so that readers skip row groups by time
// or value.
//
// Compression is Options.Compression: Snappy by default, which on the
// demo athlete took a quarter less CPU than zstd level 1 for the whole
// ingest (decode, analysis and store: 0.255 against 0.329 CPU s,
// BenchmarkIngest/workers=1) for a store 1.55 times as large (0.93
// against 0.60 bytes per FIT byte). Snappy is also the codec Spark,
// pyarrow and DuckDB write by default.
//
// Dictionary encoding is off but for activity_id: sensor values rarely
// repeat exactly, and on the testdata corpus plain encoding under zstd
// made samples files 24% smaller (1.15 MB against 1.51 MB) and cut
// BenchmarkPut from 29.8 ms to 17.8 ms (benchstat, n=10). The timestamp
// column is DELTA_BINARY_PACKED: records come at steady intervals, so
// it packs to a few bits a row (the store 0.67 → 0.60 bytes per FIT
// byte under zstd, 1.10 → 0.93 under Snappy).
func (s *Store) samplesProps() *parquet.WriterProperties {
	return parquet.NewWriterProperties(append(s.codec(),
		parquet.WithAllocator(s.mem),
		parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryFor("activity_id", true),
		parquet.WithEncodingFor("timestamp", parquet.Encodings.DeltaBinaryPacked),
	)...)
}

// activitiesProps are the Parquet settings of an activities file: one row
// group, one row per activity of the batch.
func (s *Store) activitiesProps() *parquet.WriterProperties {
	return parquet.NewWriterProperties(append(s.codec(),
		parquet.WithAllocator(s.mem),
		parquet.WithDictionaryDefault(false),
	)...)
}

// codec is the compression of Options.Compression. zstd is level 1
// (klauspost's SpeedFastest, pure Go): on the demo athlete it wrote
// smaller files than the default level (0.92 against 1.04 bytes per FIT
// byte) for about half the compression time.
func (s *Store) codec() []parquet.WriterProperty {
	if s.compression == CompressionZstd {
		return []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCompressionLevel(1)}
	}
	return []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy)}
}

// arrowProps embed the Arrow schema in every file, so that field metadata
// (developer-field units) and the UTC time zone read back.
func (s *Store) arrowProps() pqarrow.ArrowWriterProperties {
	return pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(s.mem))
}

// readerProps are the Parquet reader's settings. Reading allocates from
// Go's heap (memory.DefaultAllocator), not from s.mem: arrow-go
// v18.8.0's DELTA_BINARY_PACKED decoder (the timestamp column) never
// frees its buffer of bit widths (parquet/internal/encoding/
// delta_bit_packing.go, initBlock), which the garbage collector reclaims
// but a checked allocator (the tests') reports as a leak.
func readerProps() *parquet.ReaderProperties {
	return parquet.NewReaderProperties(memory.DefaultAllocator)
}

// readTable reads a whole Parquet file.
func (s *Store) readTable(ctx context.Context, path string) (arrow.Table, error) {
	return s.readRowGroups(ctx, path, func(pf *file.Reader) ([]int, error) {
		rgs := make([]int, pf.NumRowGroups())
		for i := range rgs {
			rgs[i] = i
		}
		return rgs, nil
	})
}

// readRowGroups reads the row groups that pick chooses of the Parquet file
// at path, every column. arrow-go can panic on a damaged file rather than
// return an error; a damaged file in the store is bad input, not a bug,
// so the panic becomes an error naming the file.
func (s *Store) readRowGroups(ctx context.Context, path string, pick func(*file.Reader) ([]int, error)) (tbl arrow.Table, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	defer func() {
		if r := recover(); r != nil {
			tbl, err = nil, fmt.Errorf("store: %s: damaged Parquet file: %v", path, r)
		}
	}()
	pf, err := file.NewParquetReader(f, file.WithReadProps(readerProps()))
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	defer pf.Close()
	rgs, err := pick(pf)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	cols := make([]int, pf.MetaData().Schema.NumColumns())
	for i := range cols {
		cols[i] = i
	}
	tbl, err = fr.ReadRowGroups(ctx, cols, rgs)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	return tbl, nil
}

// Activities returns every stored activity of athlete, sorted by start
// time (then id). It reads the activities files themselves, as DuckDB
// would, not the manifest; a cache of the rows already read (see
// rowcache.go) spares reading unchanged files again.
func (s *Store) Activities(ctx context.Context, athlete string) ([]ActivityRow, error) {
	if err := CheckAthlete(athlete); err != nil {
		return nil, err
	}
	paths, err := s.partitionFiles(dirActivities, athlete, func(name string) bool {
		return strings.HasSuffix(name, ".parquet") && !isTemp(name)
	})
	if err != nil {
		return nil, err
	}
	// Files the row cache (rowcache.go) has as they are on disk are not
	// read again.
	cache := s.loadRowCache(athlete)
	dir := filepath.Join(s.root, dirActivities, "athlete="+athlete)
	var rows []ActivityRow
	entries := make([]cachedFile, 0, len(paths))
	fresh := len(cache) == len(paths)
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		name, _ := filepath.Rel(dir, p)
		name = filepath.ToSlash(name)
		e := cache[name]
		if e == nil || !e.matches(info) {
			fresh = false
			s.writtenMu.Lock()
			e = s.written[p]
			s.writtenMu.Unlock()
		}
		if e != nil && e.matches(info) {
			for i := range e.Rows {
				r := s.row(&e.Rows[i])
				r.Athlete = athlete
				rows = append(rows, r)
			}
			c := *e
			c.Name = name
			entries = append(entries, c)
			continue
		}
		tbl, err := s.readTable(ctx, p)
		if err != nil {
			return nil, err
		}
		got, err := rowsFromTable(tbl, s.metrics)
		tbl.Release()
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", p, err)
		}
		for i := range got {
			if got[i].SamplesFile == "" {
				// Written one activity per file: the samples file is named
				// by the activity, in the same year folder.
				got[i].SamplesFile = filepath.ToSlash(filepath.Join(filepath.Dir(name), got[i].ID+".parquet"))
			}
			got[i].Athlete = athlete
		}
		rows = append(rows, got...)
		entries = append(entries, s.cacheEntry(name, info, got))
	}
	if !fresh {
		_ = s.saveRowCache(athlete, entries) // a cache not written is only slower next time
	}
	slices.SortFunc(rows, func(a, b ActivityRow) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return rows, nil
}

// partitionFiles lists the files of ROOT/top/athlete=<athlete>/year=*/
// whose names keep says to keep, sorted. (Not filepath.Glob: the root
// may contain glob metacharacters, such as "[".)
func (s *Store) partitionFiles(top, athlete string, keep func(name string) bool) ([]string, error) {
	dir := filepath.Join(s.root, top, "athlete="+athlete)
	years, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var out []string
	for _, y := range years {
		if !y.IsDir() || !strings.HasPrefix(y.Name(), "year=") {
			continue
		}
		ents, err := os.ReadDir(filepath.Join(dir, y.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		for _, e := range ents {
			if !e.IsDir() && keep(e.Name()) {
				out = append(out, filepath.Join(dir, y.Name(), e.Name()))
			}
		}
	}
	return out, nil
}

// Samples returns the per-record columns of one activity of athlete. The
// error wraps ErrNotFound when there is no such activity.
//
// The activity's row names its samples file (SamplesFile); within it,
// the file's metadata names the activity of each row group, so only that
// row group is read.
func (s *Store) Samples(ctx context.Context, athlete, id string) (*Samples, error) {
	if err := CheckAthlete(athlete); err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, fmt.Errorf("store: activity id %q: want 16 lower-case hex digits", id)
	}
	rows, err := s.Activities(ctx, athlete)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(rows, func(r ActivityRow) bool { return r.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("%w: athlete %s, id %s", ErrNotFound, athlete, id)
	}
	return s.SamplesOf(ctx, rows[i])
}

// SamplesOf returns the per-record columns of the activity of r, a row
// Activities returned: Samples without looking the row up again, for a
// caller that holds the rows already.
func (s *Store) SamplesOf(ctx context.Context, r ActivityRow) (*Samples, error) {
	if err := CheckAthlete(r.Athlete); err != nil {
		return nil, err
	}
	rel := filepath.FromSlash(r.SamplesFile)
	if !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("store: activity %s: samples_file %q is not a path inside the athlete's folder", r.ID, r.SamplesFile)
	}
	path := filepath.Join(s.root, dirSamples, "athlete="+r.Athlete, rel)
	tbl, err := s.readRowGroup(ctx, path, r.ID)
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	smp, err := samplesFromTable(tbl)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	return smp, nil
}

// readRowGroup reads the row group of activity id from the samples file
// at path: the one its idsKey metadata names, or the only one of a file
// written for that activity alone.
func (s *Store) readRowGroup(ctx context.Context, path, id string) (arrow.Table, error) {
	return s.readRowGroups(ctx, path, func(pf *file.Reader) ([]int, error) {
		v := pf.MetaData().KeyValueMetadata().FindValue(idsKey)
		if v == nil {
			if pf.NumRowGroups() != 1 {
				return nil, fmt.Errorf("%d row groups and no %s metadata", pf.NumRowGroups(), idsKey)
			}
			return []int{0}, nil
		}
		rg := slices.Index(strings.Split(*v, ","), id)
		if rg < 0 || rg >= pf.NumRowGroups() {
			return nil, fmt.Errorf("no row group for activity %s", id)
		}
		return []int{rg}, nil
	})
}

// Athletes returns the athletes the store knows, sorted: those with
// activities and those whose manifest lists only files that gave none.
func (s *Store) Athletes() ([]string, error) {
	var names []string
	for _, top := range []string{dirActivities, dirManifest} {
		ents, err := os.ReadDir(filepath.Join(s.root, top))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("store: %w", err)
		}
		for _, e := range ents {
			name, ok := strings.CutPrefix(e.Name(), "athlete=")
			if !ok {
				continue
			}
			if top == dirManifest {
				name, ok = strings.CutSuffix(name, ".jsonl")
			}
			if ok && CheckAthlete(name) == nil && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// SymptomsPath returns where athlete's symptom diary belongs:
// ROOT/symptoms/athlete=<name>.csv. It is the hook for the symptom log;
// the store does not read or write it yet.
func (s *Store) SymptomsPath(athlete string) (string, error) {
	if err := CheckAthlete(athlete); err != nil {
		return "", err
	}
	return filepath.Join(s.root, dirSymptoms, "athlete="+athlete+".csv"), nil
}
