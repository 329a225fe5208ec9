package ingest

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/profile/untyped/fieldnum"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
)

// DecodeOptions controls DecodeFIT. The zero value is ready to use.
type DecodeOptions struct {
	// Strict makes a CRC mismatch an error instead of a warning.
	Strict bool
	// SizeHint is the size of the input in bytes, if known. It is used only
	// to size the columns up front.
	SizeHint int64
}

// DecodeFIT reads a FIT file from r and returns one Activity per session,
// in start-time order. A file with record messages but no session message
// gives one Activity.
//
// DecodeFIT streams: it keeps the columns it builds and a handful of
// summary messages, never the decoded messages themselves. Damage that
// leaves data usable (a CRC mismatch, a file cut short, an undefined local
// message) becomes a warning on every Activity and the records read before
// it are kept. When nothing usable can be read the error is a *DecodeError
// carrying the byte offset of the problem.
//
// Chained files (several FIT sequences in one file, including Garmin's
// device-written chains whose later sequences hold only heart-rate
// messages) are read to the end.
func DecodeFIT(r io.Reader, o DecodeOptions) ([]*Activity, error) {
	return new(Decoder).Decode(r, o)
}

// A Decoder decodes FIT files one after another, as DecodeFIT does, but
// keeps its buffers from one file to the next: the raw decoder's 128 KiB
// message buffer and a 64 KiB read buffer, which DecodeFIT allocates and
// zeroes for every file. A worker that decodes many files keeps one. The
// zero value is ready to use; a Decoder is not safe for concurrent use.
// The activities it returns share nothing with it.
type Decoder struct {
	raw *decoder.RawDecoder
	br  *bufio.Reader
}

// Decode reads a FIT file from r; see DecodeFIT.
func (dec *Decoder) Decode(r io.Reader, o DecodeOptions) ([]*Activity, error) {
	if dec.raw == nil {
		dec.raw = decoder.NewRaw()
		dec.br = bufio.NewReaderSize(r, 64<<10)
	} else {
		dec.br.Reset(r)
	}
	defer dec.br.Reset(nil) // r is not kept
	d := newFITDecoder(o)
	_, err := dec.raw.Decode(dec.br, d.onRaw)
	if err != nil {
		if errors.Is(err, errStrictCRC) {
			return nil, d.fatal
		}
		d.noteStop(err)
	} else if d.inSeq {
		d.noteStop(io.ErrUnexpectedEOF)
	}
	return d.finish()
}

// errStrictCRC stops the raw decoder when Strict is set; the real error is
// in fitDecoder.fatal.
var errStrictCRC = errors.New("strict CRC")

// FIT time: seconds since 1989-12-31T00:00:00Z. Values below 0x10000000
// are relative to device power-on (FIT protocol, "date_time").
const (
	fitEpoch      = 631065600
	fitMinAbsTime = 0x10000000
)

// Native record columns, in the order of Activity.Columns after elapsed_s.
// colCadence holds cadence + fractional_cadence in rpm until the sport is
// known; finish turns it into CadenceSPM or CadenceRPM.
const (
	colDistance = iota
	colSpeed
	colAltitude
	colGrade
	colHeartRate
	colCadence
	colGCT
	colGCTBalance
	colStancePct
	colVertOsc
	colVertRatio
	colStepLength
	colPower
	colTemperature
	numCols
)

// recordField says where a record field goes and how to scale it. Scales
// and offsets are the FIT profile's (checked against muktihari's profile in
// TestRecordFieldsMatchProfile).
type recordField struct {
	num    byte
	col    int
	scale  float64
	offset float64
}

