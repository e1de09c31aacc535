package harness

import (
	"context"
	"strings"
	"testing"

	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/result"
)

// panicRuntime is the fake runtime with one operation that panics, as a bug would.
type panicRuntime struct {
	*fakeRuntime
	at string // "network", "start side", "remove network"
}

func (r *panicRuntime) CreateNetwork(ctx context.Context, name string, l map[string]string) error {
	if r.at == "network" {
		panic("network creation bug")
	}
	return r.fakeRuntime.CreateNetwork(ctx, name, l)
}

func (r *panicRuntime) Start(ctx context.Context, spec runtime.ContainerSpec) (runtime.Container, error) {
	if r.at == "start side" && strings.HasSuffix(spec.Name, "-side") {
		panic("start bug")
	}
	return r.fakeRuntime.Start(ctx, spec)
}

func (r *panicRuntime) RemoveNetwork(ctx context.Context, name string) error {
	if r.at == "remove network" {
		panic("teardown bug")
	}
	return r.fakeRuntime.RemoveNetwork(ctx, name)
}

// A panic anywhere in a drill, on the drill's goroutine or another, ends in a result: the
// verdict inconclusive, the reason naming the panic and its phase, teardown done.
func TestPanicsBecomeInconclusiveResults(t *testing.T) {
	cases := []struct {
		name, at, scenario, canaryCmd, phase string
	}{
		{name: "in prepare, on the drill's goroutine", at: "network", scenario: "fake-restore.yaml", phase: PhasePrepare},
		{name: "starting a service, on an errgroup goroutine", at: "start side", scenario: "fake-restore.yaml", phase: PhaseUp},
		{name: "in a canary write, on a writer goroutine", scenario: "fake-restore-exec.yaml", canaryCmd: "fake-panic", phase: PhaseSeed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt := &panicRuntime{fakeRuntime: newFakeRuntime(), at: c.at}
			sc := load(t, c.scenario)
			if c.canaryCmd != "" {
				sc.Stack.Products["things"].CanaryWrite.Exec.Command = []string{c.canaryCmd, "write"}
			}
			res, err := Run(context.Background(), sc, "small", rt)
			if err != nil || res == nil {
				t.Fatalf("Run: %v %v, want a result", res, err)
			}
			if res.Verdict != result.Inconclusive || !strings.Contains(res.Reason, "harness panic in the "+c.phase+" phase") {
				t.Errorf("verdict %s reason %q, want inconclusive naming the panic in %s", res.Verdict, res.Reason, c.phase)
			}
			if len(res.Errors) == 0 || !strings.Contains(strings.Join(res.Errors, "\n"), "goroutine") {
				t.Errorf("errors %q: want the panic's stack", res.Errors)
			}
			if left := rt.Leftovers(); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			t.Logf("reason: %s", res.Reason)
		})
	}
}

// A panic in one teardown does not stop the others, and the drill cannot pass.
func TestPanicInTeardownRunsTheRest(t *testing.T) {
	rt := &panicRuntime{fakeRuntime: newFakeRuntime(), at: "remove network"}
	res, err := Run(context.Background(), load(t, "fake-restore.yaml"), "small", rt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict == result.Pass || !strings.Contains(strings.Join(res.Errors, "\n"), "teardown of network") {
		t.Errorf("verdict %s errors %q, want not pass and the teardown panic named", res.Verdict, res.Errors)
	}
	left := rt.Leftovers()
	if len(left) != 1 || !strings.HasPrefix(left[0], "drill-") {
		t.Errorf("left behind %v, want only the network whose removal panicked", left)
	}
}
