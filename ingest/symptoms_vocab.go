package ingest

import (
	"fmt"
	"strings"
	"unicode"
)

// Side is the side of the body a symptom is on.
type Side string

// The sides. A symptom on the midline (low back, neck) may have no side.
const (
	SideLeft  Side = "left"
	SideRight Side = "right"
	SideBoth  Side = "both" // both sides at once: symmetric symptoms matter (red flags)
)

// Location is where on the body a symptom is felt. The vocabulary is
// fixed, and fine enough to tell nerve territories of the foot and leg
// apart (medial arch from lateral foot, the 1st from the 3rd web space)
// without asking a runner for anatomy.
type Location string

// The locations, from the toes up.
const (
	LocationToes12       Location = "toes_1_2"      // big and second toe, 1st web space
	LocationToes34       Location = "toes_3_4"      // third and fourth toe, 3rd web space
	LocationBallOfFoot   Location = "ball_of_foot"  // under the metatarsal heads
	LocationMedialArch   Location = "medial_arch"   // the inner arch of the sole
	LocationHeel         Location = "heel"          // under and around the heel
	LocationLateralFoot  Location = "lateral_foot"  // outer border of the foot, outer sole, little toe
	LocationDorsalFoot   Location = "dorsal_foot"   // top of the foot (instep)
	LocationMedialAnkle  Location = "medial_ankle"  // inner ankle
	LocationLateralAnkle Location = "lateral_ankle" // outer ankle
	LocationShinFront    Location = "shin_front"    // front of the shin
	LocationShinMedial   Location = "shin_medial"   // inner edge of the shin
	LocationCalf         Location = "calf"
	LocationKnee         Location = "knee"
	LocationHamstring    Location = "hamstring" // back of the thigh
	LocationGlute        Location = "glute"     // buttock
	LocationLowBack      Location = "low_back"
	LocationNeck         Location = "neck"
)

// Sensation is what a symptom feels like.
type Sensation string

// The sensations. The nerve-like ones (electric, burning, tingling,
// pins_and_needles, numbness) are kept apart from one another and from
// sharp and ache because screening tools score them one by one (DN4).
const (
	SensationPain           Sensation = "pain"
	SensationAche           Sensation = "ache"
	SensationSharp          Sensation = "sharp"
	SensationElectric       Sensation = "electric" // electric shocks, shooting
	SensationBurning        Sensation = "burning"
	SensationTingling       Sensation = "tingling"
	SensationPinsAndNeedles Sensation = "pins_and_needles"
	SensationNumbness       Sensation = "numbness"
	SensationCramp          Sensation = "cramp"
	SensationWeakness       Sensation = "weakness"
	SensationClicking       Sensation = "clicking"
)

// Timing is when, relative to running, a symptom shows.
type Timing string

// The timings.
const (
	TimingDuringRun   Timing = "during_run"
	TimingAfterRun    Timing = "after_run"
	TimingNextMorning Timing = "next_morning"
	TimingAtRest      Timing = "at_rest"
	TimingNight       Timing = "night"
)

// ParseSide returns the side that s names: left, right or both, or an
// alias (l, r, lt, rt, bilateral, ...). Empty text and words for "no side"
// (none, central, midline, n/a) give "" and no error. A word outside the
// vocabulary gives a [*SymptomError] suggesting the nearest side.
func ParseSide(s string) (Side, error) {
	if normWord(s) == "" {
		return "", nil
	}
	name, err := sideVocabulary().lookup(s)
	if err != nil {
		return "", &SymptomError{Field: "side", Value: s, Err: err}
	}
	return Side(name), nil
}

// ParseLocation returns the location that s names, by its name or an
// alias ("big toe", "arch", "lower back", ...), ignoring case, spaces,
// hyphens and underscores. Otherwise it returns a [*SymptomError] that
// suggests the nearest locations.
func ParseLocation(s string) (Location, error) {
	name, err := locationVocabulary().lookup(s)
	if err != nil {
		return "", &SymptomError{Field: "location", Value: s, Err: err}
	}
	return Location(name), nil
}

// ParseSensation returns the one sensation that s names, like
// [ParseLocation]. It does not split lists.
func ParseSensation(s string) (Sensation, error) {
	name, err := sensationVocabulary().lookup(s)
	if err != nil {
		return "", &SymptomError{Field: "sensation", Value: s, Err: err}
	}
	return Sensation(name), nil
}

