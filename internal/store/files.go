package store

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// tmpMark is in the name of every temporary file the store writes:
// ".<final name>.tmp-<random>". The leading dot hides them from Hive
// readers (Spark skips names starting with "." or "_") and from globs
// such as *.parquet, so a reader never sees a half-written file.
const tmpMark = ".tmp-"

func isTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tmpMark)
}

// writeAtomic makes path hold exactly what write writes, or leaves it as
// it was: it writes a temporary file in the same folder, fsyncs it,
// renames it over path and fsyncs the folder, so that the rename itself
// survives a crash. After a crash at any moment path is either the old
// file (or absent) or the new one; at worst a temporary file is left,
// which the next writer (or Open) removes.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+base+tmpMark+"*")
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return fmt.Errorf("store: write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("store: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", tmp, err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes the entries of dir (new files, renames) durable. Windows
// cannot fsync a folder and does not need to: its renames are journaled.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("store: sync folder %s: %w", dir, err)
	}
	return nil
}

// ensureDir creates dir (below s.root) if needed and makes its entry, and
// those of its parents up to s.root, durable: a file fsynced into a folder
// whose own entry is lost in a crash is lost with it. Each folder is
// synced once per Store.
func (s *Store) ensureDir(dir string) error {
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	if s.dirs[dir] {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	for d := dir; d != s.root && !s.dirs[d]; {
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		if err := syncDir(parent); err != nil {
			return err
		}
		s.dirs[d] = true
		d = parent
	}
	return nil
}

// writeBufferSize is the bufio buffer a Parquet file is written through.
const writeBufferSize = 256 << 10

// writeBuffer lends a write buffer onto f from the Store's pool:
// allocating 256 KiB anew for every file was 15% of the bytes
// BenchmarkIngest allocated. Not *os.File itself: pqarrow's writer
// closes an io.Closer it is given, and the file must stay open for Sync.
func (s *Store) writeBuffer(f *os.File) *bufio.Writer {
	bw, _ := s.bufs.Get().(*bufio.Writer)
	if bw == nil {
		return bufio.NewWriterSize(f, writeBufferSize)
	}
	bw.Reset(f)
	return bw
}

// putWriteBuffer gives bw back to the pool.
func (s *Store) putWriteBuffer(bw *bufio.Writer) {
	bw.Reset(nil)
	s.bufs.Put(bw)
}
