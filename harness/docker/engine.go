package docker

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/moby/moby/client"
)

// ErrNoEngine means no Docker engine answered; a drill that cannot start is inconclusive
// (exit code 3).
var ErrNoEngine = errors.New("no Docker engine")

// noEngineError says in one sentence what was tried and what to do; it wraps ErrNoEngine and
// the cause.
type noEngineError struct {
	host  string
	cause error
}

func noEngine(host string, cause error) error { return &noEngineError{host: host, cause: cause} }

func (e *noEngineError) Error() string {
	if e.host == defaultSocket {
		return fmt.Sprintf("no Docker engine answered at %s (DOCKER_HOST is unset, so drill tried the default socket %s): start Docker, or set DOCKER_HOST to an engine that is running",
			e.host, strings.TrimPrefix(e.host, "unix://"))
	}
	return fmt.Sprintf("no Docker engine answered at DOCKER_HOST=%s: start that engine, or point DOCKER_HOST at one that is running (unset it to use %s)",
		e.host, defaultSocket)
}

func (e *noEngineError) Unwrap() []error { return []error{ErrNoEngine, e.cause} }

// Cause is the engine client's own error, for logs.
func (e *noEngineError) Cause() error { return e.cause }

// engineErr turns a lost connection to the engine into a noEngineError and leaves other
// errors alone.
func engineErr(host string, err error) error {
	if client.IsErrConnectionFailed(err) {
		return noEngine(host, err)
	}
	return err
}

// freeDisk returns the bytes available to unprivileged users on the file system holding dir,
// falling back to / when dir is empty or cannot be read; 0 when neither can.
func freeDisk(dir string) uint64 {
	for _, d := range []string{dir, "/"} {
		if d == "" {
			continue
		}
		var st syscall.Statfs_t
		if err := syscall.Statfs(d, &st); err == nil {
			return st.Bavail * uint64(st.Bsize)
		}
	}
	return 0
}
