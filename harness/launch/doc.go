// Package launch starts drills for the programs that run them: drill run, drill gc and drill
// doctor (cmd/drill) and the Ginkgo helpers (drills). Connect connects to the engine once, the
// same way for all of them; Drill runs one drill into a folder (drill.log, the service logs,
// result.json) the same way for all of them.
//
// launch imports harness and the runtimes (harness/docker, harness/kube) and is imported only
// by the programs: nothing in harness imports it. It is the one place that chooses a runtime by
// name (docker, the default, or kube).
package launch
