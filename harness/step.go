package harness

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/drill-dev/drill/harness/clock"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// stepEnv is where a step runs: its phase and template data.
type stepEnv struct {
	phase string
	data  scenarios.TemplateData
	// fault is set in inject: the sites a foreach names are recorded as hit.
	fault bool
	// prefix names the enclosing action in event names.
	prefix string
}

// stepError is a step that failed: in recover it fails the drill, elsewhere it makes it
// inconclusive.
type stepError struct {
	step string
	site string
	err  error
}

func (e *stepError) Error() string {
	var inner *stepError
	if errors.As(e.err, &inner) {
		return inner.Error() // the innermost step names the whole path (action/step)
	}
	if e.site != "" {
		return fmt.Sprintf("step %s [site %s]: %v", e.step, e.site, e.err)
	}
	return fmt.Sprintf("step %s: %v", e.step, e.err)
}

func (e *stepError) Unwrap() error { return e.err }

// runSteps runs steps in order and stops at the first failure.
func (d *drill) runSteps(ctx context.Context, steps []*scenarios.Step, env stepEnv) error {
	for _, st := range steps {
		if err := d.runStep(ctx, st, env); err != nil {
			return err
		}
	}
	return nil
}

// stepName is a step's label on the timeline.
func stepName(st *scenarios.Step, prefix string) string {
	name := st.Name
	if name == "" {
		switch st.Kind {
		case scenarios.KindAction:
			name = st.Action
		case scenarios.KindService:
			name = st.Service.Op + " " + st.Service.Name
		case scenarios.KindVolume:
			name = st.Volume.Op + " volume " + st.Volume.Name
		case scenarios.KindSleep:
			name = "sleep " + st.Sleep.String()
		default:
			name = st.Kind
		}
	}
	if prefix != "" {
		return prefix + "/" + name
	}
	return name
}

// runStep runs one step, fanning out over sites when it has a foreach.
func (d *drill) runStep(ctx context.Context, st *scenarios.Step, env stepEnv) error {
	name := stepName(st, env.prefix)
	if st.Foreach == nil {
		span := d.tl.Begin(env.phase, result.EventStep, name, env.data.Site)
		attempt, out, err := d.attempts(ctx, st, env)
		d.inRunbook(st, env, d.endSpan(span, env.phase, err, attempt, out))
		if err != nil {
			return &stepError{step: name, site: env.data.Site, err: err}
		}
		return nil
	}
	sites, err := d.chooseSites(st.Foreach)
	if err != nil {
		return &stepError{step: name, err: err}
	}
	env.data.Sites = sites
	d.cfg.observer.Instances(name, len(sites))
	span := d.tl.Begin(env.phase, result.EventStep, name, "")
	limit := max(st.Concurrency, 1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	var mu sync.Mutex
	var errs []error
	for _, site := range sites {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			ienv := env
			ienv.data.Site = site
			if env.phase == PhaseRecover {
				ienv.data.Hit = d.hitWall(site)
			}
			is := d.tl.Begin(env.phase, result.EventInstance, name, site)
			if env.fault {
				d.markNamed(site, name, d.clock.Now())
			}
			attempt, out, err := d.attempts(gctx, st, ienv)
			d.endSpan(is, env.phase, err, attempt, out)
			if err != nil {
				mu.Lock()
				errs = append(errs, &stepError{step: name, site: site, err: err})
				mu.Unlock()
				return err
			}
			return nil
		})
	}
	_ = g.Wait()
	err = errors.Join(errs...)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	d.inRunbook(st, env, d.endSpan(span, env.phase, err, 0, ""))
	return err
}

// inRunbook records a top-level step of the runbook for its human and automated time.
func (d *drill) inRunbook(st *scenarios.Step, env stepEnv, ev result.Event) {
	if env.phase == PhaseRecover && env.prefix == "" {
		d.book.step(st, ev)
	}
}

// endSpan records a span's outcome, tells the observer and returns the event.
func (d *drill) endSpan(span *Span, phase string, err error, attempt int, out string) result.Event {
	outcome := result.OutcomeOK
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded):
		outcome = result.OutcomeTimeout
	case errors.Is(err, context.Canceled):
		outcome = result.OutcomeAborted
	default:
		outcome = result.OutcomeFailed
		if msg := err.Error(); strings.Contains(msg, strings.TrimSpace(out)) {
			out = msg // the error already quotes the output's tail
		} else {
			out = strings.TrimSpace(out + "\n" + msg)
		}
	}
	ev := span.End(outcome, attempt, d.redact(out))
	d.cfg.observer.Event(phase, ev.Kind, ev.Name, ev.Site, outcome)
	return ev
}

// attempts runs a step with its timeout, retrying as declared. It returns the number of the
// last attempt (1-based) and its output.
func (d *drill) attempts(ctx context.Context, st *scenarios.Step, env stepEnv) (int, string, error) {
	var out string
	var err error
	for attempt := 1; attempt <= st.Retries+1; attempt++ {
		actx, cancel := ctx, context.CancelFunc(func() {})
		if st.Timeout > 0 {
			actx, cancel = clock.WithTimeout(ctx, d.clock, st.Timeout)
		}
		out, err = d.do(actx, st, env)
		switch {
		case err == nil:
		case clock.TimedOut(ctx):
			err = fmt.Errorf("cut off by the recovery timeout: %w", context.DeadlineExceeded)
		case ctx.Err() == nil && clock.TimedOut(actx):
			err = fmt.Errorf("timed out after %s: %w", st.Timeout, context.DeadlineExceeded)
		}
		cancel()
		if err == nil || ctx.Err() != nil {
			return attempt, out, err
		}
		d.log.Info("step attempt failed", "phase", env.phase, "step", stepName(st, env.prefix), "site", env.data.Site, "attempt", attempt, "err", err)
	}
	return st.Retries + 1, out, err
}

