package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/drill-dev/drill/harness/kube"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/result"
)

const fakeScenario = "../../harness/testdata/fake-restore.yaml"

// A runtime drill does not know, or Kubernetes flags without kube, are usage errors that name
// the valid values, on every command that connects; nothing is tried.
func TestRuntimeFlagsUsage(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"run", "--runtime", "podman", fakeScenario}, nil, `--runtime "podman": unknown runtime (want docker, kube)`},
		{[]string{"gc", "--runtime", "k8s"}, nil, `--runtime "k8s": unknown runtime (want docker, kube)`},
		{[]string{"doctor"}, map[string]string{envRuntime: "nomad"}, `$DRILL_RUNTIME "nomad": unknown runtime (want docker, kube)`},
		{[]string{"render", "--runtime", "x", fakeScenario, "health"}, nil, `--runtime "x": unknown runtime`},
		{[]string{"gc", "--kubeconfig", "/tmp/k"}, nil, "--kubeconfig is for --runtime kube, but the runtime is docker (the default)"},
		{[]string{"doctor", "--runtime", "docker", "--context", "prod"}, map[string]string{envRuntime: "kube"}, "--context is for --runtime kube, but the runtime is docker (--runtime)"},
		{[]string{"run", "--context", "prod", fakeScenario}, nil, "--context is for --runtime kube, but the runtime is docker (the default)"},
		{[]string{"gc", "--runtime", ""}, nil, `--runtime "": unknown runtime (want docker, kube)`},
	}
	for _, c := range cases {
		env := map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:1"} // unreachable: must not be tried
		for k, v := range c.env {
			env[k] = v
		}
		st, _, errb := inMemory(env)
		if code := execute(st, c.args); code != exitUsage || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errb, exitUsage, c.want)
		}
	}
}

// A kubeconfig that does not exist fails every command clearly, naming the file, and starts
// nothing; DRILL_RUNTIME=kube chooses the runtime when --runtime is not given.
func TestKubeWithoutACluster(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "absent.kubeconfig")
	want := "no Kubernetes cluster: kubeconfig " + missing + ": "

	st, out, errb := inMemory(nil)
	code := execute(st, []string{"gc", "--runtime", "kube", "--kubeconfig", missing})
	if code != exitInconclusive || !strings.Contains(errb.String(), want) || out.Len() != 0 {
		t.Errorf("gc: exit %d, stdout %q, stderr %q; want %d and %q", code, out, errb, exitInconclusive, want)
	}

	st, out, errb = inMemory(map[string]string{envRuntime: "kube"})
	code = execute(st, []string{"doctor", "--kubeconfig", missing})
	checks := parseDoctor(out.String())
	if c := checks["kubernetes"]; code != exitInconclusive || c[0] != "FAIL" || !strings.HasPrefix(c[1], want) {
		t.Errorf("doctor with %s=kube: exit %d, kubernetes check %q:\n%s%s", envRuntime, code, c, out, errb)
	}
	if strings.Contains(out.String(), "docker") {
		t.Errorf("doctor on kube reports Docker checks:\n%s", out)
	}

	st, _, errb = inMemory(nil)
	outDir := filepath.Join(dir, "out")
	code = execute(st, []string{"run", "--runtime", "kube", "--kubeconfig", missing, "--history", "none", "--out", outDir, fakeScenario})
	if code != exitInconclusive || !strings.Contains(errb.String(), want) {
		t.Errorf("run: exit %d, stderr %q; want %d and %q", code, errb, exitInconclusive, want)
	}
	if _, err := os.Stat(outDir); !os.IsNotExist(err) {
		t.Errorf("run without a cluster made its output directory (%v): it started something", err)
	}

	st, _, errb = inMemory(nil)
	code = execute(st, []string{"render", "--runtime", "kube", "--kubeconfig", missing, "--run", "r-1", fakeScenario, "health"})
	if code != exitInconclusive || !strings.Contains(errb.String(), want) {
		t.Errorf("render --run: exit %d, stderr %q", code, errb)
	}
}

