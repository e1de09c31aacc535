package result

// Runbook splits the recovery runbook's time into human (its manual steps, confirmed by a
// person or simulated) and automated (everything else), with a row per top-level step.
type Runbook struct {
	// Seconds is the runbook's wall time: the first step's start to the last step's end.
	Seconds float64 `json:"seconds"`
	// HumanSeconds is the time of the manual steps; SimulatedSeconds the part of it that was a
	// modelled delay (an unattended run) rather than a person.
	HumanSeconds     float64 `json:"human_seconds"`
	SimulatedSeconds float64 `json:"simulated_seconds"`
	// AutomatedSeconds is Seconds − HumanSeconds.
	AutomatedSeconds float64       `json:"automated_seconds"`
	Steps            []RunbookStep `json:"steps"`
}

// Who does a runbook step.
const (
	RunbookHuman     = "human"
	RunbookAutomated = "automated"
)

// RunbookStep is one top-level step of the runbook.
type RunbookStep struct {
	Name    string  `json:"name"`
	Kind    string  `json:"kind"`  // human (a manual step) or automated
	Start   float64 `json:"start"` // seconds from Run.Started
	End     float64 `json:"end"`
	Seconds float64 `json:"seconds"`
	Outcome string  `json:"outcome"` // ok, failed, timeout, aborted
	// Prompt is a manual step's rendered prompt; AnsweredBy who answered it ("terminal",
	// "drill ack (user@host)", "simulated"); Simulated whether the time was modelled;
	// Reason why the operator failed it.
	Prompt     string `json:"prompt,omitempty"`
	AnsweredBy string `json:"answered_by,omitempty"`
	Simulated  bool   `json:"simulated,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// time returns the human-time or automated-time measurement of r.
func (r *Runbook) time(name string) (*float64, string) {
	if r == nil {
		return nil, "the runbook did not run"
	}
	if name == "human-time" {
		return &r.HumanSeconds, ""
	}
	return &r.AutomatedSeconds, ""
}
