package recovery

import (
	"maps"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/drill-dev/drill/result"
)

// Sample is one verification poll of one site (or one milestone probe). At is when the poll
// counts from: for a pass, the start of the last check that made it pass (a fingerprint read
// included); for a failure, the start of the first check that failed.
type Sample struct {
	At   time.Duration
	Pass bool
	// Unverified marks a poll that did not pass only because the site's data was not yet
	// proven equal to the baseline since the fault: no check failed, so it is not a failure
	// any probe saw (detection ignores it).
	Unverified bool
	// Product and Reason say which check failed first, and why.
	Product string
	Reason  string
}

// SeenFailing reports whether a probe saw the site fail in this poll.
func (x Sample) SeenFailing() bool { return !x.Pass && !x.Unverified }

// Observations is everything measured during a drill, from which the metrics follow. It is
// plain data so that the arithmetic is proved on hand-made timelines.
type Observations struct {
	Sites          []string
	T0             time.Duration
	InjectEnd      time.Duration
	End            time.Duration // end of verification
	ProbeInterval  time.Duration
	CanaryInterval time.Duration
	// Named maps a site named by a fault step to the start of that step's instance, NamedBy
	// to the step's name.
	Named   map[string]time.Duration
	NamedBy map[string]string
	// Samples holds each site's verification polls from t0, in time order.
	Samples map[string][]Sample
	// Canaries holds every canary written, per site and product, sorted by sequence.
	Canaries map[Key][]CanaryWrite
	// Present is the final read: the sequence numbers present per site and product; a key
	// that is absent could not be read.
	Present map[Key]map[int]bool
	// Mismatches maps a site to the products whose final fingerprint differs from baseline.
	Mismatches map[string][]string
	// BrokenLinks maps a site to its unresolved cross-product references at the end,
	// BaseLinks to those at baseline, LinksUnreadable to the link checks that could not be
	// read at the end (each counts as one broken link).
	BrokenLinks     map[string]int
	BaseLinks       map[string]int
	LinksUnreadable map[string][]string
	// ProductUp maps an affected site's product to the start of its final passing streak of
	// health checks; absent: it never failed after t0; nil: it never came back.
	ProductUp map[Key]*time.Duration
	// Milestones holds each milestone's probe polls from t0, in time order.
	Milestones map[string][]Sample
	// Proofs holds, per site, when the reads of each proof that found its data equal to the
	// baseline began (the latest of its fingerprint and link reads), in time order: the proof
	// lag is measured from them.
	Proofs map[string][]time.Duration
}

