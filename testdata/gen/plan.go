package main

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Run kinds, also the suffix of each file name.
const (
	kindEasy = "easy"
	kindLong = "long"
)

// runPlan is one planned run of the demo athlete.
type runPlan struct {
	Index int       // position in the block, 0-based; seeds the run's own random stream
	Week  int       // training week, 1-based (weeks start on Monday)
	Start time.Time // timer start, in Europe/Berlin
	Kind  string    // kindEasy or kindLong
	KM    float64   // distance run, km
	Hill  bool      // the route with the climb and the 8 % descent (see route.go)

	// WarmupM > 0: the runner jogs WarmupM metres, stops the timer for
	// PauseS seconds (stretching at the park gate), then starts it again.
	WarmupM float64
	PauseS  int

	// Fatigue scales the late-run drift: 0 is a steady run; 1 moves ground
	// contact balance 2.3 points to the left over the last quarter and takes
	// 6.5 steps/min off cadence over the last fifth (see simulate).
	Fatigue float64
}

// Name is the run's file name: local start date and kind.
func (p runPlan) Name() string {
	return fmt.Sprintf("%s-%s.fit", p.Start.Format("2006-01-02"), p.Kind)
}

// firstMonday is the first day of the block, local time.
const firstMonday = "2026-08-31"

// schedule returns the twelve-week block in start order.
//
// The story: easy runs of 6–10 km and a Sunday long run that grows by
// 1 km a week (10.5 → 15.5 km, each at most 1.10 × the longest run of the
// 30 days before: Frandsen 2025's reference band, domain.md L1), then a
// 22 km long run in week 7, 1.42 × the 15.5 km of the week before: a
// "moderate" spike (1.30–2.00). From that run on, the long runs drift late:
// ground contact balance moves left and cadence drops as the runner tires.
// Before it the long runs are steady, and the easy runs stay steady
// throughout. The long runs after the spike rebuild from 16 km and never
// exceed 1.10 × the longest run of the previous 30 days.
//
// Start times and pause lengths come from rng, so the plan is the same on
// every call with the same seed.
func schedule(loc *time.Location, rng *rand.Rand) ([]runPlan, error) {
	monday, err := time.ParseInLocation("2006-01-02", firstMonday, loc)
	if err != nil {
		return nil, err
	}
	// day: days after Monday. pause: warm-up, then a timer pause.
	// fatigue: see runPlan.Fatigue.
	table := []struct {
		week, day int
		kind      string
		km        float64
		hill      bool
		pause     bool
		fatigue   float64
	}{
		{1, 0, kindEasy, 10, true, false, 0}, // the first run: no 30-day history yet
		{1, 2, kindEasy, 8, false, false, 0},
		{1, 4, kindEasy, 7, false, false, 0},
		{1, 6, kindLong, 10.5, false, false, 0},

		{2, 1, kindEasy, 8, false, false, 0},
		{2, 2, kindEasy, 6, false, false, 0},
		{2, 3, kindEasy, 9, false, true, 0},
		{2, 5, kindEasy, 7, false, false, 0},
		{2, 6, kindLong, 11.5, false, false, 0},

		{3, 1, kindEasy, 9, true, false, 0},
		{3, 3, kindEasy, 8, false, false, 0},
		{3, 5, kindEasy, 6, false, false, 0},
		{3, 6, kindLong, 12.5, false, false, 0},

		{4, 1, kindEasy, 8, false, false, 0},
		{4, 2, kindEasy, 7, false, false, 0},
		{4, 3, kindEasy, 9, false, false, 0},
		{4, 5, kindEasy, 6, false, false, 0},
		{4, 6, kindLong, 13.5, true, true, 0},

		{5, 1, kindEasy, 10, false, true, 0},
		{5, 3, kindEasy, 8, true, false, 0},
		{5, 5, kindEasy, 7, false, false, 0},
		{5, 6, kindLong, 14.5, false, false, 0},

		{6, 1, kindEasy, 9, false, false, 0},
		{6, 2, kindEasy, 6, false, false, 0},
		{6, 3, kindEasy, 10, false, false, 0},
		{6, 5, kindEasy, 7, false, false, 0},
		{6, 6, kindLong, 15.5, false, false, 0},

		{7, 1, kindEasy, 8, false, false, 0},
		{7, 3, kindEasy, 9, true, false, 0},
		{7, 5, kindEasy, 6, false, false, 0},
		{7, 6, kindLong, 22, true, false, 1}, // the spike: 22 / 15.5 = 1.42

		{8, 1, kindEasy, 7, false, false, 0},
		{8, 2, kindEasy, 6, false, false, 0},
		{8, 3, kindEasy, 8, false, false, 0},
		{8, 5, kindEasy, 6, false, false, 0},
		{8, 6, kindLong, 16, false, false, 0.9}, // 25 Oct: clocks go back, UTC+1 from here

		{9, 1, kindEasy, 9, false, false, 0},
		{9, 3, kindEasy, 8, true, false, 0},
		{9, 5, kindEasy, 7, false, true, 0},
		{9, 6, kindLong, 17, true, false, 0.95},

		{10, 1, kindEasy, 8, false, false, 0},
		{10, 2, kindEasy, 7, false, false, 0},
		{10, 3, kindEasy, 10, false, false, 0},
		{10, 5, kindEasy, 6, false, false, 0},
		{10, 6, kindLong, 18, false, true, 1},

		{11, 1, kindEasy, 9, true, false, 0},
		{11, 3, kindEasy, 8, false, false, 0},
		{11, 5, kindEasy, 7, false, false, 0},
		{11, 6, kindLong, 19, false, false, 1.05},

		{12, 1, kindEasy, 8, false, false, 0},
		{12, 2, kindEasy, 6, false, false, 0},
		{12, 3, kindEasy, 9, false, false, 0},
		{12, 5, kindEasy, 7, false, false, 0},
		{12, 6, kindLong, 20, true, false, 1.1},
	}
	plans := make([]runPlan, 0, len(table))
	for i, r := range table {
		day := monday.AddDate(0, 0, 7*(r.week-1)+r.day)
		// Weekday runs before work, Saturday and Sunday a little later.
		startMin := 6*60 + 30 + rng.IntN(45)
		switch {
		case r.kind == kindLong:
			startMin = 8*60 + 30 + rng.IntN(30)
		case r.day == 5:
			startMin = 8*60 + rng.IntN(60)
		}
		p := runPlan{
			Index:   i,
			Week:    r.week,
			Start:   time.Date(day.Year(), day.Month(), day.Day(), 0, startMin, rng.IntN(60), 0, loc),
			Kind:    r.kind,
			KM:      r.km,
			Hill:    r.hill,
			Fatigue: r.fatigue,
		}
		if r.pause {
			p.WarmupM = float64(1000 + 100*rng.IntN(6))
			p.PauseS = 60 + rng.IntN(121)
		}
		plans = append(plans, p)
	}
	return plans, nil
}
