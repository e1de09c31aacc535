package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/drill-dev/drill/harness/clock"
	"github.com/drill-dev/drill/harness/transport"
	"github.com/drill-dev/drill/scenarios"
)

// Reader reads what verification needs of every site, through the data plane: each product's
// health and fingerprints (the batch form when the product declares one, else per site on a
// bounded pool), a site's links, and a survey of all of them. It is safe for concurrent use.
type Reader struct {
	plane    *transport.Plane
	stack    *scenarios.Stack
	products []string
	clock    clock.Clock
	data     func() scenarios.TemplateData
	log      *slog.Logger
	pool     chan struct{} // health requests in flight (probePool)
	fpPool   chan struct{} // fingerprint requests in flight (fingerprintPool)
}

// NewReader returns a Reader of a stack's products (sorted) through plane; data is the
// template data of the drill's current state.
func NewReader(plane *transport.Plane, stack *scenarios.Stack, products []string, c clock.Clock, data func() scenarios.TemplateData, log *slog.Logger) *Reader {
	return &Reader{
		plane: plane, stack: stack, products: products, clock: c, data: data, log: log,
		pool:   make(chan struct{}, probePool),
		fpPool: make(chan struct{}, fingerprintPool(len(products))),
	}
}

// probePool bounds the per-site probe requests in flight at once, over every product: the
// verifier spreads (site, product) pairs over it instead of checking a site's products in a row.
const probePool = 16

// fingerprintPool bounds the fingerprint requests in flight at once, over every product, apart
// from the health checks: one per product, and at least minFingerprintPool. A checksum reads all
// of a site's data, and many at once on a small machine only make each one slower (until each
// outlasts its timeout) and starve the health rounds that time recovery; but a proof begins
// only when its last product's read does, so with fewer slots than products a wave's last
// product waited for the reads of the others (5 products on 2 slots: two reads late, the proof
// lag's p95 at production).
func fingerprintPool(products int) int { return max(minFingerprintPool, products) }

const minFingerprintPool = 2

// healthBatchSites and fingerprintBatchSites are the most sites one batch request carries: a
// product's sites are sent in chunks of this many, each bounded by its timeout on its own. A
// health answer is cheap per site, and fewer, larger requests start together at the round's
// start (so a site's polls stay one interval apart); a checksum reads all of a site's data, and
// 1,000 sites' data in one request can outlast any sane timeout.
const (
	healthBatchSites      = 500
	fingerprintBatchSites = 100
)

// Answer is one site's answer from one product: when the check that produced it began, the
// value it returned (a fingerprint's checksum) and nil or the reason it did not pass.
type Answer struct {
	At    time.Duration
	Value string
	Err   error
}

// ErrNoAnswer is the reason of a site a batch answer left out.
var ErrNoAnswer = errors.New("no answer for this site")

// Form is how the verifier reads one kind of answer (health, fingerprints) of a product: its
// batch form, at most Chunk sites a request, or its per-site probe, one request per site.
// Probe is nil when the product declares neither.
type Form struct {
	Probe *scenarios.Probe
	Batch bool
	Chunk int // batch only
}

// HealthForm is the form Health uses: the batch form when the product declares one.
func HealthForm(p *scenarios.Product) Form {
	if p.HealthBatch != nil {
		return Form{Probe: p.HealthBatch, Batch: true, Chunk: healthBatchSites}
	}
	return Form{Probe: p.Health}
}

// FingerprintForm is the form the fingerprint reads use: the batch form when the product
// declares one.
func FingerprintForm(p *scenarios.Product) Form {
	if p.FingerprintBatch != nil {
		return Form{Probe: p.FingerprintBatch, Batch: true, Chunk: fingerprintBatchSites}
	}
	return Form{Probe: p.Fingerprint}
}

// Health asks one product about sites: its batch form when the product declares one, else
// the per-site health check of each site on the probe pool (HealthForm). Every site has an
// entry. timeout bounds each site's own check, not the wait for the pool. A batch call answers
// for up to healthBatchSites sites at once, so its latency is no one site's: it is bounded by
// transport.ProbeTimeout (at least timeout), and a batch slower than a site's check may be is
// not an outage of every site it carries.
func (r *Reader) Health(ctx context.Context, product string, sites []string, timeout time.Duration) map[string]Answer {
	p := r.stack.Products[product]
	if f := HealthForm(p); f.Batch {
		return r.batch(ctx, r.pool, f.Chunk, f.Probe, p.Service, sites, max(timeout, transport.ProbeTimeout), timeout, healthAnswer)
	}
	return r.perSite(ctx, r.pool, *p.Health, p.Service, sites, timeout)
}

