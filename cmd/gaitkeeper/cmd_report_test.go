package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gaitkeeper/gaitkeeper/internal/config"
)

// reportScenario is a folder of FIT files with a symptom log and the
// day its report is made.
type reportScenario struct {
	name     string
	dir      string // relative to the repository root
	symptoms string // "" when the folder has no log
	asOf     string
}

// reportScenarios returns the demo athlete and every folder under
// testdata/scenarios (each with *.fit, symptoms.csv and now.txt), with
// paths relative to the repository root.
func reportScenarios(t *testing.T, root string) []reportScenario {
	t.Helper()
	out := []reportScenario{{"demo", "testdata/demo", "testdata/demo/symptoms.csv", "2026-11-22"}}
	dirs, err := filepath.Glob(filepath.Join(root, "testdata", "scenarios", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			continue
		}
		name := filepath.Base(d)
		now, err := os.ReadFile(filepath.Join(d, "now.txt"))
		if err != nil {
			t.Fatalf("scenario %s: %v", name, err)
		}
		sc := reportScenario{name: name, dir: "testdata/scenarios/" + name, asOf: strings.TrimSpace(string(now))}
		if _, err := os.Stat(filepath.Join(d, "symptoms.csv")); err == nil {
			sc.symptoms = sc.dir + "/symptoms.csv"
		}
		out = append(out, sc)
	}
	return out
}

