// Package transport is drill's data plane: every request drill sends to a stack's services
// (steps, readiness and steady-state probes, health and fingerprint checks, their batch forms,
// canary writes and reads, the tenant list) goes through a Plane, over the transport its
// declaration names. Each transport is one file (http.go, sql.go, exec.go) implementing form;
// formOf in transport.go is the only switch on them, and contracts.go reads every contract's
// answer whatever the transport (rows from sql, JSON from http and exec).
//
// A Plane is handed the stack and a Services that finds a service's current container; it
// imports harness/runtime and scenarios, never the engine.
package transport
