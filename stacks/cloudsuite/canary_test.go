package cloudsuite_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	. "github.com/onsi/gomega"
)

// canaryWriter writes a canary to every site in every product each interval, as drill's harness
// does, and remembers which writes were acknowledged and when.
type canaryWriter struct {
	mu    sync.Mutex
	acks  map[string]map[string][]ack // product -> site -> acknowledged writes
	stop  context.CancelFunc
	done  chan struct{}
	sites []string
}

type ack struct {
	seq int64
	at  time.Time
}

func startCanaries(ctx context.Context, s *stack, sites []string, every time.Duration) *canaryWriter {
	urls := map[string]string{}
	for _, p := range products {
		urls[p] = s.url(ctx, p)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w := &canaryWriter{acks: map[string]map[string][]ack{}, stop: cancel, done: make(chan struct{}), sites: sites}
	for _, p := range products {
		w.acks[p] = map[string][]ack{}
	}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for seq := int64(1); ; seq++ {
			w.writeAll(ctx, urls, seq)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

func (w *canaryWriter) writeAll(ctx context.Context, urls map[string]string, seq int64) {
	var wg sync.WaitGroup
	for p, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]any{"seq": seq, "sites": w.sites})
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, u+"/canary", bytes.NewReader(body))
			if err != nil {
				return
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			var answer struct {
				Results map[string]string `json:"results"`
			}
			if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&answer) != nil {
				return
			}
			now := time.Now()
			w.mu.Lock()
			defer w.mu.Unlock()
			for site, r := range answer.Results {
				if r == "ok" {
					w.acks[p][site] = append(w.acks[p][site], ack{seq: seq, at: now})
				}
			}
		}()
	}
	wg.Wait()
}

// Stop stops writing and waits for the last batch.
func (w *canaryWriter) Stop() {
	w.stop()
	<-w.done
}

// acked returns a copy of the acknowledged writes of one product and site.
func (w *canaryWriter) acked(product, site string) []ack {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]ack{}, w.acks[product][site]...)
}

// readCanaries reads the sequence numbers present per site in one product.
func (s *stack) readCanaries(ctx context.Context, product string, sites []string) map[string][]int64 {
	var out map[string][]int64
	Expect(s.do(ctx, product, http.MethodPost, "/canary/read", map[string]any{"sites": sites}, &out)).To(Equal(http.StatusOK))
	return out
}
