package gait

import "math"

// A zoneRule puts each value of a channel in a zone (Garmin's colour
// zones, the cadence bands), for the share of time in each.
//
// of is the rule itself. Adding the weights zone by zone, value by value,
// is one of the slowest parts of a summary, so when the rule is a list of
// tests against fixed edges (first test that holds gives the zone), the
// channel's histogram gives most of the answer: a bucket that holds no
// edge lies wholly on one side of every edge, so all its values share a
// zone, and only the values in the buckets holding an edge are tested
// one by one (see fromHistogram).
type zoneRule struct {
	n     int               // zones, numbered from 0
	of    func(float64) int // the zone of a value; -1: none
	tests []zoneTest        // in order; the first that holds gives the zone
	other int               // the zone when no test holds; -1: none
	exact bool              // tests and other give of's zone for every value
}

// A zoneTest holds for values on one side of its edge.
type zoneTest struct {
	edge float64
	side side
	zone int
}

type side uint8

const (
	below   side = iota // x < edge
	atAbove             // x >= edge
	above               // x > edge
)

// upperZones is the rule of channel zones (see upperZone): zone i below
// zones[i].Edge, the last one unbounded.
func upperZones(zones []Band) *zoneRule {
	r := &zoneRule{n: len(zones), of: func(x float64) int { return upperZone(x, zones) }, other: len(zones) - 1, exact: true}
	for i, z := range zones[:len(zones)-1] {
		r.tests = append(r.tests, zoneTest{z.Edge, below, i})
	}
	return r
}

// cadenceZones is the rule of the cadence bands: the first band, highest
// first, whose lower edge the value reaches; none below them all.
func cadenceZones(bands []Band) *zoneRule {
	r := &zoneRule{n: len(bands), of: func(x float64) int { return cadenceBand(x, bands) }, other: -1, exact: true}
	for b, band := range bands {
		r.tests = append(r.tests, zoneTest{band.Edge, atAbove, b})
	}
	return r
}

// cadenceBand returns the index of the first band whose lower edge x
// reaches, or -1.
func cadenceBand(x float64, bands []Band) int {
	for b, band := range bands {
		if x >= band.Edge {
			return b
		}
	}
	return -1
}

// balanceZones is the rule of balanceZone. Its last two tests compare the
// right foot's share, 100 − x, with the edges; as x grows 100 − x only
// falls, so each holds exactly for x below the point where it first
// fails. That point is 100 − edge when the test holds just below it and
// fails at it (checked here, and true of the default edges); otherwise
// the rule is not exact and values are tested one by one.
func balanceZones(p Params) *zoneRule {
	r := &zoneRule{n: 5, of: func(x float64) int { return balanceZone(x, p) }, other: 2, exact: true}
	r.tests = []zoneTest{
		{p.BalanceOrangeMaxPct, above, 0},
		{p.BalanceGreenMaxPct, above, 1},
	}
	for _, t := range []struct {
		edge float64
		zone int
	}{{p.BalanceOrangeMaxPct, 4}, {p.BalanceGreenMaxPct, 3}} {
		right := func(x float64) bool { return 100-x > t.edge }
		x := 100 - t.edge
		if !right(math.Nextafter(x, math.Inf(-1))) || right(x) {
			r.exact = false
		}
		r.tests = append(r.tests, zoneTest{x, below, t.zone})
	}
	return r
}

// edgeBucket returns the bucket of h that holds edge: -1 for an edge
// below every value, nb for one above them all, and ok false when edge is
// NaN (no test against it holds). Because bucket never decreases, a value
// in a bucket below the edge's is below the edge, and one in a bucket
// above it is above it.
func (h *histogram) edgeBucket(edge float64) (b int, ok bool) {
	switch {
	case math.IsNaN(edge):
		return 0, false
	case edge < h.lo:
		return -1, true
	case edge > h.hi:
		return nb, true
	}
	return h.bucket(edge), true
}

// fromHistogram adds to shares[z] the weight of the values of zone z: the
// weight of whole buckets from h, and one by one the values v (weights w)
// of the buckets that hold an edge, found through h's chains (next). r
// must be exact, and the weights whole numbers (see
// scratch.wholeWeights): the weights are not added in record order.
func (r *zoneRule) fromHistogram(h *histogram, v, w []float64, next []int32, shares []float64) {
	type split struct {
		bucket int  // the bucket holding the edge
		never  bool // NaN edge: the test never holds
	}
	splits := make([]split, len(r.tests))
	var edge [nb]bool
	for k, t := range r.tests {
		b, ok := h.edgeBucket(t.edge)
		splits[k] = split{b, !ok}
		if ok && b >= 0 && b < nb {
			edge[b] = true
		}
	}
	for b := range nb {
		w := h.weight(b)
		if w == 0 || edge[b] {
			continue
		}
		zone := r.other
		for k, t := range r.tests {
			sp := splits[k]
			if sp.never {
				continue
			}
			// Below the edge's bucket every value is below the edge.
			if holds := (b < sp.bucket) == (t.side == below); holds {
				zone = t.zone
				break
			}
		}
		if zone >= 0 {
			shares[zone] += w
		}
	}
	for b, ok := range edge {
		if !ok {
			continue
		}
		for p := h.last[b]; p != 0; p = next[p-1] {
			if z := r.of(v[p-1]); z >= 0 {
				shares[z] += w[p-1]
			}
		}
	}
}
