package report

// FlagJSON is one flag as the JSON contract of `gaitkeeper check` and
// `gaitkeeper report` writes it (the README documents the fields), in this
// order:
//
//	kind      red_flag, nerve, overuse or form
//	rule      the rule id, e.g. "overuse.session_spike"
//	severity  info, warn or refer
//	message   the finding in words ("pattern consistent with …")
//	evidence  an object: the numbers and the threshold behind the flag
//	source    where the threshold comes from
//	grade     the evidence grade (S, M, W, H, or a range such as "M–S")
//	when      the day of the run or symptom it is about, YYYY-MM-DD on
//	          the runner's clock; null when the flag has no time
//
// Evidence is always an object, {} when the flag has none; its numbers
// are Num, so they are null where they do not exist.
func FlagJSON(f Flag) Object {
	ev := f.Evidence
	if ev == nil {
		ev = Object{}
	}
	var when any // null
	if !f.When.IsZero() {
		when = f.When.Format("2006-01-02")
	}
	return Object{
		{"kind", f.Kind},
		{"rule", f.Rule},
		{"severity", f.Severity},
		{"message", f.Message},
		{"evidence", ev},
		{"source", f.Source},
		{"grade", f.Grade},
		{"when", when},
	}
}

// FlagsJSON converts flags with FlagJSON, keeping their order (Assess
// puts red flags and referrals first). The result is never nil, so an
// empty list is [] in JSON, not null.
func FlagsJSON(flags []Flag) []Object {
	out := make([]Object, 0, len(flags))
	for _, f := range flags {
		out = append(out, FlagJSON(f))
	}
	return out
}
