package ingest

import (
	"errors"
	"os"
)

// DecodeFile opens and decodes the FIT file at path. Errors and warnings
// are *DecodeError values that name the file.
func DecodeFile(path string, o DecodeOptions) ([]*Activity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && o.SizeHint == 0 {
		o.SizeHint = st.Size()
	}
	acts, err := DecodeFIT(f, o)
	var de *DecodeError
	if errors.As(err, &de) {
		de.File = path
	}
	for _, a := range acts {
		for _, w := range a.Warnings {
			if errors.As(w, &de) {
				de.File = path
			}
		}
	}
	return acts, err
}
