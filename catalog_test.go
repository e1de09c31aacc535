package drill_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	drill "github.com/drill-dev/drill"
	"github.com/drill-dev/drill/scenarios"
)

// TestCatalogEmbedsEveryFile: every scenario file of scenarios/ and every stack file of
// stacks/ on disk is in the embedded catalogue, byte for byte.
func TestCatalogEmbedsEveryFile(t *testing.T) {
	onDisk, _ := filepath.Glob("scenarios/*.yaml")
	stacks, _ := filepath.Glob("stacks/*/stack.yaml")
	onDisk = append(onDisk, stacks...)
	if len(onDisk) < 6 {
		t.Fatalf("only %d catalogue files on disk", len(onDisk))
	}
	for _, p := range onDisk {
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fs.ReadFile(drill.Catalog(), filepath.ToSlash(p))
		if err != nil {
			t.Errorf("%s is not embedded (add its pattern to catalog.go): %v", p, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s: embedded copy differs", p)
		}
	}
}

// TestCatalogValidates loads every built-in by name, as an installed drill would.
func TestCatalogValidates(t *testing.T) {
	names := scenarios.Builtins(nil, "Scenario")
	if len(names) < 6 {
		t.Fatalf("built-in scenarios: %v", names)
	}
	stacks := scenarios.Builtins(nil, "Stack")
	if len(stacks) == 0 {
		t.Skip("no stack file in the catalogue yet (stacks/cloudsuite/stack.yaml)")
	}
	for _, n := range stacks {
		if _, err := scenarios.LoadStack(n); err != nil {
			t.Errorf("built-in stack %s:\n%v", n, err)
		}
	}
	for _, n := range names {
		sc, err := scenarios.Load(n)
		if err != nil {
			t.Errorf("built-in scenario %s:\n%v", n, err)
			continue
		}
		if sc.File != "builtin:scenarios/"+n+".yaml" || sc.Name != n {
			t.Errorf("%s: file %q, name %q", n, sc.File, sc.Name)
		}
	}
}
