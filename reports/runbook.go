package reports

import (
	"fmt"

	"github.com/drill-dev/drill/result"
)

// runbookView is the runbook section of a drill: its time split into human and automated,
// a bar whose widths are that split (SVG attributes), and a row per step.
type runbookView struct {
	Total, Human, Automated, Simulated string
	HumanWidth, AutomatedWidth         float64 // of runbookBarWidth
	HumanColour, AutomatedColour       string
	Steps                              []runbookRow
}

type runbookRow struct {
	Name, Who, Time, Outcome, Answer, Prompt string
}

const runbookBarWidth = 600

// runbookOf builds the view of a runbook; nil when the runbook did not run.
func runbookOf(rb *result.Runbook) *runbookView {
	if rb == nil {
		return nil
	}
	v := &runbookView{
		Total: result.FormatSeconds(rb.Seconds), Human: result.FormatSeconds(rb.HumanSeconds),
		Automated: result.FormatSeconds(rb.AutomatedSeconds), HumanColour: colWarn, AutomatedColour: colBar,
	}
	if rb.SimulatedSeconds > 0 {
		v.Simulated = result.FormatSeconds(rb.SimulatedSeconds)
	}
	if sum := rb.HumanSeconds + rb.AutomatedSeconds; sum > 0 {
		v.HumanWidth = runbookBarWidth * rb.HumanSeconds / sum
		v.AutomatedWidth = runbookBarWidth - v.HumanWidth
	}
	for _, s := range rb.Steps {
		row := runbookRow{Name: s.Name, Who: s.Kind, Time: result.FormatSeconds(s.Seconds), Outcome: s.Outcome, Prompt: s.Prompt}
		switch {
		case s.Simulated:
			row.Answer = "simulated (a modelled human delay)"
		case s.AnsweredBy != "" && s.Reason != "":
			row.Answer = fmt.Sprintf("failed by %s: %s", s.AnsweredBy, s.Reason)
		case s.AnsweredBy != "":
			row.Answer = "confirmed by " + s.AnsweredBy
		}
		v.Steps = append(v.Steps, row)
	}
	return v
}
