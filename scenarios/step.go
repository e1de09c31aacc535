package scenarios

import (
	"strings"

	"gopkg.in/yaml.v3"
)

var stepKinds = []string{KindExec, KindRun, KindHTTP, KindSQL, KindWait, KindSleep, KindService, KindVolume, KindAction, KindManual}

var stepCommon = []string{"name", "with", "foreach", "concurrency", "timeout", "retries"}

var (
	serviceOps = []string{"stop", "start", "kill", "pause", "unpause", "restart", "remove", "recreate"}
	volumeOps  = []string{"wipe", "remove"}
)

// stepPlace says where a list of steps stands.
type stepPlace struct {
	tc tmplCtx
	// affected: foreach may choose from affected and unaffected sites (recover, actions).
	affected bool
	// caller: the action whose steps these are, for call-cycle checks; empty elsewhere.
	caller string
	// runbook: the scenario's recover list, where manual steps may stand.
	runbook bool
}

// steps decodes a list of steps.
func (d *decoder) steps(n *yaml.Node, path string, sp stepPlace) []*Step {
	n = d.deref(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "want a list of steps, got %s", describe(n))
		return nil
	}
	out := make([]*Step, 0, len(n.Content))
	for i, c := range n.Content {
		if s := d.step(c, index(path, i), sp); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// step decodes one step: exactly one kind key plus the common keys.
func (d *decoder) step(n *yaml.Node, path string, sp stepPlace) *Step {
	es, ok := d.entries(n, path)
	if !ok {
		return nil
	}
	n = d.derefQuiet(n)
	f := fields{node: n, path: path, m: map[string]entry{}}
	var kinds, unknown []entry
	for _, e := range es {
		switch {
		case contains(stepKinds, e.key):
			kinds = append(kinds, e)
			f.m[e.key] = e
		case contains(stepCommon, e.key):
			f.m[e.key] = e
		default:
			unknown = append(unknown, e)
		}
	}
	for _, e := range unknown {
		if len(kinds) == 0 {
			d.errorf(e.kn, e.path, "unknown step kind %q (want %s)", e.key, strings.Join(stepKinds, ", "))
		} else {
			d.errorf(e.kn, e.path, "unknown key %q (want %s)", e.key, strings.Join(stepCommon, ", "))
		}
	}
	switch {
	case len(kinds) == 0 && len(unknown) == 0:
		d.errorf(n, path, "missing step kind (want one of %s)", strings.Join(stepKinds, ", "))
		return nil
	case len(kinds) > 1:
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = k.key
		}
		d.errorf(kinds[1].kn, path, "a step has one kind, got %s (want one of %s)", strings.Join(names, " and "), strings.Join(stepKinds, ", "))
		return nil
	case len(kinds) == 0:
		return nil
	}
	s := &Step{Pos: d.pos(n), Kind: kinds[0].key, Concurrency: 1}
	d.stepCommon(f, s, &sp)
	d.stepKind(kinds[0], s, sp)
	if v, p := f.get("with"); v != nil {
		if s.Kind != KindAction {
			d.errorf(d.derefQuiet(f.m["with"].kn), p, "with is for action steps only")
		} else {
			s.With = d.with(v, p, s.Action, sp.tc)
		}
	}
	if s.Kind == KindAction {
		d.requiredArgs(n, path, s)
	}
	if s.Kind == KindManual {
		d.manualPlace(f, s, sp)
	}
	return s
}

// stepCommon decodes name, foreach, concurrency, timeout and retries; foreach gives the rest
// of the step .Site.
func (d *decoder) stepCommon(f fields, s *Step, sp *stepPlace) {
	if v, p := f.get("name"); v != nil {
		s.Name = d.str(v, p)
	}
	if v, p := f.get("foreach"); v != nil {
		s.Foreach = d.foreach(v, p, sp.affected)
		sp.tc.site = true
	}
	if v, p := f.get("concurrency"); v != nil {
		s.Concurrency = d.integer(v, p, 1)
	}
	if v, p := f.get("timeout"); v != nil {
		t := d.duration(v, p)
		if t.ok && t.v == 0 {
			d.errorf(t.node, p, "must be more than 0s (leave it out for no timeout)")
		}
		s.Timeout = t.v
	}
	if v, p := f.get("retries"); v != nil {
		s.Retries = d.integer(v, p, 0)
	}
}

