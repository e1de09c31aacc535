package harness

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/runtime"
)

// Cleanup is a last-in-first-out stack of teardown functions. Every created resource pushes its
// teardown right after it is created (before its error is checked, when the create may have
// half-succeeded). Run executes them on a context that ignores the caller's cancellation but has
// its own timeout, treats ErrNotFound as done, and joins the other errors.
type Cleanup struct {
	mu    sync.Mutex
	items []cleanupItem
	log   *slog.Logger
}

type cleanupItem struct {
	name string
	fn   func(context.Context) error
}

// Push adds a teardown function named for the log.
func (c *Cleanup) Push(name string, fn func(context.Context) error) {
	c.mu.Lock()
	c.items = append(c.items, cleanupItem{name, fn})
	c.mu.Unlock()
}

// Len is the number of pending teardowns.
func (c *Cleanup) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// Run pops and runs every teardown, last pushed first, within timeout. It is safe to call more
// than once; later calls run only what was pushed since.
func (c *Cleanup) Run(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var errs []error
	for {
		c.mu.Lock()
		if len(c.items) == 0 {
			c.mu.Unlock()
			break
		}
		it := c.items[len(c.items)-1]
		c.items = c.items[:len(c.items)-1]
		c.mu.Unlock()
		if err := runItem(ctx, it); err != nil && !errors.Is(err, runtime.ErrNotFound) {
			if c.log != nil {
				c.log.Warn("teardown", "item", it.name, "err", err)
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// runItem runs one teardown; a panic in it is its error, so the ones after it still run.
func runItem(ctx context.Context, it cleanupItem) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("teardown of %s panicked: %v", it.name, v)
		}
	}()
	return it.fn(ctx)
}
