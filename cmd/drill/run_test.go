package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// inMemory returns a state whose output is captured and whose environment is env.
func inMemory(env map[string]string) (*state, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &state{
		Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Exit:   func(int) { panic("exit") },
	}, &out, &errb
}

func TestRunRejectsBadInputWithExit2AndStartsNothing(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: drill/v1\nkind: Scenario\nname: x\nsizes: {small: {sites: 0}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{
		"invalid file": {"run", bad},
		"missing file": {"run", "no-such-scenario"},
		"bad progress": {"run", "--progress", "fancy", bad},
		"bad report":   {"run", "-r", "pdf=x.pdf", bad},
		"bad shard":    {"run", "--shard", "3/2", bad},
		"no scenario":  {"run"},
		"unknown flag": {"run", "--nope", bad},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			st, _, errb := inMemory(nil)
			if code := execute(st, args); code != exitUsage {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, errb)
			}
			if errb.Len() == 0 {
				t.Fatal("no error message")
			}
		})
	}
}

func TestRunReportsEveryProblemOfAFileWithItsPosition(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: drill/v1\nkind: Scenario\nname: x\nsizes: {small: {sites: 0}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, _, errb := inMemory(nil)
	execute(st, []string{"run", bad})
	if !strings.Contains(errb.String(), "bad.yaml:") {
		t.Fatalf("error does not name the file and line:\n%s", errb)
	}
}

func TestRunDryRunPrintsThePlanAndStartsNothing(t *testing.T) {
	st, out, errb := inMemory(map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:1"}) // unreachable: must not be tried
	code := execute(st, []string{"run", "--dry-run", "../../harness/testdata/fake-restore.yaml"})
	if code != exitPass {
		t.Fatalf("exit %d; stderr:\n%s", code, errb)
	}
	for _, want := range []string{"fake-restore [small]", "services (start order)", "app", "side", "delete", "foreach 2 sites", "restore"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
}

func TestRunWithoutADockerEngineIsInconclusiveWithOneSentence(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	st, _, errb := inMemory(map[string]string{"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
	code := execute(st, []string{"run", "--history", "none", "--out", t.TempDir(), "../../harness/testdata/fake-restore.yaml"})
	if code != exitInconclusive {
		t.Fatalf("exit %d, want 3; stderr:\n%s", code, errb)
	}
	if msg := errb.String(); !strings.Contains(msg, "unix:///nonexistent/docker.sock") || strings.Count(strings.TrimSpace(msg), "\n") > 0 {
		t.Fatalf("want one line naming what was tried, got:\n%s", msg)
	}
}

func TestRunWithAMissingImageStopsBeforeStartingAnything(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Docker")
	}
	st, _, errb := inMemory(map[string]string{})
	code := execute(st, []string{"run", "--history", "none", "--out", t.TempDir(), "../../harness/testdata/fake-restore.yaml"})
	if code != exitInconclusive {
		t.Fatalf("exit %d, want 3; stderr:\n%s", code, errb)
	}
	if !strings.Contains(errb.String(), "fake/app:1") {
		t.Fatalf("the error does not name the missing image:\n%s", errb)
	}
}
