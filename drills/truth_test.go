package drills_test

import (
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drill-dev/drill/drills"
	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/stacks/cloudsuite/directory"
)

// Ground-truth drills on real containers: each runbook's truth is known to the test on its own
// (a known sleep, a known restore point, a known repair), never from the metric code's output.
// Bounds come from the scenarios' declared intervals: probe 1s, canary 250ms (4 sites).
const (
	probeInterval  = 1.0
	canaryInterval = 0.25
)

func instance(res *result.Result, step string) result.Event {
	for _, e := range res.Timeline {
		if e.Kind == "instance" && e.Name == step {
			return e
		}
	}
	Fail("no instance of step " + step)
	return result.Event{}
}

func affected(res *result.Result) map[string]result.Site {
	out := map[string]result.Site{}
	for _, s := range res.Sites {
		if s.Affected {
			out[s.ID] = s
		}
	}
	return out
}

func firstShardOnly() {
	if k, _, err := harness.ParseShard(os.Getenv("DRILL_SHARD")); err == nil && k != 1 {
		Skip("ground-truth fixtures run in shard 1")
	}
}

var _ = Describe("ground truth", Label("scenario:truth", "size:small", "docker"), func() {
	It("measures a known outage and a known restore point", func(ctx SpecContext) {
		firstShardOnly()
		res := drills.Run(ctx, "testdata/truth-known-restore.yaml", "small", drills.Unreported())
		Expect(res.Verdict).To(Equal(result.Pass), "reason: %s", res.Reason)
		del, restore := instance(res, "delete one site"), instance(res, "restore")
		truth := restore.End - del.Start
		Expect(truth).To(BeNumerically(">=", 6), "the runbook waits a known 6s")
		row := affected(res)[del.Site]
		Expect(row.RTOSeconds).NotTo(BeNil())
		Expect(*row.RTOSeconds).To(BeNumerically(">=", truth))
		// The products answer from their identity cache for up to directory.DefaultTTL, and the
		// canary writes keep it fresh: a restored site may read as gone that long after the
		// restore ends. Then the next round sees it, and its proof follows.
		Expect(*row.RTOSeconds).To(BeNumerically("<=", truth+directory.DefaultTTL.Seconds()+probeInterval+0.3))
		// Restored to t0 + 1s, 3s before the hit: what was acknowledged from then to the hit
		// is lost.
		window := del.Start - (*res.Run.T0Seconds + 1)
		Expect(window).To(BeNumerically("~", 3, 0.1))
		Expect(res.Metrics.RPOSeconds).NotTo(BeNil())
		Expect(*res.Metrics.RPOSeconds).To(BeNumerically("~", window, canaryInterval))
	}, GracePeriod(3*time.Minute))

	It("recovers a repaired site no earlier than its repair, and neither one never repaired nor one the runbook broke again", func(ctx SpecContext) {
		firstShardOnly()
		res := drills.Run(ctx, "testdata/truth-repair-redelete.yaml", "small", drills.Unreported())
		again := instance(res, "delete one again")
		repaired := map[string]float64{}
		for _, e := range res.Timeline {
			if e.Kind == "instance" && e.Name == "repair" {
				repaired[e.Site] = e.End
			}
		}
		rows := affected(res)
		Expect(rows).To(HaveLen(3))
		Expect(repaired).To(HaveLen(2))
		Expect(rows[again.Site].RTOSeconds).To(BeNil(), "deleted by the runbook's last step")
		left := 0
		for id, row := range rows {
			end, ok := repaired[id]
			switch {
			case id == again.Site:
			case !ok: // corrupted with health green, never repaired
				Expect(row.RTOSeconds).To(BeNil(), "site %s was never repaired", id)
				Expect(row.IntegrityMismatches).To(ContainElement("tracker"))
			default:
				left++
				Expect(row.RecoveredSeconds).NotTo(BeNil(), "site %s was repaired", id)
				Expect(*row.RecoveredSeconds).To(BeNumerically(">=", end))
			}
		}
		Expect(left).To(BeNumerically(">=", 1))
		Expect(res.Metrics.RTOSeconds).To(BeNil())
		Expect(res.Verdict).To(Equal(result.Fail), "reason: %s", res.Reason)
	}, GracePeriod(3*time.Minute))

	It("waits the grace for a recovery that finishes after the runbook", func(ctx SpecContext) {
		firstShardOnly()
		res := drills.Run(ctx, "testdata/truth-async.yaml", "small", drills.Unreported())
		Expect(res.Verdict).To(Equal(result.Pass), "reason: %s", res.Reason)
		accepted := instance(res, "accept the repair, done 5s later")
		row := affected(res)[accepted.Site]
		Expect(row.RecoveredSeconds).NotTo(BeNil())
		Expect(*row.RecoveredSeconds).To(BeNumerically(">=", accepted.End+5))
	}, GracePeriod(3*time.Minute))
})
