package runtime

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"strconv"
	"time"
)

// RunLabels names one run of drill on one host: the labels every resource of the run carries.
type RunLabels struct {
	RunID    string
	Host     string
	PID      int
	Started  time.Time
	Scenario string
	Size     string
}

// NewRunLabels returns the labels of a run started now by this process on this host.
func NewRunLabels(runID, scenario, size string) RunLabels {
	return RunLabels{
		RunID:    runID,
		Host:     Hostname(),
		PID:      os.Getpid(),
		Started:  time.Now().UTC().Truncate(time.Second),
		Scenario: scenario,
		Size:     size,
	}
}

// Map returns the labels as a map, merged over extra (the run's labels win). The result is a
// new map.
func (r RunLabels) Map(extra ...map[string]string) map[string]string {
	m := make(map[string]string, 6)
	for _, e := range extra {
		maps.Copy(m, e)
	}
	m[LabelRunID] = r.RunID
	m[LabelHost] = r.Host
	m[LabelPID] = strconv.Itoa(r.PID)
	m[LabelStarted] = r.Started.UTC().Format(time.RFC3339)
	m[LabelScenario] = r.Scenario
	m[LabelSize] = r.Size
	return m
}

// ParseRunLabels reads the run labels from a resource's labels. It fails when the run ID is
// absent; a missing or malformed host, pid or start time is reported in the error but the
// fields that could be read are returned.
func ParseRunLabels(labels map[string]string) (RunLabels, error) {
	r := RunLabels{
		RunID:    labels[LabelRunID],
		Host:     labels[LabelHost],
		Scenario: labels[LabelScenario],
		Size:     labels[LabelSize],
	}
	if r.RunID == "" {
		return r, fmt.Errorf("no %s label", LabelRunID)
	}
	var errs []error
	if r.Host == "" {
		errs = append(errs, fmt.Errorf("no %s label", LabelHost))
	}
	pid, err := strconv.Atoi(labels[LabelPID])
	if err != nil || pid <= 0 {
		errs = append(errs, fmt.Errorf("%s label %q is not a process ID", LabelPID, labels[LabelPID]))
	}
	r.PID = pid
	started, err := time.Parse(time.RFC3339, labels[LabelStarted])
	if err != nil {
		errs = append(errs, fmt.Errorf("%s label %q is not an RFC 3339 time", LabelStarted, labels[LabelStarted]))
	}
	r.Started = started
	if err := errors.Join(errs...); err != nil {
		return r, fmt.Errorf("run %s: %w", r.RunID, err)
	}
	return r, nil
}
