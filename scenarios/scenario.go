package scenarios

import (
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

var scenarioKeys = []string{"apiVersion", "kind", "name", "description", "stack", "overrides", "sizes", "protect",
	"steady-state", "inject", "recover", "milestones", "intervals", "recovery-timeout", "targets", "project-to", "expect"}

// decodeScenario decodes a Scenario document whose stack has already been resolved (st is nil
// when it could not be: references to it are then not checked).
func decodeScenario(w *walker, f fields, src *source, st *Stack) *Scenario {
	sc := &Scenario{Pos: w.pos(f.node), File: src.name, Source: src.data,
		Intervals:       Intervals{Probe: defaultProbeInterval, Canary: defaultCanaryInterval, Settle: defaultSettle, Grace: defaultGrace},
		RecoveryTimeout: defaultRecoveryTimeout}
	header(w, f, &sc.Name, &sc.Description)
	d := &decoder{walker: w, known: st != nil, calls: map[string][]string{}}
	if st != nil {
		d.services, d.actions = st.Services, st.Actions
		d.volumes = map[string]bool{}
		for _, s := range st.Services {
			for v := range s.Volumes {
				d.volumes[v] = true
			}
		}
	}
	if v, p := f.get("sizes"); v != nil {
		sc.Sizes = d.sizes(v, p)
	}
	if v, p := f.get("overrides"); v != nil {
		sc.Overrides = d.overrides(v, p)
	}
	if v, p := f.get("protect"); v != nil {
		sc.Protect = d.steps(v, p, stepPlace{})
		if sc.Protect == nil {
			sc.Protect = []*Step{}
		}
	}
	if v, p := f.get("steady-state"); v != nil {
		sc.SteadyState = d.probeList(v, p)
	}
	if v, p := f.get("inject"); v != nil {
		sc.Inject = d.steps(v, p, stepPlace{})
		d.nonEmpty(v, p)
	}
	if v, p := f.get("recover"); v != nil {
		sc.Recover = d.steps(v, p, stepPlace{tc: tmplCtx{t0: true}, affected: true, runbook: true})
		d.nonEmpty(v, p)
	}
	if v, p := f.get("milestones"); v != nil {
		sc.Milestones = d.milestones(v, p)
	}
	d.manualMilestones(sc)
	if v, p := f.get("intervals"); v != nil {
		d.intervals(v, p, &sc.Intervals)
	}
	if v, p := f.get("recovery-timeout"); v != nil {
		t := d.duration(v, p)
		if t.ok && t.v == 0 {
			d.errorf(t.node, p, "must be more than 0s")
		}
		if t.ok {
			sc.RecoveryTimeout = t.v
		}
	}
	if v, p := f.get("project-to"); v != nil {
		sc.ProjectTo = d.projectTo(v, p)
	}
	if v, p := f.get("targets"); v != nil {
		d.targets(v, p, &sc.Targets, sc, true)
		if sc.Targets.ProjectedRTO != nil && sc.ProjectTo == nil {
			n, _ := f.get("targets")
			d.errorf(d.derefQuiet(n), join(p, "projected-rto"), "projected-rto needs project-to")
		}
	}
	if v, p := f.get("expect"); v != nil {
		sc.Expect = d.expect(v, p, sc)
	}
	d.checkCounts(sc.Sizes)
	return sc
}

func (d *decoder) nonEmpty(n *yaml.Node, path string) {
	if l := d.derefQuiet(n); l != nil && l.Kind == yaml.SequenceNode && len(l.Content) == 0 {
		d.errorf(l, path, "want at least one step")
	}
}

// sizes decodes {name: {sites: N, param: value}} in file order.
func (d *decoder) sizes(n *yaml.Node, path string) []*Size {
	es, ok := d.entries(n, path)
	if !ok {
		return nil
	}
	if len(es) == 0 {
		d.errorf(d.derefQuiet(n), path, "want at least one size")
	}
	out := []*Size{}
	for _, e := range es {
		if !nameRE.MatchString(e.key) {
			d.errorf(e.kn, e.path, "bad size name %q (want lower-case letters, digits and dashes)", e.key)
		}
		ps, ok := d.entries(e.val, e.path)
		if !ok {
			continue
		}
		sz := &Size{Name: e.key, Params: map[string]string{}}
		for _, pe := range ps {
			if !wordRE.MatchString(pe.key) {
				d.errorf(pe.kn, pe.path, "bad size parameter %q (want one word: letters, digits, _; templates read .Size.NAME)", pe.key)
			}
			if pe.key == "sites" {
				sz.Sites = d.integer(pe.val, pe.path, 1)
			}
			sz.Params[pe.key] = d.str(pe.val, pe.path)
		}
		if _, ok := sz.Params["sites"]; !ok {
			d.errorf(d.derefQuiet(e.val), e.path, "missing required key %q", "sites")
		}
		out = append(out, sz)
	}
	return out
}

func (d *decoder) overrides(n *yaml.Node, path string) map[string]*Override {
	es, ok := d.entries(n, path)
	if !ok {
		return nil
	}
	out := map[string]*Override{}
	for _, e := range es {
		d.service(e.kn, e.path, e.key)
		f, ok := d.mapping(e.val, e.path, "env", "command")
		if !ok {
			continue
		}
		o := &Override{}
		if v, p := f.get("env"); v != nil {
			o.Env = d.env(v, p)
		}
		if v, p := f.get("command"); v != nil {
			o.Command = d.command(v, p, nil)
			if o.Command == nil {
				o.Command = []string{}
			}
		}
		out[e.key] = o
	}
	return out
}

// probeList decodes steady-state probes: [{name, http|sql|exec}].
func (d *decoder) probeList(n *yaml.Node, path string) []*Probe {
	n = d.deref(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "want a list of probes, got %s", describe(n))
		return nil
	}
	var out []*Probe
	names := map[string]bool{}
	for i, c := range n.Content {
		p := index(path, i)
		f, ok := d.mapping(c, p, "name", "http", "sql", "exec")
		if !ok {
			continue
		}
		pr := &Probe{}
		if v, vp := f.get("name"); v != nil {
			pr.Name = d.str(v, vp)
			if names[pr.Name] {
				d.errorf(d.derefQuiet(v), vp, "duplicate probe name %q", pr.Name)
			}
			names[pr.Name] = true
		}
		d.probe(f, pr, tmplCtx{}, probeOpts{})
		if pr.Name == "" {
			pr.Name = p
		}
		out = append(out, pr)
	}
	return out
}

