package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// golden compares got with testdata/golden/NAME (go test ./cmd/drill -update rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/drill -run %s -update writes it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (-update rewrites it):\n%s", path, got)
	}
}

// TestDryRunGolden: the plan of a built-in negative control (sql, exec, run, wait and service
// steps) and of a file scenario that declares every feature, at a size with target overrides.
func TestDryRunGolden(t *testing.T) {
	goldenCLI(t, map[string][]string{
		"dry-run-pg-whole-db-restore.txt": {"run", "--dry-run", "pg-whole-db-restore"},
		"dry-run-full-large.txt":          {"run", "--dry-run", "--size", "large", testdata + "valid/full.yaml"},
	})
}

// goldenCLI runs each command line, which must exit 0, and compares its output with the
// golden file of its name.
func goldenCLI(t *testing.T, cases map[string][]string) {
	t.Helper()
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, args...)
			if code != exitPass {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, name, out)
		})
	}
}

// TestDryRunShowsWhatWillRun: each field the plan promises, on the file scenario.
func TestDryRunShowsWhatWillRun(t *testing.T) {
	_, out, _ := runCLI(t, "run", "--dry-run", "--size", "large", testdata+"valid/full.yaml")
	for what, want := range map[string]string{
		"steady-state probe, rendered":       "    - db-up: sql on db/suite: select 1\n",
		"per-site form and transport":        "tracker    health per site over http; fingerprint per site over exec; canary none",
		"canary interval at 400 sites":       "canary interval: 1s at 400 sites (declared 250ms",
		"targets after the large overrides":  "targets at large: rto 20m, ",
		"a negative control's expect":        "expect (negative control): verdict fail, breaches collateral-lost-writes, milestone:customers-notified",
		"a step's timeout":                   "action pitr-side(target=<t0-1s>) [timeout 10m]\n",
		"a step's retries":                   "concurrency 4 [1 retry]\n",
		"an action's own step, with retries": "· exec in identity: suite restore-sites --sites 'site#9' --concurrency l [timeout 5m, 2 retries]\n",
		".T0 as a placeholder, json too":     `body {"at": "<t0+1m>", "unix": <t0>, `,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("%s: plan lacks %q:\n%s", what, want, out)
		}
	}
	_, out, _ = runCLI(t, "run", "--dry-run", "atlassian-2022")
	if !strings.Contains(out, "tracker    health batch over http (500 sites a request); fingerprint batch over http (100 sites a request); canary batch over http") {
		t.Errorf("atlassian-2022: batch forms not shown:\n%s", out)
	}
}