// Measure computes the metrics and per-site rows of DESIGN.md from observations. Problems
// that make the drill inconclusive (a milestone already true at t0) are returned as text.
func Measure(o Observations) (result.Metrics, []result.Site, []string) {
	m := result.Metrics{
		SitesTotal: len(o.Sites),
		Resolution: result.Resolution{
			ProbeIntervalSeconds:  o.ProbeInterval.Seconds(),
			CanaryIntervalSeconds: o.CanaryInterval.Seconds(),
		},
	}
	affected := Affected(o)
	rows := make([]result.Site, 0, len(o.Sites))
	var rtos, lags []float64
	var lastR time.Duration
	allRecovered := true
	var seen []time.Duration // each affected site's first failed poll, from t0
	unseen := 0
	for _, s := range o.Sites {
		row := result.Site{ID: s, Affected: affected[s]}
		_, row.Named = o.Named[s]
		for _, p := range o.Mismatches[s] {
			row.IntegrityMismatches = append(row.IntegrityMismatches, p)
			m.IntegrityMismatches++
		}
		row.LinksUnreadable = o.LinksUnreadable[s]
		row.BrokenLinks = o.BrokenLinks[s] + len(row.LinksUnreadable)
		m.BrokenLinks += row.BrokenLinks
		for _, c := range row.LinksUnreadable {
			m.UnreadableLinks = append(m.UnreadableLinks, s+"/"+c)
		}
		lost, unreadable := lostWrites(o, s)
		row.LostWrites, row.Unreadable = lost, unreadable
		if !row.Affected {
			m.CollateralLostWrites += lost
			row.DowntimeSeconds = downtime(o.Samples[s], o.T0, o.End).Seconds()
			m.CollateralDowntimeSiteSeconds += row.DowntimeSeconds
			rows = append(rows, row)
			continue
		}
		m.SitesAffected++
		m.LostWrites += lost
		h := hitInstant(o, s)
		row.HitSeconds = secs(h)
		row.Why = why(o, s)
		row.ProductRecoveredSeconds = productsUp(o, s)
		if f, ok := firstFailure(o.Samples[s], o.T0); ok {
			det := (f.At - h).Seconds()
			row.DetectSeconds = &det
			seen = append(seen, f.At-o.T0)
		} else {
			unseen++
		}
		if r, ok := recoveryInstant(o.Samples[s], o.InjectEnd, o.End); ok && endStateGood(o, s) {
			m.SitesRecovered++
			row.RecoveredSeconds = secs(r)
			if lag, ok := ProofLag(o.Samples[s], o.Proofs[s], o.InjectEnd); ok {
				row.ProofLagSeconds = secs(lag)
				lags = append(lags, lag.Seconds())
			}
			rto := (r - h).Seconds()
			row.RTOSeconds = &rto
			rtos = append(rtos, rto)
			lastR = max(lastR, r)
		} else {
			allRecovered = false
			rtos = append(rtos, math.Inf(1))
		}
		row.Products = dataLoss(o, s, h)
		for _, pl := range row.Products {
			w := pl.WindowSeconds
			if row.RPOSeconds == nil || w > *row.RPOSeconds {
				row.RPOSeconds = &w
			}
			row.RPOBounded = row.RPOBounded || pl.Bounded
		}
		if row.RPOSeconds != nil && (m.RPOSeconds == nil || *row.RPOSeconds > *m.RPOSeconds) {
			m.RPOSeconds = row.RPOSeconds
		}
		m.RPOBounded = m.RPOBounded || row.RPOBounded
		rows = append(rows, row)
	}
	if m.SitesAffected > 0 {
		m.RTOSeconds, m.SiteRTOP50Seconds, m.SiteRTOP95Seconds = SiteRTOs(rtos)
		if allRecovered {
			m.IncidentSeconds = secs(lastR - o.T0)
		}
	}
	if len(seen) > 0 {
		m.DetectSeconds = secs(slices.Min(seen))
		if unseen == 0 {
			m.ExtentSeconds = secs(slices.Max(seen))
		}
	}
	m.CollateralDowntimeSeconds = unionDowntime(o, affected).Seconds()
	m.Resolution.PollGapSeconds = maxPollGap(o.Samples).Seconds()
	if len(lags) > 0 {
		slices.Sort(lags)
		m.Resolution.ProofLagP50Seconds = result.Seconds(Percentile(lags, 50))
		m.Resolution.ProofLagP95Seconds = result.Seconds(Percentile(lags, 95))
		m.Resolution.ProofLagMaxSeconds = result.Seconds(lags[len(lags)-1])
	}
	var problems []string
	m.Milestones, problems = milestones(o)
	return m, rows, problems
}

func secs(d time.Duration) *float64 { v := d.Seconds(); return &v }

// Affected is the set of sites named by a fault step plus every site whose probes failed
// between t0 and one probe interval after the inject window (the detection window, closed by
// time).
func Affected(o Observations) map[string]bool {
	out := map[string]bool{}
	for s := range o.Named {
		out[s] = true
	}
	for s, ss := range o.Samples {
		if failedInWindow(ss, o.T0, DetectionEnd(o.InjectEnd, o.ProbeInterval)) {
			out[s] = true
		}
	}
	return out
}

// DetectionEnd is when the detection window closes: one probe interval after the inject window.
func DetectionEnd(injectEnd, probe time.Duration) time.Duration { return injectEnd + probe }

// failedInWindow reports whether a probe saw the site fail in a poll begun in [t0, end].
func failedInWindow(ss []Sample, t0, end time.Duration) bool {
	for _, x := range ss {
		if x.At >= t0 && x.At <= end && x.SeenFailing() {
			return true
		}
	}
	return false
}

// endStateGood reports whether a site ends as it began: fingerprints equal to the baseline, no
// more broken links than at baseline, every link check readable.
func endStateGood(o Observations, s string) bool {
	return len(o.Mismatches[s]) == 0 && len(o.LinksUnreadable[s]) == 0 && o.BrokenLinks[s] <= o.BaseLinks[s]
}

// why says why an affected site is affected: the naming fault step, its first failed poll.
func why(o Observations, s string) *result.Why {
	w := &result.Why{NamedBy: o.NamedBy[s]}
	if at, ok := o.Named[s]; ok {
		w.NamedSeconds = secs(at)
	}
	if f, ok := firstFailure(o.Samples[s], o.T0); ok {
		w.FailedSeconds, w.Product, w.Error = secs(f.At), f.Product, f.Reason
	}
	return w
}

