package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/runtime"
)

func TestGCUsage(t *testing.T) {
	for _, args := range [][]string{
		{"gc", "--older-than", "-1h"},
		{"gc", "--run", "x", "--older-than", "1h"},
		{"gc", "extra"},
	} {
		if code, _, errOut := runCLI(t, args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want %d and a message", args, code, errOut, exitUsage)
		}
	}
}

func TestGCNoEngine(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	code, _, errOut := runCLI(t, "gc")
	if code != exitInconclusive || !strings.Contains(errOut, "no Docker engine answered at DOCKER_HOST=unix:///nonexistent/docker.sock") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// labelledRun creates a network and a volume labelled as run and removes them at the end.
func labelledRun(t *testing.T, rt *docker.Runtime, run runtime.RunLabels) (nw, vol string) {
	t.Helper()
	ctx := context.Background()
	nw, vol = "gc-test-"+run.RunID, "gc-test-"+run.RunID
	t.Cleanup(func() {
		for _, err := range []error{rt.RemoveNetwork(ctx, nw), rt.RemoveVolume(ctx, vol)} {
			if err != nil && !errors.Is(err, runtime.ErrNotFound) {
				t.Error(err)
			}
		}
	})
	if err := rt.CreateNetwork(ctx, nw, run.Map()); err != nil {
		t.Fatal(err)
	}
	if err := rt.CreateVolume(ctx, vol, run.Map()); err != nil {
		t.Fatal(err)
	}
	return nw, vol
}

func TestGC(t *testing.T) {
	rt := requireDocker(t)
	suffix := time.Now().Format("150405.000000")
	dead := runtime.NewRunLabels("gc-dead-"+suffix, "unit", "small")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead.PID = cmd.Process.Pid
	live := runtime.NewRunLabels("gc-live-"+suffix, "unit", "small")
	deadN, deadV := labelledRun(t, rt, dead)
	labelledRun(t, rt, live)

	// A dry run over the whole engine is safe: it removes nothing.
	code, out, errOut := runCLI(t, "gc", "--dry-run")
	if code != 0 {
		t.Fatalf("gc --dry-run: exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"would remove run " + dead.RunID + " (unit small, started ",
		"process " + strconv.Itoa(dead.PID) + " is gone; 1 network " + deadN + "; 1 volume " + deadV,
		"kept run " + live.RunID,
		"process " + strconv.Itoa(live.PID) + " is still running",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("gc --dry-run lacks %q:\n%s", want, out)
		}
	}
	if !exists(t, rt, deadN, deadV) {
		t.Fatal("a dry run removed something")
	}

	// Removal is scoped to this test's runs: other drills may share the engine.
	code, out, errOut = runCLI(t, "gc", "--run", dead.RunID)
	if code != 0 || !strings.Contains(out, "removed run "+dead.RunID) {
		t.Fatalf("gc --run: exit %d: %s%s", code, out, errOut)
	}
	if exists(t, rt, deadN, deadV) {
		t.Error("gc --run left the dead run's network or volume")
	}
	if code, _, errOut := runCLI(t, "gc", "--run", dead.RunID); code != exitUsage || !strings.Contains(errOut, "no container, network or volume carries drill.run-id="+dead.RunID) {
		t.Errorf("gc --run of a gone run: exit %d, %q", code, errOut)
	}
}

func exists(t *testing.T, rt *docker.Runtime, nw, vol string) bool {
	t.Helper()
	rep, err := docker.GC(context.Background(), rt, runtime.GCOptions{DryRun: true, RunID: "none"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Runs {
		for _, n := range r.Networks {
			if n == nw {
				return true
			}
		}
		for _, v := range r.Volumes {
			if v == vol {
				return true
			}
		}
	}
	return false
}
