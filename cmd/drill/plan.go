package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/harness/transport"
	"github.com/drill-dev/drill/scenarios"
)

// printPlan prints what a drill would do, with templates rendered, and starts nothing. Site IDs
// are known only after seeding, so sites are shown by position (site#1); t0 and the hit
// instants are known only during the drill, so they are shown as <t0> and <hit>.
func printPlan(st *state, c harness.Cell, seed int64) {
	sc := c.Scenario
	size, _ := sc.Size(c.Size)
	w := st.Stdout
	fmt.Fprintf(w, "drill %s [%s] (stack %s, seed %d)\n", sc.Name, size.Name, sc.Stack.Name, seed)
	fmt.Fprintf(w, "  size: %s\n", params(size.Params))
	fmt.Fprintln(w, "  services (start order):")
	for _, name := range sc.Stack.Order {
		svc := sc.Stack.Services[name]
		deps := ""
		if len(svc.DependsOn) > 0 {
			deps = " after " + strings.Join(svc.DependsOn, ", ")
		}
		fmt.Fprintf(w, "    %-10s %s%s\n", name, svc.Image, deps)
	}
	sites := positions(size.Sites)
	p := planPrinter{w: w, stack: sc.Stack, plane: transport.New(sc.Stack, nil)}
	data := scenarios.TemplateData{Sites: sites, Size: size.Params, Run: "<run>", Seed: seed}.Placeholders()
	p.dataPlane(sc, size, data)
	p.probes("steady state (must pass before the fault)", sc.SteadyState, data)
	fmt.Fprintf(w, "  steps: no timeout and no retries unless shown [timeout, retries]; the runbook is bounded by the recovery timeout (%s)\n", sc.RecoveryTimeout)
	p.steps("protect", protectSteps(sc), data, sites, nil)
	var named []string
	p.steps("inject", sc.Inject, data, sites, &named)
	fmt.Fprintf(w, "  affected: at least %d sites named by the faults, plus any whose probes fail\n", len(named))
	rdata := data
	rdata.Sites = named // in recover, .Sites is the affected sites
	p.steps("recover", sc.Recover, rdata, named, nil)
	p.probes("milestones", sc.Milestones, rdata)
	fmt.Fprintf(w, "  verify: every %s, settle %d polls, recovery timeout %s\n", sc.Intervals.Probe, sc.Intervals.Settle, sc.RecoveryTimeout)
	targets := sc.Targets.For(size.Name).String()
	if targets == "" {
		targets = "none"
	}
	fmt.Fprintf(w, "  targets at %s: %s\n", size.Name, targets)
	if e := sc.Expect; e != nil {
		fmt.Fprintf(w, "  expect (negative control): verdict %s, breaches %s; exit 0 when caught\n", e.Verdict, orNone(strings.Join(e.Breaches, ", ")))
	}
}

// positions are n sites by position: site#1 … site#n.
func positions(n int) []string {
	sites := make([]string, n)
	for i := range sites {
		sites[i] = fmt.Sprintf("site#%d", i+1)
	}
	return sites
}

func protectSteps(sc *scenarios.Scenario) []*scenarios.Step {
	if sc.Protect != nil {
		return sc.Protect
	}
	return sc.Stack.Protect
}

// planPrinter prints the parts of a plan that render requests.
type planPrinter struct {
	w     io.Writer
	stack *scenarios.Stack
	plane *transport.Plane
}

// probes prints named probes with their rendered requests.
func (p planPrinter) probes(title string, probes []*scenarios.Probe, data scenarios.TemplateData) {
	if len(probes) == 0 {
		return
	}
	fmt.Fprintf(p.w, "  %s:\n", title)
	for i, pr := range probes {
		name := pr.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		fmt.Fprintf(p.w, "    - %s: %s\n", name, p.request(p.plane.RenderCheck(*pr, data, "")))
	}
}

// request is a rendered request on one line, or why it does not render.
func (p planPrinter) request(q transport.Request, err error) string {
	if err != nil {
		return "does not render: " + err.Error()
	}
	return requestLine(q)
}

