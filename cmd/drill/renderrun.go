package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/launch"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/harness/transport"
	"github.com/drill-dev/drill/scenarios"
)

// keptRun is a stack kept by drill run --keep, reached through its running containers.
type keptRun struct {
	eng   *launch.Engine
	plane *transport.Plane
}

func (k *keptRun) close() {
	_ = k.plane.Close(context.Background())
	_ = k.eng.Close()
}

// attach connects to the engine and finds the kept run's containers by its run label.
func attach(ctx context.Context, st *state, stack *scenarios.Stack, runID string, rf runtimeFlags) (*keptRun, error) {
	eng, err := connect(ctx, st, "render", rf)
	if err != nil {
		return nil, err
	}
	ctrs, err := keptContainers(ctx, eng.Runtime, runID)
	if err != nil {
		_ = eng.Close()
		return nil, fmt.Errorf("--run %s: %w", runID, err)
	}
	svcs := keptServices{run: runID, stack: stack.Name, ctrs: ctrs}
	return &keptRun{eng: eng, plane: transport.New(stack, svcs)}, nil
}

// runFinder is a runtime that finds a kept run's containers by its run label, attached: the
// Docker and the Kubernetes runtimes do.
type runFinder interface {
	RunContainers(ctx context.Context, runID string) (map[string]runtime.Container, error)
}

// keptContainers finds a kept run's containers on the engine's runtime, by name.
func keptContainers(ctx context.Context, rt runtime.Runtime, runID string) (map[string]runtime.Container, error) {
	if f, ok := rt.(runFinder); ok {
		return f.RunContainers(ctx, runID)
	}
	return nil, fmt.Errorf("the %T runtime cannot find a kept run's containers", rt)
}

// keptServices finds a kept run's service containers by the names the engine gave them.
type keptServices struct {
	run   string
	stack string
	ctrs  map[string]runtime.Container
}

func (k keptServices) Container(name string) (runtime.Container, error) {
	if c, ok := k.ctrs[harness.ContainerName(k.run, name)]; ok {
		return c, nil
	}
	var have []string
	prefix := harness.ContainerName(k.run, "")
	for n := range k.ctrs {
		have = append(have, strings.TrimPrefix(n, prefix))
	}
	slices.Sort(have)
	return nil, fmt.Errorf("service %s of stack %s is not running in run %s (running: %s)", name, k.stack, k.run, strings.Join(have, ", "))
}
