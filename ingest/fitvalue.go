package ingest

import (
	"encoding/binary"
	"math"
)

// FIT base type numbers: the low five bits of a field definition's base
// type byte (FIT protocol, "Base Types"). The high bit only says whether
// the type is multi-byte, so it is masked off.
const (
	btEnum    = 0x00
	btSint8   = 0x01
	btUint8   = 0x02
	btSint16  = 0x03
	btUint16  = 0x04
	btSint32  = 0x05
	btUint32  = 0x06
	btString  = 0x07
	btFloat32 = 0x08
	btFloat64 = 0x09
	btUint8z  = 0x0a
	btUint16z = 0x0b
	btUint32z = 0x0c
	btByte    = 0x0d
	btSint64  = 0x0e
	btUint64  = 0x0f
	btUint64z = 0x10
)

// baseSize is the size in bytes of one value of each base type.
func baseSize(bt byte) int {
	switch bt {
	case btSint16, btUint16, btUint16z:
		return 2
	case btSint32, btUint32, btUint32z, btFloat32:
		return 4
	case btFloat64, btSint64, btUint64, btUint64z:
		return 8
	}
	return 1
}

// readUint reads the first value of a field as an unsigned integer (signed
// types are sign-extended into the uint64) and reports whether it is valid,
// that is, not the FIT invalid sentinel for its base type.
//
// A field whose size is smaller than its base type (seen in Coros files:
// "misaligned" definitions) is read as an unsigned integer of the size
// given, the way Garmin's SDK falls back; a field of several values (an
// array) yields its first value.
func readUint(b []byte, bt byte, big bool) (uint64, bool) {
	n := baseSize(bt)
	if len(b) < n {
		return readShort(b, big)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	switch bt {
	case btEnum, btUint8, btByte:
		return uint64(b[0]), b[0] != 0xff
	case btUint8z:
		return uint64(b[0]), b[0] != 0
	case btSint8:
		return uint64(int64(int8(b[0]))), b[0] != 0x7f
	case btSint16:
		v := order.Uint16(b)
		return uint64(int64(int16(v))), v != 0x7fff
	case btUint16:
		v := order.Uint16(b)
		return uint64(v), v != 0xffff
	case btUint16z:
		v := order.Uint16(b)
		return uint64(v), v != 0
	case btSint32:
		v := order.Uint32(b)
		return uint64(int64(int32(v))), v != 0x7fffffff
	case btUint32:
		v := order.Uint32(b)
		return uint64(v), v != 0xffffffff
	case btUint32z:
		v := order.Uint32(b)
		return uint64(v), v != 0
	case btSint64:
		v := order.Uint64(b)
		return v, v != 0x7fffffffffffffff
	case btUint64:
		v := order.Uint64(b)
		return v, v != math.MaxUint64
	case btUint64z:
		v := order.Uint64(b)
		return v, v != 0
	}
	return uint64(b[0]), b[0] != 0xff
}

// readShort reads a field shorter than its base type as an unsigned integer
// of len(b) bytes; all bits set is invalid.
func readShort(b []byte, big bool) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	all := true
	for i := range b {
		c := b[i]
		if big {
			v = v<<8 | uint64(c)
		} else {
			v |= uint64(c) << (8 * i)
		}
		all = all && c == 0xff
	}
	return v, !all
}

// readFloat reads the first value of a numeric field as float64, applying
// nothing else. ok is false for the invalid sentinel, strings, and NaN.
func readFloat(b []byte, bt byte, big bool) (float64, bool) {
	var order binary.ByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	switch bt {
	case btString:
		return 0, false
	case btFloat32:
		if len(b) < 4 {
			return 0, false
		}
		u := order.Uint32(b)
		f := float64(math.Float32frombits(u))
		return f, u != 0xffffffff && !math.IsNaN(f) && !math.IsInf(f, 0)
	case btFloat64:
		if len(b) < 8 {
			return 0, false
		}
		u := order.Uint64(b)
		f := math.Float64frombits(u)
		return f, u != math.MaxUint64 && !math.IsNaN(f) && !math.IsInf(f, 0)
	case btSint8, btSint16, btSint32, btSint64:
		v, ok := readUint(b, bt, big)
		if len(b) < baseSize(bt) {
			return float64(v), ok
		}
		return float64(int64(v)), ok
	}
	v, ok := readUint(b, bt, big)
	return float64(v), ok
}

// readString reads a string field up to its first NUL; a string with no NUL
// (some devices do not terminate them) runs to the end of the field.
func readString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
