package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// pollConcurrency bounds the per-site probe requests in flight during a poll round.
const pollConcurrency = 16

// verifier polls every site (health in every product; fingerprints and links once healthy)
// and every milestone, once per probe interval from t0 until stopped.
type verifier struct {
	d          *drill
	m          *measurement
	mu         sync.Mutex
	samples    map[string][]Sample
	milestones map[string][]Sample
	verified   map[string]bool // fingerprints and links checked since the site was last unhealthy
	lastChange time.Duration
	rounds     int
	// roundStarts lists when each completed round began; roundEnded is closed, and replaced,
	// each time a round completes.
	roundStarts []time.Duration
	roundEnded  chan struct{}
	stop        context.CancelFunc
	done        chan struct{}
}

func (v *verifier) run(ctx context.Context) {
	defer close(v.done)
	interval := v.d.sc.Intervals.Probe
	for {
		v.round(ctx)
		if v.d.clock.Sleep(ctx, interval) != nil {
			return
		}
	}
}

// round polls every site and milestone once; each sample is stamped with the instant its own
// poll began.
func (v *verifier) round(ctx context.Context) {
	start := v.d.clock.Now()
	polled := make(map[string]Sample, len(v.d.sites))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(pollConcurrency)
	for _, s := range v.d.sites {
		g.Go(func() error {
			at := v.d.clock.Now()
			ok := v.site(gctx, s)
			mu.Lock()
			polled[s] = Sample{At: at, Pass: ok}
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait()
	ms := map[string]Sample{}
	data := v.d.data()
	for _, p := range v.d.sc.Milestones {
		at := v.d.clock.Now()
		_, err := v.d.check(ctx, *p, data, "")
		ms[p.Name] = Sample{At: at, Pass: err == nil}
	}
	if ctx.Err() != nil {
		return // an interrupted round is not a measurement
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.rounds++
	v.roundStarts = append(v.roundStarts, start)
	close(v.roundEnded)
	v.roundEnded = make(chan struct{})
	for s, x := range polled {
		v.samples[s] = v.appendSample(v.samples[s], x)
	}
	for name, x := range ms {
		v.milestones[name] = v.appendSample(v.milestones[name], x)
	}
}

// appendSample adds x to a series and notes a change of state. v.mu must be held.
func (v *verifier) appendSample(prev []Sample, x Sample) []Sample {
	if len(prev) > 0 && prev[len(prev)-1].Pass != x.Pass {
		v.lastChange = max(v.lastChange, x.At)
	}
	return append(prev, x)
}

// site polls one site: healthy in every product, then (once per healthy streak) fingerprints
// equal to the baseline and no more broken links than at baseline.
func (v *verifier) site(ctx context.Context, s string) bool {
	// A site whose health takes longer than two probe intervals (at least 2s) to answer is
	// failing, as far as its users can tell; bounding it keeps rounds, and so the resolution,
	// near the probe interval while a service hangs. Fingerprints get the usual probe timeout.
	hctx, cancel := context.WithTimeout(ctx, max(2*v.d.sc.Intervals.Probe, 2*time.Second))
	defer cancel()
	data := v.d.data()
	data.Site = s
	for _, p := range v.d.products {
		prod := v.d.stack.Products[p]
		if _, err := v.d.check(hctx, *prod.Health, data, prod.Service); err != nil {
			v.setVerified(s, false)
			return false
		}
	}
	if v.isVerified(s) {
		return true
	}
	fps, err := v.d.fingerprints(ctx, s, false)
	if err != nil || !v.m.sameAsBaseline(s, fps) {
		return false
	}
	broken, err := v.d.brokenLinks(ctx, s)
	if err != nil || broken > v.m.baseLinks[s] {
		return false
	}
	v.setVerified(s, true)
	return true
}

func (v *verifier) isVerified(s string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.verified[s]
}

func (v *verifier) setVerified(s string, ok bool) {
	v.mu.Lock()
	v.verified[s] = ok
	v.mu.Unlock()
}

// settled reports whether every site in sites passed its last n polls.
func (v *verifier) settled(sites []string, n int) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, s := range sites {
		ss := v.samples[s]
		if len(ss) < n {
			return false
		}
		for _, x := range ss[len(ss)-n:] {
			if !x.Pass {
				return false
			}
		}
	}
	return true
}

// failedInWindow returns the sites whose polls failed between t0 and their first poll begun
// after injectEnd (the rule of Affected).
func (v *verifier) failedInWindow(t0, injectEnd time.Duration) []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for _, s := range v.d.sites {
		if failedInWindow(v.samples[s], t0, injectEnd) {
			out = append(out, s)
		}
	}
	return out
}

// waitRoundAfter waits until a whole poll round begun after at has ended, so that every site
// has been polled at least once after at.
func (v *verifier) waitRoundAfter(ctx context.Context, at time.Duration) error {
	for {
		v.mu.Lock()
		done := len(v.roundStarts) > 0 && v.roundStarts[len(v.roundStarts)-1] > at
		ended := v.roundEnded
		v.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ended:
		case <-v.done:
			return errors.New("verification stopped before a round after the inject window")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// fingerprints returns a site's fingerprint in every product. Lenient, a product it cannot
// read is left out instead of failing the call.
func (d *drill) fingerprints(ctx context.Context, s string, lenient bool) (map[string]string, error) {
	data := d.data()
	data.Site = s
	out := map[string]string{}
	for _, p := range d.products {
		prod := d.stack.Products[p]
		if prod.Fingerprint == nil {
			continue
		}
		body, err := d.check(ctx, *prod.Fingerprint, data, prod.Service)
		switch {
		case err == nil:
			out[p] = strings.TrimSpace(string(body))
		case !lenient:
			return nil, fmt.Errorf("fingerprint %s/%s: %w", s, p, err)
		}
	}
	return out, nil
}

// brokenLinks sums a site's unresolved cross-product references over the stack's link checks.
func (d *drill) brokenLinks(ctx context.Context, s string) (int, error) {
	data := d.data()
	data.Site = s
	total := 0
	for _, name := range slices.Sorted(maps.Keys(d.stack.Links)) {
		body, err := d.check(ctx, *d.stack.Links[name], data, "")
		if err != nil {
			return 0, fmt.Errorf("links %s of %s: %w", name, s, err)
		}
		var ans struct {
			Broken int `json:"broken"`
		}
		if err := json.Unmarshal(body, &ans); err != nil {
			return 0, fmt.Errorf("links %s of %s: %w", name, s, err)
		}
		total += ans.Broken
	}
	return total, nil
}

// quietRounds is how many completed rounds began after the last change of any site or
// milestone and after at.
func (v *verifier) quietRounds(at time.Duration) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	since := max(v.lastChange, at)
	n := 0
	for _, s := range v.roundStarts {
		if s > since {
			n++
		}
	}
	return n
}
