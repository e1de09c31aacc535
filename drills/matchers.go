package drills

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/gomega/types"

	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/result"
)

// maxLines caps the sites and steps a failure message lists.
const maxLines = 10

// MeetTargets succeeds when the drill succeeded as CI counts it (result.Outcome.OK): it passed,
// or it is a negative control that caught what it declares. Its failure message gives the
// verdict and its reason, then each breached objective measured against its target, the failed
// runbook steps with their output, and the harness errors. The actual value is a
// *result.Result or a result.Result.
func MeetTargets() types.GomegaMatcher {
	return &matcher{
		ok: func(r *result.Result) bool { return result.OutcomeOf(r).OK() },
		failure: func(r *result.Result) string {
			return subject(r) + " did not meet its targets\n" + explain(r)
		},
		negated: func(r *result.Result) string {
			return subject(r) + " met its targets, but was expected not to\n" + explain(r)
		},
	}
}

// HaveRTOWithin succeeds when every affected site recovered and the worst site's recovery took
// at most d (rto_seconds ≤ d). Its failure message gives the RTO against d and lists the sites
// over d or not recovered.
func HaveRTOWithin(d time.Duration) types.GomegaMatcher {
	limit := d.Seconds()
	return &matcher{
		ok: func(r *result.Result) bool {
			return r.Metrics.RTOSeconds != nil && *r.Metrics.RTOSeconds <= limit
		},
		failure: func(r *result.Result) string {
			return fmt.Sprintf("%s: %s\n%s", subject(r), measured("RTO", "seconds", r.Metrics.RTOSeconds, limit, rtoNote(r)),
				sitesOver(r, limit, func(s result.Site) (*float64, bool) { return s.RTOSeconds, false }, "not recovered"))
		},
		negated: func(r *result.Result) string {
			return fmt.Sprintf("%s: %s, but was expected over it", subject(r), measured("RTO", "seconds", r.Metrics.RTOSeconds, limit, ""))
		},
	}
}

// HaveRPOWithin succeeds when the largest data-loss window over affected sites and products is
// at most d and is not a lower bound (some canary survived everywhere). Its failure message
// gives the RPO against d and lists the sites over d.
func HaveRPOWithin(d time.Duration) types.GomegaMatcher {
	limit := d.Seconds()
	return &matcher{
		ok: func(r *result.Result) bool {
			return r.Metrics.RPOSeconds != nil && !r.Metrics.RPOBounded && *r.Metrics.RPOSeconds <= limit
		},
		failure: func(r *result.Result) string {
			note := ""
			if r.Metrics.RPOBounded {
				note = "a lower bound: no canary survived for some site and product"
			}
			return fmt.Sprintf("%s: %s\n%s", subject(r), measured("RPO", "seconds", r.Metrics.RPOSeconds, limit, note),
				sitesOver(r, limit, func(s result.Site) (*float64, bool) { return s.RPOSeconds, s.RPOBounded }, "not measured"))
		},
		negated: func(r *result.Result) string {
			return fmt.Sprintf("%s: %s, but was expected over it", subject(r), measured("RPO", "seconds", r.Metrics.RPOSeconds, limit, ""))
		},
	}
}

// LoseNoWrites succeeds when every acknowledged canary write, of affected and unaffected sites,
// was there at the end (lost_writes and collateral_lost_writes are 0) and every canary could be
// read back. Its failure message gives both counts against 0 and lists the sites that lost
// writes. A drill that never read its canaries back (inconclusive, aborted) does not succeed.
func LoseNoWrites() types.GomegaMatcher {
	return &matcher{
		ok: func(r *result.Result) bool {
			if unmeasured(r) {
				return false
			}
			m := r.Metrics
			return m.LostWrites == 0 && m.CollateralLostWrites == 0 && len(unreadable(r)) == 0
		},
		failure: func(r *result.Result) string {
			return subject(r) + " lost acknowledged writes\n" + lossReport(r)
		},
		negated: func(r *result.Result) string {
			return subject(r) + " lost no acknowledged writes, but was expected to\n" + lossReport(r)
		},
	}
}

// matcher is a Gomega matcher over a drill result.
type matcher struct {
	ok               func(*result.Result) bool
	failure, negated func(*result.Result) string
}

func (m *matcher) Match(actual any) (bool, error) {
	r, err := asResult(actual)
	if err != nil {
		return false, err
	}
	return m.ok(r), nil
}

