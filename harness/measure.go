package harness

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/recovery"

	"golang.org/x/sync/errgroup"

	"github.com/drill-dev/drill/result"
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
	present         map[recovery.Key]map[int]bool
	readErr         error
	finalFP         map[string][]string
	finalLinks      map[string]int
	finalUnreadable map[string][]string
	probes          result.ProbeLoad
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
	m.ver = newVerifier(d, m, cancel)
	d.mu.Lock()
	d.ver = m.ver
	d.mu.Unlock()
	go m.ver.run(vctx)
}

// affectedNow is the affected set once the detection window has closed (recovery.Affected on
// the polls so far), in site order.
func (m *measurement) affectedNow(d *drill) []string {
	d.mu.Lock()
	o := recovery.Observations{Sites: d.sites, Named: maps.Clone(d.named), T0: d.t0, InjectEnd: d.injEnd, ProbeInterval: d.sc.Intervals.Probe}
	d.mu.Unlock()
	o.Samples = m.ver.samplesNow()
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
	sv := d.survey(ctx)
	if err := sv.strict(); err != nil {
		return infra(fmt.Errorf("baseline: %w", err))
	}
	m.baseFP, m.baseLinks = sv.fps, sv.links
	m.canaries.start(ctx)
	for _, p := range d.sc.SteadyState {
		if _, err := d.plane.Check(ctx, *p, d.data(), ""); err != nil {
			return infra(fmt.Errorf("steady-state probe %s does not pass: %w", p.Name, err))
		}
	}
	iv := m.canaries.interval
	deadline := d.clock.Now() + 4*baselineIntervals*iv + 30*time.Second
	for {
		short := 0
		for _, s := range d.sites {
			for _, p := range d.products {
				if d.plane.HasCanary(p) && m.canaries.ackedCount(recovery.Key{Site: s, Product: p}) < baselineIntervals {
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

// surveyed is every site's fingerprints and broken links, with what could not be read.
type surveyed struct {
	fps        map[string]map[string]string
	errs       map[string]map[string]error
	links      map[string]int
	unreadable map[string][]string
}

// strict is the first thing the survey could not read, for a baseline that must read all.
func (s surveyed) strict() error {
	for _, site := range slices.Sorted(maps.Keys(s.errs)) {
		for _, p := range slices.Sorted(maps.Keys(s.errs[site])) {
			return fmt.Errorf("fingerprint %s/%s: %w", site, p, s.errs[site][p])
		}
	}
	for _, site := range slices.Sorted(maps.Keys(s.unreadable)) {
		return fmt.Errorf("links %s of %s could not be read", strings.Join(s.unreadable[site], ", "), site)
	}
	return nil
}

// survey reads every site's fingerprints in every product and its links.
func (d *drill) survey(ctx context.Context) surveyed {
	fs := d.fingerprintsAll(ctx, d.sites)
	sv := surveyed{fps: fs.values, links: map[string]int{}, unreadable: map[string][]string{}, errs: map[string]map[string]error{}}
	for s, e := range fs.errs {
		if len(e) > 0 {
			sv.errs[s] = e
		}
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(probePool)
	for _, s := range d.sites {
		g.Go(func() error {
			b, u := d.brokenLinks(gctx, s)
			mu.Lock()
			sv.links[s] = b
			if len(u) > 0 {
				sv.unreadable[s] = u
			}
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait()
	return sv
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
			d.tl.Note(PhaseVerify, "note", "recovery timeout reached", "", "timeout")
			break
		}
		if done && m.ver.settled(d.affected, settle, end) && m.ver.milestonesChecked(end) {
			break
		}
		if done && now >= end+grace {
			d.tl.Note(PhaseVerify, "note", fmt.Sprintf("grace of %s after the runbook ended: not every affected site settled", grace), "", "ok")
			break
		}
		m.ver.mu.Lock()
		ended := m.ver.roundEnded
		m.ver.mu.Unlock()
		select { // the next check is after the next round
		case <-ended:
		case <-m.ver.done:
		case <-ctx.Done():
			m.stopCanaries()
			return ctx.Err()
		}
	}
	m.ver.stop()
	<-m.ver.done
	m.verifyEnd = d.clock.Now()
	m.probes = m.ver.load()
	m.canaries.stopAndWait()
	m.present, m.readErr = m.canaries.readBack(ctx)
	sv := d.survey(ctx)
	m.finalFP, m.finalLinks, m.finalUnreadable = map[string][]string{}, sv.links, sv.unreadable
	for _, s := range d.sites {
		if mm := m.mismatches(s, sv.fps[s]); len(mm) > 0 {
			m.finalFP[s] = mm
		}
	}
	return ctx.Err()
}
