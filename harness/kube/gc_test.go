package kube

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/drill-dev/drill/harness/runtime"
)

// gcCluster holds the namespaces of a dead run, a live run, another host's old run, and one
// that carries drill's run label but is not drill's.
func gcCluster(t *testing.T) (*Runtime, *fake.Clientset, map[string]runtime.RunLabels, runtime.GCOptions) {
	t.Helper()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	runs := map[string]runtime.RunLabels{
		"dead":  {RunID: "atlassian-2022-small-20261202T110000Z", Host: "here", PID: 200, Started: now.Add(-time.Hour), Scenario: "atlassian-2022", Size: "small"},
		"live":  {RunID: "atlassian-2022-small-20261202T115900Z", Host: "here", PID: 100, Started: now.Add(-time.Minute), Scenario: "atlassian-2022", Size: "small"},
		"there": {RunID: "volume-loss-medium-20261201T120000Z", Host: "there", PID: 300, Started: now.Add(-24 * time.Hour), Scenario: "volume-loss", Size: "medium"},
	}
	var objs []*corev1.Namespace
	for _, r := range runs {
		objs = append(objs, NamespaceObject("drill-"+r.RunID, r.Map()))
	}
	foreign := NamespaceObject("not-drills", runs["dead"].Map())
	delete(foreign.Labels, LabelManaged)
	cs := fake.NewClientset(objs[0], objs[1], objs[2], foreign)
	opts := runtime.GCOptions{Host: "here", Now: func() time.Time { return now }, Alive: func(pid int, _ time.Time) bool { return pid == 100 }}
	return NewForClient(nil, cs), cs, runs, opts
}

func namespaces(t *testing.T, cs *fake.Clientset) []string {
	t.Helper()
	list, err := cs.CoreV1().Namespaces().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range list.Items {
		names = append(names, n.Name)
	}
	slices.Sort(names)
	return names
}

func TestGC(t *testing.T) {
	rt, cs, runs, opts := gcCluster(t)
	// The fake deletes a namespace at once, so DeleteNamespace's wait ends at once: a wait that
	// did not would fail here, not hang.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	all := namespaces(t, cs)
	deadNS := Name("drill-" + runs["dead"].RunID)

	dry := opts
	dry.DryRun = true
	rep, err := GC(ctx, rt, dry)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 3 || len(rep.Removed()) != 1 || rep.Removed()[0].Labels != runs["dead"] ||
		!slices.Equal(rep.Removed()[0].Namespaces, []string{deadNS}) || rep.Removed()[0].Reason != "process 200 is gone" {
		t.Fatalf("dry run = %+v, want three runs found and the dead one, read from its annotations, to go", rep)
	}
	if rep.Runs[0].Labels.Host != "there" {
		t.Errorf("runs not oldest first: %+v", rep.Runs)
	}
	if got := namespaces(t, cs); !slices.Equal(got, all) {
		t.Fatalf("a dry run deleted: %v, was %v", got, all)
	}

	if _, err := GC(ctx, rt, opts); err != nil {
		t.Fatal(err)
	}
	want := slices.DeleteFunc(slices.Clone(all), func(n string) bool { return n == deadNS })
	if got := namespaces(t, cs); !slices.Equal(got, want) {
		t.Fatalf("after gc: %v, want %v (the dead run's namespace gone, and only it)", got, want)
	}

	old := opts
	old.OlderThan = 2 * time.Hour
	rep, err = GC(ctx, rt, old)
	if err != nil || len(rep.Removed()) != 1 || rep.Removed()[0].Labels.Host != "there" {
		t.Fatalf("--older-than 2h = %+v, %v; want another host's day-old run removed", rep, err)
	}

	byID := opts
	byID.RunID = runs["live"].RunID
	rep, err = GC(ctx, rt, byID)
	if err != nil || len(rep.Removed()) != 1 {
		t.Fatalf("--run = %+v, %v", rep, err)
	}
	if got := namespaces(t, cs); !slices.Equal(got, []string{"not-drills"}) {
		t.Errorf("left %v, want only the namespace drill did not make", got)
	}
}

// GC's extra labels match the values themselves (annotations), through their label encoding.
func TestGCLabels(t *testing.T) {
	rt, _, runs, opts := gcCluster(t)
	opts.DryRun = true
	opts.Labels = map[string]string{runtime.LabelScenario: "volume-loss"}
	rep, err := GC(context.Background(), rt, opts)
	if err != nil || len(rep.Runs) != 1 || rep.Runs[0].Labels != runs["there"] {
		t.Fatalf("GC with labels = %+v, %v; want the volume-loss run only", rep, err)
	}
}
