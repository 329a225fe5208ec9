package ingest

import (
	"errors"
	"fmt"
)

// Sentinel errors that callers may branch on with errors.Is.
var (
	// ErrNotFIT means the bytes do not start with a FIT file header.
	ErrNotFIT = errors.New("not a FIT file")
	// ErrNoRecords means the file holds no record messages, so there is
	// nothing to analyze (a settings, course or summary-only file).
	ErrNoRecords = errors.New("no record messages")
	// ErrCRC means a file or header checksum did not match. Without
	// DecodeOptions.Strict it appears only as a warning.
	ErrCRC = errors.New("CRC mismatch")
	// ErrTruncated means the file ends inside a message or before its CRC.
	ErrTruncated = errors.New("file cut short")
)

// DecodeError is a problem at a byte offset of a FIT file. It is returned
// when a file cannot be read at all, and it is also the type of every entry
// in Activity.Warnings.
type DecodeError struct {
	File   string // file name; "" when decoding from a reader with no name
	Offset int64  // byte offset from the start of the file
	Err    error
}

func (e *DecodeError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("ingest: byte %d: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("ingest: %s: byte %d: %v", e.File, e.Offset, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }
