package result

import "testing"

func sec(v float64) *float64 { return &v }

func TestEvaluateBreachesNullAndBoundedValues(t *testing.T) {
	m := Metrics{
		RTOSeconds: nil, SitesAffected: 3, SitesRecovered: 2, // a site did not recover
		SiteRTOP95Seconds: nil,
		RPOSeconds:        sec(4), RPOBounded: true, // 4s is only a lower bound
		LostWrites: 0, CollateralLostWrites: 2, BrokenLinks: 0,
		Milestones: map[string]*float64{"customers-notified": nil, "status-page": sec(30)},
	}
	objs := Evaluate(m, []Target{
		{Name: "rto", Unit: "seconds", Value: 300},
		{Name: "site-rto-p95", Unit: "seconds", Value: 300},
		{Name: "rpo", Unit: "seconds", Value: 60},
		{Name: "lost-writes", Unit: "count", Value: 0},
		{Name: "collateral-lost-writes", Unit: "count", Value: 0},
		{Name: "broken-links", Unit: "count", Value: 0},
		{Name: "milestone:customers-notified", Unit: "seconds", Value: 120},
		{Name: "milestone:status-page", Unit: "seconds", Value: 30},
		{Name: "milestone:never-declared", Unit: "seconds", Value: 30},
	})
	want := map[string]bool{
		"rto": false, "site-rto-p95": false, "rpo": false, "lost-writes": true,
		"collateral-lost-writes": false, "broken-links": true, "milestone:customers-notified": false,
		"milestone:status-page": true, "milestone:never-declared": false,
	}
	for _, o := range objs {
		if o.Met != want[o.Name] {
			t.Errorf("%s: met %v, want %v (actual %v, note %q)", o.Name, o.Met, want[o.Name], o.Actual, o.Note)
		}
		if o.Actual == nil && (o.Margin != nil || o.Note == "") {
			t.Errorf("%s: a null measurement has margin %v and note %q", o.Name, o.Margin, o.Note)
		}
	}
	if objs[0].Note != "an affected site did not recover" || objs[2].Actual == nil || *objs[2].Actual != 4 {
		t.Errorf("rto note %q, rpo actual %v", objs[0].Note, objs[2].Actual)
	}
	if got := Breaches(objs); len(got) != 6 {
		t.Errorf("breaches %v, want 6", got)
	}
}

func TestEvaluateOnTargetIsMet(t *testing.T) {
	o := Evaluate(Metrics{RTOSeconds: sec(300), SitesAffected: 1, SitesRecovered: 1}, []Target{{Name: "rto", Unit: "seconds", Value: 300}})[0]
	if !o.Met || o.Margin == nil || *o.Margin != 0 {
		t.Errorf("an RTO exactly on target: %+v", o)
	}
}

func TestCaught(t *testing.T) {
	objs := []Objective{{Name: "rto", Met: true}, {Name: "collateral-lost-writes", Met: false}}
	e := &Expect{Verdict: Fail, Breaches: []string{"collateral-lost-writes"}}
	for _, c := range []struct {
		name string
		e    *Expect
		v    Verdict
		objs []Objective
		want bool
	}{
		{"declared verdict and breach", e, Fail, objs, true},
		{"declared breach met", e, Fail, []Objective{{Name: "collateral-lost-writes", Met: true}}, false},
		{"another verdict", e, Pass, objs, false},
		{"verdict only", &Expect{Verdict: Fail}, Fail, nil, true},
		{"not a control", nil, Fail, objs, false},
	} {
		if got := Caught(c.e, c.v, c.objs); got != c.want {
			t.Errorf("%s: Caught = %v, want %v", c.name, got, c.want)
		}
	}
}
