package result

import (
	"slices"
	"testing"
)

func TestFindingsOfTheFixtures(t *testing.T) {
	for name, want := range map[string][]string{
		"fail-medium.json": {
			"3 of 10 sites were restored after the 5m target.",
			"1 of 10 sites was not restored at all (site-031).",
			"restore-sites ran one site at a time: 10 sites, 35s each on average.",
			"Runbook steps failed: restore-sites for site-031 after 3 attempts.",
			"Milestone customers-notified was never reached.",
		},
		"negative-control.json": {
			"All 2 affected sites were restored; the slowest took 34s.",
			"3900 acknowledged writes of 6 sites that the fault did not touch were lost: the recovery rolled back sites it should have left alone.",
			"Sites the fault did not touch failed their probes for 28s of wall-clock time.",
		},
	} {
		r := loadFixture(t, name)
		if got := Findings(r); !slices.Equal(got, want) {
			t.Errorf("%s: findings\n%q\nwant\n%q", name, got, want)
		}
	}
}

func TestFindingsNameWhatTheFaultHitBeyondItsSites(t *testing.T) {
	r := loadFixture(t, "pass-small.json")
	for i := range r.Sites {
		if !r.Sites[i].Affected {
			r.Sites[i].Affected, r.Sites[i].RTOSeconds = true, sec(1)
			break
		}
	}
	r.Metrics.UnreadableLinks = []string{"site-002 wiki→tracker"}
	got := Findings(r)
	if !slices.Contains(got, "1 site that no fault step named failed its probes after the fault and counts as affected (site-001).") {
		t.Errorf("no finding for the unnamed affected site: %q", got)
	}
	if !slices.Contains(got, "1 link check could not be read at the end and counts as broken (site-002 wiki→tracker).") {
		t.Errorf("no finding for the unreadable link check: %q", got)
	}
}
