package harness

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/recovery"
	"github.com/drill-dev/drill/harness/transport"

	"github.com/drill-dev/drill/result"
)

// fingerprintWorkers bounds the fingerprint and link reads that prove a healthy site's data
// equal to the baseline; they run off the health round.
const fingerprintWorkers = 4

// verifier polls the health of every site in every product on a fixed schedule (one round per
// probe interval) from t0 until stopped, proves the data of each healthy site that is not yet
// verified on its own workers, and polls the milestones once the affected set is known.
//
// A site is verified at baseline. Naming it in a fault, or a failed health check, makes it
// unverified; it is verified again only by fingerprints and links read after the inject window
// that equal the baseline. A healthy site that is not verified does not pass.
type verifier struct {
	d          *drill
	m          *measurement
	mu         sync.Mutex
	samples    map[string][]recovery.Sample
	milestones map[string][]recovery.Sample
	verified   map[string]bool
	epoch      map[string]int           // bumped by every health failure: a proof begun before is void
	proving    map[string]bool          // a fingerprint read is queued or running
	provedAt   map[string]time.Duration // the instant of the proof that last verified a site
	prod       map[recovery.Key]*prodState
	// roundStarts lists when each completed round began; roundEnded is closed, and replaced,
	// each time a round completes; inFlight are the starts of the rounds in progress.
	roundStarts []time.Duration
	roundTimes  []time.Duration // each completed round's duration
	cpu0        float64         // process CPU time when polling began
	roundEnded  chan struct{}
	inFlight    []time.Duration
	proofs      chan proof
	stop        context.CancelFunc
	done        chan struct{}
}

// prodState follows one product of one site: whether its last check passed and since when.
type prodState struct {
	up       bool
	since    time.Duration
	wentDown bool // failed after t0
}

// proof is a request to prove a healthy site's data, valid while its epoch holds.
type proof struct {
	site  string
	epoch int
}

func newVerifier(d *drill, m *measurement, stop context.CancelFunc) *verifier {
	v := &verifier{
		d: d, m: m, stop: stop, done: make(chan struct{}), roundEnded: make(chan struct{}), cpu0: processCPU(),
		samples: map[string][]recovery.Sample{}, milestones: map[string][]recovery.Sample{},
		verified: map[string]bool{}, epoch: map[string]int{}, proving: map[string]bool{}, provedAt: map[string]time.Duration{},
		prod: map[recovery.Key]*prodState{}, proofs: make(chan proof, len(d.sites)+1),
	}
	for _, s := range d.sites {
		v.verified[s] = true // verified at baseline
		for _, p := range d.products {
			v.prod[recovery.Key{Site: s, Product: p}] = &prodState{up: true}
		}
	}
	return v
}

// run polls on a fixed schedule (see schedule): a round starts every probe interval, while
// up to roundsInFlight rounds probe at once.
func (v *verifier) run(ctx context.Context) {
	defer close(v.done)
	var wg sync.WaitGroup
	defer wg.Wait()
	for range fingerprintWorkers {
		wg.Go(func() { _ = v.d.safely("fingerprint proofs", func() error { v.prove(ctx); return nil }) })
	}
	// Milestones are polled on a schedule of their own (from the moment the affected set is
	// known), so that a slow milestone check does not hold back the sites' polls.
	wg.Go(func() {
		_ = v.d.safely("milestone polls", func() error {
			schedule(ctx, v.d.clock, v.d.sc.Intervals.Probe, 1, nil, func(ctx context.Context, _ time.Duration) map[string]recovery.Sample {
				return v.checkMilestones(ctx)
			}, func(_ time.Duration, ms map[string]recovery.Sample) {
				v.mu.Lock()
				defer v.mu.Unlock()
				v.recordMilestones(ms)
			})
			return nil
		})
	})
	_ = v.d.safely("verification polls", func() error {
		schedule(ctx, v.d.clock, v.d.sc.Intervals.Probe, roundsInFlight, v.begin, v.probe, v.finish)
		return nil
	})
}

// healthTimeout bounds one health check: a site whose health takes longer than two probe
// intervals (at least 2s) to answer is failing, as far as its users can tell.
func (v *verifier) healthTimeout() time.Duration {
	return max(2*v.d.sc.Intervals.Probe, 2*time.Second)
}

// roundAnswers is what one round's checks answered, per product and site, and when the last
// of them came in.
type roundAnswers struct {
	answers map[string]map[string]answer
	in      time.Duration
}

// begin notes a round in progress.
func (v *verifier) begin(start time.Duration) {
	v.mu.Lock()
	v.inFlight = append(v.inFlight, start)
	v.mu.Unlock()
}