// recordFields are the record message fields read into columns. Where two
// fields feed one column the enhanced one comes second and wins.
var recordFields = [...]recordField{
	{fieldnum.RecordDistance, colDistance, 100, 0},
	{fieldnum.RecordSpeed, colSpeed, 1000, 0},
	{fieldnum.RecordEnhancedSpeed, colSpeed, 1000, 0},
	{fieldnum.RecordAltitude, colAltitude, 5, 500},
	{fieldnum.RecordEnhancedAltitude, colAltitude, 5, 500},
	{fieldnum.RecordGrade, colGrade, 100, 0},
	{fieldnum.RecordHeartRate, colHeartRate, 1, 0},
	{fieldnum.RecordCadence, colCadence, 1, 0},
	{fieldnum.RecordStanceTime, colGCT, 10, 0},
	{fieldnum.RecordStanceTimeBalance, colGCTBalance, 100, 0},
	{fieldnum.RecordStanceTimePercent, colStancePct, 100, 0},
	{fieldnum.RecordVerticalOscillation, colVertOsc, 10, 0},
	{fieldnum.RecordVerticalRatio, colVertRatio, 100, 0},
	{fieldnum.RecordStepLength, colStepLength, 10, 0},
	{fieldnum.RecordPower, colPower, 1, 0},
	{fieldnum.RecordTemperature, colTemperature, 1, 0},
}

// fieldDef is one field of a message definition, with its byte offset in
// the message data (after the header byte).
type fieldDef struct {
	num, size, bt byte
	off           int
}

type devFieldDef struct {
	num, size, index byte
	off              int
}

// msgDef is a compiled message definition.
type msgDef struct {
	global    uint16
	big       bool
	fields    []fieldDef
	devFields []devFieldDef
	tsField   int // index into fields of field 253, or -1

	// Record fast path: index into fields for each recordFields entry, or -1.
	rec       [len(recordFields)]int
	fracCad   int // fractional_cadence
	compSpeed int // compressed_speed_distance
}

func (m *msgDef) field(num byte) (fieldDef, bool) {
	for _, f := range m.fields {
		if f.num == num {
			return f, true
		}
	}
	return fieldDef{}, false
}

// msg is one message's data bytes with its definition.
type msg struct {
	def  *msgDef
	data []byte // after the header byte
}

func (m msg) bytes(f fieldDef) []byte { return m.data[f.off : f.off+int(f.size)] }

func (m msg) uint(num byte) (uint64, bool) {
	f, ok := m.def.field(num)
	if !ok {
		return 0, false
	}
	return readUint(m.bytes(f), f.bt, m.def.big)
}

func (m msg) float(num byte, scale, offset float64) float64 {
	f, ok := m.def.field(num)
	if !ok {
		return math.NaN()
	}
	v, ok := readFloat(m.bytes(f), f.bt, m.def.big)
	if !ok {
		return math.NaN()
	}
	return v/scale - offset
}

func (m msg) string(num byte) string {
	f, ok := m.def.field(num)
	if !ok || f.bt != btString {
		return ""
	}
	return readString(m.bytes(f))
}

// devKey identifies a developer field: data index and field number.
type devKey uint16

func mkDevKey(index, num byte) devKey { return devKey(index)<<8 | devKey(num) }

type devDesc struct {
	name, units string
	bt          byte
	scale       float64
	offset      float64
	col         int // index into fitDecoder.dev, -1 until first seen in a record
}

type devCol struct {
	name, units, app string
	vals             []float64
}

// fitDecoder holds the state of one DecodeFIT call.
type fitDecoder struct {
	opts DecodeOptions

	off   int64 // bytes consumed so far
	seq   int
	inSeq bool

	// The file CRC covers the header and the data for a 12-byte header,
	// and the data alone for a 14-byte header with its own CRC. Devices
	// that write a 14-byte header with CRC 0 (Garmin's Edge 810) cover the
	// header too, so then both spans are summed. Only the spans that can
	// match are computed: the CRC is the costliest step of decoding.
	crcAll, crcData   crc16
	wantAll, wantData bool

	defs   [16]*msgDef
	lastTS uint32
	haveTS bool

	// Record columns for the whole file; split into activities by finish.
	ts        []uint32
	tsOff     []int64 // byte offset of each record, for warnings
	cols      [numCols][]float64
	dev       []devCol
	devDescs  map[devKey]*devDesc
	devApps   [256]string
	devCapped bool
	untimed   bool // warned about records with no time
	accDist   accumulator

	// Summary messages.
	device      Device
	haveFileID  bool
	creatorSW   string
	sensors     []Sensor
	sessions    []sessionMsg
	laps        []Lap
	timer       []timerEvent
	sport       string
	subSport    string
	localOffset int64
	haveLocal   bool
	hr          hrState

	warnings []error
	fatal    error
}

