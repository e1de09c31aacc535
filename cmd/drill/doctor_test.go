package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/harness/docker"
)

// requireDocker skips under -short and returns a runtime on the local engine.
func requireDocker(t *testing.T) *docker.Runtime {
	t.Helper()
	if testing.Short() {
		t.Skip("needs Docker (skipped under -short)")
	}
	t.Setenv(docker.EnvRyukDisabled, "true")
	t.Setenv(docker.EnvHostOverride, "localhost")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt, err := docker.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	return rt
}

func TestDoctorNoEngine(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	code, out, errOut := runCLI(t, "doctor")
	if code != exitInconclusive {
		t.Errorf("exit %d, want %d", code, exitInconclusive)
	}
	checks := parseDoctor(out)
	if c := checks["docker"]; c[0] != "FAIL" || !strings.HasPrefix(c[1], "no Docker engine answered at DOCKER_HOST=unix:///nonexistent/docker.sock: start that engine") {
		t.Errorf("docker check = %q:\n%s", c, out)
	}
	if checks[docker.EnvRyukDisabled][0] != "ok" || checks[docker.EnvHostOverride][0] != "ok" {
		t.Errorf("the testcontainers settings are not reported in force:\n%s", out)
	}
	if errOut != "drill doctor: 1 problem blocks a drill\n" {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestDoctor(t *testing.T) {
	requireDocker(t)
	code, out, errOut := runCLI(t, "doctor", "--image", "drill-test/absent:never")
	if code != exitInconclusive {
		t.Errorf("exit %d, want %d (an image is missing)", code, exitInconclusive)
	}
	checks := parseDoctor(out)
	for name, want := range map[string][2]string{
		"docker":                        {"ok", "Docker "},
		"image drill-test/absent:never": {"FAIL", "missing, and drill never pulls: build it with make images"},
		"disk":                          {"ok", ""},
		docker.EnvRyukDisabled:          {"ok", "true"},
		docker.EnvHostOverride:          {"ok", "localhost"},
	} {
		if c := checks[name]; c[0] != want[0] || !strings.HasPrefix(c[1], want[1]) {
			t.Errorf("check %s = %q, want %q...:\n%s", name, c, want, out)
		}
	}
	if errOut != "drill doctor: 1 problem blocks a drill\n" {
		t.Errorf("stderr = %q", errOut)
	}
	t.Logf("drill doctor:\n%s", out)
}

// parseDoctor reads doctor's lines (status, name, detail separated by two or more spaces) into
// name -> {status, detail}.
func parseDoctor(out string) map[string][2]string {
	m := map[string][2]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := regexp.MustCompile(`\s{2,}`).Split(line, 3)
		if len(f) == 3 {
			m[f[1]] = [2]string{f[0], f[2]}
		}
	}
	return m
}

func TestDoctorOfAnUnknownScenarioIsInvalid(t *testing.T) {
	code, _, errOut := runCLI(t, "doctor", "no-such-scenario")
	if code != exitUsage || !strings.Contains(errOut, "no-such-scenario") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestDoctorChecksAScenariosImages: given a scenario, doctor checks its images, not the
// reference stack's; given a stack file, an absent image with build: passes when its folder
// has a Dockerfile and fails when it has none.
func TestDoctorChecksAScenariosImages(t *testing.T) {
	requireDocker(t)
	code, out, errOut := runCLI(t, "doctor", "pg-tenant-purge")
	checks := parseDoctor(out)
	if code != exitPass || checks["image drill/postgres:15"][0] != "ok" || strings.Contains(out, "drill/cloudsuite:dev") {
		t.Errorf("doctor pg-tenant-purge: exit %d\n%s%s", code, out, errOut)
	}

	suite, err := os.ReadFile(testdata + "stacks/suite.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stack := strings.Replace(string(suite), "image: drill/postgres:15\n    build: ./postgres", "image: drill-test/doctor-built:never\n    build: ./db", 1)
	file := filepath.Join(dir, "stack.yaml")
	if err := os.WriteFile(file, []byte(stack), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "db"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, out, _ = runCLI(t, "doctor", file)
	if c := parseDoctor(out)["image drill-test/doctor-built:never"]; c[0] != "FAIL" || !strings.Contains(c[1], "has no Dockerfile") {
		t.Errorf("a build folder without a Dockerfile: %q\n%s", c, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "db", "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ = runCLI(t, "doctor", file)
	checks = parseDoctor(out)
	if c := checks["image drill-test/doctor-built:never"]; c[0] != "ok" || !strings.HasPrefix(c[1], "absent: a drill builds it first from "+filepath.Join(dir, "db")) {
		t.Errorf("a build folder with a Dockerfile: %q\n%s", c, out)
	}
	if checks["image drill/suite:dev"][0] == "" || checks["image drill/postgres:15"][0] != "ok" {
		t.Errorf("the services' and run steps' images are not all checked:\n%s", out)
	}
}