func (m *matcher) FailureMessage(actual any) string {
	r, err := asResult(actual)
	if err != nil {
		return err.Error()
	}
	return m.failure(r)
}

func (m *matcher) NegatedFailureMessage(actual any) string {
	r, err := asResult(actual)
	if err != nil {
		return err.Error()
	}
	return m.negated(r)
}

func asResult(actual any) (*result.Result, error) {
	switch r := actual.(type) {
	case *result.Result:
		if r != nil {
			return r, nil
		}
	case result.Result:
		return &r, nil
	}
	return nil, fmt.Errorf("want a drill result (*result.Result), got %T", actual)
}

// subject names the drill as reports do: scenario[size], with {K/N} for a shard.
func subject(r *result.Result) string {
	n := r.Run.Scenario + "[" + r.Run.Size + "]"
	if r.Run.Shard != "" {
		n += "{" + r.Run.Shard + "}"
	}
	return n
}

// explain is MeetTargets' evidence: verdict and reason, breached objectives, failed steps,
// harness errors.
func explain(r *result.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "verdict: %s: %s\n", result.OutcomeOf(r).Label, r.Reason)
	if r.Expect != nil {
		fmt.Fprintf(&b, "negative control: declares %s with %s breached\n", r.Expect.Verdict, orNone(r.Expect.Breaches))
	}
	if !unmeasured(r) {
		fmt.Fprintln(&b, sitesLine(r.Metrics))
		var lines []string
		for _, o := range r.Objectives {
			if !o.Met {
				lines = append(lines, "  "+objectiveLine(o))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(&b, "breached objectives (%d of %d):\n%s\n", len(lines), len(r.Objectives), strings.Join(lines, "\n"))
		}
	}
	steps := failedSteps(r)
	if len(steps) > 0 {
		fmt.Fprintf(&b, "failed steps:\n%s\n", strings.Join(steps, "\n"))
	}
	// A failed runbook's error is the reason and the failed step again: list the errors only
	// when they say something else (the harness or the infrastructure failed).
	if len(r.Errors) > 0 && (unmeasured(r) || len(steps) == 0) {
		fmt.Fprintf(&b, "errors:\n  %s\n", strings.Join(capped(r.Errors), "\n  "))
	}
	return strings.TrimRight(b.String(), "\n")
}

// sitesLine says how many sites the fault hit and how many recovered.
func sitesLine(m result.Metrics) string {
	s := fmt.Sprintf("sites: %d of %d affected, %d recovered", m.SitesAffected, m.SitesTotal, m.SitesRecovered)
	if m.SitesAffected == 0 {
		s += " (no probe failed after the fault: nothing to time, so RTO and RPO were not measured)"
	}
	return s
}

// objectiveLine is one objective, measured against target: "rto: measured 6m12s, target 5m
// (1m12s over)".
func objectiveLine(o result.Objective) string {
	return measured(o.Name, o.Unit, o.Actual, o.Target, o.Note)
}

func measured(name, unit string, actual *float64, target float64, note string) string {
	if actual == nil {
		if note == "" {
			note = "not measured"
		}
		return fmt.Sprintf("%s: %s, target %s", name, note, value(unit, target))
	}
	s := fmt.Sprintf("%s: measured %s, target %s", name, value(unit, *actual), value(unit, target))
	switch m := target - *actual; {
	case m < 0:
		s += " (" + value(unit, -m) + " over)"
	case unit == "seconds" && note == "":
		s += " (" + value(unit, m) + " to spare)"
	}
	if note != "" {
		s += ": " + note
	}
	return s
}