type sessionMsg struct {
	start, end uint32 // FIT time
	sport      string
	subSport   string
	totals     Totals
}

type timerEvent struct {
	ts   uint32
	stop bool
}

// accumulator expands an accumulating component (FIT protocol,
// "Accumulated fields"): each raw value holds only the low bits of a
// running total.
type accumulator struct {
	last, total uint64
	seen        bool
}

func (a *accumulator) add(raw uint64, bits uint) uint64 {
	mask := uint64(1)<<bits - 1
	if !a.seen {
		a.seen, a.last, a.total = true, raw, raw
		return raw
	}
	a.total += (raw - a.last) & mask
	a.last = raw
	return a.total
}

func newFITDecoder(o DecodeOptions) *fitDecoder {
	return &fitDecoder{
		opts:     o,
		devDescs: make(map[devKey]*devDesc),
	}
}

// maxWarnings bounds the warnings kept per file: a badly damaged file
// could otherwise produce one per message, copied into every activity.
const maxWarnings = 20

func (d *fitDecoder) warn(off int64, format string, args ...any) {
	d.addWarning(&DecodeError{Offset: off, Err: fmt.Errorf(format, args...)})
}

func (d *fitDecoder) addWarning(err error) {
	switch {
	case len(d.warnings) < maxWarnings:
		d.warnings = append(d.warnings, err)
	case len(d.warnings) == maxWarnings:
		d.warnings = append(d.warnings, &DecodeError{Offset: d.off, Err: errors.New("more warnings not shown")})
	}
}

// onRaw receives each piece of the file from muktihari's RawDecoder: file
// headers, message definitions, message data and CRCs, in order.
func (d *fitDecoder) onRaw(flag decoder.RawFlag, b []byte) error {
	at := d.off
	d.off += int64(len(b))
	switch flag {
	case decoder.RawFlagFileHeader:
		d.startSeq(at, b)
	case decoder.RawFlagMesgDef:
		d.sum(b)
		d.onDef(at, b)
	case decoder.RawFlagMesgData:
		d.sum(b)
		d.onData(at, b)
	case decoder.RawFlagCRC:
		return d.endSeq(at, b)
	}
	return nil
}

func (d *fitDecoder) sum(b []byte) {
	if d.wantAll {
		d.crcAll.update(b)
	}
	if d.wantData {
		d.crcData.update(b)
	}
}

func (d *fitDecoder) startSeq(at int64, b []byte) {
	d.inSeq = true
	d.crcAll, d.crcData = 0, 0
	d.crcAll.update(b)
	d.wantAll, d.wantData = true, false
	d.defs = [16]*msgDef{}
	if len(b) == 14 {
		want := binary.LittleEndian.Uint16(b[12:14])
		var h crc16
		h.update(b[:12])
		if want != 0 {
			d.wantAll, d.wantData = false, true
			if want != uint16(h) {
				d.warn(at, "%w in file header: header says %#04x, bytes give %#04x", ErrCRC, want, uint16(h))
			}
		} else {
			d.wantData = true
		}
	}
}

// endSeq checks the file CRC. The FIT protocol computes it over the header
// and data for a 12-byte header; for a 14-byte header devices disagree
// (Garmin's Edge 810 writes header CRC 0 and covers the header), so a match
// over either span is accepted.
func (d *fitDecoder) endSeq(at int64, b []byte) error {
	d.inSeq = false
	d.seq++
	want := binary.LittleEndian.Uint16(b)
	if d.wantAll && want == uint16(d.crcAll) || d.wantData && want == uint16(d.crcData) {
		return nil
	}
	got := d.crcData
	if d.wantAll {
		got = d.crcAll
	}
	err := &DecodeError{Offset: at, Err: fmt.Errorf("%w: file says %#04x, bytes give %#04x", ErrCRC, want, uint16(got))}
	if d.opts.Strict {
		d.fatal = err
		return errStrictCRC
	}
	d.addWarning(err)
	return nil
}

