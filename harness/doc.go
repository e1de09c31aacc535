// Package harness is drill's engine: it turns a loaded scenario and stack into a plan, brings
// the stack up through a runtime.Runtime, seeds it, protects it, takes the baseline, injects the
// faults, runs the recovery runbook, verifies and measures, and always tears down.
//
// Its rooms are sub-packages that never import it: runtime (the engine interface), clock,
// recovery (the metric arithmetic), transport (the data plane), verify (the verifier) and canary
// (the canary writers). The engine hands each what it needs; docs/architecture.md maps them.
// Its logic is tested with a fake runtime and a fake clock.
package harness
