package scenarios

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Manual is a step a person does: drill shows the prompt to the operator, who confirms it is
// done or fails it with a reason. Unattended runs (no terminal, or CI) wait Simulate instead.
type Manual struct {
	Pos Pos
	// Prompt is a template: .Sites (the affected sites), .T0, .Size, .Run.
	Prompt string
	// Simulate is the modelled human delay of an unattended run; nil: none declared, and an
	// unattended run refuses the scenario.
	Simulate *time.Duration
	// Milestone names the instant the step is confirmed, measured from t0 like the probe
	// milestones; empty: none.
	Milestone string
}

// manual decodes {prompt, simulate, milestone}.
func (d *decoder) manual(n *yaml.Node, path string, tc tmplCtx) *Manual {
	f, ok := d.mapping(n, path, "prompt", "simulate", "milestone")
	if !ok || !d.require(f, "prompt") {
		return nil
	}
	m := &Manual{Pos: d.pos(f.node)}
	v, p := f.get("prompt")
	m.Prompt = d.text(v, p, &tc)
	if v, p := f.get("simulate"); v != nil {
		if t := d.duration(v, p); t.ok {
			m.Simulate = &t.v
		}
	}
	if v, p := f.get("milestone"); v != nil {
		m.Milestone = d.name(v, p)
	}
	return m
}

// manualPlace checks where a manual step stands: in the runbook, answered once (no foreach,
// concurrency or retries).
func (d *decoder) manualPlace(f fields, s *Step, sp stepPlace) {
	if !sp.runbook {
		d.errorf(f.node, f.path, "manual steps belong in recover (the runbook), not here")
	}
	for _, k := range []string{"foreach", "concurrency", "retries"} {
		if e, ok := f.m[k]; ok {
			d.errorf(e.kn, e.path, "%s is not for manual steps (one person answers one prompt)", k)
		}
	}
}

// MilestoneNames lists the scenario's milestones: its probes in file order, then the
// milestones of its manual steps in runbook order.
func (s *Scenario) MilestoneNames() []string {
	var out []string
	for _, m := range s.Milestones {
		out = append(out, m.Name)
	}
	for _, st := range s.Recover {
		if st.Manual != nil && st.Manual.Milestone != "" && !contains(out, st.Manual.Milestone) {
			out = append(out, st.Manual.Milestone)
		}
	}
	return out
}

// ManualSteps returns the runbook's manual steps, in order.
func (s *Scenario) ManualSteps() []*Step {
	var out []*Step
	for _, st := range s.Recover {
		if st.Manual != nil {
			out = append(out, st)
		}
	}
	return out
}

// CheckUnattended reports every manual step an unattended run (no terminal, or CI) could not
// take: those without simulate. The error matches ErrInvalid and names each step's position.
func (s *Scenario) CheckUnattended() error {
	var es Errors
	for i, st := range s.Recover {
		if st.Manual == nil || st.Manual.Simulate != nil {
			continue
		}
		es = append(es, &Error{Pos: st.Manual.Pos, Path: fmt.Sprintf("recover[%d].manual", i),
			Msg: "no simulate: nobody can answer this manual step in an unattended run (no terminal, or CI); give simulate: DURATION, the modelled human delay"})
	}
	if len(es) == 0 {
		return nil
	}
	return es.sort()
}

// manualMilestones reports a manual step's milestone that another milestone already names.
func (d *decoder) manualMilestones(sc *Scenario) {
	seen := map[string]bool{}
	for _, m := range sc.Milestones {
		seen[m.Name] = true
	}
	for i, st := range sc.Recover {
		if st.Manual == nil || st.Manual.Milestone == "" {
			continue
		}
		if seen[st.Manual.Milestone] {
			d.errs = append(d.errs, &Error{Pos: st.Manual.Pos, Path: fmt.Sprintf("recover[%d].manual.milestone", i),
				Msg: fmt.Sprintf("milestone %q is declared twice", st.Manual.Milestone)})
		}
		seen[st.Manual.Milestone] = true
	}
}
