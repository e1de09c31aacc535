package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/launch"
)

// connect connects to the engine with the user's settings read from st (launch.Connect), for
// the command named caller ("" for drill run): a failure to put drill's settings in force
// names it. The error says what was tried and what to do.
func connect(ctx context.Context, st *state, caller string) (*launch.Engine, error) {
	return launch.Connect(ctx, launch.WithGetenv(st.Getenv), launch.WithCaller(caller))
}

// preflight runs the checks of drill doctor for the images the cells need (those without a
// build context; the others are built when absent). A blocking problem is returned as one
// error listing every failed check.
func preflight(ctx context.Context, rt *docker.Runtime, cells []harness.Cell) error {
	seen := map[string]bool{}
	var images []string
	for _, c := range cells {
		for _, name := range c.Scenario.Stack.Order {
			svc := c.Scenario.Stack.Services[name]
			if svc.Build == "" && !seen[svc.Image] {
				seen[svc.Image] = true
				images = append(images, svc.Image)
			}
		}
	}
	rep := docker.Preflight(ctx, rt, images)
	if !rep.Blocked() {
		return nil
	}
	msg := "pre-flight checks failed (drill doctor shows them all):"
	for _, c := range rep.Failures() {
		msg += fmt.Sprintf("\n  %s: %s", c.Name, c.Detail)
	}
	return errors.New(msg)
}
