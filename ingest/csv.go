package ingest

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"time"
)

// WriteSamplesCSV writes every record of acts as CSV, in order: the header
// is timestamp,activity,sport, then the native columns of
// [Activity.Columns], then one dev:<name> column per developer field seen
// in any of acts (first-seen order). timestamp is RFC 3339 UTC; a missing
// value is an empty cell.
func WriteSamplesCSV(w io.Writer, acts []*Activity) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var devNames []string
	seen := map[string]bool{}
	for _, a := range acts {
		for _, c := range a.Dev {
			if !seen[c.Name] {
				seen[c.Name] = true
				devNames = append(devNames, c.Name)
			}
		}
	}
	bw.WriteString("timestamp,activity,sport")
	if len(acts) > 0 {
		for _, c := range acts[0].Columns() {
			bw.WriteString("," + c.Name)
		}
	} else {
		for _, c := range (&Activity{}).Columns() {
			bw.WriteString("," + c.Name)
		}
	}
	for _, n := range devNames {
		bw.WriteString(",")
		writeCSVField(bw, "dev:"+n)
	}
	bw.WriteByte('\n')

	var buf []byte
	for _, a := range acts {
		cols := a.Columns()
		dev := make([][]float64, len(devNames))
		for i, n := range devNames {
			for _, c := range a.Dev {
				if c.Name == n {
					dev[i] = c.Values
				}
			}
		}
		for i := range a.Len() {
			buf = a.Timestamp(i).UTC().AppendFormat(buf[:0], time.RFC3339)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(a.Index), 10)
			buf = append(buf, ',')
			buf = append(buf, a.Sport...)
			for _, c := range cols {
				buf = append(buf, ',')
				buf = appendNum(buf, c.Values[i])
			}
			for _, v := range dev {
				buf = append(buf, ',')
				if v != nil {
					buf = appendNum(buf, v[i])
				}
			}
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) {
		return b
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// writeCSVField quotes a header cell when a developer's field name needs it.
func writeCSVField(w *bufio.Writer, s string) {
	need := false
	for _, c := range s {
		if c == ',' || c == '"' || c == '\n' || c == '\r' {
			need = true
		}
	}
	if !need {
		w.WriteString(s)
		return
	}
	w.WriteByte('"')
	for _, c := range s {
		if c == '"' {
			w.WriteByte('"')
		}
		w.WriteRune(c)
	}
	w.WriteByte('"')
}