// steps prints steps with their chosen sites; named collects the sites of foreach steps.
func (p planPrinter) steps(phase string, steps []*scenarios.Step, data scenarios.TemplateData, affected []string, named *[]string) {
	fmt.Fprintf(p.w, "  %s:\n", phase)
	for _, s := range steps {
		d := data
		var chosen []string
		if s.Foreach != nil {
			f, err := s.Foreach.Resolve(data.Size) // validated against every size at load
			if err != nil {
				f = s.Foreach
			}
			chosen = scenarios.ChooseSites(f, data.Sites, affected, nil, data.Seed)
			if named != nil {
				*named = append(*named, chosen...)
			}
			d.Sites = chosen
			if len(chosen) > 0 {
				d.Site = chosen[0] // shown rendered for the first site
			}
		}
		line := p.describe(s, d)
		if s.Foreach != nil {
			line += fmt.Sprintf(" foreach %d sites %v concurrency %d", len(chosen), chosen, max(s.Concurrency, 1))
		}
		fmt.Fprintf(p.w, "    - %s%s\n", line, bounds(s))
		p.actionSteps(s, d, "      ", 1)
	}
}

// actionSteps prints the steps of an action step, rendered with its arguments, nested.
func (p planPrinter) actionSteps(s *scenarios.Step, d scenarios.TemplateData, indent string, depth int) {
	a := p.stack.Actions[s.Action]
	if s.Kind != scenarios.KindAction || a == nil || depth > 8 {
		return
	}
	args, err := harness.ActionArgs(a, s, d)
	if err != nil {
		fmt.Fprintf(p.w, "%s· does not render: %v\n", indent, err)
		return
	}
	d.Args = args
	for _, in := range a.Steps {
		fmt.Fprintf(p.w, "%s· %s%s\n", indent, p.describe(in, d), bounds(in))
		p.actionSteps(in, d, indent+"  ", depth+1)
	}
}

// bounds is a step's timeout and retries, when it declares them.
func bounds(s *scenarios.Step) string {
	var b []string
	if s.Timeout > 0 {
		b = append(b, "timeout "+scenarios.FormatDuration(s.Timeout))
	}
	switch {
	case s.Retries == 1:
		b = append(b, "1 retry")
	case s.Retries > 1:
		b = append(b, fmt.Sprintf("%d retries", s.Retries))
	}
	if len(b) == 0 {
		return ""
	}
	return " [" + strings.Join(b, ", ") + "]"
}

func (p planPrinter) describe(s *scenarios.Step, d scenarios.TemplateData) string {
	switch s.Kind {
	case scenarios.KindAction:
		var args []string
		for _, k := range slices.Sorted(maps.Keys(s.With)) {
			v := fmt.Sprint(s.With[k])
			if r, err := scenarios.Render(v, d); err == nil {
				v = r
			}
			args = append(args, fmt.Sprintf("%s=%s", k, v))
		}
		return fmt.Sprintf("action %s(%s)", s.Action, strings.Join(args, ", "))
	case scenarios.KindExec, scenarios.KindHTTP, scenarios.KindSQL:
		return p.request(p.plane.RenderStep(stepProbe(s), d))
	case scenarios.KindWait:
		return fmt.Sprintf("wait (timeout %s, every %s) until %s", scenarios.FormatDuration(s.Wait.Timeout),
			scenarios.FormatDuration(s.Wait.Interval), p.request(p.plane.RenderCheck(s.Wait.Probe, d, "")))
	case scenarios.KindRun:
		return "run " + runLine(s.Run, d)
	case scenarios.KindService:
		return fmt.Sprintf("service %s %s", s.Service.Op, s.Service.Name)
	case scenarios.KindVolume:
		return fmt.Sprintf("volume %s %s", s.Volume.Op, s.Volume.Name)
	case scenarios.KindSleep:
		return "sleep " + s.Sleep.String()
	case scenarios.KindManual:
		return describeManual(s, d)
	}
	return s.Kind
}

// stepProbe is the declaration the data plane sends for an exec, http or sql step.
func stepProbe(s *scenarios.Step) scenarios.Probe {
	return scenarios.Probe{Exec: s.Exec, HTTP: s.HTTP, SQL: s.SQL}
}

// runLine is a one-shot container's image and rendered command.
func runLine(r *scenarios.RunCall, d scenarios.TemplateData) string {
	cmd := make([]string, len(r.Command))
	for i, a := range r.Command {
		cmd[i] = a
		if v, err := scenarios.Render(a, d); err == nil {
			cmd[i] = v
		}
	}
	return cut(fmt.Sprintf("%s%s: %s", r.Image, asUser(r.User), argv(cmd)), planWidth)
}

func params(p map[string]string) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		out = append(out, k+"="+p[k])
	}
	return strings.Join(out, " ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
