package result

import (
	"slices"
	"testing"
)

func TestDecide(t *testing.T) {
	met := []Objective{{Name: "rto", Met: true}, {Name: "rpo", Met: true}}
	breached := []Objective{{Name: "rto", Met: false}, {Name: "rpo", Met: true}, {Name: "collateral-lost-writes", Met: false}}
	control := &Expect{Verdict: Fail, Breaches: []string{"collateral-lost-writes"}}
	step := &Failure{Reason: "restore-sites[s1]: exit status 1", Detail: "restore-sites[s1]: exit status 1\nstderr: boom"}
	tests := []struct {
		name     string
		affected int
		objs     []Objective
		expect   *Expect
		g        Grounds
		verdict  Verdict
		reason   string
		expected bool
		errors   []string
	}{
		{"pass", 3, met, nil, Grounds{}, Pass, "all 2 objectives met", false, nil},
		{"breach", 3, breached, nil, Grounds{}, Fail, "2 of 3 objectives breached: rto, collateral-lost-writes", false, nil},
		{"runbook failure before breaches", 3, breached, nil, Grounds{Runbook: step}, Fail,
			"the runbook failed: restore-sites[s1]: exit status 1", false, []string{step.Detail}},
		{"runbook failure without detail", 3, met, nil, Grounds{Runbook: &Failure{Reason: "x: exit status 1"}}, Fail,
			"the runbook failed: x: exit status 1", false, nil},
		{"unreadable canaries before the runbook", 3, met, nil, Grounds{Unreadable: &Failure{Reason: "dial tcp: refused"}, Runbook: step}, Inconclusive,
			"canaries could not be read back: dial tcp: refused", false, nil},
		{"no site affected before unreadable canaries", 0, met, nil, Grounds{Unreadable: &Failure{Reason: "x"}}, Inconclusive,
			"the faults affected no site: no fault step named one and no poll failed, so no recovery was measured (do the products' health probes see this fault?)", false, nil},
		{"problems first among measured grounds", 0, breached, nil, Grounds{Problems: []string{"milestone m misdeclared", "second"}, Runbook: step}, Inconclusive,
			"milestone m misdeclared", false, []string{"milestone m misdeclared", "second"}},
		{"failure ends the drill early", 3, breached, control, Grounds{Failure: &Failure{Reason: "up: not ready", Detail: "up: not ready\nlog"}}, Inconclusive,
			"up: not ready", false, []string{"up: not ready\nlog"}},
		{"interrupted wins over a failure", 3, breached, control, Grounds{Interrupted: "recover", Failure: step}, Aborted,
			"interrupted during the recover phase", false, nil},
		{"control that caught", 3, breached, control, Grounds{}, Fail,
			"negative control caught what it declares: 2 of 3 objectives breached: rto, collateral-lost-writes", true, nil},
		{"control that did not", 3, met, control, Grounds{}, Pass,
			"negative control did not catch what it declares (verdict fail, breaches [collateral-lost-writes]): all 2 objectives met", false, nil},
		{"control judged when inconclusive", 0, breached, control, Grounds{}, Inconclusive,
			"negative control did not catch what it declares (verdict fail, breaches [collateral-lost-writes]): the faults affected no site: no fault step named one and no poll failed, so no recovery was measured (do the products' health probes see this fault?)", false, nil},
	}
	for _, tt := range tests {
		r := &Result{Metrics: Metrics{SitesAffected: tt.affected}, Objectives: tt.objs, Expect: tt.expect}
		r.Decide(tt.g)
		if r.Verdict != tt.verdict || r.Reason != tt.reason || r.Expected != tt.expected || !slices.Equal(r.Errors, tt.errors) {
			t.Errorf("%s: %s %q expected=%v errors %q\nwant %s %q expected=%v errors %q",
				tt.name, r.Verdict, r.Reason, r.Expected, r.Errors, tt.verdict, tt.reason, tt.expected, tt.errors)
		}
	}
}

// The errors a drill already holds (a panic named earlier) are kept: Decide only adds.
func TestDecideKeepsEarlierErrors(t *testing.T) {
	r := &Result{Errors: []string{"panic in probe"}}
	r.Decide(Grounds{Failure: &Failure{Reason: "up", Detail: "up: boom"}})
	if want := []string{"panic in probe", "up: boom"}; !slices.Equal(r.Errors, want) {
		t.Errorf("errors %q, want %q", r.Errors, want)
	}
}
