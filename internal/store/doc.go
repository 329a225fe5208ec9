// Package store keeps athletes' decoded activities as Parquet files in a
// Hive-partitioned folder that DuckDB, pandas (pyarrow) and Spark read
// without help:
//
//	ROOT/activities/athlete=<name>/year=<yyyy>/<id>.parquet  one row per activity: device, sport, start, totals, metrics
//	ROOT/samples/athlete=<name>/year=<yyyy>/<id>.parquet     one row per FIT record: the columns of ingest.Activity
//	ROOT/manifest/athlete=<name>.jsonl                       one line per source file read, keyed by SHA-256
//	ROOT/symptoms/athlete=<name>.csv                         the symptom diary (not written by this package yet)
//	ROOT/cache/athlete=<name>.gob                            rows Activities already read (derived; safe to delete)
//
// SCHEMA.md beside this file lists every column, its type and unit.
//
// In: [ingest.Activity] values and the caller's per-activity metrics.
// Out: [ActivityRow] values and [Samples] columns. NaN in ingest becomes
// null in Parquet and NaN again when read back.
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
// Every Parquet file is written to a temporary file in its folder,
// fsynced, and renamed into place, and the folder is fsynced. [Store.Put]
// writes an activity's samples file, then its activities file, and
// appends the source file's manifest line only when all its activities
// are on disk. So at any moment of a crash:
//
//   - a visible activities file always has its samples file;
//   - a file listed in the manifest has all its activities stored;
//   - an activity stored but not yet listed is written again, to the same
//     file name, when its source is put again: nothing is doubled;
//   - temporary files are removed by [Open], and a torn manifest line is
//     dropped (its file is then read again).
//
// Arrow types stay inside this package, which is the only one in
// gaitkeeper that imports github.com/apache/arrow-go.
package store
