package report

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// Object is a JSON object whose keys keep the order they were added in,
// so documents read in the order the README documents them.
type Object []Field

// Field is one key of an Object.
type Field struct {
	Key   string
	Value any
}

// MarshalJSON writes the fields in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Num is a float for JSON: NaN and ±Inf (a value that does not exist)
// become null, and the rest is rounded to 4 decimals so that outputs do
// not change with the last bits of a sum.
type Num float64

// MarshalJSON writes null for NaN and ±Inf.
func (n Num) MarshalJSON() ([]byte, error) {
	v, ok := n.rounded()
	if !ok {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// Decimal is n as the JSON output rounds it, in plain decimal notation
// (no exponent), for text and CSV; ok is false when n does not exist.
func (n Num) Decimal() (s string, ok bool) {
	v, ok := n.rounded()
	if !ok {
		return "", false
	}
	return strconv.FormatFloat(v, 'f', -1, 64), true
}

// rounded is n to 4 decimals, without "-0"; false for NaN and ±Inf.
func (n Num) rounded() (float64, bool) {
	v := float64(n)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	v = math.Round(v*1e4) / 1e4
	if v == 0 {
		v = 0 // no "-0"
	}
	return v, true
}
