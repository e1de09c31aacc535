package result

import "math"

// Target is one objective's threshold: a measured value must be at most Value.
type Target struct {
	Name  string  `json:"name"`  // as written in the scenario: rto, rpo, lost-writes, milestone:NAME …
	Unit  string  `json:"unit"`  // "seconds" or "count"
	Value float64 `json:"value"` // seconds or a count
}

// Evaluate compares metrics with targets, in the targets' order. A metric that is null
// (an affected site that did not recover, a milestone never reached) breaches its target, and
// so does a bounded RPO.
func Evaluate(m Metrics, targets []Target) []Objective {
	out := make([]Objective, 0, len(targets))
	for _, t := range targets {
		o := Objective{Name: t.Name, Unit: t.Unit, Target: t.Value}
		actual, note := metricFor(m, t.Name)
		o.Actual, o.Note = actual, note
		if actual != nil {
			margin := t.Value - *actual
			o.Margin = &margin
			o.Met = *actual <= t.Value
		}
		if t.Name == "rpo" && m.RPOBounded {
			o.Met = false
			o.Note = "no canary survived for some site and product: the window is a lower bound"
		}
		out = append(out, o)
	}
	return out
}

// metricFor returns the measured value behind a target name.
func metricFor(m Metrics, name string) (*float64, string) {
	count := func(n int) *float64 { f := float64(n); return &f }
	switch name {
	case "rto":
		if m.RTOSeconds == nil && m.SitesAffected > m.SitesRecovered {
			return nil, "an affected site did not recover"
		}
		return m.RTOSeconds, ""
	case "site-rto-p95":
		if m.SiteRTOP95Seconds == nil && m.SitesAffected > m.SitesRecovered {
			return nil, "the site at p95 did not recover"
		}
		return m.SiteRTOP95Seconds, ""
	case "rpo":
		return m.RPOSeconds, ""
	case "lost-writes":
		return count(m.LostWrites), ""
	case "collateral-lost-writes":
		return count(m.CollateralLostWrites), ""
	case "integrity-mismatches":
		return count(m.IntegrityMismatches), ""
	case "broken-links":
		return count(m.BrokenLinks), ""
	case "projected-rto":
		return m.ProjectedRTOSeconds, ""
	case "human-time", "automated-time":
		return m.Runbook.time(name)
	}
	if len(name) > len("milestone:") && name[:len("milestone:")] == "milestone:" {
		v, ok := m.Milestones[name[len("milestone:"):]]
		if !ok || v == nil {
			return nil, "milestone never reached"
		}
		return v, ""
	}
	return nil, "unknown metric"
}

// Breaches are the names of the objectives not met.
func Breaches(objs []Objective) []string {
	var out []string
	for _, o := range objs {
		if !o.Met {
			out = append(out, o.Name)
		}
	}
	return out
}

// Caught reports whether a negative control got the verdict it declares and every breach it
// declares.
func Caught(e *Expect, v Verdict, objs []Objective) bool {
	if e == nil || e.Verdict != v {
		return false
	}
	breached := map[string]bool{}
	for _, b := range Breaches(objs) {
		breached[b] = true
	}
	for _, b := range e.Breaches {
		if !breached[b] {
			return false
		}
	}
	return true
}

// Seconds returns a pointer to a finite seconds value, or nil for an infinite one.
func Seconds(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}
