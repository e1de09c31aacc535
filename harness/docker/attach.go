package docker

import (
	"context"
	"fmt"

	"github.com/moby/moby/client"

	"github.com/drill-dev/drill/harness/runtime"
)

// RunContainers finds the containers of one run (those labelled drill.run-id=runID, a stack
// kept with --keep) and returns them by name, attached: their endpoints, execs and logs work
// as for containers this process started. A run with no container is an error that says so.
func (r *Runtime) RunContainers(ctx context.Context, runID string) (map[string]runtime.Container, error) {
	f := client.Filters{}.Add("label", runtime.LabelRunID+"="+runID)
	cs, err := r.cli.ContainerList(ctx, client.ContainerListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", engineErr(r.host, err))
	}
	out := make(map[string]runtime.Container, len(cs.Items))
	for _, c := range cs.Items {
		tc, err := r.provider.ContainerFromType(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("attach %s: %w", containerName(c.Names, c.ID), err)
		}
		name := containerName(c.Names, c.ID)
		out[name] = &Container{rt: r, tc: tc, name: name, id: c.ID}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no running container carries %s=%s (drill gc --dry-run lists the runs left on this engine)", runtime.LabelRunID, runID)
	}
	return out, nil
}
