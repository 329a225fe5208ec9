// Package report renders gaitkeeper's results for people and programs:
// text for a terminal, JSON with a documented schema, and HTML. It lines
// the gait metrics up against the symptom log and explains every flag
// with its numbers, threshold and source.
//
// JSON never carries NaN or Inf: a value that does not exist is null, and
// the object beside it says why (a "reason" field).
package report
