package harness

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

func load(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Load("testdata/" + name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return sc
}

func run(t *testing.T, ctx context.Context, sc *scenarios.Scenario, rt *fakeRuntime) *result.Result {
	t.Helper()
	res, err := Run(ctx, sc, "small", rt, WithTeardownTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if left := rt.Leftovers(); len(left) > 0 {
		t.Fatalf("left behind after teardown: %v", left)
	}
	return res
}

// runPassing runs the scenario in file on a new fake runtime and fails the test unless the
// drill passed.
func runPassing(t *testing.T, file string) *result.Result {
	t.Helper()
	res := run(t, context.Background(), load(t, file), newFakeRuntime())
	if res.Verdict != result.Pass {
		t.Fatalf("verdict %s: %s %v", res.Verdict, res.Reason, res.Errors)
	}
	return res
}

func events(res *result.Result, kind, name string) []result.Event {
	var out []result.Event
	for _, e := range res.Timeline {
		if e.Kind == kind && e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// The runbook restores two deleted sites with a restore that takes 1.5s each; the measured RTO
// must lie between the true outage (fault instance start to restore end) and one poll later,
// and the RPO within one canary interval of the gap between backup and hit.
func TestRunMeasuresAKnownRecovery(t *testing.T) {
	res := runPassing(t, "fake-restore.yaml")
	m := res.Metrics
	if m.SitesAffected != 2 || m.SitesRecovered != 2 {
		t.Fatalf("affected %d recovered %d, want 2 2", m.SitesAffected, m.SitesRecovered)
	}
	// The bound comes from the scenario's declared probe interval (0.1s), never from the poll
	// gap the code measured: a test that widens its bound by that cannot catch slow polling.
	probe := 0.1
	for _, row := range res.Sites {
		if !row.Affected {
			continue
		}
		var hit, restored float64
		for _, e := range events(res, "instance", "delete") {
			if e.Site == row.ID {
				hit = e.Start
			}
		}
		for _, e := range events(res, "instance", "restore") {
			if e.Site == row.ID {
				restored = e.End
			}
		}
		truth := restored - hit
		if got := *row.RTOSeconds; got < truth || got > truth+probe+0.3 {
			t.Errorf("site %s: rto %.3fs, true outage %.3fs (resolution %.1fs)", row.ID, got, truth, probe)
		}
	}
	// The backup was taken 1s before the deletion: about a second of canaries is lost. Its
	// snapshot lies within the backup step; the worst site is the last one deleted.
	canary := 0.1 // the scenario's canary interval
	backup := events(res, "step", "backup just before")[0]
	var hit float64
	for _, e := range events(res, "instance", "delete") {
		hit = max(hit, e.Start)
	}
	// L lags the hit by up to one interval (and an acknowledgement under load by more), S the
	// snapshot by up to one: the window is the truth less at most two intervals, plus at most one.
	if got := *m.RPOSeconds; got < hit-backup.End-2*canary || got > hit-backup.Start+canary {
		t.Errorf("rpo %.3fs, truth between %.3fs and %.3fs, ± one canary interval %.1fs", got, hit-backup.End, hit-backup.Start, canary)
	}
	if m.LostWrites == 0 || m.CollateralLostWrites != 0 {
		t.Errorf("lost %d collateral %d: want some lost on affected sites and none elsewhere", m.LostWrites, m.CollateralLostWrites)
	}
}

// Canaries deleted on purpose are counted exactly, and the negative control that declares
// the breach exits as expected.
func TestRunCountsDeletedCanariesExactly(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-drop.yaml"), newFakeRuntime())
	if res.Metrics.LostWrites != 5 {
		t.Fatalf("lost_writes = %d, want 5", res.Metrics.LostWrites)
	}
	if res.Verdict != result.Fail || !res.Expected {
		t.Fatalf("verdict %s expected %v: %s", res.Verdict, res.Expected, res.Reason)
	}
}

// A foreach at concurrency 4 really overlaps four instances and no more; a step that fails
// after its retry fails the drill; teardown removes containers, then volumes and the network.
func TestRunFanOutRetriesAndTeardownOrder(t *testing.T) {
	rt := newFakeRuntime()
	res := run(t, context.Background(), load(t, "fake-fanout.yaml"), rt)
	inst := events(res, "instance", "restore")
	if len(inst) != 8 {
		t.Fatalf("%d restore instances, want 8", len(inst))
	}
	peak := 0
	for _, a := range inst {
		n := 0
		for _, b := range inst {
			if b.Start <= a.Start && a.Start < b.End {
				n++
			}
		}
		peak = max(peak, n)
	}
	if peak != 4 {
		t.Errorf("at most %d restores overlapped, want 4", peak)
	}
	doomed := events(res, "step", "doomed")
	if len(doomed) != 1 || doomed[0].Outcome != "failed" || doomed[0].Attempt != 2 {
		t.Fatalf("doomed step events: %+v", doomed)
	}
	if res.Verdict != result.Fail || !strings.Contains(res.Reason, "runbook failed") {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
	// Teardown order: last created first; the network was created first, so goes last.
	last := rt.Log()[len(rt.Log())-1]
	if !strings.HasPrefix(last, "remove network") {
		t.Fatalf("teardown ended with %q, want the network last: %v", last, rt.Log())
	}
}

func TestRunMissingImageIsInconclusiveAndStartsNothing(t *testing.T) {
	rt := newFakeRuntime()
	rt.SetMissing("fake/app:1")
	res := run(t, context.Background(), load(t, "fake-restore.yaml"), rt)
	if res.Verdict != result.Inconclusive || !strings.Contains(res.Reason, "make images") {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
	if len(rt.Log()) != 0 {
		t.Fatalf("created %v before finding the image missing", rt.Log())
	}
}

func TestRunInterruptedDuringRecoverIsAbortedAndCleanedUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt := newFakeRuntime()
	res, err := Run(ctx, load(t, "fake-restore.yaml"), "small", rt, WithObserver(cancelAt{PhaseRecover, cancel}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != result.Aborted || res.Reason != "interrupted during the recover phase" {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
	if left := rt.Leftovers(); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// cancelAt is an observer that cancels the drill when a phase starts.
type cancelAt struct {
	phase  string
	cancel context.CancelFunc
}

func (c cancelAt) Phase(name string) {
	if name == c.phase {
		c.cancel()
	}
}
func (cancelAt) Instances(string, int)                        {}
func (cancelAt) Event(string, string, string, string, string) {}

func TestRunKeepLeavesTheStackAndSaysWhereItIs(t *testing.T) {
	rt := newFakeRuntime()
	res, err := Run(context.Background(), load(t, "fake-drop.yaml"), "small", rt, WithKeep())
	if err != nil {
		t.Fatal(err)
	}
	if len(rt.Leftovers()) == 0 {
		t.Fatal("--keep tore the stack down")
	}
	var kept []string
	for _, e := range res.Timeline {
		if e.Kind == "kept" {
			kept = append(kept, e.Name)
		}
	}
	if len(kept) != 3 || !strings.Contains(kept[0], "app:8080 is at 127.0.0.1:") || !strings.Contains(kept[2], "drill gc --run "+res.Run.ID) {
		t.Fatalf("kept notes: %q", kept)
	}
}

// A step that outlives its timeout is cut off at it, retried as declared, and fails the drill.
func TestRunStepTimeoutAndRetry(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-timeout.yaml"), newFakeRuntime())
	hang := events(res, "step", "hang")
	if len(hang) != 1 {
		t.Fatalf("hang events: %+v", hang)
	}
	e := hang[0]
	if e.Outcome != "timeout" || e.Attempt != 2 {
		t.Fatalf("outcome %s after attempt %d, want timeout after 2", e.Outcome, e.Attempt)
	}
	if d := e.End - e.Start; d < 0.6 || d > 5 {
		t.Fatalf("two 300ms attempts took %.2fs", d)
	}
	if res.Verdict != result.Fail || res.Metrics.SitesRecovered != 0 {
		t.Fatalf("verdict %s, recovered %d", res.Verdict, res.Metrics.SitesRecovered)
	}
}

// On a fake clock an hour-long runbook is cut off by the 10-minute recovery timeout: the
// drill fails, the hit site never recovers, and the timeline says so in drill time.
func TestRunRecoveryTimeoutOnAFakeClock(t *testing.T) {
	// Drill time runs up to 100× faster than real time: at 1000×, a busy machine's 10 ms
	// before the runbook starts were 10 s of drill time, and the cut was missed by that.
	fc := clockAt(t, 100*time.Millisecond)
	rt := newFakeRuntime()
	res, err := Run(context.Background(), load(t, "fake-slow.yaml"), "small", rt, WithClock(fc))
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != result.Fail || res.Metrics.RTOSeconds != nil || res.Metrics.SitesRecovered != 0 {
		t.Fatalf("verdict %s rto %v recovered %d: %s", res.Verdict, res.Metrics.RTOSeconds, res.Metrics.SitesRecovered, res.Reason)
	}
	if !strings.Contains(res.Reason, "recovery timeout") {
		t.Fatalf("reason %q does not name the recovery timeout", res.Reason)
	}
	sleep := events(res, "step", "an hour of nothing")[0]
	if d := sleep.End - sleep.Start; d < 590 || d > 610 {
		t.Fatalf("the hour-long step ran %.0fs of drill time, want it cut at about 600s", d)
	}
	if len(events(res, "step", "restore")) != 0 {
		t.Fatal("the step after the timeout ran")
	}
}

// A fault that affects no site proves nothing: inconclusive, never pass.
func TestRunFaultThatAffectsNoSiteIsInconclusive(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-noop.yaml"), newFakeRuntime())
	if res.Verdict != result.Inconclusive || !strings.Contains(res.Reason, "affected no site") {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
}

// A service that never becomes ready makes the drill inconclusive, with its logs, and
// whatever was started is torn down.
func TestRunServiceNeverReadyIsInconclusiveWithItsLogs(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-unready.yaml"), newFakeRuntime())
	if res.Verdict != result.Inconclusive || !strings.Contains(res.Reason, "service app never became ready") {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
	if len(res.Errors) == 0 || !strings.Contains(res.Errors[0], "fake log") {
		t.Fatalf("errors lack the service's log lines: %q", res.Errors)
	}
}

// A missing image with a build context is built, once, before anything starts.
func TestRunBuildsAMissingImageFromItsContext(t *testing.T) {
	rt := newFakeRuntime()
	rt.SetMissing("fake/app:1")
	res := run(t, context.Background(), load(t, "fake-build.yaml"), rt)
	if res.Verdict == result.Inconclusive {
		t.Fatalf("inconclusive: %s", res.Reason)
	}
	if len(rt.Built()) != 1 || !strings.HasSuffix(rt.Built()[0], "testdata/app-build") {
		t.Fatalf("built %v, want fake/app:1 once from testdata/app-build", rt.Built())
	}
}
