package harness

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/result"
)

// These tests hold the verifier to DESIGN.md's contract on runbooks whose truth the test knows:
// each one failed on the verifier before the truth issue (10) was fixed.

func affectedRows(res *result.Result) []result.Site {
	var out []result.Site
	for _, s := range res.Sites {
		if s.Affected {
			out = append(out, s)
		}
	}
	return out
}

func objective(res *result.Result, name string) *result.Objective {
	for i := range res.Objectives {
		if res.Objectives[i].Name == name {
			return &res.Objectives[i]
		}
	}
	return nil
}

// A site whose data is corrupted while its health stays green, never repaired, is not
// recovered: rto null and breached, integrity breached, FAIL.
func TestTruthCorruptionNeverRepairedIsNotRecovered(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-corrupt.yaml"), newFakeRuntime())
	m := res.Metrics
	if m.SitesAffected != 1 || m.SitesRecovered != 0 || m.RTOSeconds != nil {
		t.Fatalf("affected %d recovered %d rto %v: the corrupted site must not count as recovered", m.SitesAffected, m.SitesRecovered, m.RTOSeconds)
	}
	if m.IntegrityMismatches != 1 {
		t.Fatalf("integrity_mismatches %d, want 1", m.IntegrityMismatches)
	}
	if res.Verdict != result.Fail {
		t.Fatalf("verdict %s, want fail: %s", res.Verdict, res.Reason)
	}
	if o := objective(res, "rto"); o == nil || o.Met {
		t.Fatalf("rto objective %+v, want breached", o)
	}
}

// The same corruption repaired by the runbook after a known wait: recovered, and no earlier
// than the repair (the fingerprints that prove it were read after it).
func TestTruthCorruptionRepairedRecoversAfterTheRepair(t *testing.T) {
	res := runPassing(t, "fake-corrupt-repair.yaml")
	rows := affectedRows(res)
	if len(rows) != 1 || rows[0].RTOSeconds == nil {
		t.Fatalf("affected rows %+v, want one recovered", rows)
	}
	hit := events(res, "instance", "corrupt")[0].Start
	repaired := events(res, "instance", "repair")[0].End
	probe := 0.1 // the scenario's probe interval
	if got, truth := *rows[0].RTOSeconds, repaired-hit; got < truth || got > truth+probe+0.3 {
		t.Fatalf("rto %.3fs, true outage %.3fs (probe interval %.1fs)", got, truth, probe)
	}
}

// A runbook whose last step deletes a restored site again: verification must poll after the
// runbook, and that site is not recovered.
func TestTruthSiteBrokenByTheRunbooksLastStepIsNotRecovered(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-redelete.yaml"), newFakeRuntime())
	again := events(res, "instance", "delete again")
	if len(again) != 1 {
		t.Fatalf("delete again ran %d times", len(again))
	}
	for _, row := range affectedRows(res) {
		if row.ID == again[0].Site && row.RTOSeconds != nil {
			t.Fatalf("site %s deleted by the runbook's last step counted as recovered (rto %.2fs)", row.ID, *row.RTOSeconds)
		}
		if row.ID != again[0].Site && row.RTOSeconds == nil {
			t.Fatalf("site %s was restored and left alone, but not recovered", row.ID)
		}
	}
	if res.Metrics.RTOSeconds != nil || res.Verdict != result.Fail {
		t.Fatalf("rto %v verdict %s, want null and fail", res.Metrics.RTOSeconds, res.Verdict)
	}
}

// A restore accepted at once and finished 2s after the runbook: recovered within the grace.
func TestTruthAsynchronousRecoveryWithinGrace(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-async.yaml"), newFakeRuntime())
	if res.Verdict != result.Pass {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
	rows := affectedRows(res)
	hit := events(res, "instance", "delete")[0].Start
	accepted := events(res, "instance", "restore")[0].End
	if got := *rows[0].RTOSeconds; got < accepted-hit+2 {
		t.Fatalf("rto %.2fs, but the restore finished 2s after %.2fs", got, accepted-hit)
	}
}

// A link check that errors at the end is a broken (unknown) link, breached and named.
func TestTruthUnreadableLinkCheckIsBroken(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-links.yaml"), newFakeRuntime())
	m := res.Metrics
	if m.BrokenLinks < 1 || len(m.UnreadableLinks) != 1 || !strings.HasSuffix(m.UnreadableLinks[0], "/things-links") {
		t.Fatalf("broken_links %d unreadable %v, want the erroring check counted and named", m.BrokenLinks, m.UnreadableLinks)
	}
	if o := objective(res, "broken-links"); o == nil || o.Met || res.Verdict != result.Fail {
		t.Fatalf("broken-links objective %+v verdict %s, want breached", o, res.Verdict)
	}
}

// Writes in flight when verification stops complete and are recorded as acknowledged.
func TestTruthInFlightCanariesCompleteAtStop(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-inflight.yaml"), newFakeRuntime())
	if res.Verdict != result.Pass {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Reason)
	}
	if c := res.Canaries; c.Failed != 0 || res.Metrics.LostWrites != 0 {
		t.Fatalf("%d site canaries recorded failed (lost %d): the stack acknowledged every write", c.Failed, res.Metrics.LostWrites)
	}
}

