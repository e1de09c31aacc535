package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/ack"
	"github.com/drill-dev/drill/harness"
)

const manualScenario = "../../scenarios/testdata/valid/manual.yaml"

// TestMain lets the test binary act as drill in another process (drill ack from another
// shell) and as a drill waiting on a terminal (the tmux test).
func TestMain(m *testing.M) {
	switch os.Getenv("DRILL_TEST_AS") {
	case "drill":
		os.Exit(execute(osState(), os.Args[1:]))
	case "prompt":
		os.Exit(promptOnTerminal())
	}
	os.Exit(m.Run())
}

// A run with nobody to answer (no terminal, or CI) refuses a manual step without simulate,
// with its position, before anything starts: exit 2, and no engine is even asked.
func TestRunRefusesAnUnattendedManualStepWithoutSimulate(t *testing.T) {
	for name, env := range map[string]map[string]string{"no terminal": nil, "CI": {"CI": "true"}} {
		t.Run(name, func(t *testing.T) {
			st, _, errb := inMemory(env)
			st.StdinTerminal, st.IsTerminal = name == "CI", name == "CI"
			st.Getenv = func(k string) string { return env[k] }
			code := execute(st, []string{"run", manualScenario, "--out", t.TempDir()})
			if code != exitUsage {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, errb)
			}
			for _, want := range []string{"nobody can answer manual steps here", "manual.yaml:16:13: recover[1].manual: no simulate"} {
				if !strings.Contains(errb.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errb)
				}
			}
			if strings.Contains(errb.String(), "engine") || strings.Contains(errb.String(), "pre-flight") {
				t.Errorf("the engine was asked before refusing:\n%s", errb)
			}
		})
	}
}

// validate warns about a manual step without simulate; with --unattended it is invalid.
func TestValidateWarnsOrRefusesAManualStepWithoutSimulate(t *testing.T) {
	st, out, errb := inMemory(nil)
	if code := execute(st, []string{"validate", manualScenario}); code != exitPass {
		t.Fatalf("exit %d; stderr:\n%s", code, errb)
	}
	if !strings.Contains(errb.String(), "warning: an unattended run (no terminal, or CI) refuses") || !strings.HasPrefix(out.String(), "ok  ") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", out, errb)
	}
	st, out, errb = inMemory(nil)
	if code := execute(st, []string{"validate", "--unattended", manualScenario}); code != exitUsage {
		t.Fatalf("--unattended: exit %d, want 2; stdout:\n%s", code, out)
	}
	if !strings.Contains(errb.String(), "recover[1].manual: no simulate") {
		t.Fatalf("stderr:\n%s", errb)
	}
}

// asDrill runs the test binary as drill in another process.
func asDrill(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DRILL_TEST_AS=drill")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// drill ack, from another process, answers the step a drill waits for: a wrong step name is
// refused with exit 2 and the step awaited named; the right one fails it with the reason.
func TestAckFromAnotherProcessAnswersTheWaitingStep(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	ch, err := ack.Listen("run42")
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	var screen bytes.Buffer
	op := &operator{ch: ch, show: linePrompt{w: &screen, label: "[x]", interval: time.Hour}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got := make(chan harness.Answer, 1)
	go func() {
		a, err := op.Await(ctx, harness.Prompt{Run: "run42", Step: "approve the restore", Text: "Approve restoring site-03"})
		if err != nil {
			t.Error(err)
		}
		got <- a
	}()
	for len(ch.Awaiting()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	out, code := asDrill(t, "ack")
	if code != 0 || !strings.Contains(out, "run42  'approve the restore'  awaited for") || !strings.Contains(out, "Approve restoring site-03") {
		t.Fatalf("drill ack (list): exit %d\n%s", code, out)
	}
	out, code = asDrill(t, "ack", "run42", "declare")
	if code != exitUsage || !strings.Contains(out, `step "declare" is not awaited (awaiting "approve the restore")`) {
		t.Fatalf("drill ack of the wrong step: exit %d\n%s", code, out)
	}
	out, code = asDrill(t, "ack", "run42", "approve the restore", "--fail", "those are not the deleted sites")
	if code != 0 || !strings.Contains(out, `failed "approve the restore" of run run42`) {
		t.Fatalf("drill ack --fail: exit %d\n%s", code, out)
	}
	a := <-got
	if !a.Failed || a.Reason != "those are not the deleted sites" || !strings.HasPrefix(a.By, "drill ack (") {
		t.Fatalf("answer %+v", a)
	}
	s := screen.String()
	for _, want := range []string{"MANUAL STEP 'approve the restore': Approve restoring site-03",
		"from another shell: drill ack run42 'approve the restore' [--fail REASON]",
		"'approve the restore': failed by drill ack ("} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	if out, code := asDrill(t, "ack", "run42"); code != exitUsage || !strings.Contains(out, "no manual step is awaited now") {
		t.Fatalf("a second answer: exit %d\n%s", code, out)
	}
}

// Terminal answers: y confirms, f REASON fails, anything else asks again.
func TestParseAnswer(t *testing.T) {
	for line, want := range map[string]string{"y": "ok", " yes ": "ok", "done": "ok", "f wrong sites": "fail:wrong sites",
		"fail": "fail:no reason given", "maybe": "?", "": "?"} {
		a, ok := parseAnswer(line)
		got := "?"
		switch {
		case ok && a.Failed:
			got = "fail:" + a.Reason
		case ok:
			got = "ok"
		}
		if got != want {
			t.Errorf("%q: %s, want %s", line, got, want)
		}
	}
}
