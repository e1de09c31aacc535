package harness

import (
	"context"
	"fmt"
	"time"

	"github.com/drill-dev/drill/scenarios"
)

// poll checks a probe every interval until it passes, the timeout ends or ctx is done.
func (d *drill) poll(ctx context.Context, p scenarios.Probe, data scenarios.TemplateData, defaultService string, timeout, interval time.Duration) error {
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	if interval <= 0 {
		interval = 250 * time.Millisecond
	}
	deadline := d.clock.Now() + timeout
	var last error
	for {
		_, err := d.plane.Check(ctx, p, data, defaultService)
		if err == nil {
			return nil
		}
		last = err
		if d.clock.Now() >= deadline {
			return fmt.Errorf("not passing after %s: %w", timeout, last)
		}
		if err := d.clock.Sleep(ctx, interval); err != nil {
			return err
		}
	}
}