func (d *decoder) stepKind(k entry, s *Step, sp stepPlace) {
	tc := sp.tc
	switch k.key {
	case KindExec:
		s.Exec = d.execCall(k.val, k.path, tc, probeOpts{})
	case KindRun:
		s.Run = d.runCall(k.val, k.path, tc)
	case KindHTTP:
		s.HTTP = d.httpCall(k.val, k.path, tc, probeOpts{})
	case KindSQL:
		s.SQL = d.sqlCall(k.val, k.path, tc, probeOpts{})
	case KindWait:
		s.Wait = d.wait(k.val, k.path, tc)
	case KindSleep:
		t := d.duration(k.val, k.path)
		s.Sleep = t.v
	case KindService:
		s.Service = d.serviceOp(k.val, k.path)
	case KindVolume:
		s.Volume = d.volumeOp(k.val, k.path)
	case KindAction:
		s.Action = d.str(k.val, k.path)
		d.actionRef(k.val, k.path, s.Action, sp.caller)
	case KindManual:
		s.Manual = d.manual(k.val, k.path, tc)
	}
}

func (d *decoder) wait(n *yaml.Node, path string, tc tmplCtx) *Wait {
	f, ok := d.mapping(n, path, "http", "sql", "exec", "timeout", "interval")
	if !ok {
		return nil
	}
	w := &Wait{}
	d.probe(f, &w.Probe, tc, probeOpts{})
	w.Timeout, w.Interval = d.pollTimes(f, defaultWaitTimeout, defaultWaitInterval)
	return w
}

func (d *decoder) serviceOp(n *yaml.Node, path string) *ServiceOp {
	f, ok := d.mapping(n, path, "name", "op", "volumes")
	if !ok || !d.require(f, "name", "op") {
		return nil
	}
	o := &ServiceOp{}
	v, p := f.get("name")
	o.Name = d.str(v, p)
	d.service(v, p, o.Name)
	v, p = f.get("op")
	o.Op = d.str(v, p)
	if o.Op != "" && !contains(serviceOps, o.Op) {
		d.errorf(d.derefQuiet(v), p, "unknown service op %q (want %s)", o.Op, strings.Join(serviceOps, ", "))
	}
	if v, p := f.get("volumes"); v != nil {
		o.Volumes = d.boolean(v, p)
		if o.Op != "remove" {
			d.errorf(d.derefQuiet(v), p, "volumes is for op remove only")
		}
	}
	return o
}

func (d *decoder) volumeOp(n *yaml.Node, path string) *VolumeOp {
	f, ok := d.mapping(n, path, "name", "op")
	if !ok || !d.require(f, "name", "op") {
		return nil
	}
	o := &VolumeOp{}
	v, p := f.get("name")
	o.Name = d.str(v, p)
	d.volume(d.derefQuiet(v), p, o.Name)
	v, p = f.get("op")
	o.Op = d.str(v, p)
	if o.Op != "" && !contains(volumeOps, o.Op) {
		d.errorf(d.derefQuiet(v), p, "unknown volume op %q (want %s)", o.Op, strings.Join(volumeOps, ", "))
	}
	return o
}

// actionRef checks that an action exists and records the call for cycle checks.
func (d *decoder) actionRef(n *yaml.Node, path, name, caller string) {
	if !d.known || name == "" {
		return
	}
	if _, ok := d.actions[name]; !ok {
		d.errorf(d.derefQuiet(n), path, "unknown action %q (want %s)", name, choices(sortedKeys(d.actions)))
		return
	}
	if caller != "" {
		d.calls[caller] = append(d.calls[caller], name)
	}
}

