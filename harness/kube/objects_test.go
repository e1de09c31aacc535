package kube

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/drill-dev/drill/harness/runtime"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata and "+RBACFile)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the mapping makes now (go test -update rewrites it after a deliberate change):\n%s", path, got)
	}
}

// runLabels are a run's labels as the engine gives them, with fixed values.
func runLabels() map[string]string {
	return map[string]string{
		runtime.LabelRunID:    "atlassian-2022-small-20261202T091200Z",
		runtime.LabelHost:     "ci-runner-4",
		runtime.LabelPID:      "4242",
		runtime.LabelStarted:  "2026-12-02T09:12:00Z",
		runtime.LabelScenario: "atlassian-2022",
		runtime.LabelSize:     "small",
	}
}

// objects renders objects as one YAML stream.
func objects(t *testing.T, objs ...any) []byte {
	t.Helper()
	var b bytes.Buffer
	for i, o := range objs {
		y, err := yaml.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.Bytes()
}

// The cloudsuite database as the engine asks for it: a network alias, a published port, three
// volumes of which one read-only and one nocopy, an environment.
func TestAServiceBecomesAPodAndHeadlessServices(t *testing.T) {
	const ns = "drill-atlassian-2022-small-20261202t091200z"
	spec := runtime.ContainerSpec{
		Name:    "drill-atlassian-2022-small-20261202T091200Z-db",
		Image:   "drill/postgres:15",
		Command: []string{"drill-pg", "serve"},
		Env:     map[string]string{"POSTGRES_PASSWORD": "cloudsuite-pw", "PGDATA": "/pgdata"},
		Network: "drill-atlassian-2022-small-20261202T091200Z",
		Aliases: []string{"db"},
		Ports:   []int{5432},
		Volumes: map[string]string{
			"drill-atlassian-2022-small-20261202T091200Z-data":    "/pgdata",
			"drill-atlassian-2022-small-20261202T091200Z-backups": "/backups",
			"drill-atlassian-2022-small-20261202T091200Z-wal":     "/archive",
		},
		ReadOnly: map[string]bool{"drill-atlassian-2022-small-20261202T091200Z-backups": true},
		NoCopy:   map[string]bool{"drill-atlassian-2022-small-20261202T091200Z-wal": true},
		Labels:   runLabels(),
		Init:     true,
	}
	pod, err := PodObject(spec, ns, DefaultHelperImage, false)
	if err != nil {
		t.Fatal(err)
	}
	svcs, err := ServiceObjects(spec, ns)
	if err != nil {
		t.Fatal(err)
	}
	objs := []any{pod}
	for _, s := range svcs {
		objs = append(objs, s)
	}
	golden(t, "service.yaml", objects(t, objs...))
}

func TestARunStepBecomesAOneShotPod(t *testing.T) {
	spec := runtime.ContainerSpec{
		Name:       "drill-atlassian-2022-small-20261202T091200Z-run-3",
		Image:      "drill/cloudsuite:dev",
		Entrypoint: []string{"cloudsuite"},
		Command:    []string{"restore", "--sites", "s-0001,s-0002"},
		User:       "65534:65534",
		Network:    "drill-atlassian-2022-small-20261202T091200Z",
		Labels:     runLabels(),
	}
	pod, err := PodObject(spec, "drill-atlassian-2022-small-20261202t091200z", DefaultHelperImage, true)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "run.yaml", objects(t, pod))
}

func TestANetworkAndAVolumeBecomeANamespaceAndAClaim(t *testing.T) {
	ns := NamespaceObject("drill-atlassian-2022-small-20261202T091200Z", runLabels())
	pvc := ClaimObject("drill-atlassian-2022-small-20261202T091200Z-data", ns.Name, runLabels())
	golden(t, "namespace.yaml", objects(t, ns, pvc))
}

func TestWhatAPodCannotBeIsRefusedByName(t *testing.T) {
	_, err := PodObject(runtime.ContainerSpec{Name: "x", User: "postgres"}, "ns", DefaultHelperImage, false)
	if err == nil || !strings.Contains(err.Error(), `user "postgres"`) || !strings.Contains(err.Error(), "numeric") {
		t.Errorf("a user name: %v", err)
	}
	_, err = ServiceObjects(runtime.ContainerSpec{Name: "x", Aliases: []string{"my_db"}}, "ns")
	if err == nil || !strings.Contains(err.Error(), `"my_db"`) {
		t.Errorf("an alias that is no DNS label: %v", err)
	}
}
