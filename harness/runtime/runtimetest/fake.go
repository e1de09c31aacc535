// Package runtimetest is an in-memory runtime.Runtime for the engine's tests: containers are
// HTTP servers on loopback ports, execs are answered by a hook, and every network, volume and
// container created and removed is recorded in order, so a test can assert that nothing was
// left behind. It is the fake of harness/runtime, as net/http/httptest is net/http's.
package runtimetest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/drill-dev/drill/harness/runtime"
)

var (
	_ runtime.Runtime   = (*Fake)(nil)
	_ runtime.Container = (*Container)(nil)
)

// Fake is an in-memory runtime. Set its hooks before the first container starts.
type Fake struct {
	// Handler serves every container's published ports (nil: every path is 404).
	Handler http.Handler
	// Exec answers a command run in a container; ok false falls back to the built-in commands:
	// "sleep SECONDS" (a known time), "false" (exit 1), anything else echoes itself.
	Exec func(c *Container, cmd []string, stdin []byte) (res runtime.ExecResult, ok bool)

	mu        sync.Mutex
	log       []string // "create network x", "remove container y" …
	live      map[string]bool
	missing   map[string]bool
	built     []string
	ports     map[int]string // container port -> address that answers it instead
	endpoints int
}

// New returns a fake runtime with every image present.
func New() *Fake {
	return &Fake{live: map[string]bool{}, missing: map[string]bool{}, ports: map[int]string{}}
}

// SetMissing marks an image absent, until BuildImage builds it.
func (r *Fake) SetMissing(ref string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.missing[ref] = true
}

// SetPort makes every container answer port at addr (a fake database server, say).
func (r *Fake) SetPort(port int, addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ports[port] = addr
}

// Log is every resource created and removed, in order: "create network x" …
func (r *Fake) Log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// Leftovers are the resources created and not removed, sorted.
func (r *Fake) Leftovers() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for n := range r.live {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Built lists the images built, as "REF from DIR".
func (r *Fake) Built() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.built)
}

// Endpoints counts the Endpoint calls (an engine round trip each on a real runtime).
func (r *Fake) Endpoints() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.endpoints
}

func (r *Fake) record(op, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, op+" "+name)
	switch {
	case strings.HasPrefix(op, "create"):
		r.live[name] = true
	case strings.HasPrefix(op, "remove"):
		delete(r.live, name)
	}
}

func (r *Fake) Info(context.Context) (runtime.Info, error) {
	return runtime.Info{ServerVersion: "fake", CPUs: 2}, nil
}

func (r *Fake) ImageID(_ context.Context, ref string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.missing[ref] {
		return "", runtime.ErrImageMissing
	}
	return "sha256:" + ref, nil
}

// BuildImage "builds" a missing image: it is present afterwards.
func (r *Fake) BuildImage(_ context.Context, ref, dir string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.missing, ref)
	r.built = append(r.built, ref+" from "+dir)
	return nil
}

func (r *Fake) CreateNetwork(_ context.Context, name string, _ map[string]string) error {
	r.record("create network", name)
	return nil
}

func (r *Fake) RemoveNetwork(_ context.Context, name string) error {
	r.record("remove network", name)
	return nil
}

func (r *Fake) CreateVolume(_ context.Context, name string, _ map[string]string) error {
	r.record("create volume", name)
	return nil
}

func (r *Fake) RemoveVolume(_ context.Context, name string) error {
	r.record("remove volume", name)
	return nil
}

func (r *Fake) WipeVolume(context.Context, string, string) error { return nil }

func (r *Fake) Start(_ context.Context, spec runtime.ContainerSpec) (runtime.Container, error) {
	r.record("create container", spec.Name)
	return &Container{rt: r, name: spec.Name, srv: httptest.NewServer(r.handler())}, nil
}

// RunOnce answers the command echoed.
func (r *Fake) RunOnce(_ context.Context, spec runtime.ContainerSpec) (runtime.ExecResult, error) {
	return runtime.ExecResult{Output: []byte(strings.Join(spec.Command, " "))}, nil
}

func (r *Fake) handler() http.Handler {
	if r.Handler == nil {
		return http.NotFoundHandler()
	}
	return r.Handler
}

// Container is a fake container: an HTTP server on a loopback port.
type Container struct {
	rt   *Fake
	name string
	mu   sync.Mutex
	srv  *httptest.Server
}

func (c *Container) Name() string { return c.name }
func (c *Container) ID() string   { return c.name }

// Server is the container's HTTP server now (a restart replaces it).
func (c *Container) Server() *httptest.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.srv
}

func (c *Container) Endpoint(_ context.Context, port int) (string, error) {
	c.rt.mu.Lock()
	c.rt.endpoints++
	addr, ok := c.rt.ports[port]
	c.rt.mu.Unlock()
	if ok {
		return addr, nil
	}
	return strings.TrimPrefix(c.Server().URL, "http://"), nil
}

func (c *Container) Exec(ctx context.Context, cmd []string, _ string, stdin []byte) (runtime.ExecResult, error) {
	if c.rt.Exec != nil {
		if res, ok := c.rt.Exec(c, cmd, stdin); ok {
			return res, nil
		}
	}
	if len(cmd) == 2 && cmd[0] == "sleep" {
		var s float64
		fmt.Sscan(cmd[1], &s)
		select {
		case <-time.After(time.Duration(s * float64(time.Second))):
		case <-ctx.Done():
			return runtime.ExecResult{}, ctx.Err()
		}
		return runtime.ExecResult{}, nil
	}
	if len(cmd) > 0 && cmd[0] == "false" {
		return runtime.ExecResult{ExitCode: 1, Output: []byte("false says no")}, nil
	}
	out := []byte(strings.Join(cmd, " "))
	return runtime.ExecResult{Output: out, Stdout: out}, nil
}

func (c *Container) Logs(context.Context) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader("fake log\n")), nil
}
func (c *Container) State(context.Context) (string, error)     { return "running", nil }
func (c *Container) Stop(context.Context, time.Duration) error { return nil }
func (c *Container) Start(context.Context) error               { return nil }
func (c *Container) Kill(context.Context) error                { return nil }
func (c *Container) Pause(context.Context) error               { return nil }
func (c *Container) Unpause(context.Context) error             { return nil }

// Restart serves the same handler on a new port, as a restarted container publishes anew.
func (c *Container) Restart(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.srv.Close()
	c.srv = httptest.NewServer(c.rt.handler())
	return nil
}

func (c *Container) Remove(_ context.Context, _ bool) error {
	c.mu.Lock()
	c.srv.Close()
	c.mu.Unlock()
	c.rt.record("remove container", c.name)
	return nil
}