// A milestone is first evaluated with the affected sites, as every later poll: one that is true
// then is misdeclared and the drill inconclusive.
func TestTruthMilestoneFirstEvaluatedWithTheAffectedSites(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-milestone.yaml"), newFakeRuntime())
	if res.Verdict != result.Inconclusive || !strings.Contains(res.Reason, "misdeclared") {
		t.Fatalf("verdict %s: %s (milestone %v)", res.Verdict, res.Reason, res.Metrics.Milestones)
	}
}

// Every affected site's row says why it is affected.
func TestTruthAffectedSitesSayWhy(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-restore.yaml"), newFakeRuntime())
	for _, row := range affectedRows(res) {
		w := row.Why
		if w == nil || w.NamedBy != "delete" || w.NamedSeconds == nil {
			t.Fatalf("site %s: why %+v, want named by the delete step", row.ID, w)
		}
		if w.FailedSeconds == nil || w.Product != "things" || !strings.Contains(w.Error, "410") {
			t.Fatalf("site %s: why %+v, want its first failed poll in things with the 410", row.ID, w)
		}
	}
}

// Probes do not ask the engine for a service's address each time: the address is cached per
// container and asked again only after the harness's own service operations (a restart
// publishes the port anew) or a failed connection (issue 11, item 1).
func TestEndpointsCachedAndRefreshedAfterARestart(t *testing.T) {
	rt := newFakeRuntime()
	res := run(t, context.Background(), load(t, "fake-restart.yaml"), rt)
	if res.Verdict != result.Pass {
		t.Fatalf("verdict %s: %s (probes after the restart must reach its new port)", res.Verdict, res.Reason)
	}
	requests := res.Canaries.Writes // canary writes alone, besides every poll
	if rt.Endpoints() > 6 || requests < 10 {
		t.Fatalf("%d endpoint lookups for %d canary requests and every poll: want a handful", rt.Endpoints(), requests)
	}
}

// A fault hits as many sites as the size says, and a runbook step over the affected sites reads
// each site's own hit instant (issue 11, items 6 and 8): the deletions run one after another,
// so each site's .Hit is its own deletion's start, not t0.
func TestCountBySizeAndEachSitesHitInTemplates(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-hit.yaml"), newFakeRuntime())
	deletes := events(res, "instance", "delete")
	if len(deletes) != 3 || res.Metrics.SitesAffected != 3 {
		t.Fatalf("%d deletions, %d affected: the size says 3", len(deletes), res.Metrics.SitesAffected)
	}
	hitAt := map[string]float64{}
	for _, e := range deletes {
		hitAt[e.Site] = e.Start
	}
	for _, e := range events(res, "instance", "say the hit") {
		wall, err := time.Parse("2006-01-02 15:04:05.000000+00", strings.TrimSpace(strings.TrimPrefix(e.Output, "echo ")))
		if err != nil {
			t.Fatalf("output %q: %v", e.Output, err)
		}
		got := wall.Sub(res.Run.Started).Seconds()
		// The wall clock of the run starts within a millisecond of its monotonic clock. A
		// poll begun before the deletion and answered after it (a loaded machine) stamps the
		// site's first failure at its own start: with two rounds in flight, up to two probe
		// intervals (200ms) earlier, still after the previous site's deletion (300ms before).
		const inFlight = 2 * 0.1
		if d := got - hitAt[e.Site]; d < -inFlight-0.002 || d > 0.002 {
			t.Errorf("site %s: .Hit at %.3fs, its deletion began at %.3fs", e.Site, got, hitAt[e.Site])
		}
	}
}

