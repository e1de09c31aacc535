package verify

import (
	"context"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/clock"
)

// roundsInFlight is how many verification rounds may be probing at once: a round whose checks
// are slow (a database busy with a restore) does not hold back the next round's start, so the
// polls of a site stay one probe interval apart while every check answers within two.
const roundsInFlight = 2

// schedule runs rounds on a fixed schedule until ctx ends: a round starts every period, or, when
// depth rounds are still probing, as soon as one of them is done (that round's start, late,
// is what the resolution then records; the schedule goes on one period after it). probe runs
// concurrently with the rounds before it; finish runs in round order, each after the previous
// round's finish, with the start and what its probe returned. A round whose probe saw ctx end
// is not finished. begin, when not nil, is told of each round's start before its probe runs.
// schedule returns when every round it started has ended.
func schedule[R any](ctx context.Context, clock clock.Clock, period time.Duration, depth int, begin func(start time.Duration),
	probe func(ctx context.Context, start time.Duration) R, finish func(start time.Duration, r R)) {
	slots := make(chan struct{}, depth)
	var wg sync.WaitGroup
	defer wg.Wait()
	prev := make(chan struct{})
	close(prev)
	next := clock.Now()
	for {
		if clock.Sleep(ctx, next-clock.Now()) != nil {
			return
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		start := clock.Now()
		if begin != nil {
			begin(start)
		}
		before, done := prev, make(chan struct{})
		prev = done
		wg.Go(func() {
			defer close(done)
			defer func() { <-slots }()
			r := probe(ctx, start)
			<-before
			if ctx.Err() == nil {
				finish(start, r)
			}
		})
		next = max(next, start) + period
	}
}