// noteStop turns the raw decoder's stopping error into a warning.
func (d *fitDecoder) noteStop(err error) {
	switch {
	case d.seq > 0 && !d.inSeq && errors.Is(err, decoder.ErrNotFITFile):
		d.warn(d.off, "bytes after the last FIT sequence are not FIT data; ignored")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		d.warn(d.off, "%w: ends inside a message or before the CRC; kept the %d complete records before it", ErrTruncated, len(d.ts))
	case errors.Is(err, decoder.ErrMesgDefMissing):
		d.warn(d.off, "undefined local message type (%v); reading stopped here, kept the %d records before it", err, len(d.ts))
	case errors.Is(err, decoder.ErrNotFITFile) && len(d.ts) == 0:
		d.fatal = &DecodeError{Offset: d.off, Err: fmt.Errorf("%w (%v)", ErrNotFIT, err)}
	default:
		d.warn(d.off, "reading stopped: %v; kept the %d records before it", err, len(d.ts))
	}
}

func (d *fitDecoder) onDef(at int64, b []byte) {
	// Header, reserved, architecture, global message number (2), field count.
	big := b[2] == 1
	var global uint16
	if big {
		global = binary.BigEndian.Uint16(b[3:5])
	} else {
		global = binary.LittleEndian.Uint16(b[3:5])
	}
	n := int(b[5])
	def := &msgDef{global: global, big: big, tsField: -1, fracCad: -1, compSpeed: -1}
	def.fields = make([]fieldDef, n)
	off := 0
	for i := range n {
		p := b[6+3*i:]
		f := fieldDef{num: p[0], size: p[1], bt: p[2] & 0x1f, off: off}
		off += int(f.size)
		def.fields[i] = f
		if f.num == 253 {
			def.tsField = i
		}
	}
	if b[0]&0x20 != 0 { // developer data flag
		p := b[6+3*n:]
		m := int(p[0])
		def.devFields = make([]devFieldDef, m)
		for i := range m {
			q := p[1+3*i:]
			def.devFields[i] = devFieldDef{num: q[0], size: q[1], index: q[2], off: off}
			off += int(q[1])
		}
	}
	if global == mesgnum.Record {
		for i, rf := range recordFields {
			def.rec[i] = -1
			for j, f := range def.fields {
				if f.num == rf.num {
					def.rec[i] = j
				}
			}
		}
		for j, f := range def.fields {
			switch f.num {
			case fieldnum.RecordFractionalCadence:
				def.fracCad = j
			case fieldnum.RecordCompressedSpeedDistance:
				def.compSpeed = j
			}
		}
		if d.ts == nil && d.opts.SizeHint > 0 && off > 0 {
			d.grow(int(d.opts.SizeHint / int64(off+1)))
		}
	}
	d.defs[b[0]&0x0f] = def
}

func (d *fitDecoder) grow(n int) {
	n = min(n, 1<<22)
	d.ts = make([]uint32, 0, n)
	d.tsOff = make([]int64, 0, n)
	for i := range d.cols {
		d.cols[i] = make([]float64, 0, n)
	}
}

