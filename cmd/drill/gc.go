package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/kube"
	"github.com/drill-dev/drill/harness/runtime"
)

func init() { register(newGCCmd) }

func newGCCmd(st *state) *cobra.Command {
	var opts runtime.GCOptions
	var rf runtimeFlags
	cmd := &cobra.Command{
		Use:   "gc",
		Short: "Remove the containers, networks and volumes (or namespaces) that dead drills left behind",
		Long: `Gc finds every container, network and volume labelled drill.run-id and removes those of runs
that are over: started on this host by a process that is gone (a drill killed with SIGKILL, a
crashed CI job). With --older-than it also removes runs that started longer ago than that,
whether their process still runs or not and on any host; with --run it removes one run. It
removes containers first, then networks, then volumes, and never touches anything without
drill's label. A live drill's resources are left alone.

With --runtime kube it does the same on a Kubernetes cluster, where a drill is one namespace:
it finds the namespaces labelled app.kubernetes.io/managed-by=drill, reads their runs' labels
and deletes the dead runs' namespaces with everything in them, waiting until each is gone.`,
		Example: `  drill gc --dry-run
  drill gc
  drill gc --older-than 24h
  drill gc --run atlassian-2022-small-20260501T120000Z
  drill gc --runtime kube --kubeconfig /var/tmp/drill-kube/admin.kubeconfig --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.OlderThan < 0 {
				return withCode(exitUsage, fmt.Errorf("--older-than %s: want a positive duration", opts.OlderThan))
			}
			if opts.RunID != "" && opts.OlderThan > 0 {
				return withCode(exitUsage, errors.New("--run and --older-than do not combine: --run removes one run whatever its age"))
			}
			ctx := cmd.Context()
			eng, err := connect(ctx, st, "gc", rf)
			if err != nil {
				return withCode(exitInconclusive, err)
			}
			defer eng.Close()
			var rep runtime.GCReport
			if eng.Kube != nil {
				rep, err = kube.GC(ctx, eng.Kube, opts)
			} else {
				rep, err = docker.GC(ctx, eng.Docker, opts)
			}
			writeGC(st.Stdout, rep, opts, eng.Kube != nil)
			if err != nil {
				return withCode(exitInconclusive, fmt.Errorf("gc: %w", err))
			}
			if opts.RunID != "" && len(rep.Removed()) == 0 {
				what := "container, network or volume"
				if eng.Kube != nil {
					what = "namespace"
				}
				return withCode(exitUsage, fmt.Errorf("gc: no %s carries %s=%s", what, runtime.LabelRunID, opts.RunID))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.DurationVar(&opts.OlderThan, "older-than", 0, "also remove runs that started longer ago than this, live or not (e.g. 1h)")
	f.StringVar(&opts.RunID, "run", "", "remove this run only (its drill.run-id), whatever its state")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print what would be removed and remove nothing")
	addRuntimeFlags(cmd, st, &rf)
	return cmd
}

// writeGC prints one line per run found and a summary: of containers, networks and volumes, or
// on Kubernetes of namespaces.
func writeGC(w io.Writer, rep runtime.GCReport, opts runtime.GCOptions, onKube bool) {
	verb := "removed"
	if opts.DryRun {
		verb = "would remove"
	}
	var kept int
	for _, r := range rep.Runs {
		if opts.RunID != "" && !r.Remove {
			continue // not the run asked for: not worth a line
		}
		l := r.Labels
		what := "kept"
		if r.Remove {
			what = verb
		} else {
			kept++
		}
		fmt.Fprintf(w, "%s run %s (%s %s, started %s on %s by pid %d): %s; %s\n",
			what, l.RunID, orDash(l.Scenario), orDash(l.Size), startedText(l.Started), orDash(l.Host), l.PID,
			r.Reason, resources(r))
	}
	removed := rep.Removed()
	var c, n, v, ns int
	for _, r := range removed {
		c, n, v, ns = c+len(r.Containers), n+len(r.Networks), v+len(r.Volumes), ns+len(r.Namespaces)
	}
	what := countNoun(c, "container", "containers") + ", " + countNoun(n, "network", "networks") + ", " + countNoun(v, "volume", "volumes")
	where := "engine"
	if onKube {
		what, where = countNoun(ns, "namespace", "namespaces"), "cluster"
	}
	switch {
	case len(rep.Runs) == 0:
		fmt.Fprintf(w, "nothing of drill's on this %s\n", where)
	case opts.RunID == "":
		fmt.Fprintf(w, "%s %s (%s); kept %s\n", verb, countNoun(len(removed), "run", "runs"), what, countNoun(kept, "run", "runs"))
	}
}

// resources lists a run's resources by kind.
func resources(r runtime.GCRun) string {
	var parts []string
	for _, k := range []struct {
		one, many string
		names     []string
	}{
		{"container", "containers", r.Containers}, {"network", "networks", r.Networks},
		{"volume", "volumes", r.Volumes}, {"namespace", "namespaces", r.Namespaces},
	} {
		if len(k.names) > 0 {
			parts = append(parts, countNoun(len(k.names), k.one, k.many)+" "+strings.Join(k.names, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

func startedText(t time.Time) string {
	if t.IsZero() {
		return "at an unknown time"
	}
	return t.UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
