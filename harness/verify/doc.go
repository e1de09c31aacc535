// Package verify is how drill knows when each site came back: a Verifier polls every site's
// health in every product on a fixed schedule from t0 (schedule.go), proves a healthy site's
// data equal to the baseline off the health round (proofs.go), polls the milestones, and keeps
// the samples that harness/recovery turns into metrics. A Reader does the reads, through the
// data plane (harness/transport), on bounded pools.
//
// It owns its state behind methods and is handed what it needs of the drill as a small
// interface (Drill) and a Config; it never imports the engine.
package verify
