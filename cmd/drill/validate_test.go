package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs drill in memory and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	st := &state{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := execute(st, args)
	return code, out.String(), errb.String()
}

const testdata = "../../scenarios/testdata/"

func TestValidate(t *testing.T) {
	code, out, errOut := runCLI(t, "validate", testdata+"valid/full.yaml", testdata+"stacks/suite.yaml")
	if code != 0 {
		t.Fatalf("valid files: exit %d, stderr %q", code, errOut)
	}
	// suite's tracker fingerprint is exec with no batch form: a note on stderr, nothing else.
	notes := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(notes) != 2 || !strings.HasPrefix(notes[0], "note: "+testdata+"valid/full.yaml: products.tracker.fingerprint is exec") ||
		!strings.Contains(notes[0], "400 sites") || !strings.HasPrefix(notes[1], "note: "+testdata+"stacks/suite.yaml: ") {
		t.Errorf("stderr %q, want a probe-cost note per file", errOut)
	}
	for _, want := range []string{"ok  " + testdata + "valid/full.yaml  (Scenario full on stack suite; sizes small, medium, large)",
		"ok  " + testdata + "stacks/suite.yaml  (Stack suite; 5 services, 2 products, 7 actions)"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestValidateInvalid(t *testing.T) {
	code, out, errOut := runCLI(t, "validate", testdata+"valid/minimal.yaml", testdata+"invalid/concurrency-zero.yaml", "no/such/file.yaml")
	if code != exitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(out, "ok  "+testdata+"valid/minimal.yaml") {
		t.Errorf("the valid file is not reported ok:\n%s", out)
	}
	for _, want := range []string{
		testdata + "invalid/concurrency-zero.yaml:11:18: recover[1].concurrency: must be at least 1\n",
		"no/such/file.yaml: no such file or directory\n",
		"drill: 2 of 3 invalid\n",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestValidateUsage(t *testing.T) {
	if code, _, errOut := runCLI(t, "validate"); code != exitUsage || !strings.Contains(errOut, "name at least one file") {
		t.Errorf("no arguments: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "validate", "no-such-builtin"); code != exitUsage || !strings.Contains(errOut, "no built-in scenario or stack of that name (built-ins: atlassian-2022,") {
		t.Errorf("unknown name: exit %d, stderr %q", code, errOut)
	}
}

// TestValidateBuiltins validates the whole catalogue by name once the cloudsuite stack is
// embedded; before that, each built-in scenario reports the missing stack.
func TestValidateBuiltins(t *testing.T) {
	code, out, errOut := runCLI(t, "validate", "--builtin")
	if _, err := os.Stat("../../stacks/cloudsuite/stack.yaml"); err != nil {
		if code != exitUsage || !strings.Contains(errOut, `stack: unknown built-in stack "cloudsuite"`) {
			t.Errorf("without the stack: exit %d, stderr %q", code, errOut)
		}
		return
	}
	if code != 0 {
		t.Errorf("catalogue: exit %d\n%s", code, errOut)
	}
	files, _ := filepath.Glob("../../scenarios/*.yaml")
	stacks, _ := filepath.Glob("../../stacks/*/stack.yaml")
	if n := strings.Count(out, "ok  "); n != len(files)+len(stacks) {
		t.Errorf("%d ok lines for %d scenarios and %d stacks:\n%s", n, len(files), len(stacks), out)
	}
}

func TestHelpHasExamples(t *testing.T) {
	for _, c := range []string{"validate", "list", "schema", "version", "completion"} {
		code, out, _ := runCLI(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Examples:\n  drill ") && !strings.Contains(out, "Examples:\n  source <(drill") {
			t.Errorf("drill %s --help: exit %d, no examples:\n%s", c, code, out)
		}
	}
}

func TestValidateWarnsAboutSQLQuotedByHand(t *testing.T) {
	code, out, errOut := runCLI(t, "validate", testdata+"warn/sql-quoted-by-hand.yaml")
	if code != 0 || !strings.HasPrefix(out, "ok  ") {
		t.Fatalf("a file with warnings is valid: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	want := "warning: " + testdata + "warn/sql-quoted-by-hand.yaml:19:27: products.orders.health.sql.query: '{{.Site}}' quotes a value by hand"
	if !strings.Contains(errOut, want) || !strings.Contains(errOut, "write {{sqlquote .Site}}") || strings.Count(errOut, "warning: ") != 4 {
		t.Errorf("stderr %q, want four warnings, the first %q naming sqlquote", errOut, want)
	}
}