// probe checks every product of every site once, each product's sites at once (its batch
// form) or spread over the probe pool.
func (v *verifier) probe(ctx context.Context, start time.Duration) roundAnswers {
	answers := make(map[string]map[string]answer, len(v.d.products))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range v.d.products {
		wg.Go(func() {
			a := v.d.healthOf(ctx, p, v.d.sites, v.healthTimeout())
			mu.Lock()
			answers[p] = a
			mu.Unlock()
		})
	}
	wg.Wait()
	return roundAnswers{answers, v.d.clock.Now()}
}

// finish records a round, in round order: each site's sample. (An
// interrupted round is not finished: it is not a measurement.)
func (v *verifier) finish(start time.Duration, r roundAnswers) {
	for _, s := range v.d.sites {
		v.record(s, r.answers)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.inFlight = slices.DeleteFunc(v.inFlight, func(t time.Duration) bool { return t == start })
	v.roundStarts = append(v.roundStarts, start)
	v.roundTimes = append(v.roundTimes, r.in-start)
	close(v.roundEnded)
	v.roundEnded = make(chan struct{})
}

// record turns one round's answers for site s into its sample, and asks for a proof of its
// data when it is healthy but not verified.
func (v *verifier) record(s string, answers map[string]map[string]answer) {
	v.d.mu.Lock()
	injEnd, injDone := v.d.injEnd, v.d.injDone
	v.d.mu.Unlock()
	x := recovery.Sample{Pass: true}
	failAt := time.Duration(-1)
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range v.d.products {
		a := answers[p][s]
		ps := v.prod[recovery.Key{Site: s, Product: p}]
		if a.Err != nil {
			if failAt < 0 || a.At < failAt {
				failAt, x.Product, x.Reason = a.At, p, v.d.redact(a.Err.Error())
			}
			ps.up, ps.wentDown = false, true
			continue
		}
		x.At = max(x.At, a.At)
		if !ps.up {
			ps.up, ps.since = true, a.At
		}
	}
	switch {
	case failAt >= 0:
		x.Pass, x.At = false, failAt
		v.verified[s] = false
		v.epoch[s]++
	case v.verified[s] && x.At < v.provedAt[s]:
		// This poll began before the reads of the proof that verified the site (its round was
		// recorded after the proof): at its instant the site was still waiting on that proof.
		x.Pass, x.Unverified, x.Reason = false, true, reasonProving
		v.insert(s, x)
		return
	case v.verified[s]:
	case v.proving[s]:
		x.Pass, x.Unverified, x.Reason = false, true, reasonProving // the proof's verdict will settle it
	case injDone && x.At > injEnd:
		x.Pass, x.Unverified, x.Reason = false, true, reasonProving
		v.proving[s] = true
		v.proofs <- proof{s, v.epoch[s]}
	default:
		x.Pass, x.Unverified, x.Reason = false, true, "healthy; data not yet proven since the fault"
	}
	v.append(s, x)
}

// append adds a sample to a site's series, never before the previous one. v.mu must be held.
func (v *verifier) append(s string, x recovery.Sample) {
	ss := v.samples[s]
	if n := len(ss); n > 0 {
		x.At = max(x.At, ss[n-1].At)
	}
	v.samples[s] = append(ss, x)
}

// insert adds a sample to a site's series at its own instant, after those at or before it.
// v.mu must be held.
func (v *verifier) insert(s string, x recovery.Sample) {
	v.samples[s] = insertSample(v.samples[s], x)
}

// insertSample inserts x into ss, ordered by instant, after the samples at or before x.At.
func insertSample(ss []recovery.Sample, x recovery.Sample) []recovery.Sample {
	i, _ := slices.BinarySearchFunc(ss, x.At, func(y recovery.Sample, at time.Duration) int { return cmp.Compare(y.At, at+1) })
	return slices.Insert(ss, i, x)
}

// reasonProving is the reason of a healthy site's poll while its data is being proven.
const reasonProving = "healthy; fingerprints and links being read"

// settle records a proof's verdict x in s's series at its own instant, after the polls made
// before its reads began; the polls made while it was read, healthy and waiting on it, take
// its verdict. It is called only while the proof's epoch holds, so no poll since it was asked
// for failed. It returns the instant the proof is recorded at. v.mu must be held.
func (v *verifier) settle(s string, x recovery.Sample) time.Duration {
	ss := v.samples[s]
	i := len(ss)
	for i > 0 && ss[i-1].Unverified && ss[i-1].Reason == reasonProving && ss[i-1].At >= x.At {
		i--
	}
	for j := i; j < len(ss); j++ {
		ss[j] = recovery.Sample{At: ss[j].At, Pass: x.Pass, Product: x.Product, Reason: x.Reason}
	}
	if i > 0 {
		x.At = max(x.At, ss[i-1].At)
	}
	v.samples[s] = slices.Insert(ss, i, x)
	return x.At
}

// unverify marks a site named by a fault: its data must be proven again.
func (v *verifier) unverify(s string) {
	v.mu.Lock()
	v.verified[s] = false
	v.epoch[s]++
	v.mu.Unlock()
}

// prove reads the fingerprints and links of the sites queued for a proof, as many at once as
// are waiting, and records each site's verdict as its sample, stamped when the reads began.
func (v *verifier) prove(ctx context.Context) {
	for {
		var batch []proof
		select {
		case <-ctx.Done():
			return
		case p := <-v.proofs:
			batch = append(batch, p)
		}
	more:
		for {
			select {
			case p := <-v.proofs:
				batch = append(batch, p)
			default:
				break more
			}
		}
		v.proveBatch(ctx, batch)
	}
}

func (v *verifier) proveBatch(ctx context.Context, batch []proof) {
	sites := make([]string, len(batch))
	for i, p := range batch {
		sites[i] = p.site
	}
	fps := v.d.fingerprintsAll(ctx, sites)
	if ctx.Err() != nil {
		return
	}
	for _, p := range batch {
		at, fp := fps.at[p.site], fps.values[p.site]
		linksAt := v.d.clock.Now()
		broken, unreadable := v.d.brokenLinks(ctx, p.site)
		x := recovery.Sample{Pass: true, At: max(at, linksAt)}
		if mm := v.m.mismatches(p.site, fp); len(mm) > 0 {
			x = recovery.Sample{At: at, Product: mm[0], Reason: "fingerprint differs from the baseline"}
			if err := fps.errs[p.site][mm[0]]; err != nil {
				x.Reason = "fingerprint unreadable: " + v.d.redact(err.Error())
			}
		} else if len(unreadable) > 0 || broken > v.m.baseLinks[p.site] {
			x = recovery.Sample{At: linksAt, Product: "links", Reason: fmt.Sprintf("%d broken links, %d unreadable link checks", broken, len(unreadable))}
		}
		v.mu.Lock()
		v.proving[p.site] = false
		if v.epoch[p.site] == p.epoch { // else a health failure since voids it
			v.verified[p.site] = x.Pass
			if at := v.settle(p.site, x); x.Pass {
				v.provedAt[p.site] = at
			}
		}
		v.mu.Unlock()
	}
}

// pollMilestones checks every milestone once and records the samples, from the moment the
// affected set is known (so every evaluation sees the same .Sites).
func (v *verifier) pollMilestones(ctx context.Context) {
	ms := v.checkMilestones(ctx)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.recordMilestones(ms)
}

// checkMilestones checks every milestone once, and returns nothing before the affected set is
// known or when ctx ends.
func (v *verifier) checkMilestones(ctx context.Context) map[string]recovery.Sample {
	v.d.mu.Lock()
	known := v.d.affected != nil
	v.d.mu.Unlock()
	if !known || len(v.d.sc.Milestones) == 0 {
		return nil
	}
	data := v.d.data()
	out := map[string]recovery.Sample{}
	for _, p := range v.d.sc.Milestones {
		at := v.d.clock.Now()
		_, err := v.d.plane.Check(ctx, *p, data, "")
		if ctx.Err() != nil {
			return nil
		}
		x := recovery.Sample{At: at, Pass: err == nil}
		if err != nil {
			x.Reason = v.d.redact(err.Error())
		}
		out[p.Name] = x
	}
	return out
}

// recordMilestones adds milestone samples to their series, in the order of their instants
// (the first evaluation and a round's may come in either order). v.mu must be held.
func (v *verifier) recordMilestones(ms map[string]recovery.Sample) {
	for name, x := range ms {
		v.milestones[name] = insertSample(v.milestones[name], x)
	}
}

// settled reports whether every site in sites ends in a passing streak holding at least n
// polls begun after the instant after.
func (v *verifier) settled(sites []string, n int, after time.Duration) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, s := range sites {
		ss := v.samples[s]
		count := 0
		for i := len(ss) - 1; i >= 0 && ss[i].Pass && ss[i].At > after; i-- {
			count++
		}
		if count < n {
			return false
		}
	}
	return true
}

