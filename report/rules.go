package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// Flag kinds, in the order a report lists them.
const (
	KindRedFlag = "red_flag"
	KindNerve   = "nerve"
	KindOveruse = "overuse"
	KindForm    = "form"
)

// Severities: info is context, warn a risk pattern, refer says to see a
// clinician.
const (
	SeverityInfo  = "info"
	SeverityWarn  = "warn"
	SeverityRefer = "refer"
)

// Disclaimer goes with every output.
const Disclaimer = "gaitkeeper flags risk patterns in training and symptom data; it does not diagnose. " +
	"Findings read \"pattern consistent with\", and anything marked refer means: see a clinician."

// Rule is the configurable part of one rule: its severity, its threshold
// (what the number means is the rule's own, see configs/default.yaml;
// overuse.two_week and overuse.monotony use the load section's
// thresholds, so they have none here), and the evidence behind it.
type Rule struct {
	Severity  string
	Threshold float64
	Grade     string // evidence grade: S, M, W, H (domain.md)
	Source    string
}

// Rules maps a rule id to its settings.
type Rules map[string]Rule

// DefaultRules returns the rules of configs/default.yaml.
func DefaultRules() Rules {
	return Rules{
		"overuse.session_spike":  {SeverityWarn, 1.10, "M–S", "Frandsen et al., BJSM 2025;59:1203 (domain.md A1 L1): distance ÷ longest run of the previous 30 days; >1.10 small HRR 1.64, >1.30 moderate HRR 1.52, >2.00 large HRR 2.28"},
		"overuse.two_week":       {SeverityWarn, 0, "W", "Nielsen et al., JOSPT 2014;44:739 (A1 L3): >30% more distance over two weeks, HR 1.59 for distance-related injuries (p = 0.07)"},
		"overuse.monotony":       {SeverityInfo, 0, "W/H", "Foster, MSSE 1998;30:1164; threshold from Runalyze and fellrnr.com (A1 L10)"},
		"form.cadence_low":       {SeverityInfo, 50, "H", "Garmin Forerunner 945 manual, cadence bands (A2 C5); lower cadence, longer steps and more knee loading: Heiderscheit et al., MSSE 2011 (C1)"},
		"form.cadence_below_own": {SeverityWarn, 2, "W–M", "cadence at matched speed against the runner's own 28-day median ± MAD (A2 C1, C6: cadence is speed-dependent and individual)"},
		"form.asymmetry":         {SeverityWarn, 2, "H", "Garmin Enduro 3 manual: balance beyond 50.7% (SI 2.8%) outside green (A3); only beyond the runner's own variability (Exell et al., SJMSS 2017); asymmetry alone does not predict injury (Malisoux et al., BMJ Open SEM 2024)"},
		"form.asymmetry_drift":   {SeverityWarn, 2, "W", "late-run asymmetry rises in some fatigue studies, inconsistently (A3 G6): flagged only beyond the runner's own variability"},
		"form.cadence_drift":     {SeverityInfo, 4, "M", "individual late-run cadence and stride changes under fatigue (A2 C6, Clermont 2019; Hanley & Mohan 2014)"},
		"form.vertical":          {SeverityInfo, 50, "H", "Garmin Forerunner 945 manual: red zone of vertical oscillation or ratio (A3)"},
		"nerve.pattern":          {SeverityWarn, 3, "H", "six-sign checklist (domain.md A5) from DN4 (Bouhassira 2005), Smart et al., Man Ther 2012, Shraim et al., Clin J Pain 2020; a self-report can reach at most NeuPSIG \"possible\" (Finnerup et al., Pain 2016)"},
		"nerve.territory":        {SeverityInfo, 0, "M/W", "nerve-territory map (domain.md A6)"},
		"nerve.footwear":         {SeverityInfo, 0, "W–M", "shoe and lacing compression (domain.md A4 S3: StatPearls, Anterior Tarsal Tunnel Syndrome; Morton neuroma, 5-Minute Clinical Consult)"},
		"red.cauda_equina":       {SeverityRefer, 0, "S", "Finucane et al., JOSPT 2020 (IFOMPT red flags); Greenhalgh et al. 2018 (domain.md A7)"},
		"red.motor":              {SeverityRefer, 0, "M", "peroneal neuropathy review PMC8567814; Finucane 2020 (A7)"},
		"red.compartment":        {SeverityRefer, 0, "M", "acute and chronic exertional compartment syndrome (J Nurse Pract 2015; Mayo Clinic; A7)"},
		"red.dvt":                {SeverityRefer, 0, "M", "DVT mimicking calf strain (Wells criteria; A7)"},
		"red.vascular":           {SeverityRefer, 0, "W", "arterial claudication (A7)"},
		"red.bone_stress":        {SeverityRefer, 0, "M", "bone stress injury at high-risk foot sites (A7: learn.physio, running.wiki)"},
		"red.serious":            {SeverityRefer, 0, "S", "serious pathology screen: fever, weight loss, cancer, trauma, constant night pain (Finucane 2020; A7)"},
		"red.bilateral":          {SeverityRefer, 0, "M", "symmetric numbness of both feet: systemic neuropathy, not training error (A6, A7)"},
		"red.persistent_nerve":   {SeverityRefer, 14, "H", "nerve signs persisting more than 14 days or spreading need an examination (Finnerup et al., Pain 2016; A7)"},
	}
}

// Flag is one finding: what was seen, the numbers and threshold behind it
// (Evidence), and where the threshold comes from.
type Flag struct {
	Kind     string
	Rule     string
	Severity string
	Message  string
	Evidence Object
	Source   string
	Grade    string
	When     time.Time // the run or symptom it is about
}

