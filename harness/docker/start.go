package docker

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"strconv"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drill-dev/drill/harness/runtime"
)

// cleanupTimeout bounds the removal of a container that failed to start or that a cancelled
// caller no longer wants.
const cleanupTimeout = 30 * time.Second

// Start implements runtime.Runtime: it creates and starts the container and returns once the
// engine reports it running. The image must be present (ErrImageMissing otherwise; nothing is
// pulled). Ports are published on 127.0.0.1 of a local engine (every interface of a remote
// one) at ports the engine picks; the image's EXPOSE ports are published the same way. There
// is no wait strategy: readiness is the engine's business. On error nothing is left behind.
func (r *Runtime) Start(ctx context.Context, spec runtime.ContainerSpec) (runtime.Container, error) {
	c, err := r.start(ctx, spec)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (r *Runtime) start(ctx context.Context, spec runtime.ContainerSpec) (*Container, error) {
	img, err := r.cli.ImageInspect(ctx, spec.Image)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			err = fmt.Errorf("image %s: %w", spec.Image, runtime.ErrImageMissing)
		}
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	var imagePorts []string
	if img.Config != nil {
		for p := range img.Config.ExposedPorts {
			imagePorts = append(imagePorts, p)
		}
	}
	req := r.request(spec, imagePorts)
	ctr, err := testcontainers.Run(ctx, spec.Image, testcontainers.WithLogger(r.tclog),
		testcontainers.CustomizeRequestOption(func(g *testcontainers.GenericContainerRequest) error {
			g.ContainerRequest = req
			return nil
		}))
	if err != nil {
		if ctr != nil {
			r.forceRemove(ctx, ctr.GetContainerID())
		}
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	return &Container{rt: r, tc: ctr, name: spec.Name, id: ctr.GetContainerID()}, nil
}

// request translates a ContainerSpec into a testcontainers request with no wait strategy.
func (r *Runtime) request(spec runtime.ContainerSpec, imagePorts []string) testcontainers.ContainerRequest {
	local := r.local()
	exposed := make([]string, 0, len(spec.Ports)+len(imagePorts))
	for _, p := range spec.Ports {
		exposed = append(exposed, strconv.Itoa(p)+"/tcp")
	}
	exposed = append(exposed, imagePorts...)

	req := testcontainers.ContainerRequest{
		Image:        spec.Image,
		Name:         spec.Name,
		Entrypoint:   spec.Entrypoint,
		Cmd:          spec.Command,
		Env:          maps.Clone(spec.Env),
		Labels:       maps.Clone(spec.Labels),
		ExposedPorts: exposed,
		ConfigModifier: func(c *container.Config) {
			c.User = spec.User
			c.Hostname = spec.Name
		},
		HostConfigModifier: func(h *container.HostConfig) {
			if spec.Init {
				h.Init = new(bool)
				*h.Init = true
			}
			if local {
				h.PortBindings = localBindings(exposed)
			}
		},
	}
	if spec.Network != "" {
		req.Networks = []string{spec.Network}
		aliases := append([]string{spec.Name}, spec.Aliases...)
		req.NetworkAliases = map[string][]string{spec.Network: aliases}
	}
	for vol, path := range spec.Volumes {
		src := testcontainers.DockerVolumeMountSource{Name: vol}
		if spec.NoCopy[vol] {
			src.VolumeOptions = &mount.VolumeOptions{NoCopy: true, Labels: map[string]string{}}
		}
		req.Mounts = append(req.Mounts, testcontainers.ContainerMount{
			Source:   src,
			Target:   testcontainers.ContainerMountTarget(path),
			ReadOnly: spec.ReadOnly[vol],
		})
	}
	return req
}

// localBindings binds each exposed port to an engine-chosen port on 127.0.0.1 only.
func localBindings(exposed []string) network.PortMap {
	loopback := netip.MustParseAddr("127.0.0.1")
	pm := network.PortMap{}
	for _, s := range exposed {
		p, err := network.ParsePort(s)
		if err != nil {
			continue // testcontainers reports the malformed port itself
		}
		pm[p] = []network.PortBinding{{HostIP: loopback, HostPort: "0"}}
	}
	return pm
}

// forceRemove removes a container and its anonymous volumes, even after ctx is cancelled.
func (r *Runtime) forceRemove(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if _, err := r.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
		r.log.Debug("remove container", "id", id, "err", err)
	}
}
