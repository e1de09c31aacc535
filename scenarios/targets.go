package scenarios

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

var targetKeys = []string{"rto", "site-rto-p95", "rpo", "lost-writes", "collateral-lost-writes",
	"integrity-mismatches", "broken-links", "projected-rto", "human-time", "automated-time", "milestones"}

// targets decodes the targets; top allows the per-size overrides.
func (d *decoder) targets(n *yaml.Node, path string, t *Targets, sc *Scenario, top bool) {
	keys := targetKeys
	if top {
		keys = append(append([]string{}, targetKeys...), "sizes")
	}
	f, ok := d.mapping(n, path, keys...)
	if !ok {
		return
	}
	dur := func(k string, dst **time.Duration) {
		if v, p := f.get(k); v != nil {
			if x := d.duration(v, p); x.ok {
				*dst = &x.v
			}
		}
	}
	count := func(k string, dst **int) {
		if v, p := f.get(k); v != nil {
			x := d.integer(v, p, 0)
			*dst = &x
		}
	}
	dur("rto", &t.RTO)
	dur("site-rto-p95", &t.SiteRTOP95)
	dur("rpo", &t.RPO)
	dur("projected-rto", &t.ProjectedRTO)
	dur("human-time", &t.HumanTime)
	dur("automated-time", &t.AutomatedTime)
	count("lost-writes", &t.LostWrites)
	count("collateral-lost-writes", &t.CollateralLostWrites)
	count("integrity-mismatches", &t.IntegrityMismatches)
	count("broken-links", &t.BrokenLinks)
	if v, p := f.get("milestones"); v != nil {
		d.milestoneTargets(v, p, t, sc)
	}
	if v, p := f.get("sizes"); v != nil {
		es, ok := d.entries(v, p)
		if !ok {
			return
		}
		t.Sizes = map[string]*Targets{}
		for _, e := range es {
			if _, err := sc.Size(e.key); err != nil && len(sc.Sizes) > 0 {
				d.errorf(e.kn, e.path, "%v", err)
			}
			st := &Targets{}
			d.targets(e.val, e.path, st, sc, false)
			t.Sizes[e.key] = st
		}
	}
}

func (d *decoder) milestoneTargets(n *yaml.Node, path string, t *Targets, sc *Scenario) {
	es, ok := d.entries(n, path)
	if !ok {
		return
	}
	t.Milestones = map[string]time.Duration{}
	declared := sc.MilestoneNames()
	for _, e := range es {
		if !contains(declared, e.key) {
			d.errorf(e.kn, e.path, "unknown milestone %q (want %s)", e.key, choices(declared))
		}
		if x := d.duration(e.val, e.path); x.ok {
			t.Milestones[e.key] = x.v
		}
	}
}

// For returns the targets for one size: the scenario's targets with that size's overrides
// applied (only the fields the override sets). The result has no Sizes.
func (t Targets) For(size string) Targets {
	out := t
	out.Sizes = nil
	out.Milestones = maps.Clone(t.Milestones)
	o := t.Sizes[size]
	if o == nil {
		return out
	}
	pick := func(dst **time.Duration, src *time.Duration) {
		if src != nil {
			*dst = src
		}
	}
	pickInt := func(dst **int, src *int) {
		if src != nil {
			*dst = src
		}
	}
	pick(&out.RTO, o.RTO)
	pick(&out.SiteRTOP95, o.SiteRTOP95)
	pick(&out.RPO, o.RPO)
	pick(&out.ProjectedRTO, o.ProjectedRTO)
	pick(&out.HumanTime, o.HumanTime)
	pick(&out.AutomatedTime, o.AutomatedTime)
	pickInt(&out.LostWrites, o.LostWrites)
	pickInt(&out.CollateralLostWrites, o.CollateralLostWrites)
	pickInt(&out.IntegrityMismatches, o.IntegrityMismatches)
	pickInt(&out.BrokenLinks, o.BrokenLinks)
	if len(o.Milestones) > 0 && out.Milestones == nil {
		out.Milestones = map[string]time.Duration{}
	}
	maps.Copy(out.Milestones, o.Milestones)
	return out
}

// Size returns the named size, or the first (the default) for "". The error lists the sizes.
func (s *Scenario) Size(name string) (*Size, error) {
	if name == "" && len(s.Sizes) > 0 {
		return s.Sizes[0], nil
	}
	var names []string
	for _, sz := range s.Sizes {
		if sz.Name == name {
			return sz, nil
		}
		names = append(names, sz.Name)
	}
	return nil, fmt.Errorf("unknown size %q (want %s)", name, choices(names))
}

// SizeNames lists the sizes in file order.
func (s *Scenario) SizeNames() []string {
	out := make([]string, len(s.Sizes))
	for i, sz := range s.Sizes {
		out[i] = sz.Name
	}
	return out
}

// TargetValue is one set target: a duration or a count, named as in the YAML
// ("milestone:NAME" for a milestone).
type TargetValue struct {
	Name     string
	Duration *time.Duration
	Count    *int
}

// Format writes the value in drill's syntax: "5m" or "0".
func (v TargetValue) Format() string {
	if v.Duration != nil {
		return FormatDuration(*v.Duration)
	}
	return fmt.Sprint(*v.Count)
}

// List returns the targets that are set, in a fixed order: rto, site-rto-p95, rpo,
// lost-writes, collateral-lost-writes, integrity-mismatches, broken-links, projected-rto,
// human-time, automated-time, then milestones by name. Per-size overrides are not included (use For first).
func (t Targets) List() []TargetValue {
	var out []TargetValue
	d := func(k string, v *time.Duration) {
		if v != nil {
			out = append(out, TargetValue{Name: k, Duration: v})
		}
	}
	c := func(k string, v *int) {
		if v != nil {
			out = append(out, TargetValue{Name: k, Count: v})
		}
	}
	d("rto", t.RTO)
	d("site-rto-p95", t.SiteRTOP95)
	d("rpo", t.RPO)
	c("lost-writes", t.LostWrites)
	c("collateral-lost-writes", t.CollateralLostWrites)
	c("integrity-mismatches", t.IntegrityMismatches)
	c("broken-links", t.BrokenLinks)
	d("projected-rto", t.ProjectedRTO)
	d("human-time", t.HumanTime)
	d("automated-time", t.AutomatedTime)
	for _, m := range sortedKeys(t.Milestones) {
		v := t.Milestones[m]
		out = append(out, TargetValue{Name: "milestone:" + m, Duration: &v})
	}
	return out
}

// String writes the targets in the YAML syntax, for listings: "rto 5m, rpo 1m, lost-writes 0".
func (t Targets) String() string {
	var parts []string
	for _, v := range t.List() {
		parts = append(parts, strings.TrimPrefix(v.Name, "milestone:")+" "+v.Format())
	}
	return strings.Join(parts, ", ")
}
