package report

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// traceRun is a 1 Hz run of n seconds at 3 m/s: cadence 170 spm and
// balance 50.2% for the first half, 160 spm and 51.0% after.
func traceRun(n int) *ingest.Activity {
	col := func(f func(i int) float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = f(i)
		}
		return v
	}
	nan := func(int) float64 { return math.NaN() }
	half := func(a, b float64) func(int) float64 {
		return func(i int) float64 {
			if i < n/2 {
				return a
			}
			return b
		}
	}
	a := &ingest.Activity{Sport: "running", Start: day0}
	a.Elapsed = col(func(i int) float64 { return float64(i) })
	a.DistanceM = col(func(i int) float64 { return 3 * float64(i) })
	a.SpeedMPS = col(func(int) float64 { return 3 })
	a.CadenceSPM = col(half(170, 160))
	a.GCTBalanceLeftPct = col(half(50.2, 51.0))
	a.AltitudeM, a.GradePct, a.HeartRateBPM, a.CadenceRPM, a.GCTMS, a.StanceTimePct = col(nan), col(nan), col(nan), col(nan), col(nan), col(nan)
	a.VerticalOscillationMM, a.VerticalRatioPct, a.StepLengthMM, a.PowerW, a.TemperatureC = col(nan), col(nan), col(nan), col(nan), col(nan)
	return a
}

func TestNewTrace(t *testing.T) {
	a := traceRun(1200)
	for i := 300; i < 360; i++ { // a stop filling the sixth minute
		a.SpeedMPS[i] = 0
	}
	tr := NewTrace(Run{ID: "r", File: "f.fit", Local: day0}, []string{"form.asymmetry_drift"}, a, gait.DefaultParams(), 60)
	if len(tr.MidMin) != 20 || tr.MidMin[0] != 0.5 || tr.MidMin[19] != 19.5 { // records at 0…1199 s in 60 s bins
		t.Fatalf("%d bins at minutes %v; want 20, 0.5 to 19.5", len(tr.MidMin), tr.MidMin)
	}
	if tr.CadenceSPM[0] != 170 || tr.CadenceSPM[15] != 160 || tr.BalanceLeftPct[15] != 51 {
		t.Errorf("bins 0 and 15: cadence %v, %v, balance %v; want 170, 160, 51", tr.CadenceSPM[0], tr.CadenceSPM[15], tr.BalanceLeftPct[15])
	}
	if !math.IsNaN(tr.CadenceSPM[5]) {
		t.Errorf("the stopped minute has cadence %v, want none (NaN)", tr.CadenceSPM[5])
	}
	// 1140 s of moving time: the reference runs from the end of the 300 s
	// warm-up to 60% (684 s), the late window is the last 20% (from
	// 912 s); the stop before them shifts both a minute later in elapsed
	// time.
	want := [4]float64{(300 + 60) / 60.0, (684 + 60) / 60.0, (912 + 60) / 60.0, 1199 / 60.0}
	got := [4]float64{tr.RefStartMin, tr.RefEndMin, tr.LateStartMin, tr.LateEndMin}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 2.0/60 {
			t.Errorf("drift windows %v min, want %v", got, want)
			break
		}
	}
}

func TestFlaggedRuns(t *testing.T) {
	var runs []Run
	for d := range 10 {
		runs = append(runs, run(d, 10))
	}
	flag := func(rule string, d int) Flag { return Flag{Rule: rule, When: runs[d].Local} }
	flags := []Flag{flag("overuse.session_spike", 1), flag("form.asymmetry", 3), flag("form.cadence_drift", 3), flag("form.asymmetry", 5),
		flag("form.vertical", 8), {Rule: "nerve.pattern", When: runs[9].Local}}
	got := FlaggedRuns(runs, flags, 3)
	// The spiked run always, then the two most recent others; nerve
	// flags are about symptoms, not runs.
	if len(got) != 3 || got[0].ID != runs[1].ID || got[1].ID != runs[5].ID || got[2].ID != runs[8].ID {
		t.Errorf("flagged runs %v", got)
	}
	if rules := FlagsOf(flags, runs[3]); !slices.Equal(rules, []string{"form.asymmetry", "form.cadence_drift"}) {
		t.Errorf("flags of day 3: %v", rules)
	}
}

// buildStory is story (a) of rules_test.go as a report, with one run's
// cadence well below the runner's own band.
func buildStory(t *testing.T, note, file string) *Report {
	t.Helper()
	var runs []Run
	for d := 0; d < 40; d += 2 {
		runs = append(runs, run(d, 10))
	}
	runs = append(runs, run(40, 16))
	runs[len(runs)-1].File = file
	runs[len(runs)-1].Metrics.Cadence.AtMedianSpeedSPM = 160 // own band is 168–168.5 ± 2
	h := History{Athlete: "a", Runs: runs, Now: day0.AddDate(0, 0, 42), Symptoms: []ingest.Symptom{
		symptom(40, "toes_3_4", []string{"cramp"}, []string{"during_run"}, 5, note),
	}}
	as := assess(h)
	if !slices.Contains(FlagsOf(as.Flags, runs[len(runs)-1]), "form.cadence_below_own") {
		t.Fatalf("the slow run is not flagged: %v", rulesOf(as.Flags))
	}
	return Build(h, as, DefaultRules(), gait.DefaultParams(), gait.DefaultLoadParams(), DefaultChartOptions(), nil)
}

