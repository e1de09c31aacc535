package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/ack"
	"github.com/drill-dev/drill/harness"
)

// promptOnTerminal is the test binary acting as a drill whose runbook reaches two manual
// steps, shown with the terminal progress display: the tmux test answers them.
func promptOnTerminal() int {
	st := osState()
	id := os.Getenv("DRILL_TEST_RUN")
	b := newBarProgress(st.Stderr, "[game-day/small]")
	b.Phase(harness.PhaseRecover)
	ch, err := ack.Listen(id)
	if err != nil {
		fmt.Fprintln(st.Stderr, err)
		return 3
	}
	defer ch.Close()
	op := &operator{ch: ch, lines: terminalLines(st.Stdin), show: b}
	var answers []string
	for _, p := range []harness.Prompt{
		{Run: id, Step: "declare the incident", Text: "Declare an incident: 2 sites deleted (site-03, site-07)"},
		{Run: id, Step: "approve the restore", Text: "Approve restoring site-03, site-07 from one second before t0"},
	} {
		a, err := op.Await(context.Background(), p)
		if err != nil {
			fmt.Fprintln(st.Stderr, err)
			return 3
		}
		answers = append(answers, fmt.Sprintf("answer %s: %s", p.Step, describe(a)))
	}
	b.wait()
	fmt.Fprintln(st.Stdout, strings.Join(answers, "\n"))
	return 0
}

// A person at a terminal sees the prompt, how long it has been awaited, answers it with y
// (after a typo), and a colleague answers the next one with drill ack from another shell.
func TestTerminalPromptAnsweredAsAPersonWould(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	sock := filepath.Join(dir, "tmux.sock")
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	shell := fmt.Sprintf("env DRILL_TEST_AS=prompt DRILL_TEST_RUN=tty1 XDG_RUNTIME_DIR=%s CI= %s; echo EXITED $?; sleep 60", dir, os.Args[0])
	tmux("new-session", "-d", "-s", "gd", "-x", "150", "-y", "40", shell)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })
	screen := func() string { return tmux("capture-pane", "-p", "-t", "gd") }
	waitFor := func(what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			s := screen()
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %s:\n%s", what, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	has := func(subs ...string) func(string) bool {
		return func(s string) bool {
			for _, x := range subs {
				if !strings.Contains(s, x) {
					return false
				}
			}
			return true
		}
	}
	waitFor("the first prompt", has("MANUAL STEP 'declare the incident': Declare an incident: 2 sites deleted (site-03, site-07)",
		"type y + Enter when it is done, or f REASON + Enter if it failed",
		"from another shell: drill ack tty1 'declare the incident' [--fail REASON]"))
	waited := regexp.MustCompile(`awaiting declare the incident .*\b([2-9])s`)
	waitFor("the step awaited for 2s or more", waited.MatchString)
	tmux("send-keys", "-t", "gd", "maybe", "Enter")
	waitFor("the hint after a wrong answer", has("answer y (done) or f REASON (failed), not maybe"))
	tmux("send-keys", "-t", "gd", "y", "Enter")
	waitFor("the first step confirmed", has("'declare the incident': confirmed by terminal after", "MANUAL STEP 'approve the restore'"))
	if out, code := asDrill(t, "ack", "tty1", "approve the restore"); code != 0 {
		t.Fatalf("drill ack: exit %d\n%s", code, out)
	}
	s := waitFor("the end", has("EXITED 0"))
	t.Logf("the screen at the end:\n%s", strings.TrimRight(s, "\n "))
	for _, want := range []string{"'approve the restore': confirmed by drill ack (",
		"answer declare the incident: confirmed by terminal", "answer approve the restore: confirmed by drill ack ("} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
}
