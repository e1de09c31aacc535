package runtime

import (
	"context"
	"errors"
	"io"
	"time"
)

// Runtime is the narrow interface through which the engine touches containers. The
// testcontainers-go implementation lives in harness/docker; unit tests use a fake.
//
// Every resource a Runtime creates carries the labels it is given, so that `drill gc` can find
// it. Methods that wait take ctx first and return promptly when it is cancelled.
type Runtime interface {
	// Info reports the engine's version and reachability; an error means Docker is unusable.
	Info(ctx context.Context) (Info, error)
	// ImageID returns the local image's ID, or ErrImageMissing.
	ImageID(ctx context.Context, ref string) (string, error)
	// BuildImage builds ref from a Dockerfile context directory.
	BuildImage(ctx context.Context, ref, contextDir string) error

	CreateNetwork(ctx context.Context, name string, labels map[string]string) error
	RemoveNetwork(ctx context.Context, name string) error
	CreateVolume(ctx context.Context, name string, labels map[string]string) error
	// RemoveVolume removes a volume; containers that use it must be removed first.
	RemoveVolume(ctx context.Context, name string) error
	// WipeVolume deletes the contents of a volume (not the volume itself) with a one-shot
	// container of the given image.
	WipeVolume(ctx context.Context, name, image string) error

	// Start creates and starts a long-running container and returns when it is running
	// (readiness is the engine's business).
	Start(ctx context.Context, spec ContainerSpec) (Container, error)
	// RunOnce runs a one-shot container to completion and removes it.
	RunOnce(ctx context.Context, spec ContainerSpec) (ExecResult, error)
}

// Info describes the container engine.
type Info struct {
	// Kubernetes is true for a Kubernetes cluster: ServerVersion is the API server's.
	Kubernetes    bool
	ServerVersion string
	APIVersion    string
	Host          string // DOCKER_HOST or the socket used
	CPUs          int
	FreeDiskBytes uint64 // of the engine's data root where known, else 0
}

// ContainerSpec is what the engine asks for a container.
type ContainerSpec struct {
	Name       string // unique per run; also the DNS alias on the network
	Image      string
	Command    []string
	Entrypoint []string
	Env        map[string]string
	User       string
	Network    string
	Aliases    []string
	Ports      []int             // container TCP ports to publish on localhost
	Volumes    map[string]string // volume name -> mount path
	ReadOnly   map[string]bool   // volume name -> mounted read-only
	// NoCopy: volume name -> Docker does not copy the image's files at the mount path into
	// the volume when it is new and empty.
	NoCopy map[string]bool
	Labels map[string]string
	Init   bool // run an init as PID 1 so signals stop the process promptly
}

// Container is a started container.
type Container interface {
	Name() string
	ID() string
	// Endpoint returns host:port on localhost for a published container port. It asks the
	// engine each time: the mapped port changes on restart.
	Endpoint(ctx context.Context, port int) (string, error)
	// Exec runs cmd in the container as user (the image's user when empty), with stdin as its
	// standard input when not nil.
	Exec(ctx context.Context, cmd []string, user string, stdin []byte) (ExecResult, error)
	Logs(ctx context.Context) (io.ReadCloser, error)
	// State is "running", "paused", "exited", "removed" and so on.
	State(ctx context.Context) (string, error)

	Stop(ctx context.Context, timeout time.Duration) error
	Start(ctx context.Context) error
	Kill(ctx context.Context) error
	Pause(ctx context.Context) error
	Unpause(ctx context.Context) error
	Restart(ctx context.Context) error
	// Remove force-removes the container; withVolumes also removes its named volumes.
	Remove(ctx context.Context, withVolumes bool) error
}

// ExecResult is the outcome of a command.
type ExecResult struct {
	ExitCode int
	Output   []byte // stdout and stderr, interleaved
	Stdout   []byte // stdout alone (Exec only; nil from RunOnce)
}

// ErrImageMissing is returned by ImageID for an image that is not present locally.
var ErrImageMissing = errors.New("image not present")

// ErrNotFound is returned for a container, network or volume that does not exist; cleanup
// treats it as done.
var ErrNotFound = errors.New("not found")

// OpRefuser is a runtime that cannot perform some of a scenario's service operations (the
// Kubernetes runtime cannot pause): a drill that asks for one is refused before anything
// starts, naming each step's position.
type OpRefuser interface {
	// RefuseServiceOp says why op (stop, pause, ...) cannot be performed here, or nil.
	RefuseServiceOp(op string) error
}
