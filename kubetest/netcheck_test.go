package kubetest_test

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// netcheck runs scripts/kube/netcheck.sh with the environment given and returns its output and
// whether it passed.
func netcheck(t *testing.T, env []string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command("../scripts/kube/netcheck.sh", args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatalf("netcheck: %v", err)
	}
	return string(out), err == nil
}

// TestNetcheckRefuses: the check make kube-up runs before it starts anything fails on ranges
// that overlap each other or a route of this machine, and passes on the cluster's own ranges.
func TestNetcheckRefuses(t *testing.T) {
	if os.Getenv(EnvKubeconfig) == "" {
		t.Skipf("runs with the cluster's tests: set %s (make test-kube)", EnvKubeconfig)
	}
	if out, ok := netcheck(t, nil); !ok {
		t.Fatalf("netcheck fails on the running cluster:\n%s", out)
	}
	out, ok := netcheck(t, []string{"DRILL_KUBE_POD_CIDR=10.96.0.0/16", "DRILL_KUBE_SERVICE_CIDR=10.96.0.0/16"}, "--before-setup")
	if ok || !regexp.MustCompile(`pod CIDR 10.96.0.0/16 overlaps service CIDR`).MatchString(out) {
		t.Errorf("pod and service ranges the same: netcheck passed=%v:\n%s", ok, out)
	}
	// The default route's own network (eth0's here) must be refused as a pod range.
	r, err := exec.Command("ip", "-4", "route", "show", "scope", "link", "proto", "kernel").Output()
	if err != nil {
		t.Fatalf("ip route: %v", err)
	}
	m := regexp.MustCompile(`(?m)^(\d+\.\d+\.\d+\.\d+/\d+) dev (\S+)`).FindAllStringSubmatch(string(r), -1)
	for _, route := range m {
		if route[2] == "drillk0" || route[2] == "drillsvc0" {
			continue
		}
		out, ok := netcheck(t, []string{"DRILL_KUBE_POD_CIDR=" + route[1]}, "--before-setup")
		if ok {
			t.Errorf("pod range %s, the network of %s: netcheck passed:\n%s", route[1], route[2], out)
		}
		return
	}
	t.Log("no other connected route here to overlap")
}
