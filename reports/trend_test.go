package reports

import (
	"bytes"
	"context"
	"fmt"
	stdhtml "html"
	"path/filepath"
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

// TestTrendShowsAnUncaughtNegativeControl: history rows keep the control's expect, so the
// trend (terminal, Markdown, HTML) never shows a control that caught nothing as PASS.
func TestTrendShowsAnUncaughtNegativeControl(t *testing.T) {
	rows := storedRows(t, missedControl(t), fixture(t, "negative-control"))
	var txt, md, page bytes.Buffer
	if err := WriteTrend(&txt, rows); err != nil {
		t.Fatal(err)
	}
	if err := WriteTrendMarkdown(&md, rows); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, Single(missedControl(t)), WithHistory(rows)); err != nil {
		t.Fatal(err)
	}
	h := page.String()
	h = h[strings.Index(h, `<table class="history">`):]
	for name, out := range map[string]string{"text": txt.String(), "markdown": md.String(), "html": h} {
		if !strings.Contains(out, "NOT CAUGHT") || !strings.Contains(out, "EXPECTED FAIL") {
			t.Errorf("%s trend: want the missed control NOT CAUGHT and the caught one EXPECTED FAIL:\n%s", name, out)
		}
		if strings.Contains(out, ">PASS<") || strings.Contains(out, "| PASS ") || strings.Contains(out, " PASS ") {
			t.Errorf("%s trend shows a negative control as PASS:\n%s", name, out)
		}
	}
}

// storedRows records results in a fresh history file and reads its trend back.
func storedRows(t *testing.T, rs ...result.Result) []history.Row {
	t.Helper()
	ctx := context.Background()
	s, err := history.Open(ctx, filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range rs {
		rs[i].Run.ID = fmt.Sprintf("run-%d", i)
		rs[i].Run.Started = rs[i].Run.Started.Add(time.Duration(-i) * time.Hour)
	}
	if _, err := s.Import(ctx, rs); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Trend(ctx, rs[0].Run.Scenario, rs[0].Run.Size, 0)
	if err != nil || len(rows) != len(rs) {
		t.Fatalf("trend: %d rows, %v", len(rows), err)
	}
	return rows
}
