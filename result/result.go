package result

import "time"

// SchemaVersion is the version of the JSON result format. It changes when a field changes
// meaning or is removed; adding a field does not change it.
const SchemaVersion = "drill.result/v1"

// Verdict is the outcome of a drill.
type Verdict string

// The verdicts. Pass: every objective met. Fail: a target breached, or a runbook step failed.
// Inconclusive: the harness or the infrastructure failed, so nothing was proven. Aborted: the
// drill was interrupted.
const (
	Pass         Verdict = "pass"
	Fail         Verdict = "fail"
	Inconclusive Verdict = "inconclusive"
	Aborted      Verdict = "aborted"
)

// Result is everything one drill (one scenario at one size) produced.
type Result struct {
	Schema  string  `json:"schema"`
	Run     Run     `json:"run"`
	Verdict Verdict `json:"verdict"`
	// Reason says in one line why the verdict is what it is.
	Reason string `json:"reason"`
	// Expected is true when the scenario is a negative control and the verdict and breaches
	// are the ones it declares.
	Expected bool    `json:"expected,omitempty"`
	Expect   *Expect `json:"expect,omitempty"`
	Metrics  Metrics `json:"metrics"`
	// Targets are the scenario's targets at this size, as evaluated into Objectives.
	Targets    []Target    `json:"targets,omitempty"`
	Objectives []Objective `json:"objectives"`
	Sites      []Site      `json:"sites"`
	Canaries   CanaryLoad  `json:"canaries"`
	// Probes states what the verification polls cost the harness, from t0 to the end of
	// verification.
	Probes   ProbeLoad `json:"probes"`
	Phases   []Phase   `json:"phases"`
	Timeline []Event   `json:"timeline"`
	Findings []string  `json:"findings,omitempty"`
	// Errors are harness or infrastructure failures (the cause of an inconclusive verdict).
	Errors []string `json:"errors,omitempty"`
}

// Expect is what a negative control declares it must catch.
type Expect struct {
	Verdict  Verdict  `json:"verdict"`
	Breaches []string `json:"breaches,omitempty"`
}

// Run identifies a drill and holds what is needed to reproduce it.
type Run struct {
	ID          string            `json:"id"`
	Scenario    string            `json:"scenario"`
	Description string            `json:"description,omitempty"`
	Stack       string            `json:"stack"`
	Size        string            `json:"size"`
	SizeParams  map[string]string `json:"size_params"`
	Seed        int64             `json:"seed"`
	Shard       string            `json:"shard,omitempty"`
	Started     time.Time         `json:"started"`
	Finished    time.Time         `json:"finished"`
	WallSeconds float64           `json:"wall_seconds"`
	// T0Seconds is the fault instant, in seconds from Started like every event.
	T0Seconds *float64 `json:"t0_seconds,omitempty"`
	// ProjectTo is the scenario's project-to (e.g. sites-affected: 883) and ProjectedRTO its
	// projected-rto target in seconds, for campaigns built from this result.
	ProjectTo    map[string]float64 `json:"project_to,omitempty"`
	ProjectedRTO *float64           `json:"projected_rto_target_seconds,omitempty"`
	Repro        Repro              `json:"repro"`
}

// Repro is the reproducibility data of a run.
type Repro struct {
	DrillVersion  string            `json:"drill_version"`
	ScenarioHash  string            `json:"scenario_sha256"`
	StackHash     string            `json:"stack_sha256"`     // of the stack file, followed by its compose file when it has one
	Images        map[string]string `json:"images,omitempty"` // image reference -> image ID
	DockerVersion string            `json:"docker_version,omitempty"`
	// KubernetesVersion is the API server's version of a drill run with --runtime kube (then
	// DockerVersion is empty).
	KubernetesVersion string `json:"kubernetes_version,omitempty"`
	HostCores         int    `json:"host_cores"`
	HostOS            string `json:"host_os,omitempty"`
	Command           string `json:"command,omitempty"`
	// CPUSeconds is the drill process's own CPU time (user+system), for its overhead.
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
}

// Phase is one phase of a drill (prepare, up, seed, protect, baseline, inject, recover, verify,
// measure, teardown) on the run's timeline.
type Phase struct {
	Name    string  `json:"name"`
	Start   float64 `json:"start"` // seconds from Run.Started
	End     float64 `json:"end"`
	Outcome string  `json:"outcome"` // ok, failed or aborted (OutcomeOK …)
	Error   string  `json:"error,omitempty"`
}

// Event is one timed thing on the run's monotonic timeline: a step, one site-instance of a
// step, a service start, a milestone, a note. Probe polls are not events: what they found is
// in each Site's row (why it is affected, when it recovered) and their cost in Probes.
type Event struct {
	Phase   string  `json:"phase"`
	Kind    string  `json:"kind"` // step, instance, service, milestone, note, kept (EventStep …)
	Name    string  `json:"name"`
	Site    string  `json:"site,omitempty"`
	Start   float64 `json:"start"` // seconds from Run.Started
	End     float64 `json:"end"`
	Outcome string  `json:"outcome"` // ok, failed, timeout, aborted (OutcomeOK …)
	Attempt int     `json:"attempt,omitempty"`
	Output  string  `json:"output,omitempty"` // tail of the output, secrets redacted
}

// ProbeLoad says what the verification polls cost: their rounds and drill's own CPU.
type ProbeLoad struct {
	Rounds int `json:"rounds"` // poll rounds completed
	// RoundP50Seconds and RoundP95Seconds are nearest-rank percentiles of a round's duration
	// (every product of every site checked once).
	RoundP50Seconds float64 `json:"round_p50_seconds"`
	RoundP95Seconds float64 `json:"round_p95_seconds"`
	// CPUSeconds is drill's own process CPU time (user + system) over WallSeconds, from t0 to
	// the end of verification: measured with getrusage around the window, not estimated.
	CPUSeconds  float64 `json:"cpu_seconds"`
	WallSeconds float64 `json:"wall_seconds"`
	CPUShare    float64 `json:"cpu_share"` // CPUSeconds / WallSeconds
}

// CanaryLoad is what the canary writers added to the stack's load.
type CanaryLoad struct {
	IntervalSeconds    float64 `json:"interval_seconds"`
	Writes             int     `json:"writes"` // requests sent, all products
	Acked              int     `json:"acked"`  // site canaries acknowledged
	Failed             int     `json:"failed"` // site canaries that failed
	RequestsPerSecond  float64 `json:"requests_per_second"`
	RowsPerSecond      float64 `json:"rows_per_second"`
	MeanLatencySeconds float64 `json:"mean_latency_seconds"`
}
