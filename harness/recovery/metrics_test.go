package recovery

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

const sec = time.Second

// polls builds samples every second from start, passing where pass(at) is true.
func polls(from, to time.Duration, pass func(at time.Duration) bool) []Sample {
	var out []Sample
	for at := from; at <= to; at += sec {
		out = append(out, Sample{At: at, Pass: pass(at)})
	}
	return out
}

func up(time.Duration) bool { return true }

// downBetween passes outside [a, b).
func downBetween(a, b time.Duration) func(time.Duration) bool {
	return func(at time.Duration) bool { return at < a || at >= b }
}

// acked builds canaries acknowledged every interval from 0 (seq 0 at 0) through last.
func acked(interval time.Duration, last int) []CanaryWrite {
	var out []CanaryWrite
	for seq := 0; seq <= last; seq++ {
		at := time.Duration(seq) * interval
		out = append(out, CanaryWrite{Seq: seq, Sent: at, Acked: true, At: at})
	}
	return out
}

func seqs(from, to int) map[int]bool {
	out := map[int]bool{}
	for i := from; i <= to; i++ {
		out[i] = true
	}
	return out
}

func approx(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s = null, want %v", name, want)
	}
	if math.Abs(*got-want) > 1e-9 {
		t.Fatalf("%s = %v, want %v", name, *got, want)
	}
}

// base is a drill of three sites a, b, c with t0 at 100s, inject over by 102s, verification
// ending at 130s, one product "p" with canaries every second from 0 to 129.
func base() Observations {
	o := Observations{
		Sites: []string{"a", "b", "c"}, T0: 100 * sec, InjectEnd: 102 * sec, End: 130 * sec,
		ProbeInterval: sec, CanaryInterval: sec,
		Named: map[string]time.Duration{}, Samples: map[string][]Sample{},
		Canaries: map[Key][]CanaryWrite{}, Present: map[Key]map[int]bool{},
		Mismatches: map[string][]string{}, BrokenLinks: map[string]int{},
	}
	for _, s := range o.Sites {
		o.Samples[s] = polls(100*sec, 130*sec, up)
		o.Canaries[Key{s, "p"}] = acked(sec, 129)
		o.Present[Key{s, "p"}] = seqs(0, 129)
	}
	return o
}

func TestMeasureSitesHitOneAfterAnother(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec, "b": 101 * sec}
	o.Samples["a"] = polls(100*sec, 130*sec, downBetween(100*sec, 110*sec)) // back at 110
	o.Samples["b"] = polls(100*sec, 130*sec, downBetween(101*sec, 121*sec)) // back at 121
	m, rows, problems := Measure(o)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if m.SitesAffected != 2 || m.SitesRecovered != 2 {
		t.Fatalf("affected %d recovered %d, want 2 2", m.SitesAffected, m.SitesRecovered)
	}
	approx(t, "rto", m.RTOSeconds, 20)           // b: 121 − 101
	approx(t, "p50", m.SiteRTOP50Seconds, 10)    // a: 110 − 100
	approx(t, "p95", m.SiteRTOP95Seconds, 20)    // nearest rank of 2 values at 95% is the 2nd
	approx(t, "incident", m.IncidentSeconds, 21) // t0 100 to last r 121
	approx(t, "detect", m.DetectSeconds, 0)
	if m.Resolution.PollGapSeconds != 1 {
		t.Fatalf("poll gap %v, want 1s", m.Resolution.PollGapSeconds)
	}
	if rows[2].Affected {
		t.Fatal("site c was not hit, yet counted affected")
	}
}

func TestMeasureSiteThatPassesThenBreaksAgainRecoversAtLastStreak(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec}
	o.Samples["a"] = polls(100*sec, 130*sec, func(at time.Duration) bool {
		return at < 100*sec || (at >= 105*sec && at < 108*sec) || at >= 115*sec
	})
	m, rows, _ := Measure(o)
	approx(t, "rto", m.RTOSeconds, 15)
	approx(t, "r(a)", rows[0].RecoveredSeconds, 115)
}

