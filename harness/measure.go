package harness

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/canary"
	"github.com/drill-dev/drill/harness/recovery"
	"github.com/drill-dev/drill/harness/verify"
	"github.com/drill-dev/drill/result"
)

// baselineIntervals is how many canary intervals every site and product must have
// acknowledged before the fault, or the drill is inconclusive.
const baselineIntervals = 8

// measurement holds what a drill measures: baseline, canaries, verification polls.
type measurement struct {
	mu              sync.Mutex
	canaries        *canary.Canaries
	ver             *verify.Verifier
	base            verify.Baseline
	recoverErr      error
	recoverDeadline time.Duration
	runbookEnd      time.Duration
	runbookFinished bool
	verifyEnd       time.Duration
	present         map[recovery.Key]map[int]bool
	readErr         error
	finalFP         map[string][]string
	finalLinks      map[string]int
	finalUnreadable map[string][]string
	probes          result.ProbeLoad
}

func (m *measurement) stopCanaries() {
	if m.ver != nil {
		m.ver.Stop()
	}
	if m.canaries != nil {
		m.canaries.StopAndWait()
	}
}

func (m *measurement) runbookDone(at time.Duration) {
	m.mu.Lock()
	m.runbookEnd, m.runbookFinished = at, true
	m.mu.Unlock()
}

// startVerifier starts polling from t0.
func (m *measurement) startVerifier(ctx context.Context, d *drill) {
	d.mu.Lock()
	t0 := d.t0
	d.mu.Unlock()
	m.ver = verify.New(verify.Config{
		Clock:      d.clock,
		Interval:   d.sc.Intervals.Probe,
		T0:         t0,
		Sites:      d.sites,
		Products:   d.products,
		Milestones: d.sc.Milestones,
		Baseline:   m.base,
		Redact:     d.redact,
		Safely:     d.safely,
	}, drillState{d}, d.reader)
	d.mu.Lock()
	d.ver = m.ver
	d.mu.Unlock()
	m.ver.Start(ctx)
}

// affectedNow is the affected set once the detection window has closed (recovery.Affected on
// the polls so far), in site order.
func (m *measurement) affectedNow(d *drill) []string {
	d.mu.Lock()
	o := recovery.Observations{Sites: d.sites, Named: maps.Clone(d.named), T0: d.t0, InjectEnd: d.injEnd, ProbeInterval: d.sc.Intervals.Probe}
	d.mu.Unlock()
	o.Samples = m.ver.SamplesNow()
	set := recovery.Affected(o)
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
	sv := d.reader.Survey(ctx, d.sites)
	if err := sv.Strict(); err != nil {
		return infra(err) // the phase names itself: "baseline: ..."
	}
	m.base = verify.Baseline{FP: sv.FP, Links: sv.Links}
	m.canaries.Start(ctx)
	for _, p := range d.sc.SteadyState {
		if _, err := d.plane.Check(ctx, *p, d.data(), ""); err != nil {
			return infra(fmt.Errorf("steady-state probe %s does not pass: %w", p.Name, err))
		}
	}
	iv := m.canaries.Interval()
	deadline := d.clock.Now() + 4*baselineIntervals*iv + 30*time.Second
	for {
		short := 0
		for _, s := range d.sites {
			for _, p := range d.products {
				if d.plane.HasCanary(p) && m.canaries.AckedCount(recovery.Key{Site: s, Product: p}) < baselineIntervals {
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

// verify waits until every affected site has passed settle polls in a row begun after the
// runbook ended and every milestone has been checked since, or the runbook has ended and the grace has passed, or the recovery timeout
// ends; then it stops the canary writers (writes already sent complete), reads the canaries
// back and surveys every site once more.
func (d *drill) verify(ctx context.Context, m *measurement) error {
	settle := max(d.sc.Intervals.Settle, 1)
	grace := d.sc.Intervals.Grace
	for {
		m.mu.Lock()
		done, end := m.runbookFinished, m.runbookEnd
		m.mu.Unlock()
		now := d.clock.Now()
		if now >= m.recoverDeadline {
			d.tl.Note(PhaseVerify, result.EventNote, "recovery timeout reached", "", result.OutcomeTimeout)
			break
		}
		if done && m.ver.Settled(d.affected, settle, end) && m.ver.MilestonesChecked(end) {
			break
		}
		if done && now >= end+grace {
			d.tl.Note(PhaseVerify, result.EventNote, fmt.Sprintf("grace of %s after the runbook ended: not every affected site settled", grace), "", result.OutcomeOK)
			break
		}
		select { // the next check is after the next round
		case <-m.ver.RoundEnded():
		case <-m.ver.Done():
		case <-ctx.Done():
			m.stopCanaries()
			return ctx.Err()
		}
	}
	m.ver.Stop()
	m.verifyEnd = d.clock.Now()
	m.probes = m.ver.Load()
	m.canaries.StopAndWait()
	m.present, m.readErr = m.canaries.ReadBack(ctx)
	sv := d.reader.Survey(ctx, d.sites)
	m.finalFP, m.finalLinks, m.finalUnreadable = map[string][]string{}, sv.Links, sv.Unreadable
	for _, s := range d.sites {
		if mm := m.base.Mismatches(s, sv.FP[s]); len(mm) > 0 {
			m.finalFP[s] = mm
		}
	}
	return ctx.Err()
}