func (d *fitDecoder) onData(at int64, b []byte) {
	h := b[0]
	var local byte
	compressed := h&0x80 != 0
	if compressed {
		local = (h >> 5) & 0x03
	} else {
		local = h & 0x0f
	}
	def := d.defs[local]
	if def == nil {
		// The raw decoder only frames messages whose definition it saw;
		// ours is always set alongside. Guard anyway.
		return
	}
	m := msg{def: def, data: b[1:]}

	// Rolling timestamp (FIT protocol, "Compressed Timestamp Header").
	if compressed {
		offset := uint32(h & 0x1f)
		ts := (d.lastTS &^ 0x1f) + offset
		if offset < d.lastTS&0x1f {
			ts += 0x20
		}
		d.lastTS = ts
	} else if def.tsField >= 0 {
		f := def.fields[def.tsField]
		if v, ok := readUint(m.bytes(f), f.bt, def.big); ok {
			d.lastTS, d.haveTS = uint32(v), true
		}
	}

	switch def.global {
	case mesgnum.Record:
		d.onRecord(at, m, compressed)
	case mesgnum.FileId:
		d.onFileID(m)
	case mesgnum.FileCreator:
		if v, ok := m.uint(fieldnum.FileCreatorSoftwareVersion); ok && v != 0 {
			d.creatorSW = fmt.Sprintf("%.2f", float64(v)/100)
		}
	case mesgnum.DeviceInfo:
		d.onDeviceInfo(m)
	case mesgnum.Session:
		d.onSession(m)
	case mesgnum.Lap:
		d.onLap(m)
	case mesgnum.Event:
		d.onEvent(m)
	case mesgnum.Activity:
		if lt, ok := m.uint(fieldnum.ActivityLocalTimestamp); ok && d.haveTS && def.tsField >= 0 {
			d.localOffset, d.haveLocal = int64(lt)-int64(d.lastTS), true
		}
	case mesgnum.Sport:
		if v, ok := m.uint(fieldnum.SportSport); ok {
			d.sport = sportName(v)
		}
		if v, ok := m.uint(fieldnum.SportSubSport); ok {
			d.subSport = subSportName(v)
		}
	case mesgnum.DeveloperDataId:
		d.onDeveloperDataID(m)
	case mesgnum.FieldDescription:
		d.onFieldDescription(m)
	case mesgnum.Hr:
		d.onHR(m)
	}
}

func (d *fitDecoder) onRecord(at int64, m msg, compressed bool) {
	def := m.def
	if !compressed && def.tsField < 0 && !d.haveTS {
		if !d.untimed {
			d.untimed = true
			d.warn(at, "records with no timestamp before any timestamp; dropped")
		}
		return
	}
	row := len(d.ts)
	d.ts = append(d.ts, d.lastTS)
	d.tsOff = append(d.tsOff, at)
	for c := range d.cols {
		d.cols[c] = append(d.cols[c], math.NaN())
	}
	for i, j := range def.rec {
		if j < 0 {
			continue
		}
		f := def.fields[j]
		v, ok := readFloat(m.bytes(f), f.bt, def.big)
		if !ok {
			continue
		}
		rf := &recordFields[i]
		d.cols[rf.col][row] = v/rf.scale - rf.offset
	}
	if c := d.cols[colCadence][row]; def.fracCad >= 0 && !math.IsNaN(c) {
		f := def.fields[def.fracCad]
		if v, ok := readFloat(m.bytes(f), f.bt, def.big); ok {
			d.cols[colCadence][row] = c + v/128
		}
	}
	if def.compSpeed >= 0 {
		d.expandCompressedSpeedDistance(m, def.fields[def.compSpeed], row)
	}
	if len(def.devFields) > 0 || len(d.dev) > 0 {
		d.onRecordDev(m, row)
	}
}

// expandCompressedSpeedDistance unpacks record field 8 (used by early foot
// pod watches such as the Forerunner 70): 12 bits of speed (scale 100, m/s)
// and 12 bits of accumulating distance (scale 16, m).
func (d *fitDecoder) expandCompressedSpeedDistance(m msg, f fieldDef, row int) {
	b := m.bytes(f)
	if len(b) < 3 || (b[0] == 0xff && b[1] == 0xff && b[2] == 0xff) {
		return
	}
	speed := uint64(b[0]) | uint64(b[1]&0x0f)<<8
	dist := uint64(b[1]>>4) | uint64(b[2])<<4
	if math.IsNaN(d.cols[colSpeed][row]) {
		d.cols[colSpeed][row] = float64(speed) / 100
	}
	if math.IsNaN(d.cols[colDistance][row]) {
		d.cols[colDistance][row] = float64(d.accDist.add(dist, 12)) / 16
	}
}

