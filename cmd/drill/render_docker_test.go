package main

import (
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestRenderRunAgainstAKeptStack keeps a real PostgreSQL stack and a real MariaDB one with drill
// run --keep, sends probes to them through drill render --run, and removes them with drill gc.
// It needs Docker and the catalogue's images (skipped under -short); run it under the shared
// lock (flock /tmp/drill-heavy.lock go test ./cmd/drill -run RenderRun).
func TestRenderRunAgainstAKeptStack(t *testing.T) {
	for _, c := range []struct{ scenario, image, quoted, checksum string }{
		{"pg-tenant-purge", "drill/postgres:15", "tenant_id = '", `[0-9a-f]{32}`},       // md5 of the rows
		{"maria-tenant-purge", "drill/mariadb:10.11", "tenant_id = '", `[0-9]+:[0-9]+`}, // rows:sum of hashes
	} {
		t.Run(c.scenario, func(t *testing.T) {
			requireDocker(t)
			if err := exec.Command("docker", "image", "inspect", c.image).Run(); err != nil {
				t.Skipf("%s is not built (make images)", c.image)
			}
			run := keepRun(t, c.scenario)

			// The tenant list names the sites; positions 1 and 2 are its first two.
			code, out, errOut := runCLI(t, "render", c.scenario, "tenants-list", "--run", run)
			if code != exitPass {
				t.Fatalf("tenants-list: exit %d\n%s%s", code, out, errOut)
			}
			_, answer, _ := strings.Cut(out, "\nanswer:\n")
			ids := strings.Split(strings.TrimSpace(answer), "\n")
			if len(ids) != 8 {
				t.Fatalf("tenants-list answered %d sites, want 8:\n%s", len(ids), out)
			}

			// Per-site health of two real tenants: rendered with their IDs, and both pass.
			code, out, errOut = runCLI(t, "render", c.scenario, "health", "--sites", "1,2", "--run", run)
			if code != exitPass || strings.Count(out, "passes: ") != 2 ||
				!strings.Contains(out, c.quoted+ids[0]+"'") || !strings.Contains(out, c.quoted+ids[1]+"'") {
				t.Errorf("health of sites 1,2: exit %d\n%s%s", code, out, errOut)
			}

			// A tenant that does not exist does not pass: the answer says so, and the exit is 1.
			code, out, _ = runCLI(t, "render", c.scenario, "health", "--site-ids", "no-such-tenant", "--run", run)
			if code != exitFail || !strings.Contains(out, "error: does not pass: query returned") {
				t.Errorf("health of a missing tenant: exit %d\n%s", code, out)
			}

			// The canary read answers per site with the sequence numbers written during the drill.
			code, out, errOut = runCLI(t, "render", c.scenario, "canary-read", "--sites", "3", "--run", run)
			m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(ids[2]) + `\t\[([0-9 ]+)\]$`).FindStringSubmatch(out)
			if code != exitPass || m == nil || len(strings.Fields(m[1])) < 8 || !slices.Contains(strings.Fields(m[1]), "0") {
				t.Errorf("canary-read of site 3: exit %d, want sequence 0 and at least 8 in all\n%s%s", code, out, errOut)
			}

			// A fingerprint is a checksum; a steady-state probe passes.
			code, out, errOut = runCLI(t, "render", c.scenario, "fingerprint", "--sites", "4", "--run", run)
			if code != exitPass || !regexp.MustCompile(`passes: `+c.checksum+`\n`).MatchString(out) {
				t.Errorf("fingerprint of site 4: exit %d\n%s%s", code, out, errOut)
			}
			t.Logf("render %s fingerprint --sites 4 --run %s:\n%s", c.scenario, run, out)
			if code, out, errOut = runCLI(t, "render", c.scenario, "db-up", "--run", run); code != exitPass || !strings.Contains(out, "passes: 1") {
				t.Errorf("db-up: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

// TestRenderRunOfNoSuchRunIsInconclusive: a run ID that names nothing running exits 3 and says
// how to list what is there.
func TestRenderRunOfNoSuchRunIsInconclusive(t *testing.T) {
	requireDocker(t)
	code, _, errOut := runCLI(t, "render", "pg-tenant-purge", "health", "--run", "no-such-run")
	if code != exitInconclusive || !strings.Contains(errOut, "no running container carries drill.run-id=no-such-run") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// keepRun runs a scenario at its small size with --keep and returns its run ID; the stack is
// removed with drill gc --run when the test ends.
func keepRun(t *testing.T, scenario string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "run", scenario, "--size", "small", "--keep", "--progress", "none", "--history", "none", "--out", t.TempDir())
	m := regexp.MustCompile(`remove it with: drill gc --run (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("drill run --keep: exit %d, no run to remove:\n%s%s", code, out, errOut)
	}
	run := m[1]
	t.Cleanup(func() {
		if code, out, errOut := runCLI(t, "gc", "--run", run); code != exitPass {
			t.Errorf("drill gc --run %s: exit %d\n%s%s", run, code, out, errOut)
		}
	})
	if code != exitPass {
		t.Fatalf("drill run %s --keep: exit %d\n%s%s", scenario, code, out, errOut)
	}
	t.Logf("kept %s:\n%s", run, out)
	return run
}
