package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader: it must return a document or ErrInvalid errors
// with positions, never panic, and never report an error without a file name.
func FuzzLoad(f *testing.F) {
	for _, glob := range []string{"testdata/valid/*.yaml", "testdata/invalid/*.yaml", "testdata/stacks/*.yaml", "*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
	f.Add(aliasBomb())
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := LoadBytes("testdata/valid/fuzz.yaml", data, WithEnv(testEnv))
		if err == nil {
			if doc == nil || (doc.Scenario == nil) == (doc.Stack == nil) {
				t.Fatalf("no error and no single document: %+v", doc)
			}
			return
		}
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("error is not ErrInvalid: %v", err)
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("error is not Errors: %T", err)
		}
		for _, e := range es {
			if e.Pos.File == "" || strings.TrimSpace(e.Msg) == "" {
				t.Fatalf("error without file or message: %#v", e)
			}
		}
	})
}
