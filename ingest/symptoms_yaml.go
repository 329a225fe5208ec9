package ingest

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

func (sr *symptomReader) readYAML() []Symptom {
	// yaml.v3 counts columns in characters; messages count bytes.
	lines := newLineIndex(sr.data)
	sr.fixColumn = func(line, col int) int { return lines.byteColumn(sr.data, line, col) }

	dec := yaml.NewDecoder(bytes.NewReader(sr.data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return []Symptom{} // comments only
		}
		sr.yamlError(err)
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
	case err != nil:
		sr.yamlError(err)
		return nil
	default:
		sr.fail(srcPos{next.Line, 0}, "", "", errors.New("a second YAML document; a log is one list of entries"))
		return nil
	}

	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return []Symptom{}
		}
		root = root.Content[0]
	}
	root = deref(root)
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return []Symptom{}
	}
	if root.Kind != yaml.SequenceNode {
		sr.fail(srcPos{root.Line, root.Column}, "", "", errors.New("want a list of entries (each line starting with -)"))
		return nil
	}
	out := []Symptom{}
	for _, item := range root.Content {
		if sr.full() {
			break
		}
		// An alias (- *name) repeats an entry; it is at the alias's line.
		at := srcPos{item.Line, item.Column}
		item = deref(item)
		if item.Kind != yaml.MappingNode {
			sr.fail(at, "", "", errors.New("want an entry of key: value lines"))
			continue
		}
		if e, ok := sr.yamlEntry(item, at); ok {
			if s, ok := sr.entry(e, listSeparator); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// yamlEntry collects the fields of one mapping, reporting unknown and
// repeated keys and values that are neither text nor a list of text.
func (sr *symptomReader) yamlEntry(m *yaml.Node, at srcPos) (rawEntry, bool) {
	before := len(sr.errs)
	voc := fieldVocabulary()
	e := rawEntry{pos: at, fields: map[string]rawValue{}}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), deref(m.Content[i+1])
		kp := srcPos{k.Line, k.Column}
		if k.Kind != yaml.ScalarNode {
			sr.fail(kp, "", "", errors.New("want a field name as the key"))
			continue
		}
		f, err := voc.lookup(k.Value)
		if err != nil {
			sr.fail(kp, "key", k.Value, err)
			continue
		}
		if _, dup := e.fields[f]; dup {
			sr.fail(kp, "key", k.Value, errors.New("repeated (or an alias of an earlier key)"))
			continue
		}
		rv := rawValue{pos: srcPos{v.Line, v.Column}}
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Tag != "!!null" {
				rv.vals = []string{v.Value}
			}
		case yaml.SequenceNode:
			for _, x := range v.Content {
				x = deref(x)
				if x.Kind != yaml.ScalarNode {
					sr.fail(srcPos{x.Line, x.Column}, f, "", errors.New("want text in the list"))
					continue
				}
				if x.Tag != "!!null" {
					rv.vals = append(rv.vals, x.Value)
				}
			}
		default:
			sr.fail(rv.pos, f, "", errors.New("want text or a list of text"))
			continue
		}
		e.fields[f] = rv
	}
	return e, len(sr.errs) == before
}

// deref follows YAML aliases (*name) to the node they name. Following
// only scalars and one level of lists keeps a "billion laughs" file from
// costing more than its size.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// yamlError turns a yaml.v3 error ("yaml: line 3: did not find expected
// key") into a positioned one. yaml.v3 gives the line where the construct
// it was reading starts, and for some errors the line before that
// (go-yaml/yaml#205), so the message says where else to look.
func (sr *symptomReader) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var p srcPos
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				p.line, msg = n, text+" (on this line or the next)"
			}
		}
	}
	sr.fail(p, "", "", errors.New("YAML syntax: "+msg))
}

// lineIndex holds the byte offset at which each line starts.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	li := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			li = append(li, i+1)
		}
	}
	return li
}

// pos returns the 1-based line and byte column of a byte offset.
func (li lineIndex) pos(off int) srcPos {
	lo, hi := 0, len(li) // the line is the last start <= off
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if li[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return srcPos{lo + 1, off - li[lo] + 1}
}

// byteColumn turns a 1-based character column of a line into a byte
// column.
func (li lineIndex) byteColumn(data []byte, line, col int) int {
	if line < 1 || line > len(li) {
		return col
	}
	off := li[line-1]
	for range col - 1 {
		if off >= len(data) || data[off] == '\n' {
			break
		}
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off - li[line-1] + 1
}
