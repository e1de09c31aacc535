package harness

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// baselineIntervals is how many canary intervals every site and product must have
// acknowledged before the fault, or the drill is inconclusive.
const baselineIntervals = 8

// measurement holds what a drill measures: baseline, canaries, verification polls.
type measurement struct {
	mu              sync.Mutex
	canaries        *canaries
	ver             *verifier
	baseFP          map[string]map[string]string
	baseLinks       map[string]int
	recoverErr      error
	recoverDeadline time.Duration
	runbookEnd      time.Duration
	runbookFinished bool
	verifyEnd       time.Duration
	present         map[Key]map[int]bool
	readErr         error
	finalFP         map[string][]string
	finalLinks      map[string]int
}

func (m *measurement) stopCanaries() {
	if m.ver != nil && m.ver.stop != nil {
		m.ver.stop()
		<-m.ver.done
	}
	if m.canaries != nil {
		m.canaries.stopAndWait()
	}
}

func (m *measurement) runbookDone(at time.Duration) {
	m.mu.Lock()
	m.runbookEnd, m.runbookFinished = at, true
	m.mu.Unlock()
}

func (m *measurement) sameAsBaseline(site string, fps map[string]string) bool {
	base := m.baseFP[site]
	for p, fp := range base {
		if fps[p] != fp {
			return false
		}
	}
	return true
}

// mismatches lists the products whose fingerprint differs from the baseline.
func (m *measurement) mismatches(site string, fps map[string]string) []string {
	var out []string
	for _, p := range slices.Sorted(maps.Keys(m.baseFP[site])) {
		if fps[p] != m.baseFP[site][p] {
			out = append(out, p)
		}
	}
	return out
}

// startVerifier starts polling from t0.
func (m *measurement) startVerifier(ctx context.Context, d *drill) {
	vctx, cancel := context.WithCancel(ctx)
	m.ver = &verifier{
		d: d, m: m, stop: cancel, done: make(chan struct{}), roundEnded: make(chan struct{}),
		samples: map[string][]Sample{}, milestones: map[string][]Sample{}, verified: map[string]bool{},
	}
	for _, s := range d.sites {
		m.ver.verified[s] = true // verified at baseline
	}
	go m.ver.run(vctx)
}

// affectedNow is the affected set once the detection window has closed: the named sites plus
// those that failed a poll in the window (the rule of Affected).
func (m *measurement) affectedNow(d *drill) []string {
	set := map[string]bool{}
	d.mu.Lock()
	for s := range d.named {
		set[s] = true
	}
	t0, injEnd := d.t0, d.injEnd
	d.mu.Unlock()
	for _, s := range m.ver.failedInWindow(t0, injEnd) {
		set[s] = true
	}
	var out []string
	for _, s := range d.sites { // in site order
		if set[s] {
			out = append(out, s)
		}
	}
	return out
}

// baseline takes fingerprints and link counts, starts the canary writers, checks the
// steady-state probes and waits until every site and product has acknowledged canaries over
// baselineIntervals intervals.
func (d *drill) baseline(ctx context.Context, m *measurement) error {
	fps, links, err := d.survey(ctx, false)
	if err != nil {
		return infra(fmt.Errorf("baseline: %w", err))
	}
	m.baseFP, m.baseLinks = fps, links
	m.canaries.start(ctx)
	for _, p := range d.sc.SteadyState {
		if _, err := d.check(ctx, *p, d.data(), ""); err != nil {
			return infra(fmt.Errorf("steady-state probe %s does not pass: %w", p.Name, err))
		}
	}
	iv := m.canaries.interval
	deadline := d.clock.Now() + 4*baselineIntervals*iv + 30*time.Second
	for {
		short := 0
		for _, s := range d.sites {
			for p := range d.stack.Products {
				if m.canaries.ackedCount(Key{s, p}) < baselineIntervals {
					short++
				}
			}
		}
		if short == 0 {
			return nil
		}
		if d.clock.Now() > deadline {
			return infra(fmt.Errorf("%d site-products lack %d acknowledged canaries before the fault", short, baselineIntervals))
		}
		if err := d.clock.Sleep(ctx, iv); err != nil {
			return err
		}
	}
}

// survey returns every site's fingerprints and broken-link count. Strict, it fails on the
// first site it cannot read (the baseline); lenient, it records what it can (the end, when
// sites may be gone: an unreadable fingerprint is then a mismatch).
func (d *drill) survey(ctx context.Context, lenient bool) (map[string]map[string]string, map[string]int, error) {
	fps := map[string]map[string]string{}
	links := map[string]int{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(pollConcurrency)
	for _, s := range d.sites {
		g.Go(func() error {
			f, err := d.fingerprints(gctx, s, lenient)
			if err != nil {
				return err
			}
			b, err := d.brokenLinks(gctx, s)
			if err != nil && !lenient {
				return err
			}
			mu.Lock()
			fps[s], links[s] = f, b
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	if lenient && ctx.Err() != nil {
		err = ctx.Err()
	}
	return fps, links, err
}

// verify waits until every affected site has passed settle polls in a row after the runbook,
// or nothing has changed for max(settle, 3) poll rounds after it, or the recovery timeout
// ends; then it
// stops the canaries, reads them back and surveys every site once more.
func (d *drill) verify(ctx context.Context, m *measurement) error {
	settle := max(d.sc.Intervals.Settle, 1)
	probe := d.sc.Intervals.Probe
	quiet := max(settle, 3) // rounds, not time: a round of many sites outlasts the interval
	for {
		m.mu.Lock()
		done, end := m.runbookFinished, m.runbookEnd
		m.mu.Unlock()
		now := d.clock.Now()
		if now >= m.recoverDeadline {
			d.tl.Note(PhaseVerify, "note", "recovery timeout reached", "", "timeout")
			break
		}
		if done && m.ver.settled(d.affected, settle) && now > end {
			break
		}
		if done && m.ver.quietRounds(end) >= quiet {
			d.tl.Note(PhaseVerify, "note", "nothing changed after the runbook", "", "ok")
			break
		}
		if err := d.clock.Sleep(ctx, probe); err != nil {
			m.stopCanaries()
			return err
		}
	}
	m.ver.stop()
	<-m.ver.done
	m.verifyEnd = d.clock.Now()
	m.canaries.stopAndWait()
	m.present, m.readErr = m.canaries.readBack(ctx)
	fps, links, err := d.survey(ctx, true)
	m.finalFP, m.finalLinks = map[string][]string{}, links
	for s, f := range fps {
		if mm := m.mismatches(s, f); len(mm) > 0 {
			m.finalFP[s] = mm
		}
	}
	return err
}
