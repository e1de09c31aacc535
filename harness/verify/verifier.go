package verify

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/clock"
	"github.com/drill-dev/drill/harness/recovery"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// Drill is what the verifier reads of the drill in progress. Each method is safe for
// concurrent use.
type Drill interface {
	// InjectEnd is when the inject window ended; done is false while it is open.
	InjectEnd() (end time.Duration, done bool)
	// AffectedKnown reports whether the affected set is fixed: milestones are polled from then.
	AffectedKnown() bool
	// Data is the template data of the drill's current state.
	Data() scenarios.TemplateData
}

// Config is what a Verifier is handed when verification starts, at t0.
type Config struct {
	Clock      clock.Clock
	Interval   time.Duration // the probe interval: a round starts every Interval
	T0         time.Duration
	Sites      []string // every site, in order
	Products   []string // every product, sorted
	Milestones []*scenarios.Probe
	Baseline   Baseline
	// Redact removes secrets from text bound for samples.
	Redact func(string) string
	// Safely runs fn on a goroutine of the verifier, turning a panic into its error.
	Safely func(where string, fn func() error) error
}

// Baseline is what the proofs compare a site's data with: its fingerprints and broken links
// before the fault.
type Baseline struct {
	FP    map[string]map[string]string // site -> product -> checksum
	Links map[string]int               // site -> broken links
}

// Mismatches lists the products whose fingerprint differs from the baseline, in product order.
func (b Baseline) Mismatches(site string, fps map[string]string) []string {
	var out []string
	for _, p := range slices.Sorted(maps.Keys(b.FP[site])) {
		if fps[p] != b.FP[site][p] {
			out = append(out, p)
		}
	}
	return out
}

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
type Verifier struct {
	cfg         Config
	drill       Drill
	reader      *Reader
	mu          sync.Mutex
	samples     map[string][]recovery.Sample
	milestones  map[string][]recovery.Sample
	verified    map[string]bool
	epoch       map[string]int             // bumped by every health failure: a proof begun before is void
	proving     map[string]bool            // a fingerprint read is queued or running
	provedAt    map[string]time.Duration   // the instant of the proof that last verified a site
	proofStarts map[string][]time.Duration // when the reads of each passing proof of a site began
	prod        map[recovery.Key]*prodState
	// roundStarts lists when each completed round began; roundEnded is closed, and replaced,
	// each time a round completes; inFlight are the starts of the rounds in progress.
	roundStarts []time.Duration
	roundTimes  []time.Duration // each completed round's duration
	cpu0        float64         // process CPU time when polling began
	roundEnded  chan struct{}
	inFlight    []time.Duration
	proofs      chan []proof // each round's sites to prove, asked for together
	pending     []proof      // the proofs the round being finished asks for
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

func New(cfg Config, drill Drill, reader *Reader) *Verifier {
	v := &Verifier{
		cfg: cfg, drill: drill, reader: reader, done: make(chan struct{}), roundEnded: make(chan struct{}), cpu0: ProcessCPU(),
		samples: map[string][]recovery.Sample{}, milestones: map[string][]recovery.Sample{},
		verified: map[string]bool{}, epoch: map[string]int{}, proving: map[string]bool{}, provedAt: map[string]time.Duration{}, proofStarts: map[string][]time.Duration{},
		prod: map[recovery.Key]*prodState{}, proofs: make(chan []proof, len(cfg.Sites)+1),
	}
	for _, s := range cfg.Sites {
		v.verified[s] = true // verified at baseline
		for _, p := range cfg.Products {
			v.prod[recovery.Key{Site: s, Product: p}] = &prodState{up: true}
		}
	}
	return v
}

// Start polls from now until Stop, on goroutines of its own.
func (v *Verifier) Start(ctx context.Context) {
	ctx, v.stop = context.WithCancel(ctx)
	go v.run(ctx)
}

// Stop ends the polls and waits until every one has ended. It may be called more than once.
func (v *Verifier) Stop() {
	v.stop()
	<-v.done
}

// Done is closed once the verifier has stopped.
func (v *Verifier) Done() <-chan struct{} { return v.done }

// RoundEnded is closed when the next round completes.
func (v *Verifier) RoundEnded() <-chan struct{} {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.roundEnded
}

// Samples is a copy of a site's polls so far.
func (v *Verifier) Samples(site string) []recovery.Sample {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.samples[site])
}

// Observed is every site's polls and every milestone's, once the verifier has stopped.
func (v *Verifier) Observed() (samples, milestones map[string][]recovery.Sample) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.samples, v.milestones
}

// Proofs is, per site, when the reads of each proof that found its data equal to the baseline
// began (recovery.Observations.Proofs), once the verifier has stopped.
func (v *Verifier) Proofs() map[string][]time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.proofStarts
}

