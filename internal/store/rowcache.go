package store

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// The row cache keeps, per athlete, the rows Activities read from the
// activities files, so that the next call reads only the files that are
// new or changed. Reading one small activities file costs about 4 ms
// with gait's 131 metric columns (pqarrow sets up a reader per column),
// so a year of history (250 runs) took a second; from the cache it takes
// milliseconds, which `gaitkeeper check` needs to answer in 200 ms.
//
// The cache is derived data in ROOT/cache/athlete=<name>.gob, outside
// the Hive folders, so DuckDB and friends never see it. Each entry is
// keyed by the activities file's path, size and modification time; an
// entry that does not match the file on disk is read again, and a cache
// that cannot be read (absent, damaged, an older version, other metric
// columns) is rebuilt. So it never changes what Activities returns, only
// how fast: deleting it is always safe.
//
// It is written to a temporary file and renamed into place but not
// fsynced: after a crash it may be stale or empty, and then it is
// rebuilt.

const (
	dirCache         = "cache"
	rowCacheVersion  = 1
	rowCacheFileMode = 0o644
)

// rowCache is the gob-encoded content of a cache file.
type rowCache struct {
	Version int
	Metrics []string // the store's metric columns when written
	Rows    []cachedRow
}

// cachedRow is one activities file's row. Metrics are split into Values,
// in the order of rowCache.Metrics, and Extra, the file's other float64
// columns, so the metric names are not repeated in every row.
type cachedRow struct {
	Name    string // path below ROOT/activities/athlete=<name>
	Size    int64
	ModTime int64 // Unix ns
	Row     ActivityRow
	Values  []float64
	Extra   map[string]float64
}

func (s *Store) rowCachePath(athlete string) string {
	return filepath.Join(s.root, dirCache, "athlete="+athlete+".gob")
}

// loadRowCache returns the usable entries of athlete's cache by name; an
// unusable cache gives none.
func (s *Store) loadRowCache(athlete string) map[string]*cachedRow {
	f, err := os.Open(s.rowCachePath(athlete))
	if err != nil {
		return nil
	}
	defer f.Close()
	var c rowCache
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&c); err != nil ||
		c.Version != rowCacheVersion || !slices.Equal(c.Metrics, s.metrics) {
		return nil
	}
	out := make(map[string]*cachedRow, len(c.Rows))
	for i := range c.Rows {
		if len(c.Rows[i].Values) == len(s.metrics) {
			out[c.Rows[i].Name] = &c.Rows[i]
		}
	}
	return out
}

// cacheEntry packs a row read from the file name (with its size and
// modification time) for the cache.
func (s *Store) cacheEntry(name string, info fs.FileInfo, r ActivityRow) cachedRow {
	e := cachedRow{Name: name, Size: info.Size(), ModTime: info.ModTime().UnixNano(), Row: r, Values: make([]float64, len(s.metrics))}
	e.Row.Metrics = nil
	for i, m := range s.metrics {
		e.Values[i] = r.Metrics[m]
	}
	for k, v := range r.Metrics {
		if !slices.Contains(s.metrics, k) {
			if e.Extra == nil {
				e.Extra = map[string]float64{}
			}
			e.Extra[k] = v
		}
	}
	return e
}

// row unpacks a cache entry; the caller owns the result.
func (s *Store) row(e *cachedRow) ActivityRow {
	r := e.Row
	r.Warnings = slices.Clone(r.Warnings)
	r.Metrics = make(map[string]float64, len(s.metrics)+len(e.Extra))
	for i, m := range s.metrics {
		r.Metrics[m] = e.Values[i]
	}
	for k, v := range e.Extra {
		r.Metrics[k] = v
	}
	return r
}

// matches reports whether e was read from the file as it is now.
func (e *cachedRow) matches(info fs.FileInfo) bool {
	return e.Size == info.Size() && e.ModTime == info.ModTime().UnixNano()
}

// saveRowCache replaces athlete's cache with rows. Failing to write a
// cache is not an error of Activities: the caller ignores it.
func (s *Store) saveRowCache(athlete string, rows []cachedRow) error {
	dir := filepath.Join(s.root, dirCache)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := s.rowCachePath(athlete)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+tmpMark+"*")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = gob.NewEncoder(w).Encode(rowCache{Version: rowCacheVersion, Metrics: s.metrics, Rows: rows})
	err = errors.Join(err, w.Flush(), f.Chmod(rowCacheFileMode), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("store: row cache: %w", err)
	}
	return nil
}
