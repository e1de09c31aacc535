package docker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/moby/moby/client"

	"github.com/drill-dev/drill/harness/runtime"
)

// GC finds the containers, networks and volumes that carry the drill.run-id label, decides
// per run whether it is dead (runtime.GCOptions.Judge), and removes the dead runs' resources: all
// containers first (forced, with their anonymous volumes), then networks, then volumes.
// Anything without the label is never touched; a live run is left alone. Resources that
// vanish meanwhile are not errors; other failures are joined and the rest still removed.
func GC(ctx context.Context, rt *Runtime, opts runtime.GCOptions) (runtime.GCReport, error) {
	runs, err := rt.findRuns(ctx, opts.Labels)
	if err != nil {
		return runtime.GCReport{}, err
	}
	rep := opts.Judge(runs)
	if opts.DryRun {
		return rep, nil
	}
	return rep, rt.removeRuns(ctx, rep.Removed())
}

// findRuns lists the labelled resources, grouped by run ID.
func (r *Runtime) findRuns(ctx context.Context, extra map[string]string) ([]runtime.GCRun, error) {
	f := client.Filters{}.Add("label", runtime.LabelRunID)
	for k, v := range extra {
		f.Add("label", k+"="+v)
	}
	runs := map[string]*runtime.GCRun{}
	run := func(labels map[string]string) *runtime.GCRun {
		l, _ := runtime.ParseRunLabels(labels) // what cannot be read stays zero: decide keeps such runs
		g := runs[l.RunID]
		if g == nil {
			g = &runtime.GCRun{Labels: l}
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
	out := make([]runtime.GCRun, 0, len(runs))
	for _, g := range runs {
		slices.Sort(g.Containers)
		slices.Sort(g.Networks)
		slices.Sort(g.Volumes)
		out = append(out, *g)
	}
	return out, nil
}

// removeRuns removes the runs' containers, then their networks, then their volumes.
func (r *Runtime) removeRuns(ctx context.Context, runs []runtime.GCRun) error {
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
