package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/transport"
	"github.com/drill-dev/drill/scenarios"
)

// productCalls renders a product's health, fingerprint or canary form for the sites.
func (r *renderer) productCalls(what string) ([]renderCall, error) {
	name := r.f.product
	if name == "" {
		if len(r.stack.Products) != 1 {
			return nil, fmt.Errorf("%s: name the product with --product (the stack has %s)", what, r.productNames())
		}
		for n := range r.stack.Products {
			name = n
		}
	}
	pr := r.stack.Products[name]
	if pr == nil {
		return nil, fmt.Errorf("--product %s: no such product (the stack has %s)", name, r.productNames())
	}
	declared := map[string]*scenarios.Probe{
		"health": pr.Health, "health-batch": pr.HealthBatch, "fingerprint": pr.Fingerprint,
		"fingerprint-batch": pr.FingerprintBatch, "canary-write": pr.CanaryWrite, "canary-read": pr.CanaryRead,
	}
	probe := declared[what]
	if probe == nil {
		var has []string
		for _, k := range productProbes {
			if declared[k] != nil {
				has = append(has, k)
			}
		}
		return nil, fmt.Errorf("product %s declares no %s (it declares %s)", name, what, strings.Join(has, ", "))
	}
	sites, d := r.sites, r.data
	title := fmt.Sprintf("%s of %s for %s", what, name, strings.Join(sites, ", "))
	switch what {
	case "health", "fingerprint":
		var calls []renderCall
		for _, s := range sites {
			ds := d
			ds.Site = s
			calls = append(calls, r.checkCall(fmt.Sprintf("%s of %s for %s (per site)", what, name, s), *probe, ds, pr.Service))
		}
		return calls, nil
	case "health-batch", "fingerprint-batch":
		q, err := r.plane.RenderBatch(probe, pr.Service, d, sites)
		return []renderCall{{title: title, req: q, err: err, send: func(ctx context.Context, p *transport.Plane) (string, error) {
			ans, err := p.Batch(ctx, probe, pr.Service, d, sites)
			return perSite(sites, ans, func(v string) string { return v }), err
		}}}, nil
	case "canary-write":
		q, err := r.plane.RenderCanaryWrite(name, r.f.seq, sites, d)
		return []renderCall{{title: fmt.Sprintf("%s (seq %d)", title, r.f.seq), req: q, err: err, send: func(ctx context.Context, p *transport.Plane) (string, error) {
			ans, err := p.CanaryWrite(ctx, name, r.f.seq, sites, d)
			return perSite(sites, ans, func(ok bool) string { return map[bool]string{true: "acknowledged", false: "not acknowledged"}[ok] }), err
		}}}, nil
	}
	q, err := r.plane.RenderCanaryRead(name, sites, d)
	return []renderCall{{title: title, req: q, err: err, send: func(ctx context.Context, p *transport.Plane) (string, error) {
		ans, err := p.CanaryRead(ctx, name, sites, d)
		return perSite(sites, ans, func(seqs []int) string { return fmt.Sprint(seqs) }), err
	}}}, nil
}

// perSite writes one line per asked site with its answer, then the sites answered but not asked.
func perSite[V any](sites []string, ans map[string]V, text func(V) string) string {
	if ans == nil {
		return ""
	}
	var b strings.Builder
	for _, s := range sites {
		if v, ok := ans[s]; ok {
			fmt.Fprintf(&b, "%s\t%s\n", s, text(v))
		} else {
			fmt.Fprintf(&b, "%s\t(no answer)\n", s)
		}
	}
	for _, s := range slices.Sorted(maps.Keys(ans)) {
		if !slices.Contains(sites, s) {
			fmt.Fprintf(&b, "%s\t%s (not asked)\n", s, text(ans[s]))
		}
	}
	return b.String()
}

// stepCalls renders the step at a path: PHASE.N[.M…] or ACTION.M[…].
func (r *renderer) stepCalls(path string) ([]renderCall, error) {
	parts := strings.Split(path, ".")
	steps, err := r.rootSteps(parts[0], path)
	if err != nil {
		return nil, err
	}
	if len(parts) < 2 {
		return nil, r.unknown(path)
	}
	// A foreach on the path renders once per site, as the drill runs it.
	_, _, fans, err := r.resolve(steps, parts, path, r.data)
	if err != nil {
		return nil, err
	}
	if !fans {
		return []renderCall{r.stepCall(path, steps, parts, r.data)}, nil
	}
	var calls []renderCall
	for _, s := range r.sites {
		d := r.data
		d.Site = s
		calls = append(calls, r.stepCall(fmt.Sprintf("%s for %s", path, s), steps, parts, d))
	}
	return calls, nil
}

