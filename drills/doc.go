// Package drills runs drill scenarios as Ginkgo specs, for scheduled CI jobs and for users who
// put their own scenarios into their own suites.
//
// In a spec, Run (or RunCell) performs one drill on Docker and returns its result; the Gomega
// matchers MeetTargets, HaveRTOWithin, HaveRPOWithin and LoseNoWrites judge it, and their
// failure messages list each breached objective, measured against target. Spec registers such
// an It with the labels CI filters on (scenario:NAME, size:SIZE, docker, slow); Catalogue
// registers one for every built-in scenario at every size, sharded by DRILL_SHARD exactly as
// drill run --shard splits its cells. WriteReports, called from a ReportAfterSuite, merges the
// suite's drills into drill's campaign HTML, JUnit (metrics as properties) and Markdown.
//
// A minimal suite of one's own:
//
//	func TestDrills(t *testing.T) {
//		RegisterFailHandler(Fail)
//		suite, reporter := drills.SuiteConfig(os.Getenv)
//		RunSpecs(t, "drills", suite, reporter)
//	}
//
//	var _ = drills.Spec("scenarios/my-scenario.yaml", "small")
//
//	var _ = ReportAfterSuite("drill reports", func(r Report) {
//		Expect(drills.WriteReports(r, drills.OutDir(os.Getenv))).To(Succeed())
//	})
//
// Drills need Docker: every spec skips under go test -short. Outputs go to OutDir: one folder
// per drill (result.json, report.html, drill.log, service logs) and the suite's reports.
//
// The package's own tests are that CI suite over the built-in catalogue; see docs/ci.
package drills
