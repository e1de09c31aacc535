package history

import (
	"math"
	"slices"

	"github.com/drill-dev/drill/result"
)

// The regression rule: a drill regressed in RTO (or RPO) when its value is worse than the
// median of the last BaselineRuns measured runs of the same scenario and size before it by
// more than RegressionMargin of that median and by at least one resolution step (the probe
// interval for the RTO, the canary interval for the RPO), so that a difference the probes
// cannot tell apart never counts. An affected site that did not recover (RTO null) is a
// regression against any finite baseline. It needs MinBaselineRuns earlier measured runs.
const (
	BaselineRuns     = 5
	MinBaselineRuns  = 3
	RegressionMargin = 0.20
)

// Regression is one metric of a drill worse than its recent baseline.
type Regression struct {
	Metric string   // "rto" or "rpo"
	Value  *float64 // the drill's value; nil: not recovered
	Median float64  // the median of the baseline runs
	Runs   int      // how many runs the median is over
	// Threshold is the value past which the drill counts as regressed: the median plus the
	// larger of RegressionMargin of it and one resolution step.
	Threshold float64
}

// Regressions compares a drill with rows, the history of its scenario and size (any order; the
// drill itself and runs not before it are ignored, as are inconclusive and aborted runs and
// runs without the metric). It returns the RTO and RPO regressions, RTO first; none when the
// drill was not measured or fewer than MinBaselineRuns earlier runs have the metric.
func Regressions(d result.Result, rows []Row) []Regression {
	if d.Verdict != result.Pass && d.Verdict != result.Fail {
		return nil
	}
	var earlier []Row
	for _, r := range rows {
		if r.RunID == d.Run.ID || !r.Started.Before(d.Run.Started) || r.Scenario != d.Run.Scenario || r.Size != d.Run.Size {
			continue
		}
		if r.Verdict == result.Pass || r.Verdict == result.Fail {
			earlier = append(earlier, r)
		}
	}
	slices.SortStableFunc(earlier, func(a, b Row) int { return b.Started.Compare(a.Started) })
	m := d.Metrics
	unrecovered := m.RTOSeconds == nil && m.SitesRecovered < m.SitesAffected
	var out []Regression
	if g, ok := regressed("rto", m.RTOSeconds, unrecovered, earlier, func(r Row) *float64 { return r.RTOSeconds }, m.Resolution.ProbeIntervalSeconds); ok {
		out = append(out, g)
	}
	if g, ok := regressed("rpo", m.RPOSeconds, false, earlier, func(r Row) *float64 { return r.RPOSeconds }, m.Resolution.CanaryIntervalSeconds); ok {
		out = append(out, g)
	}
	return out
}

func regressed(metric string, v *float64, unrecovered bool, earlier []Row, get func(Row) *float64, step float64) (Regression, bool) {
	var base []float64
	for _, r := range earlier {
		if p := get(r); p != nil && len(base) < BaselineRuns {
			base = append(base, *p)
		}
	}
	if len(base) < MinBaselineRuns || (v == nil && !unrecovered) {
		return Regression{}, false
	}
	med := median(base)
	g := Regression{Metric: metric, Value: v, Median: med, Runs: len(base), Threshold: med + math.Max(RegressionMargin*med, step)}
	return g, v == nil || *v > g.Threshold
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
