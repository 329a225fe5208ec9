package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/profile/untyped/fieldnum"
)

// fitTime converts FIT seconds since 1989-12-31 to UTC.
func fitTime(t uint32) time.Time { return time.Unix(int64(t)+fitEpoch, 0).UTC() }

func sportName(v uint64) string {
	s := typedef.Sport(v).String()
	if v == 0xff || isInvalidName(s) {
		return "unknown"
	}
	return s
}

func subSportName(v uint64) string {
	s := typedef.SubSport(v).String()
	if v == 0xff || isInvalidName(s) {
		return ""
	}
	return s
}

// isInvalidName reports muktihari's name for a value outside the profile,
// such as "SportInvalid(77)".
func isInvalidName(s string) bool { return strings.ContainsRune(s, '(') }

func manufacturerName(v uint64) string {
	if v == 0 || v == 0xffff {
		return "unknown"
	}
	s := typedef.Manufacturer(v).String()
	if isInvalidName(s) {
		return strconv.FormatUint(v, 10)
	}
	return s
}

// productName names a product: the product_name string when the file has
// one, Garmin's product list for Garmin-family manufacturers, else the number.
func productName(manufacturer, product uint64, name string) string {
	if name != "" {
		return name
	}
	if product == 0xffff {
		return "unknown"
	}
	switch typedef.Manufacturer(manufacturer) {
	case typedef.ManufacturerGarmin, typedef.ManufacturerDynastream, typedef.ManufacturerDynastreamOem, typedef.ManufacturerTacx:
		if s := typedef.GarminProduct(product).String(); !isInvalidName(s) {
			return s
		}
	}
	return strconv.FormatUint(product, 10)
}

func (d *fitDecoder) onFileID(m msg) {
	if d.haveFileID {
		return // a chained file's later sequences describe themselves, not the recording
	}
	d.haveFileID = true
	man, _ := m.uint(fieldnum.FileIdManufacturer)
	prod, _ := m.uint(fieldnum.FileIdProduct)
	d.device.Manufacturer = manufacturerName(man)
	d.device.Product = productName(man, prod, m.string(fieldnum.FileIdProductName))
	if v, ok := m.uint(fieldnum.FileIdSerialNumber); ok {
		d.device.Serial = uint32(v)
	}
}

// Garmin heart-rate straps that also measure running dynamics (ground
// contact time and balance, vertical oscillation): HRM-Run, HRM-Tri,
// HRM4-Run, HRM-Pro, HRM-Pro Plus, HRM 600 (Garmin Forerunner manual,
// "Running Dynamics"; domain.md A3).
var rdStraps = map[typedef.GarminProduct]bool{
	typedef.GarminProductHrmRun:                     true,
	typedef.GarminProductHrmTri:                     true,
	typedef.GarminProductHrm4Run:                    true,
	typedef.GarminProductHrmPro:                     true,
	typedef.GarminProductHrmProPlus:                 true,
	typedef.GarminProductHrmRunSingleByteProductId:  true,
	typedef.GarminProductHrmTriSingleByteProductId:  true,
	typedef.GarminProductHrm4RunSingleByteProductId: true,
}

const (
	antHeartRate  = 120 // antplus_device_type heart_rate
	antStride     = 124 // stride_speed_distance
	antBikePower  = 11
	sourceLocal   = 5 // source_type local: the watch's own sensors
	deviceCreator = 0 // device_index creator: the recording device
)

