package reports

import (
	"fmt"
	"io"
	"math"

	"github.com/jedib0t/go-pretty/v6/table"

	"github.com/drill-dev/drill/reports/history"
	"github.com/drill-dev/drill/result"
)

// trendTable is the one definition of the history trend, for the terminal and for Markdown.
func trendTable(rows []history.Row) table.Writer {
	t := table.NewWriter()
	t.AppendHeader(table.Row{"started (UTC)", "drill", "verdict", "RTO", "RPO", "sites recovered", "lost writes", "collateral", "run"})
	for _, r := range rows {
		name := r.Scenario + "[" + r.Size + "]"
		if r.Shard != "" {
			name += "{" + r.Shard + "}"
		}
		rto, rpo := optDur(r.RTOSeconds, "not recovered"), optDur(r.RPOSeconds, "—")
		if r.Verdict == result.Inconclusive || r.Verdict == result.Aborted {
			rto, rpo = "not measured", "not measured"
		}
		t.AppendRow(table.Row{
			r.Started.UTC().Format("2006-01-02 15:04"), name, r.Outcome().Word,
			rto, rpo,
			num(float64(r.SitesRecovered)) + " of " + num(float64(r.SitesAffected)),
			num(float64(r.LostWrites)), num(float64(r.CollateralLostWrites)), r.RunID,
		})
	}
	return t
}

// WriteTrend writes history rows as a text table, newest first as given.
func WriteTrend(w io.Writer, rows []history.Row) error {
	_, err := io.WriteString(w, trendTable(rows).Render()+"\n")
	return err
}

// WriteTrendMarkdown writes history rows as a Markdown table.
func WriteTrendMarkdown(w io.Writer, rows []history.Row) error {
	_, err := io.WriteString(w, trendTable(rows).RenderMarkdown()+"\n")
	return err
}

// regressionLines says, one sentence each, how d regressed against its scenario and size's
// history rows (history.Regressions: worse than the median of the last 5 runs by more than 20%
// and at least one probe or canary interval). Both the Markdown summary and the HTML trend show
// them.
func regressionLines(d result.Result, rows []history.Row) []string {
	var out []string
	for _, g := range history.Regressions(d, rows) {
		name, step := "RTO", "probe interval"
		if g.Metric == "rpo" {
			name, step = "RPO", "canary interval"
		}
		what := "an affected site did not recover"
		if g.Value != nil {
			what = fmt.Sprintf("%s, %s worse", Dur(*g.Value), pct(*g.Value, g.Median))
		}
		out = append(out, fmt.Sprintf("%s regressed: %s than the median %s of the last %d runs (the margin is %d%% and at least one %s: above %s counts).",
			name, what, Dur(g.Median), g.Runs, int(math.Round(history.RegressionMargin*100)), step, Dur(g.Threshold)))
	}
	return out
}

// pct is how much worse v is than base, as "+35%" (or "from 0" when base is 0).
func pct(v, base float64) string {
	if base == 0 {
		return "from 0"
	}
	return fmt.Sprintf("%+.0f%%", (v-base)/base*100)
}