func TestMeasureNothingSurvivesIsBounded(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec}
	o.Samples["a"] = polls(100*sec, 130*sec, downBetween(100*sec, 105*sec))
	// Every canary of a, even sequence 0, is gone; writes after the hit (≥100) too.
	o.Present[Key{"a", "p"}] = map[int]bool{}
	m, rows, _ := Measure(o)
	if !m.RPOBounded || !rows[0].RPOBounded {
		t.Fatal("rpo not marked bounded")
	}
	approx(t, "rpo", m.RPOSeconds, 99) // ack(L = seq 99 at 99s) − ack(seq 0 at 0s)
	if m.LostWrites != 130 {
		t.Fatalf("lost_writes = %d, want 130", m.LostWrites)
	}
}

func TestMeasureRestoreToAPointBeforeTheHit(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec}
	o.Samples["a"] = polls(100*sec, 130*sec, downBetween(100*sec, 105*sec))
	// Restored to 90s: canaries 91..99 lost; later writes after the restore (105..129) kept.
	present := seqs(0, 90)
	for s := 105; s <= 129; s++ {
		present[s] = true
	}
	o.Present[Key{"a", "p"}] = present
	m, rows, _ := Measure(o)
	approx(t, "rpo", m.RPOSeconds, 9) // ack(99) − ack(90)
	if m.RPOBounded {
		t.Fatal("bounded, though canary 90 survived")
	}
	if m.LostWrites != 14 { // 91..99 and 100..104
		t.Fatalf("lost_writes = %d, want 14", m.LostWrites)
	}
	if *rows[0].Products["p"].SurvivingSeq != 90 || rows[0].Products["p"].LastAckedSeq != 99 {
		t.Fatalf("S, L = %v, %v", *rows[0].Products["p"].SurvivingSeq, rows[0].Products["p"].LastAckedSeq)
	}
}

func TestMeasureSiteThatNeverRecovers(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec, "b": 100 * sec}
	o.Samples["a"] = polls(100*sec, 130*sec, downBetween(100*sec, 104*sec))
	o.Samples["b"] = polls(100*sec, 130*sec, func(time.Duration) bool { return false })
	m, rows, _ := Measure(o)
	if m.RTOSeconds != nil || m.IncidentSeconds != nil {
		t.Fatalf("rto %v incident %v, want null: a site did not recover", m.RTOSeconds, m.IncidentSeconds)
	}
	approx(t, "p50", m.SiteRTOP50Seconds, 4)
	if m.SiteRTOP95Seconds != nil {
		t.Fatal("p95 should be null: the unrecovered site counts as infinite")
	}
	if rows[1].RecoveredSeconds != nil || m.SitesRecovered != 1 {
		t.Fatal("b counted as recovered")
	}
}

func TestMeasureRecoveryWithinOnePoll(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec}
	// The fault instance starts at 100.0s; the first poll after it (103s, after the
	// inject window) already passes: the site never looked down.
	o.Samples["a"] = polls(100*sec, 130*sec, up)
	m, _, _ := Measure(o)
	approx(t, "rto", m.RTOSeconds, 3) // resolution: the first poll after the inject window
	if m.DetectSeconds != nil {
		t.Fatal("detect should be null: no probe saw a failure")
	}
}

func TestMeasureUnreadableCanariesCountAsMissing(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec}
	o.Samples["a"] = polls(100*sec, 130*sec, downBetween(100*sec, 105*sec))
	delete(o.Present, Key{"a", "p"})
	delete(o.Present, Key{"c", "p"}) // unaffected site: collateral
	m, rows, _ := Measure(o)
	if m.LostWrites != 130 || m.CollateralLostWrites != 130 {
		t.Fatalf("lost %d collateral %d, want 130 130", m.LostWrites, m.CollateralLostWrites)
	}
	if len(rows[0].Unreadable) != 1 || rows[0].Unreadable[0] != "p" || len(rows[2].Unreadable) != 1 {
		t.Fatalf("unreadable flags: %v %v", rows[0].Unreadable, rows[2].Unreadable)
	}
	if !m.RPOBounded {
		t.Fatal("unreadable canaries must make the window bounded")
	}
}

func TestMeasureMilestones(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec}
	o.Milestones = map[string][]Sample{
		"notified":    polls(100*sec, 130*sec, func(at time.Duration) bool { return at >= 112*sec }),
		"never":       polls(100*sec, 130*sec, func(time.Duration) bool { return false }),
		"misdeclared": polls(100*sec, 130*sec, up),
	}
	m, _, problems := Measure(o)
	approx(t, "notified", m.Milestones["notified"], 12)
	if m.Milestones["never"] != nil {
		t.Fatal("a milestone never true must be null")
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "misdeclared") {
		t.Fatalf("problems = %v, want the misdeclared milestone", problems)
	}
}