func (d *fitDecoder) onDeviceInfo(m msg) {
	man, _ := m.uint(fieldnum.DeviceInfoManufacturer)
	prod, _ := m.uint(fieldnum.DeviceInfoProduct)
	idx, haveIdx := m.uint(fieldnum.DeviceInfoDeviceIndex)
	if haveIdx && idx == deviceCreator {
		if v, ok := m.uint(fieldnum.DeviceInfoSoftwareVersion); ok && d.device.SoftwareVersion == "" {
			d.device.SoftwareVersion = fmt.Sprintf("%.2f", float64(v)/100)
		}
		return
	}
	if src, ok := m.uint(fieldnum.DeviceInfoSourceType); ok && src == sourceLocal {
		return
	}
	if !haveIdx && man == 0 && prod == 0 {
		return
	}
	s := Sensor{
		Manufacturer: manufacturerName(man),
		Product:      productName(man, prod, m.string(fieldnum.DeviceInfoProductName)),
		Kind:         SensorOther,
	}
	if v, ok := m.uint(fieldnum.DeviceInfoSerialNumber); ok {
		s.Serial = uint32(v)
	}
	typ, _ := m.uint(fieldnum.DeviceInfoDeviceType)
	garmin := typedef.Manufacturer(man) == typedef.ManufacturerGarmin
	switch {
	case typedef.Manufacturer(man) == typedef.ManufacturerStryd:
		s.Kind = SensorStryd
	case garmin && typedef.GarminProduct(prod) == typedef.GarminProductRunningDynamicsPod:
		s.Kind, s.RunningDynamics = SensorRDPod, true
	case garmin && rdStraps[typedef.GarminProduct(prod)]:
		s.Kind, s.RunningDynamics = SensorChestStrap, true
	case typ == antHeartRate:
		s.Kind = SensorChestStrap
	case typ == antStride:
		s.Kind = SensorFootPod
	case typ == antBikePower:
		s.Kind = SensorPowerMeter
	}
	if !haveIdx && d.device.Manufacturer == s.Manufacturer && d.device.Product == s.Product {
		return // devices that list only themselves (Coros, Suunto) with no index
	}
	if s.Kind == SensorOther && s.Manufacturer == "unknown" {
		return // the head unit's own parts (Wahoo lists "GPS", "Barometer")
	}
	d.addSensor(s)
}

// addSensor records a sensor once; device_info repeats every few minutes,
// sometimes with the manufacturer missing. Devices are the same when their
// serials match, or, without serials, their manufacturer and product. A
// more specific classification wins.
func (d *fitDecoder) addSensor(s Sensor) {
	for i, o := range d.sensors {
		same := o.Serial != 0 && o.Serial == s.Serial
		same = same || (o.Serial == 0 || s.Serial == 0) && o.Manufacturer == s.Manufacturer && o.Product == s.Product
		if same {
			if o.Kind == SensorOther || o.Kind == SensorPowerMeter && s.Kind == SensorStryd {
				d.sensors[i].Kind = s.Kind
			}
			if o.Manufacturer == "unknown" {
				d.sensors[i].Manufacturer, d.sensors[i].Product = s.Manufacturer, s.Product
			}
			if o.Kind == SensorOther {
				d.sensors[i].Kind = s.Kind
			}
			d.sensors[i].RunningDynamics = o.RunningDynamics || s.RunningDynamics
			return
		}
	}
	if len(d.sensors) < maxSensors {
		d.sensors = append(d.sensors, s)
	}
}

// maxSensors bounds the distinct sensors kept per file; a watch pairs a
// handful, and the bound keeps a damaged file's device_info flood linear.
const maxSensors = 32

// Stryd's Connect IQ data field application IDs (domain.md A3; seen in
// testdata/fit/FitFileParser__running.fit and fit-parser__running-with-developer-data.fit).
var strydApps = map[string]bool{
	"660a581e5301460c8f2f034c8b6dc90f": true,
	"18fb2cf01a4b430dad66988c847421f4": true,
}

// sensorsWithWrist returns the sensors of the file: the recording device
// first (a watch worn on the wrist, or a Stryd pod for Stryd's own files),
// then external sensors, then a Stryd pod inferred from Stryd developer
// fields when device_info did not list one.
func (d *fitDecoder) sensorsWithWrist() []Sensor {
	out := make([]Sensor, 0, len(d.sensors)+2)
	kind := SensorWrist
	if d.device.Manufacturer == "stryd" {
		kind = SensorStryd
	}
	out = append(out, Sensor{Kind: kind, Manufacturer: d.device.Manufacturer, Product: d.device.Product, Serial: d.device.Serial})
	out = append(out, d.sensors...)
	hasStryd := kind == SensorStryd
	for _, s := range d.sensors {
		hasStryd = hasStryd || s.Kind == SensorStryd
	}
	if !hasStryd {
		for _, c := range d.dev {
			if strydApps[c.app] {
				out = append(out, Sensor{Kind: SensorStryd, Manufacturer: "stryd", Product: "Connect IQ data field"})
				break
			}
		}
	}
	return out
}
