package scenarios

import (
	"errors"
	"testing"
)

// A runtime that cannot pause refuses every pause and unpause the drill would take: the
// scenario's own steps and those of the stack actions it calls (once each), each with its
// position, as an invalid-scenario error.
func TestCheckServiceOpsNamesEveryRefusedStep(t *testing.T) {
	sc, err := Load("testdata/valid/chaos.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cannot := errors.New("cannot pause here")
	err = sc.CheckServiceOps(func(op string) error {
		if op == "pause" || op == "unpause" {
			return cannot
		}
		return nil
	})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err %v does not match ErrInvalid", err)
	}
	want := "testdata/stacks/suite.yaml:103:9: actions.chaos.steps[0].service: pause db: cannot pause here\n" +
		"testdata/stacks/suite.yaml:105:9: actions.chaos.steps[2].service: unpause db: cannot pause here\n" +
		"testdata/valid/chaos.yaml:8:5: inject[1].service: pause db: cannot pause here"
	if err.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", err, want)
	}
	if err := sc.CheckServiceOps(func(string) error { return nil }); err != nil {
		t.Fatalf("nothing refused: %v", err)
	}
}
