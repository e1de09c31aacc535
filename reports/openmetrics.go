package reports

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/drill-dev/drill/result"
)

// omFamily is one OpenMetrics metric family: every drill's sample of one metric.
type omFamily struct {
	name, unit, help string
	// value returns a drill's sample, or false when the drill has none (not measured).
	value func(d result.Result) (float64, bool)
}

func omPtr(p *float64) (float64, bool) {
	if p == nil {
		return 0, false
	}
	return *p, true
}

func omInt(n int) (float64, bool) { return float64(n), true }

func omBool(b bool) (float64, bool) {
	if b {
		return 1, true
	}
	return 0, true
}

// omRecovery is a recovery-time metric: null means unrecovered (+Inf) when some affected site
// did not recover in a drill that measured, and not measured otherwise.
func omRecovery(get func(result.Metrics) *float64) func(result.Result) (float64, bool) {
	return func(d result.Result) (float64, bool) {
		if p := get(d.Metrics); p != nil {
			return *p, true
		}
		if measured(d) && d.Metrics.SitesRecovered < d.Metrics.SitesAffected {
			return math.Inf(1), true
		}
		return 0, false
	}
}

// measured reports whether the drill got as far as scoring (neither inconclusive nor aborted).
func measured(d result.Result) bool {
	return d.Verdict == result.Pass || d.Verdict == result.Fail
}

// omCount is a count metric, present only for drills that were measured.
func omCount(get func(result.Metrics) int) func(result.Result) (float64, bool) {
	return func(d result.Result) (float64, bool) {
		if !measured(d) {
			return 0, false
		}
		return omInt(get(d.Metrics))
	}
}

// omFamilies are the metrics written, in order. Names carry their unit (OpenMetrics requires a
// family with a UNIT to end in it).
var omFamilies = []omFamily{
	{"drill_rto_seconds", "seconds", "Worst affected site's recovery time r(s)-h(s); +Inf when an affected site did not recover.",
		omRecovery(func(m result.Metrics) *float64 { return m.RTOSeconds })},
	{"drill_site_rto_p50_seconds", "seconds", "Median of the affected sites' recovery times (nearest rank; unrecovered counts as infinite).",
		omRecovery(func(m result.Metrics) *float64 { return m.SiteRTOP50Seconds })},
	{"drill_site_rto_p95_seconds", "seconds", "95th percentile of the affected sites' recovery times (nearest rank; unrecovered counts as infinite).",
		omRecovery(func(m result.Metrics) *float64 { return m.SiteRTOP95Seconds })},
	{"drill_rto_uncertainty_seconds", "seconds", "How much later than a site was whole again its recovered instant, and so the RTO, may lie: the gap between polls of one site plus the longest wait for a healthy site's data to be read (the proof lag).",
		func(d result.Result) (float64, bool) {
			if d.Metrics.Resolution.ProofLagMaxSeconds == nil {
				return 0, false
			}
			return d.Metrics.Resolution.Uncertainty(), true
		}},
	{"drill_proof_lag_p95_seconds", "seconds", "95th percentile over recovered sites of the wait from a site's final healthy streak to the start of the reads that proved its data.",
		func(d result.Result) (float64, bool) { return omPtr(d.Metrics.Resolution.ProofLagP95Seconds) }},
	{"drill_proof_lag_max_seconds", "seconds", "Longest wait over recovered sites from a site's final healthy streak to the start of the reads that proved its data.",
		func(d result.Result) (float64, bool) { return omPtr(d.Metrics.Resolution.ProofLagMaxSeconds) }},
	{"drill_incident_seconds", "seconds", "From the fault instant t0 to the last site's recovery.",
		omRecovery(func(m result.Metrics) *float64 { return m.IncidentSeconds })},
	{"drill_rpo_seconds", "seconds", "Largest data-loss window over affected sites and products, from canary writes.",
		func(d result.Result) (float64, bool) { return omPtr(d.Metrics.RPOSeconds) }},
	{"drill_rpo_bounded", "", "1 when for some affected site and product no canary survived, so the RPO is a lower bound.",
		func(d result.Result) (float64, bool) {
			if d.Metrics.RPOSeconds == nil {
				return 0, false
			}
			return omBool(d.Metrics.RPOBounded)
		}},
	{"drill_lost_writes", "", "Acknowledged canary writes of affected sites missing at the end.",
		omCount(func(m result.Metrics) int { return m.LostWrites })},
	{"drill_collateral_lost_writes", "", "Acknowledged canary writes of unaffected sites missing at the end.",
		omCount(func(m result.Metrics) int { return m.CollateralLostWrites })},
	{"drill_collateral_downtime_seconds", "seconds", "Wall-clock time during which any unaffected site failed its probes.",
		func(d result.Result) (float64, bool) {
			if !measured(d) {
				return 0, false
			}
			return d.Metrics.CollateralDowntimeSeconds, true
		}},
	{"drill_integrity_mismatches", "", "(site, product) pairs whose fingerprint differs from the baseline at the end.",
		omCount(func(m result.Metrics) int { return m.IntegrityMismatches })},
	{"drill_broken_links", "", "Cross-product references that do not resolve at the end.",
		omCount(func(m result.Metrics) int { return m.BrokenLinks })},
	{"drill_detect_seconds", "seconds", "From t0 to drill's first failed poll of an affected site (drill's own probes).",
		func(d result.Result) (float64, bool) { return omPtr(d.Metrics.DetectSeconds) }},
	{"drill_extent_seconds", "seconds", "From t0 to the instant every affected site had been seen failing (drill's own probes).",
		func(d result.Result) (float64, bool) { return omPtr(d.Metrics.ExtentSeconds) }},
	{"drill_sites_affected", "", "Sites the fault hit (named by a fault step or found failing).",
		omCount(func(m result.Metrics) int { return m.SitesAffected })},
	{"drill_sites_recovered", "", "Affected sites that recovered.",
		omCount(func(m result.Metrics) int { return m.SitesRecovered })},
	{"drill_sites", "", "Sites seeded (the size).",
		func(d result.Result) (float64, bool) { return omInt(d.Metrics.SitesTotal) }},
	{"drill_succeeded", "", "1 when the drill succeeded as CI counts it (drill run's exit code 0: a pass, or a negative control that caught what it declares).",
		func(d result.Result) (float64, bool) { return omBool(result.OutcomeOf(&d).OK()) }},
	{"drill_wall_seconds", "seconds", "How long the whole drill took, set-up and teardown included.",
		func(d result.Result) (float64, bool) { return d.Run.WallSeconds, true }},
	{"drill_start_timestamp_seconds", "seconds", "When the drill started, in Unix seconds.",
		func(d result.Result) (float64, bool) {
			if d.Run.Started.IsZero() {
				return 0, false
			}
			return float64(d.Run.Started.UnixMilli()) / 1000, true
		}},
}

