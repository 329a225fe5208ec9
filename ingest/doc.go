// Package ingest turns FIT files from running watches and foot pods into
// typed, columnar activities.
//
// In: the bytes of a FIT file (any FIT protocol version, chained files
// included), from Garmin, Coros, Polar, Suunto, Wahoo, Stryd and others.
// Out: one [Activity] per session, holding one row per FIT record message
// as equal-length []float64 columns in SI-ish units named in each field
// (elapsed_s, cadence_spm, gct_ms, gct_balance_left_pct, ...). A missing
// sample is NaN, never 0.
//
//	acts, err := ingest.DecodeFile("run.fit", ingest.DecodeOptions{})
//	if err != nil {
//		return err // *DecodeError: file and byte offset
//	}
//	for _, a := range acts {
//		fmt.Println(a.Sport, a.Len(), a.Warnings)
//	}
//
// Damaged files are read as far as they go: what is decoded is kept and
// the damage is reported in [Activity.Warnings], each a [*DecodeError] with
// its byte offset. Only a file with nothing usable returns an error.
//
// Correctness is tested against Garmin's FIT SDK for JavaScript on every
// file in the repository's testdata/fit (real recordings) and testdata/demo
// (a generated athlete), and against github.com/tormoder/fit on
// testdata/fit.
//
// This package is the only one in gaitkeeper that imports the FIT library
// (github.com/muktihari/fit); its types never leave it.
package ingest
