// Package layout holds no code: its test enforces the import rules of the
// house style (STYLE.md 3.1). Data flows one way, bytes → ingest.Activity
// → gait.Metrics → report, and each third-party library has one owner:
//
//	github.com/muktihari/fit    ingest
//	github.com/apache/arrow-go internal/store
//	github.com/spf13/viper     internal/config
//	github.com/spf13/cobra     cmd/gaitkeeper
//
// The test reads every non-test Go file's imports with go/parser, so it
// needs no linter installed (the style guide's depguard rules, without
// golangci-lint). The demo generator, testdata/gen, may use the FIT
// library too: it writes FIT files with muktihari's encoder.
package layout