func (d *fitDecoder) onRecordDev(m msg, row int) {
	for i := range d.dev {
		d.dev[i].vals = append(d.dev[i].vals, math.NaN())
	}
	for _, f := range m.def.devFields {
		desc := d.devDescs[mkDevKey(f.index, f.num)]
		if desc == nil {
			continue
		}
		v, ok := readFloat(m.data[f.off:f.off+int(f.size)], desc.bt, m.def.big)
		if !ok {
			continue
		}
		if desc.col < 0 {
			if len(d.dev) >= maxDevCols {
				if !d.devCapped {
					d.devCapped = true
					d.warn(0, "more than %d developer fields; the rest are ignored", maxDevCols)
				}
				continue
			}
			desc.col = d.newDevCol(desc, f.index, row)
		}
		d.dev[desc.col].vals[row] = v/desc.scale - desc.offset
	}
}

// maxDevCols bounds the developer columns of one file. Real files carry a
// dozen at most (Stryd writes seven); the bound keeps a damaged or hostile
// file from costing a column per record for thousands of fields.
const maxDevCols = 64

// newDevCol adds a developer column, NaN for the rows before it appeared.
// Two fields with the same name (two apps both writing "Power") get
// distinct names: the second is "Power (2)".
func (d *fitDecoder) newDevCol(desc *devDesc, index byte, row int) int {
	name := desc.name
	for k := 2; d.devNameTaken(name); k++ {
		name = fmt.Sprintf("%s (%d)", desc.name, k)
	}
	vals := make([]float64, row+1, row+1+cap(d.ts)-len(d.ts))
	for i := range vals {
		vals[i] = math.NaN()
	}
	d.dev = append(d.dev, devCol{name: name, units: desc.units, app: d.devApps[index], vals: vals})
	return len(d.dev) - 1
}

func (d *fitDecoder) devNameTaken(name string) bool {
	for _, c := range d.dev {
		if c.name == name {
			return true
		}
	}
	return false
}

func (d *fitDecoder) onDeveloperDataID(m msg) {
	idx, ok := m.uint(fieldnum.DeveloperDataIdDeveloperDataIndex)
	if !ok {
		return
	}
	f, ok := m.def.field(fieldnum.DeveloperDataIdApplicationId)
	if !ok {
		return
	}
	app := m.bytes(f)
	allFF := true
	for _, c := range app {
		allFF = allFF && c == 0xff
	}
	if !allFF {
		d.devApps[idx&0xff] = hex.EncodeToString(app)
	}
}

func (d *fitDecoder) onFieldDescription(m msg) {
	idx, ok1 := m.uint(fieldnum.FieldDescriptionDeveloperDataIndex)
	num, ok2 := m.uint(fieldnum.FieldDescriptionFieldDefinitionNumber)
	bt, ok3 := m.uint(fieldnum.FieldDescriptionFitBaseTypeId)
	if !ok1 || !ok2 || !ok3 {
		return
	}
	desc := &devDesc{
		name:  m.string(fieldnum.FieldDescriptionFieldName),
		units: m.string(fieldnum.FieldDescriptionUnits),
		bt:    byte(bt) & 0x1f,
		scale: 1,
		col:   -1,
	}
	if desc.name == "" {
		desc.name = fmt.Sprintf("field_%d_%d", idx, num)
	}
	if v, ok := m.uint(fieldnum.FieldDescriptionScale); ok && v != 0 {
		desc.scale = float64(v)
	}
	if v, ok := m.uint(fieldnum.FieldDescriptionOffset); ok {
		desc.offset = float64(int64(v))
	}
	key := mkDevKey(byte(idx), byte(num))
	if old := d.devDescs[key]; old != nil && old.name == desc.name {
		desc.col = old.col // redefinition of the same field: keep its column
	}
	d.devDescs[key] = desc
}

