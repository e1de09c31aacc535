package result

import (
	"slices"
	"strings"
)

// Exit codes of drill run, as in DESIGN.md.
const (
	ExitPass         = 0   // passed, or a negative control caught what it declares
	ExitFail         = 1   // a target breached, a runbook step failed, a control caught nothing
	ExitInvalid      = 2   // invalid input or usage
	ExitInconclusive = 3   // the harness or the infrastructure failed
	ExitAborted      = 130 // interrupted
)

// exitRank orders exit codes: 130 > 3 > 2 > 1 > 0.
func exitRank(code int) int {
	switch code {
	case ExitPass:
		return 0
	case ExitFail:
		return 1
	case ExitInvalid:
		return 2
	case ExitInconclusive:
		return 3
	}
	return 4 // ExitAborted, and any code drill does not know
}

// WorstExit returns the exit code that wins over several drills: the highest of
// 130 > 3 > 2 > 1 > 0, the first of equals, ExitPass when there is none. It is the one fold of
// "worst of several": drill run's exit code, a campaign's verdict (Campaign) and a merged
// report's outcome all call it.
func WorstExit(codes ...int) int {
	w := ExitPass
	for _, c := range codes {
		if exitRank(c) > exitRank(w) {
			w = c
		}
	}
	return w
}

// Severity is how an outcome is shown: its colour class.
type Severity string

// The severities: ok is green, bad red, warn amber (inconclusive), muted grey (aborted).
const (
	SeverityOK    Severity = "ok"
	SeverityBad   Severity = "bad"
	SeverityWarn  Severity = "warn"
	SeverityMuted Severity = "muted"
)

// Outcome is what a drill's verdict means, defined here once for every output (HTML,
// Markdown, JUnit, the gomega matchers, drill run's exit code).
type Outcome struct {
	// Verdict is the scored verdict.
	Verdict Verdict
	// Control is true for a negative control (the scenario declares what it must catch);
	// Caught when it caught it; Missed names what it declares and did not catch.
	Control, Caught bool
	Missed          []string
	// Word is the short form: PASS, FAIL, EXPECTED FAIL, NOT CAUGHT, INCONCLUSIVE, ABORTED.
	Word string
	// Label is what a reader is told: "PASS", "FAIL", "FAIL (expected: caught
	// collateral-lost-writes)", "negative control did not catch: collateral-lost-writes".
	Label    string
	Severity Severity
	Exit     int
}

// OK reports whether the drill succeeded as CI counts it (exit code 0).
func (o Outcome) OK() bool { return o.Exit == ExitPass }

// OutcomeOf is the meaning of a drill's result. A nil result is inconclusive.
func OutcomeOf(r *Result) Outcome {
	if r == nil {
		return Judge(Inconclusive, nil, false, nil)
	}
	return Judge(r.Verdict, r.Expect, r.Expected, Breaches(r.Objectives))
}

// Judge is the meaning of a verdict v with the breached objectives, for a drill that declares
// e (nil: not a negative control) and was scored expected (caught) or not. Inconclusive and
// aborted drills mean that whatever they declare; an unknown verdict is inconclusive (never a
// pass). A negative control that caught what it declares exits 0; one that did not is red and
// exits 1, even when its verdict is pass.
func Judge(v Verdict, e *Expect, expected bool, breaches []string) Outcome {
	o := Outcome{Verdict: v, Control: e != nil || expected}
	switch v {
	case Aborted:
		return o.as("ABORTED", "ABORTED", SeverityMuted, ExitAborted)
	case Pass, Fail:
	default:
		return o.as("INCONCLUSIVE", "INCONCLUSIVE", SeverityWarn, ExitInconclusive)
	}
	upper := strings.ToUpper(string(v))
	switch {
	case !o.Control && v == Pass:
		return o.as(upper, upper, SeverityOK, ExitPass)
	case !o.Control:
		return o.as(upper, upper, SeverityBad, ExitFail)
	case expected:
		o.Caught = true
		what := "verdict " + string(v)
		if e != nil && len(e.Breaches) > 0 {
			what = strings.Join(e.Breaches, ", ")
		}
		return o.as("EXPECTED "+upper, upper+" (expected: caught "+what+")", SeverityOK, ExitPass)
	}
	o.Missed = missed(e, v, breaches)
	return o.as("NOT CAUGHT", "negative control did not catch: "+strings.Join(o.Missed, ", "), SeverityBad, ExitFail)
}

func (o Outcome) as(word, label string, s Severity, exit int) Outcome {
	o.Word, o.Label, o.Severity, o.Exit = word, label, s, exit
	return o
}

// missed lists the declared breaches that did not happen, or the declared verdict when every
// declared breach happened but the verdict is another.
func missed(e *Expect, v Verdict, breaches []string) []string {
	if e == nil {
		return []string{"what it declares"}
	}
	var out []string
	for _, b := range e.Breaches {
		if !slices.Contains(breaches, b) {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		out = append(out, "verdict "+string(e.Verdict)+" (got "+string(v)+")")
	}
	return out
}

// VerdictOfExit is the verdict that exits with code: what several drills amount to together.
// An invalid input (2) is inconclusive.
func VerdictOfExit(code int) Verdict {
	switch code {
	case ExitPass:
		return Pass
	case ExitFail:
		return Fail
	case ExitAborted:
		return Aborted
	}
	return Inconclusive
}

// Worst returns the outcome with the winning exit code (WorstExit; the first of equals); a
// zero Outcome when there is none.
func Worst(outs ...Outcome) Outcome {
	code := WorstExit(Exits(outs)...)
	for _, o := range outs {
		if o.Exit == code {
			return o
		}
	}
	return Outcome{}
}

// Exits are the outcomes' exit codes, in order.
func Exits(outs []Outcome) []int {
	codes := make([]int, len(outs))
	for i, o := range outs {
		codes[i] = o.Exit
	}
	return codes
}
