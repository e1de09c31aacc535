package docker

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/drill-dev/drill/harness/runtime"
)

// GCOptions selects what GC removes. The zero value removes what runs on this host left behind
// when their process is gone.
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

// GCRun is one run GC found: its labels, the decision and why, and its resources by name.
type GCRun struct {
	Labels     RunLabels
	Remove     bool
	Reason     string
	Containers []string
	Networks   []string
	Volumes    []string
}

// GCReport lists the runs GC found, oldest first.
type GCReport struct {
	Runs []GCRun
}

// Removed returns the runs GC removed (or, in a dry run, would remove).
func (r GCReport) Removed() []GCRun {
	return slices.DeleteFunc(slices.Clone(r.Runs), func(g GCRun) bool { return !g.Remove })
}

// GC finds the containers, networks and volumes that carry the drill.run-id label, decides
// per run whether it is dead (see GCOptions), and removes the dead runs' resources: all
// containers first (forced, with their anonymous volumes), then networks, then volumes.
// Anything without the label is never touched; a live run is left alone. Resources that
// vanish meanwhile are not errors; other failures are joined and the rest still removed.
func GC(ctx context.Context, rt *Runtime, opts GCOptions) (GCReport, error) {
	opts = opts.withDefaults()
	runs, err := rt.findRuns(ctx, opts.Labels)
	if err != nil {
		return GCReport{}, err
	}
	var rep GCReport
	for _, g := range runs {
		g.Remove, g.Reason = opts.decide(g.Labels)
		rep.Runs = append(rep.Runs, *g)
	}
	slices.SortFunc(rep.Runs, func(a, b GCRun) int {
		return cmp.Or(a.Labels.Started.Compare(b.Labels.Started), strings.Compare(a.Labels.RunID, b.Labels.RunID))
	})
	if opts.DryRun {
		return rep, nil
	}
	return rep, rt.removeRuns(ctx, rep.Removed())
}

func (o GCOptions) withDefaults() GCOptions {
	if o.Host == "" {
		o.Host = runtime.Hostname()
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

// findRuns lists the labelled resources, grouped by run ID.
func (r *Runtime) findRuns(ctx context.Context, extra map[string]string) (map[string]*GCRun, error) {
	f := client.Filters{}.Add("label", LabelRunID)
	for k, v := range extra {
		f.Add("label", k+"="+v)
	}
	runs := map[string]*GCRun{}
	run := func(labels map[string]string) *GCRun {
		l, _ := ParseRunLabels(labels) // what cannot be read stays zero: decide keeps such runs
		g := runs[l.RunID]
		if g == nil {
			g = &GCRun{Labels: l}
			runs[l.RunID] = g
		}
		return g
	}
	cs, err := r.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", engineErr(r.host, err))
	}
	for _, c := range cs.Items {
		g := run(c.Labels)
		g.Containers = append(g.Containers, containerName(c.Names, c.ID))
	}
	ns, err := r.cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", engineErr(r.host, err))
	}
	for _, n := range ns.Items {
		g := run(n.Labels)
		g.Networks = append(g.Networks, n.Name)
	}
	vs, err := r.cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", engineErr(r.host, err))
	}
	for _, v := range vs.Items {
		g := run(v.Labels)
		g.Volumes = append(g.Volumes, v.Name)
	}
	for _, g := range runs {
		slices.Sort(g.Containers)
		slices.Sort(g.Networks)
		slices.Sort(g.Volumes)
	}
	return runs, nil
}

// removeRuns removes the runs' containers, then their networks, then their volumes.
func (r *Runtime) removeRuns(ctx context.Context, runs []GCRun) error {
	var errs []error
	keep := func(err error) {
		if err != nil && !errors.Is(err, runtime.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	for _, g := range runs {
		for _, c := range g.Containers {
			_, err := r.cli.ContainerRemove(ctx, c, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			if err != nil {
				keep(fmt.Errorf("remove container %s: %w", c, notFound(err)))
			}
		}
	}
	for _, g := range runs {
		for _, n := range g.Networks {
			keep(r.RemoveNetwork(ctx, n))
		}
	}
	for _, g := range runs {
		for _, v := range g.Volumes {
			keep(r.RemoveVolume(ctx, v))
		}
	}
	return errors.Join(errs...)
}

// containerName returns a container's name without Docker's leading slash, or its short ID.
func containerName(names []string, id string) string {
	if len(names) > 0 {
		return strings.TrimPrefix(names[0], "/")
	}
	return id[:min(12, len(id))]
}