// The result states what the polls cost: rounds, their duration, and drill's own CPU time from
// t0 to the end of verification, measured around that window.
func TestProbeLoadIsMeasured(t *testing.T) {
	res := run(t, context.Background(), load(t, "fake-restore.yaml"), newFakeRuntime())
	p := res.Probes
	// Verification ran from t0 for at least the 1s sleep and the 1.5s restore, every 100ms.
	if p.Rounds < 20 || p.WallSeconds < 2.5 || p.RoundP50Seconds <= 0 || p.RoundP95Seconds < p.RoundP50Seconds {
		t.Fatalf("probe load %+v", p)
	}
	if p.CPUSeconds <= 0 || p.CPUShare != p.CPUSeconds/p.WallSeconds {
		t.Fatalf("cpu %+v", p)
	}
}

// While a restored site's proof is read (800ms of fingerprint reads, polled every 100ms), every
// round still polls it: the gap between two polls of a site stays near the probe interval,
// and the proof's pass counts from its reads, not from the end of the wait.
func TestProofUnderWayKeepsThePollingResolution(t *testing.T) {
	res := runPassing(t, "fake-slowproof.yaml")
	const slowRead = 0.8
	if gap := res.Metrics.Resolution.PollGapSeconds; gap > slowRead/2 {
		t.Fatalf("poll gap %.2fs: no poll while an %.1fs proof was read", gap, slowRead)
	}
	rows := affectedRows(res)
	hit := events(res, "instance", "delete")[0].Start
	restored := events(res, "instance", "restore")[0].End
	probe := 0.1
	if got, truth := *rows[0].RTOSeconds, restored-hit; got < truth || got > truth+probe+slowRead+0.3 {
		t.Fatalf("rto %.3fs, true outage %.3fs (probe %.1fs, proof reads %.1fs)", got, truth, probe, slowRead)
	}
}

// A milestone whose check takes 800ms does not hold back the sites' polls (every 100ms), and
// is still measured.
func TestSlowMilestoneKeepsThePollingResolution(t *testing.T) {
	res := runPassing(t, "fake-slowmilestone.yaml")
	const slowCheck = 0.8
	if gap := res.Metrics.Resolution.PollGapSeconds; gap > slowCheck/2 {
		t.Fatalf("poll gap %.2fs: the sites' polls waited for an %.1fs milestone check", gap, slowCheck)
	}
	if v, ok := res.Metrics.Milestones["slow-check"]; !ok || v == nil {
		t.Fatalf("milestones %v: slow-check not measured", res.Metrics.Milestones)
	}
}

// A wave: six sites restored at once, each fingerprint read taking 400ms, at most two in
// flight (fingerprintPool). The proofs cannot all begin when the sites turn healthy: in the
// order they begin, the k-th waits for k/2 reads before it, so its recorded proof lag is about
// ⌊k/2⌋·400ms, give or take the probe interval (100ms) in which the wave was seen, and never
// more: a site's own reads, and its links, do not wait for the reads of the others. Each site's
// recovered instant is its proof's start, so the RTOs spread the same way.
func TestProofLagOfAWaveFollowsTheReadSchedule(t *testing.T) {
	const read = 0.4
	res, lags := waveLags(t, "fake-wave.yaml")
	expectSchedule(t, lags, func(k int) float64 { return float64(k/2) * read })
	m := res.Metrics.Resolution
	if m.ProofLagMaxSeconds == nil || *m.ProofLagMaxSeconds != lags[5] || *m.ProofLagP50Seconds != lags[2] {
		t.Fatalf("resolution %+v, lags %v", m, lags)
	}
	if u := m.Uncertainty(); u < lags[5] || u < m.PollGapSeconds {
		t.Fatalf("uncertainty %.2fs below the proof lag %.2fs or the poll gap %.2fs", u, lags[5], m.PollGapSeconds)
	}
}

// A wave in three products: six sites restored at once, each product's batch fingerprint read
// taking 400ms. A proof begins when its last product's read does, and the fingerprint pool has
// a slot per product, so no product's read waits for another's: every site's proof lag is the
// time to see the wave healthy (the probe interval, and the round's own answers), not a read.
// With two slots the third product's read began 400ms late, and every lag with it.
func TestAWavesProofReadsEveryProductAtOnce(t *testing.T) {
	_, lags := waveLags(t, "fake-productwave.yaml")
	expectSchedule(t, lags, func(int) float64 { return 0 }) // with 2 slots: 0.4s each
}

