package scenarios

import (
	"errors"
	"testing"
	"time"
)

func TestManualStepDecodes(t *testing.T) {
	sc, err := Load("testdata/valid/manual.yaml")
	if err != nil {
		t.Fatal(err)
	}
	steps := sc.ManualSteps()
	if len(steps) != 2 {
		t.Fatalf("%d manual steps, want 2", len(steps))
	}
	m := steps[0].Manual
	if steps[0].Kind != KindManual || m.Simulate == nil || *m.Simulate != 2*time.Minute || m.Milestone != "incident-declared" || steps[0].Timeout != 30*time.Minute {
		t.Fatalf("first manual step: %+v %+v", steps[0], m)
	}
	if steps[1].Manual.Simulate != nil {
		t.Fatalf("the approve step has simulate %v, want none", *steps[1].Manual.Simulate)
	}
	if got := sc.MilestoneNames(); len(got) != 1 || got[0] != "incident-declared" {
		t.Fatalf("milestones %v", got)
	}
	tg := sc.Targets.For("small")
	if *tg.HumanTime != 20*time.Minute || *tg.AutomatedTime != 10*time.Minute {
		t.Fatalf("targets at small: human %v automated %v", *tg.HumanTime, *tg.AutomatedTime)
	}
	if s := sc.Targets.For("small").String(); s != "human-time 20m, automated-time 10m, incident-declared 15m" {
		t.Fatalf("targets %q", s)
	}
}

// An unattended run cannot answer a manual step without simulate: the check names it, with
// its position, as an invalid-scenario error.
func TestCheckUnattendedNamesTheStepWithoutSimulate(t *testing.T) {
	sc, err := Load("testdata/valid/manual.yaml")
	if err != nil {
		t.Fatal(err)
	}
	err = sc.CheckUnattended()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err %v does not match ErrInvalid", err)
	}
	want := "testdata/valid/manual.yaml:16:13: recover[1].manual: no simulate: nobody can answer this manual step in an unattended run (no terminal, or CI); give simulate: DURATION, the modelled human delay"
	if err.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", err, want)
	}
	sc.Recover[1].Manual.Simulate = new(time.Duration)
	if err := sc.CheckUnattended(); err != nil {
		t.Fatalf("with simulate everywhere: %v", err)
	}
}