func TestMeasureCollateralDowntimeAndAffectedByProbes(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec}
	o.Samples["a"] = polls(100*sec, 130*sec, downBetween(100*sec, 105*sec))
	// b fails inside the detection window (≤ 103s): affected though not named.
	o.Samples["b"] = polls(100*sec, 130*sec, downBetween(103*sec, 106*sec))
	// c fails later (a whole-database restore, say): unaffected, its downtime is collateral.
	o.Samples["c"] = polls(100*sec, 130*sec, downBetween(110*sec, 114*sec))
	m, rows, _ := Measure(o)
	if !rows[1].Affected || rows[1].Named {
		t.Fatal("b should be affected by probes, not named")
	}
	approx(t, "b's rto", rows[1].RTOSeconds, 3) // hit at its first failed probe 103, back at 106
	if m.CollateralDowntimeSiteSeconds != 4 || m.CollateralDowntimeSeconds != 4 {
		t.Fatalf("collateral downtime %v / %v, want 4 / 4", m.CollateralDowntimeSiteSeconds, m.CollateralDowntimeSeconds)
	}
}

func TestMeasureIntegrityAndLinks(t *testing.T) {
	o := base()
	o.Mismatches = map[string][]string{"b": {"p", "q"}}
	o.BrokenLinks = map[string]int{"c": 3}
	m, _, _ := Measure(o)
	if m.IntegrityMismatches != 2 || m.BrokenLinks != 3 {
		t.Fatalf("integrity %d links %d, want 2 3", m.IntegrityMismatches, m.BrokenLinks)
	}
}

// The detection window closes by time, one probe interval after the inject window (103s): a
// failure seen in a poll begun by then makes a site affected, one begun after it does not.
func TestAffectedUsesEachSitesFirstPollAfterTheInjectWindow(t *testing.T) {
	o := base()
	late := func(pass func(time.Duration) bool) []Sample {
		return polls(100*sec+900*time.Millisecond, 130*sec, pass)
	}
	o.Samples["a"] = late(downBetween(102*sec, 104*sec))                      // 102.9 fails: in the window
	o.Samples["b"] = late(downBetween(103*sec+500*time.Millisecond, 105*sec)) // 103.9 fails: after it
	aff := Affected(o)
	if !aff["a"] || aff["b"] || aff["c"] {
		t.Fatalf("affected = %v, want only a", aff)
	}
}

// A site whose final fingerprints differ, whose links are broken or unreadable at the end, or
// whose final poll fails is not recovered, whatever its streaks said (issue 10, defect 2).
func TestMeasureEndStateDecidesRecovery(t *testing.T) {
	for name, spoil := range map[string]func(*Observations){
		"fingerprint differs": func(o *Observations) { o.Mismatches["a"] = []string{"p"} },
		"links broken":        func(o *Observations) { o.BrokenLinks["a"] = 1 },
		"link check unreadable": func(o *Observations) {
			o.LinksUnreadable = map[string][]string{"a": {"refs"}}
		},
		"final poll fails": func(o *Observations) {
			ss := o.Samples["a"]
			ss[len(ss)-1].Pass = false
		},
	} {
		t.Run(name, func(t *testing.T) {
			o := base()
			o.Named = map[string]time.Duration{"a": 100 * sec}
			o.Samples["a"] = polls(100*sec, 130*sec, downBetween(100*sec, 105*sec))
			spoil(&o)
			m, rows, _ := Measure(o)
			if m.RTOSeconds != nil || rows[0].RTOSeconds != nil || m.SitesRecovered != 0 {
				t.Fatalf("rto %v, site rto %v, recovered %d: want null, null, 0", m.RTOSeconds, rows[0].RTOSeconds, m.SitesRecovered)
			}
		})
	}
}

