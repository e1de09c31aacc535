package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/drill-dev/drill/harness/clock"
	"github.com/drill-dev/drill/harness/recovery"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/harness/verify"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// Phase names, in order.
const (
	PhasePrepare  = "prepare"
	PhaseUp       = "up"
	PhaseSeed     = "seed"
	PhaseProtect  = "protect"
	PhaseBaseline = "baseline"
	PhaseInject   = "inject"
	PhaseRecover  = "recover"
	PhaseVerify   = "verify"
	PhaseMeasure  = "measure"
	PhaseTeardown = "teardown"
)

// NewRunID returns a short random run ID.
func NewRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Run performs one drill: the scenario at the named size, on rt. It always returns a result
// (verdict aborted when ctx is cancelled, inconclusive when the infrastructure failed or the
// harness panicked: the result names the panic) and always tears the stack down unless
// WithKeep was given. The error is non-nil only when the arguments are unusable (an unknown
// size).
//
// Without an operator (WithOperator) manual steps take their simulated time, and a scenario
// with a manual step that declares none is refused (an error matching ErrUnattended and
// scenarios.ErrInvalid) before anything starts; so is a scenario with a service operation the
// runtime refuses (runtime.OpRefuser).
//
// Defaults: seed 1, a real clock, no logger, no observer, no operator, a random run ID,
// teardown within 2m.
func Run(ctx context.Context, sc *scenarios.Scenario, sizeName string, rt runtime.Runtime, opts ...Option) (*result.Result, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	size, err := sc.Size(sizeName)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	if err := checkAttended(sc, cfg); err != nil {
		return nil, err
	}
	if err := checkOps(sc, rt); err != nil {
		return nil, err
	}
	started := time.Now()
	if cfg.clock == nil {
		cfg.clock = clock.NewClockFrom(started) // the run's wall start is the clock's zero
	}
	runID := cfg.runID
	if runID == "" {
		runID = NewRunID()
	}
	d := newDrill(sc, size, rt, cfg, runID)
	d.labels = runtime.Labels(runID, sc.Name, size.Name, started)
	res := d.newResult(started)
	cpu0 := verify.ProcessCPU()

	// A panic anywhere in the drill (on any goroutine that defers d.recovered) stops the
	// phases and makes the result inconclusive, naming it; teardown still runs.
	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	d.panics.mu.Lock()
	d.panics.cancel = cancel
	d.panics.mu.Unlock()
	m := &measurement{}
	err = d.safely("phases", func() error { return d.phases(pctx, res, m) })
	if ferr := d.safely("measure", func() error {
		d.finish(ctx, res, m, err)
		return nil
	}); ferr != nil {
		_ = d.safely("stop canaries", func() error { m.stopCanaries(); return nil })
	}
	d.notePanic(res)

	td := d.clock.Now()
	if cfg.keep {
		d.noteKept(ctx)
	} else if terr := d.cleanup.Run(ctx, cfg.teardownTO); terr != nil {
		res.Errors = append(res.Errors, "teardown: "+terr.Error())
		if res.Verdict == result.Pass {
			res.Verdict, res.Reason = result.Inconclusive, "teardown failed: "+terr.Error()
		}
	}
	d.tl.Phase(PhaseTeardown, td, result.OutcomeOK, nil)
	res.Phases = d.tl.Phases()
	res.Timeline = d.tl.Events()
	res.Run.Finished = time.Now()
	res.Run.WallSeconds = d.clock.Now().Seconds()
	res.Run.Repro.CPUSeconds = verify.ProcessCPU() - cpu0
	return res, nil
}

