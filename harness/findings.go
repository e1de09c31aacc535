package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"syscall"

	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// findings states in plain words what a manager should take from a scored drill.
func findings(res *result.Result, sc *scenarios.Scenario) []string {
	var out []string
	m := res.Metrics
	t := sc.Targets.For(res.Run.Size)
	if t.RTO != nil && m.SitesAffected > 0 {
		late := 0
		for _, s := range res.Sites {
			if s.Affected && (s.RTOSeconds == nil || *s.RTOSeconds > t.RTO.Seconds()) {
				late++
			}
		}
		if late > 0 {
			out = append(out, fmt.Sprintf("%d of %d affected sites were restored after the %s target or not at all.", late, m.SitesAffected, t.RTO))
		}
	}
	if n := m.SitesAffected - m.SitesRecovered; n > 0 {
		out = append(out, fmt.Sprintf("%d of %d affected sites did not recover before verification ended.", n, m.SitesAffected))
	}
	for _, e := range res.Timeline {
		if e.Kind == "step" && e.Phase == PhaseRecover && e.Outcome == "ok" {
			if conc := concurrencyOf(sc, e.Name); conc == 1 && instancesOf(res, e.Name) > 1 {
				out = append(out, fmt.Sprintf("%s ran one site at a time over %d sites.", e.Name, instancesOf(res, e.Name)))
			}
		}
	}
	if m.CollateralLostWrites > 0 {
		out = append(out, fmt.Sprintf("The recovery destroyed %d acknowledged writes of sites the fault never touched.", m.CollateralLostWrites))
	}
	if m.CollateralDowntimeSeconds > 0 {
		out = append(out, fmt.Sprintf("Unaffected sites were down for %.1fs of wall-clock time during the recovery.", m.CollateralDowntimeSeconds))
	}
	if m.RPOBounded {
		out = append(out, "For some site and product no canary survived at all: the data-loss window shown is only a lower bound.")
	}
	return out
}

// concurrencyOf finds the declared concurrency of a top-level recover step by its name.
func concurrencyOf(sc *scenarios.Scenario, name string) int {
	for _, st := range sc.Recover {
		if stepName(st, "") == name && st.Foreach != nil {
			return max(st.Concurrency, 1)
		}
	}
	return 0
}

func instancesOf(res *result.Result, name string) int {
	n := 0
	for _, e := range res.Timeline {
		if e.Kind == "instance" && e.Name == name {
			n++
		}
	}
	return n
}

func sha(b []byte) string {
	if b == nil {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// processCPU is this process's user+system CPU time in seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
