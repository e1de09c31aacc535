package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/drill-dev/drill/harness"
	"github.com/drill-dev/drill/scenarios"
)

// printPlan prints what a drill would do, with templates rendered, and starts nothing. Site IDs
// are known only after seeding, so sites are shown by position.
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
	sites := make([]string, size.Sites)
	for i := range sites {
		sites[i] = fmt.Sprintf("site#%d", i+1)
	}
	// t0 is unknown before the drill; templates are shown with t0 = now.
	data := scenarios.TemplateData{Sites: sites, Size: size.Params, Run: "<run>", Seed: seed, T0: time.Now()}
	printSteps(st, "protect", protectSteps(sc), data, sites, nil)
	var named []string
	printSteps(st, "inject", sc.Inject, data, sites, &named)
	fmt.Fprintf(st.Stdout, "  affected: at least %d sites named by the faults, plus any whose probes fail\n", len(named))
	rdata := data
	rdata.Sites = named // in recover, .Sites is the affected sites
	printSteps(st, "recover", sc.Recover, rdata, named, nil)
	fmt.Fprintf(w, "  verify: every %s, settle %d polls, recovery timeout %s\n", sc.Intervals.Probe, sc.Intervals.Settle, sc.RecoveryTimeout)
}

func protectSteps(sc *scenarios.Scenario) []*scenarios.Step {
	if sc.Protect != nil {
		return sc.Protect
	}
	return sc.Stack.Protect
}

// printSteps prints steps with their chosen sites; named collects the sites of foreach steps.
func printSteps(st *state, phase string, steps []*scenarios.Step, data scenarios.TemplateData, affected []string, named *[]string) {
	fmt.Fprintf(st.Stdout, "  %s:\n", phase)
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
		line := describeStep(s, d)
		if s.Foreach != nil {
			line += fmt.Sprintf(" foreach %d sites %v concurrency %d", len(chosen), chosen, max(s.Concurrency, 1))
		}
		fmt.Fprintf(st.Stdout, "    - %s\n", line)
	}
}

func describeStep(s *scenarios.Step, d scenarios.TemplateData) string {
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

func params(p map[string]string) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		out = append(out, k+"="+p[k])
	}
	return strings.Join(out, " ")
}
