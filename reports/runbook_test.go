package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/drill-dev/drill/result"
)

// The HTML report splits the runbook's time into human and automated: the sentence, a bar
// whose widths are the split, and a row per step saying who answered.
func TestHTMLShowsTheRunbooksHumanAndAutomatedTime(t *testing.T) {
	r := fixture(t, "pass-small")
	r.Metrics.Runbook = &result.Runbook{Seconds: 8, HumanSeconds: 6, SimulatedSeconds: 2, AutomatedSeconds: 2, Steps: []result.RunbookStep{
		{Name: "declare the incident", Kind: result.RunbookHuman, Seconds: 4, Outcome: "ok", AnsweredBy: "terminal", Prompt: "Declare it"},
		{Name: "approve the restore", Kind: result.RunbookHuman, Seconds: 2, Outcome: "ok", AnsweredBy: "simulated", Simulated: true},
		{Name: "restore", Kind: result.RunbookAutomated, Seconds: 2, Outcome: "ok"},
	}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Single(r)); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{
		"<h3>Runbook: human and automated time</h3>",
		"The runbook took 8s: 6s human (manual steps, 2s of it simulated) and 2s automated.",
		`<rect x="0" y="2" width="450" height="20" fill="` + colWarn + `"/><rect x="450" y="2" width="150"`,
		"<td>declare the incident<br><small>Declare it</small></td><td>human</td><td class=\"num\">4s</td><td>ok</td><td>confirmed by terminal</td>",
		"<td>approve the restore</td><td>human</td><td class=\"num\">2s</td><td>ok</td><td>simulated (a modelled human delay)</td>",
		"<td>restore</td><td>automated</td>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	var plain bytes.Buffer
	if err := WriteHTML(&plain, Single(fixture(t, "pass-small"))); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "Runbook: human") {
		t.Error("a result without a runbook split shows the section")
	}
}
