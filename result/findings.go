package result

import (
	"fmt"
	"sort"
	"strings"
)

// Findings says in plain words what a manager should take from a drill, computed from the
// result alone: the one generator of findings. The harness records them in Result.Findings and
// every report renders the same list, so a fact is never stated twice in different words.
func Findings(r Result) []string {
	var out []string
	out = append(out, recoveryFindings(r)...)
	out = append(out, extentFindings(r)...)
	out = append(out, stepFindings(r)...)
	out = append(out, dataFindings(r)...)
	return out
}

// target is the value of the objective named name, when the drill has one.
func target(r Result, name string) (float64, bool) {
	for _, o := range r.Objectives {
		if o.Name == name {
			return o.Target, true
		}
	}
	return 0, false
}

func recoveryFindings(r Result) []string {
	var out []string
	rto, hasTarget := target(r, "rto")
	var late, unrecovered []string
	affected := 0
	for _, s := range r.Sites {
		if !s.Affected {
			continue
		}
		affected++
		switch {
		case s.RTOSeconds == nil:
			unrecovered = append(unrecovered, s.ID)
		case hasTarget && *s.RTOSeconds > rto:
			late = append(late, s.ID)
		}
	}
	if len(late) > 0 {
		out = append(out, fmt.Sprintf("%d of %d sites were restored after the %s target.", len(late), affected, FormatSeconds(rto)))
	}
	if len(unrecovered) > 0 {
		verb := "were"
		if len(unrecovered) == 1 {
			verb = "was"
		}
		out = append(out, fmt.Sprintf("%d of %d sites %s not restored at all (%s).", len(unrecovered), affected, verb, short(unrecovered, 5)))
	}
	if m := r.Metrics; m.SitesAffected > 0 && len(late) == 0 && len(unrecovered) == 0 && m.RTOSeconds != nil {
		out = append(out, fmt.Sprintf("All %d affected sites were restored; the slowest took %s.", affected, FormatSeconds(*m.RTOSeconds)))
	}
	return out
}

// extentFindings names the affected sites no fault step named: what the fault really hit
// beyond what the operator meant (a wrong-ID deletion), or a false positive under load.
func extentFindings(r Result) []string {
	var unnamed []string
	named := 0
	for _, s := range r.Sites {
		switch {
		case s.Affected && s.Named:
			named++
		case s.Affected:
			unnamed = append(unnamed, s.ID)
		}
	}
	if named == 0 || len(unnamed) == 0 {
		return nil
	}
	if len(unnamed) == 1 {
		return []string{fmt.Sprintf("1 site that no fault step named failed its probes after the fault and counts as affected (%s).", unnamed[0])}
	}
	return []string{fmt.Sprintf("%d sites that no fault step named failed their probes after the fault and count as affected (%s).", len(unnamed), short(unnamed, 5))}
}

// stepFindings reads how many instances of each fanned-out recovery step overlapped, and
// lists the runbook steps that failed.
func stepFindings(r Result) []string {
	type span struct{ start, end float64 }
	inst := map[string][]span{}
	var failed []string
	for _, e := range r.Timeline {
		if e.Kind == EventInstance && e.Phase == "recover" {
			inst[e.Name] = append(inst[e.Name], span{e.Start, e.End})
		}
		if !e.Failed() || e.Kind == EventStep && hasFailedInstance(r, e.Name) {
			continue
		}
		what := e.Name
		if e.Site != "" {
			what += " for " + e.Site
		}
		if e.Attempt > 1 {
			what += fmt.Sprintf(" after %d attempts", e.Attempt)
		}
		failed = append(failed, what)
	}
	var out []string
	names := make([]string, 0, len(inst))
	for n := range inst {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sp := inst[n]
		if len(sp) < 2 {
			continue
		}
		peak := 0
		var total float64
		for _, a := range sp {
			total += a.end - a.start
			k := 0
			for _, b := range sp {
				if b.start <= a.start && a.start < b.end {
					k++
				}
			}
			peak = max(peak, k)
		}
		mean := FormatSeconds(total / float64(len(sp)))
		if peak == 1 {
			out = append(out, fmt.Sprintf("%s ran one site at a time: %d sites, %s each on average.", n, len(sp), mean))
		} else {
			out = append(out, fmt.Sprintf("%s ran up to %d sites at once: %d sites, %s each on average.", n, peak, len(sp), mean))
		}
	}
	if len(failed) > 0 {
		out = append(out, "Runbook steps failed: "+strings.Join(failed, "; ")+".")
	}
	return out
}

func hasFailedInstance(r Result, step string) bool {
	for _, e := range r.Timeline {
		if e.Kind == EventInstance && e.Name == step && e.Failed() {
			return true
		}
	}
	return false
}

// dataFindings speaks of writes, data and links: collateral damage, bounded windows,
// unreadable checks, milestones never reached.
func dataFindings(r Result) []string {
	var out []string
	m := r.Metrics
	if m.CollateralLostWrites > 0 {
		n := 0
		for _, s := range r.Sites {
			if !s.Affected && s.LostWrites > 0 {
				n++
			}
		}
		out = append(out, fmt.Sprintf("%d acknowledged writes of %s that the fault did not touch were lost: the recovery rolled back sites it should have left alone.",
			m.CollateralLostWrites, plural(n, "site", "sites")))
	}
	if m.CollateralDowntimeSeconds > 0 {
		out = append(out, fmt.Sprintf("Sites the fault did not touch failed their probes for %s of wall-clock time.", FormatSeconds(m.CollateralDowntimeSeconds)))
	}
	if m.RPOBounded {
		out = append(out, "For at least one site and product no canary survived, not even the first: the RPO shown is a lower bound.")
	}
	if n := len(m.UnreadableLinks); n > 0 {
		verb := "count"
		if n == 1 {
			verb = "counts"
		}
		out = append(out, fmt.Sprintf("%s could not be read at the end and %s as broken (%s).", plural(n, "link check", "link checks"), verb, short(m.UnreadableLinks, 5)))
	}
	names := make([]string, 0, len(m.Milestones))
	for name, v := range m.Milestones {
		if v == nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		out = append(out, fmt.Sprintf("Milestone %s was never reached.", name))
	}
	return out
}
