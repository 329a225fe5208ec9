package ingest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	tfit "github.com/tormoder/fit"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// BenchmarkDecodeFIT decodes the testdata corpus, read into memory first,
// with our decoder and with github.com/tormoder/fit.
//
// To be fair, BOTH sub-benchmarks run over only the files tormoder's
// fit.Decode accepts without error (it rejects several of the corpus'
// damaged or unusual files, which we decode); MB/s is over those files'
// total size.
func BenchmarkDecodeFIT(b *testing.B) {
	paths, err := filepath.Glob("../testdata/fit/*.fit")
	if err != nil || len(paths) == 0 {
		b.Fatalf("no testdata FIT files: %v", err)
	}
	var files [][]byte
	var total int64
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tfit.Decode(bytes.NewReader(data)); err != nil {
			continue
		}
		files = append(files, data)
		total += int64(len(data))
	}
	if len(files) == 0 {
		b.Fatal("tormoder accepts no testdata file")
	}

	b.Run("gaitkeeper", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range files {
				if _, err := ingest.DecodeFIT(bytes.NewReader(data), ingest.DecodeOptions{SizeHint: int64(len(data))}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("tormoder", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range files {
				if _, err := tfit.Decode(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
