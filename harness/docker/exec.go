package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/drill-dev/drill/harness/runtime"
)

// Exec implements runtime.Container: it runs cmd as user (the image's user when empty), with
// stdin as its standard input when not nil (closed once written), and returns its exit code,
// its stdout alone, and its stdout and stderr interleaved (each stream in the order written;
// across the two, in the order the engine received them). A command that cannot start is a
// non-zero exit code with the engine's message in the output, not an error. Each exec costs a
// round of engine calls (create, attach, inspect): about 150 ms here, more under load.
func (c *Container) Exec(ctx context.Context, cmd []string, user string, stdin []byte) (runtime.ExecResult, error) {
	cli := c.rt.cli
	created, err := cli.ExecCreate(ctx, c.id, client.ExecCreateOptions{
		User: user, Cmd: cmd, AttachStdin: stdin != nil, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("exec in %s: %w", c.name, notFound(err))
	}
	att, err := cli.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("exec in %s: attach: %w", c.name, notFound(err))
	}
	defer att.Close()
	if stdin != nil {
		go func() {
			_, _ = att.Conn.Write(stdin)
			_ = att.CloseWrite()
		}()
	}
	var all, out bytes.Buffer
	read := make(chan error, 1) // buffered: the copy may end after a cancelled caller left
	go func() {
		_, err := stdcopy.StdCopy(io.MultiWriter(&all, &out), &all, att.Reader)
		read <- err
	}()
	select {
	case err := <-read:
		if err != nil {
			return runtime.ExecResult{}, fmt.Errorf("exec in %s: read output: %w", c.name, err)
		}
	case <-ctx.Done():
		return runtime.ExecResult{}, fmt.Errorf("exec in %s: %w", c.name, ctx.Err())
	}
	code, err := c.execExit(ctx, created.ID)
	if err != nil {
		return runtime.ExecResult{}, err
	}
	return runtime.ExecResult{ExitCode: code, Output: all.Bytes(), Stdout: out.Bytes()}, nil
}

// execExit waits for the engine to mark an exec whose streams have closed as stopped (it does
// so asynchronously) and returns its exit code.
func (c *Container) execExit(ctx context.Context, id string) (int, error) {
	wait := time.Millisecond
	for {
		res, err := c.rt.cli.ExecInspect(ctx, id, client.ExecInspectOptions{})
		if err != nil {
			return 0, fmt.Errorf("exec in %s: inspect: %w", c.name, notFound(err))
		}
		if !res.Running {
			return res.ExitCode, nil
		}
		select {
		case <-time.After(wait):
			wait = min(2*wait, 50*time.Millisecond)
		case <-ctx.Done():
			return 0, fmt.Errorf("exec in %s: %w", c.name, ctx.Err())
		}
	}
}
