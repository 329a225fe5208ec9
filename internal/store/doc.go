// Package store keeps athletes' decoded activities as Parquet files in a
// Hive-partitioned folder that DuckDB, pandas (pyarrow) and Spark read
// without help:
//
//	ROOT/activities/athlete=<name>/year=<yyyy>/part-<batch>.parquet    one row per activity: device, sport, start, totals, metrics
//	ROOT/samples/athlete=<name>/year=<yyyy>/part-<batch>-<n>.parquet   one row per FIT record (the columns of ingest.Activity), a row group per activity
//	ROOT/manifest/athlete=<name>.jsonl                                 one line per source file read, keyed by SHA-256
//	ROOT/symptoms/athlete=<name>.csv                                   the symptom diary (written by `gaitkeeper log`)
//	ROOT/cache/athlete=<name>.gob                                      rows Activities already read (derived; safe to delete)
//
// SCHEMA.md beside this file lists every column, its type and unit.
//
// In: [ingest.Activity] values and the caller's per-activity metrics.
// Out: [ActivityRow] values and [Samples] columns. NaN in ingest becomes
// null in Parquet and NaN again when read back.
//
// # Batches
//
// Files are written in batches ([Batch]): many source files' activities
// go into one samples file and one activities file per year, committed
// by one manifest write. Paying a Parquet file's fixed costs (its footer,
// 160-odd column chunks of a one-row activities file, fsyncs) once per
// batch rather than once per activity made `gaitkeeper ingest` 3.5 times
// as fast. [Store.Put] is a batch of one source file.
//
// # Reading nothing twice
//
// The manifest records the SHA-256 of every source file stored, so a
// caller hashes a file and asks [Store.HasFile] before decoding it. An
// activity's id comes from its device serial and start time
// ([ActivityID]), so the same run exported twice (Garmin's original and
// Strava's copy) is stored once. [Store.Lookup] also gives the failure
// recorded for a file that gave nothing, so a later run can report it
// again without decoding it.
//
// # Crash safety
//
// A batch's files are temporary until its manifest lines, all written
// with one fsynced write, commit it; then they are renamed into place.
// After a crash, the next writer (or [Open], when no process writes)
// renames the files of a committed batch and removes any other temporary
// file. So at any moment of a crash:
//
//   - a visible activities row always has its samples file;
//   - a file listed in the manifest has all its activities stored;
//   - an uncommitted batch leaves nothing visible, and its source files
//     are read again by the next run; nothing is doubled.
//
// Writers take turns through an advisory lock on ROOT/.lock, held while
// a batch is open; readers need none.
//
// Arrow types stay inside this package, which is the only one in
// gaitkeeper that imports github.com/apache/arrow-go.
package store
