package main

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the committed schemas under schema/ and the goldens under testdata/golden")

// TestSchemaCommitted: the schemas committed under schema/ are what drill schema prints
// (go test ./cmd/drill -run Schema -update rewrites them).
func TestSchemaCommitted(t *testing.T) {
	for _, kind := range []string{"scenario", "stack", "result", "campaign"} {
		code, out, errOut := runCLI(t, "schema", kind)
		if code != 0 {
			t.Fatalf("schema %s: exit %d %s", kind, code, errOut)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("schema %s is not JSON: %v", kind, err)
		}
		path := "../../schema/" + kind + ".json"
		if *update {
			if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./cmd/drill -run Schema -update writes it)", err)
		}
		if string(want) != out {
			t.Errorf("%s is stale: run go test ./cmd/drill -run Schema -update", path)
		}
	}
}

func TestSchemaDefaultAndKeys(t *testing.T) {
	_, def, _ := runCLI(t, "schema")
	_, sc, _ := runCLI(t, "schema", "scenario")
	if def != sc {
		t.Errorf("drill schema does not default to the scenario schema")
	}
	for _, key := range []string{`"recovery-timeout"`, `"steady-state"`, `"project-to"`, `"depends-on"`} {
		if !strings.Contains(sc+mustSchema(t, "stack"), key) {
			t.Errorf("schemas lack the YAML key %s", key)
		}
	}
	if strings.Contains(sc, `"RecoveryTimeout"`) {
		t.Errorf("the scenario schema names Go fields")
	}
	if code, _, _ := runCLI(t, "schema", "bogus"); code != exitUsage {
		t.Errorf("unknown kind: exit %d", code)
	}
}

func mustSchema(t *testing.T, kind string) string {
	t.Helper()
	_, out, _ := runCLI(t, "schema", kind)
	return out
}
