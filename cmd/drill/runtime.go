package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/kube"
	"github.com/drill-dev/drill/harness/launch"
	"github.com/drill-dev/drill/harness/runtime"
)

// envRuntime chooses the runtime when --runtime is not given.
const envRuntime = launch.EnvRuntime

// runtimeFlags are the flags that choose the engine, shared by run, gc, doctor and render.
type runtimeFlags struct {
	name       string
	kubeconfig string
	context    string
}

// addRuntimeFlags adds --runtime, --kubeconfig and --context to cmd, and a check before it
// runs: the name is a known runtime (from $DRILL_RUNTIME when --runtime is not given), and the
// Kubernetes flags go with kube only. Their failures are usage errors.
func addRuntimeFlags(cmd *cobra.Command, st *state, rf *runtimeFlags) {
	fl := cmd.Flags()
	fl.StringVar(&rf.name, "runtime", "", "where drills run: "+strings.Join(launch.Runtimes, " or ")+
		" (a namespace per drill on a Kubernetes cluster); default $"+envRuntime+", else docker")
	fl.StringVar(&rf.kubeconfig, "kubeconfig", "", "with --runtime kube: the kubeconfig file (default $KUBECONFIG, else ~/.kube/config)")
	fl.StringVar(&rf.context, "context", "", "with --runtime kube: the kubeconfig context (default the file's current context)")
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := rf.resolve(cmd, st); err != nil {
			return withCode(exitUsage, err)
		}
		return nil
	}
}

// resolve settles the runtime's name and checks the flags.
func (rf *runtimeFlags) resolve(cmd *cobra.Command, st *state) error {
	from := "--runtime"
	if !cmd.Flags().Changed("runtime") {
		rf.name, from = launch.Docker, "the default"
		if v := st.Getenv(envRuntime); v != "" {
			rf.name, from = v, "$"+envRuntime
		}
	}
	switch rf.name {
	case launch.Docker, launch.Kube:
	default:
		return fmt.Errorf("%s %q: unknown runtime (want %s)", from, rf.name, strings.Join(launch.Runtimes, ", "))
	}
	if rf.name != launch.Kube {
		for _, f := range []string{"kubeconfig", "context"} {
			if cmd.Flags().Changed(f) {
				return fmt.Errorf("--%s is for --runtime kube, but the runtime is %s (%s)", f, rf.name, from)
			}
		}
	}
	return nil
}

// kube reports whether the runtime is Kubernetes.
func (rf runtimeFlags) kube() bool { return rf.name == launch.Kube }

// gcCommand is the drill gc command that removes a run on this runtime.
func (rf runtimeFlags) gcCommand(runID string) string {
	cmd := "drill gc"
	if rf.kube() {
		cmd += " --runtime kube"
		if rf.kubeconfig != "" {
			cmd += " --kubeconfig " + rf.kubeconfig
		}
		if rf.context != "" {
			cmd += " --context " + rf.context
		}
	}
	if runID != "" {
		cmd += " --run " + runID
	}
	return cmd
}

// connect connects to the engine the flags choose with the user's settings read from st
// (launch.Connect), for the command named caller ("" for drill run): a failure to put drill's
// settings in force names it. The error says what was tried and what to do.
func connect(ctx context.Context, st *state, caller string, rf runtimeFlags) (*launch.Engine, error) {
	opts := []launch.ConnectOption{launch.WithGetenv(st.Getenv), launch.WithCaller(caller),
		launch.WithKubeconfig(rf.kubeconfig), launch.WithKubeContext(rf.context)}
	if rf.name != "" { // resolved by the command's flags; else launch's default
		opts = append(opts, launch.WithRuntime(rf.name))
	}
	return launch.Connect(ctx, opts...)
}

// preflight runs the checks of drill doctor for the images the cells need, on the engine's
// runtime: on Docker the images without a build context (the others are built when absent),
// on Kubernetes every image (absent ones are warnings there: the cluster may pull them). A
// blocking problem is returned as one error listing every failed check.
func preflight(ctx context.Context, eng *launch.Engine, cells []harness.Cell) error {
	seen := map[string]bool{}
	var images []string
	for _, c := range cells {
		for _, name := range c.Scenario.Stack.Order {
			svc := c.Scenario.Stack.Services[name]
			if (svc.Build == "" || eng.Kube != nil) && !seen[svc.Image] {
				seen[svc.Image] = true
				images = append(images, svc.Image)
			}
		}
	}
	var rep runtime.Report
	if eng.Kube != nil {
		rep = kube.Doctor(ctx, eng.Kube, images)
	} else {
		rep = docker.Preflight(ctx, eng.Docker, images)
	}
	if !rep.Blocked() {
		return nil
	}
	msg := "pre-flight checks failed (drill doctor shows them all):"
	for _, c := range rep.Failures() {
		msg += fmt.Sprintf("\n  %s: %s", c.Name, c.Detail)
	}
	return errors.New(msg)
}
