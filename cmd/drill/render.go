package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/harness/transport"
	"github.com/drill-dev/drill/scenarios"
)

func init() { register(newRenderCmd) }

// productProbes are the per-product declarations drill render knows by name.
var productProbes = []string{"health", "health-batch", "fingerprint", "fingerprint-batch", "canary-write", "canary-read"}

type renderFlags struct {
	product string
	sites   []int
	siteIDs []string
	size    string
	seed    int64
	seq     int
	t0      string
	args    map[string]string
	run     string
	rt      runtimeFlags
}

func newRenderCmd(st *state) *cobra.Command {
	var f renderFlags
	cmd := &cobra.Command{
		Use:   "render SCENARIO|STACK WHAT",
		Short: "Show the request a probe or step sends for given sites, and with --run send it once",
		Long: `Render prints the request drill would send for one probe or step, every template rendered:
an http call's method, path, headers and body, an sql query's text with its connection, an exec
command's argv and stdin. With --run RUN_ID it sends it once to a stack kept by drill run --keep
and prints the answer, so a query can be tried the way the drill will send it.

WHAT is one of:
  health, fingerprint              a product's per-site probe, one request per site
  health-batch, fingerprint-batch  a product's batch form, one request for all the sites
  canary-write, canary-read        a product's canary write (sequence --seq) and read
  tenants-list                     the stack's tenants.list
  NAME                             a steady-state probe, a milestone or a link, by name
  PHASE.N[.M…]                     step N of protect, inject or recover (1-based); .M descends
                                   into the steps of an action step
  ACTION.M                         step M of a stack action (its parameters from --arg)

Sites are given by position (--sites 1,4: the first and the fourth site, site#1 and site#4;
with --run the kept stack's tenants.list names them) or by ID (--site-ids). .T0 and .Hit render
as <t0> and <hit> unless --t0 gives the instant.

--run sends http, sql and exec requests (probes, and steps of those kinds); a step that writes
changes the kept stack as the drill would. Exit codes: 0 rendered (and, with --run, answered
without error), 1 a request sent failed or a probe did not pass, 2 invalid input, 3 the engine
or the run could not be reached. --runtime (and --kubeconfig, --context) say where the kept run
is; on kube, --run is not supported yet.`,
		Example: `  drill render pg-tenant-purge health --sites 1,4
  drill render stacks/cloudsuite/stack.yaml health-batch --product tracker --sites 1,4
  drill render pg-tenant-purge recover.2.1 --sites 3
  drill render pg-tenant-purge fingerprint --sites 1 --run pg-tenant-purge-small-20260501T120000Z`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: completeBuiltins,
		RunE: func(cmd *cobra.Command, args []string) error {
			return render(cmd.Context(), st, args[0], args[1], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.product, "product", "", "the product of health, fingerprint and canary forms (default: the stack's only product)")
	fl.IntSliceVar(&f.sites, "sites", nil, "sites by position, 1-based, comma-separated (default 1)")
	fl.StringSliceVar(&f.siteIDs, "site-ids", nil, "sites by ID, comma-separated (instead of --sites)")
	fl.StringVar(&f.size, "size", "", "the scenario's size for .Size (default its first)")
	fl.Int64Var(&f.seed, "seed", 1, "the seed templates see as .Seed")
	fl.IntVar(&f.seq, "seq", 1000000, "the sequence number of canary-write")
	fl.StringVar(&f.t0, "t0", "", "the fault instant .T0 and .Hit stand for, RFC 3339 (default: placeholders <t0>, <hit>)")
	fl.StringToStringVar(&f.args, "arg", nil, "an action argument for ACTION.M (repeat: --arg tenant=t-001)")
	fl.StringVar(&f.run, "run", "", "send the request once to this kept run (its drill.run-id, printed by drill run --keep)")
	addRuntimeFlags(cmd, st, &f.rt)
	return cmd
}

// renderCall is one request drill render shows and may send.
type renderCall struct {
	title string
	req   transport.Request
	err   error  // it does not render
	note  string // a step that is not a request: what it does
	// send sends it once and writes the answer; nil when the data plane does not send it.
	send func(ctx context.Context, p *transport.Plane) (string, error)
}

func render(ctx context.Context, st *state, ref, what string, f renderFlags) error {
	if len(f.sites) > 0 && len(f.siteIDs) > 0 {
		return withCode(exitUsage, errors.New("--sites and --site-ids do not combine: name sites by position or by ID"))
	}
	doc, err := scenarios.LoadDocument(ref, scenarios.WithEnv(lookupEnv(st)))
	if err != nil {
		return withCode(exitUsage, err)
	}
	r := renderer{sc: doc.Scenario, stack: doc.Stack, f: f}
	if r.sc != nil {
		r.stack = r.sc.Stack
	}
	if r.data, err = r.baseData(); err != nil {
		return withCode(exitUsage, err)
	}
	var kept *keptRun
	if f.run != "" {
		if kept, err = attach(ctx, st, r.stack, f.run, f.rt); err != nil {
			return withCode(exitInconclusive, err)
		}
		defer kept.close()
		r.plane = kept.plane
	} else {
		r.plane = transport.New(r.stack, nil)
	}
	if r.sites, err = r.chooseSites(ctx); err != nil {
		if kept != nil {
			return withCode(exitInconclusive, err)
		}
		return withCode(exitUsage, err)
	}
	calls, err := r.calls(what)
	if err != nil {
		return withCode(exitUsage, err)
	}
	return writeCalls(ctx, st, calls, r.plane, kept != nil)
}

// writeCalls prints each call and, when sending, sends it and prints its answer.
func writeCalls(ctx context.Context, st *state, calls []renderCall, p *transport.Plane, send bool) error {
	failed := 0
	for i, c := range calls {
		if i > 0 {
			fmt.Fprintln(st.Stdout)
		}
		fmt.Fprintf(st.Stdout, "# %s\n", c.title)
		switch {
		case c.err != nil:
			fmt.Fprintf(st.Stdout, "does not render: %v\n", c.err)
			failed++
			continue
		case c.note != "":
			fmt.Fprintln(st.Stdout, c.note)
		default:
			writeRequest(st.Stdout, c.req)
		}
		if !send {
			continue
		}
		if c.send == nil {
			fmt.Fprintln(st.Stdout, "not sent: drill render --run sends http, sql and exec requests only")
			continue
		}
		ans, err := c.send(ctx, p)
		if ans != "" {
			fmt.Fprintf(st.Stdout, "answer:\n%s\n", strings.TrimRight(ans, "\n"))
		}
		if err != nil {
			fmt.Fprintf(st.Stdout, "error: %v\n", err)
			failed++
		}
	}
	if failed == 0 {
		return nil
	}
	verb := "render"
	if send {
		verb = "render or answer without error"
	}
	return withCode(exitFail, fmt.Errorf("render: %d of %d did not %s", failed, len(calls), verb))
}

// renderer resolves WHAT into calls for one stack (and scenario, when given).
type renderer struct {
	sc    *scenarios.Scenario
	stack *scenarios.Stack
	f     renderFlags
	data  scenarios.TemplateData
	sites []string
	plane *transport.Plane
}

// baseData is the template data of every call: size, seed, run and t0.
func (r *renderer) baseData() (scenarios.TemplateData, error) {
	d := scenarios.TemplateData{Seed: r.f.seed, Run: r.f.run, Size: map[string]string{}}
	if d.Run == "" {
		d.Run = "<run>"
	}
	if r.sc != nil {
		name := r.f.size
		if name == "" {
			name = r.sc.Sizes[0].Name
		}
		size, err := r.sc.Size(name)
		if err != nil {
			return d, fmt.Errorf("--size: %w", err)
		}
		d.Size = size.Params
	} else if r.f.size != "" {
		return d, errors.New("--size names a scenario's size, and a stack has none")
	}
	if r.f.t0 == "" {
		return d.Placeholders(), nil
	}
	t0, err := time.Parse(time.RFC3339Nano, r.f.t0)
	if err != nil {
		return d, fmt.Errorf("--t0 %q: want RFC 3339, e.g. 2026-05-01T12:00:00Z", r.f.t0)
	}
	d.T0, d.Hit = t0, t0
	return d, nil
}

// chooseSites are the sites asked for: IDs as given, or positions named by the kept stack's
// tenant list (with --run) or as site#N.
func (r *renderer) chooseSites(ctx context.Context) ([]string, error) {
	if len(r.f.siteIDs) > 0 {
		return r.f.siteIDs, nil
	}
	pos := r.f.sites
	if len(pos) == 0 {
		pos = []int{1}
	}
	var all []string
	if r.f.run != "" {
		var err error
		if all, err = r.plane.ListSites(ctx, r.data); err != nil {
			return nil, fmt.Errorf("the kept stack's tenants.list: %w", err)
		}
	}
	sites := make([]string, len(pos))
	for i, n := range pos {
		switch {
		case n < 1:
			return nil, fmt.Errorf("--sites %d: positions start at 1", n)
		case r.f.run == "":
			sites[i] = fmt.Sprintf("site#%d", n)
		case n > len(all):
			return nil, fmt.Errorf("--sites %d: the kept stack has %d sites", n, len(all))
		default:
			sites[i] = all[n-1]
		}
	}
	return sites, nil
}

// calls resolves WHAT.
func (r *renderer) calls(what string) ([]renderCall, error) {
	r.data.Sites = r.sites
	switch {
	case slices.Contains(productProbes, what):
		return r.productCalls(what)
	case what == "tenants-list":
		q, err := r.plane.RenderList(r.data)
		return []renderCall{{title: "tenants-list", req: q, err: err, send: func(ctx context.Context, p *transport.Plane) (string, error) {
			sites, err := p.ListSites(ctx, r.data)
			return strings.Join(sites, "\n"), err
		}}}, nil
	}
	if pr := r.namedProbe(what); pr != nil {
		return []renderCall{r.checkCall(what, *pr, r.data, "")}, nil
	}
	if pr := r.stack.Links[what]; pr != nil { // a link is checked per site
		var calls []renderCall
		for _, s := range r.sites {
			d := r.data
			d.Site = s
			calls = append(calls, r.checkCall(fmt.Sprintf("link %s for %s (per site)", what, s), *pr, d, ""))
		}
		return calls, nil
	}
	return r.stepCalls(what)
}

// namedProbe is a steady-state probe or milestone of that name.
func (r *renderer) namedProbe(name string) *scenarios.Probe {
	var probes []*scenarios.Probe
	if r.sc != nil {
		probes = append(r.sc.SteadyState, r.sc.Milestones...)
	}
	for _, p := range probes {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// checkCall renders a probe and sends it with Check.
func (r *renderer) checkCall(title string, pr scenarios.Probe, d scenarios.TemplateData, service string) renderCall {
	q, err := r.plane.RenderCheck(pr, d, service)
	return renderCall{title: title, req: q, err: err, send: func(ctx context.Context, p *transport.Plane) (string, error) {
		body, err := p.Check(ctx, pr, d, service)
		if err != nil {
			return string(body), fmt.Errorf("does not pass: %w", err)
		}
		return "passes: " + strings.TrimSpace(string(body)), nil
	}}
}

// productNames lists the stack's products.
func (r *renderer) productNames() string {
	return strings.Join(slices.Sorted(maps.Keys(r.stack.Products)), ", ")
}