// --print-rbac prints what cluster admins apply, and needs no cluster.
func TestDoctorPrintRBAC(t *testing.T) {
	st, out, errb := inMemory(nil)
	if code := execute(st, []string{"doctor", "--runtime", "kube", "--kubeconfig", "/nonexistent", "--print-rbac"}); code != exitPass {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if out.String() != kube.RBAC() {
		t.Errorf("--print-rbac printed something else than kube.RBAC():\n%s", out)
	}
}

func TestHelpExplainsTheRuntimeFlags(t *testing.T) {
	for _, cmd := range []string{"run", "gc", "doctor", "render"} {
		_, out, _ := runCLI(t, cmd, "--help")
		for _, want := range []string{"--runtime", "docker or kube", "$DRILL_RUNTIME", "--kubeconfig", "--context"} {
			if !strings.Contains(out, want) {
				t.Errorf("drill %s --help lacks %q", cmd, want)
			}
		}
	}
}

// On Kubernetes, gc's lines and summary count namespaces.
func TestWriteGCOnKube(t *testing.T) {
	run := runtime.GCRun{
		Labels:     runtime.RunLabels{RunID: "r-1", Host: "here", PID: 7, Scenario: "atlassian-2022", Size: "small"},
		Remove:     true,
		Reason:     "process 7 is gone",
		Namespaces: []string{"drill-r-1"},
	}
	var b bytes.Buffer
	writeGC(&b, runtime.GCReport{Runs: []runtime.GCRun{run}}, runtime.GCOptions{DryRun: true}, true)
	want := "would remove run r-1 (atlassian-2022 small, started at an unknown time on here by pid 7): process 7 is gone; 1 namespace drill-r-1\n" +
		"would remove 1 run (1 namespace); kept 0 runs\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	writeGC(&b, runtime.GCReport{}, runtime.GCOptions{}, true)
	if b.String() != "nothing of drill's on this cluster\n" {
		t.Errorf("empty: %q", b.String())
	}
}

// A kept run on Kubernetes says its namespace, how to see its pods, and the gc command for
// this runtime and cluster.
func TestWriteKeptOnKube(t *testing.T) {
	labels := runtime.NewRunLabels("r-1", "fake-restore", "small").Map()
	rt := kube.NewForClient(nil, fake.NewClientset(kube.NamespaceObject("drill-r-1", labels)))
	res := &result.Result{Run: result.Run{ID: "r-1"}, Timeline: []result.Event{
		{Kind: result.EventKept, Name: "app:8080 is at 127.0.0.1:40001 (container drill-r-1-app)"},
		{Kind: result.EventKept, Name: "remove it with: drill gc --run r-1"},
	}}
	st, out, errb := inMemory(nil)
	rf := runtimeFlags{name: "kube", kubeconfig: "/k/admin.kubeconfig"}
	writeKept(context.Background(), st, rt, res, rf)
	want := "kept: app:8080 is at 127.0.0.1:40001 (container drill-r-1-app)\n" +
		"kept: namespace drill-r-1: kubectl -n drill-r-1 get pods\n" +
		"kept: the addresses above close when drill exits; reach a pod with kubectl -n drill-r-1 port-forward pod/POD PORT\n" +
		"kept: remove it with: drill gc --runtime kube --kubeconfig /k/admin.kubeconfig --run r-1\n"
	if out.String() != want || errb.Len() != 0 {
		t.Errorf("got\n%s\nwant\n%s\nstderr %s", out, want, errb)
	}

	st, out, _ = inMemory(nil)
	writeKept(context.Background(), st, nil, res, runtimeFlags{name: "docker"})
	if !strings.HasSuffix(out.String(), "kept: remove it with: drill gc --run r-1\n") || strings.Contains(out.String(), "namespace") {
		t.Errorf("on docker: %s", out)
	}
}

// render --run on kube finds the run's namespace and attaches to its running pods by the
// names drill gave them; a run with no running pod or no namespace is a clear error.
func TestKeptContainersOnKube(t *testing.T) {
	labels := runtime.NewRunLabels("r-1", "fake-restore", "small").Map()
	ns := kube.NamespaceObject("drill-r-1", labels)
	pod, err := kube.PodObject(runtime.ContainerSpec{Name: "drill-r-1-db", Image: "drill/postgres:15", Labels: labels}, ns.Name, kube.DefaultHelperImage, false)
	if err != nil {
		t.Fatal(err)
	}
	pod.Status.Phase = corev1.PodRunning
	rt := kube.NewForClient(nil, fake.NewClientset(ns, pod))
	ctrs, err := keptContainers(context.Background(), rt, "r-1")
	if err != nil || ctrs["drill-r-1-db"] == nil || len(ctrs) != 1 {
		t.Errorf("attached %v, %v", ctrs, err)
	}
	if _, err := keptContainers(context.Background(), rt, "r-2"); err == nil || !strings.Contains(err.Error(), "no namespace carries drill.run-id=r-2") {
		t.Errorf("an unknown run: %v", err)
	}
	empty := kube.NewForClient(nil, fake.NewClientset(kube.NamespaceObject("drill-r-3", runtime.NewRunLabels("r-3", "x", "small").Map())))
	if _, err := keptContainers(context.Background(), empty, "r-3"); err == nil || !strings.Contains(err.Error(), "no running pod") {
		t.Errorf("a run without pods: %v", err)
	}
}
