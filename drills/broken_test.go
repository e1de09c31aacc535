package drills_test

import (
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/drills"
	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/result"
)

// A runbook that forgot its first step (no point-in-time side instance to restore from) must
// fail, and say which step failed and why. Its failure is the point, so it stays out of the
// suite's reports; it runs in the first shard only.
var _ = Describe("a broken runbook", Label("scenario:broken-runbook", "size:small", "docker"), func() {
	It("fails, naming the failed step and its output", func(ctx SpecContext) {
		if k, _, err := harness.ParseShard(os.Getenv("DRILL_SHARD")); err == nil && k != 1 {
			Skip("the fixture runs in shard 1")
		}
		res := drills.Run(ctx, "testdata/broken-runbook.yaml", "small", drills.Unreported())

		Expect(res.Verdict).To(Equal(result.Fail), "reason: %s", res.Reason)
		Expect(res.Reason).To(HavePrefix("the runbook failed: "))
		meet := drills.MeetTargets()
		Expect(meet.Match(res)).To(BeFalse())
		msg := meet.FailureMessage(res)
		AddReportEntry("failure message", msg)
		entries := map[string]any{}
		for _, e := range CurrentSpecReport().ReportEntries {
			entries[e.Name] = e.GetRawValue()
		}
		Expect(entries).To(HaveKeyWithValue(drills.MetricEntryPrefix+"verdict", "fail"), "ginkgo's JUnit carries the metrics")
		Expect(entries).To(HaveKeyWithValue(drills.MetricEntryPrefix+"sites_affected", 1))
		Expect(msg).To(And(
			ContainSubstring("broken-runbook[small] did not meet its targets"),
			ContainSubstring("verdict: FAIL: the runbook failed"),
			ContainSubstring("sites: 1 of 4 affected, 0 recovered"),
			ContainSubstring("side instance"), // the restore's own output says why
			MatchRegexp(`recover "restore the deleted sites \(from a side instance nobody started\)[^"]*" for \S+ failed`),
		))
	}, GracePeriod(3*time.Minute))
})
