package harness

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drill-dev/drill/harness/clock"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// fastClock is a fake clock that runs about 1000× faster than real time until the test ends.
func fastClock(t *testing.T) *clock.FakeClock { return clockAt(t, time.Second) }

// clockAt is a fake clock that moves by step every millisecond of real time until the test
// ends: a millisecond the machine spends elsewhere is step of drill time.
func clockAt(t *testing.T, step time.Duration) *clock.FakeClock {
	fc := clock.NewFakeClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				fc.Advance(step)
			}
		}
	}()
	return fc
}

// scriptedOperator answers each prompt after the drill clock has moved by wait[step] (a person
// taking that long), confirming it or failing it as told, and records when it saw each prompt
// and answered, on the drill clock.
type scriptedOperator struct {
	clock *clock.FakeClock
	wait  map[string]time.Duration
	fail  map[string]string // step -> reason
	block bool              // never answer: wait for ctx
	onAsk func()

	mu       sync.Mutex
	prompts  []Prompt
	asked    map[string]time.Duration
	answered map[string]time.Duration
}

func (o *scriptedOperator) Await(ctx context.Context, p Prompt) (Answer, error) {
	at := o.clock.Now()
	o.mu.Lock()
	o.prompts = append(o.prompts, p)
	if o.asked == nil {
		o.asked, o.answered = map[string]time.Duration{}, map[string]time.Duration{}
	}
	o.asked[p.Step] = at
	o.mu.Unlock()
	if o.onAsk != nil {
		o.onAsk()
	}
	if o.block {
		<-ctx.Done()
		return Answer{}, ctx.Err()
	}
	if err := o.clock.Sleep(ctx, o.wait[p.Step]); err != nil {
		return Answer{}, err
	}
	o.mu.Lock()
	o.answered[p.Step] = o.clock.Now()
	o.mu.Unlock()
	if r, ok := o.fail[p.Step]; ok {
		return Answer{Failed: true, Reason: r, By: "test"}, nil
	}
	return Answer{By: "test"}, nil
}

func runbookStep(t *testing.T, res *result.Result, name string) result.RunbookStep {
	t.Helper()
	if res.Metrics.Runbook == nil {
		t.Fatalf("no runbook in the metrics (verdict %s: %s)", res.Verdict, res.Reason)
	}
	for _, s := range res.Metrics.Runbook.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no runbook step %q in %+v", name, res.Metrics.Runbook.Steps)
	return result.RunbookStep{}
}

// within reports whether got lies in [truth, truth+slack].
func within(got, truth, slack float64) bool { return got >= truth && got <= truth+slack }

