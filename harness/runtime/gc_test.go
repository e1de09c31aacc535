package runtime

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestGCDecide(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	alive := map[int]bool{100: true}
	opts := GCOptions{Host: "here", Now: func() time.Time { return now }, Alive: func(pid int, _ time.Time) bool { return alive[pid] }}
	run := func(host string, pid int, age time.Duration) RunLabels {
		return RunLabels{RunID: "r", Host: host, PID: pid, Started: now.Add(-age)}
	}
	tests := []struct {
		name   string
		opts   func(GCOptions) GCOptions
		run    RunLabels
		remove bool
		reason string
	}{
		{"dead process here", nil, run("here", 200, time.Minute), true, "process 200 is gone"},
		{"live process here", nil, run("here", 100, 48*time.Hour), false, "process 100 is still running"},
		{"other host", nil, run("there", 200, 48*time.Hour), false, "another host (there)"},
		{"no pid label", nil, run("here", 0, time.Minute), false, "do not say which process"},
		{"older than, live", func(o GCOptions) GCOptions { o.OlderThan = time.Hour; return o }, run("here", 100, 2*time.Hour), true, "started 2h0m0s ago, more than 1h0m0s"},
		{"older than, other host", func(o GCOptions) GCOptions { o.OlderThan = time.Hour; return o }, run("there", 100, 2*time.Hour), true, "more than 1h0m0s"},
		{"younger than, live", func(o GCOptions) GCOptions { o.OlderThan = time.Hour; return o }, run("here", 100, 30*time.Minute), false, "still running"},
		{"by ID, live", func(o GCOptions) GCOptions { o.RunID = "r"; return o }, run("here", 100, time.Minute), true, "asked for"},
		{"by ID, another run", func(o GCOptions) GCOptions { o.RunID = "s"; return o }, run("here", 200, time.Minute), false, "not the run asked for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts
			if tt.opts != nil {
				o = tt.opts(o)
			}
			remove, reason := o.decide(tt.run)
			if remove != tt.remove || !strings.Contains(reason, tt.reason) {
				t.Errorf("decide = %v, %q; want %v, %q", remove, reason, tt.remove, tt.reason)
			}
		})
	}
}

func TestProcessAlive(t *testing.T) {
	if !processAlive(os.Getpid(), time.Now()) {
		t.Error("this process is not alive")
	}
	if _, ok := processStart(os.Getpid()); ok && processAlive(os.Getpid(), time.Now().Add(-24*time.Hour)) {
		t.Error("a run that started a day before this process is alive: a reused pid counts as the run's")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if processAlive(cmd.Process.Pid, time.Now()) {
		t.Errorf("exited process %d is alive", cmd.Process.Pid)
	}
}

// Judge decides every run with the same rules and lists them oldest first, ties by run ID.
func TestGCJudge(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	opts := GCOptions{Host: "here", Now: func() time.Time { return now }, Alive: func(pid int, _ time.Time) bool { return pid == 100 }}
	runs := []GCRun{
		{Labels: RunLabels{RunID: "young", Host: "here", PID: 100, Started: now.Add(-time.Minute)}, Namespaces: []string{"drill-young"}},
		{Labels: RunLabels{RunID: "b-old", Host: "here", PID: 200, Started: now.Add(-time.Hour)}},
		{Labels: RunLabels{RunID: "a-old", Host: "there", PID: 200, Started: now.Add(-time.Hour)}},
	}
	rep := opts.Judge(runs)
	var got []string
	for _, r := range rep.Runs {
		got = append(got, r.Labels.RunID+":"+strconv.FormatBool(r.Remove))
	}
	if want := "a-old:false b-old:true young:false"; strings.Join(got, " ") != want {
		t.Errorf("Judge = %v, want %s", got, want)
	}
	if len(rep.Removed()) != 1 || rep.Runs[2].Namespaces[0] != "drill-young" {
		t.Errorf("Removed = %+v; runs %+v", rep.Removed(), rep.Runs)
	}
}
