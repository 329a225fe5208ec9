package store

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// manifestEntry is one line of an athlete's manifest: a source file that
// has been read, and the activities it gave.
type manifestEntry struct {
	Version    int      `json:"v"`          // manifestVersion
	SHA256     string   `json:"sha256"`     // of the FIT bytes, hex
	Name       string   `json:"name"`       // display name when first stored
	Activities []string `json:"activities"` // activity ids, whether this file or an earlier one wrote them
	Failure    string   `json:"failure"`    // why the file gave nothing to store; always written, so that every line has the same keys for read_json
	// Batch names the batch that committed the file (its Parquet files
	// are part-<batch>*.parquet), and BatchFiles how many manifest lines
	// that batch wrote: the batch counts as committed only when all of
	// them are there. Both are empty in version 1 lines, whose files were
	// stored one activity per Parquet file.
	Batch      string `json:"batch"`
	BatchFiles int    `json:"batch_files"`
}

// manifestVersion is written in every line, so a later format can tell
// old lines apart. Version 2 added batch and batch_files.
const manifestVersion = 2

// manifest is the in-memory index of one athlete's manifest file. It is
// guarded by Store.mu.
//
// The file is JSON Lines. A batch appends the lines of all its source
// files with one write and one fsync: that write is the batch's commit.
// A crash can leave the last lines torn, or all of a batch's lines but
// the last; a failed write (disk full) can leave a torn line that a later
// append follows. load drops every line that does not parse and every
// line of a batch whose lines are not all there, and rewrites the file
// without them. Dropping a line costs nothing but time: that file is read
// and stored again (the batch's Parquet files were never renamed into
// place, and recovery removes them).
type manifest struct {
	path    string
	files   map[[32]byte]Recorded
	ids     map[string]bool
	batches map[string]bool // committed batches
	// Reservations of batches open in this process: their files and
	// activities are not in the file yet, but another batch must not
	// store them again.
	pendingFiles map[[32]byte]bool
	pendingIDs   map[string]bool
	// size is the file's size as this Store last read or wrote it, to
	// tell when another process has appended.
	size int64
	// stale is set when an append failed and could not be undone, or
	// another process appended; the next use reloads (and so repairs) the
	// file first.
	stale bool
	// damaged is set when load dropped lines but could not repair the
	// file (it was not asked to); a writer's next use repairs it.
	damaged bool
	// sawRows: ids holds the ids of the visible activities rows as well
	// (Store.manifest, for writers).
	sawRows   bool
	dirSynced bool
}

func newManifest(path string) *manifest {
	return &manifest{path: path, pendingFiles: make(map[[32]byte]bool), pendingIDs: make(map[string]bool)}
}

// load reads the manifest file; with repair it rewrites the file without
// its torn lines and incomplete batches. Reservations are kept.
func (m *manifest) load(repair bool) error {
	m.files = make(map[[32]byte]Recorded)
	m.ids = make(map[string]bool)
	m.batches = make(map[string]bool)
	m.stale, m.damaged, m.sawRows = false, false, false
	m.size = 0
	b, err := os.ReadFile(m.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	type line struct {
		raw []byte
		e   manifestEntry
	}
	var lines []line
	seen := map[string]int{} // lines per batch
	dropped := 0
	for rest := b; len(rest) > 0; {
		raw := rest
		i := bytes.IndexByte(rest, '\n')
		if i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil // torn tail: no newline, so its write never finished
			dropped++
			continue
		}
		e, ok := parseEntry(raw)
		if !ok {
			dropped++
			continue
		}
		lines = append(lines, line{raw, e})
		if e.Batch != "" {
			seen[e.Batch]++
		}
	}
	var good bytes.Buffer
	for _, l := range lines {
		if l.e.Batch != "" && seen[l.e.Batch] != l.e.BatchFiles {
			dropped++ // its batch did not commit
			continue
		}
		m.add(l.e)
		good.Write(l.raw)
		good.WriteByte('\n')
	}
	m.size = int64(len(b))
	if dropped > 0 && !repair {
		m.damaged = true
	} else if dropped > 0 {
		m.size = int64(good.Len())
		if err := writeAtomic(m.path, func(w io.Writer) error {
			_, err := w.Write(good.Bytes())
			return err
		}); err != nil {
			return fmt.Errorf("store: repairing %s (%d torn lines): %w", m.path, dropped, err)
		}
	}
	return nil
}

func parseEntry(line []byte) (manifestEntry, bool) {
	var e manifestEntry
	if len(bytes.TrimSpace(line)) == 0 || json.Unmarshal(line, &e) != nil {
		return e, false
	}
	if sha, err := hex.DecodeString(e.SHA256); err != nil || len(sha) != 32 {
		return e, false
	}
	for _, id := range e.Activities {
		if !validID(id) {
			return e, false
		}
	}
	if e.Batch != "" && (!validBatch(e.Batch) || e.BatchFiles < 1) {
		return e, false
	}
	return e, true
}

func (m *manifest) add(e manifestEntry) {
	var sha [32]byte
	hex.Decode(sha[:], []byte(e.SHA256))
	m.files[sha] = Recorded{Known: true, Name: e.Name, Activities: len(e.Activities), Failure: e.Failure}
	for _, id := range e.Activities {
		m.ids[id] = true
	}
	if e.Batch != "" {
		m.batches[e.Batch] = true
	}
}

// appendBatch adds a batch's lines to the file with one write and fsyncs
// it: the batch's commit. If the write fails part-way the file is cut
// back to where it was.
func (m *manifest) appendBatch(es []manifestEntry) error {
	var buf bytes.Buffer
	for _, e := range es {
		line, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("store: %s: %w", m.path, err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	f, err := os.OpenFile(m.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("store: %w", err)
	}
	if st.Size() > 0 {
		// The lines must start a line of their own, even after a torn
		// write that could not be cut back: load drops the torn line,
		// not this batch's first.
		var last [1]byte
		if r, err := os.Open(m.path); err == nil {
			if _, err := r.ReadAt(last[:], st.Size()-1); err == nil && last[0] != '\n' {
				buf = *bytes.NewBuffer(append([]byte{'\n'}, buf.Bytes()...))
			}
			r.Close()
		}
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		if f.Truncate(st.Size()) != nil {
			m.stale = true
		}
		f.Close()
		return fmt.Errorf("store: append to %s: %w", m.path, err)
	}
	if err := f.Sync(); err != nil {
		// The lines may or may not be on disk: reload before trusting them.
		m.stale = true
		f.Close()
		return fmt.Errorf("store: sync %s: %w", m.path, err)
	}
	if err := f.Close(); err != nil {
		m.stale = true
		return fmt.Errorf("store: close %s: %w", m.path, err)
	}
	if !m.dirSynced {
		// The first append may have created the file.
		if err := syncDir(filepath.Dir(m.path)); err != nil {
			m.stale = true
			return err
		}
		m.dirSynced = true
	}
	m.size = st.Size() + int64(buf.Len())
	for _, e := range es {
		m.add(e)
	}
	return nil
}