func (d *fitDecoder) onSession(m msg) {
	s := sessionMsg{
		sport: "unknown",
		totals: Totals{
			ElapsedS:     m.float(fieldnum.SessionTotalElapsedTime, 1000, 0),
			TimerS:       m.float(fieldnum.SessionTotalTimerTime, 1000, 0),
			DistanceM:    m.float(fieldnum.SessionTotalDistance, 100, 0),
			AscentM:      m.float(fieldnum.SessionTotalAscent, 1, 0),
			DescentM:     m.float(fieldnum.SessionTotalDescent, 1, 0),
			Calories:     m.float(fieldnum.SessionTotalCalories, 1, 0),
			AvgHeartRate: m.float(fieldnum.SessionAvgHeartRate, 1, 0),
			MaxHeartRate: m.float(fieldnum.SessionMaxHeartRate, 1, 0),
			AvgSpeedMPS:  m.float(fieldnum.SessionEnhancedAvgSpeed, 1000, 0),
			AvgCadence:   m.float(fieldnum.SessionAvgCadence, 1, 0),
			AvgPowerW:    m.float(fieldnum.SessionAvgPower, 1, 0),
		},
	}
	if math.IsNaN(s.totals.AvgSpeedMPS) {
		s.totals.AvgSpeedMPS = m.float(fieldnum.SessionAvgSpeed, 1000, 0)
	}
	if frac := m.float(fieldnum.SessionAvgFractionalCadence, 128, 0); !math.IsNaN(frac) && !math.IsNaN(s.totals.AvgCadence) {
		s.totals.AvgCadence += frac
	}
	if v, ok := m.uint(fieldnum.SessionSport); ok {
		s.sport = sportName(v)
	}
	if v, ok := m.uint(fieldnum.SessionSubSport); ok {
		s.subSport = subSportName(v)
	}
	end, haveEnd := m.uint(fieldnum.SessionTimestamp)
	start, haveStart := m.uint(fieldnum.SessionStartTime)
	switch {
	case haveStart && !math.IsNaN(s.totals.ElapsedS):
		s.start, s.end = uint32(start), uint32(start)+uint32(s.totals.ElapsedS)
	case haveStart && haveEnd:
		s.start, s.end = uint32(start), uint32(end)
	case haveEnd && !math.IsNaN(s.totals.ElapsedS):
		s.start, s.end = uint32(end)-uint32(s.totals.ElapsedS), uint32(end)
	default:
		// A session with no times cannot own records; keep its totals only
		// if it is the sole session (checked in finish).
		s.start, s.end = 0, 0
	}
	d.sessions = append(d.sessions, s)
}

func (d *fitDecoder) onLap(m msg) {
	start, ok := m.uint(fieldnum.LapStartTime)
	if !ok {
		return
	}
	d.laps = append(d.laps, Lap{
		Start:     fitTime(uint32(start)),
		ElapsedS:  m.float(fieldnum.LapTotalElapsedTime, 1000, 0),
		TimerS:    m.float(fieldnum.LapTotalTimerTime, 1000, 0),
		DistanceM: m.float(fieldnum.LapTotalDistance, 100, 0),
	})
}

// FIT event 0 is "timer"; event type 0 (start) starts it and 1 (stop),
// 4 (stop_all), 8 (stop_disable) and 9 (stop_disable_all) stop it (FIT
// profile, types "event" and "event_type").
func (d *fitDecoder) onEvent(m msg) {
	ev, ok := m.uint(fieldnum.EventEvent)
	if !ok || ev != 0 || !d.haveTS {
		return
	}
	typ, ok := m.uint(fieldnum.EventEventType)
	if !ok {
		return
	}
	switch typ {
	case 0:
		d.timer = append(d.timer, timerEvent{ts: d.lastTS})
	case 1, 4, 8, 9:
		d.timer = append(d.timer, timerEvent{ts: d.lastTS, stop: true})
	}
}