func value(unit string, v float64) string {
	if unit == "seconds" {
		return reports.Dur(v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func rtoNote(r *result.Result) string {
	switch m := r.Metrics; {
	case unmeasured(r):
		return fmt.Sprintf("not measured: the drill was %s: %s", r.Verdict, r.Reason)
	case m.RTOSeconds == nil && m.SitesAffected > m.SitesRecovered:
		return fmt.Sprintf("%d of %d affected sites did not recover", m.SitesAffected-m.SitesRecovered, m.SitesAffected)
	case m.SitesAffected == 0:
		return "no site was affected"
	}
	return ""
}

// sitesOver lists the affected sites whose value is over limit, missing (what) or a bound.
func sitesOver(r *result.Result, limit float64, get func(result.Site) (*float64, bool), missing string) string {
	var lines []string
	for _, s := range r.Sites {
		if !s.Affected {
			continue
		}
		v, bounded := get(s)
		switch {
		case v == nil:
			lines = append(lines, fmt.Sprintf("  %s: %s", s.ID, missing))
		case *v > limit || bounded:
			l := fmt.Sprintf("  %s: %s", s.ID, reports.Dur(*v))
			if bounded {
				l += " (a lower bound)"
			}
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return fmt.Sprintf("sites over %s:\n%s", reports.Dur(limit), strings.Join(capped(lines), "\n"))
}

// lossReport is LoseNoWrites' evidence.
func lossReport(r *result.Result) string {
	if unmeasured(r) {
		return fmt.Sprintf("writes not measured: the drill was %s: %s", r.Verdict, r.Reason)
	}
	m := r.Metrics
	lines := []string{
		"  " + measured("lost-writes", "count", count(m.LostWrites), 0, "acknowledged writes of affected sites missing at the end"),
		"  " + measured("collateral-lost-writes", "count", count(m.CollateralLostWrites), 0, "acknowledged writes of unaffected sites missing at the end"),
	}
	var sites []string
	for _, s := range r.Sites {
		if s.LostWrites > 0 {
			kind := "affected"
			if !s.Affected {
				kind = "unaffected"
			}
			sites = append(sites, fmt.Sprintf("  %s (%s): %d lost", s.ID, kind, s.LostWrites))
		}
	}
	out := "\n" + strings.Join(lines, "\n")
	if len(sites) > 0 {
		out += "\nsites that lost writes:\n" + strings.Join(capped(sites), "\n")
	}
	if u := unreadable(r); len(u) > 0 {
		out += "\ncanaries that could not be read back (counted as lost): " + strings.Join(capped(u), ", ")
	}
	return strings.TrimPrefix(out, "\n")
}

func unreadable(r *result.Result) []string {
	var out []string
	for _, s := range r.Sites {
		for _, p := range s.Unreadable {
			out = append(out, s.ID+" "+p)
		}
	}
	sort.Strings(out)
	return out
}

// failedSteps lists the steps and step instances that failed or timed out, innermost only (an
// action's step is listed through its own failed steps, which carry the output), and the error
// of a failed phase none of whose steps is listed.
func failedSteps(r *result.Result) []string {
	var bad []result.Event
	for _, e := range r.Timeline {
		if (e.Kind == result.EventStep || e.Kind == result.EventInstance) && e.Failed() {
			bad = append(bad, e)
		}
	}
	inner := func(e result.Event) bool { // another failed event is inside e
		for _, o := range bad {
			if o.Phase == e.Phase && o.Name != e.Name && strings.HasPrefix(o.Name, e.Name+"/") && (o.Site == e.Site || e.Site == "") {
				return true
			}
			if o.Phase == e.Phase && o.Name == e.Name && e.Kind == result.EventStep && o.Kind == result.EventInstance {
				return true
			}
		}
		return false
	}
	var out []string
	phases := map[string]bool{}
	for _, e := range bad {
		phases[e.Phase] = true
		if inner(e) {
			continue
		}
		l := fmt.Sprintf("  %s %q", e.Phase, e.Name)
		if e.Site != "" {
			l += " for " + e.Site
		}
		l += " " + e.Outcome
		if e.Attempt > 1 {
			l += fmt.Sprintf(" after %d attempts", e.Attempt)
		}
		if e.Output != "" {
			l += ": " + tail(oneLine(e.Output), 400)
		}
		out = append(out, l)
	}
	for _, p := range r.Phases {
		if p.Outcome == result.OutcomeFailed && p.Error != "" && !phases[p.Name] {
			out = append([]string{fmt.Sprintf("  %s: %s", p.Name, oneLine(p.Error))}, out...)
		}
	}
	return capped(out)
}

func unmeasured(r *result.Result) bool {
	return r.Verdict == result.Inconclusive || r.Verdict == result.Aborted
}

func count(n int) *float64 { f := float64(n); return &f }

func orNone(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

// capped keeps the first maxLines lines and says how many more there were.
func capped(lines []string) []string {
	if len(lines) <= maxLines {
		return lines
	}
	indent := lines[0][:len(lines[0])-len(strings.TrimLeft(lines[0], " "))]
	return append(lines[:maxLines:maxLines], fmt.Sprintf("%s… and %d more", indent, len(lines)-maxLines))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func tail(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return "…" + string(r[len(r)-n:])
	}
	return s
}
