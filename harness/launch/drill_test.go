package launch

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

func cell(t *testing.T, size string) harness.Cell {
	t.Helper()
	sc, err := scenarios.Load("../../scenarios/pg-tenant-purge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return harness.Cell{Scenario: sc, Size: size}
}

// downEngine is an engine that does not answer: what a drill meets when Docker stops under it.
type downEngine struct{ runtime.Runtime }

func (downEngine) Info(context.Context) (runtime.Info, error) {
	return runtime.Info{}, errors.New("docker info: engine stopped")
}

// A drill on an engine that does not answer still leaves its folder: its log, and an
// inconclusive result.json and the reports asked for.
func TestDrillWritesItsFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	var log []string
	setup := func() ([]harness.Option, func(), error) {
		log = append(log, "setup")
		if _, err := os.Stat(filepath.Join(dir, LogFile)); err != nil {
			t.Errorf("setup before the log exists: %v", err)
		}
		return []harness.Option{harness.WithRunID("launch-test")}, func() { log = append(log, "release") }, nil
	}
	html := filepath.Join(dir, "report.html")
	res, err := Drill(context.Background(), cell(t, ""), downEngine{}, dir, WithSetup(setup),
		WithHarness(harness.WithCommand("launch test")), WithReports(reports.Outputs{{Kind: "html", Path: html}}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != result.Inconclusive || !strings.Contains(res.Reason, "engine stopped") {
		t.Errorf("verdict %s: %s; want inconclusive naming the engine", res.Verdict, res.Reason)
	}
	if res.Run.Repro.Command != "launch test" || strings.Join(log, ",") != "setup,release" {
		t.Errorf("command %q, setup calls %q: want the caller's options and setup then release", res.Run.Repro.Command, log)
	}
	b, err := os.ReadFile(ResultPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	var written result.Result
	if err := json.Unmarshal(b, &written); err != nil || written.Verdict != result.Inconclusive || written.Reason != res.Reason {
		t.Errorf("result.json: %s, %v", written.Verdict, err)
	}
	for _, f := range []string{LogFile, "report.html"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v (empty: %v)", f, err, err == nil && fi.Size() == 0)
		}
	}
}

func TestDrillRefusedStartsNothing(t *testing.T) {
	dir := t.TempDir()
	res, err := Drill(context.Background(), cell(t, "galactic"), nil, dir)
	if res != nil || !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), `unknown size "galactic"`) {
		t.Fatalf("result %v, err %v: want a refusal naming the size", res, err)
	}
	if _, err := os.Stat(ResultPath(dir)); !os.IsNotExist(err) {
		t.Errorf("result.json written for a refused drill: %v", err)
	}
}

func TestDrillSetupFailureRunsNothing(t *testing.T) {
	dir := t.TempDir()
	want := errors.New("listen: address in use")
	setup := func() ([]harness.Option, func(), error) { return nil, nil, want }
	res, err := Drill(context.Background(), cell(t, ""), nil, dir, WithSetup(setup))
	if res != nil || !errors.Is(err, want) || errors.Is(err, ErrRefused) {
		t.Fatalf("result %v, err %v: want the setup's error", res, err)
	}
}

func TestDrillFolderThatCannotBeMade(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Drill(context.Background(), cell(t, ""), nil, filepath.Join(file, "dir")); err == nil || errors.Is(err, ErrRefused) {
		t.Fatalf("err %v: want the folder's error", err)
	}
}
