package store

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"math"
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
	rowCacheVersion  = 2
	rowCacheFileMode = 0o644
)

// rowCache is the gob-encoded content of a cache file.
type rowCache struct {
	Version int
	Metrics []string // the store's metric columns when written
	Files   []cachedFile
}

// cachedFile is one activities file and its rows.
type cachedFile struct {
	Name    string // path below ROOT/activities/athlete=<name>, '/' between folders
	Size    int64
	ModTime int64 // Unix ns
	Rows    []cachedRow
}

// cachedRow is one row. Metrics are split into Values, in the order of
// rowCache.Metrics, and Extra, the file's other float64 columns, so the
// metric names are not repeated in every row.
type cachedRow struct {
	Row    ActivityRow
	Values []float64
	Extra  map[string]float64
}

func (s *Store) rowCachePath(athlete string) string {
	return filepath.Join(s.root, dirCache, "athlete="+athlete+".gob")
}

// loadRowCache returns the usable entries of athlete's cache by name; an
// unusable cache gives none.
func (s *Store) loadRowCache(athlete string) map[string]*cachedFile {
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
	out := make(map[string]*cachedFile, len(c.Files))
files:
	for i := range c.Files {
		for _, r := range c.Files[i].Rows {
			if len(r.Values) != len(s.metrics) {
				continue files
			}
		}
		out[c.Files[i].Name] = &c.Files[i]
	}
	return out
}

// cacheEntry packs the rows read from the file name (with its size and
// modification time) for the cache.
func (s *Store) cacheEntry(name string, info fs.FileInfo, rows []ActivityRow) cachedFile {
	e := cachedFile{Name: name, Size: info.Size(), ModTime: info.ModTime().UnixNano(), Rows: make([]cachedRow, len(rows))}
	for k, r := range rows {
		c := cachedRow{Row: r, Values: make([]float64, len(s.metrics))}
		c.Row.Metrics = nil
		c.Row.Athlete = ""
		for i, m := range s.metrics {
			v, ok := r.Metrics[m]
			if !ok {
				v = math.NaN() // null in the file
			}
			c.Values[i] = v
		}
		for k, v := range r.Metrics {
			if !slices.Contains(s.metrics, k) {
				if c.Extra == nil {
					c.Extra = map[string]float64{}
				}
				c.Extra[k] = v
			}
		}
		e.Rows[k] = c
	}
	return e
}

// row unpacks a cached row; the caller owns the result.
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
func (e *cachedFile) matches(info fs.FileInfo) bool {
	return e.Size == info.Size() && e.ModTime == info.ModTime().UnixNano()
}

// saveRowCache replaces athlete's cache with rows. Failing to write a
// cache is not an error of Activities: the caller ignores it.
func (s *Store) saveRowCache(athlete string, files []cachedFile) error {
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
	err = gob.NewEncoder(w).Encode(rowCache{Version: rowCacheVersion, Metrics: s.metrics, Files: files})
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