// productsUp is each product's recovery instant of an affected site, for the recovery matrix.
func productsUp(o Observations, s string) map[string]*float64 {
	var out map[string]*float64
	for k, at := range o.ProductUp {
		if k.Site != s {
			continue
		}
		if out == nil {
			out = map[string]*float64{}
		}
		out[k.Product] = nil
		if at != nil {
			out[k.Product] = secs(*at)
		}
	}
	return out
}

// hitInstant is h(s): the earlier of the naming fault instance's start and the first failed
// probe after t0.
func hitInstant(o Observations, s string) time.Duration {
	at, named := o.Named[s]
	h, _ := Hit(at, named, o.Samples[s], o.T0)
	return h
}

// Hit is h(s) from the start of the naming fault instance (when named) and the site's polls:
// the earlier of that start and its first failed poll after t0; ok false when neither exists.
func Hit(namedAt time.Duration, named bool, ss []Sample, t0 time.Duration) (time.Duration, bool) {
	if f, ok := firstFailure(ss, t0); ok && (!named || f.At < namedAt) {
		return f.At, true
	}
	return namedAt, named
}

// firstFailure is the first poll after t0 in which a probe saw the site fail.
func firstFailure(ss []Sample, t0 time.Duration) (Sample, bool) {
	for _, x := range ss {
		if x.At >= t0 && x.SeenFailing() {
			return x, true
		}
	}
	return Sample{}, false
}

// recoveryInstant is r(s): the start of the final passing streak, which must reach the end of
// verification; a streak that began inside the inject window counts from the first poll after
// it.
func recoveryInstant(ss []Sample, injectEnd, end time.Duration) (time.Duration, bool) {
	if len(ss) == 0 || !ss[len(ss)-1].Pass {
		return 0, false
	}
	i := len(ss) - 1
	for i > 0 && ss[i-1].Pass && ss[i-1].At > injectEnd {
		i--
	}
	if ss[i].At <= injectEnd {
		return 0, false // no poll after the inject window
	}
	return ss[i].At, true
}

// healthyStreak is the start of a site's final healthy streak: the first of the trailing polls
// in which no check failed (passing, or healthy and waiting on a proof), counted from the first
// poll after the inject window. A proof that found the data different is a failed check: the
// streak after it starts with the next poll.
func healthyStreak(ss []Sample, injectEnd time.Duration) (time.Duration, bool) {
	if len(ss) == 0 || ss[len(ss)-1].SeenFailing() {
		return 0, false
	}
	i := len(ss) - 1
	for i > 0 && !ss[i-1].SeenFailing() && ss[i-1].At > injectEnd {
		i--
	}
	if ss[i].At <= injectEnd {
		return 0, false
	}
	return ss[i].At, true
}

// ProofLag is how long a recovered site waited for its proof: from the first poll of its final
// healthy streak to the start of the reads of the proof that verified it (the first passing
// proof begun in that streak). ok is false when no proof was read in the streak (a site that
// needed none). Its recovered instant is the later of the two, so the lag is part of the
// resolution of r(s): the site may have been whole that much earlier.
func ProofLag(ss []Sample, proofs []time.Duration, injectEnd time.Duration) (time.Duration, bool) {
	from, ok := healthyStreak(ss, injectEnd)
	if !ok {
		return 0, false
	}
	for _, p := range proofs {
		if p >= from {
			return p - from, true
		}
	}
	return 0, false
}

// SiteRTOs summarises the affected sites' RTOs in seconds, an unrecovered site counting as
// +Inf: the worst (rto_seconds), nil when any site did not recover, and the nearest-rank p50
// and p95, each nil when the site at that rank did not recover. This is the only place the
// drill's RTO is taken from the sites' RTOs.
func SiteRTOs(rtos []float64) (worst, p50, p95 *float64) {
	if len(rtos) == 0 {
		return nil, nil, nil
	}
	sorted := slices.Sorted(slices.Values(rtos))
	return result.Seconds(sorted[len(sorted)-1]), result.Seconds(Percentile(sorted, 50)), result.Seconds(Percentile(sorted, 95))
}

// Percentile returns the p-th percentile of sorted values by the nearest-rank method: the
// site RTO percentiles and the probe rounds' durations are both read this way.
func Percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	rank := int(math.Ceil(p / 100 * float64(n)))
	return sorted[max(rank, 1)-1]
}

// lostWrites counts a site's acknowledged canaries, of any time, missing at the end, and lists
// the products whose canaries could not be read (all of theirs count as missing).
func lostWrites(o Observations, s string) (int, []string) {
	lost := 0
	var unreadable []string
	for k, ws := range o.Canaries {
		if k.Site != s {
			continue
		}
		present, ok := o.Present[k]
		if !ok {
			unreadable = append(unreadable, k.Product)
		}
		for _, w := range ws {
			if w.Acked && !present[w.Seq] {
				lost++
			}
		}
	}
	sort.Strings(unreadable)
	return lost, unreadable
}

