package clock

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Clock is the engine's monotonic clock. Every event of a drill is placed on it as a duration
// since the run started. Tests use a fake clock to drive measurement exactly.
type Clock interface {
	// Now is the time elapsed since the run started (monotonic).
	Now() time.Duration
	// Wall turns an instant on this clock into wall-clock time (for templates such as t0).
	Wall(at time.Duration) time.Time
	// Sleep waits d or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock reads Go's monotonic clock.
type realClock struct{ start time.Time }

// NewClock returns a real clock starting now.
func NewClock() Clock { return NewClockFrom(time.Now()) }

// NewClockFrom returns a real clock starting at start (a time.Now reading, so that its
// monotonic reading counts): Wall(0) is start itself.
func NewClockFrom(start time.Time) Clock { return realClock{start: start} }

func (c realClock) Now() time.Duration              { return time.Since(c.start) }
func (c realClock) Wall(at time.Duration) time.Time { return c.start.Add(at) }

func (c realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// FakeClock is a clock that moves only when told to (Advance) or when every sleeper is
// waiting (auto mode is not provided: tests advance it explicitly).
type FakeClock struct {
	mu       sync.Mutex
	now      time.Duration
	start    time.Time
	sleepers []fakeSleeper
}

type fakeSleeper struct {
	until time.Duration
	ch    chan struct{}
}

// NewFakeClock returns a fake clock at zero whose wall time starts at start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{start: start} }

// Now returns the fake time.
func (c *FakeClock) Now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Wall returns start + at.
func (c *FakeClock) Wall(at time.Duration) time.Time { return c.start.Add(at) }

// Sleep blocks until the clock has been advanced by d or ctx is done.
func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	if d <= 0 {
		c.mu.Unlock()
		return nil
	}
	s := fakeSleeper{until: c.now + d, ch: make(chan struct{})}
	c.sleepers = append(c.sleepers, s)
	c.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.ch:
		return nil
	}
}

// Sleepers is the number of goroutines sleeping on the clock, so that a test can advance it
// once they wait.
func (c *FakeClock) Sleepers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sleepers)
}

// Advance moves the clock forward by d and wakes the sleepers that are due.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now += d
	kept := c.sleepers[:0]
	for _, s := range c.sleepers {
		if s.until <= c.now {
			close(s.ch)
			continue
		}
		kept = append(kept, s)
	}
	c.sleepers = kept
}

// errDeadline is the cause of a context ended by WithTimeout.
var errDeadline = fmt.Errorf("drill clock deadline: %w", context.DeadlineExceeded)

// WithTimeout is context.WithTimeout on the drill's clock: the context is cancelled with cause
// errDeadline once d has passed on clock. The caller must call cancel.
func WithTimeout(ctx context.Context, clock Clock, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		if clock.Sleep(ctx, d) == nil {
			cancel(errDeadline)
		}
	}()
	return ctx, func() { cancel(context.Canceled) }
}

// TimedOut reports whether ctx ended because its WithTimeout deadline passed.
func TimedOut(ctx context.Context) bool { return errors.Is(context.Cause(ctx), errDeadline) }
