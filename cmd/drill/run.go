package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/kube"
	"github.com/drill-dev/drill/harness/launch"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

func init() { register(newRunCmd) }

type runFlags struct {
	sizes    []string
	allSizes bool
	seed     int64
	out      string
	keep     bool
	dryRun   bool
	progress string
	reports  string
	history  string
	shard    string
	manual   string
	cpuProf  string
	rt       runtimeFlags

	// lines are the terminal's lines when manual steps are answered there.
	lines <-chan string
}

func newRunCmd(st *state) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run SCENARIO...",
		Short: "Run drills: each scenario at each size asked for",
		Long: `Run brings up the scenario's stack, seeds it, takes backups and a baseline, injects the
faults, runs the recovery runbook, measures RTO, RPO and the rest, scores them against the
targets and tears everything down. A scenario is a built-in name (drill list) or a path.

Each drill writes result.json, its reports and the service logs to its output directory
(default out/<scenario>-<size>-<time>/). The first Ctrl-C stops the drill, tears down and
writes an aborted result; a second exits at once and prints the drill gc command.

Manual steps wait for a person on a terminal (outside CI): type y when done or f REASON, or
answer from another shell with drill ack RUN-ID. With no terminal, or CI set, each takes its
simulate time, and a manual step without simulate is refused before anything starts
(--manual wait|simulate chooses).

Exit codes: 0 pass (or a negative control that caught what it declares), 1 fail,
2 invalid input, 3 inconclusive, 130 interrupted; the worst over all drills wins.`,
		Example: `  drill run atlassian-2022
  drill run atlassian-2022 --size small,medium
  drill run atlassian-2022 whole-db-pitr --all-sizes --shard 1/3
  drill run ./my-scenario.yaml --keep
  drill run atlassian-2022 --dry-run`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.cpuProf == "" {
				return runDrills(cmd.Context(), st, args, f)
			}
			stop, err := startCPUProfile(f.cpuProf)
			if err != nil {
				return withCode(exitUsage, err)
			}
			defer stop()
			return runDrills(cmd.Context(), st, args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.sizes, "size", nil, "sizes to run, comma-separated (default: the scenario's first size)")
	fl.BoolVar(&f.allSizes, "all-sizes", false, "run every size of each scenario")
	fl.Int64Var(&f.seed, "seed", 1, "seed for site choice and seeding")
	fl.StringVar(&f.out, "out", "", "output directory of a single drill (default out/<scenario>-<size>-<time>)")
	fl.BoolVar(&f.keep, "keep", false, "leave the stack running afterwards and print how to reach and remove it")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the resolved plan and start nothing")
	fl.StringVar(&f.progress, "progress", "auto", "progress display: auto, tty, plain or none")
	fl.StringVarP(&f.reports, "report", "r", "", "reports to write: html=PATH,junit=PATH,markdown=PATH,json=PATH,openmetrics=PATH (default html, junit, markdown and json into the output directory)")
	fl.StringVar(&f.history, "history", "", "history store path, or none (default $XDG_DATA_HOME/drill/history.db)")
	fl.StringVar(&f.shard, "shard", "", "run only shard K of N of the scenario × size cells (K/N)")
	fl.StringVar(&f.manual, "manual", "auto", "manual steps: wait (for the terminal and drill ack), simulate (their simulate time), or auto (wait on a terminal outside CI)")
	fl.StringVar(&f.cpuProf, "cpu-profile", "", "write drill's own CPU profile to this file (go tool pprof reads it): where the harness spends its cost")
	addRuntimeFlags(cmd, st, &f.rt)
	return cmd
}

// startCPUProfile profiles the process into path until the returned stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	fh, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	if err := pprof.StartCPUProfile(fh); err != nil {
		fh.Close()
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); fh.Close() }, nil
}