// rootSteps are the steps a path's first part names: a phase of the scenario, or an action's
// steps (with --arg as its arguments).
func (r *renderer) rootSteps(root, path string) ([]*scenarios.Step, error) {
	if r.sc != nil {
		switch root {
		case "protect":
			return protectSteps(r.sc), nil
		case "inject":
			return r.sc.Inject, nil
		case "recover":
			return r.sc.Recover, nil
		}
	} else if root == "protect" {
		return r.stack.Protect, nil
	}
	a := r.stack.Actions[root]
	if a == nil {
		return nil, r.unknown(path)
	}
	args := map[string]any{}
	for k, v := range a.Params {
		args[k] = v
	}
	for k, v := range r.f.args {
		args[k] = v
	}
	r.data.Args = args
	return a.Steps, nil
}

// resolve walks a path down through action steps; fans reports a foreach on the way.
func (r *renderer) resolve(steps []*scenarios.Step, parts []string, path string, d scenarios.TemplateData) (*scenarios.Step, scenarios.TemplateData, bool, error) {
	var st *scenarios.Step
	fans := false
	for i, part := range parts[1:] {
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 || n > len(steps) {
			return nil, d, false, fmt.Errorf("%s: %s has %d steps, numbered from 1", path, strings.Join(parts[:i+1], "."), len(steps))
		}
		st = steps[n-1]
		fans = fans || st.Foreach != nil
		if i == len(parts)-2 {
			break
		}
		a := r.stack.Actions[st.Action]
		if st.Kind != scenarios.KindAction || a == nil {
			return nil, d, false, fmt.Errorf("%s: %s is a %s step, with no steps inside", path, strings.Join(parts[:i+2], "."), st.Kind)
		}
		args, err := harness.ActionArgs(a, st, d)
		if err != nil {
			return nil, d, false, fmt.Errorf("%s: %w", path, err)
		}
		d.Args = args
		steps = a.Steps
	}
	return st, d, fans, nil
}

// stepCall renders one step in d.
func (r *renderer) stepCall(title string, steps []*scenarios.Step, parts []string, d scenarios.TemplateData) renderCall {
	st, d, _, err := r.resolve(steps, parts, title, d)
	if err != nil {
		return renderCall{title: title, err: err}
	}
	pp := planPrinter{stack: r.stack, plane: r.plane}
	switch st.Kind {
	case scenarios.KindExec, scenarios.KindHTTP, scenarios.KindSQL:
		pr := stepProbe(st)
		q, err := r.plane.RenderStep(pr, d)
		return renderCall{title: title + " (" + st.Kind + " step)", req: q, err: err, send: func(ctx context.Context, p *transport.Plane) (string, error) {
			out, err := p.Step(ctx, pr, d)
			return string(out), err
		}}
	case scenarios.KindWait:
		c := r.checkCall(title+" (wait step: its probe, sent once)", st.Wait.Probe, d, "")
		return c
	case scenarios.KindAction:
		note := pp.describe(st, d) + "\nits steps: " + title + ".1"
		if a := r.stack.Actions[st.Action]; a != nil && len(a.Steps) > 1 {
			note += fmt.Sprintf(" to %s.%d", title, len(a.Steps))
		}
		return renderCall{title: title + " (action step)", note: note}
	}
	return renderCall{title: title + " (" + st.Kind + " step)", note: pp.describe(st, d)}
}

// unknown says what WHAT may be.
func (r *renderer) unknown(what string) error {
	var names []string
	if r.sc != nil {
		for _, p := range append(r.sc.SteadyState, r.sc.Milestones...) {
			if p.Name != "" {
				names = append(names, p.Name)
			}
		}
		names = append(names, "protect.N", "inject.N", "recover.N")
	} else {
		names = append(names, "protect.N")
	}
	names = append(names, slices.Sorted(maps.Keys(r.stack.Links))...)
	for _, a := range slices.Sorted(maps.Keys(r.stack.Actions)) {
		names = append(names, a+".M")
	}
	return fmt.Errorf("render %q: want %s, tenants-list, %s", what, strings.Join(productProbes, ", "), strings.Join(names, ", "))
}
