package result

import (
	"fmt"
	"strings"
)

// Grounds are what a drill's verdict is decided from besides its metrics, objectives and what
// it expects. The zero value is a drill that ran to the end with nothing wrong but its
// objectives.
type Grounds struct {
	// Interrupted names the phase during which the drill was interrupted: aborted.
	Interrupted string
	// Failure ended the drill early (the harness or the infrastructure failed): inconclusive,
	// nothing was measured.
	Failure *Failure
	// Problems make the measurement unusable (a misdeclared probe …): inconclusive, the first
	// is the reason.
	Problems []string
	// Unreadable: no canary could be read back at the end: inconclusive.
	Unreadable *Failure
	// Runbook is the runbook step that failed: the recovery did not work, fail.
	Runbook *Failure
}

// Failure is one failure behind a verdict. Reason is its one line, as the verdict's reason
// quotes it; Detail its full text, recorded in Result.Errors when not empty.
type Failure struct {
	Reason, Detail string
}

// Decide sets the verdict, its one-line reason and, for a negative control, whether it caught
// what it declares: the one place a verdict is decided. It reads r.Metrics.SitesAffected,
// r.Objectives and r.Expect (so set those first), and records in r.Errors the problems and the
// detail of the failure that decided.
//
// The grounds are weighed in this order: interrupted (aborted); a failure that ended the drill
// early (inconclusive); problems, no site affected, unreadable canaries (inconclusive); a
// failed runbook step, then breached objectives (fail); else pass. A negative control is
// judged (result.Caught) for every drill that ran to the end, and its reason says so; an
// interrupted drill or one that ended early is not judged.
func (r *Result) Decide(g Grounds) {
	switch {
	case g.Interrupted != "":
		r.Verdict, r.Reason = Aborted, "interrupted during the "+g.Interrupted+" phase"
		return
	case g.Failure != nil:
		r.Verdict = Inconclusive
		r.record(g.Failure)
		return
	}
	breaches := Breaches(r.Objectives)
	switch {
	case len(g.Problems) > 0:
		r.Verdict, r.Reason = Inconclusive, g.Problems[0]
		r.Errors = append(r.Errors, g.Problems...)
	case r.Metrics.SitesAffected == 0:
		r.Verdict = Inconclusive
		r.Reason = "the faults affected no site: no fault step named one and no poll failed, so no recovery was measured (do the products' health probes see this fault?)"
	case g.Unreadable != nil:
		r.Verdict = Inconclusive
		r.record(&Failure{Reason: "canaries could not be read back: " + g.Unreadable.Reason, Detail: g.Unreadable.Detail})
	case g.Runbook != nil:
		r.Verdict = Fail
		r.record(&Failure{Reason: "the runbook failed: " + g.Runbook.Reason, Detail: g.Runbook.Detail})
	case len(breaches) > 0:
		r.Verdict = Fail
		r.Reason = fmt.Sprintf("%d of %d objectives breached: %s", len(breaches), len(r.Objectives), strings.Join(breaches, ", "))
	default:
		r.Verdict = Pass
		r.Reason = fmt.Sprintf("all %d objectives met", len(r.Objectives))
	}
	if r.Expect == nil {
		return
	}
	r.Expected = Caught(r.Expect, r.Verdict, r.Objectives)
	if r.Expected {
		r.Reason = "negative control caught what it declares: " + r.Reason
	} else {
		r.Reason = fmt.Sprintf("negative control did not catch what it declares (verdict %s, breaches %v): %s", r.Expect.Verdict, r.Expect.Breaches, r.Reason)
	}
}

// record makes f the reason and keeps its detail among the errors.
func (r *Result) record(f *Failure) {
	r.Reason = f.Reason
	if f.Detail != "" {
		r.Errors = append(r.Errors, f.Detail)
	}
}
