package harness

import (
	"io"
	"log/slog"
	"time"

	"github.com/drill-dev/drill/harness/clock"
)

// Option configures Run.
type Option func(*config)

type config struct {
	log        *slog.Logger
	clock      clock.Clock
	keep       bool
	seed       int64
	outDir     string
	observer   Observer
	teardownTO time.Duration
	version    string
	shard      string
	command    string
	operator   Operator
	runID      string
}

func defaults() config {
	return config{
		log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		seed:       1,
		observer:   nopObserver{},
		teardownTO: 2 * time.Minute,
		version:    "dev",
	}
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithClock sets the clock (default: a real monotonic clock started by Run).
func WithClock(cl clock.Clock) Option { return func(c *config) { c.clock = cl } }

// WithKeep leaves the stack running after the drill instead of tearing it down (default off).
func WithKeep() Option { return func(c *config) { c.keep = true } }

// WithSeed sets the seed for site choice and seeding (default 1).
func WithSeed(s int64) Option { return func(c *config) { c.seed = s } }

// WithOutDir sets the directory for service logs (default: logs are not saved).
func WithOutDir(dir string) Option { return func(c *config) { c.outDir = dir } }

// WithObserver receives progress (default: none).
func WithObserver(o Observer) Option { return func(c *config) { c.observer = o } }

// WithVersion records drill's version in the result (default "dev").
func WithVersion(v string) Option { return func(c *config) { c.version = v } }

// WithShard records the shard (K/N) in the result.
func WithShard(s string) Option { return func(c *config) { c.shard = s } }

// WithCommand records the command line in the result.
func WithCommand(s string) Option { return func(c *config) { c.command = s } }

// WithTeardownTimeout bounds teardown (default 2m).
func WithTeardownTimeout(d time.Duration) Option { return func(c *config) { c.teardownTO = d } }

// WithOperator sets who answers manual steps (default: none: each takes its simulate time,
// marked simulated in the result).
func WithOperator(op Operator) Option { return func(c *config) { c.operator = op } }

// WithRunID sets the run ID (default: a random one from NewRunID), so that a caller can name
// the run before it starts, e.g. for drill ack.
func WithRunID(id string) Option { return func(c *config) { c.runID = id } }

// Observer is told what a drill is doing, for progress displays. Calls come from several
// goroutines.
type Observer interface {
	// Phase is called when a phase starts.
	Phase(name string)
	// Instances is called when a step fans out over n sites.
	Instances(step string, n int)
	// Event is called when a step or instance ends.
	Event(phase, kind, name, site, outcome string)
}

type nopObserver struct{}

func (nopObserver) Phase(string)                                 {}
func (nopObserver) Instances(string, int)                        {}
func (nopObserver) Event(string, string, string, string, string) {}
