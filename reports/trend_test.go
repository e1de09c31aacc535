package reports

import (
	"bytes"
	stdhtml "html"
	"strings"
	"testing"
	"time"

	"github.com/drill-dev/drill/reports/history"
	"github.com/drill-dev/drill/result"
)

// regressedHistory is pass-small's drill (RTO 40.46s, probe interval 0.5s) and five earlier
// runs with RTOs of median 30s: 40.46 is past 30 + max(20%, 0.5s) = 36s, a regression of +35%.
func regressedHistory(t *testing.T) (result.Result, []history.Row) {
	r := fixture(t, "pass-small")
	rows := []history.Row{{RunID: r.Run.ID, Scenario: r.Run.Scenario, Size: r.Run.Size, Started: r.Run.Started, Verdict: r.Verdict, RTOSeconds: r.Metrics.RTOSeconds, RPOSeconds: r.Metrics.RPOSeconds}}
	for i, v := range []float64{29, 30, 31, 28, 32} {
		rpo := *r.Metrics.RPOSeconds
		rows = append(rows, history.Row{RunID: "earlier-" + string(rune('a'+i)), Scenario: r.Run.Scenario, Size: r.Run.Size,
			Started: r.Run.Started.Add(-time.Duration(i+1) * 24 * time.Hour), Verdict: result.Pass, RTOSeconds: &v, RPOSeconds: &rpo})
	}
	if *r.Metrics.RTOSeconds != 40.46 || r.Metrics.Resolution.ProbeIntervalSeconds > 1 {
		t.Fatalf("the fixture changed: rto %v, probe interval %v", *r.Metrics.RTOSeconds, r.Metrics.Resolution.ProbeIntervalSeconds)
	}
	return r, rows
}

func TestRegressionInMarkdownAndHTML(t *testing.T) {
	r, rows := regressedHistory(t)
	want := "RTO regressed: 40s, +35% worse than the median 30s of the last 5 runs"
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, Single(r), WithHistory(rows)); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, Single(r), WithHistory(rows)); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"markdown": md.String(), "html": stdhtml.UnescapeString(html.String())} {
		if !strings.Contains(out, want) {
			t.Errorf("%s should say %q:\n%s", name, want, out)
		}
		if strings.Contains(out, "RPO regressed") {
			t.Errorf("%s: the RPO equals its baseline, no regression", name)
		}
	}
	// Without history, or with a history the drill is within, nothing is said.
	for _, rs := range [][]history.Row{nil, rows[:3]} {
		md.Reset()
		if err := WriteMarkdown(&md, Single(r), WithHistory(rs)); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(md.String(), "regressed") {
			t.Errorf("with %d history rows: %s", len(rs), md.String())
		}
	}
}
