package result

// Event kinds: what an Event on the timeline is.
const (
	// EventStep is a step: of the seed, protect, inject or recover phase, or of an action.
	EventStep = "step"
	// EventInstance is one site's instance of a step with foreach; its Site is set.
	EventInstance = "instance"
	// EventService is a service started by the harness, from create to ready.
	EventService = "service"
	// EventMilestone is the instant a manual step's milestone was confirmed.
	EventMilestone = "milestone"
	// EventNote is an instant the harness notes: how many sites are affected, the recovery
	// timeout or the grace reached.
	EventNote = "note"
	// EventKept is, with --keep, where a kept service is reached and how to remove the stack.
	EventKept = "kept"
)

// Outcomes of an event or a phase (a phase is never timeout).
const (
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"
	OutcomeTimeout = "timeout"
	// OutcomeAborted is an interruption (Ctrl-C, a cancelled drill): not a failure.
	OutcomeAborted = "aborted"
)

// Failed reports whether the event failed: its outcome is failed or timeout.
func (e Event) Failed() bool { return e.Outcome == OutcomeFailed || e.Outcome == OutcomeTimeout }