// fingerprintsOf returns each site's checksum in one product (Value), or why it could not be
// read: the batch form when declared, else the per-site fingerprint, on the fingerprint pool. A
// product without a fingerprint gives no entries.
func (r *Reader) fingerprintsOf(ctx context.Context, product string, sites []string, timeout time.Duration) map[string]Answer {
	p := r.stack.Products[product]
	switch f := FingerprintForm(p); {
	case f.Batch:
		return r.batch(ctx, r.fpPool, f.Chunk, f.Probe, p.Service, sites, timeout, timeout/2, checksumAnswer)
	case f.Probe != nil:
		return r.perSite(ctx, r.fpPool, *f.Probe, p.Service, sites, timeout)
	}
	return map[string]Answer{}
}

// perSite runs a per-site probe for each site, as many at once as pool (shared across the
// drill) allows.
func (r *Reader) perSite(ctx context.Context, pool chan struct{}, p scenarios.Probe, service string, sites []string, timeout time.Duration) map[string]Answer {
	out := make(map[string]Answer, len(sites))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, s := range sites {
		select {
		case pool <- struct{}{}:
		case <-ctx.Done():
			mu.Lock()
			out[s] = Answer{At: r.clock.Now(), Err: ctx.Err()}
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			defer func() { <-pool }()
			data := r.data()
			data.Site = s
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			at := r.clock.Now()
			body, err := r.plane.Check(cctx, p, data, service)
			mu.Lock()
			out[s] = Answer{At: at, Value: strings.TrimSpace(string(body)), Err: err}
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// batch sends the list of sites to a batch probe in chunks of at most chunk sites, each one
// request in flight on pool (see ask), and reads the answer per site. The contract, per
// transport: http POSTs {"sites": [...]} and reads {"results": {"SITE": "..."}}.
func (r *Reader) batch(ctx context.Context, pool chan struct{}, chunk int, p *scenarios.Probe, service string, sites []string, timeout, again time.Duration, read func(string) (string, error)) map[string]Answer {
	out := make(map[string]Answer, len(sites))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for part := range slices.Chunk(sites, chunk) {
		wg.Go(func() {
			select {
			case pool <- struct{}{}:
				defer func() { <-pool }()
			case <-ctx.Done():
			}
			at, results, err := r.ask(ctx, p, service, part, timeout, again)
			mu.Lock()
			defer mu.Unlock()
			for _, s := range part {
				a := Answer{At: at, Err: err}
				if err == nil {
					if v, ok := results[s]; ok {
						a.Value, a.Err = read(v)
					} else {
						a.Err = ErrNoAnswer
					}
				}
				out[s] = a
			}
		})
	}
	wg.Wait()
	return out
}

// ask sends one batch request, bounded by timeout, and returns when it began and its answer.
// A request that fails (a connection that broke) or has not answered after again (a
// connection that stalled: seen on port-forwards, where one request hangs while a new one is
// answered at once) is sent once more, beside it; the first answer wins, and it is timed from
// the start of the request that gave it. When both fail, the first failure is the answer. An
// again of 0 sends one request only.
func (r *Reader) ask(ctx context.Context, p *scenarios.Probe, service string, sites []string, timeout, again time.Duration) (time.Duration, map[string]string, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type reply struct {
		at      time.Duration
		results map[string]string
		err     error
	}
	replies := make(chan reply, 2)
	send := func() {
		at := r.clock.Now()
		results, err := r.plane.Batch(cctx, p, service, r.data(), sites)
		replies <- reply{at, results, err}
	}
	go send()
	if again <= 0 {
		x := <-replies
		return x.at, x.results, x.err
	}
	late := make(chan struct{})
	go func() {
		if r.clock.Sleep(cctx, again) == nil {
			close(late)
		}
	}()
	var first *reply
	sent, pending := 1, 1
	for {
		select {
		case x := <-replies:
			pending--
			if x.err == nil {
				return x.at, x.results, nil
			}
			if first == nil {
				first = &x
			}
			if sent < 2 && cctx.Err() == nil {
				r.log.Debug("batch request failed: asking once more", "service", service, "sites", len(sites), "err", x.err)
				sent, pending, late = sent+1, pending+1, nil
				go send()
			} else if pending == 0 {
				return first.at, first.results, first.err
			}
		case <-late:
			r.log.Debug("batch request unanswered: asking once more beside it", "service", service, "sites", len(sites), "after", again)
			sent, pending, late = sent+1, pending+1, nil
			go send()
		}
	}
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

// Fingerprints is what Reader.Fingerprints read: per site, each product's checksum, the errors of
// the products it could not read, and when the last read began.
type Fingerprints struct {
	Values map[string]map[string]string // site -> product -> checksum
	Errs   map[string]map[string]error  // site -> product -> why it could not be read
	At     map[string]time.Duration     // site -> when its last read began
}

// Fingerprints reads every product's fingerprint of the given sites, products at once.
func (r *Reader) Fingerprints(ctx context.Context, sites []string) Fingerprints {
	fs := Fingerprints{Values: map[string]map[string]string{}, Errs: map[string]map[string]error{}, At: map[string]time.Duration{}}
	for _, s := range sites {
		fs.Values[s], fs.Errs[s] = map[string]string{}, map[string]error{}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range r.products {
		wg.Go(func() {
			ans := r.fingerprintsOf(ctx, p, sites, transport.ProbeTimeout)
			mu.Lock()
			defer mu.Unlock()
			for s, a := range ans {
				fs.At[s] = max(fs.At[s], a.At)
				if a.Err != nil {
					fs.Errs[s][p] = a.Err
					continue
				}
				fs.Values[s][p] = a.Value
			}
		})
	}
	wg.Wait()
	return fs
}

// BrokenLinks sums a site's unresolved cross-product references over the stack's link checks
// and names the checks that could not be read.
func (r *Reader) BrokenLinks(ctx context.Context, s string) (int, []string) {
	total := 0
	var unreadable []string
	for _, name := range r.LinkChecks() {
		n, err := r.LinkCheck(ctx, s, name)
		if err != nil {
			unreadable = append(unreadable, name)
			continue
		}
		total += n
	}
	return total, unreadable
}

// LinkChecks names the stack's link checks, in order.
func (r *Reader) LinkChecks() []string { return slices.Sorted(maps.Keys(r.stack.Links)) }

// LinkCheck reads one link check of site s: its count of unresolved references, or why it
// could not be read.
func (r *Reader) LinkCheck(ctx context.Context, s, name string) (int, error) {
	data := r.data()
	data.Site = s
	body, err := r.plane.Check(ctx, *r.stack.Links[name], data, "")
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
		r.log.Debug("link check unreadable", "site", s, "check", name, "err", strings.TrimSpace(err.Error()))
		return 0, err
	}
	return *ans.Broken, nil
}

// Survey is every site's fingerprints and broken links, with what could not be read.
type Survey struct {
	FP         map[string]map[string]string // site -> product -> checksum
	Errs       map[string]map[string]error  // site -> product -> why it could not be read
	Links      map[string]int               // site -> broken links
	Unreadable map[string][]string          // site -> link checks that could not be read
}

// Strict is the first thing the survey could not read, for a baseline that must read all.
func (s Survey) Strict() error {
	for _, site := range slices.Sorted(maps.Keys(s.Errs)) {
		for _, p := range slices.Sorted(maps.Keys(s.Errs[site])) {
			return fmt.Errorf("fingerprint %s/%s: %w", site, p, s.Errs[site][p])
		}
	}
	for _, site := range slices.Sorted(maps.Keys(s.Unreadable)) {
		return fmt.Errorf("links %s of %s could not be read", strings.Join(s.Unreadable[site], ", "), site)
	}
	return nil
}

// Survey reads every given site's fingerprints in every product and its links. A site whose
// reads could not all be read (a timeout, a port-forward that stalled) is read once more, and
// that second reading is its survey.
func (r *Reader) Survey(ctx context.Context, sites []string) Survey {
	sv := r.survey(ctx, sites)
	var again []string
	for _, s := range sites {
		if len(sv.Errs[s]) > 0 || len(sv.Unreadable[s]) > 0 {
			again = append(again, s)
		}
	}
	if len(again) == 0 || ctx.Err() != nil {
		return sv
	}
	r.log.Debug("survey: reading again the sites it could not read", "sites", len(again))
	sv2 := r.survey(ctx, again)
	for _, s := range again {
		sv.FP[s], sv.Links[s] = sv2.FP[s], sv2.Links[s]
		delete(sv.Errs, s)
		delete(sv.Unreadable, s)
		if e := sv2.Errs[s]; len(e) > 0 {
			sv.Errs[s] = e
		}
		if u := sv2.Unreadable[s]; len(u) > 0 {
			sv.Unreadable[s] = u
		}
	}
	return sv
}

// survey reads every given site's fingerprints in every product and its links, once.
func (r *Reader) survey(ctx context.Context, sites []string) Survey {
	fs := r.Fingerprints(ctx, sites)
	sv := Survey{FP: fs.Values, Links: map[string]int{}, Unreadable: map[string][]string{}, Errs: map[string]map[string]error{}}
	for s, e := range fs.Errs {
		if len(e) > 0 {
			sv.Errs[s] = e
		}
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(probePool)
	for _, s := range sites {
		g.Go(func() error {
			b, u := r.BrokenLinks(gctx, s)
			mu.Lock()
			sv.Links[s] = b
			if len(u) > 0 {
				sv.Unreadable[s] = u
			}
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait()
	return sv
}

// ProcessCPU is this process's user and system CPU time in seconds: what drill's own share of
// the machine during verification (result.ProbeLoad) is measured by.
func ProcessCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