// with decodes action arguments: each a string template or a list of them, named by a
// declared parameter of the action.
func (d *decoder) with(n *yaml.Node, path, action string, tc tmplCtx) map[string]any {
	es, ok := d.entries(n, path)
	if !ok {
		return nil
	}
	a := d.actions[action]
	out := make(map[string]any, len(es))
	for _, e := range es {
		if d.known && a != nil {
			if _, ok := a.Params[e.key]; !ok {
				d.errorf(e.kn, e.path, "unknown parameter %q of action %s (want %s)", e.key, action, choices(sortedKeys(a.Params)))
				continue
			}
		}
		out[e.key] = d.argValue(e.val, e.path, &tc)
	}
	return out
}

// argValue decodes a parameter value or default: a string, or a list of strings.
func (d *decoder) argValue(n *yaml.Node, path string, tc *tmplCtx) any {
	v := d.derefQuiet(n)
	if v != nil && v.Kind == yaml.SequenceNode {
		return d.strList(n, path, tc)
	}
	if v != nil && v.Kind == yaml.MappingNode {
		d.deref(n)
		d.errorf(v, path, "want a string or a list of strings, got a mapping")
		return nil
	}
	return d.text(n, path, tc)
}

// requiredArgs reports the parameters without a default that a call leaves out.
func (d *decoder) requiredArgs(n *yaml.Node, path string, s *Step) {
	a := d.actions[s.Action]
	if !d.known || a == nil {
		return
	}
	var missing []string
	for _, r := range a.Required {
		if _, ok := s.With[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		d.errorf(n, path, "action %s needs with: %s", s.Action, strings.Join(missing, ", "))
	}
}

// foreach decodes `affected` or {sites: all|affected|unaffected|{count: N}|{fraction: F}, seed: N}.
func (d *decoder) foreach(n *yaml.Node, path string, affected bool) *Foreach {
	v := d.derefQuiet(n)
	if v != nil && v.Kind == yaml.ScalarNode {
		return &Foreach{From: d.siteSet(n, path, affected)}
	}
	f, ok := d.mapping(n, path, "sites", "seed")
	if !ok {
		return nil
	}
	fe := &Foreach{From: SitesAll}
	if v, p := f.get("seed"); v != nil {
		s, ok := d.scalar(v, p, "an integer")
		if ok {
			fe.Seed, fe.HasSeed = int64(d.integer(s, p, 0)), true
		}
	}
	if !d.require(f, "sites") {
		return fe
	}
	sn, sp := f.get("sites")
	if s := d.derefQuiet(sn); s != nil && s.Kind == yaml.ScalarNode {
		fe.From = d.siteSet(sn, sp, affected)
		return fe
	}
	sf, ok := d.mapping(sn, sp, "count", "fraction", "from")
	if !ok {
		return fe
	}
	if v, p := sf.get("from"); v != nil {
		fe.From = d.siteSet(v, p, affected)
	}
	switch {
	case sf.has("count") && sf.has("fraction"):
		d.errorf(sf.node, sp, "give count or fraction, not both")
	case sf.has("count"):
		v, p := sf.get("count")
		if s := d.derefQuiet(v); s != nil && s.Kind == yaml.ScalarNode && strings.Contains(s.Value, "{{") {
			fe.CountText = d.text(v, p, &tmplCtx{})
			d.counts = append(d.counts, countRef{pos: d.pos(s), path: p, fe: fe})
		} else {
			fe.Count = d.integer(v, p, 1)
		}
	case sf.has("fraction"):
		v, p := sf.get("fraction")
		var ok bool
		fe.Fraction, ok = d.number(v, p)
		if ok && (fe.Fraction <= 0 || fe.Fraction > 1) {
			d.errorf(d.derefQuiet(v), p, "fraction must be more than 0 and at most 1")
		}
	default:
		d.errorf(sf.node, sp, "want count or fraction")
	}
	return fe
}

func (d *decoder) siteSet(n *yaml.Node, path string, affected bool) string {
	s := d.str(n, path)
	sets := []string{SitesAll, SitesAffected, SitesUnaffected}
	switch {
	case s == "":
	case !contains(sets, s):
		d.errorf(d.derefQuiet(n), path, "unknown site set %q (want %s, or {count: N} or {fraction: F})", s, strings.Join(sets, ", "))
	case s != SitesAll && !affected:
		d.errorf(d.derefQuiet(n), path, "%s sites are known only in recover (want all, or a count or fraction of all)", s)
	}
	return s
}
