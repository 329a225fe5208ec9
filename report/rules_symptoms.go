package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gaitkeeper/gaitkeeper/ingest"
)

// sensed reports whether the entry lists any of the sensations.
func sensed(s ingest.Symptom, any ...string) bool {
	for _, x := range s.Sensations {
		if slices.Contains(any, string(x)) {
			return true
		}
	}
	return false
}

func timed(s ingest.Symptom, any ...string) bool {
	for _, x := range s.Timing {
		if slices.Contains(any, string(x)) {
			return true
		}
	}
	return false
}

// mentions reports whether the notes or shoes text holds any of the words.
func mentions(s ingest.Symptom, words ...string) bool {
	text := strings.ToLower(s.Notes + " " + s.Shoes)
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

func at(s ingest.Symptom, locs ...string) bool { return slices.Contains(locs, string(s.Location)) }

var footLocations = []string{"toes_1_2", "toes_3_4", "ball_of_foot", "medial_arch", "heel", "lateral_foot", "dorsal_foot", "medial_ankle", "lateral_ankle"}

func symptomEvidence(s ingest.Symptom) Object {
	sens := make([]string, len(s.Sensations))
	for i, x := range s.Sensations {
		sens[i] = string(x)
	}
	tim := make([]string, len(s.Timing))
	for i, x := range s.Timing {
		tim[i] = string(x)
	}
	return Object{{"date", s.Time.Format("2006-01-02")}, {"side", string(s.Side)}, {"location", string(s.Location)},
		{"sensations", sens}, {"timing", tim}, {"severity", s.Severity}}
}

// redFlags checks every symptom entry against domain.md A7. They are
// listed first and always say to see a clinician.
func (e *evaluator) redFlags() {
	for _, s := range e.h.Symptoms {
		ev := symptomEvidence(s)
		switch {
		case mentions(s, "saddle", "bladder", "bowel", "incontinen"),
			s.Side == "both" && sensed(s, "numbness", "weakness") && at(s, "hamstring", "calf", "shin_front", "shin_medial", "glute", "knee"):
			e.add(KindRedFlag, "red.cauda_equina", s.Time, "pattern consistent with nerve-root compression (saddle numbness, bladder or bowel change, or numbness or weakness in both legs): urgent, see a clinician today", ev)
		}
		if sensed(s, "weakness") || mentions(s, "foot drop", "drop foot", "tripping", "trips", "can't lift") {
			e.add(KindRedFlag, "red.motor", s.Time, "weakness, foot drop or tripping: pattern consistent with a motor nerve or root problem; see a clinician", ev)
		}
		if at(s, "calf", "shin_front", "shin_medial") && mentions(s, "tense", "swollen compartment", "out of proportion", "doesn't go away after stopping", "does not resolve") {
			e.add(KindRedFlag, "red.compartment", s.Time, "leg pain out of proportion or numbness that does not settle after stopping: pattern consistent with compartment syndrome; urgent, see a clinician", ev)
		}
		if at(s, "calf") && mentions(s, "swollen", "swelling", "warm", "redness", "flight") {
			e.add(KindRedFlag, "red.dvt", s.Time, "calf swelling, warmth or redness: can be a blood clot mimicking a cramp; urgent, see a clinician", ev)
		}
		if mentions(s, "cold foot", "pale", "white toes") {
			e.add(KindRedFlag, "red.vascular", s.Time, "cold or pale foot with exercise pain: pattern consistent with a circulation problem; see a clinician", ev)
		}
		if at(s, "ball_of_foot", "medial_arch", "dorsal_foot", "heel") && sensed(s, "pain", "ache", "sharp") &&
			(timed(s, "night") || mentions(s, "hop", "bony", "point tender", "every run")) {
			e.add(KindRedFlag, "red.bone_stress", s.Time, "focal foot pain at night or on hopping: pattern consistent with a bone stress injury; see a clinician before running on", ev)
		}
		if mentions(s, "fever", "weight loss", "cancer", "car crash", "accident", "trauma", "fall") {
			e.add(KindRedFlag, "red.serious", s.Time, "history of trauma, fever, weight loss or cancer noted: screen for serious causes; see a clinician", ev)
		}
		if s.Side == "both" && sensed(s, "numbness", "tingling", "pins_and_needles", "burning") && at(s, footLocations...) {
			e.add(KindRedFlag, "red.bilateral", s.Time, "numbness or burning in both feet: pattern consistent with a whole-body nerve condition rather than a training error; see a clinician", ev)
		}
	}
}

// nerve scores the six-sign checklist (domain.md A5) per location over
// the symptom log, adds the nerve-territory hint (A6) and footwear hints
// (A4 S3), and escalates signs that persist or spread.
func (e *evaluator) nerve() {
	byLoc := map[ingest.Location][]ingest.Symptom{}
	var order []ingest.Location
	for _, s := range e.h.Symptoms {
		if _, ok := byLoc[s.Location]; !ok {
			order = append(order, s.Location)
		}
		byLoc[s.Location] = append(byLoc[s.Location], s)
	}
	for _, loc := range order {
		list := byLoc[loc]
		last := list[len(list)-1]
		signs := e.sixSigns(list)
		var met []string
		for _, sg := range signs {
			if sg.met {
				met = append(met, sg.name)
			}
		}
		first := list[0]
		span := last.Time.Sub(first.Time)
		ev := Object{{"location", string(loc)}, {"entries", len(list)}, {"first", first.Time.Format("2006-01-02")},
			{"last", last.Time.Format("2006-01-02")}, {"signs", met}, {"signs_met", len(met)}, {"threshold", int(e.rules["nerve.pattern"].Threshold)}}
		if float64(len(met)) >= e.rules["nerve.pattern"].Threshold {
			e.add(KindNerve, "nerve.pattern", last.Time, fmt.Sprintf("%d of 6 nerve-irritation signs at %s (%s): pattern consistent with nerve irritation; consider a clinician's review",
				len(met), strings.ReplaceAll(string(loc), "_", " "), strings.Join(met, ", ")), ev)
			persist := e.rules["red.persistent_nerve"].Threshold
			if span >= time.Duration(persist*24)*time.Hour && paraesthesia(list) {
				e.add(KindRedFlag, "red.persistent_nerve", last.Time, fmt.Sprintf("nerve signs at %s for %.0f days (more than %.0f): needs an examination; see a clinician",
					strings.ReplaceAll(string(loc), "_", " "), span.Hours()/24, persist), append(ev, Field{"days", round1(span.Hours() / 24)}))
			}
		}
		if hint := territory(last, e.h.Symptoms); hint != "" {
			e.add(KindNerve, "nerve.territory", last.Time, hint, symptomEvidence(last))
		}
		if at(last, "dorsal_foot", "toes_1_2", "toes_3_4", "ball_of_foot") && sensed(last, "numbness", "tingling", "pins_and_needles", "burning") &&
			mentions(last, "tight", "lace", "narrow", "new shoe", "toe box", "orthotic", "insole") {
			e.add(KindNerve, "nerve.footwear", last.Time, "numbness or burning with tight shoes, laces or a new insole noted: pattern consistent with compression by footwear; try looser lacing or a wider toe box and note whether it changes", symptomEvidence(last))
		}
	}
}

func paraesthesia(list []ingest.Symptom) bool {
	for _, s := range list {
		if sensed(s, "tingling", "pins_and_needles", "numbness", "burning") {
			return true
		}
	}
	return false
}

type sign struct {
	name string
	met  bool
}

// sixSigns evaluates the checklist of domain.md A5 over the entries of
// one location.
func (e *evaluator) sixSigns(list []ingest.Symptom) []sign {
	any := func(f func(ingest.Symptom) bool) bool { return slices.ContainsFunc(list, f) }
	para := any(func(s ingest.Symptom) bool { return sensed(s, "tingling", "pins_and_needles", "numbness") })
	quality := any(func(s ingest.Symptom) bool {
		return sensed(s, "burning", "electric") || mentions(s, "electric", "shooting", "shock")
	})
	territory := any(func(s ingest.Symptom) bool {
		return at(s, "toes_1_2", "toes_3_4", "medial_arch", "dorsal_foot", "medial_ankle", "lateral_foot", "heel") &&
			sensed(s, "tingling", "pins_and_needles", "numbness", "burning")
	})
	rest := any(func(s ingest.Symptom) bool { return timed(s, "at_rest", "night") })
	position := any(func(s ingest.Symptom) bool {
		return mentions(s, "lace", "tight", "toe box", "sitting", "orthotic", "insole", "walking", "walks", "narrow")
	})
	noRelief := any(func(s ingest.Symptom) bool {
		return mentions(s, "no change", "unchanged", "not better", "didn't help", "did not help", "still there", "treatment failed")
	}) || e.persistsAfterRest(list)
	return []sign{
		{"tingling, pins and needles or numbness", para},
		{"burning, electric or shooting quality", quality},
		{"fits a nerve territory", territory},
		{"at rest or at night", rest},
		{"provoked by position or compression", position},
		{"not eased by rest", noRelief},
	}
}

// persistsAfterRest reports whether an entry comes after RestDays of
// reduced load (daily distance under RestFraction of the previous 28
// days' mean): "rest does not fix it" (domain.md A5 sign 6).
func (e *evaluator) persistsAfterRest(list []ingest.Symptom) bool {
	days := e.as.Load.Days
	if len(days) == 0 {
		return false
	}
	dayIndex := func(t time.Time) int {
		d0 := days[0].Date
		return int(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Sub(time.Date(d0.Year(), d0.Month(), d0.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	for _, s := range list {
		i := dayIndex(s.Time)
		if s.Severity == 0 || i-e.o.RestDays-28 < 0 || i >= len(days) {
			continue
		}
		before := 0.0
		for _, d := range days[i-e.o.RestDays-28 : i-e.o.RestDays] {
			before += d.DistanceM
		}
		before /= 28
		rest := 0.0
		for _, d := range days[i-e.o.RestDays : i] {
			rest += d.DistanceM
		}
		rest /= float64(e.o.RestDays)
		if before > 0 && rest < e.o.RestFraction*before {
			return true
		}
	}
	return false
}

// territory returns the nerve-territory hint of domain.md A6 for an
// entry, or "".
func territory(s ingest.Symptom, all []ingest.Symptom) string {
	neuro := sensed(s, "tingling", "pins_and_needles", "numbness", "burning", "electric")
	lowBack := slices.ContainsFunc(all, func(x ingest.Symptom) bool { return at(x, "low_back") })
	switch {
	case at(s, "toes_1_2", "toes_3_4", "ball_of_foot") && sensed(s, "cramp") && lowBack:
		return "toe cramps with low-back pain: pattern consistent with an irritated S1 nerve root (sciatic referral); cramps are usually muscular, but with back pain a clinician should check the root"
	case at(s, "medial_arch") && neuro, at(s, "toes_1_2") && sensed(s, "numbness") && slices.ContainsFunc(all, func(x ingest.Symptom) bool { return at(x, "medial_arch", "heel") }):
		return "medial arch with numbness or tingling towards the big toe: pattern consistent with the medial plantar nerve (\"jogger's foot\")"
	case at(s, "toes_3_4") && (neuro || sensed(s, "clicking") || sensed(s, "cramp")):
		return "between the 3rd and 4th toes with burning, tingling, clicking or \"cramp\": pattern consistent with the interdigital nerve (Morton's neuroma, 85–90% in this web space)"
	case at(s, "dorsal_foot") && neuro:
		return "top of the foot with numbness or tingling: pattern consistent with the superficial or deep fibular nerve (tight laces, anterior tarsal tunnel)"
	case at(s, "medial_ankle", "heel") && neuro:
		return "inner ankle or heel with burning or tingling: pattern consistent with the tibial nerve (tarsal tunnel) or Baxter's nerve"
	case at(s, "lateral_foot", "lateral_ankle") && neuro:
		return "outer foot with numbness or tingling: pattern consistent with the sural nerve"
	}
	return ""
}

func round1(v float64) Num { return Num(float64(int(v*10+0.5)) / 10) }
