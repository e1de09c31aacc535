package launch

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/kube"
	"github.com/drill-dev/drill/harness/runtime"
)

// The runtimes by name.
const (
	// Docker is the Docker runtime (harness/docker), the default.
	Docker = "docker"
	// Kube is the Kubernetes runtime (harness/kube): a namespace per drill.
	Kube = "kube"
)

// Runtimes are the runtime names Connect knows, in the order errors list them.
var Runtimes = []string{Docker, Kube}

// The environment variables that choose the runtime where no flag does (drill run without
// --runtime, the Ginkgo helpers of package drills).
const (
	// EnvRuntime names the runtime: docker (the default) or kube.
	EnvRuntime = "DRILL_RUNTIME"
	// EnvKubeconfig is the kubeconfig of the kube runtime for the Ginkgo helpers (default
	// $KUBECONFIG, else ~/.kube/config).
	EnvKubeconfig = "DRILL_KUBECONFIG"
)

// FromEnv are the options that connect to the runtime the environment names through getenv:
// $DRILL_RUNTIME, with $DRILL_KUBECONFIG for kube. None when DRILL_RUNTIME is unset (Docker).
func FromEnv(getenv func(string) string) []ConnectOption {
	name := getenv(EnvRuntime)
	if name == "" {
		return nil
	}
	return []ConnectOption{WithRuntime(name), WithKubeconfig(getenv(EnvKubeconfig))}
}

// Engine is a connected engine. The caller should call Close when done.
type Engine struct {
	// Runtime is what drills run on.
	Runtime runtime.Runtime
	// Docker is the same engine as a Docker runtime, for what only Docker does: its drill gc
	// and its pre-flight checks. Nil on another runtime.
	Docker *docker.Runtime
	// Kube is the same engine as a Kubernetes runtime, for its drill gc, its checks and its
	// namespaces. Nil on another runtime.
	Kube *kube.Runtime

	close func() error
}

// Close releases the connection.
func (e *Engine) Close() error { return e.close() }

// ConnectOption configures Connect.
type ConnectOption func(*connectConfig)

type connectConfig struct {
	runtime    string
	kubeconfig string
	kubeCtx    string
	logger     *slog.Logger
	getenv     func(string) string
	setenv     func(key, value string) error
	timeout    time.Duration
	caller     string
}

// WithRuntime connects to the runtime of that name (Docker or Kube). Default: Docker.
func WithRuntime(name string) ConnectOption {
	return func(c *connectConfig) { c.runtime = name }
}

// WithKubeconfig is the kubeconfig file of the Kube runtime. Default: $KUBECONFIG, else
// ~/.kube/config. The Docker runtime ignores it.
func WithKubeconfig(path string) ConnectOption {
	return func(c *connectConfig) { c.kubeconfig = path }
}

// WithKubeContext is the kubeconfig context of the Kube runtime. Default: the file's current
// context. The Docker runtime ignores it.
func WithKubeContext(name string) ConnectOption {
	return func(c *connectConfig) { c.kubeCtx = name }
}

// WithLogger gives the Kube runtime a logger for its debug messages. Default: none.
func WithLogger(l *slog.Logger) ConnectOption {
	return func(c *connectConfig) { c.logger = l }
}

// WithGetenv reads the user's settings through getenv. Default: os.Getenv. The settings drill
// puts in force go to the process environment (os.Setenv) either way: testcontainers reads
// them there.
func WithGetenv(getenv func(string) string) ConnectOption {
	return func(c *connectConfig) { c.getenv = getenv }
}

// WithTimeout bounds the whole connection to d. Default: no bound beyond ctx (the Docker
// runtime bounds its first ping to the engine by itself).
func WithTimeout(d time.Duration) ConnectOption {
	return func(c *connectConfig) { c.timeout = d }
}

// WithCaller names the command that connects in a failure to put drill's settings in force
// ("gc: …"). Default: none, the failure's own text.
func WithCaller(name string) ConnectOption {
	return func(c *connectConfig) { c.caller = name }
}

// SettingsError is Connect's failure to put drill's settings in force (the testcontainers
// settings of harness/docker's ApplyLocalDefaults): nothing was tried on the engine. Its text
// is the failure's own, after the caller's name when WithCaller gave one.
type SettingsError struct {
	Caller string
	Err    error
}

func (e *SettingsError) Error() string {
	if e.Caller == "" {
		return e.Err.Error()
	}
	return e.Caller + ": " + e.Err.Error()
}
func (e *SettingsError) Unwrap() error { return e.Err }

// Connect connects to the engine and checks that it answers. For Docker it first puts drill's
// testcontainers defaults in force (the Ryuk reaper off, mapped ports on localhost for a local
// engine, never overriding what the user set): a failure there is a *SettingsError. With no
// engine the error wraps docker.ErrNoEngine and says what was tried and what to do. An unknown
// runtime name is an error that lists the known ones.
//
// A second runtime is one more case here, filling Engine.Runtime.
func Connect(ctx context.Context, opts ...ConnectOption) (*Engine, error) {
	cfg := connectConfig{runtime: Docker, getenv: os.Getenv, setenv: os.Setenv}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
	}
	switch cfg.runtime {
	case Docker:
		return connectDocker(ctx, cfg)
	case Kube:
		return connectKube(ctx, cfg)
	}
	return nil, fmt.Errorf("unknown runtime %q (want %s)", cfg.runtime, strings.Join(Runtimes, ", "))
}

func connectDocker(ctx context.Context, cfg connectConfig) (*Engine, error) {
	if err := docker.ApplyLocalDefaults(cfg.getenv, cfg.setenv); err != nil {
		return nil, &SettingsError{Caller: cfg.caller, Err: err}
	}
	rt, err := docker.New(ctx)
	if err != nil {
		return nil, err
	}
	return &Engine{Runtime: rt, Docker: rt, close: rt.Close}, nil
}

func connectKube(ctx context.Context, cfg connectConfig) (*Engine, error) {
	rt, err := kube.New(ctx, kube.Config{Kubeconfig: cfg.kubeconfig, Context: cfg.kubeCtx, Logger: cfg.logger})
	if err != nil {
		return nil, err
	}
	return &Engine{Runtime: rt, Kube: rt, close: rt.Close}, nil
}