// ParseTiming returns the one timing that s names, like [ParseLocation].
// It does not split lists.
func ParseTiming(s string) (Timing, error) {
	name, err := timingVocabulary().lookup(s)
	if err != nil {
		return "", &SymptomError{Field: "timing", Value: s, Err: err}
	}
	return Timing(name), nil
}

// Sides returns every Side, in a fixed order.
func Sides() []Side { return names[Side](sideVocabulary()) }

// Locations returns every Location, from the toes up.
func Locations() []Location { return names[Location](locationVocabulary()) }

// Sensations returns every Sensation, in a fixed order.
func Sensations() []Sensation { return names[Sensation](sensationVocabulary()) }

// Timings returns every Timing, in the order of a day around a run.
func Timings() []Timing { return names[Timing](timingVocabulary()) }

func names[T ~string](v vocabulary) []T {
	var out []T
	for _, t := range v.terms {
		if t.name != "" {
			out = append(out, T(t.name))
		}
	}
	return out
}

// vocabulary is a closed set of words with aliases. Each one is built by a
// function, so nothing in it can be changed by a caller.
type vocabulary struct {
	what  string // "location", for messages
	terms []term
	// hints are words that are not aliases, because they could mean more
	// than one name ("shin") or are not quite right ("foot drop" is a
	// weakness, but one to write about in notes); an unknown-word error
	// suggests their names.
	hints []hint
}

// hint is a word that suggests names without standing for them.
type hint struct {
	word  string
	names []string
}

// term is a name and its aliases, all written as normWord returns them
// (a test checks this).
type term struct {
	name    string
	aliases []string
}

func sideVocabulary() vocabulary {
	return vocabulary{what: "side", terms: []term{
		{"left", []string{"l", "lt", "left_side"}},
		{"right", []string{"r", "rt", "right_side"}},
		{"both", []string{"bilateral", "both_sides", "left_and_right", "l/r", "l_and_r", "l+r"}},
		// No side: lookup gives "".
		{"", []string{"none", "central", "centre", "center", "midline", "middle", "n/a", "na"}},
	}}
}

func locationVocabulary() vocabulary {
	return vocabulary{what: "location", terms: []term{
		{"toes_1_2", []string{"big_toe", "great_toe", "hallux", "first_toe", "1st_toe", "second_toe", "2nd_toe",
			"toes_1_and_2", "first_web_space", "1st_web_space", "between_toes_1_and_2"}},
		// Morton's neuroma sits in the 3rd web space in 85-90% of cases
		// (domain.md A6), so the web space gets its own aliases.
		{"toes_3_4", []string{"third_toe", "3rd_toe", "fourth_toe", "4th_toe", "toes_3_and_4",
			"third_web_space", "3rd_web_space", "between_toes_3_and_4", "between_3rd_and_4th_toes",
			"between_third_and_fourth_toes"}},
		{"ball_of_foot", []string{"ball", "ball_of_the_foot", "forefoot", "metatarsal", "metatarsals",
			"metatarsal_heads", "met_heads"}},
		{"medial_arch", []string{"arch", "inner_arch", "inside_arch", "arch_of_foot", "arch_of_the_foot", "plantar_arch"}},
		{"heel", []string{"heels", "calcaneus", "heel_pad", "bottom_of_heel", "under_heel"}},
		// The little toe is on the lateral border: sural and lateral
		// plantar territory, like the rest of it (domain.md A6).
		{"lateral_foot", []string{"outer_foot", "outside_foot", "outside_of_foot", "outer_edge_of_foot",
			"outside_edge_of_foot", "lateral_border", "lateral_sole", "outer_sole", "little_toe", "pinky_toe",
			"fifth_toe", "5th_toe", "5th_metatarsal", "fifth_metatarsal"}},
		// "Instep" is the arched top of the foot, where laces press
		// (dictionary and shoe-fitting sense), not the arch underneath.
		{"dorsal_foot", []string{"top_of_foot", "top_of_the_foot", "instep", "dorsum", "dorsum_of_foot", "foot_top"}},
		{"medial_ankle", []string{"inner_ankle", "inside_ankle", "inside_of_ankle", "inside_of_the_ankle", "medial_malleolus"}},
		{"lateral_ankle", []string{"outer_ankle", "outside_ankle", "outside_of_ankle", "outside_of_the_ankle", "lateral_malleolus"}},
		{"shin_front", []string{"front_of_shin", "front_of_the_shin", "anterior_shin", "tibialis_anterior"}},
		{"shin_medial", []string{"inner_shin", "inside_shin", "inside_of_shin", "inside_of_the_shin", "medial_shin", "medial_tibia"}},
		{"calf", []string{"calves", "calf_muscle", "back_of_lower_leg", "gastrocnemius", "gastroc", "soleus"}},
		{"knee", []string{"knees", "kneecap", "knee_cap", "patella"}},
		{"hamstring", []string{"hamstrings", "hammy", "back_of_thigh", "back_of_the_thigh", "posterior_thigh"}},
		{"glute", []string{"glutes", "gluteal", "buttock", "buttocks", "butt", "bum"}},
		{"low_back", []string{"lower_back", "lumbar", "lumbar_spine"}},
		{"neck", []string{"cervical", "cervical_spine"}},
	}, hints: []hint{
		{"shin", []string{"shin_front", "shin_medial"}},
		{"shins", []string{"shin_front", "shin_medial"}},
		{"shin_splints", []string{"shin_medial", "shin_front"}},
		{"ankle", []string{"medial_ankle", "lateral_ankle"}},
		{"toe", []string{"toes_1_2", "toes_3_4", "lateral_foot"}},
		{"toes", []string{"toes_1_2", "toes_3_4", "lateral_foot"}},
		{"web_space", []string{"toes_1_2", "toes_3_4"}},
		{"second_web_space", []string{"toes_1_2", "toes_3_4"}},
		{"2nd_web_space", []string{"toes_1_2", "toes_3_4"}},
		{"between_toes_2_and_3", []string{"toes_1_2", "toes_3_4"}},
		{"sole", []string{"ball_of_foot", "medial_arch", "heel", "lateral_foot"}},
		{"foot", []string{"ball_of_foot", "medial_arch", "heel", "lateral_foot", "dorsal_foot"}},
		{"achilles", []string{"heel", "calf"}},
		{"back", []string{"low_back"}},
	}}
}

