package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestDecoderReuse decodes every testdata FIT file with one Decoder, in
// both orders, so that each file follows a different one (unreadable
// files included), and checks each result against DecodeFIT's with a
// fresh decoder: nothing carries over from one file to the next.
func TestDecoderReuse(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "fit", "*.fit"))
	if err != nil || len(paths) < 10 {
		t.Fatalf("testdata: %d files, %v", len(paths), err)
	}
	dump := func(acts []*Activity, err error) string {
		var b bytes.Buffer
		for _, a := range acts {
			fmt.Fprintf(&b, "%+v\n", *a) // NaN prints as NaN, so equal columns print equal
		}
		fmt.Fprintf(&b, "error: %v", err)
		return b.String()
	}
	want := map[string]string{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want[p] = dump(DecodeFIT(bytes.NewReader(data), DecodeOptions{}))
	}
	backward := slices.Clone(paths)
	slices.Reverse(backward)
	var dec Decoder
	for _, order := range [][]string{paths, backward} {
		for _, p := range order {
			data, _ := os.ReadFile(p)
			// Through a file too, to reuse the read buffer with a reader
			// that needs it.
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			fromFile := dump(dec.Decode(f, DecodeOptions{}))
			f.Close()
			fromBytes := dump(dec.Decode(bytes.NewReader(data), DecodeOptions{}))
			if fromFile != want[p] || fromBytes != want[p] {
				t.Errorf("%s: a reused Decoder decodes differently from DecodeFIT", filepath.Base(p))
			}
		}
	}
}
