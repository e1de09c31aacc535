package harness

import (
	"fmt"
	"maps"
	"slices"
	"strings"
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

// scoreRunbook adds the runbook's human and automated time and the manual steps' milestones
// to a result that finish has scored, evaluates the objectives again with them and, when the
// objectives decide the verdict (pass, or fail by a breach), decides it again.
//
// finish scores before these measurements are in the metrics, so it sees human-time,
// automated-time and manual milestones as not measured; this pass is the one that counts.
func (d *drill) scoreRunbook(res *result.Result, m *measurement, scored bool) {
	res.Metrics.Runbook = d.book.runbook()
	d.book.mu.Lock()
	ms := maps.Clone(d.book.milestones)
	d.book.mu.Unlock()
	for _, st := range d.sc.ManualSteps() {
		name := st.Manual.Milestone
		if name == "" || res.Metrics.Runbook == nil {
			continue
		}
		if res.Metrics.Milestones == nil {
			res.Metrics.Milestones = map[string]*float64{}
		}
		if v, ok := ms[name]; ok {
			res.Metrics.Milestones[name] = &v
		} else {
			res.Metrics.Milestones[name] = nil
		}
	}
	tg := d.sc.Targets.For(d.size.Name)
	if !scored || (len(ms) == 0 && tg.HumanTime == nil && tg.AutomatedTime == nil && len(d.sc.ManualSteps()) == 0) {
		return
	}
	res.Objectives = result.Evaluate(res.Metrics, res.Targets)
	res.Findings = result.Findings(*res)
	if res.Verdict != result.Pass && (res.Verdict != result.Fail || m.recoverErr != nil) {
		return // inconclusive, or a failed runbook: the objectives do not decide it
	}
	breaches := result.Breaches(res.Objectives)
	if len(breaches) > 0 {
		res.Verdict = result.Fail
		res.Reason = fmt.Sprintf("%d of %d objectives breached: %s", len(breaches), len(res.Objectives), strings.Join(breaches, ", "))
	} else {
		res.Verdict = result.Pass
		res.Reason = fmt.Sprintf("all %d objectives met", len(res.Objectives))
	}
	if res.Expect != nil {
		res.Expected = result.Caught(res.Expect, res.Verdict, res.Objectives)
		if res.Expected {
			res.Reason = "negative control caught what it declares: " + res.Reason
		} else {
			res.Reason = fmt.Sprintf("negative control did not catch what it declares (verdict %s, breaches %v): %s", res.Expect.Verdict, res.Expect.Breaches, res.Reason)
		}
	}
}
