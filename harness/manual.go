package harness

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// Operator answers the runbook's manual steps: the person (or people) running a game day.
type Operator interface {
	// Await shows p to the operator and blocks until they answer or ctx ends (the step's
	// timeout, the recovery timeout, an interrupt); it then returns ctx's error.
	Await(ctx context.Context, p Prompt) (Answer, error)
}

// Prompt is one manual step waiting for its answer.
type Prompt struct {
	Run  string // the run ID, for drill ack RUN-ID
	Step string // the step's name on the timeline
	Text string // the rendered prompt
	// Shown is the wall-clock instant the prompt was shown.
	Shown time.Time
}

// Answer is the operator's answer to a prompt.
type Answer struct {
	// Failed is true when the operator failed the step; Reason says why.
	Failed bool
	Reason string
	// By says who answered, for the result: "terminal", "drill ack (alice@host)" …
	By string
}

// ErrUnattended marks a drill that nobody can answer: a manual step without simulate and no
// operator. The error Run returns for it matches both ErrUnattended and scenarios.ErrInvalid.
var ErrUnattended = errors.New("nobody can answer its manual steps")

// manualStep performs a manual step: it asks the operator, or, with none, waits the step's
// simulated human delay. The instant of confirmation is the step's milestone when it has one.
func (d *drill) manualStep(ctx context.Context, st *scenarios.Step, env stepEnv) (string, error) {
	name := stepName(st, env.prefix)
	text, err := scenarios.Render(st.Manual.Prompt, env.data)
	if err != nil {
		return "", fmt.Errorf("prompt: %w", err)
	}
	note := manualNote{prompt: text}
	defer func() { d.book.manual(name, note) }()
	if d.cfg.operator == nil {
		if st.Manual.Simulate == nil { // Run refuses such a scenario; this is a second guard
			return "", fmt.Errorf("no operator, no simulate: %w", ErrUnattended)
		}
		note.simulated, note.by = true, "simulated"
		if err := d.clock.Sleep(ctx, *st.Manual.Simulate); err != nil {
			return "", err
		}
		d.manualMilestone(st)
		return "simulated " + scenarios.FormatDuration(*st.Manual.Simulate) + " (a modelled human delay): " + text, nil
	}
	ans, err := d.cfg.operator.Await(ctx, Prompt{Run: d.runID, Step: name, Text: text, Shown: d.clock.Wall(d.clock.Now())})
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		return "", err
	}
	note.by = ans.By
	if ans.Failed {
		note.reason = ans.Reason
		return "", fmt.Errorf("failed by %s: %s", ans.By, ans.Reason)
	}
	d.manualMilestone(st)
	return "confirmed by " + ans.By + ": " + text, nil
}

// manualMilestone records a manual step's milestone at this instant, from t0.
func (d *drill) manualMilestone(st *scenarios.Step) {
	name := st.Manual.Milestone
	if name == "" {
		return
	}
	now := d.clock.Now()
	d.mu.Lock()
	v := (now - d.t0).Seconds()
	d.mu.Unlock()
	d.book.milestone(name, v)
	d.tl.Note(PhaseRecover, result.EventMilestone, name, "", result.OutcomeOK)
}

// checkAttended refuses a scenario whose manual steps nobody can answer: no operator and a
// manual step without simulate. The error lists each such step with its position.
func checkAttended(sc *scenarios.Scenario, cfg config) error {
	if cfg.operator != nil {
		return nil
	}
	if err := sc.CheckUnattended(); err != nil {
		return fmt.Errorf("scenario %s: %w unattended:\n%w", sc.Name, ErrUnattended, err)
	}
	return nil
}
