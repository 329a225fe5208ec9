package layout

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/gaitkeeper/gaitkeeper"

// rule says which imports a package may not have. A deny entry matches an
// import path equal to it or below it.
type rule struct {
	pkg  string // directory relative to the module root
	deny []string
}

const (
	fit   = "github.com/muktihari/fit"
	arrow = "github.com/apache/arrow-go"
	viper = "github.com/spf13/viper"
	cobra = "github.com/spf13/cobra"
	pflag = "github.com/spf13/pflag"
	cmd   = module + "/cmd"
)

func rules() []rule {
	libs := []string{arrow, viper, cobra, pflag, cmd}
	return []rule{
		{"ingest", append([]string{module + "/gait", module + "/report", module + "/internal"}, libs...)},
		{"gait", append([]string{fit, module + "/report", module + "/internal"}, libs...)},
		{"report", append([]string{fit, module + "/internal"}, libs...)},
		{"internal/store", []string{fit, viper, cobra, pflag, cmd, module + "/gait", module + "/report"}},
		{"internal/config", []string{fit, arrow, cobra, cmd, module + "/internal/store"}},
		{"configs", []string{module}},
		{"cmd/gaitkeeper", []string{fit, arrow, viper}},
	}
}

func denied(path string, deny []string) bool {
	for _, d := range deny {
		if path == d || strings.HasPrefix(path, d+"/") {
			return true
		}
	}
	return false
}

// imports returns the imports of the non-test Go files directly in dir.
func imports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range f.Imports {
			p, _ := strconv.Unquote(s.Path.Value)
			out[p] = append(out[p], e.Name())
		}
	}
	return out
}

func TestImportRules(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, r := range rules() {
		imps := imports(t, filepath.Join(root, r.pkg))
		if len(imps) == 0 && r.pkg != "configs" {
			t.Errorf("%s: no Go files read; is the rule's path right?", r.pkg)
		}
		for p, files := range imps {
			if denied(p, r.deny) {
				t.Errorf("%s imports %s (%s): against STYLE.md 3.1", r.pkg, p, strings.Join(files, ", "))
			}
		}
	}
}

// TestOwners checks that each library is imported by its owner only,
// anywhere in the module (tests excepted: tormoder/fit cross-checks ingest).
func TestOwners(t *testing.T) {
	owners := map[string]string{fit: "ingest", arrow: "internal/store", viper: "internal/config", cobra: "cmd/gaitkeeper"}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if name := d.Name(); rel != "." && (strings.HasPrefix(name, ".") || name == "node_modules") {
			return filepath.SkipDir
		}
		for p, files := range imports(t, path) {
			for lib, owner := range owners {
				if denied(p, []string{lib}) && filepath.ToSlash(rel) != owner && !strings.HasPrefix(filepath.ToSlash(rel), "testdata/gen") {
					t.Errorf("%s imports %s (%s); only %s may", rel, p, strings.Join(files, ", "), owner)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
