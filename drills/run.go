package drills

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/launch"
	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// entryName names the report entry through which a drill reaches WriteReports, from any
// parallel process.
const entryName = "drill result"

// entry is the report entry's value, as JSON text.
type entry struct {
	Result string `json:"result"` // path of result.json
	// ProjectTo and ProjectedRTO are the scenario's project-to sites-affected and its
	// projected-rto target, so that the suite's campaign projects as drill report would.
	ProjectTo    int      `json:"project_to,omitempty"`
	ProjectedRTO *float64 `json:"projected_rto_seconds,omitempty"`
}

// Run performs one drill inside a spec: the scenario ref (a built-in name or a path to a
// scenario file) at the named size ("" is the scenario's first). It is RunCell after loading
// the scenario; a scenario that does not load, or an unknown size, fails the spec.
func Run(ctx context.Context, ref, size string, opts ...Option) *result.Result {
	ginkgo.GinkgoHelper()
	sc, err := scenarios.Load(ref)
	if err != nil {
		ginkgo.Fail(fmt.Sprintf("load %s:\n%v", ref, err))
	}
	if size == "" {
		size = sc.Sizes[0].Name
	}
	return RunCell(ctx, harness.Cell{Scenario: sc, Size: size}, opts...)
}

// RunCell performs one drill inside a spec and returns its result, whatever its verdict; judge
// it with the matchers. It skips the spec under go test -short (drills need Docker) and fails
// it when the size is unknown or no Docker engine answers. Cancelling ctx (pass the spec's
// SpecContext: Ctrl-C and timeouts cancel it) aborts the drill, which tears its stack down and
// returns an aborted result.
//
// It writes result.json, report.html and drill.log, and the service logs, into the drill's
// folder (WithDir; default OutDir()/SCENARIO-SIZE, see Unreported), reports a one-line verdict
// with the wall time (a report entry Ginkgo prints for every spec), adds the metrics as report
// entries named drill.* (so ginkgo --junit-report carries them as properties of the spec's
// testcase) and, unless Unreported, adds the report entry that WriteReports collects.
func RunCell(ctx context.Context, c harness.Cell, opts ...Option) *result.Result {
	ginkgo.GinkgoHelper()
	if testing.Short() {
		ginkgo.Skip("drills need Docker: skipped under -short")
	}
	cfg := newConfig(opts)
	dir := cfg.dir
	if dir == "" {
		dir = filepath.Join(OutDir(os.Getenv), c.Scenario.Name+"-"+c.Size)
		if cfg.unreported {
			dir = filepath.Join(OutDir(os.Getenv), "unreported", c.Scenario.Name+"-"+c.Size)
		}
	}
	rt := cfg.rt
	if rt == nil {
		// As drill run connects, bounded to a minute, on the runtime $DRILL_RUNTIME names.
		eng, err := launch.Connect(ctx, append(launch.FromEnv(os.Getenv), launch.WithTimeout(time.Minute))...)
		if err != nil {
			ginkgo.Fail(fmt.Sprintf("drill %s: %v", c.Name(), err))
		}
		defer eng.Close()
		rt = eng.Runtime
	}
	hopts := []harness.Option{harness.WithCommand(command())}
	if cfg.shard != "" {
		hopts = append(hopts, harness.WithShard(cfg.shard))
	}
	res, err := launch.Drill(ctx, c, rt, dir, launch.WithHarness(append(hopts, cfg.harness...)...),
		launch.WithReports(reports.Outputs{{Kind: "html", Path: filepath.Join(dir, "report.html")}}))
	if err != nil {
		ginkgo.Fail(fmt.Sprintf("drill %s: %v", c.Name(), err))
	}
	path := launch.ResultPath(dir)
	ginkgo.AddReportEntry("drill", fmt.Sprintf("%s: %s in %s: %s\nresult: %s", subject(res), result.OutcomeOf(res).Label,
		reports.Dur(res.Run.WallSeconds), res.Reason, path))
	reportMetrics(res)
	if !cfg.unreported {
		ginkgo.AddReportEntry(entryName, entryFor(c.Scenario, path), ginkgo.ReportEntryVisibilityNever)
	}
	return res
}

// command is what the result records as the command line: the spec, not the test binary.
func command() string {
	return "ginkgo spec: " + ginkgo.CurrentSpecReport().FullText()
}

func entryFor(sc *scenarios.Scenario, path string) string {
	e := entry{Result: path}
	if abs, err := filepath.Abs(path); err == nil {
		e.Result = abs
	}
	e.ProjectTo = int(sc.ProjectTo["sites-affected"])
	if t := sc.Targets.ProjectedRTO; t != nil {
		s := t.Seconds()
		e.ProjectedRTO = &s
	}
	b, _ := json.Marshal(e)
	return string(b)
}

// OutDir is where drills write their files: $DRILL_OUT when set, else out/drills under the
// module root (the nearest folder upwards with a go.mod), else under the working directory.
func OutDir(getenv func(string) string) string {
	if d := getenv("DRILL_OUT"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Join("out", "drills")
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "out", "drills")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, "out", "drills")
		}
	}
}
