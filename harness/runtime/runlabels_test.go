package runtime

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestRunLabelsRoundTrip(t *testing.T) {
	r := NewRunLabels("r-1", "atlassian-2022", "small")
	if r.PID != os.Getpid() || r.Host == "" {
		t.Fatalf("NewRunLabels = %+v, want this process on this host", r)
	}
	m := r.Map(map[string]string{"other": "kept", LabelRunID: "overridden"})
	if m["other"] != "kept" || m[LabelRunID] != "r-1" {
		t.Errorf("Map = %v, want extra labels kept and the run's labels winning", m)
	}
	got, err := ParseRunLabels(m)
	if err != nil {
		t.Fatal(err)
	}
	if got != r {
		t.Errorf("ParseRunLabels(Map()) = %+v, want %+v", got, r)
	}
	if s := m[LabelStarted]; !strings.HasSuffix(s, "Z") {
		t.Errorf("started = %q, want RFC 3339 in UTC", s)
	}
}

func TestParseRunLabelsErrors(t *testing.T) {
	if _, err := ParseRunLabels(map[string]string{"x": "y"}); err == nil {
		t.Error("labels without a run ID parsed")
	}
	r, err := ParseRunLabels(map[string]string{LabelRunID: "r-2", LabelPID: "abc", LabelStarted: "yesterday"})
	if err == nil {
		t.Fatal("malformed pid, start time and missing host parsed")
	}
	for _, want := range []string{"run r-2", LabelHost, `"abc"`, `"yesterday"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if r.RunID != "r-2" || !r.Started.Equal(time.Time{}) {
		t.Errorf("partial parse = %+v", r)
	}
}

// The labels the harness puts on a run's resources are the ones GC reads back.
func TestGCReadsTheLabelsTheHarnessWrites(t *testing.T) {
	started := time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)
	r, err := ParseRunLabels(Labels("r-2", "volume-loss", "medium", started))
	if err != nil {
		t.Fatal(err)
	}
	want := RunLabels{RunID: "r-2", Host: Hostname(), PID: os.Getpid(), Started: started, Scenario: "volume-loss", Size: "medium"}
	if r != want {
		t.Fatalf("parsed %+v, want %+v", r, want)
	}
}
