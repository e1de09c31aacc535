package main

import (
	"context"
	"fmt"

	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/reports/history"
	"github.com/drill-dev/drill/result"
)

// writeReports records a drill in the history store (unless --history none), writes its
// reports (the -r outputs, by default every kind into its output directory; the JSON result
// is already there) and appends the Markdown summary to $GITHUB_STEP_SUMMARY when that is set.
// It prints the HTML path. Failures are reported, not fatal: the result is already on disk.
func writeReports(ctx context.Context, st *state, res *result.Result, dir string, outs reports.Outputs, historyFlag string) {
	var opts []reports.Option
	if path, on, err := history.Resolve(historyFlag, st.Getenv); err != nil {
		fmt.Fprintln(st.Stderr, "drill: history:", err)
	} else if on {
		if rows, err := record(ctx, path, res); err != nil {
			fmt.Fprintln(st.Stderr, "drill: history:", err)
		} else {
			opts = append(opts, reports.WithHistory(rows))
		}
	}
	rep := reports.Single(*res)
	outs = outs.In(dir)
	if err := reports.Write(rep, outs, opts...); err != nil {
		fmt.Fprintln(st.Stderr, "drill:", err)
	}
	if err := reports.AppendStepSummary(st.Getenv, rep, opts...); err != nil {
		fmt.Fprintln(st.Stderr, "drill: step summary:", err)
	}
	if p := outs.Path("html"); p != "" {
		fmt.Fprintf(st.Stdout, "report: %s\n", p)
	}
}

// record stores a finished drill and returns the recent runs of its scenario and size.
func record(ctx context.Context, path string, res *result.Result) ([]history.Row, error) {
	s, err := history.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := s.Record(ctx, *res); err != nil {
		return nil, err
	}
	return s.Trend(ctx, res.Run.Scenario, res.Run.Size, 10)
}