func sensationVocabulary() vocabulary {
	return vocabulary{what: "sensation", terms: []term{
		{"pain", []string{"painful", "pains", "hurt", "hurts", "hurting"}},
		{"ache", []string{"aches", "aching", "achy", "sore", "soreness", "dull", "dull_ache"}},
		{"sharp", []string{"sharp_pain", "stabbing", "stab"}},
		// Electric and shooting are neuropathic descriptors (DN4 "electric
		// shocks"; domain.md A5 sign 2); sharp is not, so they are not
		// folded into it.
		{"electric", []string{"electrical", "electric_shock", "electric_shocks", "shock", "shocks",
			"shooting", "shooting_pain", "zapping", "zap", "zaps"}},
		{"burning", []string{"burn", "burns", "burning_pain"}},
		{"tingling", []string{"tingle", "tingles", "tingly", "buzzing"}},
		{"pins_and_needles", []string{"pins_&_needles", "pins_n_needles", "pins_needles", "prickling"}},
		{"numbness", []string{"numb", "loss_of_feeling", "no_feeling"}},
		{"cramp", []string{"cramps", "cramping", "cramped", "spasm", "spasms", "charley_horse", "charlie_horse"}},
		{"weakness", []string{"weak", "giving_way", "gives_way", "give_way", "gave_way"}},
		{"clicking", []string{"click", "clicks", "clicky", "pop", "pops", "popping", "snap", "snapping", "clunk"}},
	}, hints: []hint{
		// Foot drop and tripping are urgent (domain.md A7): make the
		// runner pick weakness and describe it, rather than lose it.
		{"foot_drop", []string{"weakness"}},
		{"tripping", []string{"weakness"}},
	}}
}

func timingVocabulary() vocabulary {
	return vocabulary{what: "timing", terms: []term{
		{"during_run", []string{"during", "during_the_run", "while_running", "running", "in_run", "mid_run", "on_run", "on_the_run"}},
		{"after_run", []string{"after", "afterwards", "after_running", "after_the_run", "post_run", "post"}},
		{"next_morning", []string{"morning", "morning_after", "the_morning_after", "on_waking", "waking_up", "first_steps"}},
		{"at_rest", []string{"rest", "resting", "while_resting"}},
		{"night", []string{"at_night", "nights", "nighttime", "night_time", "overnight", "in_bed"}},
	}}
}

