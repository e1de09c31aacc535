package scenarios

import (
	"os"
	"path"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// TestCatalogueScenarios loads every scenario of the catalogue against a stand-in of the
// cloudsuite stack (testdata/stacks/cloudsuite-standin.yaml), so that a mistake in a catalogue
// file shows here even before the real stack file exists, and against the real files of the
// other stacks (../stacks/*/stack.yaml, with their docker-compose.yml: the examples pg-tenants,
// maria-tenants, pg-compose).
// catalog_test.go at the module root checks them all against the real ones.
func TestCatalogueScenarios(t *testing.T) {
	standin, err := os.ReadFile("testdata/stacks/cloudsuite-standin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"stacks/cloudsuite/stack.yaml": {Data: standin}}
	stacks, _ := filepath.Glob("../stacks/*/stack.yaml")
	for _, f := range stacks {
		name := filepath.Base(filepath.Dir(f))
		if name == "cloudsuite" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fsys["stacks/"+name+"/stack.yaml"] = &fstest.MapFile{Data: data}
		if data, err := os.ReadFile(filepath.Join(filepath.Dir(f), "docker-compose.yml")); err == nil {
			fsys["stacks/"+name+"/docker-compose.yml"] = &fstest.MapFile{Data: data}
		}
	}
	files, _ := filepath.Glob("*.yaml")
	if len(files) < 6 {
		t.Fatalf("only %d catalogue scenarios", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fsys["scenarios/"+f] = &fstest.MapFile{Data: data}
	}
	for _, f := range files {
		name := f[:len(f)-len(path.Ext(f))]
		t.Run(name, func(t *testing.T) {
			sc, err := Load(name, WithCatalog(fsys))
			if err != nil {
				t.Fatalf("invalid:\n%v", err)
			}
			if sc.Name != name {
				t.Errorf("name %q differs from the file name", sc.Name)
			}
			if sc.Description == "" || len(sc.Sizes) < 3 || sc.Sizes[2].Sites < 400 {
				t.Errorf("want a description and sizes small, medium, large (at least 400 sites): %v", sc.SizeNames())
			}
		})
	}
}
