package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/drill-dev/drill/result"
)

// findings says in plain words what the numbers show, then adds the harness's own findings.
func findings(r result.Result) []string {
	var out []string
	out = append(out, recoveryFindings(r)...)
	out = append(out, concurrencyFindings(r)...)
	m := r.Metrics
	if m.CollateralLostWrites > 0 {
		n := 0
		for _, s := range r.Sites {
			if !s.Affected && s.LostWrites > 0 {
				n++
			}
		}
		out = append(out, fmt.Sprintf("%s acknowledged writes of %s that the fault did not touch were lost: the recovery rolled back sites it should have left alone.",
			num(float64(m.CollateralLostWrites)), plural(n, "site", "sites")))
	}
	if m.RPOBounded {
		out = append(out, "For at least one site and product no canary survived, not even the first: the RPO shown is a lower bound.")
	}
	for _, name := range sortedKeys(m.Milestones) {
		if m.Milestones[name] == nil {
			out = append(out, fmt.Sprintf("Milestone %s was never reached.", name))
		}
	}
	for _, f := range r.Findings {
		if !contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func recoveryFindings(r result.Result) []string {
	var out []string
	target, hasTarget := objectiveTarget(r, "rto")
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
		case hasTarget && *s.RTOSeconds > target:
			late = append(late, s.ID)
		}
	}
	if len(late) > 0 {
		out = append(out, fmt.Sprintf("%d of %d sites were restored after the %s target.", len(late), affected, Dur(target)))
	}
	if len(unrecovered) > 0 {
		verb := "were"
		if len(unrecovered) == 1 {
			verb = "was"
		}
		out = append(out, fmt.Sprintf("%d of %d sites %s not restored at all (%s).", len(unrecovered), affected, verb, short(unrecovered, 5)))
	}
	if m := r.Metrics; m.SitesAffected > 0 && m.SitesTotal > 0 && len(late) == 0 && len(unrecovered) == 0 && m.RTOSeconds != nil {
		out = append(out, fmt.Sprintf("All %d affected sites were restored; the slowest took %s.", affected, Dur(*m.RTOSeconds)))
	}
	return out
}

// concurrencyFindings reads how many instances of each fanned-out recovery step overlapped.
func concurrencyFindings(r result.Result) []string {
	type span struct{ start, end float64 }
	inst := map[string][]span{}
	var failed []string
	for _, e := range r.Timeline {
		if e.Kind == "instance" && e.Phase == "recover" {
			inst[e.Name] = append(inst[e.Name], span{e.Start, e.End})
		}
		if e.Outcome == "failed" || e.Outcome == "timeout" {
			what := e.Name
			if e.Site != "" {
				what += " for " + e.Site
			}
			if e.Attempt > 1 {
				what += fmt.Sprintf(" after %d attempts", e.Attempt)
			}
			if e.Kind != "step" || !hasInstanceFailure(r, e.Name) {
				failed = append(failed, what)
			}
		}
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
		mean := Dur(total / float64(len(sp)))
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

func hasInstanceFailure(r result.Result, step string) bool {
	for _, e := range r.Timeline {
		if e.Kind == "instance" && e.Name == step && (e.Outcome == "failed" || e.Outcome == "timeout") {
			return true
		}
	}
	return false
}

func objectiveTarget(r result.Result, name string) (float64, bool) {
	for _, o := range r.Objectives {
		if o.Name == name {
			return o.Target, true
		}
	}
	return 0, false
}

func short(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:n], ", ") + fmt.Sprintf(" and %d more", len(ids)-n)
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