func runDrills(ctx context.Context, st *state, args []string, f runFlags) error {
	if f.progress != "auto" && f.progress != "tty" && f.progress != "plain" && f.progress != "none" {
		return withCode(exitUsage, fmt.Errorf("--progress %q: want auto, tty, plain or none", f.progress))
	}
	outs := reports.AllOutputs()
	if f.reports != "" {
		var err error
		if outs, err = reports.ParseOutputs(f.reports); err != nil {
			return withCode(exitUsage, fmt.Errorf("-r: %w", err))
		}
	}
	// result.json always lands in the output directory; -r json=PATH adds a copy elsewhere.
	outs = slices.DeleteFunc(outs, func(o reports.Output) bool { return o.Kind == "json" && o.Path == "" })
	cells, err := plan(args, f)
	if err != nil {
		return withCode(exitUsage, err)
	}
	if len(cells) > 1 && slices.ContainsFunc(outs, func(o reports.Output) bool { return o.Path != "" }) {
		return withCode(exitUsage, fmt.Errorf("-r with paths names one drill's reports, but %d drills were asked for (drill report merges them)", len(cells)))
	}
	if f.out != "" && len(cells) > 1 {
		return withCode(exitUsage, fmt.Errorf("--out names one drill's directory, but %d drills were asked for", len(cells)))
	}
	if f.manual, err = manualMode(st, f.manual); err != nil {
		return withCode(exitUsage, err)
	}
	if f.dryRun {
		for _, c := range cells {
			printPlan(st, c, f.seed)
		}
		return nil
	}
	if err := checkManual(cells, f.manual); err != nil {
		return withCode(exitUsage, err)
	}
	if f.manual == manualWait && st.StdinTerminal {
		f.lines = terminalLines(st.Stdin)
	}
	eng, err := connect(ctx, st, "", f.rt)
	if err == nil {
		defer eng.Close()
		err = preflight(ctx, eng, cells)
	}
	if err != nil {
		fmt.Fprintln(st.Stderr, "drill:", err)
		return withCode(exitInconclusive, nil)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go watchSignals(ctx, st, cancel, f.rt)
	var codes []int
	for _, c := range cells {
		if ctx.Err() != nil {
			break
		}
		codes = append(codes, runCell(ctx, st, eng.Runtime, c, f, outs))
	}
	if ctx.Err() != nil {
		codes = append(codes, exitInterrupted)
	}
	if code := result.WorstExit(codes...); code != exitPass {
		return withCode(code, nil)
	}
	return nil
}

// watchSignals cancels the drills on the first interrupt and exits at once on the second.
func watchSignals(ctx context.Context, st *state, cancel context.CancelFunc, rf runtimeFlags) {
	if st.Signals == nil {
		return
	}
	select {
	case <-ctx.Done():
		return
	case <-st.Signals:
	}
	fmt.Fprintln(st.Stderr, "drill: interrupted: stopping the drill and tearing down (Ctrl-C again to exit now)")
	cancel()
	<-st.Signals
	fmt.Fprintln(st.Stderr, "drill: exiting now; containers may be left behind: remove them with\n  "+rf.gcCommand(""))
	st.Exit(exitInterrupted)
}

// plan loads the scenarios and lists the cells to run, sharded when asked.
func plan(args []string, f runFlags) ([]harness.Cell, error) {
	var cells []harness.Cell
	var errs []error
	for _, a := range args {
		sc, err := scenarios.Load(a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sizes := f.sizes
		if f.allSizes {
			sizes = nil
			for _, s := range sc.Sizes {
				sizes = append(sizes, s.Name)
			}
		}
		if len(sizes) == 0 {
			sizes = []string{sc.Sizes[0].Name}
		}
		for _, s := range sizes {
			if _, err := sc.Size(s); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", sc.Name, err))
				continue
			}
			cells = append(cells, harness.Cell{Scenario: sc, Size: s})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if f.shard == "" {
		return cells, nil
	}
	k, n, err := harness.ParseShard(f.shard)
	if err != nil {
		return nil, err
	}
	return harness.Shard(cells, k, n), nil
}

// runCell runs one drill, writes its result and reports, and returns its exit code.
func runCell(ctx context.Context, st *state, rt runtime.Runtime, c harness.Cell, f runFlags, outs reports.Outputs) int {
	dir := f.out
	if dir == "" {
		dir = filepath.Join("out", fmt.Sprintf("%s-%s-%s", c.Scenario.Name, c.Size, time.Now().Format("20060102-150405")))
	}
	label := c.Name()
	opts := []harness.Option{
		harness.WithSeed(f.seed), harness.WithVersion(drillVersion()), harness.WithShard(f.shard),
		harness.WithCommand("drill " + strings.Join(os.Args[1:], " ")),
	}
	if f.keep {
		opts = append(opts, harness.WithKeep())
	}
	// The progress display and the manual answers start once the folder and its log exist.
	setup := func() ([]harness.Option, func(), error) {
		obs, done := progressFor(st, f.progress, label)
		mopts, closeManual, err := manualOptions(st, c, f, obs, label)
		if err != nil {
			done()
			return nil, nil, err
		}
		return append([]harness.Option{harness.WithObserver(obs)}, mopts...), func() { closeManual(); done() }, nil
	}
	res, err := launch.Drill(ctx, c, rt, dir, launch.WithHarness(opts...), launch.WithSetup(setup))
	if err != nil {
		fmt.Fprintln(st.Stderr, "drill:", err)
		if errors.Is(err, launch.ErrRefused) {
			return exitUsage
		}
		return exitInconclusive
	}
	path := launch.ResultPath(dir)
	fmt.Fprintf(st.Stdout, "%s: %s — %s\n", label, result.OutcomeOf(res).Label, res.Reason)
	writeKept(ctx, st, rt, res, f.rt)
	fmt.Fprintf(st.Stdout, "result: %s\n", path)
	writeReports(context.WithoutCancel(ctx), st, res, dir, outs, f.history)
	return result.OutcomeOf(res).Exit
}

// writeKept prints, for a kept stack, where its services are and how to remove it; on
// Kubernetes, also its namespace and how to look at its pods.
func writeKept(ctx context.Context, st *state, rt runtime.Runtime, res *result.Result, rf runtimeFlags) {
	kept := false
	for _, e := range res.Timeline {
		if e.Kind != result.EventKept {
			continue
		}
		kept = true
		if strings.HasPrefix(e.Name, "remove it with: ") {
			continue // said below, for this runtime
		}
		fmt.Fprintln(st.Stdout, "kept:", e.Name)
	}
	if !kept {
		return
	}
	if k, ok := rt.(*kube.Runtime); ok {
		ns, err := k.RunNamespace(ctx, res.Run.ID)
		if err != nil {
			ns = "NAMESPACE"
			fmt.Fprintln(st.Stderr, "drill:", err)
		}
		fmt.Fprintf(st.Stdout, "kept: namespace %s: kubectl -n %s get pods\n", ns, ns)
		fmt.Fprintf(st.Stdout, "kept: the addresses above close when drill exits; reach a pod with kubectl -n %s port-forward pod/POD PORT\n", ns)
	}
	fmt.Fprintln(st.Stdout, "kept: remove it with:", rf.gcCommand(res.Run.ID))
}

// progressFor picks the progress display; done finishes it.
func progressFor(st *state, mode, label string) (harness.Observer, func()) {
	if mode == "auto" {
		mode = "plain"
		if st.IsTerminal && st.Getenv("CI") == "" {
			mode = "tty"
		}
	}
	switch mode {
	case "tty":
		b := newBarProgress(st.Stderr, label)
		return b, b.wait
	case "plain":
		return &plainProgress{w: st.Stderr, start: time.Now(), label: label}, func() {}
	}
	return nopProgress{}, func() {}
}