// run polls on a fixed schedule (see schedule): a round starts every probe interval, while
// up to roundsInFlight rounds probe at once.
func (v *Verifier) run(ctx context.Context) {
	defer close(v.done)
	var wg sync.WaitGroup
	defer wg.Wait()
	for range fingerprintWorkers {
		wg.Go(func() { _ = v.cfg.Safely("fingerprint proofs", func() error { v.prove(ctx); return nil }) })
	}
	// Milestones are polled on a schedule of their own (from the moment the affected set is
	// known), so that a slow milestone check does not hold back the sites' polls.
	wg.Go(func() {
		_ = v.cfg.Safely("milestone polls", func() error {
			schedule(ctx, v.cfg.Clock, v.cfg.Interval, 1, nil, func(ctx context.Context, _ time.Duration) map[string]recovery.Sample {
				return v.checkMilestones(ctx)
			}, func(_ time.Duration, ms map[string]recovery.Sample) {
				v.mu.Lock()
				defer v.mu.Unlock()
				v.recordMilestones(ms)
			})
			return nil
		})
	})
	_ = v.cfg.Safely("verification polls", func() error {
		schedule(ctx, v.cfg.Clock, v.cfg.Interval, roundsInFlight, v.begin, v.probe, v.finish)
		return nil
	})
}

// healthTimeout bounds one health check: a site whose health takes longer than two probe
// intervals (at least 2s) to answer is failing, as far as its users can tell.
func (v *Verifier) healthTimeout() time.Duration {
	return max(2*v.cfg.Interval, 2*time.Second)
}

// roundAnswers is what one round's checks answered, per product and site, and when the last
// of them came in.
type roundAnswers struct {
	answers map[string]map[string]Answer
	in      time.Duration
}

// begin notes a round in progress.
func (v *Verifier) begin(start time.Duration) {
	v.mu.Lock()
	v.inFlight = append(v.inFlight, start)
	v.mu.Unlock()
}

// probe checks every product of every site once, each product's sites at once (its batch
// form) or spread over the probe pool.
func (v *Verifier) probe(ctx context.Context, start time.Duration) roundAnswers {
	answers := make(map[string]map[string]Answer, len(v.cfg.Products))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range v.cfg.Products {
		wg.Go(func() {
			a := v.reader.Health(ctx, p, v.cfg.Sites, v.healthTimeout())
			mu.Lock()
			answers[p] = a
			mu.Unlock()
		})
	}
	wg.Wait()
	return roundAnswers{answers, v.cfg.Clock.Now()}
}

// finish records a round, in round order: each site's sample. (An
// interrupted round is not finished: it is not a measurement.)
func (v *Verifier) finish(start time.Duration, r roundAnswers) {
	lost, why := 0, ""
	for _, s := range v.cfg.Sites {
		if l, reason := v.record(s, r.answers); l {
			lost, why = lost+1, reason
		}
	}
	if lost > 0 {
		v.reader.log.Debug("round: sites verified or being proven failed a poll", "round", start, "sites", lost, "last", why)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.pending) > 0 { // the round's proofs go out as one batch: one request per product
		v.proofs <- v.pending
		v.pending = nil
	}
	v.inFlight = slices.DeleteFunc(v.inFlight, func(t time.Duration) bool { return t == start })
	v.roundStarts = append(v.roundStarts, start)
	v.roundTimes = append(v.roundTimes, r.in-start)
	close(v.roundEnded)
	v.roundEnded = make(chan struct{})
}

