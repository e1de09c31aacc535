package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/harness/docker"
	"github.com/drill-dev/drill/harness/runtime"
)

func init() { register(newGCCmd) }

func newGCCmd(st *state) *cobra.Command {
	var opts runtime.GCOptions
	cmd := &cobra.Command{
		Use:   "gc",
		Short: "Remove the containers, networks and volumes that dead drills left behind",
		Long: `Gc finds every container, network and volume labelled drill.run-id and removes those of runs
that are over: started on this host by a process that is gone (a drill killed with SIGKILL, a
crashed CI job). With --older-than it also removes runs that started longer ago than that,
whether their process still runs or not and on any host; with --run it removes one run. It
removes containers first, then networks, then volumes, and never touches anything without
drill's label. A live drill's resources are left alone.`,
		Example: `  drill gc --dry-run
  drill gc
  drill gc --older-than 24h
  drill gc --run atlassian-2022-small-20260501T120000Z`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.OlderThan < 0 {
				return withCode(exitUsage, fmt.Errorf("--older-than %s: want a positive duration", opts.OlderThan))
			}
			if opts.RunID != "" && opts.OlderThan > 0 {
				return withCode(exitUsage, errors.New("--run and --older-than do not combine: --run removes one run whatever its age"))
			}
			ctx := cmd.Context()
			eng, err := connect(ctx, st, "gc")
			if err != nil {
				return withCode(exitInconclusive, err)
			}
			defer eng.Close()
			rep, err := docker.GC(ctx, eng.Docker, opts)
			writeGC(st.Stdout, rep, opts)
			if err != nil {
				return withCode(exitInconclusive, fmt.Errorf("gc: %w", err))
			}
			if opts.RunID != "" && len(rep.Removed()) == 0 {
				return withCode(exitUsage, fmt.Errorf("gc: no container, network or volume carries %s=%s", runtime.LabelRunID, opts.RunID))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.DurationVar(&opts.OlderThan, "older-than", 0, "also remove runs that started longer ago than this, live or not (e.g. 1h)")
	f.StringVar(&opts.RunID, "run", "", "remove this run only (its drill.run-id), whatever its state")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print what would be removed and remove nothing")
	return cmd
}

// writeGC prints one line per run found and a summary.
func writeGC(w io.Writer, rep runtime.GCReport, opts runtime.GCOptions) {
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
	var c, n, v int
	for _, r := range removed {
		c, n, v = c+len(r.Containers), n+len(r.Networks), v+len(r.Volumes)
	}
	switch {
	case len(rep.Runs) == 0:
		fmt.Fprintln(w, "nothing of drill's on this engine")
	case opts.RunID == "":
		fmt.Fprintf(w, "%s %s (%s, %s, %s); kept %s\n", verb, countNoun(len(removed), "run", "runs"),
			countNoun(c, "container", "containers"), countNoun(n, "network", "networks"), countNoun(v, "volume", "volumes"),
			countNoun(kept, "run", "runs"))
	}
}

// resources lists a run's resources by kind.
func resources(r runtime.GCRun) string {
	var parts []string
	for _, k := range []struct {
		one, many string
		names     []string
	}{{"container", "containers", r.Containers}, {"network", "networks", r.Networks}, {"volume", "volumes", r.Volumes}} {
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