// L and S are the last and newest canaries by acknowledgement instant, not by sequence number:
// writes in flight together can be acknowledged out of order (issue 10, defect 7).
func TestMeasureDataLossByAcknowledgementTime(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec}
	o.Samples["a"] = polls(100*sec, 130*sec, downBetween(100*sec, 105*sec))
	ws := acked(sec, 129)
	ws[12].At = 13*sec + 500*time.Millisecond // 12 acknowledged after 13 (at 13.0s)
	ws[98].At = 99*sec + 500*time.Millisecond // 98 acknowledged after 99 (at 99.0s), before the hit
	o.Canaries[Key{"a", "p"}] = ws
	o.Present[Key{"a", "p"}] = seqs(0, 13) // a restore that kept 0..13
	_, rows, _ := Measure(o)
	pl := rows[0].Products["p"]
	// L is 98 (99.5s), the last acknowledged before the hit; S is 12 (13.5s), the newest
	// present: the window is 86s. By sequence number it would be 99 − 13 = 86s too, but from
	// 99.0s and 13.0s: L 99, S 13.
	if pl.LastAckedSeq != 98 || pl.SurvivingSeq == nil || *pl.SurvivingSeq != 12 || pl.WindowSeconds != 86 {
		t.Fatalf("L %d S %v window %v, want 98, 12, 86s", pl.LastAckedSeq, pl.SurvivingSeq, pl.WindowSeconds)
	}
	ws[12].At = 13*sec + 800*time.Millisecond
	_, rows, _ = Measure(o)
	if pl := rows[0].Products["p"]; pl.WindowSeconds != 85.7 {
		t.Fatalf("window %v, want 99.5 − 13.8 = 85.7s", pl.WindowSeconds)
	}
}

// detect_seconds is t0 to the first failed poll of any affected site; extent_seconds t0 to the
// instant every affected site had been seen failing (issue 10, defect 9). Polls that did not
// pass only because the data was not yet proven are no failure a probe saw.
func TestMeasureDetectAndExtent(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec, "b": 101 * sec}
	o.Samples["a"] = polls(100*sec, 130*sec, downBetween(102*sec, 105*sec))
	o.Samples["b"] = polls(100*sec, 130*sec, downBetween(104*sec, 108*sec))
	o.Samples["b"][0].Pass, o.Samples["b"][0].Unverified = false, true // 100s: not yet proven
	m, _, _ := Measure(o)
	approx(t, "detect", m.DetectSeconds, 2)
	approx(t, "extent", m.ExtentSeconds, 4)
	o.Named["c"] = 100 * sec // c named but never seen failing: the extent was never all seen
	m, _, _ = Measure(o)
	approx(t, "detect", m.DetectSeconds, 2)
	if m.ExtentSeconds != nil {
		t.Fatalf("extent %v, want null: c was never seen failing", *m.ExtentSeconds)
	}
}

// wave builds the polls of a site as the verifier records them when it turns healthy at
// healthy (polls every second from 100s to 130s, failing before) and the reads of its proof
// begin at proof: healthy polls before the proof wait on it (unverified), the proof's own
// pass is stamped at its reads' start, and every poll after it passes.
func wave(healthy, proof time.Duration) []Sample {
	var out []Sample
	for at := 100 * sec; at <= 130*sec; at += sec {
		switch {
		case at < healthy:
			out = append(out, Sample{At: at, Product: "p", Reason: "site not found"})
		case at < proof:
			out = append(out, Sample{At: at, Unverified: true, Reason: "healthy; fingerprints and links being read"})
		default:
			if len(out) > 0 && out[len(out)-1].At < proof && !out[len(out)-1].Pass {
				out = append(out, Sample{At: proof, Pass: true})
			}
			out = append(out, Sample{At: at, Pass: true})
		}
	}
	return out
}