// WriteOpenMetrics writes every drill's metrics in the OpenMetrics text format (for a
// Pushgateway or a node-exporter textfile collector): one gauge family per metric, named with
// its unit (drill_rto_seconds), a sample per drill labelled scenario, size and verdict (and
// shard when the drill ran in one); milestones as drill_milestone_seconds{milestone=...} and
// objectives as drill_objective_met{objective=...}. A recovery time is +Inf when an affected
// site did not recover; a metric a drill did not measure (an inconclusive drill's counts) has
// no sample. The output ends with "# EOF".
func WriteOpenMetrics(w io.Writer, rep Report, opts ...Option) error {
	var b strings.Builder
	for _, f := range omFamilies {
		writeOMHeader(&b, f.name, f.unit, f.help)
		for _, d := range rep.Drills {
			if v, ok := f.value(d); ok {
				writeOMSample(&b, f.name, omLabels(d), v)
			}
		}
	}
	writeOMHeader(&b, "drill_milestone_seconds", "seconds", "From t0 to the first poll that found the milestone true; +Inf when never reached.")
	for _, d := range rep.Drills {
		names := make([]string, 0, len(d.Metrics.Milestones))
		for n := range d.Metrics.Milestones {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			v := math.Inf(1)
			if p := d.Metrics.Milestones[n]; p != nil {
				v = *p
			}
			writeOMSample(&b, "drill_milestone_seconds", append(omLabels(d), [2]string{"milestone", n}), v)
		}
	}
	writeOMHeader(&b, "drill_objective_met", "", "1 when the objective's target was met, 0 when breached.")
	for _, d := range rep.Drills {
		if !measured(d) {
			continue
		}
		for _, o := range d.Objectives {
			v, _ := omBool(o.Met)
			writeOMSample(&b, "drill_objective_met", append(omLabels(d), [2]string{"objective", o.Name}), v)
		}
	}
	b.WriteString("# EOF\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("openmetrics: %w", err)
	}
	return nil
}

func omLabels(d result.Result) [][2]string {
	l := [][2]string{{"scenario", d.Run.Scenario}, {"size", d.Run.Size}, {"verdict", string(d.Verdict)}}
	if d.Run.Shard != "" {
		l = append(l, [2]string{"shard", d.Run.Shard})
	}
	return l
}

func writeOMHeader(b *strings.Builder, name, unit, help string) {
	fmt.Fprintf(b, "# TYPE %s gauge\n", name)
	if unit != "" {
		fmt.Fprintf(b, "# UNIT %s %s\n", name, unit)
	}
	fmt.Fprintf(b, "# HELP %s %s\n", name, omEscape(help, false))
}

func writeOMSample(b *strings.Builder, name string, labels [][2]string, v float64) {
	b.WriteString(name)
	b.WriteByte('{')
	for i, l := range labels {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "%s=\"%s\"", l[0], omEscape(l[1], true))
	}
	b.WriteString("} ")
	b.WriteString(omNumber(v))
	b.WriteByte('\n')
}

func omNumber(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// omEscape escapes a HELP text (backslash, newline) or a label value (also the double quote).
func omEscape(s string, quote bool) string {
	r := []string{`\`, `\\`, "\n", `\n`}
	if quote {
		r = append(r, `"`, `\"`)
	}
	return strings.NewReplacer(r...).Replace(s)
}
