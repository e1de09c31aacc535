package scenarios

import "fmt"

// ExecProbeCost is what one exec probe costs on the machines drill was measured on: a docker
// exec (create, attach, inspect), more under load, before the command's own start.
const ExecProbeCost = "about 150 ms"

// ProbeCosts lists the per-site probes of a stack that run one docker exec per site because
// the product declares no batch form of them (health: every poll round; fingerprint: every
// survey and each proof of a site's data), with what that costs at sites sites (0: say it per
// site). They are notes, not errors: an exec probe works, it just
// does not scale.
func (st *Stack) ProbeCosts(sites int) []string {
	var out []string
	for _, name := range sortedKeys(st.Products) {
		p := st.Products[name]
		for _, c := range []struct {
			what, when   string
			probe, batch *Probe
		}{{"health", "poll round", p.Health, p.HealthBatch}, {"fingerprint", "survey (baseline, end)", p.Fingerprint, p.FingerprintBatch}} {
			if c.probe == nil || c.probe.Exec == nil || c.batch != nil {
				continue
			}
			msg := fmt.Sprintf("products.%s.%s is exec with no %s-batch: one docker exec per site (%s each)", name, c.what, c.what, ExecProbeCost)
			if sites > 0 {
				msg += fmt.Sprintf(", %d per %s at %d sites", sites, c.when, sites)
			}
			out = append(out, msg+"; an sql probe or a batch form scales")
		}
	}
	return out
}

// MaxSites is the number of sites of the scenario's largest size.
func (sc *Scenario) MaxSites() int {
	n := 0
	for _, s := range sc.Sizes {
		n = max(n, s.Sites)
	}
	return n
}