// phase runs fn as a named phase on the timeline.
func (d *drill) phase(ctx context.Context, name string, fn func(context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	d.curPhase = name
	d.mu.Unlock()
	d.cfg.observer.Phase(name)
	d.log.Info("phase", "phase", name)
	start := d.clock.Now()
	err := fn(ctx)
	outcome := result.OutcomeOK
	switch {
	case err == nil:
	case ctx.Err() != nil:
		outcome = result.OutcomeAborted
	default:
		outcome = result.OutcomeFailed
	}
	d.tl.Phase(name, start, outcome, err)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// phases runs prepare through verify. A recover failure is recorded in m and does not stop
// verification: the drill then measures what the failed runbook left.
func (d *drill) phases(ctx context.Context, res *result.Result, m *measurement) error {
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{PhasePrepare, func(ctx context.Context) error { return d.prepare(ctx, res) }},
		{PhaseUp, func(ctx context.Context) error { return d.svcs.up(ctx, d.stack) }},
		{PhaseSeed, func(ctx context.Context) error { return d.seed(ctx, m) }},
		{PhaseProtect, d.protect},
		{PhaseBaseline, func(ctx context.Context) error { return d.baseline(ctx, m) }},
		{PhaseInject, func(ctx context.Context) error { return d.inject(ctx, m) }},
	}
	for _, s := range steps {
		if err := d.phase(ctx, s.name, s.fn); err != nil {
			m.stopCanaries()
			return err
		}
	}
	rerr := d.phase(ctx, PhaseRecover, func(ctx context.Context) error { return d.recover(ctx, m) })
	if rerr != nil && ctx.Err() != nil {
		m.stopCanaries()
		return rerr
	}
	m.recoverErr = rerr
	return d.phase(ctx, PhaseVerify, func(ctx context.Context) error { return d.verify(ctx, m) })
}

// protect runs the backup steps: the scenario's when it declares them, else the stack's.
func (d *drill) protect(ctx context.Context) error {
	steps := d.stack.Protect
	if d.sc.Protect != nil {
		steps = d.sc.Protect
	}
	return d.runSteps(ctx, steps, stepEnv{phase: PhaseProtect, data: d.data()})
}

// inject runs the fault steps; t0 is the start of the first.
func (d *drill) inject(ctx context.Context, m *measurement) error {
	d.mu.Lock()
	d.t0 = d.clock.Now()
	d.injected = true
	d.mu.Unlock()
	m.startVerifier(ctx, d)
	err := d.runSteps(ctx, d.sc.Inject, stepEnv{phase: PhaseInject, data: d.data(), fault: true})
	d.mu.Lock()
	d.injEnd, d.injDone = d.clock.Now(), true
	d.mu.Unlock()
	if err != nil && ctx.Err() == nil {
		return infra(fmt.Errorf("the fault was not injected as declared: %w", err))
	}
	return err
}

// recover waits for the detection window to close (one probe interval after the inject
// window, by time), fixes the affected sites, evaluates the milestones a first time with them,
// then runs the runbook within the recovery timeout.
func (d *drill) recover(ctx context.Context, m *measurement) error {
	d.mu.Lock()
	injEnd := d.injEnd
	d.mu.Unlock()
	if err := m.ver.WaitDetection(ctx, recovery.DetectionEnd(injEnd, d.sc.Intervals.Probe)); err != nil {
		return err
	}
	affected := m.affectedNow(d)
	d.mu.Lock()
	d.affected = affected
	d.mu.Unlock()
	for _, s := range affected {
		m.ver.Unverify(s) // affected sites are unverified from t0
	}
	m.ver.PollMilestones(ctx)
	d.tl.Note(PhaseRecover, result.EventNote, fmt.Sprintf("%d sites affected", len(affected)), "", result.OutcomeOK)
	m.recoverDeadline = d.t0 + d.sc.RecoveryTimeout
	rctx, cancel := clock.WithTimeout(ctx, d.clock, m.recoverDeadline-d.clock.Now())
	defer cancel()
	err := d.runSteps(rctx, d.sc.Recover, stepEnv{phase: PhaseRecover, data: d.data()})
	m.runbookDone(d.clock.Now())
	if err != nil && ctx.Err() == nil && clock.TimedOut(rctx) {
		return fmt.Errorf("runbook did not finish within the recovery timeout %s: %w", d.sc.RecoveryTimeout, err)
	}
	return err
}

// noteKept records, for a kept stack, where each service's ports are reachable and how to
// remove the stack later.
func (d *drill) noteKept(ctx context.Context) {
	for _, name := range slices.Sorted(maps.Keys(d.stack.Services)) {
		c, err := d.svcs.Container(name)
		if err != nil {
			continue
		}
		for _, port := range d.stack.Services[name].Ports {
			if ep, err := c.Endpoint(context.WithoutCancel(ctx), port); err == nil {
				d.tl.Note(PhaseTeardown, result.EventKept, fmt.Sprintf("%s:%d is at %s (container %s)", name, port, ep, c.Name()), "", result.OutcomeOK)
			}
		}
	}
	d.tl.Note(PhaseTeardown, result.EventKept, "remove it with: drill gc --run "+d.runID, "", result.OutcomeOK)
}

// phaseNow is the phase running now.
func (d *drill) phaseNow() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.curPhase
}

// checkOps refuses a scenario with a service operation the runtime cannot perform. The error
// lists each such step with its position.
func checkOps(sc *scenarios.Scenario, rt runtime.Runtime) error {
	r, ok := rt.(runtime.OpRefuser)
	if !ok {
		return nil
	}
	if err := sc.CheckServiceOps(r.RefuseServiceOp); err != nil {
		return fmt.Errorf("scenario %s: this runtime cannot perform:\n%w", sc.Name, err)
	}
	return nil
}
