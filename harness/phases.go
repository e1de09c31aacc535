package harness

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/drill-dev/drill/harness/canary"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// prepare checks the engine and images and creates the run's network.
func (d *drill) prepare(ctx context.Context, res *result.Result) error {
	info, err := d.rt.Info(ctx)
	if err != nil {
		return infra(err)
	}
	if info.Kubernetes {
		res.Run.Repro.KubernetesVersion = info.ServerVersion
	} else {
		res.Run.Repro.DockerVersion = info.ServerVersion
	}
	res.Run.Repro.Images = map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(d.stack.Services)) {
		svc := d.stack.Services[name]
		id, err := d.imageID(ctx, svc)
		if err != nil {
			return err
		}
		res.Run.Repro.Images[svc.Image] = id
	}
	err = d.rt.CreateNetwork(ctx, d.network, d.labels)
	d.cleanup.Push("network "+d.network, func(ctx context.Context) error { return d.rt.RemoveNetwork(ctx, d.network) })
	if err != nil {
		return infra(fmt.Errorf("create network: %w", err))
	}
	return nil
}

// imageID returns a service image's ID, building it from its context when absent.
func (d *drill) imageID(ctx context.Context, svc *scenarios.Service) (string, error) {
	id, err := d.rt.ImageID(ctx, svc.Image)
	if errors.Is(err, runtime.ErrImageMissing) && svc.Build != "" {
		d.log.Info("building image", "service", svc.Name, "image", svc.Image)
		if err := d.rt.BuildImage(ctx, svc.Image, svc.Build); err != nil {
			return "", infra(fmt.Errorf("build %s for %s: %w", svc.Image, svc.Name, err))
		}
		id, err = d.rt.ImageID(ctx, svc.Image)
	}
	if errors.Is(err, runtime.ErrImageMissing) {
		return "", infra(fmt.Errorf("image %s of service %s is missing and the stack gives no build context: build it with `make images` (or `drill images`)", svc.Image, svc.Name))
	}
	if err != nil {
		return "", infra(fmt.Errorf("image %s: %w", svc.Image, err))
	}
	return id, nil
}

// seed creates the sites, lists them, and writes canary sequence 0 everywhere.
func (d *drill) seed(ctx context.Context, m *measurement) error {
	if st := d.stack.Tenants.Seed; st != nil {
		if err := d.runStep(ctx, st, stepEnv{phase: PhaseSeed, data: d.data()}); err != nil {
			return infra(err)
		}
	}
	sites, err := d.plane.ListSites(ctx, d.data())
	if err != nil {
		return infra(fmt.Errorf("list sites: %w", err))
	}
	if len(sites) != d.size.Sites {
		return infra(fmt.Errorf("seeding made %d sites, the size asks for %d", len(sites), d.size.Sites))
	}
	d.mu.Lock()
	d.sites = sites
	d.mu.Unlock()
	m.canaries = canary.New(canary.Config{
		Plane: d.plane, Clock: d.clock, Sites: d.sites, Products: d.products,
		Base: d.sc.Intervals.Canary, Data: d.data, Recovered: d.recovered,
	})
	m.canaries.WriteAll(ctx, 0)
	for k, ws := range m.canaries.Snapshot() {
		if len(ws) == 0 || !ws[0].Acked {
			return infra(fmt.Errorf("canary 0 of site %s in %s was not acknowledged", k.Site, k.Product))
		}
	}
	return ctx.Err()
}
