package harness

import (
	"context"
	"fmt"
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
		res.Verdict, res.Reason = result.Aborted, "interrupted during the "+d.phaseNow()+" phase"
		d.measureWhatExists(res, m)
	case err != nil:
		res.Verdict = result.Inconclusive
		res.Reason = d.redact(firstLine(err.Error()))
		res.Errors = append(res.Errors, d.redact(err.Error()))
		d.measureWhatExists(res, m)
	default:
		d.score(res, m)
	}
	d.tl.Phase(PhaseMeasure, start, "ok", nil)
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
	breaches := result.Breaches(res.Objectives)
	switch {
	case len(problems) > 0:
		res.Verdict, res.Reason = result.Inconclusive, problems[0]
		res.Errors = append(res.Errors, problems...)
	case metrics.SitesAffected == 0:
		res.Verdict = result.Inconclusive
		res.Reason = "the faults affected no site: no fault step named one and no poll failed, so no recovery was measured (do the products' health probes see this fault?)"
	case m.readErr != nil && len(m.present) == 0:
		res.Verdict, res.Reason = result.Inconclusive, "canaries could not be read back: "+m.readErr.Error()
	case m.recoverErr != nil:
		res.Verdict = result.Fail
		res.Reason = "the runbook failed: " + d.redact(firstLine(m.recoverErr.Error()))
		res.Errors = append(res.Errors, d.redact(m.recoverErr.Error()))
	case len(breaches) > 0:
		res.Verdict = result.Fail
		res.Reason = fmt.Sprintf("%d of %d objectives breached: %s", len(breaches), len(res.Objectives), strings.Join(breaches, ", "))
	default:
		res.Verdict = result.Pass
		res.Reason = fmt.Sprintf("all %d objectives met", len(res.Objectives))
	}
	if res.Expect != nil {
		res.Expected = result.Caught(res.Expect, res.Verdict, res.Objectives)
		if res.Expected {
			res.Reason = "negative control caught what it declares: " + res.Reason
		} else {
			res.Reason = fmt.Sprintf("negative control did not catch what it declares (verdict %s, breaches %v): %s", res.Expect.Verdict, res.Expect.Breaches, res.Reason)
		}
	}
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
