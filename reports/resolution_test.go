package reports

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/drill-dev/drill/result"
)

// A drill whose recovered sites waited for the proof of their data states, in the Markdown and
// text summaries, the HTML methods table and OpenMetrics, the poll gap plus the longest proof
// lag as the uncertainty of its recovery times; one without a recorded proof lag says nothing
// new.
func TestResolutionStatesTheProofLag(t *testing.T) {
	rto := 57.0
	d := result.Result{
		Run:     result.Run{Scenario: "s", Size: "production"},
		Verdict: result.Pass,
		Metrics: result.Metrics{RTOSeconds: &rto, SitesAffected: 883, SitesRecovered: 883, SitesTotal: 1000,
			Resolution: result.Resolution{ProbeIntervalSeconds: 1, PollGapSeconds: 1.06,
				ProofLagP50Seconds: result.Seconds(2.5), ProofLagP95Seconds: result.Seconds(5.5), ProofLagMaxSeconds: result.Seconds(7.2)}},
		Objectives: []result.Objective{{Name: "rto", Unit: "seconds", Target: 1200, Actual: &rto, Met: true}},
	}
	if u := d.Metrics.Resolution.Uncertainty(); math.Abs(u-8.26) > 1e-9 {
		t.Fatalf("uncertainty %v, want the 1.06s poll gap plus the 7.2s proof lag", u)
	}
	rep := Report{Drills: []result.Result{d}}
	var md, txt, om bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&txt, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteOpenMetrics(&om, rep); err != nil {
		t.Fatal(err)
	}
	want := "may be up to 8.3s longer than the truth, never shorter: drill checked each site at least every 1.1s, and then waited up to 7.2s (median 2.5s)"
	for name, out := range map[string]string{"markdown": md.String(), "text": txt.String()} {
		if !strings.Contains(out, want) || !strings.Contains(out, "the wait for the data is the larger part") {
			t.Errorf("%s summary lacks the resolution sentence:\n%s", name, out)
		}
	}
	for _, line := range []string{
		`drill_rto_uncertainty_seconds{scenario="s",size="production",verdict="pass"} 8.26`,
		`drill_proof_lag_p95_seconds{scenario="s",size="production",verdict="pass"} 5.5`,
		`drill_proof_lag_max_seconds{scenario="s",size="production",verdict="pass"} 7.2`,
	} {
		if !strings.Contains(om.String(), line+"\n") {
			t.Errorf("openmetrics lacks %q", line)
		}
	}
	ms := methods(d)
	if !strings.HasPrefix(ms[0].Resolution, "up to 8.3s late") || !strings.HasPrefix(ms[1].Resolution, "up to 8.3s late") {
		t.Errorf("RTO resolutions %q, %q: want the uncertainty", ms[0].Resolution, ms[1].Resolution)
	}

	d.Metrics.Resolution.ProofLagP50Seconds, d.Metrics.Resolution.ProofLagP95Seconds, d.Metrics.Resolution.ProofLagMaxSeconds = nil, nil, nil
	md.Reset()
	if err := WriteMarkdown(&md, Report{Drills: []result.Result{d}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "longer than the truth") {
		t.Errorf("a result without a proof lag states one:\n%s", md.String())
	}
	if r := methods(d)[0].Resolution; r != "probe interval 1s" {
		t.Errorf("RTO resolution %q without a proof lag, want the probe interval", r)
	}
}
