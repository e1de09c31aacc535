package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drill-dev/drill/harness/runtime"
)

// Container is a container started by Runtime.Start. Its lifecycle operations go straight to
// the engine; errors for a container that no longer exists wrap runtime.ErrNotFound.
type Container struct {
	rt   *Runtime
	tc   *testcontainers.DockerContainer
	name string
	id   string
}

var _ runtime.Container = (*Container)(nil)

// Name implements runtime.Container.
func (c *Container) Name() string { return c.name }

// ID implements runtime.Container.
func (c *Container) ID() string { return c.id }

// Endpoint implements runtime.Container: host:port of the published container port, asked of
// the engine on every call because the mapping changes when the container restarts. The host is
// 127.0.0.1 for a local engine.
func (c *Container) Endpoint(ctx context.Context, port int) (string, error) {
	p, err := c.tc.MappedPort(ctx, strconv.Itoa(port)+"/tcp")
	if err != nil {
		return "", fmt.Errorf("endpoint %s:%d: %w", c.name, port, notFound(err))
	}
	host := "127.0.0.1"
	if !c.rt.local() {
		if host, err = c.tc.Host(ctx); err != nil {
			return "", fmt.Errorf("endpoint %s:%d: %w", c.name, port, err)
		}
	}
	return net.JoinHostPort(host, p.Port()), nil
}

// Logs implements runtime.Container: stdout and stderr so far, interleaved, without
// following. The caller must close the reader.
func (c *Container) Logs(ctx context.Context) (io.ReadCloser, error) {
	return c.rt.logs(ctx, c.id, c.name)
}

// State implements runtime.Container; a container that no longer exists is "removed".
func (c *Container) State(ctx context.Context) (string, error) {
	res, err := c.rt.cli.ContainerInspect(ctx, c.id, client.ContainerInspectOptions{})
	if err != nil {
		if errors.Is(notFound(err), runtime.ErrNotFound) {
			return "removed", nil
		}
		return "", fmt.Errorf("inspect %s: %w", c.name, err)
	}
	if res.Container.State == nil {
		return "", fmt.Errorf("inspect %s: no state", c.name)
	}
	return string(res.Container.State.Status), nil
}

// Stop implements runtime.Container: SIGTERM (or the image's stop signal), then SIGKILL
// after timeout, rounded up to whole seconds.
func (c *Container) Stop(ctx context.Context, timeout time.Duration) error {
	secs := int(math.Ceil(timeout.Seconds()))
	_, err := c.rt.cli.ContainerStop(ctx, c.id, client.ContainerStopOptions{Timeout: &secs})
	return c.wrap("stop", err)
}

// Start implements runtime.Container: it starts a stopped container again.
func (c *Container) Start(ctx context.Context) error {
	_, err := c.rt.cli.ContainerStart(ctx, c.id, client.ContainerStartOptions{})
	return c.wrap("start", err)
}

// Kill implements runtime.Container with SIGKILL.
func (c *Container) Kill(ctx context.Context) error {
	_, err := c.rt.cli.ContainerKill(ctx, c.id, client.ContainerKillOptions{Signal: "KILL"})
	return c.wrap("kill", err)
}

// Pause implements runtime.Container (cgroup freezer: the processes stop being scheduled).
func (c *Container) Pause(ctx context.Context) error {
	_, err := c.rt.cli.ContainerPause(ctx, c.id, client.ContainerPauseOptions{})
	return c.wrap("pause", err)
}

// Unpause implements runtime.Container.
func (c *Container) Unpause(ctx context.Context) error {
	_, err := c.rt.cli.ContainerUnpause(ctx, c.id, client.ContainerUnpauseOptions{})
	return c.wrap("unpause", err)
}

// Restart implements runtime.Container: stop with the engine's default timeout, then start.
func (c *Container) Restart(ctx context.Context) error {
	_, err := c.rt.cli.ContainerRestart(ctx, c.id, client.ContainerRestartOptions{})
	return c.wrap("restart", err)
}

// Remove implements runtime.Container: it force-removes the container with its anonymous
// volumes and, when withVolumes, then removes the named volumes it mounted (which fails for a
// volume another container still uses).
func (c *Container) Remove(ctx context.Context, withVolumes bool) error {
	var named []string
	if withVolumes {
		res, err := c.rt.cli.ContainerInspect(ctx, c.id, client.ContainerInspectOptions{})
		if err != nil {
			return c.wrap("remove", err)
		}
		for _, m := range res.Container.Mounts {
			if m.Type == mount.TypeVolume && m.Name != "" {
				named = append(named, m.Name)
			}
		}
	}
	_, err := c.rt.cli.ContainerRemove(ctx, c.id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil {
		return c.wrap("remove", err)
	}
	var errs []error
	for _, v := range named {
		if err := c.rt.RemoveVolume(ctx, v); err != nil && !errors.Is(err, runtime.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove %s: %w", c.name, err)
	}
	return nil
}

// wrap gives an engine error the operation and container name, mapping not-found.
func (c *Container) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", op, c.name, notFound(err))
}

// logs returns a container's stdout and stderr so far, demultiplexed in order.
func (r *Runtime) logs(ctx context.Context, id, name string) (io.ReadCloser, error) {
	rc, err := r.cli.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return nil, fmt.Errorf("logs of %s: %w", name, notFound(err))
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, rc)
		_ = rc.Close()
		_ = pw.CloseWithError(err)
	}()
	return &logReader{PipeReader: pr, src: rc}, nil
}

// logReader closes both ends so that the copying goroutine ends when the caller stops early.
type logReader struct {
	*io.PipeReader
	src io.Closer
}

func (l *logReader) Close() error {
	_ = l.src.Close()
	return l.PipeReader.Close()
}
