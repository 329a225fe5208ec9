package report

import "time"

// TODO(merge): report/flags_json.go (another branch) adds FlagsJSON with
// the same fields in the same order. When it is merged, replace the one
// call to flagsJSON in report_json.go with FlagsJSON and delete this file.

// flagsJSON is the "flags" array of the report document: kind, rule,
// severity, message, evidence, source, grade, when.
func flagsJSON(flags []Flag) []Object {
	out := make([]Object, 0, len(flags))
	for _, f := range flags {
		ev := f.Evidence
		if ev == nil {
			ev = Object{}
		}
		out = append(out, Object{
			{"kind", f.Kind},
			{"rule", f.Rule},
			{"severity", f.Severity},
			{"message", f.Message},
			{"evidence", ev},
			{"source", f.Source},
			{"grade", f.Grade},
			{"when", f.When.Format(time.RFC3339)},
		})
	}
	return out
}
