package result

import "testing"

func TestOutcomeOfEveryVerdict(t *testing.T) {
	control := &Expect{Verdict: Fail, Breaches: []string{"collateral-lost-writes"}}
	caught := []Objective{{Name: "rto", Met: true}, {Name: "collateral-lost-writes", Met: false}}
	met := []Objective{{Name: "rto", Met: true}, {Name: "collateral-lost-writes", Met: true}}
	tests := []struct {
		name     string
		r        *Result
		word     string
		label    string
		severity Severity
		exit     int
	}{
		{"pass", &Result{Verdict: Pass, Objectives: met}, "PASS", "PASS", SeverityOK, 0},
		{"fail", &Result{Verdict: Fail, Objectives: caught}, "FAIL", "FAIL", SeverityBad, 1},
		{"inconclusive", &Result{Verdict: Inconclusive}, "INCONCLUSIVE", "INCONCLUSIVE", SeverityWarn, 3},
		{"aborted", &Result{Verdict: Aborted}, "ABORTED", "ABORTED", SeverityMuted, 130},
		{"unknown verdict", &Result{Verdict: "maybe"}, "INCONCLUSIVE", "INCONCLUSIVE", SeverityWarn, 3},
		{"nil", nil, "INCONCLUSIVE", "INCONCLUSIVE", SeverityWarn, 3},
		{"control that caught its fault", &Result{Verdict: Fail, Expect: control, Expected: true, Objectives: caught},
			"EXPECTED FAIL", "FAIL (expected: caught collateral-lost-writes)", SeverityOK, 0},
		{"control that passed", &Result{Verdict: Pass, Expect: control, Objectives: met},
			"NOT CAUGHT", "negative control did not catch: collateral-lost-writes", SeverityBad, 1},
		{"control that failed on something else", &Result{Verdict: Fail, Expect: control, Objectives: []Objective{{Name: "rto"}, {Name: "collateral-lost-writes", Met: true}}},
			"NOT CAUGHT", "negative control did not catch: collateral-lost-writes", SeverityBad, 1},
		{"control with the breach but another verdict", &Result{Verdict: Pass, Expect: control, Objectives: caught},
			"NOT CAUGHT", "negative control did not catch: verdict fail (got pass)", SeverityBad, 1},
		{"aborted control", &Result{Verdict: Aborted, Expect: &Expect{Verdict: Aborted}, Expected: true}, "ABORTED", "ABORTED", SeverityMuted, 130},
		{"inconclusive control", &Result{Verdict: Inconclusive, Expect: control}, "INCONCLUSIVE", "INCONCLUSIVE", SeverityWarn, 3},
	}
	for _, tt := range tests {
		o := OutcomeOf(tt.r)
		if o.Word != tt.word || o.Label != tt.label || o.Severity != tt.severity || o.Exit != tt.exit || o.OK() != (tt.exit == 0) {
			t.Errorf("%s: %q %q %s exit %d ok %v; want %q %q %s exit %d", tt.name, o.Word, o.Label, o.Severity, o.Exit, o.OK(), tt.word, tt.label, tt.severity, tt.exit)
		}
	}
}

func TestOutcomeOfTheFixtures(t *testing.T) {
	for name, exit := range map[string]int{"pass-small.json": 0, "fail-medium.json": 1, "inconclusive.json": 3, "negative-control.json": 0} {
		r := loadFixture(t, name)
		if o := OutcomeOf(&r); o.Exit != exit {
			t.Errorf("%s: exit %d (%s), want %d", name, o.Exit, o.Label, exit)
		}
	}
}

func TestWorstExitOfTwo(t *testing.T) {
	order := []int{ExitPass, ExitFail, ExitInvalid, ExitInconclusive, ExitAborted}
	for i, a := range order {
		for j, b := range order {
			want := order[max(i, j)]
			if got := WorstExit(a, b); got != want {
				t.Errorf("WorstExit(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
	}
	outs := []Outcome{Judge(Pass, nil, false, nil), Judge(Inconclusive, nil, false, nil), Judge(Fail, nil, false, nil)}
	if w := Worst(outs...); w.Exit != ExitInconclusive {
		t.Errorf("Worst = %+v, want the inconclusive one", w)
	}
	for code, v := range map[int]Verdict{0: Pass, 1: Fail, 2: Inconclusive, 3: Inconclusive, 130: Aborted} {
		if got := VerdictOfExit(code); got != v {
			t.Errorf("VerdictOfExit(%d) = %s, want %s", code, got, v)
		}
	}
}

func TestWorstExit(t *testing.T) {
	for _, tt := range []struct {
		codes []int
		want  int
	}{
		{nil, ExitPass},
		{[]int{ExitPass, ExitPass}, ExitPass},
		{[]int{ExitFail, ExitPass, ExitInvalid}, ExitInvalid},
		{[]int{ExitInconclusive, ExitInvalid, ExitFail}, ExitInconclusive},
		{[]int{ExitFail, ExitAborted, ExitInconclusive}, ExitAborted},
		{[]int{ExitAborted, 99}, ExitAborted}, // an unknown code ranks with 130: the first wins
		{[]int{99, ExitAborted}, 99},
	} {
		if got := WorstExit(tt.codes...); got != tt.want {
			t.Errorf("WorstExit(%v) = %d, want %d", tt.codes, got, tt.want)
		}
	}
	caught := Judge(Fail, &Expect{Verdict: Fail}, true, nil)
	missed := Judge(Pass, &Expect{Verdict: Fail}, false, nil)
	if w := Worst(caught, missed, Judge(Fail, nil, false, nil)); w.Word != "NOT CAUGHT" {
		t.Errorf("Worst = %+v, want the control that did not catch (the first of the failures)", w)
	}
	if w := Worst(); w.Exit != ExitPass || w.Word != "" {
		t.Errorf("Worst() = %+v, want the zero Outcome", w)
	}
}
