package docker_test

import (
	"context"
	"testing"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/runtime"
)

// benchRuntime returns a runtime for benchmarks, which need the sleeper image the specs build.
func benchRuntime(b *testing.B) *docker.Runtime {
	b.Helper()
	if testing.Short() {
		b.Skip("needs Docker")
	}
	r, err := docker.New(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = r.Close() })
	if _, err := r.ImageID(context.Background(), sleeperImage); err != nil {
		b.Skipf("%v: run go test ./harness/docker once to build it", err)
	}
	return r
}

// BenchmarkStartRemove measures creating and starting a container (no wait) and removing it.
func BenchmarkStartRemove(b *testing.B) {
	r := benchRuntime(b)
	ctx := context.Background()
	for b.Loop() {
		c, err := r.Start(ctx, runtime.ContainerSpec{Name: name("bench"), Image: sleeperImage, Labels: labels(), Init: true, Ports: []int{sleeperPort}})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Remove(ctx, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunOnce measures a one-shot container from start to output collected and removed.
func BenchmarkRunOnce(b *testing.B) {
	r := benchRuntime(b)
	ctx := context.Background()
	for b.Loop() {
		res, err := r.RunOnce(ctx, runtime.ContainerSpec{Image: sleeperImage, Labels: labels(), Init: true, Command: []string{"say", "a", "b", "0"}})
		if err != nil || res.ExitCode != 0 {
			b.Fatal(err, res.ExitCode)
		}
	}
}

// BenchmarkExec measures one exec in a running container.
func BenchmarkExec(b *testing.B) {
	r := benchRuntime(b)
	ctx := context.Background()
	c, err := r.Start(ctx, runtime.ContainerSpec{Name: name("bench"), Image: sleeperImage, Labels: labels(), Init: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Remove(context.Background(), false) })
	for b.Loop() {
		res, err := c.Exec(ctx, []string{"/sleeper", "say", "a", "b", "0"}, "", nil)
		if err != nil || res.ExitCode != 0 {
			b.Fatal(err, res.ExitCode)
		}
	}
}