// dataLoss computes each product's data-loss window of site s hit at h: L is the last canary
// acknowledged before h, S the newest canary acknowledged before h present at the end (last and
// newest by acknowledgement instant: writes in flight together can be acknowledged out of
// order); the window is ack(L) − ack(S), and when none survived ack(L) − ack(seq 0), bounded.
func dataLoss(o Observations, s string, h time.Duration) map[string]result.ProductLoss {
	out := map[string]result.ProductLoss{}
	for k, ws := range o.Canaries {
		if k.Site != s {
			continue
		}
		present := o.Present[k]
		var L, S, zero *CanaryWrite
		lost := 0
		for i := range ws {
			w := &ws[i]
			if !w.Acked {
				continue
			}
			if w.Seq == 0 {
				zero = w
			}
			if !present[w.Seq] {
				lost++
			}
			if w.At >= h {
				continue
			}
			if L == nil || w.At > L.At {
				L = w
			}
			if present[w.Seq] && (S == nil || w.At > S.At) {
				S = w
			}
		}
		pl := result.ProductLoss{LostWrites: lost}
		switch {
		case L == nil:
		case S != nil:
			pl.LastAckedSeq = L.Seq
			seq := S.Seq
			pl.SurvivingSeq = &seq
			pl.WindowSeconds = (L.At - S.At).Seconds()
		default:
			pl.LastAckedSeq = L.Seq
			pl.Bounded = true
			if zero != nil {
				pl.WindowSeconds = (L.At - zero.At).Seconds()
			}
		}
		out[k.Product] = pl
	}
	return out
}

// downtime is the time a site spent failing its polls between from and end: each failed poll
// counts until the next poll (or end).
func downtime(ss []Sample, from, end time.Duration) time.Duration {
	var total time.Duration
	for _, iv := range failingIntervals(ss, from, end) {
		total += iv[1] - iv[0]
	}
	return total
}

func failingIntervals(ss []Sample, from, end time.Duration) [][2]time.Duration {
	var out [][2]time.Duration
	for i, x := range ss {
		if x.At < from || x.Pass {
			continue
		}
		next := end
		if i+1 < len(ss) {
			next = ss[i+1].At
		}
		if next > x.At {
			out = append(out, [2]time.Duration{x.At, next})
		}
	}
	return out
}

// unionDowntime is the wall-clock time during which any unaffected site failed.
func unionDowntime(o Observations, affected map[string]bool) time.Duration {
	var ivs [][2]time.Duration
	for s, ss := range o.Samples {
		if !affected[s] {
			ivs = append(ivs, failingIntervals(ss, o.T0, o.End)...)
		}
	}
	sort.Slice(ivs, func(i, j int) bool { return ivs[i][0] < ivs[j][0] })
	var total, curStart, curEnd time.Duration
	open := false
	for _, iv := range ivs {
		if open && iv[0] <= curEnd {
			curEnd = max(curEnd, iv[1])
			continue
		}
		if open {
			total += curEnd - curStart
		}
		curStart, curEnd, open = iv[0], iv[1], true
	}
	if open {
		total += curEnd - curStart
	}
	return total
}

// milestones returns each milestone's seconds from t0 (nil when never reached after being seen
// false), and a problem for each one already true at t0.
func milestones(o Observations) (map[string]*float64, []string) {
	if len(o.Milestones) == 0 {
		return nil, nil
	}
	out := map[string]*float64{}
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(o.Milestones)) {
		ss := o.Milestones[name]
		out[name] = nil
		seenFalse := false
		for i, x := range ss {
			if x.At < o.T0 {
				continue
			}
			if x.Pass && i == firstAtOrAfter(ss, o.T0) {
				problems = append(problems, "milestone "+name+" was already true at t0: it is misdeclared")
				break
			}
			if !x.Pass {
				seenFalse = true
				continue
			}
			if seenFalse {
				out[name] = secs(x.At - o.T0)
				break
			}
		}
	}
	return out, problems
}

func firstAtOrAfter(ss []Sample, t time.Duration) int {
	for i, x := range ss {
		if x.At >= t {
			return i
		}
	}
	return -1
}

// maxPollGap is the largest time between two consecutive polls of one site.
func maxPollGap(samples map[string][]Sample) time.Duration {
	var gap time.Duration
	for _, ss := range samples {
		for i := 1; i < len(ss); i++ {
			gap = max(gap, ss[i].At-ss[i-1].At)
		}
	}
	return gap
}
