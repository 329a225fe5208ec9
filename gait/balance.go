package gait

import (
	"math"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Balance is ground-contact time balance: how the time on the ground is
// shared between the feet.
type Balance struct {
	// Measurable is false when the sensors cannot measure balance (a
	// wrist-only watch, domain.md A3); Reason then says why and every
	// number is NaN.
	Measurable bool
	Reason     string

	LeftPct Summary // left foot's share of ground contact, %
	// SymmetryIndexPct is Robinson's symmetry index from the mean balance
	// b: SI = (L−R)/(½(L+R))·100 = 4b − 200 (domain.md A3). 0 is even;
	// positive means longer contact on the left. Garmin's green edge
	// (50.7%) is SI 2.8%, its red edge (52.2%) SI 8.8%.
	SymmetryIndexPct float64
	// Zones is the share of measured time in Garmin's balance zones:
	// red_left, orange_left, green, orange_right, red_right.
	Zones []BandShare
}

// BalanceOf summarizes a.GCTBalanceLeftPct over the records sel marks.
func BalanceOf(a *ingest.Activity, sel []bool, weights []float64, p Params) Balance {
	s := Summarize(a.GCTBalanceLeftPct, sel, weights)
	if s.N == 0 {
		return Balance{Reason: balanceMissingReason(a), LeftPct: s, SymmetryIndexPct: math.NaN()}
	}
	b := Balance{Measurable: true, LeftPct: s, SymmetryIndexPct: 4*s.Mean - 200}
	names := []string{"red_left", "orange_left", "green", "orange_right", "red_right"}
	share := make([]float64, len(names))
	v, w := pick(a.GCTBalanceLeftPct, sel, weights)
	total := 0.0
	for i, x := range v {
		share[balanceZone(x, p)] += w[i]
		total += w[i]
	}
	for i, n := range names {
		b.Zones = append(b.Zones, BandShare{n, 100 * share[i] / total})
	}
	return b
}

// balanceZone returns the index into the zone names for left share x.
func balanceZone(x float64, p Params) int {
	right := 100 - x
	switch {
	case x > p.BalanceOrangeMaxPct:
		return 0
	case x > p.BalanceGreenMaxPct:
		return 1
	case right > p.BalanceOrangeMaxPct:
		return 4
	case right > p.BalanceGreenMaxPct:
		return 3
	}
	return 2
}

func balanceMissingReason(a *ingest.Activity) string {
	for _, s := range a.Sensors {
		if s.RunningDynamics {
			return "no ground-contact balance recorded while running, although a running-dynamics sensor was paired"
		}
	}
	return "not measurable with this sensor: ground-contact balance needs a running-dynamics chest strap or pod (wrist-only watches cannot measure it)"
}
