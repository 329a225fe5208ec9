// Package gait computes what a physiotherapist looks for in a run from an
// [ingest.Activity]: how fast the feet turn over (cadence), how even the
// two sides are (ground-contact balance), and, in later steps, drift as
// the runner tires and spikes within the run.
//
// In: an *ingest.Activity (NaN = missing) and [Params]. Out: plain
// summaries in the units named in their fields. Functions are pure: no
// I/O, no clock, no globals; they never modify their input.
//
// Statistics are weighted by time: each record stands for the seconds
// until the next one (capped at Params.MaxRecordGapS), because watches with
// smart recording log irregularly and a record after a 9 s gap says more
// about the run than one after 1 s.
//
// Thresholds and their sources are in ../research/domain.md (A2, A3),
// quoted at each field of Params.
package gait