func (d *decoder) milestones(n *yaml.Node, path string) []*Probe {
	es, ok := d.entries(n, path)
	if !ok {
		return nil
	}
	var out []*Probe
	for _, e := range es {
		if !nameRE.MatchString(e.key) {
			d.errorf(e.kn, e.path, "bad milestone name %q (want lower-case letters, digits and dashes)", e.key)
		}
		f, ok := d.mapping(e.val, e.path, probeKinds...)
		if !ok {
			continue
		}
		pr := &Probe{Name: e.key}
		d.probe(f, pr, tmplCtx{t0: true}, probeOpts{})
		out = append(out, pr)
	}
	return out
}

func (d *decoder) intervals(n *yaml.Node, path string, iv *Intervals) {
	f, ok := d.mapping(n, path, "probe", "canary", "settle", "grace")
	if !ok {
		return
	}
	for k, dst := range map[string]*time.Duration{"probe": &iv.Probe, "canary": &iv.Canary, "grace": &iv.Grace} {
		v, p := f.get(k)
		if v == nil {
			continue
		}
		t := d.duration(v, p)
		if t.ok && t.v == 0 && k != "grace" {
			d.errorf(t.node, p, "must be more than 0s")
		}
		if t.ok {
			*dst = t.v
		}
	}
	if v, p := f.get("settle"); v != nil {
		iv.Settle = d.integer(v, p, 1)
	}
}

var projectKeys = []string{"sites-affected"}

func (d *decoder) projectTo(n *yaml.Node, path string) map[string]float64 {
	f, ok := d.mapping(n, path, projectKeys...)
	if !ok {
		return nil
	}
	out := map[string]float64{}
	for _, k := range projectKeys {
		if v, p := f.get(k); v != nil {
			x, ok := d.number(v, p)
			if ok && x <= 0 {
				d.errorf(d.derefQuiet(v), p, "must be more than 0")
			}
			out[k] = x
		}
	}
	return out
}

var verdicts = []string{"pass", "fail", "inconclusive"}

func (d *decoder) expect(n *yaml.Node, path string, sc *Scenario) *Expect {
	f, ok := d.mapping(n, path, "verdict", "breaches")
	if !ok || !d.require(f, "verdict") {
		return nil
	}
	e := &Expect{}
	v, p := f.get("verdict")
	e.Verdict = d.str(v, p)
	if e.Verdict != "" && !contains(verdicts, e.Verdict) {
		d.errorf(d.derefQuiet(v), p, "unknown verdict %q (want %s)", e.Verdict, strings.Join(verdicts, ", "))
	}
	if v, p := f.get("breaches"); v != nil {
		e.Breaches = d.strList(v, p, nil)
		set := sc.Targets.names()
		l := d.derefQuiet(v)
		for i, b := range e.Breaches {
			if b != "" && !contains(set, b) && l.Kind == yaml.SequenceNode {
				d.errorf(d.derefQuiet(l.Content[i]), index(p, i), "breach %q is not a target of this scenario (want %s)", b, choices(set))
			}
		}
		if len(e.Breaches) > 0 && e.Verdict != "fail" {
			d.errorf(d.derefQuiet(v), p, "breaches go with verdict fail")
		}
	}
	return e
}

// names lists the objective names the targets declare, including per-size ones.
func (t *Targets) names() []string {
	var out []string
	add := func(name string, set bool) {
		if set && !contains(out, name) {
			out = append(out, name)
		}
	}
	var walk func(t *Targets)
	walk = func(t *Targets) {
		add("rto", t.RTO != nil)
		add("site-rto-p95", t.SiteRTOP95 != nil)
		add("rpo", t.RPO != nil)
		add("lost-writes", t.LostWrites != nil)
		add("collateral-lost-writes", t.CollateralLostWrites != nil)
		add("integrity-mismatches", t.IntegrityMismatches != nil)
		add("broken-links", t.BrokenLinks != nil)
		add("projected-rto", t.ProjectedRTO != nil)
		add("human-time", t.HumanTime != nil)
		add("automated-time", t.AutomatedTime != nil)
		for m := range t.Milestones {
			add("milestone:"+m, true)
		}
		for _, s := range t.Sizes {
			walk(s)
		}
	}
	walk(t)
	sort.Strings(out)
	return out
}