// A wave of N sites turning healthy at once, proven one after another with reads of D each:
// each site's proof lag is the wait the schedule gave it, its recovered instant the start of
// its proof's reads (the later of that and its healthy streak's start), and the resolution
// carries the lag's p50, p95 and max.
func TestMeasureProofLagOfAWave(t *testing.T) {
	const n = 10
	const d = 500 * time.Millisecond
	o := base()
	o.Sites, o.Named, o.Proofs = nil, map[string]time.Duration{}, map[string][]time.Duration{}
	healthy := 110 * sec
	for i := range n {
		s := fmt.Sprintf("s%02d", i)
		o.Sites = append(o.Sites, s)
		o.Named[s] = 100 * sec
		proof := healthy + 200*time.Millisecond + time.Duration(i)*d // the schedule the test knows
		o.Samples[s] = wave(healthy, proof)
		o.Proofs[s] = []time.Duration{proof}
		o.Canaries[Key{s, "p"}] = acked(sec, 129)
		o.Present[Key{s, "p"}] = seqs(0, 129)
	}
	m, rows, _ := Measure(o)
	if m.SitesRecovered != n {
		t.Fatalf("%d of %d recovered", m.SitesRecovered, n)
	}
	for i, row := range rows {
		lag := (200*time.Millisecond + time.Duration(i)*d).Seconds()
		approx(t, row.ID+" proof lag", row.ProofLagSeconds, lag)
		approx(t, row.ID+" r(s)", row.RecoveredSeconds, healthy.Seconds()+lag) // the later of streak start and proof start
		approx(t, row.ID+" rto", row.RTOSeconds, healthy.Seconds()+lag-100)
	}
	approx(t, "proof lag p50", m.Resolution.ProofLagP50Seconds, 0.2+4*d.Seconds()) // nearest rank 5 of 10
	approx(t, "proof lag p95", m.Resolution.ProofLagP95Seconds, 0.2+9*d.Seconds()) // rank 10 of 10
	approx(t, "proof lag max", m.Resolution.ProofLagMaxSeconds, 0.2+9*d.Seconds())
	if u := m.Resolution.Uncertainty(); math.Abs(u-(1+0.2+9*d.Seconds())) > 1e-9 {
		t.Fatalf("uncertainty %.2fs, want the 1s poll gap plus the largest proof lag", u)
	}
}

// A proof read in an earlier healthy streak does not count: the lag runs from the start of
// the final streak to the proof begun in it. A proof that found the data different ends a
// streak (a repair is timed from the repair): the lag runs from the first poll after it.
func TestMeasureProofLagCountsOnlyTheFinalStreak(t *testing.T) {
	o := base()
	o.Named = map[string]time.Duration{"a": 100 * sec, "b": 100 * sec}
	// a: healthy and proven at 105.5, down 108–110, healthy from 111, proven at 112.25.
	a := wave(103*sec, 105500*time.Millisecond)
	for i := range a {
		if a[i].At >= 108*sec && a[i].At < 111*sec {
			a[i] = Sample{At: a[i].At, Product: "p", Reason: "site not found"}
		}
	}
	var a2 []Sample
	for _, x := range a {
		if x.At > 111*sec && x.At < 112250*time.Millisecond {
			x = Sample{At: x.At, Unverified: true}
		}
		a2 = append(a2, x)
		if x.At == 112*sec {
			a2 = append(a2, Sample{At: 112250 * time.Millisecond, Pass: true})
		}
	}
	for i := range a2 {
		if a2[i].At == 111*sec {
			a2[i] = Sample{At: 111 * sec, Unverified: true}
		}
	}
	o.Samples["a"] = a2
	// b: healthy from 103, its proof at 104.5 finds the data different (a corruption health
	// cannot see), repaired later: healthy polls from 105 wait, proof at 107.75 passes.
	b := []Sample{{At: 100 * sec, Product: "p", Reason: "site not found"}, {At: 101 * sec, Product: "p"}, {At: 102 * sec, Product: "p"},
		{At: 103 * sec, Unverified: true}, {At: 104 * sec, Unverified: true},
		{At: 104500 * time.Millisecond, Product: "p", Reason: "fingerprint differs from the baseline"},
		{At: 105 * sec, Unverified: true}, {At: 106 * sec, Unverified: true}, {At: 107 * sec, Unverified: true},
		{At: 107750 * time.Millisecond, Pass: true}}
	b = append(b, polls(108*sec, 130*sec, up)...)
	o.Samples["b"] = b
	o.Proofs = map[string][]time.Duration{"a": {105500 * time.Millisecond, 112250 * time.Millisecond}, "b": {107750 * time.Millisecond}}
	m, rows, _ := Measure(o)
	approx(t, "a proof lag", rows[0].ProofLagSeconds, 1.25)
	approx(t, "a r(s)", rows[0].RecoveredSeconds, 112.25)
	approx(t, "b proof lag", rows[1].ProofLagSeconds, 2.75)
	approx(t, "b r(s)", rows[1].RecoveredSeconds, 107.75)
	if rows[2].ProofLagSeconds != nil {
		t.Fatalf("c was never hit, yet has a proof lag %v", *rows[2].ProofLagSeconds)
	}
	approx(t, "proof lag max", m.Resolution.ProofLagMaxSeconds, 2.75)
}
