package reports

import (
	"io"

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
			r.Started.UTC().Format("2006-01-02 15:04"), name, result.Judge(r.Verdict, nil, r.Expected, nil).Word,
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
