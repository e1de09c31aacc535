package launch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/result"
)

// The files Drill writes into a drill's folder, besides the service logs the harness writes.
const (
	LogFile    = "drill.log"   // the harness's debug log
	ResultFile = "result.json" // the result
)

// ResultPath is where Drill writes the result of a drill run into dir.
func ResultPath(dir string) string { return filepath.Join(dir, ResultFile) }

// ErrRefused matches Drill's error when harness.Run refused the drill's arguments (an unknown
// size, a manual step nobody can answer): nothing started.
var ErrRefused = errors.New("drill refused")

// DrillOption configures Drill.
type DrillOption func(*drillConfig)

type drillConfig struct {
	harness []harness.Option
	setup   func() ([]harness.Option, func(), error)
	reports reports.Outputs
}

// WithHarness passes opts to harness.Run after Drill's own (the logger and the output folder),
// so they win.
func WithHarness(opts ...harness.Option) DrillOption {
	return func(c *drillConfig) { c.harness = append(c.harness, opts...) }
}

// WithSetup calls setup once the folder and its log exist, just before the drill starts (a
// progress display, a listener for manual answers). Its options go to harness.Run after all
// others; release runs as soon as the drill returns, before anything is written. When setup
// fails, Drill returns its error and runs nothing; setup releases what it took itself.
func WithSetup(setup func() (opts []harness.Option, release func(), err error)) DrillOption {
	return func(c *drillConfig) { c.setup = setup }
}

// WithReports writes these reports (with their paths) together with result.json. Default: none.
func WithReports(outs reports.Outputs) DrillOption {
	return func(c *drillConfig) { c.reports = append(c.reports, outs...) }
}

// Drill runs one drill, cell c on rt, into the folder dir: it creates dir, logs the harness at
// debug level into dir/drill.log, runs harness.Run with that logger and dir as its output
// folder (the service logs land there), and writes dir/result.json and the WithReports
// reports. It returns the result, whatever its verdict.
//
// The error is the folder's or the log's (nothing ran), the setup's, harness.Run's refusal
// (matching ErrRefused: nothing started), or "write result: …" (the drill ran; its result is
// returned with the error).
func Drill(ctx context.Context, c harness.Cell, rt runtime.Runtime, dir string, opts ...DrillOption) (*result.Result, error) {
	var cfg drillConfig
	for _, o := range opts {
		o(&cfg)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	res, err := runLogged(ctx, c, rt, dir, cfg)
	if err != nil {
		return nil, err
	}
	outs := append(reports.Outputs{{Kind: "json", Path: ResultPath(dir)}}, cfg.reports...)
	if err := reports.Write(reports.Single(*res), outs); err != nil {
		return res, fmt.Errorf("write result: %w", err)
	}
	return res, nil
}

// runLogged runs the drill with a debug log in dir/drill.log.
func runLogged(ctx context.Context, c harness.Cell, rt runtime.Runtime, dir string, cfg drillConfig) (*result.Result, error) {
	logf, err := os.Create(filepath.Join(dir, LogFile))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	log := slog.New(slog.NewTextHandler(logf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	hopts := append([]harness.Option{harness.WithLogger(log), harness.WithOutDir(dir)}, cfg.harness...)
	release := func() {}
	if cfg.setup != nil {
		more, rel, err := cfg.setup()
		if err != nil {
			return nil, err
		}
		hopts, release = append(hopts, more...), rel
	}
	res, err := harness.Run(ctx, c.Scenario, c.Size, rt, hopts...)
	release()
	if err != nil {
		return nil, refused{err}
	}
	return res, nil
}

// refused is harness.Run's refusal: its own text, matching ErrRefused.
type refused struct{ err error }

func (e refused) Error() string   { return e.err.Error() }
func (e refused) Unwrap() []error { return []error{ErrRefused, e.err} }
