package harness

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/drill-dev/drill/scenarios"
)

// probePool bounds the per-site probe requests in flight at once, over every product: the
// verifier spreads (site, product) pairs over it instead of checking a site's products in a row.
const probePool = 16

// fingerprintPool bounds the fingerprint requests in flight at once, over every product, apart
// from the health checks: a checksum reads all of a site's data, and many at once on a small
// machine only make each one slower (until each outlasts its timeout) and starve the health
// rounds that time recovery.
const fingerprintPool = 2

// healthBatchSites and fingerprintBatchSites are the most sites one batch request carries: a
// product's sites are sent in chunks of this many, each bounded by its timeout on its own. A
// health answer is cheap per site, and fewer, larger requests start together at the round's
// start (so a site's polls stay one interval apart); a checksum reads all of a site's data, and
// 1,000 sites' data in one request can outlast any sane timeout.
const (
	healthBatchSites      = 500
	fingerprintBatchSites = 100
)

// answer is one site's answer from one product: when the check that produced it began, the
// value it returned (a fingerprint's checksum) and nil or the reason it did not pass.
type answer struct {
	At    time.Duration
	Value string
	Err   error
}

// errNoAnswer is the reason of a site a batch answer left out.
var errNoAnswer = errors.New("no answer for this site")

// healthOf asks one product about sites: its batch form when the product declares one, else
// the per-site health check of each site on the probe pool. Every site has an entry. timeout
// bounds each check (the batch call, or each site's own), not the wait for the pool.
func (d *drill) healthOf(ctx context.Context, product string, sites []string, timeout time.Duration) map[string]answer {
	p := d.stack.Products[product]
	if p.HealthBatch != nil {
		return d.batch(ctx, d.pool, healthBatchSites, p.HealthBatch, p.Service, sites, timeout, healthAnswer)
	}
	return d.perSite(ctx, d.pool, *p.Health, p.Service, sites, timeout)
}

// fingerprintsOf returns each site's checksum in one product (Value), or why it could not be
// read: the batch form when declared, else the per-site fingerprint, on the fingerprint pool. A
// product without a fingerprint gives no entries.
func (d *drill) fingerprintsOf(ctx context.Context, product string, sites []string, timeout time.Duration) map[string]answer {
	p := d.stack.Products[product]
	switch {
	case p.FingerprintBatch != nil:
		return d.batch(ctx, d.fpPool, fingerprintBatchSites, p.FingerprintBatch, p.Service, sites, timeout, checksumAnswer)
	case p.Fingerprint != nil:
		return d.perSite(ctx, d.fpPool, *p.Fingerprint, p.Service, sites, timeout)
	}
	return map[string]answer{}
}

// perSite runs a per-site probe for each site, as many at once as pool (shared across the
// drill) allows.
func (d *drill) perSite(ctx context.Context, pool chan struct{}, p scenarios.Probe, service string, sites []string, timeout time.Duration) map[string]answer {
	out := make(map[string]answer, len(sites))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, s := range sites {
		select {
		case pool <- struct{}{}:
		case <-ctx.Done():
			mu.Lock()
			out[s] = answer{At: d.clock.Now(), Err: ctx.Err()}
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			defer func() { <-pool }()
			data := d.data()
			data.Site = s
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			at := d.clock.Now()
			body, err := d.plane.Check(cctx, p, data, service)
			mu.Lock()
			out[s] = answer{At: at, Value: strings.TrimSpace(string(body)), Err: err}
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// batch sends the list of sites to a batch probe in chunks of at most chunk sites, each one
// request in flight on pool, and reads the answer per site. The
// contract, per transport: http POSTs {"sites": [...]} and reads {"results": {"SITE": "..."}}.
func (d *drill) batch(ctx context.Context, pool chan struct{}, chunk int, p *scenarios.Probe, service string, sites []string, timeout time.Duration, read func(string) (string, error)) map[string]answer {
	out := make(map[string]answer, len(sites))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for part := range slices.Chunk(sites, chunk) {
		wg.Go(func() {
			select {
			case pool <- struct{}{}:
				defer func() { <-pool }()
			case <-ctx.Done():
			}
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			at := d.clock.Now()
			results, err := d.plane.Batch(cctx, p, service, d.data(), part)
			mu.Lock()
			defer mu.Unlock()
			for _, s := range part {
				a := answer{At: at, Err: err}
				if err == nil {
					if v, ok := results[s]; ok {
						a.Value, a.Err = read(v)
					} else {
						a.Err = errNoAnswer
					}
				}
				out[s] = a
			}
		})
	}
	wg.Wait()
	return out
}

// healthAnswer reads a batch health answer: "ok" (or an sql true) passes, anything else is the
// reason.
func healthAnswer(v string) (string, error) {
	if v == "ok" || v == "true" {
		return "", nil
	}
	if v == "" {
		return "", errors.New("empty answer")
	}
	return "", errors.New(v)
}

// checksumAnswer reads a batch fingerprint answer: the checksum; empty is unreadable.
func checksumAnswer(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", errors.New("empty checksum")
	}
	return v, nil
}