// do performs a step once.
func (d *drill) do(ctx context.Context, st *scenarios.Step, env stepEnv) (out string, err error) {
	defer d.recovered("step "+stepName(st, env.prefix), &err)
	switch st.Kind {
	case scenarios.KindExec:
		out, err := d.plane.Step(ctx, scenarios.Probe{Exec: st.Exec}, env.data)
		return string(out), err
	case scenarios.KindRun:
		return d.runOnce(ctx, st.Run, env.data)
	case scenarios.KindHTTP:
		out, err := d.plane.Step(ctx, scenarios.Probe{HTTP: st.HTTP}, env.data)
		return string(out), err
	case scenarios.KindSQL:
		_, err := d.plane.Step(ctx, scenarios.Probe{SQL: st.SQL}, env.data)
		return "", err
	case scenarios.KindWait:
		w := st.Wait
		return "", d.poll(ctx, w.Probe, env.data, "", w.Timeout, w.Interval)
	case scenarios.KindSleep:
		return "", d.clock.Sleep(ctx, st.Sleep)
	case scenarios.KindService:
		return "", d.serviceOp(ctx, st.Service)
	case scenarios.KindVolume:
		return "", d.volumeOp(ctx, st.Volume)
	case scenarios.KindAction:
		return "", d.action(ctx, st, env)
	case scenarios.KindManual:
		return d.manualStep(ctx, st, env)
	}
	return "", fmt.Errorf("unknown step kind %q", st.Kind)
}

// action runs a stack action with its arguments rendered in the caller's template data.
func (d *drill) action(ctx context.Context, st *scenarios.Step, env stepEnv) error {
	a, ok := d.stack.Actions[st.Action]
	if !ok {
		return fmt.Errorf("unknown action %s", st.Action)
	}
	args, err := ActionArgs(a, st, env.data)
	if err != nil {
		return err
	}
	inner := env
	inner.data.Args = args
	inner.fault = false
	inner.prefix = stepName(st, env.prefix)
	return d.runSteps(ctx, a.Steps, inner)
}

// ActionArgs returns the arguments an action step passes to its action (what its steps see as
// .Args): the action's defaults, overridden by the step's with, rendered in the caller's data.
func ActionArgs(a *scenarios.Action, st *scenarios.Step, data scenarios.TemplateData) (map[string]any, error) {
	args := map[string]any{}
	for k, v := range a.Params {
		args[k] = v
	}
	for k, v := range st.With {
		r, err := renderArg(v, data)
		if err != nil {
			return nil, fmt.Errorf("with.%s: %w", k, err)
		}
		args[k] = r
	}
	return args, nil
}

// renderArg renders an action argument: strings as templates (a lone list stays a list),
// lists element by element.
func renderArg(v any, data scenarios.TemplateData) (any, error) {
	var items []string
	switch x := v.(type) {
	case string:
		return scenarios.RenderArg(x, data)
	case []string:
		items = x
	case []any:
		for _, e := range x {
			items = append(items, fmt.Sprint(e))
		}
	default:
		return v, nil
	}
	out := make([]string, 0, len(items))
	for _, e := range items {
		r, err := scenarios.Render(e, data)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// runOnce runs a one-shot container on the run's network.
func (d *drill) runOnce(ctx context.Context, r *scenarios.RunCall, data scenarios.TemplateData) (string, error) {
	cmd := make([]string, len(r.Command))
	for i, a := range r.Command {
		s, err := scenarios.Render(a, data)
		if err != nil {
			return "", err
		}
		cmd[i] = s
	}
	env := map[string]string{}
	for k, v := range r.Env {
		s, err := scenarios.Render(v, data)
		if err != nil {
			return "", err
		}
		env[k] = s
	}
	m, err := d.svcs.mounts(ctx, r.Volumes)
	if err != nil {
		return "", err
	}
	spec := runtime.ContainerSpec{
		Name:     fmt.Sprintf("%s-run-%d", d.prefix, d.nextRun()),
		Image:    r.Image,
		Command:  cmd,
		Env:      env,
		User:     r.User,
		Network:  d.network,
		Volumes:  m.paths,
		ReadOnly: m.readOnly,
		NoCopy:   m.noCopy,
		Labels:   d.labels,
		Init:     true,
	}
	res, err := d.rt.RunOnce(ctx, spec)
	if err != nil {
		return string(res.Output), fmt.Errorf("run %s: %w", r.Image, err)
	}
	if res.ExitCode != 0 {
		return string(res.Output), fmt.Errorf("run %s: exit %d", r.Image, res.ExitCode)
	}
	return string(res.Output), nil
}

// stopTimeout is how long a stop waits before the engine kills.
const stopTimeout = 10 * time.Second

// chooseSites resolves a foreach against the drill's sites and the affected set (known once
// the detection window has closed).
func (d *drill) chooseSites(f *scenarios.Foreach) ([]string, error) {
	d.mu.Lock()
	all, affected := d.sites, d.affected
	d.mu.Unlock()
	in := map[string]bool{}
	for _, s := range affected {
		in[s] = true
	}
	var unaffected []string
	for _, s := range all {
		if !in[s] {
			unaffected = append(unaffected, s)
		}
	}
	f, err := f.Resolve(d.size.Params)
	if err != nil {
		return nil, err
	}
	return scenarios.ChooseSites(f, all, affected, unaffected, d.cfg.seed), nil
}
