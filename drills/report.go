package drills

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/onsi/ginkgo/v2"

	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/result"
)

// SuiteOutputs are the reports WriteReports writes into its folder: report.html (the
// campaigns), junit.xml (drill's own, a testsuite per drill with the metrics as properties)
// and summary.md.
var SuiteOutputs = reports.Outputs{{Kind: "html"}, {Kind: "junit"}, {Kind: "markdown"}}

// WriteReports writes the suite's drill reports (SuiteOutputs) into dir and appends the
// Markdown summary to $GITHUB_STEP_SUMMARY when that is set. Call it from a ReportAfterSuite:
// it reads the drills that RunCell recorded in the suite's report, from every parallel
// process, and merges them as drill report does (one campaign per scenario run at several
// sizes, projected to the scenario's project-to). A suite that ran no drill writes nothing.
func WriteReports(report ginkgo.Report, dir string) error {
	var entries []entry
	for _, sr := range report.SpecReports {
		for _, e := range sr.ReportEntries {
			if e.Name != entryName {
				continue
			}
			var en entry
			if err := json.Unmarshal([]byte(e.Value.String()), &en); err != nil {
				return fmt.Errorf("drill reports: entry of %q: %w", sr.FullText(), err)
			}
			entries = append(entries, en)
		}
	}
	if len(entries) == 0 {
		return nil
	}
	rep, err := merge(entries)
	if err != nil {
		return fmt.Errorf("drill reports: %w", err)
	}
	return errors.Join(reports.Write(rep, SuiteOutputs.In(dir)), reports.AppendStepSummary(os.Getenv, rep))
}

// merge loads the entries' results and merges them one scenario at a time, each with its own
// projection, into one report.
func merge(entries []entry) (reports.Report, error) {
	byScenario := map[string][]result.Result{}
	proj := map[string]result.Projection{}
	for _, e := range entries {
		rs, err := reports.LoadFiles(e.Result)
		if err != nil {
			return reports.Report{}, err
		}
		for _, r := range rs {
			byScenario[r.Run.Scenario] = append(byScenario[r.Run.Scenario], r)
			proj[r.Run.Scenario] = result.Projection{SitesAffected: e.ProjectTo, TargetSeconds: e.ProjectedRTO}
		}
	}
	return mergeResults(byScenario, proj)
}

// mergeResults merges results grouped by scenario, each scenario's campaign projected with its
// own projection (reports.Merge takes one projection for all), into one report: the drills of
// every scenario, by scenario name, and their campaigns and notes.
func mergeResults(byScenario map[string][]result.Result, proj map[string]result.Projection) (reports.Report, error) {
	names := make([]string, 0, len(byScenario))
	for n := range byScenario {
		names = append(names, n)
	}
	sort.Strings(names)
	var rep reports.Report
	for _, n := range names {
		r, err := reports.Merge(byScenario[n], proj[n])
		if err != nil {
			return reports.Report{}, err
		}
		rep.Campaigns = append(rep.Campaigns, r.Campaigns...)
		rep.Drills = append(rep.Drills, r.Drills...)
		rep.Notes = append(rep.Notes, r.Notes...)
	}
	return rep, nil
}
