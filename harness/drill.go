package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drill-dev/drill/harness/clock"
	"github.com/drill-dev/drill/harness/recovery"
	"github.com/drill-dev/drill/harness/runtime"
	"github.com/drill-dev/drill/harness/transport"
	"github.com/drill-dev/drill/harness/verify"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

// ErrInfrastructure marks failures of the harness or the infrastructure (Docker, images, a
// service that never became ready, a misdeclared probe): the drill is inconclusive.
var ErrInfrastructure = errors.New("infrastructure")

// drill is one scenario at one size, in progress.
type drill struct {
	cfg     config
	sc      *scenarios.Scenario
	stack   *scenarios.Stack
	size    *scenarios.Size
	rt      runtime.Runtime
	clock   clock.Clock
	tl      *Timeline
	cleanup *Cleanup
	log     *slog.Logger
	plane   *transport.Plane // the data plane: http, sql and exec calls to the services
	panics  panics           // recovered panics (panics.go)

	runID   string
	prefix  string // resource name prefix: drill-<run>
	network string
	labels  map[string]string
	secrets []string
	runs    atomic.Int64

	svcs     *services
	reader   *verify.Reader   // health, fingerprints and links of every site
	ver      *verify.Verifier // from t0
	sites    []string
	products []string // the stack's products, sorted once

	mu       sync.Mutex
	named    map[string]time.Duration // site -> start of the first fault instance that named it
	namedBy  map[string]string        // site -> that instance's step
	t0       time.Duration
	injected bool
	injEnd   time.Duration
	injDone  bool     // the inject window has ended (injEnd is set)
	affected []string // resolved when the detection window closes
	curPhase string

	book runbookBook // the runbook's steps, human and automated (runbook.go)
}

func newDrill(sc *scenarios.Scenario, size *scenarios.Size, rt runtime.Runtime, cfg config, runID string) *drill {
	d := &drill{
		cfg:     cfg,
		sc:      sc,
		stack:   sc.Stack,
		size:    size,
		rt:      rt,
		clock:   cfg.clock,
		log:     cfg.log.With("run", runID, "scenario", sc.Name, "size", size.Name),
		runID:   runID,
		prefix:  "drill-" + runID,
		network: "drill-" + runID,
		named:   map[string]time.Duration{},
		namedBy: map[string]string{},
	}
	d.products = slices.Sorted(maps.Keys(d.stack.Products))
	d.tl = NewTimeline(d.clock)
	d.cleanup = &Cleanup{log: d.log}
	d.svcs = newServices(d)
	d.plane = transport.New(d.stack, d.svcs, transport.WithRecover(d.recovered))
	d.cleanup.Push("sql connections", d.plane.Close)
	d.reader = verify.NewReader(d.plane, d.stack, d.products, d.clock, d.data, d.log)
	for _, svc := range d.stack.Services {
		for _, v := range svc.Env {
			if v.Secret && v.Value != "" {
				d.secrets = append(d.secrets, v.Value)
			}
		}
		if svc.SQL != nil && svc.SQL.Password != "" {
			d.secrets = append(d.secrets, svc.SQL.Password)
		}
	}
	return d
}

// redact removes secret values from text bound for results and logs.
func (d *drill) redact(s string) string {
	for _, sec := range d.secrets {
		s = strings.ReplaceAll(s, sec, "[secret]")
	}
	return s
}

func (d *drill) nextRun() int64 { return d.runs.Add(1) }

// markNamed records that an instance of the fault step named step named site at instant at:
// the site's data must be proven again.
func (d *drill) markNamed(site, step string, at time.Duration) {
	d.mu.Lock()
	if prev, ok := d.named[site]; !ok || at < prev {
		d.named[site] = at
		d.namedBy[site] = step
	}
	ver := d.ver
	d.mu.Unlock()
	if ver != nil {
		ver.Unverify(site)
	}
}

// data is the template data of the drill's current state.
func (d *drill) data() scenarios.TemplateData {
	d.mu.Lock()
	defer d.mu.Unlock()
	td := scenarios.TemplateData{
		Sites: d.sites,
		Size:  d.size.Params,
		Run:   d.runID,
		Seed:  d.cfg.seed,
	}
	if d.injected {
		td.T0 = d.clock.Wall(d.t0)
	}
	if d.affected != nil {
		td.Sites = d.affected
	}
	return td
}

// saveLogs writes a service's logs to the output directory, once per container.
func (d *drill) saveLogs(ctx context.Context, service string, c runtime.Container) {
	if d.cfg.outDir == "" {
		return
	}
	rc, err := c.Logs(ctx)
	if err != nil {
		d.log.Warn("logs", "service", service, "err", err)
		return
	}
	defer rc.Close()
	dir := filepath.Join(d.cfg.outDir, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	name := filepath.Join(dir, service+".log")
	for i := 2; ; i++ { // a recreated service keeps the logs of its earlier containers
		if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
			break
		}
		name = filepath.Join(dir, fmt.Sprintf("%s.%d.log", service, i))
	}
	f, err := os.Create(name)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = io.Copy(f, io.LimitReader(rc, 256<<20))
}

// logTail returns the last n lines of a service's log, indented.
func (d *drill) logTail(ctx context.Context, service string, n int) string {
	c, err := d.svcs.Container(service)
	if err != nil {
		return ""
	}
	rc, err := c.Logs(ctx)
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

// newResult starts the result of this drill.
func (d *drill) newResult(started time.Time) *result.Result {
	return &result.Result{
		Schema: result.SchemaVersion,
		Run: result.Run{
			ID:          d.runID,
			Scenario:    d.sc.Name,
			Description: d.sc.Description,
			Stack:       d.stack.Name,
			Size:        d.size.Name,
			SizeParams:  d.size.Params,
			Seed:        d.cfg.seed,
			Shard:       d.cfg.shard,
			Started:     started,
		},
		Objectives: []result.Objective{},
		Sites:      []result.Site{},
		Timeline:   []result.Event{},
	}
}

// infraError marks err as a harness or infrastructure failure without changing its message.
type infraError struct{ err error }

func (e *infraError) Error() string   { return e.err.Error() }
func (e *infraError) Unwrap() []error { return []error{ErrInfrastructure, e.err} }

func infra(err error) error { return &infraError{err} }

// hitWall is site's hit instant h(s) so far, in wall-clock time (for .Hit): the earlier of the
// start of the fault instance that named it and its first failed poll; t0 when neither is known.
func (d *drill) hitWall(site string) time.Time {
	d.mu.Lock()
	namedAt, named := d.named[site]
	ver, t0 := d.ver, d.t0
	d.mu.Unlock()
	var ss []recovery.Sample
	if ver != nil {
		ss = ver.Samples(site)
	}
	h, ok := recovery.Hit(namedAt, named, ss, t0)
	if !ok {
		h = t0
	}
	return d.clock.Wall(h)
}

// drillState is what the verifier reads of the drill in progress (verify.Drill).
type drillState struct{ d *drill }

func (s drillState) InjectEnd() (time.Duration, bool) {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	return s.d.injEnd, s.d.injDone
}

func (s drillState) AffectedKnown() bool {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	return s.d.affected != nil
}

func (s drillState) Data() scenarios.TemplateData { return s.d.data() }
