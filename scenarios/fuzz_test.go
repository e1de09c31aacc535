package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
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

// FuzzCompose feeds arbitrary bytes to a built-in stack as its compose file: the same rules as
// FuzzLoad, and every error names a file.
func FuzzCompose(f *testing.F) {
	files, _ := filepath.Glob("testdata/compose/*.yml")
	files = append(files, "../stacks/pg-compose/docker-compose.yml")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	stack := []byte(`apiVersion: drill/v1
kind: Stack
name: fuzz
compose: docker-compose.yml
tenants: {seed: {action: seed}, list: {exec: {service: db, command: [ls]}}}
actions: {seed: {steps: [{exec: {service: db, command: [seed]}}]}}
`)
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"stacks/fuzz/stack.yaml": {Data: stack}, "stacks/fuzz/docker-compose.yml": {Data: data}}
		st, err := LoadStack("fuzz", WithCatalog(fsys), WithEnv(testEnv))
		if err == nil {
			if st == nil || st.Services == nil {
				t.Fatalf("no error and no services: %+v", st)
			}
			return
		}
		var es Errors
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("error is not ErrInvalid Errors: %T %v", err, err)
		}
		for _, e := range es {
			if e.Pos.File == "" || strings.TrimSpace(e.Msg) == "" {
				t.Fatalf("error without file or message: %#v", e)
			}
		}
	})
}