// The cadence chart draws the band rule form.cadence_below_own uses: a
// flagged run's dot lies below its band, the others inside or above.
func TestCadenceChartBandIsTheRule(t *testing.T) {
	r := buildStory(t, "", "slow.fit")
	c, ok := r.cadenceChart()
	if !ok {
		t.Fatal("no cadence chart")
	}
	// The rects are the bands, one per run with a baseline, in run order;
	// the dots one per run. SVG y grows downwards.
	bands := c.Rects
	dots := c.Dots
	if len(dots) != len(r.Runs) || len(bands) == 0 {
		t.Fatalf("%d dots, %d bands for %d runs", len(dots), len(bands), len(r.Runs))
	}
	last, band := dots[len(dots)-1], bands[len(bands)-1]
	if last.Class != "flagged" || last.Y <= band.Y+band.H {
		t.Errorf("flagged dot %+v, band %+v: want the dot below the band", last, band)
	}
	for i, d := range dots[:len(dots)-1] {
		if d.Class != "point" {
			t.Errorf("run %d: class %s", i, d.Class)
		}
	}
}

// The HTML page loads nothing: no scripts, stylesheets, fonts or images
// from anywhere, and the only URL is the SVG namespace, which is a name.
func TestHTMLSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := buildStory(t, "fine", "a.fit").WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "@font-face"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("page holds %q", bad)
		}
	}
	urls := regexp.MustCompile(`[a-z]+://[^"'\s<]*`).FindAllString(page, -1)
	for _, u := range urls {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("page holds the URL %s", u)
		}
	}
	for _, want := range []string{"<svg", `<span class="pill">RISK`, "form.cadence_below_own", Disclaimer[:40]} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestHTMLEscapesUserText(t *testing.T) {
	var b bytes.Buffer
	if err := buildStory(t, "<script>alert(1)</script>", `x&"<y.fit`).WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, "<script") || strings.Contains(page, `x&"<y`) {
		t.Error("user text reaches the page unescaped")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(page, "x&amp;&#34;&lt;y.fit") {
		t.Error("the escaped note or file name is missing")
	}
}

func TestMarkdownEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words, 3.5 km (left)", "plain words, 3.5 km (left)"},
		{"<script>alert(1)</script>", `\<script\>alert(1)\</script\>`},
		{"a | b", `a \| b`},
		{"*bold* _it_ `code` [link](x) ![img](y) # h ~~s~~", `\*bold\* \_it\_ \` + "`" + `code\` + "`" + ` \[link\](x) \!\[img\](y) \# h \~\~s\~\~`},
		{"Tom & Jerry\nnext line", "Tom &amp; Jerry next line"},
	}
	for _, tt := range tests {
		if got := md(tt.in); got != tt.want {
			t.Errorf("md(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi   float64
		n        int
		want     []float64
		tlo, thi float64
	}{
		{0, 62.5, 4, []float64{0, 20, 40, 60, 80}, 0, 80},               // step 15.6 → 20
		{166.2, 173.1, 5, []float64{166, 168, 170, 172, 174}, 166, 174}, // step 1.38 → 2
		{0, 2.4, 2, []float64{0, 2, 4}, 0, 4},                           // step 1.2 → 2
	}
	for _, tt := range tests {
		got, tlo, thi := niceTicks(tt.lo, tt.hi, tt.n)
		if !slices.Equal(got, tt.want) || tlo != tt.tlo || thi != tt.thi {
			t.Errorf("niceTicks(%v, %v, %d) = %v [%v, %v], want %v", tt.lo, tt.hi, tt.n, got, tlo, thi, tt.want)
		}
	}
	if s := num(-0.04).String() + " " + num(12.345).String(); s != "0 12.3" {
		t.Errorf("num formatting %q", s)
	}
}

// Build keeps the days from the Monday of the first active week to the
// report day.
func TestBuildTrimsDays(t *testing.T) {
	r := buildStory(t, "", "a.fit")
	first, last := r.Days[0].Date, r.Days[len(r.Days)-1].Date
	// day0 is a Monday with the first run; the report day is day 42.
	if !civil(first).Equal(civil(day0)) || !civil(last).Equal(civil(day0.AddDate(0, 0, 42))) {
		t.Errorf("days %s to %s, want %s to %s", first.Format(time.DateOnly), last.Format(time.DateOnly),
			day0.Format(time.DateOnly), day0.AddDate(0, 0, 42).Format(time.DateOnly))
	}
	if len(r.Weeks) != 7 || r.Weeks[0].Runs != 4 || r.Weeks[6].Runs != 0 { // days 0, 2, 4, 6 in week one; 42 is a Monday
		t.Errorf("%d weeks, first %d runs", len(r.Weeks), r.Weeks[0].Runs)
	}
}

// A run without balance (a wrist-only watch) gets a cadence-only trace,
// not an empty balance panel.
func TestTraceChartWithoutBalance(t *testing.T) {
	a := traceRun(1200)
	for i := range a.GCTBalanceLeftPct {
		a.GCTBalanceLeftPct[i] = math.NaN()
	}
	r := buildStory(t, "", "a.fit")
	tr := NewTrace(Run{ID: "r", File: "wrist.fit", Local: day0}, nil, a, gait.DefaultParams(), 30)
	c := r.traceChart(tr, 0)
	with := r.traceChart(NewTrace(Run{ID: "r", File: "strap.fit", Local: day0}, nil, traceRun(1200), gait.DefaultParams(), 30), 0)
	for _, p := range c.Paths {
		if p.Class == "trace-balance" || p.Class == "green-edge" {
			t.Errorf("balance drawn for a run without balance: %+v", p)
		}
	}
	if !slices.ContainsFunc(with.Paths, func(p path) bool { return p.Class == "trace-balance" }) {
		t.Error("no balance line for a run with balance")
	}
	if c.H >= with.H {
		t.Errorf("height %v without balance, %v with: want one panel less", c.H, with.H)
	}
}
