package main

import (
	"context"
	"os"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/docker"
)

// newRuntime puts the testcontainers defaults in force (when Docker is local) and connects to
// the engine. The error says what was tried and what to do.
func newRuntime(ctx context.Context, st *state) (harness.Runtime, error) {
	if err := docker.ApplyLocalDefaults(st.Getenv, os.Setenv); err != nil {
		return nil, err
	}
	return docker.New(ctx)
}
