package drills

import (
	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/runtime"
)

// Option configures Run, RunCell, Spec and Catalogue.
type Option func(*config)

type config struct {
	rt         runtime.Runtime
	dir        string
	harness    []harness.Option
	unreported bool
	shard      string
}

// WithRuntime runs the drills on rt (default: a Docker runtime per drill, connected with
// drill's local defaults in force: the Ryuk reaper off and mapped ports on localhost). The
// caller keeps ownership of rt and closes it.
func WithRuntime(rt runtime.Runtime) Option { return func(c *config) { c.rt = rt } }

// WithDir writes the drill's files (result.json, report.html, drill.log, service logs) into
// dir (default: OutDir()/SCENARIO-SIZE; see Unreported). Give it to one drill only: a second drill would
// overwrite the first one's files.
func WithDir(dir string) Option { return func(c *config) { c.dir = dir } }

// WithHarness passes options to harness.Run after drills' own (seed 1, a debug log in
// drill.log, the service logs in the drill's folder, the shard), so they win.
func WithHarness(opts ...harness.Option) Option {
	return func(c *config) { c.harness = append(c.harness, opts...) }
}

// Unreported keeps the drill out of the suite's reports (WriteReports); its own files are
// still written, under OutDir()/unreported/ unless WithDir says otherwise, so that a glob
// OutDir()/*/result.json (drill report, drill history import) does not pick them up either.
// For fixtures whose failure is the point of the spec.
func Unreported() Option { return func(c *config) { c.unreported = true } }

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		o(&c)
	}
	return c
}
