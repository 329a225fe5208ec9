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
}

// manifestVersion is written in every line, so a later format can tell
// old lines apart.
const manifestVersion = 1

// manifest is the in-memory index of one athlete's manifest file. It is
// guarded by Store.mu.
//
// The file is JSON Lines, appended one fsynced write per source file. A
// crash can only leave the last line torn; a failed write (disk full)
// can leave a torn line that a later append follows. Either way load
// drops every line that does not parse and rewrites the file without
// them. Dropping a line costs nothing but time: that file is read and
// stored again, which overwrites the same activity files.
type manifest struct {
	path  string
	files map[[32]byte]Recorded
	ids   map[string]bool
	// stale is set when an append failed and could not be undone; the
	// next use reloads (and so repairs) the file first.
	stale     bool
	dirSynced bool
}

func newManifest(path string) *manifest {
	return &manifest{path: path}
}

// load reads the manifest file, repairing it if a line is torn.
func (m *manifest) load() error {
	m.files = make(map[[32]byte]Recorded)
	m.ids = make(map[string]bool)
	m.stale = false
	b, err := os.ReadFile(m.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var good bytes.Buffer
	dropped := 0
	for rest := b; len(rest) > 0; {
		line := rest
		i := bytes.IndexByte(rest, '\n')
		if i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil // torn tail: no newline, so its write never finished
			dropped++
			continue
		}
		e, ok := parseEntry(line)
		if !ok {
			dropped++
			continue
		}
		m.add(e)
		good.Write(line)
		good.WriteByte('\n')
	}
	if dropped > 0 {
		if err := writeAtomic(m.path, nil, func(w io.Writer) error {
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
	return e, true
}

func (m *manifest) add(e manifestEntry) {
	var sha [32]byte
	hex.Decode(sha[:], []byte(e.SHA256))
	m.files[sha] = Recorded{Known: true, Name: e.Name, Activities: len(e.Activities), Failure: e.Failure}
	for _, id := range e.Activities {
		m.ids[id] = true
	}
}

// append adds e to the file with one write and fsyncs it. If the write
// fails part-way the file is cut back to where it was.
func (m *manifest) append(e manifestEntry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("store: %s: %w", m.path, err)
	}
	line = append(line, '\n')
	f, err := os.OpenFile(m.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("store: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		if f.Truncate(st.Size()) != nil {
			m.stale = true
		}
		f.Close()
		return fmt.Errorf("store: append to %s: %w", m.path, err)
	}
	if err := f.Sync(); err != nil {
		// The line may or may not be on disk: reload before trusting it.
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
	m.add(e)
	return nil
}
