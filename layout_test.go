package drill

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/drill-dev/drill"

// layout is which of drill's packages each package may import (docs/architecture.md):
// imports point down, from the CLI to the engine to its rooms, never back up. A package not
// named here fails the test until it is placed. "." is the module root (the embedded
// catalogue); a trailing "/..." names a folder and everything below it.
var layout = map[string][]string{
	".":                           {},
	"ack":                         {},
	"scenarios":                   {"."},
	"result":                      {},
	"result/fixtures":             {"result", "harness/recovery"},
	"harness/runtime":             {},
	"harness/runtime/runtimetest": {"harness/runtime"},
	"harness/clock":               {},
	"harness/recovery":            {"result"},
	"harness/transport":           {"harness/runtime", "scenarios"},
	"harness/verify":              {"harness/clock", "harness/recovery", "harness/transport", "result", "scenarios"},
	"harness/canary":              {"harness/clock", "harness/recovery", "harness/transport", "scenarios"},
	"harness":                     {"harness/canary", "harness/clock", "harness/recovery", "harness/runtime", "harness/transport", "harness/verify", "result", "scenarios"},
	"harness/docker":              {"harness/runtime"},
	"harness/kube":                {"harness/runtime"},
	"harness/launch":              {"harness", "harness/docker", "harness/kube", "harness/runtime", "reports", "result", "scenarios"},
	"reports/history":             {"result"},
	"reports":                     {"reports/history", "result"},
	"drills":                      {"harness", "harness/...", "reports", "result", "scenarios"},
	"cmd/drill":                   {"ack", "harness", "harness/...", "reports", "reports/history", "result", "scenarios"},
	"scripts/...":                 {"result"},
	"kubetest":                    {},
	"stacks/...":                  {"stacks/..."},
	"cmd/cloudsuite":              {"stacks/..."},
	"cmd/drill-volume":            {},
}

// sdks are the engine SDKs and the one package each may be imported by.
var sdks = map[string][]string{
	"github.com/testcontainers/testcontainers-go": {"harness/docker"},
	"github.com/docker/":                          {"harness/docker"},
	"k8s.io/":                                     {"harness/kube", "kubetest"},
}

// Every package imports only the drill packages its place in the layout allows, and an engine
// SDK only from its runtime: no upward import, no cycle through the rooms of harness/.
func TestImportsPointDown(t *testing.T) {
	for pkg, imports := range packageImports(t) {
		may, ok := allowed(pkg)
		if !ok {
			t.Errorf("%s: not in the layout of layout_test.go: say which of drill's packages it may import", pkg)
			continue
		}
		for _, imp := range imports {
			if own, ok := strings.CutPrefix(imp, module); ok {
				own = strings.TrimPrefix(own, "/")
				if own == "" {
					own = "."
				}
				if !matches(may, own) {
					t.Errorf("%s imports %s: not allowed (it may import %v)", pkg, own, may)
				}
				continue
			}
			for sdk, users := range sdks {
				if strings.HasPrefix(imp, sdk) && !matches(users, pkg) {
					t.Errorf("%s imports %s: only %v may", pkg, imp, users)
				}
			}
		}
	}
}

// allowed is what a package may import: its own entry, else the nearest folder entry.
func allowed(pkg string) ([]string, bool) {
	if may, ok := layout[pkg]; ok {
		return may, true
	}
	for dir := pkg; dir != "."; dir = filepath.Dir(dir) {
		if may, ok := layout[dir+"/..."]; ok {
			return may, true
		}
	}
	return nil, false
}

func matches(patterns []string, pkg string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool {
		if dir, ok := strings.CutSuffix(p, "/..."); ok {
			return pkg == dir || strings.HasPrefix(pkg, dir+"/")
		}
		return p == pkg
	})
}

// packageImports reads the imports of every package's non-test files, by folder relative to
// the module root.
func packageImports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if name := e.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != "." {
				return filepath.SkipDir // another module (scripts/kube)
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		for _, s := range f.Imports {
			imp, _ := strconv.Unquote(s.Path.Value)
			if !slices.Contains(out[pkg], imp) {
				out[pkg] = append(out[pkg], imp)
			}
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
