package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// catalogueNames are the names of the scenario files of the catalogue on disk, sorted.
var catalogueNames = func() []string {
	files, _ := filepath.Glob("../../scenarios/*.yaml")
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = strings.TrimSuffix(filepath.Base(f), ".yaml")
	}
	slices.Sort(names)
	return names
}()

func stackEmbedded() bool {
	_, err := os.Stat("../../stacks/cloudsuite/stack.yaml")
	return err == nil
}

func TestListJSON(t *testing.T) {
	code, out, _ := runCLI(t, "list", "-o", "json")
	var entries []listEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name)
	}
	if strings.Join(names, " ") != strings.Join(catalogueNames, " ") {
		t.Errorf("names %v", names)
	}
	if !stackEmbedded() {
		if code != exitUsage || entries[0].Error == "" {
			t.Errorf("without the stack: exit %d, entry %+v", code, entries[0])
		}
		return
	}
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	a := entries[0]
	if len(a.Sizes) != 3 || a.Sizes[0].Name != "small" || a.Sizes[2].Sites < 400 || a.Targets["rto"] != "5m" || a.Description == "" {
		t.Errorf("atlassian-2022: %+v", a)
	}
}

func TestListYAMLAndTable(t *testing.T) {
	_, out, _ := runCLI(t, "list", "-o", "yaml")
	var entries []map[string]any
	if err := yaml.Unmarshal([]byte(out), &entries); err != nil || len(entries) != len(catalogueNames) {
		t.Errorf("yaml: %v, %d entries", err, len(entries))
	}
	_, out, _ = runCLI(t, "list")
	for _, want := range append([]string{"NAME", "SIZES (SITES)", "TARGETS", "DESCRIPTION"}, catalogueNames...) {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if stackEmbedded() && (!strings.Contains(out, "small 8") || !strings.Contains(out, "rto 5m")) {
		t.Errorf("table lacks sizes or targets:\n%s", out)
	}
	if code, _, errOut := runCLI(t, "list", "-o", "xml"); code != exitUsage || !strings.Contains(errOut, "want table, json or yaml") {
		t.Errorf("-o xml: exit %d, %q", code, errOut)
	}
}

// TestListAFileScenario: a file scenario is listed with its sizes and targets as a built-in is
// (the JSON keeps the per-size overrides); a file that does not load is listed with its error.
func TestListAFileScenario(t *testing.T) {
	code, out, errOut := runCLI(t, "list", "-o", "json", testdata+"valid/full.yaml")
	var entries []listEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil || code != exitPass || len(entries) != 1 {
		t.Fatalf("exit %d, %v: %s%s", code, err, out, errOut)
	}
	e := entries[0]
	sizes, _ := json.Marshal(e.Sizes)
	if e.Name != "full" || e.Stack != "../stacks/suite.yaml" || string(sizes) != `[{"name":"small","sites":8,"params":{"label":"s","records":"200","sites":"8"}},{"name":"medium","sites":80,"params":{"label":"m","records":"1000","sites":"80"}},{"name":"large","sites":400,"params":{"label":"l","records":"5000","sites":"400"}}]` ||
		e.Targets["rto"] != "5m" || e.Targets["sizes"].(map[string]any)["large"].(map[string]any)["rto"] != "20m" ||
		e.Expect != "fail: collateral-lost-writes, milestone:customers-notified" {
		t.Errorf("full.yaml: %+v", e)
	}
	_, out, _ = runCLI(t, "list", testdata+"valid/full.yaml")
	for _, want := range []string{"full", "small 8", "large 400", "rto 5m, site-rto-p95 3m", "expect fail: collateral-lost-writes"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCLI(t, "list", testdata+"valid/full.yaml", "no-such.yaml")
	if code != exitUsage || !strings.Contains(out, "invalid: no-such.yaml") || errOut != "drill: 1 scenario does not load (drill validate NAME shows why)\n" {
		t.Errorf("a file that does not load: exit %d\n%s%q", code, out, errOut)
	}
}
