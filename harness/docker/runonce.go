package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/drill-dev/drill/harness/runtime"
)

// RunOnce implements runtime.Runtime: it starts a container from spec, waits for it to exit,
// collects its exit code and its stdout and stderr (interleaved in the order the engine logged
// them), and removes it with its anonymous volumes — also when ctx is cancelled, which stops
// the wait and returns ctx's error. A spec without a Name gets a random one.
func (r *Runtime) RunOnce(ctx context.Context, spec runtime.ContainerSpec) (runtime.ExecResult, error) {
	if spec.Name == "" {
		spec.Name = "drill-once-" + randomSuffix()
	}
	c, err := r.start(ctx, spec)
	if err != nil {
		return runtime.ExecResult{}, err
	}
	defer r.forceRemove(ctx, c.id)

	wait := r.cli.ContainerWait(ctx, c.id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	var code int
	select {
	case res := <-wait.Result:
		if res.Error != nil && res.Error.Message != "" {
			return runtime.ExecResult{}, fmt.Errorf("run %s: wait: %s", spec.Name, res.Error.Message)
		}
		code = int(res.StatusCode)
	case err := <-wait.Error:
		return runtime.ExecResult{}, fmt.Errorf("run %s: wait: %w", spec.Name, err)
	case <-ctx.Done():
		return runtime.ExecResult{}, fmt.Errorf("run %s: %w", spec.Name, ctx.Err())
	}

	logs, err := r.logs(ctx, c.id, spec.Name)
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("run %s: %w", spec.Name, err)
	}
	defer logs.Close()
	out, err := io.ReadAll(logs)
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("run %s: read output: %w", spec.Name, err)
	}
	return runtime.ExecResult{ExitCode: code, Output: out}, nil
}

// randomSuffix returns 8 random hex digits for names that must not collide.
func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