// Unattended, each manual step takes its simulate time, marked simulated; human and automated
// time split the runbook, and the declare step's milestone is its end, from t0.
func TestManualStepsSimulatedUnattended(t *testing.T) {
	rt := newFakeRuntime()
	// The fake clock moves 100ms every real millisecond: the slack of 2s allows 20ms of real
	// scheduling delay between a step's end and its timestamp on a busy machine (at a second
	// a millisecond, make test's concurrent packages once made it 5s).
	res, err := Run(context.Background(), load(t, "fake-manual.yaml"), "small", rt, WithClock(clockAt(t, 100*time.Millisecond)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != result.Pass {
		t.Fatalf("verdict %s: %s %v", res.Verdict, res.Reason, res.Errors)
	}
	rb := res.Metrics.Runbook
	const slack = 2.0
	if !within(rb.HumanSeconds, 150, slack) || rb.SimulatedSeconds != rb.HumanSeconds {
		t.Errorf("human %.1fs simulated %.1fs, want 2m + 30s, all simulated", rb.HumanSeconds, rb.SimulatedSeconds)
	}
	if d := rb.Seconds - rb.HumanSeconds - rb.AutomatedSeconds; d < -1e-9 || d > 1e-9 {
		t.Errorf("runbook %.1fs is not human %.1fs + automated %.1fs", rb.Seconds, rb.HumanSeconds, rb.AutomatedSeconds)
	}
	declare := runbookStep(t, res, "declare")
	if declare.Kind != result.RunbookHuman || !declare.Simulated || declare.AnsweredBy != "simulated" || !strings.Contains(declare.Prompt, "1 site(s) gone (site-") {
		t.Errorf("declare row: %+v", declare)
	}
	if r := runbookStep(t, res, "restore"); r.Kind != result.RunbookAutomated {
		t.Errorf("restore row: %+v", r)
	}
	t0 := *res.Run.T0Seconds
	if got, truth := *res.Metrics.Milestones["incident-declared"], declare.End-t0; got < truth-1e-9 || got > truth+1e-9 {
		t.Errorf("incident-declared %.1fs from t0, the declare step ended %.1fs after t0", got, truth)
	}
	for _, name := range []string{"human-time", "automated-time", "milestone:incident-declared"} {
		if o := objective(res, name); o == nil || !o.Met || o.Actual == nil {
			t.Errorf("objective %s: %+v", name, o)
		}
	}
	if left := rt.Leftovers(); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// A person confirms the declare step after 90s and the last step after 45s: each manual step
// lasts from its prompt to its answer, and nothing is marked simulated.
func TestManualStepConfirmedIsTimedFromPromptToAnswer(t *testing.T) {
	fc := fastClock(t)
	op := &scriptedOperator{clock: fc, wait: map[string]time.Duration{"declare": 90 * time.Second, "tell customers": 45 * time.Second}}
	res, err := Run(context.Background(), load(t, "fake-manual.yaml"), "small", newFakeRuntime(), WithClock(fc), WithOperator(op))
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != result.Pass {
		t.Fatalf("verdict %s: %s %v", res.Verdict, res.Reason, res.Errors)
	}
	var human float64
	for _, name := range []string{"declare", "tell customers"} {
		row := runbookStep(t, res, name)
		truth := (op.answered[name] - op.asked[name]).Seconds()
		human += row.Seconds
		if !within(row.Seconds, truth, 2) || row.Simulated || row.AnsweredBy != "test" || row.Outcome != "ok" {
			t.Errorf("%s: %+v, the operator took %.0fs", name, row, truth)
		}
	}
	if rb := res.Metrics.Runbook; rb.HumanSeconds != human || rb.SimulatedSeconds != 0 {
		t.Errorf("human %.1fs simulated %.1fs, want %.1fs and 0", rb.HumanSeconds, rb.SimulatedSeconds, human)
	}
	if len(op.prompts) != 2 || op.prompts[0].Run != res.Run.ID || !strings.HasPrefix(op.prompts[0].Text, "Declare the incident: 1 site(s)") {
		t.Errorf("prompts: %+v", op.prompts)
	}
	if !strings.Contains(events(res, "step", "declare")[0].Output, "confirmed by test") {
		t.Errorf("timeline: %+v", events(res, "step", "declare"))
	}
}

// A person fails the last step with a reason: the runbook failed, the verdict is fail and the
// reason is in the result, on the step's row and in the verdict's reason.
func TestManualStepFailedFailsTheDrillWithTheReason(t *testing.T) {
	fc := fastClock(t)
	op := &scriptedOperator{clock: fc, wait: map[string]time.Duration{"tell customers": 5 * time.Second},
		fail: map[string]string{"tell customers": "the contact export is empty"}}
	res, err := Run(context.Background(), load(t, "fake-manual.yaml"), "small", newFakeRuntime(), WithClock(fc), WithOperator(op))
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != result.Fail || !strings.Contains(res.Reason, "the runbook failed") || !strings.Contains(res.Reason, "the contact export is empty") {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
	row := runbookStep(t, res, "tell customers")
	if row.Outcome != "failed" || row.Reason != "the contact export is empty" || row.AnsweredBy != "test" {
		t.Fatalf("row: %+v", row)
	}
}

// A human-time target that the people miss fails the drill on that objective.
func TestManualHumanTimeTargetBreached(t *testing.T) {
	fc := fastClock(t)
	op := &scriptedOperator{clock: fc, wait: map[string]time.Duration{"declare": 4 * time.Minute, "tell customers": 2 * time.Minute}}
	res, err := Run(context.Background(), load(t, "fake-manual.yaml"), "small", newFakeRuntime(), WithClock(fc), WithOperator(op))
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != result.Fail || !strings.Contains(res.Reason, "human-time") || !strings.Contains(res.Reason, "milestone:incident-declared") {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
	if o := objective(res, "human-time"); o == nil || o.Met || *o.Actual < 360 {
		t.Fatalf("human-time objective: %+v", o)
	}
	if o := objective(res, "automated-time"); o == nil || !o.Met {
		t.Fatalf("automated-time objective: %+v", o)
	}
}

// With no operator, a manual step without simulate is refused before anything starts.
func TestManualWithoutSimulateRefusedUnattended(t *testing.T) {
	sc := load(t, "fake-manual.yaml")
	sc.Recover[2].Manual.Simulate = nil
	rt := newFakeRuntime()
	res, err := Run(context.Background(), sc, "small", rt)
	if res != nil || !errors.Is(err, ErrUnattended) || !errors.Is(err, scenarios.ErrInvalid) {
		t.Fatalf("result %v, err %v: want a refusal matching ErrUnattended and ErrInvalid", res, err)
	}
	if !strings.Contains(err.Error(), "fake-manual.yaml:18:13: recover[2].manual: no simulate") {
		t.Errorf("the refusal does not name the step's position: %v", err)
	}
	if len(rt.Log()) != 0 {
		t.Fatalf("started %v before refusing", rt.Log())
	}
}

// Interrupted while a manual step waits for its answer: aborted, torn down.
func TestManualStepInterruptedWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fc := fastClock(t)
	op := &scriptedOperator{clock: fc, block: true, onAsk: cancel}
	rt := newFakeRuntime()
	res, err := Run(ctx, load(t, "fake-manual.yaml"), "small", rt, WithClock(fc), WithOperator(op), WithTeardownTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != result.Aborted || res.Reason != "interrupted during the recover phase" {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
	if e := events(res, "step", "declare"); len(e) != 1 || e[0].Outcome != "aborted" {
		t.Fatalf("declare events: %+v", e)
	}
	if left := rt.Leftovers(); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// refusingRuntime is the fake runtime of a platform that cannot restart a container.
type refusingRuntime struct{ *fakeRuntime }

func (refusingRuntime) RefuseServiceOp(op string) error {
	if op == "restart" {
		return errors.New("cannot restart here")
	}
	return nil
}

// A service operation the runtime cannot perform refuses the drill before anything starts,
// naming the step's position.
func TestServiceOpTheRuntimeRefusesStartsNothing(t *testing.T) {
	rt := newFakeRuntime()
	res, err := Run(context.Background(), load(t, "fake-restart.yaml"), "small", refusingRuntime{rt})
	if res != nil || !errors.Is(err, scenarios.ErrInvalid) {
		t.Fatalf("result %v, err %v: want a refusal matching ErrInvalid", res, err)
	}
	if !strings.Contains(err.Error(), "fake-restart.yaml:11:5: recover[0].service: restart app: cannot restart here") {
		t.Errorf("the refusal does not name the step's position: %v", err)
	}
	if len(rt.Log()) != 0 {
		t.Fatalf("started %v before refusing", rt.Log())
	}
}