// fieldVocabulary names the fields of an entry: CSV columns, YAML and
// JSON keys.
func fieldVocabulary() vocabulary {
	return vocabulary{what: "field", terms: []term{
		{"date", []string{"day"}},
		{"time", []string{"clock", "time_of_day"}},
		{"datetime", []string{"date_time", "date_and_time", "timestamp", "when"}},
		{"side", []string{"laterality"}},
		{"location", []string{"where", "site", "area", "body_part"}},
		{"sensation", []string{"sensations", "symptom", "symptoms", "feeling", "quality"}},
		{"severity", []string{"intensity", "score", "pain_score", "nrs", "rating"}},
		{"timing", []string{"timings", "when_felt"}},
		{"duration", []string{"lasted", "how_long", "length"}},
		{"shoes", []string{"shoe", "footwear"}},
		{"notes", []string{"note", "comment", "comments", "remarks"}},
	}}
}

// lookup returns the name that s stands for. The error says what was
// wrong and suggests names; it carries no field or value.
func (v vocabulary) lookup(s string) (string, error) {
	w := normWord(s)
	if w == "" {
		return "", errMissing
	}
	for _, t := range v.terms {
		if w == t.name {
			return t.name, nil
		}
		for _, a := range t.aliases {
			if w == a {
				return t.name, nil
			}
		}
	}
	if sug := v.suggest(w); len(sug) > 0 {
		return "", fmt.Errorf("unknown %s; did you mean %s?", v.what, orList(sug))
	}
	return "", fmt.Errorf("unknown %s (want one of %s)", v.what, strings.Join(names[string](v), ", "))
}

// isName reports whether s is one of the names (not an alias).
func (v vocabulary) isName(s string) bool {
	for _, t := range v.terms {
		if s != "" && s == t.name {
			return true
		}
	}
	return false
}

// suggest returns up to three names that w, a normalised word that is not
// in v, may have meant: those of a hint, else those of the names and
// aliases nearest in edit distance, else those of the longest name or
// alias that w contains as whole words ("left big toe").
func (v vocabulary) suggest(w string) []string {
	for _, h := range v.hints {
		if w == h.word {
			return h.names
		}
	}
	// every word that stands for names, with the names it stands for
	type cand struct {
		word  string
		names []string
	}
	var cands []cand
	for _, t := range v.terms {
		if t.name == "" {
			continue
		}
		cands = append(cands, cand{t.name, []string{t.name}})
		for _, a := range t.aliases {
			cands = append(cands, cand{a, []string{t.name}})
		}
	}
	for _, h := range v.hints {
		cands = append(cands, cand{h.word, h.names})
	}

	var out []string
	add := func(names []string) {
		for _, n := range names {
			if len(out) < 3 {
				out = appendNew(out, n)
			}
		}
	}
	if n := len([]rune(w)); n <= 64 {
		limit := 1
		switch {
		case n > 10:
			limit = 3
		case n > 5:
			limit = 2
		}
		best := limit + 1
		for _, c := range cands {
			best = min(best, editDistance(w, c.word))
		}
		if best <= limit {
			for _, c := range cands {
				if editDistance(w, c.word) == best {
					add(c.names)
				}
			}
			return out
		}
	}
	longest := 0
	padded := "_" + w + "_"
	for _, c := range cands {
		if len(c.word) >= 3 && len(c.word) > longest && strings.Contains(padded, "_"+c.word+"_") {
			longest = len(c.word)
		}
	}
	for _, c := range cands {
		if len(c.word) == longest && strings.Contains(padded, "_"+c.word+"_") {
			add(c.names)
		}
	}
	return out
}

// orList quotes names: "a", "a" or "b", "a", "b" or "c".
func orList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// normWord folds what a runner types onto the form of names and aliases:
// lower case, with every run of spaces, hyphens, underscores and dots
// turned into one underscore, none at either end, and apostrophes dropped
// ("Big-Toe" and "big  toe" are "big_toe").
func normWord(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '_' || r == '.':
			sep = b.Len() > 0
		case r == '\'' || r == '\u2019':
		default:
			if sep {
				b.WriteByte('_')
				sep = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// editDistance is the optimal-string-alignment distance between a and b
// in runes: the fewest insertions, deletions, substitutions and swaps of
// two neighbours that turn one into the other. Swaps count once because
// they are the commonest typing slip ("rigth"); plain Levenshtein would
// count two.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1) // row i-2
	prev := make([]int, len(rb)+1)  // row i-1
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
