package report

// The HTML report's charts. Each chart is plain data (rectangles, paths,
// dots and labels in the units of its SVG viewBox) that html.tmpl draws,
// so that html/template escapes every piece of text in it, file names and
// symptom notes included. Colours come from CSS classes in html.tmpl.

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// num is an SVG coordinate, written with at most one decimal.
type num float64

func (n num) String() string {
	v := math.Round(float64(n)*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

type chart struct {
	ID      string
	Title   string // for screen readers and the figure's heading
	Caption string // how to read it, with sources
	W, H    num
	Rects   []rect
	Paths   []path
	Dots    []dot
	Texts   []text
	Legend  []legendItem
}

type rect struct {
	X, Y, W, H num
	Class, Tip string
}

type path struct {
	D          string
	Class, Tip string
}

type dot struct {
	X, Y, R    num
	Class, Tip string
}

type text struct {
	X, Y   num
	Class  string
	Anchor string // start, middle or end
	Rotate bool   // -90°, for a vertical axis title
	Text   string
}

// legendItem is one entry under a chart: Shape is "bar", "line", "dot",
// "tri" or "band"; Class the CSS class the chart uses for it.
type legendItem struct {
	Shape, Class, Label string
}

// Chart geometry, in viewBox units.
const (
	chartW      = 960.0
	marginLeft  = 64.0
	marginRight = 64.0
	marginTop   = 22.0
	marginBot   = 34.0
)

// frame maps data values to a plotting area.
type frame struct {
	x0, y0, w, h       float64
	xlo, xhi, ylo, yhi float64
}

func (f frame) X(v float64) num { return num(f.x0 + (v-f.xlo)/(f.xhi-f.xlo)*f.w) }
func (f frame) Y(v float64) num { return num(f.y0 + f.h - (v-f.ylo)/(f.yhi-f.ylo)*f.h) }

// clampY keeps v inside the frame's value range.
func (f frame) clampY(v float64) float64 { return math.Max(f.ylo, math.Min(f.yhi, v)) }

// niceTicks returns about n round values covering [lo, hi], and the
// range they span.
func niceTicks(lo, hi float64, n int) (ticks []float64, tlo, thi float64) {
	if !(hi > lo) {
		lo, hi = lo-1, hi+1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	tlo, thi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	for v := tlo; v <= thi+step/2; v += step {
		ticks = append(ticks, math.Round(v/step)*step)
	}
	return ticks, tlo, thi
}

func tickText(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// yAxis draws the left (or, with right, the right) axis of f with its
// grid lines, tick labels and title.
func (c *chart) yAxis(f frame, ticks []float64, title string, right bool, grid bool) {
	for _, v := range ticks {
		y := f.Y(v)
		if grid {
			c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vH%v", num(f.x0), y, num(f.x0+f.w)), Class: "grid"})
		}
		if right {
			c.Texts = append(c.Texts, text{X: num(f.x0 + f.w + 6), Y: y + 4, Class: "tick", Anchor: "start", Text: tickText(v)})
		} else {
			c.Texts = append(c.Texts, text{X: num(f.x0 - 6), Y: y + 4, Class: "tick", Anchor: "end", Text: tickText(v)})
		}
	}
	x := num(f.x0 - 48)
	if right {
		x = num(f.x0 + f.w + 50)
	}
	c.Texts = append(c.Texts, text{X: x, Y: num(f.y0 + f.h/2), Class: "axis-title", Anchor: "middle", Rotate: true, Text: title})
}

// frameBox draws the plotting area's outline.
func (c *chart) frameBox(f frame) {
	c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vV%vH%v", num(f.x0), num(f.y0), num(f.y0+f.h), num(f.x0+f.w)), Class: "axis"})
}

// dateAxis is the time axis the history charts share: days since the
// Monday of the report's first week, to the end of the report day.
type dateAxis struct {
	d0    time.Time // civil date of the first day
	days  float64
	ticks []time.Time
}

func newDateAxis(r *Report) (dateAxis, bool) {
	if len(r.Days) == 0 {
		return dateAxis{}, false
	}
	a := dateAxis{d0: civil(r.Days[0].Date), days: float64(len(r.Days))}
	weeks := int(math.Ceil(a.days / 7))
	every := max(1, (weeks+11)/12) // at most about 12 labels
	for w := 0; w < weeks; w += every {
		a.ticks = append(a.ticks, a.d0.AddDate(0, 0, 7*w))
	}
	return a, true
}

// at is t's position in days: its calendar day on its own clock plus the
// time of day.
func (a dateAxis) at(t time.Time) float64 {
	h, m, s := t.Clock()
	return civil(t).Sub(a.d0).Hours()/24 + float64(h*3600+m*60+s)/86400
}

func (a dateAxis) frame(top, height float64) frame {
	return frame{x0: marginLeft, y0: top, w: chartW - marginLeft - marginRight, h: height, xlo: 0, xhi: a.days}
}

// draw puts the date ticks and labels under f.
func (a dateAxis) draw(c *chart, f frame) {
	for _, t := range a.ticks {
		x := f.X(a.at(t))
		c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vV%v", x, num(f.y0), num(f.y0+f.h)), Class: "grid"})
		label := t.Format("2 Jan")
		if a.days > 300 { // more than a season: the year matters more than the day
			label = t.Format("Jan 2006")
		}
		c.Texts = append(c.Texts, text{X: x, Y: num(f.y0 + f.h + 16), Class: "tick", Anchor: "middle", Text: label})
	}
}

// loadChart is weekly distance as bars with each run's distance spike as
// a marker and, in a panel below on the same days, the EWMA
// acute:chronic ratio with its band.
func (r *Report) loadChart() (chart, bool) {
	ax, ok := newDateAxis(r)
	if !ok {
		return chart{}, false
	}
	const top, gap, low = 170.0, 22.0, 72.0
	c := chart{ID: "load", Title: "Weekly distance, distance spikes and the acute:chronic ratio", W: chartW, H: num(marginTop + top + gap + low + marginBot)}
	maxKM := 0.0
	for _, w := range r.Weeks {
		maxKM = math.Max(maxKM, w.DistanceM/1000)
	}
	ticks, _, ktop := niceTicks(0, math.Max(maxKM*1.25, 1), 4)
	f := ax.frame(marginTop, top)
	f.ylo, f.yhi = 0, ktop
	c.yAxis(f, ticks, "km per week", false, true)
	for _, w := range r.Weeks {
		x0 := ax.at(w.Monday)
		bar := rect{X: f.X(x0 + 0.4), W: f.X(x0+float64(w.Days)-0.4) - f.X(x0+0.4), Y: f.Y(w.DistanceM / 1000), Class: "load",
			Tip: fmt.Sprintf("week of %s: %s, %.1f km", w.Monday.Format("2 Jan 2006"), plural(w.Runs, "run", "runs"), w.DistanceM/1000)}
		bar.H = f.Y(0) - bar.Y
		c.Rects = append(c.Rects, bar)
	}
	// Spike markers on top of their week's bar.
	weekTop := func(t time.Time) float64 {
		for _, w := range r.Weeks {
			if !civil(t).Before(civil(w.Monday)) && civil(t).Before(civil(w.Monday).AddDate(0, 0, 7)) {
				return w.DistanceM / 1000
			}
		}
		return 0
	}
	for _, run := range r.Runs {
		s := r.Spikes[run.ID]
		if !s.Ratio.OK || s.Band == gait.SpikeReference || s.Band == gait.SpikeUndefined {
			continue
		}
		x, y := f.X(ax.at(run.Local)), f.Y(weekTop(run.Local))-4
		tip := fmt.Sprintf("%s: %.1f km = %.2f × the longest run of the previous %d days (%.1f km), %s spike",
			run.Local.Format("2 Jan 2006"), s.DistanceM.V/1000, s.Ratio.V, r.Load.SpikeWindowDays, s.LongestM.V/1000, s.Band)
		c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vl-6 -10h12z", x, y), Class: "spike-" + string(s.Band), Tip: tip})
		c.Texts = append(c.Texts, text{X: x, Y: y - 14, Class: "label", Anchor: "middle", Text: fmt.Sprintf("%.2f× %s", s.Ratio.V, s.Band)})
	}
	c.frameBox(f)

	// The ratio, below.
	maxACWR := r.Charts.ACWRHigh * 1.2
	for _, d := range r.Days {
		if d.ACWREWMA.OK {
			maxACWR = math.Max(maxACWR, d.ACWREWMA.V)
		}
	}
	rticks, _, rtop := niceTicks(0, maxACWR, 2)
	f2 := ax.frame(marginTop+top+gap, low)
	f2.ylo, f2.yhi = 0, rtop
	c.Rects = append(c.Rects, rect{X: num(f2.x0), Y: f2.Y(r.Charts.ACWRHigh), W: num(f2.w), H: f2.Y(r.Charts.ACWRLow) - f2.Y(r.Charts.ACWRHigh), Class: "acwr-band",
		Tip: fmt.Sprintf("ACWR %s–%s: Gabbett's \"sweet spot\", context only", tickText(r.Charts.ACWRLow), tickText(r.Charts.ACWRHigh))})
	c.yAxis(f2, rticks, "ACWR", false, true)
	var line strings.Builder
	pen := false
	for i, d := range r.Days {
		if !d.ACWREWMA.OK {
			pen = false
			continue
		}
		cmd := "L"
		if !pen {
			cmd = "M"
		}
		fmt.Fprintf(&line, "%s%v %v", cmd, f2.X(float64(i)+0.5), f2.Y(d.ACWREWMA.V))
		pen = true
	}
	if line.Len() > 0 {
		c.Paths = append(c.Paths, path{D: line.String(), Class: "acwr", Tip: "acute:chronic workload ratio, EWMA of 7 and 28 days: context only"})
	} else {
		c.Texts = append(c.Texts, text{X: num(f2.x0 + f2.w/2), Y: num(f2.y0 + f2.h/2 + 4), Class: "note", Anchor: "middle", Text: "no ratio yet: it needs 28 days of history"})
	}
	c.frameBox(f2)
	ax.draw(&c, f2)
	for _, t := range ax.ticks {
		x := f.X(ax.at(t))
		c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vV%v", x, num(f.y0), num(f.y0+f.h)), Class: "grid"})
	}
	c.Legend = []legendItem{
		{"bar", "load", "distance per week (Monday to Sunday)"},
		{"tri", "spike-small", fmt.Sprintf("run spike, small: %s–%s × the longest run of the previous %d days", tickText(r.Load.SpikeSmallAbove), tickText(r.Load.SpikeModerateAbove), r.Load.SpikeWindowDays)},
		{"tri", "spike-moderate", fmt.Sprintf("moderate: %s–%s ×", tickText(r.Load.SpikeModerateAbove), tickText(r.Load.SpikeLargeAbove))},
		{"tri", "spike-large", fmt.Sprintf("large: above %s ×", tickText(r.Load.SpikeLargeAbove))},
		{"line", "acwr", "acute:chronic ratio, EWMA of 7 and 28 days"},
		{"band", "acwr-band", fmt.Sprintf("ACWR %s–%s (Gabbett 2016)", tickText(r.Charts.ACWRLow), tickText(r.Charts.ACWRHigh))},
	}
	c.Caption = "Triangles mark single runs beyond the longest run of the previous 30 days (Frandsen et al., BJSM 2025; domain.md A1 L1). " + gait.ACWRCaveat
	return c, true
}

// nerveSensations are the sensations the symptom chart colours as
// nerve-like (domain.md A5 signs 1 and 2).
var nerveSensations = []ingest.Sensation{"tingling", "pins_and_needles", "numbness", "burning", "electric"}

func nerveLike(s ingest.Symptom) bool {
	return slices.ContainsFunc(s.Sensations, func(x ingest.Sensation) bool { return slices.Contains(nerveSensations, x) })
}

// symptomChart puts the symptom log on the same time axis: severity per
// entry, the entries of one place joined by a line.
func (r *Report) symptomChart() (chart, bool) {
	ax, ok := newDateAxis(r)
	if !ok || len(r.Symptoms) == 0 {
		return chart{}, false
	}
	const h = 200.0
	c := chart{ID: "symptoms", Title: "Symptom log: severity of each entry", W: chartW, H: h}
	f := ax.frame(marginTop, h-marginTop-marginBot)
	f.ylo, f.yhi = 0, 10
	c.yAxis(f, []float64{0, 2, 4, 6, 8, 10}, "severity 0–10", false, true)
	var places []string
	byPlace := map[string][]ingest.Symptom{}
	for _, s := range r.Symptoms {
		k := string(s.Side) + " " + locationText(s.Location)
		if _, ok := byPlace[k]; !ok {
			places = append(places, k)
		}
		byPlace[k] = append(byPlace[k], s)
	}
	for _, k := range places {
		list := byPlace[k]
		class := "pain"
		if slices.ContainsFunc(list, nerveLike) {
			class = "nerve"
		}
		if len(list) > 1 {
			var d strings.Builder
			for i, s := range list {
				fmt.Fprintf(&d, "%s%v %v", map[bool]string{true: "M", false: "L"}[i == 0], f.X(ax.at(s.Time)), f.Y(float64(s.Severity)))
			}
			c.Paths = append(c.Paths, path{D: d.String(), Class: "trend-" + class})
		}
		last := list[len(list)-1]
		x, y := f.X(ax.at(last.Time)), f.Y(float64(last.Severity))
		anchor, dx := "start", num(8)
		if float64(x) > f.x0+f.w*0.8 {
			anchor, dx = "end", -8
		}
		c.Texts = append(c.Texts, text{X: x + dx, Y: y - 8, Class: "label", Anchor: anchor, Text: strings.TrimSpace(k)})
	}
	for _, s := range r.Symptoms {
		class := "pain"
		if nerveLike(s) {
			class = "nerve"
		}
		c.Dots = append(c.Dots, dot{X: f.X(ax.at(s.Time)), Y: f.Y(float64(s.Severity)), R: 5, Class: class, Tip: symptomWhen(s) + ": " + symptomText(s)})
	}
	c.frameBox(f)
	ax.draw(&c, f)
	c.Legend = []legendItem{
		{"dot", "nerve", "tingling, pins and needles, numbness, burning or electric"},
		{"dot", "pain", "pain, ache, cramp and the rest"},
	}
	c.Caption = "Each dot is one entry of the symptom log; entries at the same place are joined. Hover a dot for the entry and its notes."
	return c, true
}

// runPoints gives each run's x and the half-way points to its
// neighbours, for the step bands of the runner's own baseline.
func runSpans(ax dateAxis, runs []Run) (x, lo, hi []float64) {
	x = make([]float64, len(runs))
	for i, r := range runs {
		x[i] = ax.at(r.Local)
	}
	lo, hi = make([]float64, len(runs)), make([]float64, len(runs))
	for i := range x {
		lo[i], hi[i] = x[i]-0.5, x[i]+0.5
		if i > 0 {
			lo[i] = (x[i-1] + x[i]) / 2
		}
		if i+1 < len(x) {
			hi[i] = (x[i] + x[i+1]) / 2
		}
	}
	return x, lo, hi
}

// cadenceChart is each run's cadence at its median speed against the
// runner's own band: the median of the previous 28 days ± the rule's MADs.
func (r *Report) cadenceChart() (chart, bool) {
	ax, ok := newDateAxis(r)
	if !ok {
		return chart{}, false
	}
	const h = 230.0
	c := chart{ID: "cadence", Title: "Cadence at each run's median speed, against the runner's own band", W: chartW, H: h}
	half := func(b Baseline) float64 { return math.Max(r.CadenceBandMADs*b.CadenceMAD, cadenceBandMinSPM) }
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, run := range r.Runs {
		if v := run.Metrics.Cadence.AtMedianSpeedSPM; !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if b := r.Baseline[run.ID]; b.Runs >= 3 && !math.IsNaN(b.CadenceMedian) {
			lo, hi = math.Min(lo, b.CadenceMedian-half(b)), math.Max(hi, b.CadenceMedian+half(b))
		}
	}
	if math.IsInf(lo, 0) {
		return chart{}, false
	}
	ticks, tlo, thi := niceTicks(lo-0.5, hi+0.5, 5)
	f := ax.frame(marginTop, h-marginTop-marginBot)
	f.ylo, f.yhi = tlo, thi
	c.yAxis(f, ticks, "steps/min", false, true)
	x, x0, x1 := runSpans(ax, r.Runs)
	for i, run := range r.Runs {
		b := r.Baseline[run.ID]
		if b.Runs < 3 || math.IsNaN(b.CadenceMedian) {
			continue
		}
		c.Rects = append(c.Rects, rect{X: f.X(x0[i]), W: f.X(x1[i]) - f.X(x0[i]), Y: f.Y(b.CadenceMedian + half(b)), H: f.Y(b.CadenceMedian-half(b)) - f.Y(b.CadenceMedian+half(b)),
			Class: "own-band"})
	}
	for i, run := range r.Runs {
		v := run.Metrics.Cadence.AtMedianSpeedSPM
		if math.IsNaN(v) {
			continue
		}
		b := r.Baseline[run.ID]
		class := "point"
		if rules := FlagsOf(r.Flags, run); slices.Contains(rules, "form.cadence_below_own") || slices.Contains(rules, "form.cadence_low") {
			class = "flagged"
		}
		tip := fmt.Sprintf("%s %s: %.1f spm at %s", run.Local.Format("2 Jan 2006"), run.File, v, Pace(run.Metrics.Cadence.MedianSpeedMPS))
		if b.Runs >= 3 {
			tip += fmt.Sprintf("; own %.1f ± %.1f (%d runs)", b.CadenceMedian, half(b), b.Runs)
		}
		c.Dots = append(c.Dots, dot{X: f.X(x[i]), Y: f.Y(v), R: 4, Class: class, Tip: tip})
	}
	c.frameBox(f)
	ax.draw(&c, f)
	c.Legend = []legendItem{
		{"dot", "point", "a run: cadence the run's cadence–speed line gives at its median speed"},
		{"dot", "flagged", "flagged (form.cadence_below_own or form.cadence_low)"},
		{"band", "own-band", fmt.Sprintf("own band: median of the previous %s ± %s MADs (at least %d spm)", "28 days", tickText(r.CadenceBandMADs), cadenceBandMinSPM)},
	}
	c.Caption = "Cadence rises with speed and is individual (domain.md A2 C4, C6), so each run is compared at its own median speed with the runner's own recent runs, not with 180."
	return c, true
}

// balanceChart is each run's mean ground-contact balance in Garmin's
// zones, with the runner's own band and an arrow for the late-run drift.
func (r *Report) balanceChart() (chart, bool) {
	ax, ok := newDateAxis(r)
	if !ok {
		return chart{}, false
	}
	const h = 250.0
	c := chart{ID: "balance", Title: "Ground-contact balance per run, with the late-run drift", W: chartW, H: h}
	g, o := r.BalanceGreenMaxPct, r.BalanceOrangeMaxPct
	lo, hi := 100-o-0.3, o+0.3
	any := false
	own := func(b Baseline) float64 { return b.BalanceMedian + r.CadenceBandMADs*b.BalanceMAD }
	for _, run := range r.Runs {
		bal := run.Metrics.Balance
		if !bal.Measurable || math.IsNaN(bal.LeftPct.Mean) {
			continue
		}
		any = true
		v := bal.LeftPct.Mean
		lo, hi = math.Min(lo, v-0.2), math.Max(hi, v+0.2)
		if d := run.Metrics.Drift.SymmetryIndex; d.Measured {
			lo, hi = math.Min(lo, v+d.Delta/4-0.2), math.Max(hi, v+d.Delta/4+0.2)
		}
	}
	if !any {
		return chart{}, false
	}
	ticks, tlo, thi := niceTicks(lo, hi, 6)
	f := ax.frame(marginTop, h-marginTop-marginBot)
	f.ylo, f.yhi = tlo, thi
	zone := func(a, b float64, class, tip string) {
		a, b = f.clampY(a), f.clampY(b)
		if b > a {
			c.Rects = append(c.Rects, rect{X: num(f.x0), W: num(f.w), Y: f.Y(b), H: f.Y(a) - f.Y(b), Class: class, Tip: tip})
		}
	}
	zone(100-g, g, "zone-green", fmt.Sprintf("Garmin green: %.2f–%.2f%% left", 100-g, g))
	zone(g, o, "zone-orange", "Garmin orange: left longer")
	zone(100-o, 100-g, "zone-orange", "Garmin orange: right longer")
	zone(o, f.yhi, "zone-red", "Garmin red: left longer")
	zone(f.ylo, 100-o, "zone-red", "Garmin red: right longer")
	c.yAxis(f, ticks, "% of contact on the left", false, true)
	x, x0, x1 := runSpans(ax, r.Runs)
	for i, run := range r.Runs {
		b := r.Baseline[run.ID]
		if math.IsNaN(b.BalanceMedian) {
			continue
		}
		top, bot := f.clampY(50+own(b)), f.clampY(50-own(b))
		c.Rects = append(c.Rects, rect{X: f.X(x0[i]), W: f.X(x1[i]) - f.X(x0[i]), Y: f.Y(top), H: f.Y(bot) - f.Y(top), Class: "own-band"})
	}
	c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vH%v", num(f.x0), f.Y(50), num(f.x0+f.w)), Class: "even"})
	for i, run := range r.Runs {
		bal := run.Metrics.Balance
		if !bal.Measurable || math.IsNaN(bal.LeftPct.Mean) {
			continue
		}
		v := bal.LeftPct.Mean
		rules := FlagsOf(r.Flags, run)
		class := "point"
		if slices.Contains(rules, "form.asymmetry") || slices.Contains(rules, "form.asymmetry_drift") {
			class = "flagged"
		}
		tip := fmt.Sprintf("%s %s: %.2f%% left (SI %+.1f%%)", run.Local.Format("2 Jan 2006"), run.File, v, bal.SymmetryIndexPct)
		if d := run.Metrics.Drift.SymmetryIndex; d.Measured && math.Abs(d.Delta/4) >= 0.05 {
			end := v + d.Delta/4
			tip += fmt.Sprintf("; late in the run %+.2f points (SI %+.1f)", d.Delta/4, d.Delta)
			y0, y1 := f.Y(v), f.Y(end)
			dir := num(1)
			if y1 < y0 {
				dir = -1
			}
			c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vV%vM%v %vl-4 %vh8z", f.X(x[i]), y0, y1, f.X(x[i]), y1, -dir*7), Class: "drift-" + class, Tip: tip})
		}
		c.Dots = append(c.Dots, dot{X: f.X(x[i]), Y: f.Y(v), R: 4, Class: class, Tip: tip})
	}
	c.Texts = append(c.Texts,
		text{X: num(f.x0 + f.w - 6), Y: num(f.y0 + 14), Class: "note", Anchor: "end", Text: "left foot longer on the ground ↑"},
		text{X: num(f.x0 + f.w - 6), Y: num(f.y0 + f.h - 8), Class: "note", Anchor: "end", Text: "right foot longer ↓"})
	c.frameBox(f)
	ax.draw(&c, f)
	c.Legend = []legendItem{
		{"dot", "point", "a run: mean balance over its moving time"},
		{"line", "drift-flagged", "late-run change at matched speed and grade (SI drift ÷ 4)"},
		{"dot", "flagged", "flagged (form.asymmetry or form.asymmetry_drift)"},
		{"band", "own-band", fmt.Sprintf("own band: 50 ± the median offset of the previous 28 days + %s MADs", tickText(r.CadenceBandMADs))},
		{"band", "zone-green", "Garmin's green zone"},
	}
	c.Caption = "Balance is the left foot's share of ground contact (50 = even). Garmin's zones (domain.md A3) are population percentiles; asymmetry matters only beyond the runner's own variability (Exell 2017), and alone it does not predict injury (Malisoux 2024)."
	return c, true
}

// traceChart is one flagged run: cadence and, when the run has it,
// balance over the run, with the windows the drift compared and the
// spikes the analysis found.
func (r *Report) traceChart(t Trace, i int) chart {
	const panel, gap = 118.0, 34.0
	hasBalance := slices.ContainsFunc(t.BalanceLeftPct, func(v float64) bool { return !math.IsNaN(v) })
	c := chart{ID: fmt.Sprintf("trace-%d", i), Title: fmt.Sprintf("Within the run of %s: cadence and balance", t.Local.Format("2 January 2006"))}
	end := 1.0
	if n := len(t.MidMin); n > 0 {
		end = t.MidMin[n-1] + t.BinS/120
	}
	xticks, _, _ := niceTicks(0, end, 8)
	xticks = slices.DeleteFunc(xticks, func(v float64) bool { return v > end })
	top := frame{x0: marginLeft, y0: marginTop, w: chartW - marginLeft - marginRight, h: panel, xlo: 0, xhi: end}
	panels := []*frame{&top}
	bot := top
	if hasBalance {
		bot.y0 = marginTop + panel + gap
		panels = append(panels, &bot)
	} else {
		c.Title = fmt.Sprintf("Within the run of %s: cadence (no balance recorded)", t.Local.Format("2 January 2006"))
	}
	last := panels[len(panels)-1]
	c.W, c.H = chartW, num(last.y0+last.h+marginBot+12)

	series := func(f *frame, v []float64, title string, pad float64) {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range v {
			if !math.IsNaN(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
		if math.IsInf(lo, 0) {
			lo, hi = 0, 1
		}
		ticks, tlo, thi := niceTicks(lo-pad, hi+pad, 3)
		f.ylo, f.yhi = tlo, thi
		c.yAxis(*f, ticks, title, false, true)
	}
	series(&top, t.CadenceSPM, "steps/min", 1)
	if hasBalance {
		series(&bot, t.BalanceLeftPct, "% left", 0.2)
		// Garmin's green edges, where the balance trace leaves the green zone.
		for _, e := range []float64{r.BalanceGreenMaxPct, 100 - r.BalanceGreenMaxPct} {
			if e > bot.ylo && e < bot.yhi {
				c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vH%v", num(bot.x0), bot.Y(e), num(bot.x0+bot.w)), Class: "green-edge",
					Tip: fmt.Sprintf("Garmin's green zone ends at %.2f%%", e)})
			}
		}
	}
	window := func(a, b float64, class, label string) {
		if math.IsNaN(a) || math.IsNaN(b) || b <= a {
			return
		}
		c.Rects = append(c.Rects, rect{X: top.X(a), W: top.X(b) - top.X(a), Y: num(top.y0), H: num(last.y0 + last.h - top.y0), Class: class,
			Tip: fmt.Sprintf("%s: minutes %.0f–%.0f", label, a, b)})
		c.Texts = append(c.Texts, text{X: top.X((a + b) / 2), Y: num(top.y0 - 6), Class: "note", Anchor: "middle", Text: label})
	}
	window(t.RefStartMin, t.RefEndMin, "ref-window", "reference")
	window(t.LateStartMin, t.LateEndMin, "late-window", "late window")

	for _, s := range t.Spikes {
		a, b := s.StartS/60, (s.StartS+s.DurationS)/60
		tip := fmt.Sprintf("%s spike: %+.1f %s (%.1f robust SDs) for %.0f s from minute %.0f", words(s.Metric), s.Size, s.Unit, s.SDs, s.DurationS, a)
		if s.Eccentric {
			tip += ", downhill"
		}
		// Cadence spikes on the cadence panel, symmetry-index spikes on
		// the balance panel, the others (GCT, VO) on every panel.
		for k, f := range panels {
			if s.Metric == "cadence" && k != 0 || s.Metric == "symmetry_index" && k != 1 {
				continue
			}
			c.Rects = append(c.Rects, rect{X: f.X(a), W: max(f.X(b)-f.X(a), 2), Y: num(f.y0), H: num(f.h), Class: "spike-window", Tip: tip})
		}
	}
	line := func(f frame, v []float64, class string) {
		var d strings.Builder
		pen := false
		for i, y := range v {
			if math.IsNaN(y) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%v %v", cmd, f.X(t.MidMin[i]), f.Y(y))
			pen = true
		}
		if d.Len() > 0 {
			c.Paths = append(c.Paths, path{D: d.String(), Class: class})
		}
	}
	line(top, t.CadenceSPM, "trace-cadence")
	if hasBalance {
		if bot.ylo < 50 && bot.yhi > 50 {
			c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vH%v", num(bot.x0), bot.Y(50), num(bot.x0+bot.w)), Class: "even"})
		}
		line(bot, t.BalanceLeftPct, "trace-balance")
	}
	for _, f := range panels {
		c.frameBox(*f)
	}
	for _, v := range xticks {
		x := last.X(v)
		c.Paths = append(c.Paths, path{D: fmt.Sprintf("M%v %vV%v", x, num(last.y0+last.h), num(last.y0+last.h+4)), Class: "axis"})
		c.Texts = append(c.Texts, text{X: x, Y: num(last.y0 + last.h + 16), Class: "tick", Anchor: "middle", Text: tickText(v)})
	}
	c.Texts = append(c.Texts, text{X: num(last.x0 + last.w), Y: num(last.y0 + last.h + 30), Class: "axis-title", Anchor: "end", Text: "minutes since the start"})
	c.Legend = []legendItem{{"line", "trace-cadence", fmt.Sprintf("cadence, %.0f s means of moving records", t.BinS)}}
	if hasBalance {
		c.Legend = append(c.Legend, legendItem{"line", "trace-balance", "balance, % of contact on the left"})
	}
	c.Legend = append(c.Legend,
		legendItem{"band", "ref-window", "reference window of the drift"},
		legendItem{"band", "late-window", "late window (compared at matched speed and grade)"},
		legendItem{"band", "spike-window", "spike: beyond the run's own robust spread"})
	if hasBalance {
		c.Legend = append(c.Legend, legendItem{"line", "green-edge", "edge of Garmin's green balance zone"})
	}
	return c
}
