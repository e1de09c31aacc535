package docker

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/drill-dev/drill/harness/runtime"
)

// uncancelled is ctx without its cancellation, bounded by createTimeout: a create request the
// daemon received is let finish, so that the teardown that follows finds what it made. A
// create cancelled mid-request (an interrupt during up) could be completed by the daemon after
// the teardown had looked for it and found nothing: a volume was left behind that way.
func uncancelled(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), createTimeout)
}

// createTimeout bounds a create request that is let finish (uncancelled).
const createTimeout = 30 * time.Second

// CreateNetwork implements runtime.Runtime: a bridge network carrying labels.
func (r *Runtime) CreateNetwork(ctx context.Context, name string, labels map[string]string) error {
	ctx, cancel := uncancelled(ctx)
	defer cancel()
	_, err := r.cli.NetworkCreate(ctx, name, client.NetworkCreateOptions{
		Driver: "bridge",
		Labels: maps.Clone(labels),
	})
	if err != nil {
		return fmt.Errorf("create network %s: %w", name, err)
	}
	return nil
}

// RemoveNetwork implements runtime.Runtime; a missing network wraps runtime.ErrNotFound.
func (r *Runtime) RemoveNetwork(ctx context.Context, name string) error {
	if _, err := r.cli.NetworkRemove(ctx, name, client.NetworkRemoveOptions{}); err != nil {
		return fmt.Errorf("remove network %s: %w", name, notFound(err))
	}
	return nil
}

// CreateVolume implements runtime.Runtime: a local volume carrying labels (Docker only takes
// a volume's labels when it is created).
func (r *Runtime) CreateVolume(ctx context.Context, name string, labels map[string]string) error {
	ctx, cancel := uncancelled(ctx)
	defer cancel()
	_, err := r.cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Labels: maps.Clone(labels)})
	if err != nil {
		return fmt.Errorf("create volume %s: %w", name, err)
	}
	return nil
}

// RemoveVolume implements runtime.Runtime; a missing volume wraps runtime.ErrNotFound, and a
// volume still used by a container is an error.
func (r *Runtime) RemoveVolume(ctx context.Context, name string) error {
	if _, err := r.cli.VolumeRemove(ctx, name, client.VolumeRemoveOptions{}); err != nil {
		return fmt.Errorf("remove volume %s: %w", name, notFound(err))
	}
	return nil
}

// wipeMount is where WipeVolume mounts the volume it empties.
const wipeMount = "/v"

// WipeVolume implements runtime.Runtime: a one-shot container of image (which must have
// find(1); a FROM scratch image does not) deletes everything inside the volume, hidden files
// included, and leaves the volume itself. The one-shot container carries the volume's labels,
// so that GC finds it if drill dies meanwhile.
func (r *Runtime) WipeVolume(ctx context.Context, name, image string) error {
	v, err := r.cli.VolumeInspect(ctx, name, client.VolumeInspectOptions{})
	if err != nil {
		return fmt.Errorf("wipe volume %s: %w", name, notFound(err))
	}
	res, err := r.RunOnce(ctx, runtime.ContainerSpec{
		Name:       "drill-wipe-" + name + "-" + randomSuffix(),
		Image:      image,
		Entrypoint: []string{"find", wipeMount, "-mindepth", "1", "-delete"},
		Volumes:    map[string]string{name: wipeMount},
		Labels:     v.Volume.Labels,
		Init:       true,
	})
	if err != nil {
		return fmt.Errorf("wipe volume %s: %w", name, err)
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("wipe volume %s: find exited with %d: %s", name, res.ExitCode, strings.TrimSpace(string(res.Output)))
	}
	return nil
}
