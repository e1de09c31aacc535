package harness

import (
	"maps"
	"slices"
	"sync"

	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// runbookBook records the runbook's top-level steps as they end, what the operator said to
// each manual step, and the milestones of manual steps.
type runbookBook struct {
	mu         sync.Mutex
	steps      []result.RunbookStep
	notes      map[string]manualNote
	milestones map[string]float64 // name -> seconds from t0
}

// manualNote is what a manual step adds to its runbook row.
type manualNote struct {
	prompt, by, reason string
	simulated          bool
}

func (b *runbookBook) manual(step string, n manualNote) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.notes == nil {
		b.notes = map[string]manualNote{}
	}
	b.notes[step] = n
}

func (b *runbookBook) milestone(name string, seconds float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.milestones == nil {
		b.milestones = map[string]float64{}
	}
	b.milestones[name] = seconds
}

// step records a top-level runbook step that has ended.
func (b *runbookBook) step(st *scenarios.Step, ev result.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	row := result.RunbookStep{Name: ev.Name, Kind: result.RunbookAutomated, Start: ev.Start, End: ev.End,
		Seconds: ev.End - ev.Start, Outcome: ev.Outcome}
	if st.Kind == scenarios.KindManual {
		n := b.notes[ev.Name]
		row.Kind, row.Prompt, row.AnsweredBy, row.Simulated, row.Reason = result.RunbookHuman, n.prompt, n.by, n.simulated, n.reason
	}
	b.steps = append(b.steps, row)
}

// runbook sums the recorded steps; nil when no step of the runbook ran.
func (b *runbookBook) runbook() *result.Runbook {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.steps) == 0 {
		return nil
	}
	rb := &result.Runbook{Steps: slices.Clone(b.steps)}
	first, last := b.steps[0].Start, b.steps[0].End
	for _, s := range b.steps {
		first, last = min(first, s.Start), max(last, s.End)
		if s.Kind == result.RunbookHuman {
			rb.HumanSeconds += s.Seconds
			if s.Simulated {
				rb.SimulatedSeconds += s.Seconds
			}
		}
	}
	rb.Seconds = last - first
	rb.AutomatedSeconds = max(rb.Seconds-rb.HumanSeconds, 0)
	return rb
}

// addRunbook adds the runbook's human and automated time and the manual steps' milestones to
// the metrics, before they are scored.
func (d *drill) addRunbook(metrics *result.Metrics) {
	metrics.Runbook = d.book.runbook()
	d.book.mu.Lock()
	ms := maps.Clone(d.book.milestones)
	d.book.mu.Unlock()
	for _, st := range d.sc.ManualSteps() {
		name := st.Manual.Milestone
		if name == "" || metrics.Runbook == nil {
			continue
		}
		if metrics.Milestones == nil {
			metrics.Milestones = map[string]*float64{}
		}
		if v, ok := ms[name]; ok {
			metrics.Milestones[name] = &v
		} else {
			metrics.Milestones[name] = nil
		}
	}
}