// inRepoRoot makes the repository root the working directory, so that
// file names in reports read as in the README ("testdata/demo/…"), and
// returns the absolute path of this package's testdata/report.
func inRepoRoot(t *testing.T) (goldenDir string) {
	t.Helper()
	goldenDir, err := filepath.Abs(filepath.Join("testdata", "report"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join("..", ".."))
	return goldenDir
}

// demoZone is the demo athlete's time zone: symptom logs are read in it,
// so reports do not depend on the zone of the machine.
const demoZone = "Europe/Berlin"

// TestReportGolden writes the report of every scenario in every format
// and compares it with cmd/gaitkeeper/testdata/report/<scenario>.<ext>.
// The first run ingests the folder into a fresh store; the others read
// the store. The demo's store then serves the tests of its story, of the
// report day, and of its HTML in Chromium (ingesting the demo is the
// slow part, a minute under -race).
func TestReportGolden(t *testing.T) {
	noUserConfig(t)
	t.Setenv("GAITKEEPER_SYMPTOMS_TIMEZONE", demoZone)
	goldenDir := inRepoRoot(t)
	for _, sc := range reportScenarios(t, ".") {
		t.Run(sc.name, func(t *testing.T) {
			st := t.TempDir()
			athlete := sc.name
			if sc.name != "demo" {
				athlete = "story-" + sc.name
			}
			outs := map[string]string{}
			for i, format := range []string{"text", "json", "md", "html"} {
				args := []string{"report", "--athlete", athlete, "--store", st, "--as-of", sc.asOf, "--format", format}
				if sc.symptoms != "" {
					args = append(args, "--symptoms", sc.symptoms)
				}
				if i == 0 {
					args = append(args, sc.dir)
				}
				out, errOut, code := runCLI(t, args...)
				if code != exitOK {
					t.Fatalf("%s: exit %d: %s", format, code, errOut)
				}
				if strings.Contains(out, st) {
					t.Errorf("%s: the store's temporary path is in the report", format)
				}
				if i == 0 && sc.name == "demo" && !strings.Contains(errOut, "54 activities added") {
					t.Errorf("stderr %q: want the 54 demo runs stored", errOut)
				}
				goldenFile(t, filepath.Join(goldenDir, sc.name+formatExt[format]), out)
				outs[format] = out
			}
			var doc reportJSON
			if err := json.Unmarshal([]byte(outs["json"]), &doc); err != nil {
				t.Fatalf("invalid JSON: %v", err)
			}
			// The stories of issue 5 (testdata/scenarios/*/README.md): (a)
			// and (b) must send the runner to a clinician, (c) is a risk.
			if want, ok := map[string]string{"demo": "refer", "a": "refer", "b": "refer", "c": "risk"}[sc.name]; ok && doc.Verdict != want {
				t.Errorf("verdict %q, want %q", doc.Verdict, want)
			}
			if sc.name != "demo" {
				return
			}
			t.Run("story", func(t *testing.T) { checkDemoStory(t, doc) })
			t.Run("as-of", func(t *testing.T) { checkDemoAsOf(t, st) })
			t.Run("chromium", func(t *testing.T) { checkInChromium(t, outs["html"]) })
		})
	}
}

// reportJSON is the part of the JSON report the tests below read.
type reportJSON struct {
	Athlete string `json:"athlete"`
	AsOf    string `json:"as_of"`
	Verdict string `json:"verdict"`
	Flags   []struct {
		Kind     string         `json:"kind"`
		Rule     string         `json:"rule"`
		Severity string         `json:"severity"`
		Message  string         `json:"message"`
		Evidence map[string]any `json:"evidence"`
		Source   string         `json:"source"`
		When     string         `json:"when"`
	} `json:"flags"`
	Runs []struct {
		File  string   `json:"file"`
		Flags []string `json:"flags"`
	} `json:"runs"`
	Symptoms []struct {
		Time string `json:"time"`
	} `json:"symptoms"`
}

// checkDemoStory checks that the demo's report tells its story: the
// 22 km spike of 2026-10-18, late-run asymmetry in the long runs after
// it, and toe tingling that persists at rest, which is a red flag: see a
// clinician.
func checkDemoStory(t *testing.T, doc reportJSON) {
	t.Helper()
	if doc.AsOf != "2026-11-22" || doc.Verdict != "refer" || len(doc.Runs) != 54 || len(doc.Symptoms) != 9 {
		t.Fatalf("as of %s, verdict %s, %d runs, %d symptoms; want 2026-11-22, refer, 54, 9", doc.AsOf, doc.Verdict, len(doc.Runs), len(doc.Symptoms))
	}
	first := doc.Flags[0]
	if first.Kind != "red_flag" || first.Rule != "red.persistent_nerve" || !strings.Contains(first.Message, "see a clinician") {
		t.Errorf("first flag %s %s %q: want the persistent nerve red flag, saying to see a clinician", first.Kind, first.Rule, first.Message)
	}
	flagged := map[string][]string{}
	for _, r := range doc.Runs {
		flagged[filepath.Base(r.File)] = r.Flags
	}
	if got := flagged["2026-10-18-long.fit"]; !slices.Contains(got, "overuse.session_spike") {
		t.Errorf("2026-10-18-long.fit flags %v: want the session spike", got)
	}
	for _, f := range doc.Flags {
		if f.Rule == "overuse.session_spike" && f.Evidence["band"] != "moderate" {
			t.Errorf("spike evidence %v: want Frandsen's moderate band (22 ÷ 15.5 = 1.419)", f.Evidence)
		}
		if f.Source == "" {
			t.Errorf("%s has no source", f.Rule)
		}
	}
	for _, long := range []string{"2026-11-08-long.fit", "2026-11-15-long.fit", "2026-11-22-long.fit"} {
		if got := flagged[long]; !slices.Contains(got, "form.asymmetry_drift") || !slices.Contains(got, "form.cadence_drift") {
			t.Errorf("%s flags %v: want the late asymmetry and cadence drift", long, got)
		}
	}
	for name, rules := range flagged {
		if len(rules) > 0 && !strings.Contains(name, "long") {
			t.Errorf("easy run %s flagged %v: the demo's easy runs are steady", name, rules)
		}
	}
}

// checkDemoAsOf checks the report day on the demo's store: it defaults
// to the later of the last run (2026-11-22 08:32) and the last symptom
// entry (2026-11-22 18:00); --as-of leaves out what came later: on the
// day of the spike, the spike and the first sore forefoot are all there
// is.
func checkDemoAsOf(t *testing.T, st string) {
	report := func(args ...string) reportJSON {
		t.Helper()
		args = append([]string{"report", "--athlete", "demo", "--store", st, "--format", "json", "--symptoms", "testdata/demo/symptoms.csv"}, args...)
		out, errOut, code := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		var doc reportJSON
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		return doc
	}
	if doc := report(); doc.AsOf != "2026-11-22" {
		t.Errorf("default report day %s, want 2026-11-22", doc.AsOf)
	}
	doc := report("--as-of", "2026-10-18")
	// 31 runs from 2026-08-31 to 2026-10-18 (testdata/demo/README.md).
	if doc.AsOf != "2026-10-18" || len(doc.Runs) != 31 || len(doc.Symptoms) != 1 {
		t.Fatalf("as of %s: %d runs, %d symptoms; want 31 and 1", doc.AsOf, len(doc.Runs), len(doc.Symptoms))
	}
	var rules []string
	for _, f := range doc.Flags {
		rules = append(rules, f.Rule)
	}
	if doc.Verdict != "risk" || !slices.Contains(rules, "overuse.session_spike") || slices.Contains(rules, "red.persistent_nerve") {
		t.Errorf("verdict %s, flags %v: want risk with the spike and no nerve red flag yet", doc.Verdict, rules)
	}
}

func TestReportBadInput(t *testing.T) {
	noUserConfig(t)
	st := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no athlete", []string{"report", "--store", st}, exitUsage, "--athlete is required"},
		{"bad format", []string{"report", "--athlete", "a", "--store", st, "--format", "pdf"}, exitUsage, `--format "pdf"`},
		{"bad as-of", []string{"report", "--athlete", "a", "--store", st, "--as-of", "22/11/2026"}, exitUsage, `--as-of "22/11/2026"`},
		{"nothing stored", []string{"report", "--athlete", "a", "--store", st}, exitFailed, "athlete a: no runs and no symptom log"},
		{"bad symptom log", []string{"report", "--athlete", "a", "--store", st, "--symptoms", filepath.Join("..", "..", "ingest", "testdata", "symptoms", "bad.csv")},
			exitFailed, "bad.csv:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}

// A file that is not FIT among the paths is named on stderr with its
// byte offset and makes the exit status 1; the report of the others is
// still written.
func TestReportIngestsWhatItCan(t *testing.T) {
	noUserConfig(t)
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "2026-10-18-long.fit"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "good.fit"), good, 0o644)
	os.WriteFile(filepath.Join(dir, "bad.fit"), []byte("not a FIT file at all"), 0o644)
	out, errOut, code := runCLI(t, "report", "--athlete", "a", "--store", t.TempDir(), dir)
	if code != exitFailed || !strings.Contains(errOut, "bad.fit: byte") || !strings.Contains(out, "1 run, 22.0 km") {
		t.Errorf("exit %d\nstderr %s\nstdout %s", code, errOut, out)
	}
}

// Text from the data reaches the HTML escaped: a symptom note that is a
// script, shoes and a file name with &, " and <. The Markdown escapes it
// too, and the JSON stays valid.
func TestReportEscapesUserText(t *testing.T) {
	noUserConfig(t)
	t.Setenv("GAITKEEPER_SYMPTOMS_TIMEZONE", demoZone)
	dir := t.TempDir()
	const evil = `a&"<b.fit`
	for name, src := range map[string]string{"2026-10-11-long.fit": "2026-10-11-long.fit", evil: "2026-10-18-long.fit"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	log := filepath.Join(t.TempDir(), "log.csv")
	os.WriteFile(log, []byte("date,time,side,location,sensation,severity,shoes,notes\n"+
		`2026-10-18,14:30,left,ball of foot,ache,3,"Tom & ""Jerry"" <x>","<script>alert(1)</script>"`+"\n"), 0o644)
	st := t.TempDir()
	outs := map[string]string{}
	for i, format := range []string{"html", "md", "json"} {
		args := []string{"report", "--athlete", "x", "--store", st, "--symptoms", log, "--format", format}
		if i == 0 {
			args = append(args, dir)
		}
		out, errOut, code := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		outs[format] = out
	}
	html := outs["html"]
	if !strings.Contains(html, "overuse.session_spike") {
		t.Fatal("the 22 km run after the 15.5 km one is not flagged: the file name would not reach the flags")
	}
	for _, raw := range []string{"<script", evil, `Tom & "Jerry" <x>`} {
		if strings.Contains(strings.ToLower(html), strings.ToLower(raw)) {
			t.Errorf("HTML holds %q unescaped", raw)
		}
	}
	for _, esc := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "a&amp;&#34;&lt;b.fit", "Tom &amp; &#34;Jerry&#34; &lt;x&gt;"} {
		if !strings.Contains(html, esc) {
			t.Errorf("HTML lacks the escaped %q", esc)
		}
	}
	if strings.Contains(outs["md"], "<script>") || !strings.Contains(outs["md"], `\<script\>alert(1)\</script\>`) {
		t.Errorf("Markdown does not escape the note")
	}
	var doc struct {
		Symptoms []struct {
			Notes string `json:"notes"`
		} `json:"symptoms"`
	}
	if err := json.Unmarshal([]byte(outs["json"]), &doc); err != nil || len(doc.Symptoms) != 1 || doc.Symptoms[0].Notes != "<script>alert(1)</script>" {
		t.Errorf("JSON: %v, %+v", err, doc)
	}
}

// --all writes every athlete's report and an index sorted by verdict,
// then name, linking each report.
func TestReportAll(t *testing.T) {
	noUserConfig(t)
	t.Setenv("GAITKEEPER_SYMPTOMS_TIMEZONE", demoZone)
	inRepoRoot(t)
	st := t.TempDir()
	put := func(athlete string, files ...string) {
		t.Helper()
		args := []string{"report", "--athlete", athlete, "--store", st}
		for _, f := range files {
			args = append(args, "testdata/demo/"+f)
		}
		if _, errOut, code := runCLI(t, args...); code != exitOK {
			t.Fatalf("%s: exit %d: %s", athlete, code, errOut)
		}
	}
	put("carl", "2026-09-04-easy.fit")
	put("bob", "2026-09-02-easy.fit")
	put("anna", "2026-10-11-long.fit", "2026-10-18-long.fit") // 22 ÷ 15.5 km: a moderate spike, risk
	put("demo", "2026-11-15-long.fit", "2026-11-22-long.fit")
	// The demo's diary, stored: nerve signs for 21 days, refer.
	cfg, err := config.Load(config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := storeFlags{dir: st}.open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	diary, _ := s.SymptomsPath("demo")
	log, err := os.ReadFile("testdata/demo/symptoms.csv")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(diary), 0o755)
	if err := os.WriteFile(diary, log, 0o644); err != nil {
		t.Fatal(err)
	}

	want := []struct{ athlete, verdict string }{{"demo", "refer"}, {"anna", "risk"}, {"bob", "none"}, {"carl", "none"}}
	dir := filepath.Join(t.TempDir(), "coach")
	out, errOut, code := runCLI(t, "report", "--all", "--store", st, "--format", "html", "-o", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	for _, w := range want {
		page, err := os.ReadFile(filepath.Join(dir, w.athlete+".html"))
		if err != nil {
			t.Errorf("%s: %v", w.athlete, err)
		} else if !strings.Contains(string(page), `class="top verdict-`+w.verdict+`"`) {
			t.Errorf("%s.html: want verdict %s", w.athlete, w.verdict)
		}
		at := strings.Index(string(index), `href="`+w.athlete+`.html"`)
		row := strings.LastIndex(string(index)[:max(at, 0)], "<tr ")
		if at < 0 || at < last || !strings.HasPrefix(string(index)[row:], `<tr class="verdict-`+w.verdict+`"`) {
			t.Errorf("index: %s (%s) at %d, after %d; want sorted by verdict, then name", w.athlete, w.verdict, at, last)
		}
		last = at
		if !strings.Contains(out, w.verdict+strings.Repeat(" ", 8-len(w.verdict))+w.athlete) {
			t.Errorf("stdout lacks the %s row:\n%s", w.athlete, out)
		}
	}

	jsonDir := filepath.Join(t.TempDir(), "json")
	if _, errOut, code := runCLI(t, "report", "--all", "--store", st, "--format", "json", "-o", jsonDir); code != exitOK {
		t.Fatalf("json: exit %d: %s", code, errOut)
	}
	var doc struct {
		Athletes []struct {
			Athlete, Verdict, Report string
		} `json:"athletes"`
	}
	data, _ := os.ReadFile(filepath.Join(jsonDir, "index.json"))
	if err := json.Unmarshal(data, &doc); err != nil || len(doc.Athletes) != len(want) {
		t.Fatalf("index.json: %v, %+v", err, doc)
	}
	for i, w := range want {
		if a := doc.Athletes[i]; a.Athlete != w.athlete || a.Verdict != w.verdict || a.Report != w.athlete+".json" {
			t.Errorf("index.json row %d: %+v, want %s %s", i, a, w.athlete, w.verdict)
		}
	}

	for _, args := range [][]string{
		{"report", "--all", "--store", st},
		{"report", "--all", "--store", st, "--athlete", "anna", "-o", dir},
		{"report", "--all", "--store", st, "-o", dir, "testdata/demo"},
	} {
		if _, _, code := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
