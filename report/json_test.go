package report

import (
	"encoding/json"
	"math"
	"testing"
)

func TestObjectKeepsOrderAndNullsNonFinite(t *testing.T) {
	o := Object{
		{"z", Num(1.23456789)}, // rounded to 4 decimals: 1.2346
		{"a", Num(math.NaN())},
		{"m", Num(math.Inf(-1))},
		{"neg_zero", Num(-0.00001)}, // rounds to -0, written as 0
		{"list", []Num{1, Num(math.NaN())}},
	}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"z":1.2346,"a":null,"m":null,"neg_zero":0,"list":[1,null]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
