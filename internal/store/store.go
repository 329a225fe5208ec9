package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

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
}

// Store is a folder of Parquet files holding athletes' activities, their
// samples and a manifest of the source files already read; SCHEMA.md
// describes the layout.
//
// Its methods are safe for concurrent use. Put does its Arrow and
// Parquet work outside any lock; only the manifest append is serialized.
// One process at a time may write a store: Open removes temporary files,
// including another writer's.
type Store struct {
	root    string
	metrics []string
	schema  *arrow.Schema // activities table
	mem     memory.Allocator

	mu        sync.Mutex // guards manifests and their files
	manifests map[string]*manifest

	dirMu sync.Mutex // guards dirs
	dirs  map[string]bool

	bufs sync.Pool // *bufio.Writer for writeAtomic
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

// Open opens the store at root, creating its folders if needed, and
// removes temporary files left by a crash.
func Open(root string, o Options) (*Store, error) {
	if err := checkMetrics(o.MetricColumns); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", root, err)
	}
	s := &Store{
		root:      abs,
		metrics:   slices.Clone(o.MetricColumns),
		schema:    activitySchema(o.MetricColumns),
		mem:       memory.NewGoAllocator(),
		manifests: make(map[string]*manifest),
		dirs:      make(map[string]bool),
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
	if _, err := removeTemps(abs); err != nil {
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
	m, err := s.manifest(athlete)
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
	m, err := s.manifest(athlete)
	if err != nil {
		return Recorded{}, err
	}
	return m.files[sha], nil
}

// manifest returns athlete's manifest, loading (and if need be repairing)
// it on first use. s.mu must be held.
func (s *Store) manifest(athlete string) (*manifest, error) {
	m := s.manifests[athlete]
	if m == nil {
		m = newManifest(s.manifestPath(athlete))
		if err := m.load(); err != nil {
			return nil, err
		}
		s.manifests[athlete] = m
	} else if m.stale {
		if err := m.load(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (s *Store) manifestPath(athlete string) string {
	return filepath.Join(s.root, dirManifest, "athlete="+athlete+".jsonl")
}

func (s *Store) partition(top, athlete string, a *ingest.Activity) string {
	return filepath.Join(s.root, top, "athlete="+athlete, "year="+strconv.Itoa(a.Start.UTC().Year()))
}

// Put stores the activities of one source file and then records the file
// in the manifest. It writes, for each activity not stored yet, its
// samples file and then its activities row, each atomically; the
// manifest line comes last. A crash at any point leaves the store
// readable, and putting the file again finishes the work: the same
// activity always has the same file name, so nothing is doubled.
//
// Put holds one activity's Arrow columns at a time. It is safe to call
// from several goroutines.
func (s *Store) Put(ctx context.Context, f File) (PutResult, error) {
	if err := CheckAthlete(f.Athlete); err != nil {
		return PutResult{}, err
	}
	if f.Failure != "" && len(f.Activities) > 0 {
		return PutResult{}, fmt.Errorf("store: %s: both a failure and %d activities", f.Name, len(f.Activities))
	}
	for i, a := range f.Activities {
		if a.Data == nil {
			return PutResult{}, fmt.Errorf("store: %s: activity %d is nil", f.Name, i)
		}
		for k := range a.Metrics {
			if !slices.Contains(s.metrics, k) {
				return PutResult{}, fmt.Errorf("store: %s: activity %d: metric %q is not one of Options.MetricColumns", f.Name, i, k)
			}
		}
	}

	s.mu.Lock()
	m, err := s.manifest(f.Athlete)
	if err != nil {
		s.mu.Unlock()
		return PutResult{}, err
	}
	if m.files[f.SHA256].Known {
		s.mu.Unlock()
		return PutResult{Known: true}, nil
	}
	var res PutResult
	ids := make([]string, len(f.Activities))
	write := make([]bool, len(f.Activities))
	for i, a := range f.Activities {
		ids[i] = ActivityID(a.Data, f.SHA256)
		if m.ids[ids[i]] || slices.Contains(res.Added, ids[i]) {
			res.Duplicates = append(res.Duplicates, ids[i])
		} else {
			res.Added = append(res.Added, ids[i])
			write[i] = true
		}
	}
	s.mu.Unlock()

	// Two Puts racing on one activity both write it; each file write is
	// an atomic rename of the same content, so that is harmless.
	for i := range f.Activities {
		if !write[i] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return PutResult{}, err
		}
		if err := s.putActivity(&f, &f.Activities[i], ids[i]); err != nil {
			return PutResult{}, err
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if m.files[f.SHA256].Known {
		return res, nil // a concurrent Put of the same bytes got there first
	}
	e := manifestEntry{
		Version:    manifestVersion,
		SHA256:     hex.EncodeToString(f.SHA256[:]),
		Name:       f.Name,
		Activities: []string{},
		Failure:    f.Failure,
	}
	for _, id := range ids {
		if !slices.Contains(e.Activities, id) {
			e.Activities = append(e.Activities, id)
		}
	}
	if err := m.append(e); err != nil {
		return PutResult{}, err
	}
	return res, nil
}

// putActivity writes the samples file, then the activities file.
func (s *Store) putActivity(f *File, a *Activity, id string) error {
	sdir := s.partition(dirSamples, f.Athlete, a.Data)
	adir := s.partition(dirActivities, f.Athlete, a.Data)
	if err := s.ensureDir(sdir); err != nil {
		return err
	}
	if err := s.ensureDir(adir); err != nil {
		return err
	}
	rec := samplesRecord(id, a.Data)
	err := writeAtomic(filepath.Join(sdir, id+".parquet"), &s.bufs, func(w io.Writer) error { return s.writeParquet(w, rec, false) })
	rec.Release()
	if err != nil {
		return err
	}
	row := rowOf(f.Athlete, id, f, a)
	rec = activityRecord(s.mem, s.schema, &row)
	defer rec.Release()
	return writeAtomic(filepath.Join(adir, id+".parquet"), &s.bufs, func(w io.Writer) error { return s.writeParquet(w, rec, true) })
}

// writeParquet writes rec as one row group, zstd-compressed (pure Go,
// klauspost/compress), with the Arrow schema embedded so that field
// metadata (developer-field units) and the UTC time zone read back.
//
// Dictionary encoding is off but for activity_id: sensor values rarely
// repeat exactly, and on the testdata corpus plain encoding under zstd
// made samples files 24% smaller (1.15 MB against 1.51 MB) and cut
// BenchmarkPut from 29.8 ms to 17.8 ms (benchstat, n=10).
//
// Samples use zstd level 1 (klauspost's SpeedFastest): on the demo
// athlete it wrote smaller files than the default level (the whole store
// 0.92 against 1.04 bytes per FIT byte, BenchmarkIngest) for about half
// the compression time. A one-row file (oneRow: an activities file) is
// neither compressed nor given statistics: for one-value columns (the
// 25 base columns and gaitkeeper's 131 metrics) both cost time per
// column and save no space.
func (s *Store) writeParquet(w io.Writer, rec arrow.RecordBatch, oneRow bool) error {
	opts := []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCompressionLevel(1)}
	if oneRow {
		opts = []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Uncompressed), parquet.WithStats(false)}
	}
	props := parquet.NewWriterProperties(append(opts,
		parquet.WithAllocator(s.mem),
		parquet.WithMaxRowGroupLength(max(rec.NumRows(), 1)),
		parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryFor("activity_id", true),
	)...)
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(s.mem))
	fw, err := pqarrow.NewFileWriter(rec.Schema(), w, props, arrProps)
	if err != nil {
		return err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

// readTable reads a whole Parquet file. arrow-go can panic on a damaged
// file rather than return an error; a damaged file in the store is bad
// input, not a bug, so the panic becomes an error naming the file.
func (s *Store) readTable(ctx context.Context, path string) (tbl arrow.Table, err error) {
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
	tbl, err = pqarrow.ReadTable(ctx, f, parquet.NewReaderProperties(s.mem), pqarrow.ArrowReadProperties{}, s.mem)
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
	rows := make([]ActivityRow, 0, len(paths))
	entries := make([]cachedRow, 0, len(paths))
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
		if e := cache[name]; e != nil && e.matches(info) {
			r := s.row(e)
			r.Athlete = athlete
			rows = append(rows, r)
			entries = append(entries, *e)
			continue
		}
		fresh = false
		tbl, err := s.readTable(ctx, p)
		if err != nil {
			return nil, err
		}
		r, err := rowFromTable(tbl, s.metrics)
		tbl.Release()
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", p, err)
		}
		r.Athlete = athlete
		rows = append(rows, r)
		entries = append(entries, s.cacheEntry(name, info, r))
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
func (s *Store) Samples(ctx context.Context, athlete, id string) (*Samples, error) {
	if err := CheckAthlete(athlete); err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, fmt.Errorf("store: activity id %q: want 16 lower-case hex digits", id)
	}
	paths, err := s.partitionFiles(dirSamples, athlete, func(name string) bool { return name == id+".parquet" })
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: athlete %s, id %s", ErrNotFound, athlete, id)
	}
	tbl, err := s.readTable(ctx, paths[0])
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	smp, err := samplesFromTable(tbl)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", paths[0], err)
	}
	return smp, nil
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
