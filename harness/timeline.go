package harness

import (
	"sort"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/clock"
	"github.com/drill-dev/drill/result"
)

// Timeline records every timed thing of a drill on one monotonic clock. It is safe for
// concurrent use.
type Timeline struct {
	clock  clock.Clock
	mu     sync.Mutex
	events []result.Event
	phases []result.Phase
}

// NewTimeline returns an empty timeline on clock.
func NewTimeline(clock clock.Clock) *Timeline { return &Timeline{clock: clock} }

// Span is an event in progress; End records it.
type Span struct {
	tl    *Timeline
	event result.Event
}

// Begin starts an event of kind in phase, now.
func (t *Timeline) Begin(phase, kind, name, site string) *Span {
	return &Span{tl: t, event: result.Event{
		Phase: phase, Kind: kind, Name: name, Site: site, Start: seconds(t.clock.Now()),
	}}
}

// End records the span with its outcome and the tail of its output.
func (s *Span) End(outcome string, attempt int, output string) result.Event {
	s.event.End = seconds(s.tl.clock.Now())
	s.event.Outcome = outcome
	s.event.Attempt = attempt
	s.event.Output = tail(output, 2000)
	s.tl.add(s.event)
	return s.event
}

// Note records an instant event.
func (t *Timeline) Note(phase, kind, name, site, outcome string) {
	now := seconds(t.clock.Now())
	t.add(result.Event{Phase: phase, Kind: kind, Name: name, Site: site, Start: now, End: now, Outcome: outcome})
}

func (t *Timeline) add(e result.Event) {
	t.mu.Lock()
	t.events = append(t.events, e)
	t.mu.Unlock()
}

// Phase records a phase from start to now.
func (t *Timeline) Phase(name string, start time.Duration, outcome string, err error) {
	p := result.Phase{Name: name, Start: seconds(start), End: seconds(t.clock.Now()), Outcome: outcome}
	if err != nil {
		p.Error = err.Error()
	}
	t.mu.Lock()
	t.phases = append(t.phases, p)
	t.mu.Unlock()
}

// Events returns the events sorted by start, then end, then name and site.
func (t *Timeline) Events() []result.Event {
	t.mu.Lock()
	out := append([]result.Event(nil), t.events...)
	t.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Site < b.Site
	})
	return out
}

// Phases returns the phases in the order they ended.
func (t *Timeline) Phases() []result.Phase {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]result.Phase(nil), t.phases...)
}

func seconds(d time.Duration) float64 { return d.Seconds() }

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
