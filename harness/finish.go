package harness

import (
	"context"
	"maps"
	goruntime "runtime"
	"slices"
	"strings"

	"github.com/drill-dev/drill/harness/recovery"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// finish measures, scores and sets the verdict of a drill whose phases ended with err.
func (d *drill) finish(ctx context.Context, res *result.Result, m *measurement, err error) {
	start := d.clock.Now()
	res.Run.Repro.DrillVersion = d.cfg.version
	res.Run.Repro.HostCores = goruntime.NumCPU()
	res.Run.Repro.HostOS = goruntime.GOOS + "/" + goruntime.GOARCH
	res.Run.Repro.Command = d.cfg.command
	res.Run.Repro.ScenarioHash = sha(d.sc.Source)
	res.Run.Repro.StackHash = sha(append(slices.Clip(d.stack.Source), d.stack.ComposeSource...)) // with its compose file, if any
	res.Run.ProjectTo = d.sc.ProjectTo
	if pr := d.sc.Targets.For(d.size.Name).ProjectedRTO; pr != nil {
		v := pr.Seconds()
		res.Run.ProjectedRTO = &v
	}
	if d.sc.Expect != nil {
		res.Expect = &result.Expect{Verdict: result.Verdict(d.sc.Expect.Verdict), Breaches: d.sc.Expect.Breaches}
	}
	d.mu.Lock()
	if d.injected {
		t0 := d.t0.Seconds()
		res.Run.T0Seconds = &t0
	}
	d.mu.Unlock()

	switch {
	case ctx.Err() != nil:
		res.Decide(result.Grounds{Interrupted: d.phaseNow()})
		d.measureWhatExists(res, m)
	case err != nil:
		res.Decide(result.Grounds{Failure: d.failure(err)})
		d.measureWhatExists(res, m)
	default:
		d.score(res, m)
	}
	d.tl.Phase(PhaseMeasure, start, result.OutcomeOK, nil)
}

// measureWhatExists fills canary load for a drill that ended early; no metric is claimed.
func (d *drill) measureWhatExists(res *result.Result, m *measurement) {
	d.addRunbook(&res.Metrics)
	if m.canaries == nil {
		return
	}
	m.stopCanaries()
	res.Canaries = d.canaryLoad(m)
}

// score computes the metrics from the observations and compares them with the targets.
func (d *drill) score(res *result.Result, m *measurement) {
	obs := d.observations(m)
	metrics, sites, problems := recovery.Measure(obs)
	d.addRunbook(&metrics)
	res.Metrics, res.Sites = metrics, sites
	res.Canaries = d.canaryLoad(m)
	res.Probes = m.probes
	res.Targets = targetsOf(d.sc, d.size.Name)
	res.Objectives = result.Evaluate(metrics, res.Targets)
	res.Findings = result.Findings(*res)
	g := result.Grounds{Problems: problems}
	if m.readErr != nil && len(m.present) == 0 {
		g.Unreadable = &result.Failure{Reason: m.readErr.Error()}
	}
	if m.recoverErr != nil {
		g.Runbook = d.failure(m.recoverErr)
	}
	res.Decide(g)
}

// failure is err as a ground of the verdict: its first line and its full text, redacted.
func (d *drill) failure(err error) *result.Failure {
	return &result.Failure{Reason: d.redact(firstLine(err.Error())), Detail: d.redact(err.Error())}
}

// observations collects what the drill measured into plain data.
func (d *drill) observations(m *measurement) recovery.Observations {
	d.mu.Lock()
	named, namedBy := maps.Clone(d.named), maps.Clone(d.namedBy)
	t0, injEnd := d.t0, d.injEnd
	d.mu.Unlock()
	samples, ms := m.ver.Observed()
	return recovery.Observations{
		Sites:           d.sites,
		T0:              t0,
		InjectEnd:       injEnd,
		End:             m.verifyEnd,
		ProbeInterval:   d.sc.Intervals.Probe,
		CanaryInterval:  m.canaries.Interval(),
		Named:           named,
		NamedBy:         namedBy,
		Samples:         samples,
		Canaries:        m.canaries.Snapshot(),
		Present:         m.present,
		Mismatches:      m.finalFP,
		BrokenLinks:     m.finalLinks,
		BaseLinks:       m.base.Links,
		LinksUnreadable: m.finalUnreadable,
		ProductUp:       m.ver.ProductsUp(d.sites),
		Milestones:      ms,
		Proofs:          m.ver.Proofs(),
	}
}

// canaryLoad states the load the canaries added.
func (d *drill) canaryLoad(m *measurement) result.CanaryLoad {
	wall := d.clock.Now()
	req, acked, failed, lat := m.canaries.Load()
	cl := result.CanaryLoad{
		IntervalSeconds:    m.canaries.Interval().Seconds(),
		Writes:             req,
		Acked:              acked,
		Failed:             failed,
		MeanLatencySeconds: lat.Seconds(),
	}
	if s := wall.Seconds(); s > 0 {
		cl.RequestsPerSecond = float64(req) / s
		cl.RowsPerSecond = float64(acked+failed) / s
	}
	return cl
}

// targetsOf turns the scenario's targets at a size into result targets, in a fixed order.
func targetsOf(sc *scenarios.Scenario, size string) []result.Target {
	var out []result.Target
	for _, v := range sc.Targets.For(size).List() {
		switch {
		case v.Name == "projected-rto": // a campaign's objective, not one drill's
		case v.Duration != nil:
			out = append(out, result.Target{Name: v.Name, Unit: "seconds", Value: v.Duration.Seconds()})
		default:
			out = append(out, result.Target{Name: v.Name, Unit: "count", Value: float64(*v.Count)})
		}
	}
	return out
}

// firstLine is the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
