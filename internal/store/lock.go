package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// The writer lock. A batch keeps temporary files open until it commits,
// for a second or more, and the store's recovery removes uncommitted
// temporary files: without a lock, a second gaitkeeper process starting
// on the same store (a coach's `history` while an ingest runs) would
// remove the ingest's files under it. So writing takes an advisory lock
// on ROOT/.lock (flock(2), LockFileEx on Windows; github.com/gofrs/flock)
// for as long as any batch of this Store is open, and recovery runs only
// under it. Readers take no lock: they list only committed files.
const lockName = ".lock"

// lockWait is how long a writer waits for another process's batch to
// commit before giving up. A batch commits within seconds, so waiting
// longer means the other process is stuck or is a long-lived writer.
const lockWait = 2 * time.Minute

// acquire takes the writer lock for one more open batch of this Store:
// the first takes the file lock (waiting for another process's batches
// to commit) and recovers what a crash left.
func (s *Store) acquire(ctx context.Context) error {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	if s.lockN > 0 {
		s.lockN++
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	ok, err := s.flock.TryLockContext(ctx, 10*time.Millisecond)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("store: lock %s: %w", s.flock.Path(), err)
	}
	if !ok {
		if cerr := context.Cause(ctx); errors.Is(cerr, context.DeadlineExceeded) {
			return fmt.Errorf("store: %s is being written by another gaitkeeper process (lock %s held for over %v)", s.root, s.flock.Path(), lockWait)
		}
		return fmt.Errorf("store: waiting for the lock %s: %w", s.flock.Path(), context.Cause(ctx))
	}
	if err := s.recoverLocked(); err != nil {
		s.flock.Unlock()
		return err
	}
	s.lockN = 1
	return nil
}

// release gives back what acquire took; the last open batch unlocks.
func (s *Store) release() {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	s.lockN--
	if s.lockN == 0 {
		s.flock.Unlock()
	}
}

// tryRecover recovers what a crash left if no other process is writing
// the store and the lock can be taken; Open calls it so that readers see
// a committed batch whose renames a crash cut short.
func (s *Store) tryRecover() error {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	if s.lockN > 0 {
		return nil
	}
	ok, err := s.flock.TryLock()
	if err != nil || !ok {
		// Another process writes, and recovered when it took the lock;
		// or the lock file cannot be made (a read-only store), and then
		// nothing can be recovered, and reading needs no lock.
		return nil
	}
	defer s.flock.Unlock()
	return s.recoverLocked()
}

// recoverLocked finishes or undoes what a crash left; the writer lock
// must be held. Every temporary file is either part of a batch whose
// manifest lines were written (the commit), which is renamed into place,
// or of one that never committed, which is removed. Samples files come
// before activities files, so that a visible activities row always has
// its samples. Manifests another process appended to since this Store
// read them are read again.
func (s *Store) recoverLocked() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.manifests {
		if m.changedOnDisk() {
			m.stale = true
		}
	}
	for _, top := range []string{dirSamples, dirActivities, dirManifest, dirSymptoms, dirCache} {
		err := filepath.WalkDir(filepath.Join(s.root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() || !isTemp(d.Name()) {
				return nil
			}
			final, batch := committable(p)
			if batch != "" && (top == dirSamples || top == dirActivities) {
				athlete := athleteOf(s.root, p)
				if CheckAthlete(athlete) == nil {
					m, err := s.manifest(athlete, true)
					if err != nil {
						return err
					}
					if m.batches[batch] {
						if _, err := os.Stat(final); errors.Is(err, fs.ErrNotExist) {
							if err := os.Rename(p, final); err != nil {
								return err
							}
							return syncDir(filepath.Dir(p))
						}
					}
				}
			}
			return os.Remove(p)
		})
		if err != nil {
			return fmt.Errorf("store: recovering after a crash: %w", err)
		}
	}
	return nil
}

// committable returns the final path of a batch's temporary file and the
// batch it belongs to; batch is "" for any other temporary file.
func committable(tmp string) (final, batch string) {
	dir, name := filepath.Split(tmp)
	base, _, ok := strings.Cut(strings.TrimPrefix(name, "."), tmpMark)
	if !ok {
		return "", ""
	}
	return filepath.Join(dir, base), batchOf(base)
}

// athleteOf is the athlete whose partition holds path: the name in its
// athlete=<name> folder, "" when there is none.
func athleteOf(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return ""
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if name, ok := strings.CutPrefix(part, "athlete="); ok {
			return name
		}
	}
	return ""
}

// lockPath is the writer lock's file.
func lockPath(root string) string { return filepath.Join(root, lockName) }

func newFlock(root string) *flock.Flock { return flock.New(lockPath(root)) }

// changedOnDisk reports whether the manifest file's size differs from
// what this Store last read or wrote: another process appended to it.
func (m *manifest) changedOnDisk() bool {
	fi, err := os.Stat(m.path)
	if err != nil {
		return m.size != 0
	}
	return fi.Size() != m.size
}
