package scenarios

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/invalid")

// testEnv is the environment the test files see: DRILL_TEST_SET is set, nothing else is.
func testEnv(name string) (string, bool) {
	if name == "DRILL_TEST_SET" {
		return "from-env", true
	}
	return "", false
}

func TestValidFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	stacks, _ := filepath.Glob("testdata/stacks/*.yaml")
	files = append(files, stacks...)
	if len(files) < 5 {
		t.Fatalf("only %d valid files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if _, err := LoadDocument(f, WithEnv(testEnv)); err != nil {
				t.Errorf("want valid, got:\n%v", err)
			}
		})
	}
}

// TestInvalidFiles loads every file of testdata/invalid and compares the error text, one
// error per line with positions, with NAME.golden. go test -update rewrites the goldens.
func TestInvalidFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(files) < 40 {
		t.Errorf("only %d invalid files, want at least 40", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := LoadDocument(f, WithEnv(testEnv))
			if err == nil {
				t.Fatal("loaded without error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not match ErrInvalid: %v", err)
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Errorf("error is not a non-empty Errors: %T", err)
			}
			matchGolden(t, f, "errors", err.Error()+"\n")
		})
	}
}

// matchGolden compares got with the golden file beside the YAML file f (NAME.golden), or
// rewrites it with -update; what names what is compared.
func matchGolden(t *testing.T, f, what, got string) {
	t.Helper()
	golden := strings.TrimSuffix(f, ".yaml") + ".golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differ from %s\n--- got\n%s--- want\n%s", what, golden, got, want)
	}
}

// TestWarningFiles loads every file of testdata/warn, which must be valid, and compares its
// warnings, one a line with positions, with NAME.golden. go test -update rewrites the goldens.
func TestWarningFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/warn/*.yaml")
	if len(files) == 0 {
		t.Fatal("no files in testdata/warn")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := LoadDocument(f, WithEnv(testEnv))
			if err != nil {
				t.Fatalf("want valid, got:\n%v", err)
			}
			if len(doc.Warnings) == 0 {
				t.Fatal("loaded without a warning")
			}
			matchGolden(t, f, "warnings", doc.Warnings.Error()+"\n")
		})
	}
}
