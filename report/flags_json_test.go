package report

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"
)

func TestFlagJSON(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*3600)
	tests := []struct {
		name string
		flag Flag
		want string
	}{
		{
			name: "every field, in order; NaN evidence is null; when is the local day",
			flag: Flag{Kind: KindOveruse, Rule: "overuse.session_spike", Severity: SeverityWarn, Message: "22.0 km was 142%",
				// ratio 22 / 15.5 = 1.419354…, written to 4 decimals
				Evidence: Object{{"ratio", Num(22 / 15.5)}, {"longest_30d_m", Num(math.NaN())}, {"band", "moderate"}},
				Source:   "Frandsen 2025", Grade: "M–S",
				// 00:30 on the 18th in Berlin is still the 17th in UTC.
				When: time.Date(2026, 10, 18, 0, 30, 0, 0, berlin)},
			want: `{"kind":"overuse","rule":"overuse.session_spike","severity":"warn","message":"22.0 km was 142%",` +
				`"evidence":{"ratio":1.4194,"longest_30d_m":null,"band":"moderate"},"source":"Frandsen 2025","grade":"M–S","when":"2026-10-18"}`,
		},
		{
			name: "no evidence is an empty object, no time is null",
			flag: Flag{Kind: KindRedFlag, Rule: "red.motor", Severity: SeverityRefer, Message: "see a clinician"},
			want: `{"kind":"red_flag","rule":"red.motor","severity":"refer","message":"see a clinician","evidence":{},"source":"","grade":"","when":null}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(FlagJSON(tt.flag))
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got  %s\nwant %s", b, tt.want)
			}
		})
	}
}

func TestFlagsJSONEmptyIsArray(t *testing.T) {
	b, err := json.Marshal(FlagsJSON(nil))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "[]" {
		t.Errorf("FlagsJSON(nil) = %s, want []", b)
	}
}

// The flags of story (a) (rules_test.go) keep Assess's order, and each
// decodes to the contract: the eight keys in order, a known kind and
// severity, an evidence object, and the red flag first with its
// clinician wording.
func TestFlagsJSONOfAStory(t *testing.T) {
	var runs []Run
	for d := 0; d < 40; d += 2 {
		runs = append(runs, run(d, 10))
	}
	runs = append(runs, run(40, 16))
	h := History{Runs: runs, Now: day0.AddDate(0, 0, 70)}
	h.Symptoms = append(h.Symptoms,
		symptom(40, "toes_3_4", []string{"cramp"}, []string{"during_run"}, 5, "cramp under the 4th toe"),
		symptom(70, "toes_3_4", []string{"numbness", "tingling"}, []string{"at_rest"}, 4, "unchanged after four weeks of rest"))
	flags := assess(h).Flags
	objs := FlagsJSON(flags)
	if len(objs) != len(flags) || len(flags) < 3 {
		t.Fatalf("%d objects for %d flags (want at least 3 flags)", len(objs), len(flags))
	}
	b, err := json.Marshal(objs)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var raw []json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"kind", "rule", "severity", "message", "evidence", "source", "grade", "when"}
	for i, r := range raw {
		if keys := objectKeys(t, r); !slices.Equal(keys, wantKeys) {
			t.Errorf("flag %d keys %q, want %q", i, keys, wantKeys)
		}
		var f struct {
			Kind, Rule, Severity, Message, Source string
			Evidence                              map[string]any
			When                                  *string
		}
		if err := json.Unmarshal(r, &f); err != nil {
			t.Fatal(err)
		}
		if f.Rule != flags[i].Rule {
			t.Errorf("flag %d is %s, Assess put %s there", i, f.Rule, flags[i].Rule)
		}
		if !slices.Contains([]string{KindRedFlag, KindNerve, KindOveruse, KindForm}, f.Kind) ||
			!slices.Contains([]string{SeverityInfo, SeverityWarn, SeverityRefer}, f.Severity) {
			t.Errorf("%s: kind %q severity %q", f.Rule, f.Kind, f.Severity)
		}
		if f.Evidence == nil || f.Source == "" || f.When == nil || len(*f.When) != len("2006-01-02") {
			t.Errorf("%s: evidence %v, source %q, when %v", f.Rule, f.Evidence, f.Source, f.When)
		}
	}
	var first struct{ Kind, Message string }
	if err := json.Unmarshal(raw[0], &first); err != nil {
		t.Fatal(err)
	}
	if first.Kind != KindRedFlag || !bytes.Contains([]byte(first.Message), []byte("see a clinician")) {
		t.Errorf("first flag %+v, want a red flag that says to see a clinician", first)
	}
}

// objectKeys lists the keys of a JSON object in the order written.
func objectKeys(t *testing.T, obj json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", obj)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}
