// Command scalefigures prints the figures of the scale benchmark (make bench-scale) from drill
// results: per drill the sites affected, wall time, RTO, RPO, the achieved resolution (the poll
// gap, and beside it the proof lag's p50, p95 and max), the poll rounds' p50 and p95, drill's
// own CPU share from t0 to the end of verification, and the sites affected that no fault step
// named (false affected: healthy sites a probe called failing); then the RTO the smaller sizes
// project at the largest drill's sites affected against what it measured.
//
//	go run ./scripts/scalefigures out/bench-scale/*/result.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/drill-dev/drill/result"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: scalefigures RESULT.json...")
		os.Exit(2)
	}
	var drills []result.Result
	for _, p := range os.Args[1:] {
		b, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var r result.Result
		if err := json.Unmarshal(b, &r); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", p, err)
			os.Exit(1)
		}
		drills = append(drills, r)
	}
	sort.Slice(drills, func(i, j int) bool { return drills[i].Metrics.SitesAffected < drills[j].Metrics.SitesAffected })
	fmt.Printf("%-11s %6s %8s %6s %-13s %8s %8s %8s %9s %9s %9s %9s %9s %9s %7s\n", "size", "sites", "affected", "false", "verdict", "wall", "rto", "rpo", "poll gap",
		"lag p50", "lag p95", "lag max", "round p50", "round p95", "cpu")
	for _, r := range drills {
		m, p := r.Metrics, r.Probes
		res := m.Resolution
		fmt.Printf("%-11s %6d %8d %6d %-13s %7.0fs %8s %8s %8.2fs %9s %9s %9s %8.2fs %8.2fs %6.1f%%\n", r.Run.Size, m.SitesTotal, m.SitesAffected, falseAffected(r), r.Verdict,
			r.Run.WallSeconds, secs(m.RTOSeconds), secs(m.RPOSeconds), res.PollGapSeconds, lag(res.ProofLagP50Seconds), lag(res.ProofLagP95Seconds), lag(res.ProofLagMaxSeconds),
			p.RoundP50Seconds, p.RoundP95Seconds, 100*p.CPUShare)
	}
	last := drills[len(drills)-1]
	c, err := result.NewCampaign(drills, result.Projection{SitesAffected: last.Metrics.SitesAffected})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, k := range c.Checks {
		if k.ProjectedRTOSeconds == nil || k.MeasuredRTOSeconds == nil {
			fmt.Printf("\nat %d sites affected (%s): projected %s from %d smaller sizes, measured %s: no comparison\n",
				k.SitesAffected, k.Size, secs(k.ProjectedRTOSeconds), k.Points, secs(k.MeasuredRTOSeconds))
			continue
		}
		fmt.Printf("\nat %d sites affected (%s): projected %.0fs from %d smaller sizes, measured %.0fs: error %+.0f%%\n",
			k.SitesAffected, k.Size, *k.ProjectedRTOSeconds, k.Points, *k.MeasuredRTOSeconds, *k.ErrorPercent)
	}
}

// falseAffected counts the sites affected that no fault step named.
func falseAffected(r result.Result) int {
	n := 0
	for _, s := range r.Sites {
		if s.Affected && !s.Named {
			n++
		}
	}
	return n
}

// lag formats a proof lag to the hundredth of a second; "-" when the result records none.
func lag(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.2fs", *v)
}

func secs(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%.1fs", *v)
}