// milestonesChecked reports whether every milestone has a check begun after the instant after.
func (v *verifier) milestonesChecked(after time.Duration) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range v.d.sc.Milestones {
		ss := v.milestones[p.Name]
		if len(ss) == 0 || ss[len(ss)-1].At <= after {
			return false
		}
	}
	return true
}

// samplesNow is a copy of every site's polls so far.
func (v *verifier) samplesNow() map[string][]recovery.Sample {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make(map[string][]recovery.Sample, len(v.samples))
	for s, ss := range v.samples {
		out[s] = slices.Clone(ss)
	}
	return out
}

// waitDetection waits until the detection window has closed, by time, and the rounds in
// progress then (whose checks may have begun inside it) have ended.
func (v *verifier) waitDetection(ctx context.Context, end time.Duration) error {
	if err := v.d.clock.Sleep(ctx, end-v.d.clock.Now()); err != nil {
		return err
	}
	for {
		v.mu.Lock()
		open := slices.ContainsFunc(v.inFlight, func(t time.Duration) bool { return t <= end })
		ended := v.roundEnded
		v.mu.Unlock()
		if !open {
			return nil
		}
		select {
		case <-ended:
		case <-v.done:
			return errors.New("verification stopped before the detection window closed")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// productsUp is, for each product of the given sites that failed after t0, the start of its
// final passing streak (nil: down at the end).
func (v *verifier) productsUp(sites []string) map[recovery.Key]*time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[recovery.Key]*time.Duration{}
	for _, s := range sites {
		for _, p := range v.d.products {
			ps := v.prod[recovery.Key{Site: s, Product: p}]
			switch {
			case !ps.wentDown:
			case ps.up:
				at := ps.since
				out[recovery.Key{Site: s, Product: p}] = &at
			default:
				out[recovery.Key{Site: s, Product: p}] = nil
			}
		}
	}
	return out
}

// fingerprintSet is what fingerprintsAll read: per site, each product's checksum, the errors of
// the products it could not read, and when the last read began.
type fingerprintSet struct {
	values map[string]map[string]string
	errs   map[string]map[string]error
	at     map[string]time.Duration
}

// fingerprintsAll reads every product's fingerprint of the given sites, products at once.
func (d *drill) fingerprintsAll(ctx context.Context, sites []string) fingerprintSet {
	fs := fingerprintSet{values: map[string]map[string]string{}, errs: map[string]map[string]error{}, at: map[string]time.Duration{}}
	for _, s := range sites {
		fs.values[s], fs.errs[s] = map[string]string{}, map[string]error{}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range d.products {
		wg.Go(func() {
			ans := d.fingerprintsOf(ctx, p, sites, transport.ProbeTimeout)
			mu.Lock()
			defer mu.Unlock()
			for s, a := range ans {
				fs.at[s] = max(fs.at[s], a.At)
				if a.Err != nil {
					fs.errs[s][p] = a.Err
					continue
				}
				fs.values[s][p] = a.Value
			}
		})
	}
	wg.Wait()
	return fs
}

// brokenLinks sums a site's unresolved cross-product references over the stack's link checks
// and names the checks that could not be read.
func (d *drill) brokenLinks(ctx context.Context, s string) (int, []string) {
	data := d.data()
	data.Site = s
	total := 0
	var unreadable []string
	for _, name := range slices.Sorted(maps.Keys(d.stack.Links)) {
		body, err := d.plane.Check(ctx, *d.stack.Links[name], data, "")
		var ans struct {
			Broken *int `json:"broken"`
		}
		if err == nil {
			err = json.Unmarshal(body, &ans)
		}
		if err == nil && ans.Broken == nil {
			err = errors.New(`want {"broken": N}`)
		}
		if err != nil {
			d.log.Debug("link check unreadable", "site", s, "check", name, "err", strings.TrimSpace(err.Error()))
			unreadable = append(unreadable, name)
			continue
		}
		total += *ans.Broken
	}
	return total, unreadable
}

// load is what the polls cost from t0 to now: rounds, their duration percentiles, and the
// process's CPU time over the wall time.
func (v *verifier) load() result.ProbeLoad {
	v.mu.Lock()
	times := slices.Clone(v.roundTimes)
	t0 := v.d.t0
	v.mu.Unlock()
	pl := result.ProbeLoad{Rounds: len(times), CPUSeconds: processCPU() - v.cpu0, WallSeconds: (v.d.clock.Now() - t0).Seconds()}
	if len(times) > 0 {
		secs := make([]float64, len(times))
		for i, t := range times {
			secs[i] = t.Seconds()
		}
		slices.Sort(secs)
		pl.RoundP50Seconds, pl.RoundP95Seconds = recovery.Percentile(secs, 50), recovery.Percentile(secs, 95)
	}
	if pl.WallSeconds > 0 {
		pl.CPUShare = pl.CPUSeconds / pl.WallSeconds
	}
	return pl
}
