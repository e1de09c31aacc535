package docker

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/drill-dev/drill/harness/runtime"
)

// Runtime is runtime.Runtime on a Docker engine through testcontainers-go. It never pulls an
// image. Create it with New; it is safe for concurrent use.
type Runtime struct {
	provider *testcontainers.DockerProvider
	cli      client.APIClient
	host     string // what was tried: DOCKER_HOST or the default socket
	log      *slog.Logger
	tclog    tclog.Logger
}

var _ runtime.Runtime = (*Runtime)(nil)

// Option configures New.
type Option func(*Runtime)

// WithLogger sends the runtime's and testcontainers' messages to l at debug level. Default: a
// discard logger.
func WithLogger(l *slog.Logger) Option {
	return func(r *Runtime) { r.log = l }
}

// New connects to the Docker engine named by DOCKER_HOST (default: the local socket) and
// checks it answers. With no engine it returns an error wrapping ErrNoEngine whose message says
// what was tried and what to do. Call ApplyLocalDefaults first.
//
// New also routes testcontainers' process-wide default logger to the runtime's logger, so that
// testcontainers prints nothing on the terminal.
func New(ctx context.Context, opts ...Option) (*Runtime, error) {
	r := &Runtime{
		host: engineHost(os.Getenv),
		log:  slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(r)
	}
	r.tclog = slogPrintf{r.log}
	tclog.SetDefault(r.tclog)

	// Ask the engine drill means first: when DOCKER_HOST does not answer, testcontainers
	// silently falls back to the default socket.
	if err := ping(ctx); err != nil {
		return nil, noEngine(r.host, err)
	}
	p, err := testcontainers.NewDockerProvider(testcontainers.WithLogger(r.tclog))
	if err != nil {
		return nil, noEngine(r.host, err)
	}
	r.provider = p
	r.cli = p.Client()
	if _, err := r.cli.Ping(ctx, client.PingOptions{}); err != nil {
		return nil, noEngine(r.host, err)
	}
	return r, nil
}

// pingTimeout bounds the first contact with the engine.
const pingTimeout = 10 * time.Second

// ping asks the engine named by DOCKER_HOST (or the default socket) whether it is there.
func ping(ctx context.Context) error {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return err
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	_, err = cli.Ping(ctx, client.PingOptions{})
	return err
}

// Host is the engine address drill uses: DOCKER_HOST or the default socket.
func (r *Runtime) Host() string { return r.host }

// Close releases the client's connections.
func (r *Runtime) Close() error { return r.cli.Close() }

// Info implements runtime.Runtime.
func (r *Runtime) Info(ctx context.Context) (runtime.Info, error) {
	v, err := r.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return runtime.Info{}, fmt.Errorf("docker version: %w", engineErr(r.host, err))
	}
	info, err := r.cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return runtime.Info{}, fmt.Errorf("docker info: %w", engineErr(r.host, err))
	}
	out := runtime.Info{
		ServerVersion: v.Version,
		APIVersion:    v.APIVersion,
		Host:          r.host,
		CPUs:          info.Info.NCPU,
	}
	if isLocalHost(os.Getenv("DOCKER_HOST")) {
		out.FreeDiskBytes = freeDisk(info.Info.DockerRootDir)
	}
	return out, nil
}

// ImageID implements runtime.Runtime. It never pulls.
func (r *Runtime) ImageID(ctx context.Context, ref string) (string, error) {
	img, err := r.cli.ImageInspect(ctx, ref)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return "", fmt.Errorf("image %s: %w", ref, runtime.ErrImageMissing)
		}
		return "", fmt.Errorf("inspect image %s: %w", ref, err)
	}
	return img.ID, nil
}

// BuildImage implements runtime.Runtime: it builds ref (repo:tag) from the Dockerfile in
// contextDir with the engine's legacy builder, which never pulls for FROM scratch or a local
// base image, and keeps the image.
func (r *Runtime) BuildImage(ctx context.Context, ref, contextDir string) error {
	repo, tag := splitRef(ref)
	req := testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context:   contextDir,
		Repo:      repo,
		Tag:       tag,
		KeepImage: true,
	}}
	if _, err := r.provider.BuildImage(ctx, &req); err != nil {
		return fmt.Errorf("build image %s from %s: %w", ref, contextDir, err)
	}
	return nil
}

// splitRef splits an image reference into repository and tag; the tag defaults to latest.
func splitRef(ref string) (repo, tag string) {
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return ref, "latest"
	}
	return ref[:i], ref[i+1:]
}

// notFound maps the engine's not-found errors to runtime.ErrNotFound, keeping the message.
func notFound(err error) error {
	if err != nil && cerrdefs.IsNotFound(err) {
		return fmt.Errorf("%w: %w", runtime.ErrNotFound, err)
	}
	return err
}

// slogPrintf adapts a slog.Logger to testcontainers' Printf logger.
type slogPrintf struct{ l *slog.Logger }

func (s slogPrintf) Printf(format string, v ...any) {
	s.l.Debug(strings.TrimSpace(fmt.Sprintf(format, v...)), "source", "testcontainers")
}

// local reports whether the engine runs on this machine (DOCKER_HOST unset or a unix socket).
func (r *Runtime) local() bool { return isLocalHost(os.Getenv("DOCKER_HOST")) }