// record turns one round's answers for site s into its sample, and asks for a proof of its
// data when it is healthy but not verified. It says whether the site failed while verified or
// being proven (its proof is lost), and why.
func (v *Verifier) record(s string, answers map[string]map[string]Answer) (lost bool, reason string) {
	injEnd, injDone := v.drill.InjectEnd()
	x := recovery.Sample{Pass: true}
	failAt := time.Duration(-1)
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range v.cfg.Products {
		a := answers[p][s]
		ps := v.prod[recovery.Key{Site: s, Product: p}]
		if a.Err != nil {
			if failAt < 0 || a.At < failAt {
				failAt, x.Product, x.Reason = a.At, p, v.cfg.Redact(a.Err.Error())
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
		lost, reason = v.verified[s] || v.proving[s], x.Product+": "+x.Reason
		v.verified[s] = false
		v.epoch[s]++
	case v.verified[s] && x.At < v.provedAt[s]:
		// This poll began before the reads of the proof that verified the site (its round was
		// recorded after the proof): at its instant the site was still waiting on that proof.
		x.Pass, x.Unverified, x.Reason = false, true, reasonProving
		v.insert(s, x)
		return false, ""
	case v.verified[s]:
	case v.proving[s]:
		x.Pass, x.Unverified, x.Reason = false, true, reasonProving // the proof's verdict will settle it
	case injDone && x.At > injEnd:
		x.Pass, x.Unverified, x.Reason = false, true, reasonProving
		v.proving[s] = true
		v.pending = append(v.pending, proof{s, v.epoch[s]})
	default:
		x.Pass, x.Unverified, x.Reason = false, true, "healthy; data not yet proven since the fault"
	}
	v.append(s, x)
	return lost, reason
}

// append adds a sample to a site's series, never before the previous one. v.mu must be held.
func (v *Verifier) append(s string, x recovery.Sample) {
	ss := v.samples[s]
	if n := len(ss); n > 0 {
		x.At = max(x.At, ss[n-1].At)
	}
	v.samples[s] = append(ss, x)
}

// insert adds a sample to a site's series at its own instant, after those at or before it.
// v.mu must be held.
func (v *Verifier) insert(s string, x recovery.Sample) {
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
func (v *Verifier) settle(s string, x recovery.Sample) time.Duration {
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

// Unverify marks a site named by a fault: its data must be proven again.
func (v *Verifier) Unverify(s string) {
	v.mu.Lock()
	v.verified[s] = false
	v.epoch[s]++
	v.mu.Unlock()
}

// PollMilestones checks every milestone once and records the samples, from the moment the
// affected set is known (so every evaluation sees the same .Sites).
func (v *Verifier) PollMilestones(ctx context.Context) {
	ms := v.checkMilestones(ctx)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.recordMilestones(ms)
}

// checkMilestones checks every milestone once, and returns nothing before the affected set is
// known or when ctx ends.
func (v *Verifier) checkMilestones(ctx context.Context) map[string]recovery.Sample {
	if !v.drill.AffectedKnown() || len(v.cfg.Milestones) == 0 {
		return nil
	}
	data := v.drill.Data()
	out := map[string]recovery.Sample{}
	for _, p := range v.cfg.Milestones {
		at := v.cfg.Clock.Now()
		_, err := v.reader.plane.Check(ctx, *p, data, "")
		if ctx.Err() != nil {
			return nil
		}
		x := recovery.Sample{At: at, Pass: err == nil}
		if err != nil {
			x.Reason = v.cfg.Redact(err.Error())
		}
		out[p.Name] = x
	}
	return out
}

// recordMilestones adds milestone samples to their series, in the order of their instants
// (the first evaluation and a round's may come in either order). v.mu must be held.
func (v *Verifier) recordMilestones(ms map[string]recovery.Sample) {
	for name, x := range ms {
		v.milestones[name] = insertSample(v.milestones[name], x)
	}
}

// Settled reports whether every site in sites ends in a passing streak holding at least n
// polls begun after the instant after.
func (v *Verifier) Settled(sites []string, n int, after time.Duration) bool {
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

// MilestonesChecked reports whether every milestone has a check begun after the instant after.
func (v *Verifier) MilestonesChecked(after time.Duration) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range v.cfg.Milestones {
		ss := v.milestones[p.Name]
		if len(ss) == 0 || ss[len(ss)-1].At <= after {
			return false
		}
	}
	return true
}

// SamplesNow is a copy of every site's polls so far.
func (v *Verifier) SamplesNow() map[string][]recovery.Sample {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make(map[string][]recovery.Sample, len(v.samples))
	for s, ss := range v.samples {
		out[s] = slices.Clone(ss)
	}
	return out
}

// WaitDetection waits until the detection window has closed, by time, and the rounds in
// progress then (whose checks may have begun inside it) have ended.
func (v *Verifier) WaitDetection(ctx context.Context, end time.Duration) error {
	if err := v.cfg.Clock.Sleep(ctx, end-v.cfg.Clock.Now()); err != nil {
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

// ProductsUp is, for each product of the given sites that failed after t0, the start of its
// final passing streak (nil: down at the end).
func (v *Verifier) ProductsUp(sites []string) map[recovery.Key]*time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[recovery.Key]*time.Duration{}
	for _, s := range sites {
		for _, p := range v.cfg.Products {
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

// Load is what the polls cost from t0 to now: rounds, their duration percentiles, and the
// process's CPU time over the wall time.
func (v *Verifier) Load() result.ProbeLoad {
	v.mu.Lock()
	times := slices.Clone(v.roundTimes)
	t0 := v.cfg.T0
	v.mu.Unlock()
	pl := result.ProbeLoad{Rounds: len(times), CPUSeconds: ProcessCPU() - v.cpu0, WallSeconds: (v.cfg.Clock.Now() - t0).Seconds()}
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