// Run is one analyzed run in an athlete's history.
type Run struct {
	ID      string
	File    string
	Metrics gait.Metrics
	// Local is the run's start on the runner's clock (its location
	// decides the calendar day).
	Local time.Time
}

// History is what a report is made from.
type History struct {
	Athlete  string
	Runs     []Run // in start order
	Symptoms []ingest.Symptom
	// Now is the day of the report; flags look at the RecentDays before it.
	Now time.Time
}

// Options set the windows of the assessment.
type Options struct {
	RecentDays    int     // runs this recent are checked for load and form flags
	SymptomWindow float64 // hours before a symptom whose runs are lined up with it (72)
	BaselineDays  int     // the runner's own baseline: runs of the previous 28 days
	RestDays      int     // "rest does not fix it": symptoms after this many days of reduced load (7)
	RestFraction  float64 // reduced load: daily distance under this share of the previous 28 days' mean (0.5)
	// BalanceGreenMaxPct is Garmin's green balance edge, the same setting
	// the gait analysis uses (gait.Params.BalanceGreenMaxPct).
	BalanceGreenMaxPct float64
}

// DefaultOptions are the windows of configs/default.yaml.
func DefaultOptions() Options {
	return Options{RecentDays: 14, SymptomWindow: 72, BaselineDays: 28, RestDays: 7, RestFraction: 0.5,
		BalanceGreenMaxPct: gait.DefaultParams().BalanceGreenMaxPct}
}

// Assessment is the result: the flags, most urgent first, and the load
// series they were computed from.
type Assessment struct {
	Flags  []Flag
	Load   gait.LoadSeries
	Spikes map[string]gait.SpikeResult // by run ID
	// Baseline per run ID: the runner's own median and MAD over the
	// previous BaselineDays, for cadence at matched speed and balance.
	Baseline map[string]Baseline
	// Alignment lines the symptom log up with the runs.
	Alignment Alignment
}

// Baseline is the runner's own reference for one run.
type Baseline struct {
	Runs int
	// CadenceMedian and CadenceMAD are over the earlier runs' cadence
	// predicted at this run's median speed (their cadence–speed lines),
	// spm: the cadence the runner usually has at today's speed.
	CadenceMedian, CadenceMAD float64
	BalanceMedian, BalanceMAD float64 // |b − 50|, points
}

// Assess evaluates every rule. Red flags are never filtered by a
// threshold or a setting: their severity is always refer.
func Assess(h History, rules Rules, load gait.LoadParams, o Options) Assessment {
	runs := make([]gait.Run, len(h.Runs))
	for i, r := range h.Runs {
		runs[i] = gait.Run{Start: r.Local, DistanceM: r.Metrics.Effort.DistanceM, MovingS: r.Metrics.MovingTimeS, TRIMP: r.Metrics.Effort.TRIMP}
	}
	now := h.Now
	from, to := now.AddDate(0, 0, -365), now
	if len(runs) > 0 && runs[0].Start.Before(from) {
		from = runs[0].Start
	}
	for _, s := range h.Symptoms {
		if s.Time.After(to) {
			to = s.Time
		}
	}
	as := Assessment{Spikes: map[string]gait.SpikeResult{}, Baseline: map[string]Baseline{}}
	as.Load = gait.Load(runs, gait.MetricDistance, from, to, load)
	for i, s := range as.Load.Spikes {
		as.Spikes[h.Runs[i].ID] = s
	}
	e := evaluator{h: h, rules: rules, load: load, o: o, as: &as}
	e.redFlags()
	e.nerve()
	e.overuse()
	e.form()
	as.Alignment = e.align()
	slices.SortStableFunc(as.Flags, func(a, b Flag) int {
		return cmp.Or(cmp.Compare(kindRank(a), kindRank(b)), cmp.Compare(sevRank(b.Severity), sevRank(a.Severity)), b.When.Compare(a.When))
	})
	return as
}

func kindRank(f Flag) int {
	if f.Kind == KindRedFlag {
		return 0
	}
	if f.Severity == SeverityRefer {
		return 1
	}
	return 2
}

func sevRank(s string) int {
	switch s {
	case SeverityRefer:
		return 2
	case SeverityWarn:
		return 1
	}
	return 0
}

type evaluator struct {
	h     History
	rules Rules
	load  gait.LoadParams
	o     Options
	as    *Assessment
}

func (e *evaluator) add(kind, rule string, when time.Time, msg string, ev Object) {
	r := e.rules[rule]
	sev := r.Severity
	if kind == KindRedFlag {
		sev = SeverityRefer // never lowered by configuration
	}
	if sev == SeverityRefer && !strings.Contains(msg, "see a clinician") {
		msg += "; see a clinician"
	}
	e.as.Flags = append(e.as.Flags, Flag{Kind: kind, Rule: rule, Severity: sev, Message: msg, Evidence: ev, Source: r.Source, Grade: r.Grade, When: when})
}

// recent reports whether t is within RecentDays before Now.
func (e *evaluator) recent(t time.Time) bool {
	return !t.After(e.h.Now.Add(24*time.Hour)) && e.h.Now.Sub(t) <= time.Duration(e.o.RecentDays)*24*time.Hour
}

// Verdict sums up the flags: "refer" when any says to see a clinician,
// "risk" when any warns, else "none" (info flags are context).
func Verdict(flags []Flag) string {
	v := "none"
	for _, f := range flags {
		switch {
		case f.Severity == SeverityRefer || f.Kind == KindRedFlag:
			return "refer"
		case f.Severity == SeverityWarn:
			v = "risk"
		}
	}
	return v
}
