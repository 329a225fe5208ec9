// Package report renders gaitkeeper's results for people and programs:
// text for a terminal, JSON with a documented schema, Markdown, and one
// self-contained HTML page with inline SVG charts. It lines the gait
// metrics up against the symptom log (Assess), explains every flag with
// its numbers, threshold and source, and assembles an athlete's Report
// (Build) and a coach's Index of several athletes.
//
// JSON never carries NaN or Inf: a value that does not exist is null, and
// the object beside it says why (a "reason" field). The writers never read
// the clock, so the same Report always gives the same bytes.
package report
