package drills

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/drill-dev/drill/result"
)

// TestGinkgoJUnitCarriesMetrics writes Ginkgo's own JUnit report (what --junit-report writes)
// for a spec whose entries RunCell's reportMetrics would add for a hand-made result, and reads
// the metrics back from the testcase's properties: in one process, and after the JSON round
// trip a parallel run's report takes to the primary process.
func TestGinkgoJUnitCarriesMetrics(t *testing.T) {
	rto, rpo := 42.5, 1.25
	res := &result.Result{
		Run:     result.Run{ID: "r-1", Scenario: "atlassian-2022", Size: "small"},
		Verdict: result.Fail,
		Metrics: result.Metrics{RTOSeconds: &rto, RPOSeconds: &rpo, LostWrites: 3, CollateralLostWrites: 17,
			SitesAffected: 2, SitesRecovered: 2},
		Objectives: []result.Objective{{Name: "collateral-lost-writes", Met: false}},
	}
	var entries types.ReportEntries
	for _, e := range metricEntries(res) {
		entries = append(entries, types.ReportEntry{Name: e.name, Value: types.WrapEntryValue(e.value), Visibility: types.ReportEntryVisibilityNever})
	}
	spec := types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "atlassian-2022[small]", State: types.SpecStateFailed, ReportEntries: entries}
	inProcess := types.Report{SuiteDescription: "drills", SpecReports: types.SpecReports{spec}}
	b, err := json.Marshal(inProcess)
	if err != nil {
		t.Fatal(err)
	}
	var parallel types.Report
	if err := json.Unmarshal(b, &parallel); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"drill.verdict":                `"fail"`,
		"drill.outcome":                `"FAIL"`,
		"drill.rto_seconds":            "42.5",
		"drill.site_rto_p95_seconds":   "null",
		"drill.rpo_seconds":            "1.25",
		"drill.rpo_bounded":            "false",
		"drill.lost_writes":            "3",
		"drill.collateral_lost_writes": "17",
		"drill.sites_affected":         "2",
		"drill.run_id":                 `"r-1"`,
	}
	for name, rep := range map[string]types.Report{"in process": inProcess, "parallel": parallel} {
		path := filepath.Join(t.TempDir(), "junit.xml")
		if err := reporters.GenerateJUnitReport(rep, path); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var suites reporters.JUnitTestSuites
		if err := xml.Unmarshal(raw, &suites); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range suites.TestSuites[0].TestCases {
			if c.Properties == nil {
				continue
			}
			for _, p := range c.Properties.Properties {
				got[p.Name] = p.Value
			}
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: property %s = %q, want %q", name, k, got[k], v)
			}
		}
	}
}
