package harness

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// services holds the running containers of a stack and knows how to (re)start them.
type services struct {
	d  *drill
	mu sync.Mutex
	// running maps a service name to its container; absent when removed.
	running map[string]runtime.Container
	// volumes maps a stack volume name to its Docker volume name, once created.
	volumes map[string]string
}

func newServices(d *drill) *services {
	return &services{d: d, running: map[string]runtime.Container{}, volumes: map[string]string{}}
}

// Container returns the running container of a service.
func (s *services) Container(name string) (runtime.Container, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.running[name]
	if !ok {
		return nil, fmt.Errorf("service %s is not running", name)
	}
	return c, nil
}

// volumeName is the Docker name of a stack volume in this run.
func (s *services) volumeName(vol string) string { return s.d.prefix + "-" + vol }

// ensureVolume creates a run-scoped volume once (again after a remove), labelled with the run.
func (s *services) ensureVolume(ctx context.Context, vol string) (string, error) {
	s.mu.Lock()
	name, ok := s.volumes[vol]
	s.mu.Unlock()
	if ok {
		return name, nil
	}
	name = s.volumeName(vol)
	err := s.d.rt.CreateVolume(ctx, name, s.d.labels)
	s.d.cleanup.Push("volume "+name, func(ctx context.Context) error { return s.d.rt.RemoveVolume(ctx, name) })
	if err != nil {
		return "", fmt.Errorf("create volume %s: %w", vol, err)
	}
	s.mu.Lock()
	s.volumes[vol] = name
	s.mu.Unlock()
	return name, nil
}

// forgetVolume marks a volume as removed so the next start creates it anew.
func (s *services) forgetVolume(vol string) {
	s.mu.Lock()
	delete(s.volumes, vol)
	s.mu.Unlock()
}

// spec builds the container spec of a service.
func (s *services) spec(ctx context.Context, svc *scenarios.Service) (runtime.ContainerSpec, error) {
	env := map[string]string{}
	for k, v := range svc.Env {
		env[k] = v.Value
	}
	m, err := s.mounts(ctx, svc.Volumes)
	if err != nil {
		return runtime.ContainerSpec{}, err
	}
	return runtime.ContainerSpec{
		Name:     ContainerName(s.d.runID, svc.Name),
		Image:    svc.Image,
		Command:  svc.Command,
		Env:      env,
		Network:  s.d.network,
		Aliases:  []string{svc.Name},
		Ports:    svc.Ports,
		Volumes:  m.paths,
		ReadOnly: m.readOnly,
		NoCopy:   m.noCopy,
		Labels:   s.d.labels,
		Init:     true,
	}, nil
}

// specMounts are a container's stack volumes as the spec names them: by Docker volume name.
type specMounts struct {
	paths    map[string]string
	readOnly map[string]bool
	noCopy   map[string]bool
}

// mounts creates the run's volumes a container mounts, when needed, and translates their
// mounts to Docker volume names.
func (s *services) mounts(ctx context.Context, vols map[string]scenarios.Mount) (specMounts, error) {
	m := specMounts{paths: map[string]string{}, readOnly: map[string]bool{}, noCopy: map[string]bool{}}
	for vol, mt := range vols {
		name, err := s.ensureVolume(ctx, vol)
		if err != nil {
			return specMounts{}, err
		}
		m.paths[name] = mt.Path
		if mt.ReadOnly {
			m.readOnly[name] = true
		}
		if mt.NoCopy {
			m.noCopy[name] = true
		}
	}
	return m, nil
}

// start creates and starts one service and waits until it is ready; the timeline shows it as
// a "service" event from create to ready.
func (s *services) start(ctx context.Context, svc *scenarios.Service) (err error) {
	defer s.d.recovered("start "+svc.Name, &err)
	span := s.d.tl.Begin(s.d.phaseNow(), result.EventService, "start "+svc.Name, "")
	defer func() { s.d.endSpan(span, span.event.Phase, err, 1, "") }()
	spec, err := s.spec(ctx, svc)
	if err != nil {
		return err
	}
	c, err := s.d.rt.Start(ctx, spec)
	if c != nil {
		s.d.cleanup.Push("container "+spec.Name, func(ctx context.Context) error {
			s.d.saveLogs(ctx, svc.Name, c)
			return c.Remove(ctx, false)
		})
	}
	if err != nil {
		return fmt.Errorf("start %s: %w", svc.Name, err)
	}
	s.mu.Lock()
	s.running[svc.Name] = c
	s.mu.Unlock()
	return s.waitReady(ctx, svc)
}

// waitReady polls a service's readiness probe until it passes or its timeout ends.
func (s *services) waitReady(ctx context.Context, svc *scenarios.Service) error {
	if svc.Ready == nil {
		return nil
	}
	err := s.d.poll(ctx, svc.Ready.Probe, scenarios.TemplateData{}, svc.Name, svc.Ready.Timeout, svc.Ready.Interval)
	if err != nil {
		return &notReadyError{service: svc.Name, err: err, logs: s.d.logTail(ctx, svc.Name, 20)}
	}
	return nil
}

// notReadyError is a service that never became ready: the drill is inconclusive.
type notReadyError struct {
	service string
	err     error
	logs    string
}

func (e *notReadyError) Error() string {
	msg := fmt.Sprintf("service %s never became ready: %v", e.service, e.err)
	if e.logs != "" {
		msg += "\n  last log lines:\n" + e.logs
	}
	return msg
}

func (e *notReadyError) Unwrap() []error { return []error{ErrInfrastructure, e.err} }

// up starts every service in dependency order, independent ones in parallel: a service starts
// as soon as all it depends on are ready.
func (s *services) up(ctx context.Context, stack *scenarios.Stack) error {
	names := make([]string, 0, len(stack.Services))
	for n := range stack.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	done := map[string]chan struct{}{}
	for _, n := range names {
		done[n] = make(chan struct{})
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, n := range names {
		svc := stack.Services[n]
		g.Go(func() error {
			for _, dep := range svc.DependsOn {
				select {
				case <-done[dep]:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			if err := s.start(gctx, svc); err != nil {
				return err
			}
			close(done[svc.Name])
			return nil
		})
	}
	return g.Wait()
}

// ContainerName is the name of a service's container in a run: drill-RUN-SERVICE. drill render
// --run finds the services of a kept run by it.
func ContainerName(runID, service string) string { return "drill-" + runID + "-" + service }
