package runtime

import (
	"os"
	"strconv"
	"time"
)

// The labels that name the run a container, network or volume belongs to. drill gc finds
// resources by LabelRunID and never touches anything without it.
const (
	LabelRunID    = "drill.run-id"
	LabelHost     = "drill.host"
	LabelPID      = "drill.pid"
	LabelStarted  = "drill.started" // RFC 3339, UTC
	LabelScenario = "drill.scenario"
	LabelSize     = "drill.size"
)

// Labels are the labels on every resource of a run: the run, the host, this process, its start.
func Labels(runID, scenario, size string, started time.Time) map[string]string {
	return map[string]string{
		LabelRunID:    runID,
		LabelHost:     Hostname(),
		LabelPID:      strconv.Itoa(os.Getpid()),
		LabelStarted:  started.UTC().Format(time.RFC3339),
		LabelScenario: scenario,
		LabelSize:     size,
	}
}

// Hostname is this machine's name as the labels record it, or "unknown" when the kernel will
// not say.
func Hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}
