package runtime

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// GCOptions selects what drill gc removes, on any runtime. The zero value removes what runs on
// this host left behind when their process is gone.
type GCOptions struct {
	// OlderThan also removes runs, live or not and from any host, that started longer ago than
	// this. Zero turns it off.
	OlderThan time.Duration
	// RunID, when set, removes that run only, whatever its state.
	RunID string
	// DryRun reports what would be removed and removes nothing.
	DryRun bool
	// Labels restricts GC to resources that also carry all these labels.
	Labels map[string]string
	// Host is this machine's name, compared with the drill.host label. Default: os.Hostname.
	Host string
	// Now is the clock for OlderThan. Default: time.Now.
	Now func() time.Time
	// Alive reports whether the process that started a run on this host still runs. Default:
	// its pid exists and did not start after the run (a reused pid is another process).
	Alive func(pid int, started time.Time) bool
}

// GCRun is one run GC found: its labels, the decision and why, and its resources by name, of
// the kinds its runtime has (Docker: containers, networks, volumes; Kubernetes: namespaces).
type GCRun struct {
	Labels     RunLabels
	Remove     bool
	Reason     string
	Containers []string
	Networks   []string
	Volumes    []string
	Namespaces []string
}

// GCReport lists the runs GC found, oldest first.
type GCReport struct {
	Runs []GCRun
}

// Removed returns the runs GC removed (or, in a dry run, would remove).
func (r GCReport) Removed() []GCRun {
	return slices.DeleteFunc(slices.Clone(r.Runs), func(g GCRun) bool { return !g.Remove })
}

// Judge decides for each run a runtime found whether it is to be removed, and why (see
// GCOptions; its defaults apply), and returns them oldest first. It is the one decision
// every runtime's GC makes: it removes nothing itself.
func (o GCOptions) Judge(runs []GCRun) GCReport {
	o = o.withDefaults()
	var rep GCReport
	for _, g := range runs {
		g.Remove, g.Reason = o.decide(g.Labels)
		rep.Runs = append(rep.Runs, g)
	}
	slices.SortFunc(rep.Runs, func(a, b GCRun) int {
		return cmp.Or(a.Labels.Started.Compare(b.Labels.Started), strings.Compare(a.Labels.RunID, b.Labels.RunID))
	})
	return rep
}

func (o GCOptions) withDefaults() GCOptions {
	if o.Host == "" {
		o.Host = Hostname()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Alive == nil {
		o.Alive = processAlive
	}
	return o
}

// decide says whether a run is to be removed, and why.
func (o GCOptions) decide(r RunLabels) (remove bool, reason string) {
	if o.RunID != "" {
		if r.RunID == o.RunID {
			return true, "asked for by its ID"
		}
		return false, "not the run asked for"
	}
	if o.OlderThan > 0 && !r.Started.IsZero() {
		if age := o.Now().Sub(r.Started); age > o.OlderThan {
			return true, fmt.Sprintf("started %s ago, more than %s", age.Round(time.Second), o.OlderThan)
		}
	}
	switch {
	case r.Host == "" || r.PID <= 0:
		return false, "its labels do not say which process started it"
	case r.Host != o.Host:
		return false, fmt.Sprintf("started on another host (%s)", r.Host)
	case o.Alive(r.PID, r.Started):
		return false, fmt.Sprintf("process %d is still running", r.PID)
	}
	return true, fmt.Sprintf("process %d is gone", r.PID)
}
