package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// readJSON walks the array with json.Decoder's tokens so that every entry,
// key and value keeps its byte offset for messages.
func (sr *symptomReader) readJSON() []Symptom {
	lines := newLineIndex(sr.data)
	at := func(off int) srcPos { return lines.pos(off) }
	dec := json.NewDecoder(bytes.NewReader(sr.data))
	dec.UseNumber()

	start := skipJSON(sr.data, 0, "")
	tok, err := dec.Token()
	if err != nil {
		sr.jsonError(err, lines)
		return nil
	}
	if tok != json.Delim('[') {
		sr.fail(at(start), "", "", errors.New("want an array of entries: [{...}, ...]"))
		return nil
	}
	out := []Symptom{}
	for dec.More() && !sr.full() {
		off := skipJSON(sr.data, int(dec.InputOffset()), ",")
		if off == len(sr.data) {
			sr.jsonError(io.ErrUnexpectedEOF, lines)
			return nil
		}
		if sr.data[off] != '{' {
			sr.fail(at(off), "", "", errors.New("want an object {...} for each entry"))
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				sr.jsonError(err, lines)
				return nil
			}
			continue
		}
		e, err := sr.jsonEntry(dec, at(off), at)
		if err != nil {
			sr.jsonError(err, lines)
			return nil
		}
		if e.fields == nil {
			continue
		}
		if s, ok := sr.entry(e, listSeparator); ok {
			out = append(out, s)
		}
	}
	if sr.full() {
		return nil
	}
	if _, err := dec.Token(); err != nil { // the closing ]
		sr.jsonError(err, lines)
		return nil
	}
	if off := skipJSON(sr.data, int(dec.InputOffset()), ""); off < len(sr.data) {
		sr.fail(at(off), "", "", errors.New("text after the array"))
	}
	return out
}

// jsonEntry reads one object. A syntax error is returned; problems with
// keys and values are recorded, and then the entry has nil fields.
func (sr *symptomReader) jsonEntry(dec *json.Decoder, pos srcPos, at func(int) srcPos) (rawEntry, error) {
	before := len(sr.errs)
	if _, err := dec.Token(); err != nil { // {
		return rawEntry{}, err
	}
	voc := fieldVocabulary()
	e := rawEntry{pos: pos, fields: map[string]rawValue{}}
	for dec.More() {
		kp := at(skipJSON(sr.data, int(dec.InputOffset()), ","))
		tok, err := dec.Token()
		if err != nil {
			return rawEntry{}, err
		}
		key, _ := tok.(string) // in an object, Token returns keys as strings
		vp := at(skipJSON(sr.data, int(dec.InputOffset()), ":"))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return rawEntry{}, err
		}
		f, err := voc.lookup(key)
		if err != nil {
			sr.fail(kp, "key", key, err)
			continue
		}
		if _, dup := e.fields[f]; dup {
			sr.fail(kp, "key", key, errors.New("repeated (or an alias of an earlier key)"))
			continue
		}
		rv := rawValue{pos: vp}
		if raw[0] == '[' {
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				return rawEntry{}, err
			}
			for _, it := range items {
				s, ok := jsonScalar(it)
				if !ok {
					sr.fail(vp, f, "", errors.New("want text or numbers in the list"))
					break
				}
				if s != nil {
					rv.vals = append(rv.vals, *s)
				}
			}
		} else if s, ok := jsonScalar(raw); !ok {
			sr.fail(vp, f, "", errors.New("want text, a number or a list of text"))
			continue
		} else if s != nil {
			rv.vals = []string{*s}
		}
		e.fields[f] = rv
	}
	if _, err := dec.Token(); err != nil { // }
		return rawEntry{}, err
	}
	if len(sr.errs) > before {
		return rawEntry{}, nil
	}
	return e, nil
}

// jsonScalar returns the text of a string or number (numbers as written),
// nil for null, and false for anything else.
func jsonScalar(raw json.RawMessage) (*string, bool) {
	switch c := raw[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		return &s, true
	case c == '-' || c >= '0' && c <= '9':
		s := string(raw)
		return &s, true
	case c == 'n':
		return nil, true
	}
	return nil, false
}

// skipJSON returns the offset of the first byte from off that is neither
// JSON white space nor one of the separators in seps.
func skipJSON(data []byte, off int, seps string) int {
	for off < len(data) {
		switch c := data[off]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case bytes.IndexByte([]byte(seps), c) >= 0:
		default:
			return off
		}
		off++
	}
	return off
}

// jsonError reports a syntax error. json.Decoder's offsets are not always
// from the start of the input, so the whole log is checked again with
// json.Unmarshal, whose SyntaxError.Offset is (bytes read, the bad one
// included).
func (sr *symptomReader) jsonError(err error, lines lineIndex) {
	var whole json.RawMessage
	var se *json.SyntaxError
	if errors.As(json.Unmarshal(sr.data, &whole), &se) {
		sr.fail(lines.pos(max(int(se.Offset)-1, 0)), "", "", errors.New(se.Error()))
		return
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		sr.fail(lines.pos(max(len(sr.data)-1, 0)), "", "", errors.New("unexpected end of JSON input"))
		return
	}
	sr.fail(srcPos{}, "", "", err)
}
