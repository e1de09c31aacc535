package verify

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/drill-dev/drill/harness/clock"
)

// sleepers waits until n goroutines sleep on the fake clock.
func sleepers(t *testing.T, c *clock.FakeClock, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := c.Sleepers()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sleepers on the fake clock, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// On the fake clock, period 1s, two rounds in flight: rounds start on the schedule while the
// ones before them still probe; a third round waits for a free slot and records its late
// start; the schedule goes on one period after it; rounds finish in order even when a later
// probe answers first.
func TestScheduleFixedPeriodOverlapAndOverrun(t *testing.T) {
	fc := clock.NewFakeClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var starts, finished []time.Duration
	release := map[time.Duration]chan struct{}{}
	gate := func(at time.Duration) chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		if release[at] == nil {
			release[at] = make(chan struct{})
		}
		return release[at]
	}
	begun := make(chan time.Duration, 16)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		schedule(ctx, fc, time.Second, 2, nil,
			func(ctx context.Context, start time.Duration) time.Duration {
				mu.Lock()
				starts = append(starts, start)
				mu.Unlock()
				begun <- start
				select {
				case <-gate(start):
				case <-ctx.Done():
				}
				return start
			},
			func(start time.Duration, r time.Duration) {
				if r != start {
					t.Errorf("round %v finished with the probe of %v", start, r)
				}
				mu.Lock()
				finished = append(finished, start)
				mu.Unlock()
			})
	}()
	s := time.Second
	if at := <-begun; at != 0 {
		t.Fatalf("first round at %v, want 0", at)
	}
	sleepers(t, fc, 1)
	fc.Advance(s) // round 0 still probing: round 1 starts on time
	if at := <-begun; at != s {
		t.Fatalf("second round at %v, want 1s", at)
	}
	sleepers(t, fc, 1)
	fc.Advance(s) // 2s: two rounds in flight, the third waits
	select {
	case at := <-begun:
		t.Fatalf("a third round began at %v with two in flight", at)
	case <-time.After(50 * time.Millisecond):
	}
	fc.Advance(s / 2) // 2.5s
	close(gate(s))    // round 1 answers first: it waits for round 0 to finish
	close(gate(0))
	if at := <-begun; at != 5*s/2 {
		t.Fatalf("third round at %v, want 2.5s (its late start)", at)
	}
	sleepers(t, fc, 1)
	fc.Advance(s) // 3.5s: one period after the late start
	if at := <-begun; at != 7*s/2 {
		t.Fatalf("fourth round at %v, want 3.5s", at)
	}
	close(gate(5 * s / 2))
	close(gate(7 * s / 2))
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(finished)
		mu.Unlock()
		if n == 4 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-ended
	mu.Lock()
	defer mu.Unlock()
	if want := []time.Duration{0, s, 5 * s / 2, 7 * s / 2}; !slices.Equal(finished, want) || !slices.Equal(starts, want) {
		t.Fatalf("started %v, finished %v, want both %v", starts, finished, want)
	}
}
