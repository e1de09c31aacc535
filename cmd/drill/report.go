package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/drill-dev/drill/reports"
	"github.com/drill-dev/drill/reports/history"
	"github.com/drill-dev/drill/result"
	"github.com/drill-dev/drill/scenarios"
)

func init() { register(newReportCmd) }

type reportFlags struct {
	outputs      string
	projectTo    int
	projectedRTO string
	history      string
	stepSummary  bool
	redact       []string
}

func newReportCmd(st *state) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report RESULT.json...",
		Short: "Render and merge results into HTML, JUnit, Markdown and JSON reports",
		Long: `Report reads result files (drill run's result.json, or a campaign or merged report written
by drill report) and renders them again. Several results merge: drills of one scenario at
different sizes become a campaign with the RTO-against-sites-affected fit and, with
--project-to, its projection; results of CI shards become one suite. When the same drill
appears twice, the later run is kept.

Without -r it writes report.html in the current directory. It prints the verdict and the
objectives, and the path of every file it wrote. When the history store exists, the HTML shows
the last runs of each drill's scenario and size.`,
		Example: `  drill report out/atlassian-2022-small-*/result.json
  drill report shard-*/result.json -r html=merged.html,junit=merged.xml
  drill report out/*/result.json --project-to 883 --projected-rto 6h -r html=campaign.html,json=campaign.json
  drill report result.json -r markdown=- --history none`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(cmd.Context(), st, args, f) },
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.outputs, "report", "r", "html", "reports to write: html=PATH,junit=PATH,markdown=PATH,json=PATH,openmetrics=PATH; a kind alone takes its default name (report.html, junit.xml, summary.md, result.json, metrics.prom); PATH - is stdout")
	fl.IntVar(&f.projectTo, "project-to", 0, "campaigns: project the fitted RTO to this many sites affected (default: the project-to the results record)")
	fl.StringVar(&f.projectedRTO, "projected-rto", "", "campaigns: target for the projected RTO, e.g. 6h (default: the projected-rto target the results record)")
	fl.StringVar(&f.history, "history", "", "history store to read the trend from, or none (default $XDG_DATA_HOME/drill/history.db, when it exists)")
	fl.BoolVar(&f.stepSummary, "step-summary", false, "also append the Markdown summary to $GITHUB_STEP_SUMMARY")
	fl.StringSliceVar(&f.redact, "redact-env", nil, "names of environment variables whose values must not appear in the reports")
	return cmd
}

func runReport(ctx context.Context, st *state, paths []string, f reportFlags) error {
	outs, err := reports.ParseOutputs(f.outputs)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("-r: %w", err))
	}
	proj := result.Projection{SitesAffected: f.projectTo}
	if f.projectedRTO != "" {
		d, err := scenarios.ParseDuration(f.projectedRTO)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("--projected-rto: %w", err))
		}
		t := d.Seconds()
		proj.TargetSeconds = &t
	}
	results, err := reports.LoadFiles(paths...)
	if err != nil {
		return withCode(exitUsage, err)
	}
	rep, err := reports.Merge(results, proj)
	if err != nil {
		return withCode(exitUsage, err)
	}
	var opts []reports.Option
	for _, name := range f.redact {
		opts = append(opts, reports.WithRedact(st.Getenv(name)))
	}
	rows, err := trendFor(ctx, st, f.history, rep)
	if err != nil {
		fmt.Fprintln(st.Stderr, "drill: history:", err)
	}
	opts = append(opts, reports.WithHistory(rows))
	var files reports.Outputs
	for _, o := range outs.In(".") {
		if o.Path == "-" {
			if err := writeTo(st, o.Kind, rep, opts); err != nil {
				return err
			}
			continue
		}
		files = append(files, o)
	}
	if err := reports.Write(rep, files, opts...); err != nil {
		return err
	}
	if f.stepSummary {
		if err := reports.AppendStepSummary(st.Getenv, rep, opts...); err != nil {
			return err
		}
	}
	if len(files) < len(outs) {
		return nil // a report went to stdout: keep stdout clean
	}
	if err := reports.WriteText(st.Stdout, rep, opts...); err != nil {
		return err
	}
	for _, o := range files {
		fmt.Fprintf(st.Stdout, "%s report: %s\n", o.Kind, o.Path)
	}
	return nil
}

// writeTo renders one report kind to stdout.
func writeTo(st *state, kind string, rep reports.Report, opts []reports.Option) error {
	switch kind {
	case "html":
		return reports.WriteHTML(st.Stdout, rep, opts...)
	case "junit":
		return reports.WriteJUnit(st.Stdout, rep, opts...)
	case "markdown":
		return reports.WriteMarkdown(st.Stdout, rep, opts...)
	case "openmetrics":
		return reports.WriteOpenMetrics(st.Stdout, rep, opts...)
	}
	return reports.WriteJSON(st.Stdout, rep, opts...)
}

// trendFor reads the last runs of every drill in the report from the history store. An unset
// flag reads the default store only when it already exists; none reads nothing.
func trendFor(ctx context.Context, st *state, flag string, rep reports.Report) ([]history.Row, error) {
	path, on, err := history.Resolve(flag, st.Getenv)
	if err != nil || !on {
		return nil, err
	}
	if flag == "" {
		if _, err := os.Stat(path); err != nil {
			return nil, nil
		}
	}
	store, err := history.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	var rows []history.Row
	for _, d := range rep.Drills {
		r, err := store.Trend(ctx, d.Run.Scenario, d.Run.Size, 10)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}
