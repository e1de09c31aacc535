package drills

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/drill-dev/drill/result"
)

// MetricEntryPrefix starts the names of the report entries that carry a drill's measured
// metrics into Ginkgo's own reports: ginkgo --junit-report writes each as a <property> of the
// spec's <testcase>, named like "drill.rto_seconds", its value as JSON (42.5, null when not
// measured or not recovered, "pass").
const MetricEntryPrefix = "drill."

// metricEntry is one named value of a drill's result, as a report entry carries it.
type metricEntry struct {
	name  string
	value any
}

// metricEntries are the metrics a CI reader of Ginkgo's JUnit wants per spec, named as in
// result.json: the verdict and what it means (outcome: PASS, FAIL, EXPECTED FAIL, …), rto,
// site rto p95, rpo (and whether it is a lower bound), lost and collateral lost writes,
// integrity mismatches, broken links, sites affected and recovered, and the run ID.
func metricEntries(r *result.Result) []metricEntry {
	m := r.Metrics
	e := []metricEntry{
		{"verdict", string(r.Verdict)},
		{"outcome", result.OutcomeOf(r).Label},
		{"rto_seconds", m.RTOSeconds},
		{"site_rto_p95_seconds", m.SiteRTOP95Seconds},
		{"rpo_seconds", m.RPOSeconds},
		{"rpo_bounded", m.RPOBounded},
		{"lost_writes", m.LostWrites},
		{"collateral_lost_writes", m.CollateralLostWrites},
		{"integrity_mismatches", m.IntegrityMismatches},
		{"broken_links", m.BrokenLinks},
		{"sites_affected", m.SitesAffected},
		{"sites_recovered", m.SitesRecovered},
		{"run_id", r.Run.ID},
	}
	for i := range e {
		e[i].name = MetricEntryPrefix + e[i].name
	}
	return e
}

// reportMetrics adds the drill's metric entries to the running spec. They are never printed
// on the console (the one-line verdict entry is); every reporter that writes entries (JUnit
// properties, the JSON report) carries them.
func reportMetrics(r *result.Result) {
	for _, e := range metricEntries(r) {
		ginkgo.AddReportEntry(e.name, e.value, ginkgo.ReportEntryVisibilityNever)
	}
}
