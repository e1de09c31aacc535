package kube

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/client-go/util/exec"
	"k8s.io/streaming/pkg/httpstream"

	"github.com/drill-dev/drill/harness/runtime"
)

// Exec implements runtime.Container through the API server's exec (websocket, else SPDY, as
// kubectl does): stdin when not nil, stdout and stderr apart and interleaved in the order they
// arrived, and the exit code. A pod runs commands as its container's user: a user other than
// "" runs the command through runuser(1), which the image must have and which needs the
// container to run as root. A command that cannot start is a non-zero exit code with the
// message in the output, not an error.
func (c *Container) Exec(ctx context.Context, cmd []string, user string, stdin []byte) (runtime.ExecResult, error) {
	c.mu.Lock()
	uid := c.uid
	c.mu.Unlock()
	if uid == "" {
		return runtime.ExecResult{}, fmt.Errorf("exec in %s: the pod is not running: %w", c.spec.Name, runtime.ErrNotFound)
	}
	if user != "" {
		cmd = append([]string{"runuser", "-u", user, "--"}, cmd...)
	}
	res, err := c.rt.exec(ctx, c.ns, c.pod, cmd, stdin)
	if err != nil {
		return res, fmt.Errorf("exec in %s: %w", c.spec.Name, err)
	}
	return res, nil
}

// exec runs cmd in a pod's main container.
func (r *Runtime) exec(ctx context.Context, ns, pod string, cmd []string, stdin []byte) (runtime.ExecResult, error) {
	if r.cfg == nil {
		return runtime.ExecResult{}, errors.New("no REST config: exec needs a cluster")
	}
	req := r.cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: mainContainer, Command: cmd, Stdin: stdin != nil, Stdout: true, Stderr: true,
		}, scheme.ParameterCodec)
	ws, err := remotecommand.NewWebSocketExecutor(r.cfg, "GET", req.URL().String())
	if err != nil {
		return runtime.ExecResult{}, err
	}
	sp, err := remotecommand.NewSPDYExecutor(r.cfg, "POST", req.URL())
	if err != nil {
		return runtime.ExecResult{}, err
	}
	ex, err := remotecommand.NewFallbackExecutor(ws, sp, httpstream.IsUpgradeFailure)
	if err != nil {
		return runtime.ExecResult{}, err
	}
	var all lockedBuffer
	var out bytes.Buffer
	opts := remotecommand.StreamOptions{Stdout: io.MultiWriter(&out, &all), Stderr: &all}
	if stdin != nil {
		opts.Stdin = bytes.NewReader(stdin)
	}
	err = ex.StreamWithContext(ctx, opts)
	var exit utilexec.CodeExitError
	switch {
	case err == nil:
		return runtime.ExecResult{ExitCode: 0, Output: all.Bytes(), Stdout: out.Bytes()}, nil
	case errors.As(err, &exit):
		return runtime.ExecResult{ExitCode: exit.Code, Output: all.Bytes(), Stdout: out.Bytes()}, nil
	case ctx.Err() != nil:
		return runtime.ExecResult{}, ctx.Err()
	case notStarted(err):
		// As docker exec: 127 for a command not found, 126 for one that could not start.
		code := 126
		if strings.Contains(err.Error(), "no such file or directory") || strings.Contains(err.Error(), "executable file not found") {
			code = 127
		}
		msg := append(all.Bytes(), []byte(err.Error()+"\n")...)
		return runtime.ExecResult{ExitCode: code, Output: msg, Stdout: out.Bytes()}, nil
	}
	return runtime.ExecResult{}, err
}

// notStarted reports whether an exec failed because the container runtime could not start the
// command (the kubelet passes the OCI runtime's words on as an internal error).
func notStarted(err error) bool {
	s := err.Error()
	return strings.Contains(s, "OCI runtime exec failed") || strings.Contains(s, "unable to start container process")
}

// lockedBuffer is a buffer two streams write into.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}