// A wave's link checks: six sites restored at once, each with two link checks taking 300ms,
// read 8 at a time (linkWorkers), each check on its own. In the order they are asked for, the
// first 8 checks (those of sites 1 to 4) begin at once and the last 4 (sites 5 and 6) when the
// first ones end: a site's proof begins with its last read, so four sites' proof lags are
// about the time to see the wave healthy and two are one check (300ms) more, give or take the
// probe interval, and never more.
func TestAWavesLinkChecksFollowTheReadSchedule(t *testing.T) {
	const check = 0.3
	_, lags := waveLags(t, "fake-linkwave.yaml")
	expectSchedule(t, lags, func(k int) float64 {
		if k >= 4 {
			return check
		}
		return 0
	})
}

// waveLags runs a scenario whose wave is six sites restored at once, which must pass, and
// returns its result and the six sites' proof lags, smallest first.
func waveLags(t *testing.T, file string) (*result.Result, []float64) {
	t.Helper()
	res := runPassing(t, file)
	rows := affectedRows(res)
	if len(rows) != 6 {
		t.Fatalf("%d sites affected, want 6", len(rows))
	}
	var lags []float64
	for _, r := range rows {
		if r.ProofLagSeconds == nil {
			t.Fatalf("site %s recovered without a proof lag", r.ID)
		}
		lags = append(lags, *r.ProofLagSeconds)
	}
	slices.Sort(lags)
	return res, lags
}

// expectSchedule checks that the k-th smallest proof lag is the wait(k) the read schedule
// gives, plus up to the probe interval (100ms) in which the wave was seen, within 150ms.
func expectSchedule(t *testing.T, lags []float64, wait func(k int) float64) {
	t.Helper()
	const probe, slack = 0.1, 0.15
	for k, lag := range lags {
		if w := wait(k); lag < w-slack || lag > w+probe+slack {
			t.Fatalf("proof lags %v: the %d-th is %.2fs, want %.2fs (+ up to the probe interval)", lags, k, lag, w)
		}
	}
}

// A batch health request answers for many sites at once, so its latency is not any one site's:
// while the batch answer takes 2.5s (longer than the 2s a per-site health check may take, with
// a probe interval of 100ms), no site fails a poll for it. The unaffected sites keep passing,
// with no collateral downtime, and the restored site recovers.
func TestSlowBatchHealthIsNotAnOutage(t *testing.T) {
	res := runPassing(t, "fake-slowbatch.yaml")
	m := res.Metrics
	if m.CollateralDowntimeSeconds != 0 || m.SitesRecovered != 1 {
		t.Fatalf("collateral downtime %.2fs, %d sites recovered: want none and 1", m.CollateralDowntimeSeconds, m.SitesRecovered)
	}
}

// A batch health request that gets no answer at all (a stalled connection, seen on a
// port-forward) is asked once more, on another connection, after a health check's deadline
// (2s): no site fails a poll for it, and the sites' polls stay far closer together than the
// batch's own 10s bound.
func TestHungBatchHealthIsAskedAgain(t *testing.T) {
	res := runPassing(t, "fake-hungbatch.yaml")
	m := res.Metrics
	if m.CollateralDowntimeSeconds != 0 || m.SitesRecovered != 1 {
		t.Fatalf("collateral downtime %.2fs, %d sites recovered: want none and 1", m.CollateralDowntimeSeconds, m.SitesRecovered)
	}
	const healthDeadline, batchBound = 2.0, 10.0
	if gap := m.Resolution.PollGapSeconds; gap < healthDeadline || gap > batchBound/2 {
		t.Fatalf("poll gap %.2fs: want the hung round asked again after %.0fs, well before its %.0fs bound", gap, healthDeadline, batchBound)
	}
}

// A canary read that fails once at the end (a timeout, a stalled port-forward) does not make the
// drill inconclusive: it is read once more, and that reading counts.
func TestCanaryReadIsReadAgain(t *testing.T) {
	res := runPassing(t, "fake-flakycanaryread.yaml")
	// The seven untouched sites lost nothing; their canaries, had they stayed unread, would
	// count as lost.
	if m := res.Metrics; m.CollateralLostWrites != 0 || m.SitesRecovered != 1 {
		t.Fatalf("%d collateral lost writes, %d sites recovered: want none and 1", m.CollateralLostWrites, m.SitesRecovered)
	}
}

// A read that fails once (a timeout, a stalled port-forward) does not make the baseline
// inconclusive: what the survey could not read is read once more, and that reading counts.
func TestBaselineReadsAgainWhatItCouldNotRead(t *testing.T) {
	res := runPassing(t, "fake-flakylinks.yaml")
	if m := res.Metrics; m.BrokenLinks != 0 || m.SitesRecovered != 1 {
		t.Fatalf("broken links %d, %d sites recovered: want none and 1", m.BrokenLinks, m.SitesRecovered)
	}
}
