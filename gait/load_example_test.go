package gait_test

import (
	"fmt"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
)

func ExampleDistanceSpikes() {
	day := func(d int) time.Time { return time.Date(2026, 5, d, 7, 30, 0, 0, time.UTC) }
	runs := []gait.Run{
		{Start: day(2), DistanceM: 16000},
		{Start: day(9), DistanceM: 10000},
		{Start: day(16), DistanceM: 23000}, // 23/16 = 1.4375
		{Start: day(55), DistanceM: 8000},  // 24 June: the last run was 39 days ago
	}
	for _, s := range gait.DistanceSpikes(runs, gait.DefaultLoadParams()) {
		if !s.Ratio.OK {
			fmt.Printf("%s %4.1f km: %s\n", s.Start.Format(time.DateOnly), s.DistanceM.V/1000, s.Ratio.Why)
			continue
		}
		fmt.Printf("%s %4.1f km: %v × %.0f km, %s\n", s.Start.Format(time.DateOnly), s.DistanceM.V/1000, s.Ratio, s.LongestM.V/1000, s.Band)
	}
	// Output:
	// 2026-05-02 16.0 km: no run with a known distance in the previous 30 days
	// 2026-05-09 10.0 km: 0.625 × 16 km, reference
	// 2026-05-16 23.0 km: 1.4375 × 16 km, moderate
	// 2026-06-24  8.0 km: no run with a known distance in the previous 30 days
}

func ExampleLoad() {
	// Ten kilometres every morning for five weeks.
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var runs []gait.Run
	for i := range 35 {
		runs = append(runs, gait.Run{Start: from.AddDate(0, 0, i).Add(7 * time.Hour), DistanceM: 10000, MovingS: 3300})
	}
	s := gait.Load(runs, gait.MetricDistance, from, from.AddDate(0, 0, 34), gait.DefaultLoadParams())

	d := s.Days[0]
	fmt.Println(d.Date.Format(time.DateOnly), "ACWR:", d.ACWREWMA.Why)
	d = s.Days[34]
	fmt.Println(d.Date.Format(time.DateOnly), "ACWR EWMA", d.ACWREWMA, "rolling", d.ACWRRolling, "two-week", d.TwoWeekChangePct.V, "%")
	fmt.Println("monotony", d.Monotony, "flagged", d.MonotonyFlag, "strain", d.Strain)
	fmt.Printf("CTL %.0f ATL %.0f TSB %.0f\n", d.CTL.V, d.ATL.V, d.TSB.V)
	for _, w := range gait.Weekly(s) {
		fmt.Printf("%d-W%02d %d days %3.0f km %d runs, max spike %v\n", w.Year, w.Week, w.Days, w.DistanceM/1000, w.Runs, w.MaxSpike)
	}
	// Output:
	// 2026-01-01 ACWR: 1 of 28 days of history
	// 2026-02-04 ACWR EWMA 1 rolling 1 two-week 0 %
	// monotony 10 flagged true strain 700000
	// CTL 5654 ATL 9933 TSB -4373
	// 2026-W01 4 days  40 km 4 runs, max spike 1
	// 2026-W02 7 days  70 km 7 runs, max spike 1
	// 2026-W03 7 days  70 km 7 runs, max spike 1
	// 2026-W04 7 days  70 km 7 runs, max spike 1
	// 2026-W05 7 days  70 km 7 runs, max spike 1
	// 2026-W06 3 days  30 km 3 runs, max spike 1
}
