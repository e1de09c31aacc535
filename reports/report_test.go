package reports

import (
	"testing"

	"github.com/drill-dev/drill/result"
)

func projectionOf(rep Report) result.Projection {
	c := rep.Campaigns[0]
	t := c.Objectives[0].Target
	return result.Projection{SitesAffected: c.ProjectToSitesAffected, TargetSeconds: &t}
}

func TestMergeSizesIntoACampaignAndShardsIntoASuite(t *testing.T) {
	rep := campaignReport(t)
	if len(rep.Campaigns) != 1 || len(rep.Drills) != 3 {
		t.Fatalf("campaigns %d drills %d, want 1 and 3", len(rep.Campaigns), len(rep.Drills))
	}
	// Shards: different scenarios, one size each: a suite, no campaign.
	a, b := fixture(t, "pass-small"), fixture(t, "negative-control")
	a.Run.Shard, b.Run.Shard = "1/2", "2/2"
	rep, err := Merge([]result.Result{b, a}, result.Projection{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Campaigns) != 0 || len(rep.Drills) != 2 || rep.Drills[0].Run.Scenario != "atlassian-2022" {
		t.Errorf("shards: %d campaigns, drills %v", len(rep.Campaigns), rep.Drills)
	}
	if o, reason := rep.Outcome(); !o.OK() || o.Label != "PASS" || reason != "all 2 drills passed" {
		t.Errorf("an expected negative control counts as a pass: %s %q", o.Label, reason)
	}
	// A rerun of one drill keeps the later one and says so.
	old := fixture(t, "fail-medium")
	newer := fixture(t, "campaign-medium")
	rep, _ = Merge([]result.Result{newer, old}, result.Projection{})
	if len(rep.Drills) != 1 || rep.Drills[0].Run.ID != newer.Run.ID || len(rep.Notes) != 1 {
		t.Errorf("rerun: drills %d notes %v", len(rep.Drills), rep.Notes)
	}
	// The worst verdict wins.
	rep, _ = Merge([]result.Result{fixture(t, "pass-small"), fixture(t, "negative-control"), old}, result.Projection{})
	if o, reason := rep.Outcome(); o.Verdict != result.Fail || o.Exit != result.ExitFail || reason != "1 of 3 drills failed: atlassian-2022[medium]" {
		t.Errorf("outcome %s %q", o.Label, reason)
	}
}
