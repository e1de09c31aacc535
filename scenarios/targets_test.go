package scenarios

import (
	"testing"
	"time"
)

func TestTargetsFor(t *testing.T) {
	sc, err := Load("testdata/valid/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := sc.Targets.For("small")
	if *base.RTO != 5*time.Minute || *base.LostWrites != 0 || base.Milestones["customers-notified"] != 2*time.Minute {
		t.Errorf("small: %v", base)
	}
	large := sc.Targets.For("large")
	if *large.RTO != 20*time.Minute || *large.RPO != time.Minute {
		t.Errorf("large rto/rpo: %v", large)
	}
	if large.Milestones["customers-notified"] != 10*time.Minute || large.Milestones["db-back"] != 7*24*time.Hour {
		t.Errorf("large milestones: %v", large.Milestones)
	}
	if sc.Targets.Milestones["customers-notified"] != 2*time.Minute {
		t.Errorf("For changed the scenario's own milestones: %v", sc.Targets.Milestones)
	}
	if m := sc.Targets.For("medium"); *m.LostWrites != 5 || *m.RTO != 5*time.Minute {
		t.Errorf("medium: %v", m)
	}
	if large.Sizes != nil {
		t.Errorf("For kept the per-size overrides")
	}
	if s, err := sc.Size(""); err != nil || s.Name != "small" || s.Sites != 8 {
		t.Errorf("default size: %+v %v", s, err)
	}
	if _, err := sc.Size("huge"); err == nil || err.Error() != `unknown size "huge" (want small, medium, large)` {
		t.Errorf("Size(huge): %v", err)
	}
}
