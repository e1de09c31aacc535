package harness

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/drill-dev/drill/scenarios"
)

// serviceOp performs a Docker-level fault or repair on a service. start, restart and recreate
// wait for the service to be ready again; start of a removed service recreates it.
func (d *drill) serviceOp(ctx context.Context, op *scenarios.ServiceOp) error {
	svc, ok := d.stack.Services[op.Name]
	if !ok {
		return fmt.Errorf("unknown service %s", op.Name)
	}
	d.plane.Forget(op.Name)
	defer d.plane.Forget(op.Name) // what was asked during the operation may be stale
	if op.Op == "start" || op.Op == "recreate" {
		if _, err := d.svcs.Container(op.Name); err != nil {
			return d.svcs.start(ctx, svc)
		}
	}
	c, err := d.svcs.Container(op.Name)
	if err != nil {
		return err
	}
	switch op.Op {
	case "stop":
		return c.Stop(ctx, stopTimeout)
	case "start":
		if err := c.Start(ctx); err != nil {
			return err
		}
		return d.svcs.waitReady(ctx, svc)
	case "kill":
		return c.Kill(ctx)
	case "pause":
		return c.Pause(ctx)
	case "unpause":
		return c.Unpause(ctx)
	case "restart":
		if err := c.Restart(ctx); err != nil {
			return err
		}
		return d.svcs.waitReady(ctx, svc)
	case "remove":
		return d.removeService(ctx, svc, op.Volumes)
	case "recreate":
		if err := d.removeService(ctx, svc, false); err != nil {
			return err
		}
		return d.svcs.start(ctx, svc)
	}
	return fmt.Errorf("unknown service op %q", op.Op)
}

// removeService removes a service's container, saving its logs first, and with volumes its
// named volumes too.
func (d *drill) removeService(ctx context.Context, svc *scenarios.Service, volumes bool) error {
	c, err := d.svcs.Container(svc.Name)
	if err != nil {
		return err
	}
	d.saveLogs(ctx, svc.Name, c)
	if err := c.Remove(ctx, false); err != nil {
		return err
	}
	d.svcs.mu.Lock()
	delete(d.svcs.running, svc.Name)
	d.svcs.mu.Unlock()
	if !volumes {
		return nil
	}
	for _, vol := range slices.Sorted(maps.Keys(svc.Volumes)) {
		if err := d.rt.RemoveVolume(ctx, d.svcs.volumeName(vol)); err != nil {
			return fmt.Errorf("remove volume %s: %w", vol, err)
		}
		d.svcs.forgetVolume(vol)
	}
	return nil
}

// volumeOp wipes a volume's contents, or removes it after removing the containers that use it.
func (d *drill) volumeOp(ctx context.Context, op *scenarios.VolumeOp) error {
	users := d.volumeUsers(op.Name)
	switch op.Op {
	case "wipe":
		if len(users) == 0 {
			return fmt.Errorf("volume %s: no service mounts it, so no image to wipe it with", op.Name)
		}
		image := d.stack.Services[users[0]].Image
		return d.rt.WipeVolume(ctx, d.svcs.volumeName(op.Name), image)
	case "remove":
		for _, u := range users {
			if _, err := d.svcs.Container(u); err != nil {
				continue
			}
			if err := d.removeService(ctx, d.stack.Services[u], false); err != nil {
				return err
			}
		}
		if err := d.rt.RemoveVolume(ctx, d.svcs.volumeName(op.Name)); err != nil {
			return fmt.Errorf("remove volume %s: %w", op.Name, err)
		}
		d.svcs.forgetVolume(op.Name)
		return nil
	}
	return fmt.Errorf("unknown volume op %q", op.Op)
}

// volumeUsers are the services that mount a volume, sorted.
func (d *drill) volumeUsers(vol string) []string {
	var out []string
	for name, svc := range d.stack.Services {
		if _, ok := svc.Volumes[vol]; ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
