package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/drill-dev/drill/reports/history"
	"github.com/drill-dev/drill/result"
)

// ReportSchemaVersion is the version of the JSON file that holds a merged report.
const ReportSchemaVersion = "drill.report/v1"

// Report is what the writers render: every drill, with the scenarios that ran at several sizes
// also grouped into campaigns.
type Report struct {
	// Campaigns are the scenarios with drills at more than one size, by scenario name.
	Campaigns []result.Campaign
	// Drills are every drill, campaign members included, by scenario then sites affected.
	Drills []result.Result
	// Notes say what Merge dropped or assumed (a result superseded by a later run of the same
	// drill, for example).
	Notes []string
}

// Merge groups results into a report: drills of one scenario at several sizes become a
// campaign projected with p; drills from several shards become one suite. When one drill
// (scenario, size and shard) appears twice the later run is kept and a note says so.
func Merge(results []result.Result, p result.Projection) (Report, error) {
	var rep Report
	latest := map[string]int{}
	for _, r := range results {
		key := drillName(r)
		if i, ok := latest[key]; ok {
			old := rep.Drills[i]
			if r.Run.Started.After(old.Run.Started) {
				rep.Drills[i] = r
				old, r = r, old
			}
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s ran twice; kept run %s, dropped run %s", key, old.Run.ID, r.Run.ID))
			continue
		}
		latest[key] = len(rep.Drills)
		rep.Drills = append(rep.Drills, r)
	}
	sort.SliceStable(rep.Drills, func(i, j int) bool {
		a, b := rep.Drills[i], rep.Drills[j]
		if a.Run.Scenario != b.Run.Scenario {
			return a.Run.Scenario < b.Run.Scenario
		}
		if a.Metrics.SitesTotal != b.Metrics.SitesTotal {
			return a.Metrics.SitesTotal < b.Metrics.SitesTotal
		}
		return a.Run.Size < b.Run.Size
	})
	byScenario := map[string][]result.Result{}
	var order []string
	for _, d := range rep.Drills {
		if _, ok := byScenario[d.Run.Scenario]; !ok {
			order = append(order, d.Run.Scenario)
		}
		byScenario[d.Run.Scenario] = append(byScenario[d.Run.Scenario], d)
	}
	for _, sc := range order {
		ds := byScenario[sc]
		sizes := map[string]bool{}
		for _, d := range ds {
			sizes[d.Run.Size] = true
		}
		if len(sizes) < 2 || len(sizes) != len(ds) {
			continue // one size, or shards of one size: a suite, not a campaign
		}
		c, err := result.NewCampaign(ds, p)
		if err != nil {
			return Report{}, fmt.Errorf("merge: %w", err)
		}
		rep.Campaigns = append(rep.Campaigns, c)
	}
	return rep, nil
}

// Single is a report of one drill.
func Single(r result.Result) Report { return Report{Drills: []result.Result{r}} }

// Outcome is the report's overall outcome and a one-line reason: one drill's or one campaign's
// own, else the worst of its campaigns and drills by exit code (result.WorstExit), a negative
// control that caught what it declares counting as a pass and one that did not as a failure.
func (rep Report) Outcome() (result.Outcome, string) {
	if len(rep.Drills) == 1 && len(rep.Campaigns) == 0 {
		return result.OutcomeOf(&rep.Drills[0]), rep.Drills[0].Reason
	}
	if len(rep.Campaigns) == 1 && len(rep.Campaigns[0].Drills) == len(rep.Drills) {
		return rep.Campaigns[0].Outcome(), rep.Campaigns[0].Reason
	}
	var outs []result.Outcome
	var names []string // what each outcome is named when it is among the worst; "" never
	for _, d := range rep.Drills {
		outs = append(outs, result.OutcomeOf(&d))
		names = append(names, drillName(d))
	}
	for _, c := range rep.Campaigns {
		o := c.Outcome()
		outs = append(outs, o)
		if o.Verdict == result.Fail && len(c.Objectives) > 0 && !c.Objectives[0].Met {
			names = append(names, c.Scenario+" projection")
		} else {
			names = append(names, "")
		}
	}
	code := result.WorstExit(result.Exits(outs)...)
	o := result.Judge(result.VerdictOfExit(code), nil, false, nil)
	if o.OK() {
		return o, fmt.Sprintf("all %s passed", plural(len(rep.Drills), "drill", "drills"))
	}
	var bad []string
	for i, w := range outs {
		if w.Exit == code && names[i] != "" {
			bad = append(bad, names[i])
		}
	}
	return o, fmt.Sprintf("%s of %s %s: %s", num(float64(len(bad))), plural(len(rep.Drills), "drill", "drills"), verdictVerb(o.Verdict), strings.Join(bad, ", "))
}

func verdictVerb(v result.Verdict) string {
	switch v {
	case result.Fail:
		return "failed"
	case result.Inconclusive:
		return "were inconclusive"
	}
	return "were aborted"
}

// Option configures the writers.
type Option func(*config)

type config struct {
	secrets []string
	history map[string][]history.Row // by scenario + "[" + size + "]"
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithRedact removes these values from everything a writer renders (each occurrence becomes
// ***). The harness already redacts env entries marked secret; this is the second guard for
// results from elsewhere. Empty values are ignored.
func WithRedact(secrets ...string) Option {
	return func(c *config) {
		for _, s := range secrets {
			if s != "" {
				c.secrets = append(c.secrets, s)
			}
		}
	}
}

// WithHistory gives the HTML report the last runs of each drill's scenario and size, newest
// first (as history.Store.Trend returns them).
func WithHistory(rows []history.Row) Option {
	return func(c *config) {
		if c.history == nil {
			c.history = map[string][]history.Row{}
		}
		for _, r := range rows {
			k := r.Scenario + "[" + r.Size + "]"
			c.history[k] = append(c.history[k], r)
		}
	}
}
