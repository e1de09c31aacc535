package canary

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/clock"
	"github.com/drill-dev/drill/harness/recovery"
	"github.com/drill-dev/drill/harness/transport"
	"github.com/drill-dev/drill/scenarios"
)

// Config is what the canary writers are handed.
type Config struct {
	Plane    *transport.Plane
	Clock    clock.Clock
	Sites    []string // every site, in order
	Products []string // every product, sorted
	// Base is the declared interval (default 250ms), grown with the number of sites.
	Base time.Duration
	// Data is the template data of the drill's current state.
	Data func() scenarios.TemplateData
	// Recovered is deferred by every writer goroutine to turn a panic into the drill's.
	Recovered func(where string, err *error)
}

// Canaries writes one batched canary per product every interval and records each site's
// acknowledgement. It is safe for concurrent use.
type Canaries struct {
	cfg      Config
	interval time.Duration
	mu       sync.Mutex
	writes   map[recovery.Key][]recovery.CanaryWrite
	requests int
	latency  time.Duration
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

// Interval is the interval the writers write at for a number of sites: the declared base
// (default 250ms), grown with the number of sites so that the harness's own load stays small:
// one more base interval per 100 sites.
func Interval(base time.Duration, sites int) time.Duration {
	if base <= 0 {
		base = 250 * time.Millisecond
	}
	return base * time.Duration(max(1, (sites+99)/100))
}

// New returns the canaries of a drill, not yet writing.
func New(cfg Config) *Canaries {
	return &Canaries{cfg: cfg, interval: Interval(cfg.Base, len(cfg.Sites)), writes: map[recovery.Key][]recovery.CanaryWrite{}}
}

// Interval is the interval the writers write at.
func (c *Canaries) Interval() time.Duration { return c.interval }

// write sends sequence seq to every site of one product in one request and records the
// answers. A product without a canary has nothing to write.
func (c *Canaries) write(ctx context.Context, product string, seq int) {
	defer c.cfg.Recovered("canary write "+product, nil)
	if !c.cfg.Plane.HasCanary(product) {
		return
	}
	sent := c.cfg.Clock.Now()
	acks, err := c.cfg.Plane.CanaryWrite(ctx, product, seq, c.cfg.Sites, c.cfg.Data())
	at := c.cfg.Clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests++
	c.latency += at - sent
	for _, s := range c.cfg.Sites {
		w := recovery.CanaryWrite{Seq: seq, Sent: sent}
		if err == nil && acks[s] {
			w.Acked, w.At = true, at
		}
		k := recovery.Key{Site: s, Product: product}
		c.writes[k] = append(c.writes[k], w)
	}
}

// WriteAll writes seq to every product at once and waits for the answers.
func (c *Canaries) WriteAll(ctx context.Context, seq int) {
	var wg sync.WaitGroup
	for _, p := range c.cfg.Products {
		wg.Go(func() { c.write(ctx, p, seq) })
	}
	wg.Wait()
}

// Start runs the writers from sequence 1 until stopAndWait. Writes go out on the interval even
// when earlier ones have not answered (at most 4 in flight per product), so an outage shows
// as failed canaries rather than a stalled writer.
func (c *Canaries) Start(ctx context.Context) {
	// Writes already sent complete on their own timeout whatever happens to the ticker: a
	// write the stack acknowledges after the stop is still an acknowledged write.
	writes := context.WithoutCancel(ctx)
	ctx, c.stop = context.WithCancel(writes)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		inflight := map[string]chan struct{}{}
		for _, p := range c.cfg.Products {
			inflight[p] = make(chan struct{}, 4)
		}
		for seq := 1; ; seq++ {
			for p, sem := range inflight {
				select {
				case sem <- struct{}{}:
					c.wg.Add(1)
					go func() {
						defer c.wg.Done()
						defer func() { <-sem }()
						wctx, cancel := context.WithTimeout(writes, 10*c.interval+5*time.Second)
						defer cancel()
						c.write(wctx, p, seq)
					}()
				default: // too many in flight: this product skips the tick, recorded as failed
					c.recordSkipped(p, seq)
				}
			}
			if c.cfg.Clock.Sleep(ctx, c.interval) != nil {
				return
			}
		}
	}()
}

func (c *Canaries) recordSkipped(product string, seq int) {
	if !c.cfg.Plane.HasCanary(product) {
		return
	}
	now := c.cfg.Clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.cfg.Sites {
		k := recovery.Key{Site: s, Product: product}
		c.writes[k] = append(c.writes[k], recovery.CanaryWrite{Seq: seq, Sent: now})
	}
}

// StopAndWait stops the writers and lets in-flight writes finish.
func (c *Canaries) StopAndWait() {
	if c.stop == nil {
		return
	}
	// In-flight writes keep their own context so that they finish and are recorded; only
	// the ticker stops here.
	c.stop()
	c.wg.Wait()
}

// AckedCount is the number of acknowledged canaries with seq ≥ 1 of one site and product.
func (c *Canaries) AckedCount(k recovery.Key) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, w := range c.writes[k] {
		if w.Acked && w.Seq >= 1 {
			n++
		}
	}
	return n
}

// Snapshot returns a copy of every write, each list sorted by sequence.
func (c *Canaries) Snapshot() map[recovery.Key][]recovery.CanaryWrite {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[recovery.Key][]recovery.CanaryWrite, len(c.writes))
	for k, ws := range c.writes {
		cp := append([]recovery.CanaryWrite(nil), ws...)
		sort.Slice(cp, func(i, j int) bool { return cp[i].Seq < cp[j].Seq })
		out[k] = cp
	}
	return out
}

// ReadBack asks each product which sequence numbers are present per site. A product whose read
// fails is read once more (a timeout or a stalled port-forward is not the stack's answer), and
// that reading counts. A (site, product) absent from the answer is unreadable: it has no entry
// in the map.
func (c *Canaries) ReadBack(ctx context.Context) (present map[recovery.Key]map[int]bool, err error) {
	defer c.cfg.Recovered("canary read", &err)
	present = map[recovery.Key]map[int]bool{}
	var errs []error
	for _, p := range c.cfg.Products {
		if !c.cfg.Plane.HasCanary(p) {
			continue
		}
		ans, err := c.cfg.Plane.CanaryRead(ctx, p, c.cfg.Sites, c.cfg.Data())
		if err != nil && ctx.Err() == nil {
			ans, err = c.cfg.Plane.CanaryRead(ctx, p, c.cfg.Sites, c.cfg.Data())
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("read canaries of %s: %w", p, err))
			continue
		}
		for site, seqs := range ans {
			set := make(map[int]bool, len(seqs))
			for _, s := range seqs {
				set[s] = true
			}
			present[recovery.Key{Site: site, Product: p}] = set
		}
	}
	if len(errs) > 0 {
		return present, fmt.Errorf("%v", errs)
	}
	return present, nil
}

// Load counts what the canaries added to the stack: requests, site canaries acknowledged and
// failed, and the mean request latency.
func (c *Canaries) Load() (requests, acked, failed int, meanLatency time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ws := range c.writes {
		for _, w := range ws {
			if w.Acked {
				acked++
			} else {
				failed++
			}
		}
	}
	if c.requests > 0 {
		meanLatency = c.latency / time.Duration(c.requests)
	}
	return c.requests, acked, failed, meanLatency
}
