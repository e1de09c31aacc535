// Package harness is drill's engine: it turns a loaded scenario and stack into a plan, brings
// the stack up through a Runtime, seeds it, protects it, takes the baseline, injects the faults,
// runs the recovery runbook, verifies and measures, and always tears down. It talks to
// containers only through the narrow Runtime interface, so its logic is tested with a fake
// runtime and a fake clock.
package harness
