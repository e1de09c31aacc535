package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the real drill binary against Docker: an interrupt in each phase must leave
// nothing behind and an aborted result on disk; after a SIGKILL, drill gc must remove what was
// left, and it must leave a live run alone.

func init() {
	os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "localhost")
}

// buildDrill builds the binary once per test binary run.
func buildDrill(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs Docker and the cloudsuite images (not in -short)")
	}
	if err := exec.Command("docker", "image", "inspect", "drill/cloudsuite:dev", "drill/postgres:15").Run(); err != nil {
		t.Skip("the cloudsuite images are not built (make images)")
	}
	bin := filepath.Join(t.TempDir(), "drill")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build drill: %v\n%s", err, out)
	}
	return bin
}

// started is a drill process whose progress lines are watched.
type started struct {
	cmd   *exec.Cmd
	out   string
	lines chan string
}

func startDrill(t *testing.T, bin string) *started {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command(bin, "run", "atlassian-2022", "--size", "small", "--progress", "plain", "--history", "none", "--out", out)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &started{cmd: cmd, out: out, lines: make(chan string, 1000)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_, _ = cmd.Process.Wait()
		}
	})
	return s
}

// waitFor reads progress lines until one contains text.
func (s *started) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(5 * time.Minute)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("drill ended before %q", text)
			}
			if strings.Contains(l, text) {
				return
			}
		case <-deadline:
			t.Fatalf("no %q within 5m", text)
		}
	}
}

// drain discards the remaining lines so the process never blocks on its pipe.
func (s *started) drain() {
	go func() {
		for range s.lines {
		}
	}()
}

func (s *started) result(t *testing.T) (verdict, runID string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.out, "result.json"))
	if err != nil {
		t.Fatalf("no result on disk: %v", err)
	}
	var r struct {
		Verdict string `json:"verdict"`
		Run     struct {
			ID string `json:"id"`
		} `json:"run"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r.Verdict, r.Run.ID
}

// labelled counts containers, networks and volumes carrying a label filter.
func labelled(t *testing.T, filter string) int {
	t.Helper()
	n := 0
	for _, args := range [][]string{
		{"ps", "-aq", "--filter", "label=" + filter},
		{"network", "ls", "-q", "--filter", "label=" + filter},
		{"volume", "ls", "-q", "--filter", "label=" + filter},
	} {
		out, err := exec.Command("docker", args...).Output()
		if err != nil {
			t.Fatalf("docker %v: %v", args, err)
		}
		n += len(strings.Fields(string(out)))
	}
	return n
}

func TestInterruptInEachPhaseLeavesNothingAndAnAbortedResult(t *testing.T) {
	bin := buildDrill(t)
	for _, phase := range []string{"up", "seed", "inject", "recover"} {
		t.Run(phase, func(t *testing.T) {
			s := startDrill(t, bin)
			s.waitFor(t, "phase "+phase)
			s.drain()
			if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			err := s.cmd.Wait()
			code := s.cmd.ProcessState.ExitCode()
			if code != exitInterrupted {
				t.Fatalf("exit %d (%v), want 130", code, err)
			}
			verdict, runID := s.result(t)
			if verdict != "aborted" {
				t.Fatalf("verdict %s, want aborted", verdict)
			}
			if n := labelled(t, "drill.run-id="+runID); n != 0 {
				t.Fatalf("%d containers, networks or volumes of run %s left behind", n, runID)
			}
		})
	}
}

func TestGCRemovesAKilledRunAndLeavesALiveOne(t *testing.T) {
	bin := buildDrill(t)
	killed := startDrill(t, bin)
	killed.waitFor(t, "phase seed")
	killed.drain()
	if err := killed.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = killed.cmd.Wait()
	pid := killed.cmd.Process.Pid
	if n := labelled(t, fmt.Sprintf("drill.pid=%d", pid)); n == 0 {
		t.Fatal("the killed run left nothing to collect: the test proves nothing")
	}

	live := startDrill(t, bin)
	live.waitFor(t, "phase seed")
	live.drain()
	livePID := fmt.Sprint(live.cmd.Process.Pid)
	before := labelled(t, "drill.pid="+livePID)

	if out, err := exec.Command(bin, "gc").CombinedOutput(); err != nil {
		t.Fatalf("drill gc: %v\n%s", err, out)
	}
	if n := labelled(t, fmt.Sprintf("drill.pid=%d", pid)); n != 0 {
		t.Fatalf("drill gc left %d resources of the killed run", n)
	}
	if after := labelled(t, "drill.pid="+livePID); after < before || before == 0 {
		t.Fatalf("drill gc touched the live run: %d resources before, %d after", before, after)
	}
	_ = live.cmd.Process.Signal(syscall.SIGINT)
	_ = live.cmd.Wait()
	if n := labelled(t, "drill.pid="+livePID); n != 0 {
		t.Fatalf("the live run left %d resources after its interrupt", n)
	}
}
